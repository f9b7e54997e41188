"""Settings of a WG harvest (pure: workflows import it) and the vocabulary lookup."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, Field

from domains import registry
from domains.wg import BREAK_KINDS, WGVocabulary
from mining.core.errors import UserError
from mining.core.window import Window
from mining.llm.spec import TURN_TIMEOUT_S, ModelSpec, parse_target, with_turn_timeout

OFFLINE = "offline"


class WGOptions(BaseModel):
    """What a WG harvest adds to a harvest's settings (`HarvestConfig.wg`)."""

    oracle: str = Field(default="sim:strong", description="the model that confirms failures")
    strategist: str = Field(default=OFFLINE, description="a model, or offline")
    world_actor: str = Field(default=OFFLINE, description="a model, or offline")
    api_base: str | None = Field(
        default=None, description="endpoint of every model role (target, oracle, strategist, ...)"
    )
    checks: bool = Field(default=True, description="consistency checks before target runs")
    break_rates: dict[str, float] = Field(
        default_factory=lambda: {kind: 0.08 for kind in BREAK_KINDS},
        description="offline world actor: chance of each kind of broken world",
    )
    solution_rate: float = Field(
        default=0.8, description="offline world actor: chance it proposes a solution"
    )
    # 3, not 2: the oracle slips where the target does (sim:strong fails about half its
    # basic-economy bookings, like sim:mid); at 2 it discarded 31 of 150 real failures.
    oracle_attempts: int = Field(default=3, description="oracle rollouts; any pass confirms")
    max_variants: int = Field(default=6, description="simplification retests per failure")
    explore_share: float = Field(default=0.3, description="quota of exploring hypotheses")
    max_tag_share: float = Field(
        default=0.2, description="most confirmed failures one capability tag may hold"
    )


class WGSettings(WGOptions):
    """Everything one WG harvest's steps need (built from a `HarvestConfig` by the harvest)."""

    harvest_id: str = ""
    domain: str = "airline"
    target: str = "sim:mid"
    k: int = 4
    min_pass_rate: float = 0.0
    max_pass_rate: float = 0.5
    n_tasks: int = 10
    seed: int = 0
    max_turns: int = 30
    max_hypotheses: int = Field(default=200, description="stop after this many hypotheses")
    max_rollouts: int | None = Field(
        default=None, description="rollout budget: the target's and the oracle's rollouts"
    )
    rollouts_left: int | None = Field(
        default=None,
        description="what the harvest's budget leaves this probe: simplification stops there",
    )
    turn_s: float = Field(
        default=TURN_TIMEOUT_S,
        description="timeout of one model call of any role: target, oracle, strategist, world "
        "actor (--turn-timeout)",
    )

    def window(self) -> Window:
        return Window(min_pass_rate=self.min_pass_rate, max_pass_rate=self.max_pass_rate, k=self.k)

    def model(self, name: str) -> ModelSpec:
        """The model of a role (a name with options, as `--target` takes it) on this harvest's
        endpoint, each call bounded by the turn timeout."""
        return with_turn_timeout(parse_target(name, self.api_base), self.turn_s)


def derive_seed(*parts: object) -> int:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:6], "big")


def vocabulary(domain: str) -> WGVocabulary:
    """The domain's WG vocabulary, or a user error naming the domains that have one."""
    try:
        dom = registry.get(domain)
    except registry.UnknownDomainError as exc:
        raise UserError(str(exc)) from None
    vocab = dom.wg
    if vocab is None:
        names = [n for n in registry.names() if registry.get(n).wg is not None]
        raise UserError(
            f"domain {domain!r} has no WG vocabulary; domains with one: {', '.join(names)}"
        )
    return vocab


def check_settings(s: WGSettings) -> None:
    """Raise UserError naming the first bad value and what is allowed."""
    vocabulary(s.domain)
    s.window().check()
    for name in ("k", "n_tasks", "oracle_attempts", "max_hypotheses", "max_turns"):
        if getattr(s, name) < 1:
            raise UserError(f"{name}={getattr(s, name)}: must be at least 1")
    if s.turn_s <= 0:
        raise UserError(f"turn timeout {s.turn_s}: must be a positive number of seconds")
    for role in (s.target, s.oracle, s.strategist, s.world_actor):
        if role != OFFLINE:
            s.model(role)  # a role that sets its own timeout_s is refused here, not mid-harvest
    unknown = sorted(set(s.break_rates) - set(BREAK_KINDS))
    if unknown:
        raise UserError(f"break kind(s) {unknown}: allowed {', '.join(BREAK_KINDS)}")
    if sum(s.break_rates.values()) > 1 or any(v < 0 for v in s.break_rates.values()):
        raise UserError(f"break rates {s.break_rates}: each >= 0, together at most 1")
    for name in ("solution_rate", "explore_share", "max_tag_share"):
        if not 0.0 <= getattr(s, name) <= 1.0:
            raise UserError(f"{name}={getattr(s, name)}: need 0 <= value <= 1")
