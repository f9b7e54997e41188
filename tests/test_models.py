"""ModelSpec parsing and provider-error classification."""

from __future__ import annotations

import pytest

from mining.core.errors import UserError
from mining.llm.errors import ProviderError, classify
from mining.llm.spec import ModelSpec, parse_target, sim_profile_of


def test_litellm_names_pass_through() -> None:
    spec = parse_target("openai/gpt-4.1-mini", api_base="http://x/v1")
    assert spec == ModelSpec(model="openai/gpt-4.1-mini", api_base="http://x/v1")
    assert not spec.is_sim


def test_sim_targets_and_query_parameters() -> None:
    spec = parse_target("sim:mid?latency_ms=200&temperature=0.5&seed_hint=x")
    assert spec.is_sim and spec.sim_profile == "mid"
    assert spec.latency_ms == 200.0
    assert spec.temperature == 0.5
    assert spec.extra == {"latency_ms": 200, "seed_hint": "x"}
    assert parse_target("sim:file:/tmp/p.yaml").sim_profile == "file:/tmp/p.yaml"
    assert sim_profile_of("openai/sim:weak") == "weak"


@pytest.mark.parametrize("text", ["", "sim:", "sim:file:"])
def test_bad_targets_are_user_errors(text: str) -> None:
    with pytest.raises(UserError):
        parse_target(text)


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
