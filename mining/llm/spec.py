"""Which model a rollout talks to: `ModelSpec` and the parser of `--target` strings.

A target is named the way litellm names models (`openai/gpt-4.1-mini`, `hosted_vllm/...` with an
`api_base`). `sim:<profile>` names a built-in simulated target (see `mining.targets.sim.agent`), and
`sim:file:PATH` a simulated target driven by any profile file. A query string after the name sets
extra parameters, e.g. `sim:mid?latency_ms=200` makes every simulated model turn take 200 ms
(used by `toolmine bench orchestration`); `ModelSpec.extra["latency_ms"]` does the same.

Credentials never travel in a ModelSpec: litellm reads them from the worker's environment.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

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


def parse_target(text: str, api_base: str | None = None) -> ModelSpec:
    """Parse a `--target` value. `name?key=value&...` puts the keys in `extra`, except the
    well-known `temperature`, `max_tokens` and `timeout_s`, which become fields."""
    text = text.strip()
    if not text:
        raise UserError("empty target; expected a litellm model name or sim:<profile>")
    name, _, query = text.partition("?")
    params: dict[str, Any] = {k: _coerce(v) for k, v in parse_qsl(query, keep_blank_values=True)}
    fields: dict[str, Any] = {}
    for key in ("temperature", "max_tokens", "timeout_s"):
        if key in params:
            fields[key] = params.pop(key)
    if name.startswith(SIM_PREFIX):
        profile = name[len(SIM_PREFIX) :]
        if not profile or profile == "file:":
            raise UserError(f"target {text!r}: expected sim:strong|mid|weak or sim:file:PATH")
    return ModelSpec(model=name, api_base=api_base, extra=params, **fields)
