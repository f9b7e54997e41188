"""Which model a rollout talks to: `ModelSpec` and the parser of `--target` strings.

A target is named the way litellm names models (`openai/gpt-4.1-mini`, `hosted_vllm/...` with an
`api_base`). `sim:<profile>` names a built-in simulated target (see `mining.targets.sim.agent`), and
`sim:file:PATH` a simulated target driven by any profile file. A query string after the name sets
extra parameters, e.g. `sim:mid?latency_ms=200` makes every simulated model turn take 200 ms
(used by `toolmine bench orchestration`); `ModelSpec.extra["latency_ms"]` does the same.

Credentials never travel in a ModelSpec: litellm reads them from the worker's environment.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, Field

from mining.core.errors import UserError

SIM_PREFIX = "sim:"


class ModelSpec(BaseModel):
    model: str = Field(description="model name as litellm names it, or sim:<profile>")
    api_base: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    timeout_s: float = 60.0
    extra: dict[str, Any] = Field(default_factory=dict, description="extra completion params")

    @property
    def is_sim(self) -> bool:
        """True for an in-process simulated target (`sim:...` without the litellm provider)."""
        return self.model.startswith(SIM_PREFIX)

    @property
    def sim_profile(self) -> str:
        """The profile part of `sim:<profile>` (`mid`, `file:/path/p.yaml`)."""
        return sim_profile_of(self.model)

    @property
    def latency_ms(self) -> float:
        """Simulated per-turn latency in milliseconds (simulated targets only)."""
        return float(self.extra.get("latency_ms", 0) or 0)

    def completion_options(self) -> dict[str, Any]:
        """The keyword arguments of a litellm completion for this model, besides the model,
        the messages, retries and timeout: the extra parameters, the endpoint (a self-hosted one
        gets `TOOLMINE_API_KEY` or a placeholder key, which such servers ignore but litellm
        requires), temperature and token limit when set."""
        options = dict(self.extra)
        options.pop("latency_ms", None)  # a simulated-target knob, not a completion parameter
        if self.api_base:
            options["api_base"] = self.api_base
            options.setdefault("api_key", os.environ.get("TOOLMINE_API_KEY", "sk-none"))
        if self.temperature is not None:
            options["temperature"] = self.temperature
        if self.max_tokens is not None:
            options["max_tokens"] = self.max_tokens
        return options


TURN_TIMEOUT_S = 60.0  # the default timeout of one model call (a rollout's turn, a role's answer)


def with_turn_timeout(spec: ModelSpec, turn_s: float) -> ModelSpec:
    """The target with a rollout's per-turn timeout (`--turn-timeout`). A target string that
    sets its own `timeout_s` is refused: the turn timeout also bounds the rollout's activity, so
    it has one place."""
    if "timeout_s" in spec.model_fields_set:
        raise UserError(
            f"target option timeout_s={spec.timeout_s:g}: a rollout's per-turn timeout is set "
            "with --turn-timeout SECONDS, not in the target"
        )
    return spec.model_copy(update={"timeout_s": turn_s})


def sim_profile_of(model: str) -> str:
    """`sim:mid` -> `mid`; `openai/sim:mid` -> `mid` (the name the sim-server receives)."""
    name = model.split("/", 1)[1] if "/" in model and not model.startswith(SIM_PREFIX) else model
    if not name.startswith(SIM_PREFIX):
        raise UserError(f"{model!r} is not a simulated target (expected sim:<profile>)")
    return name[len(SIM_PREFIX) :]


def _coerce(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


# Options that become ModelSpec fields, with their type and lower bound.
_FIELDS: dict[str, tuple[type, float]] = {
    "temperature": (float, 0.0),
    "max_tokens": (int, 1),
    "timeout_s": (float, 0.001),
}
SIM_OPTIONS = ("latency_ms",)  # what a simulated target understands beyond the fields
# Words that mark an option (or a URL part) as a credential: those come from the environment only.
_SECRET_WORDS = {"key", "apikey", "token", "secret", "password", "passwd", "pwd", "auth"}
_SECRET_WORDS |= {"authorization", "credential", "credentials", "bearer", "cookie", "session"}


def looks_secret(name: str) -> bool:
    """True for option names such as api_key, access-token, x-api-key, password."""
    return any(part in _SECRET_WORDS for part in re.split(r"[^a-z]+", name.lower()))


def refuse_secrets(where: str, keys: list[str]) -> None:
    """A credential in a target string or URL would be stored in the history and shown in the UI:
    refuse it, naming the option but never its value."""
    secret = [k for k in keys if looks_secret(k)]
    if secret:
        raise UserError(
            f"{where}: option {secret[0]!r} looks like a credential; credentials are read only "
            "from the worker's environment (e.g. OPENAI_API_KEY), never from a target or URL, "
            "which are stored in the history and shown in the Temporal UI"
        )


def _number(name: str, value: Any, cast: type, low: float) -> Any:
    try:
        number = cast(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or number < low:
        kind = "an integer" if cast is int else "a number"
        raise UserError(f"target option {name}={value!r}: expected {kind} >= {low:g}")
    return number


def check_api_base(api_base: str | None) -> None:
    """An endpoint URL: http(s), no user:password part, no credential in its query."""
    if api_base is None:
        return
    url = urlsplit(api_base)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise UserError(
            f"--api-base {api_base!r}: expected an http(s) URL such as http://host:8000/v1"
        )
    if url.username or url.password:
        raise UserError(
            "--api-base: a user:password part is a credential; put the key in the worker's "
            "environment instead"
        )
    refuse_secrets("--api-base", [k for k, _ in parse_qsl(url.query, keep_blank_values=True)])


def parse_target(text: str, api_base: str | None = None) -> ModelSpec:
    """Parse a `--target` value. `name?key=value&...` puts the keys in `extra`, except the
    well-known `temperature`, `max_tokens` and `timeout_s`, which become fields. Simulated targets
    take only `latency_ms` besides those; a credential-like option is refused for every target."""
    text = text.strip()
    if not text:
        raise UserError("empty target; expected a litellm model name or sim:<profile>")
    name, _, query = text.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    refuse_secrets(f"target {name!r}", [k for k, _ in pairs])
    check_api_base(api_base)
    params: dict[str, Any] = {k: _coerce(v) for k, v in pairs}
    fields: dict[str, Any] = {}
    for key, (cast, low) in _FIELDS.items():
        if key in params:
            fields[key] = _number(key, params.pop(key), cast, low)
    if "latency_ms" in params:
        params["latency_ms"] = _number("latency_ms", params["latency_ms"], float, 0)
    if name.startswith(SIM_PREFIX):
        profile = name[len(SIM_PREFIX) :]
        if not profile or profile == "file:":
            raise UserError(f"target {name!r}: expected sim:strong|mid|weak or sim:file:PATH")
        unknown = sorted(set(params) - set(SIM_OPTIONS))
        if unknown:
            allowed = ", ".join([*SIM_OPTIONS, *_FIELDS])
            raise UserError(f"target {name!r}: unknown option {unknown[0]!r}; allowed: {allowed}")
    return ModelSpec(model=name, api_base=api_base, extra=params, **fields)
