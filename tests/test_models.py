"""ModelSpec parsing and provider-error classification."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mining.core.errors import UserError
from mining.llm.errors import ProviderError, classify
from mining.llm.spec import ModelSpec, parse_target, sim_profile_of
from mining.targets import resolve_target


def test_litellm_names_pass_through() -> None:
    spec = parse_target("openai/gpt-4.1-mini", api_base="http://x/v1")
    assert spec == ModelSpec(model="openai/gpt-4.1-mini", api_base="http://x/v1")
    assert not spec.is_sim


def test_sim_targets_and_query_parameters() -> None:
    spec = parse_target("sim:mid?latency_ms=200&temperature=0.5")
    assert spec.is_sim and spec.sim_profile == "mid"
    assert spec.latency_ms == 200.0
    assert spec.temperature == 0.5
    assert spec.extra == {"latency_ms": 200}
    assert parse_target("sim:file:/tmp/p.yaml").sim_profile == "file:/tmp/p.yaml"
    assert sim_profile_of("openai/sim:weak") == "weak"
    # a litellm target passes its other options on to litellm
    assert parse_target("openai/x?top_p=0.9&max_tokens=64").extra == {"top_p": 0.9}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "empty target"),
        ("sim:", "sim:"),
        ("sim:file:", "sim:file:"),
        ("sim:mid?latency_ms=abc", "latency_ms='abc'"),  # burnt 10 retries per rollout
        ("sim:mid?latency_ms=-5", "latency_ms=-5"),
        ("sim:mid?temperature=hot", "temperature='hot'"),
        ("openai/x?max_tokens=0", "max_tokens=0"),
        ("sim:mid?latency=200", "'latency'"),  # a typo silently ignored before
    ],
)
def test_bad_targets_are_user_errors_naming_the_value(text: str, named: str) -> None:
    with pytest.raises(UserError, match=re.escape(named)):
        parse_target(text)


@pytest.mark.parametrize(
    "text",
    [
        "openai/gpt-4.1-mini?api_key=sk-SECRET123",
        "openai/x?x-api-key=sk-SECRET123",
        "hosted_vllm/m?access_token=sk-SECRET123",
        "anthropic/c?password=sk-SECRET123",
        "sim:mid?apikey=sk-SECRET123",
    ],
)
def test_credentials_in_a_target_are_refused_without_echoing_them(text: str) -> None:
    with pytest.raises(UserError, match="credential") as caught:
        parse_target(text)
    assert "SECRET123" not in str(caught.value)


@pytest.mark.parametrize(
    "api_base",
    ["http://user:sk-SECRET123@host/v1", "http://host/v1?api_key=sk-SECRET123", "ftp://host"],
)
def test_api_base_with_credentials_or_not_http_is_refused(api_base: str) -> None:
    with pytest.raises(UserError, match="--api-base") as caught:
        parse_target("openai/x", api_base=api_base)
    assert "SECRET123" not in str(caught.value)


def test_resolve_target_loads_simulated_profiles(tmp_path: Path) -> None:
    assert resolve_target("sim:weak").is_sim
    with pytest.raises(UserError, match="sim:nope"):
        resolve_target("sim:nope")
    with pytest.raises(UserError, match="cannot read"):
        resolve_target(f"sim:file:{tmp_path / 'missing.yaml'}")
    assert resolve_target("openai/x", api_base="http://127.0.0.1:9/v1").api_base


def test_profile_errors_never_quote_the_file(tmp_path: Path) -> None:
    """A profile path can name any file (and the sim-server answers requests naming one)."""
    secret = "SECRET-LINE-42"
    cases = {
        "bad.yaml": f"errors: [\n  {secret}: : :\n",  # not YAML
        "bad.json": f'{{"errors": {secret}}}',  # not JSON
        "list.yaml": f"- {secret}\n",  # not a mapping
        "typed.yaml": f"errors:\n  distractor_chosen:\n    base_rate: {secret}\n",  # invalid
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(UserError) as caught:
            resolve_target(f"sim:file:{path}")
        assert secret not in str(caught.value), name
        assert str(path) in str(caught.value)


class _Fake(Exception):
    def __init__(self, msg: str, status_code: int | None = None) -> None:
        super().__init__(msg)
        self.status_code = status_code


def _named(name: str) -> type[Exception]:
    return type(name, (Exception,), {})


def test_classification_of_provider_errors() -> None:
    auth = classify(_named("AuthenticationError")("bad key"), "openai/x")
    assert not auth.retryable and "openai/x" in str(auth) and "API key" in str(auth)
    rate = classify(_Fake("Rate limit hit, retry after 7 seconds", 429), "m")
    assert rate.retryable and rate.retry_after_s == 7.0
    assert classify(_named("Timeout")("slow"), "m").retryable
    assert classify(_Fake("boom", 503), "m").retryable
    bad = classify(_named("BadRequestError")("no such param"), "m")
    assert isinstance(bad, ProviderError) and not bad.retryable
    assert not classify(_Fake("missing", 404), "m").retryable
