"""Harvest settings and the pure rules shared by the in-process loop and the Temporal workflows.

Nothing here does I/O or reads a clock, so workflows may import it (passed through the sandbox).
Seeds come from sha256, never Python's `hash`, so they are the same in every process.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Literal

from pydantic import BaseModel, Field

from mining.core.errors import UserError
from mining.core.trajectory import MAX_TURNS
from mining.core.window import Window
from mining.llm.spec import TURN_TIMEOUT_S, parse_target, with_turn_timeout
from mining.propose.context import ProposerContext, cell_cap
from mining.wg.config import WGOptions, WGSettings, check_settings

MODES = ("dag", "wg")
BEATS_PER_TIMEOUT = 4  # heartbeats sent within one heartbeat timeout
ROLLOUT_SLACK_S = 120.0  # a rollout attempt's time besides its model calls
ROLLOUT_ATTEMPT_BUDGET = 3  # a rollout's worst-case attempts' worth of time, retries included
LEDGER_QUEUE = "ledger"
COMPUTE_QUEUE = "compute"


class Budgets(BaseModel):
    """Stop when any of these is reached (None: no limit). Checked between iterations; a batch is
    also cut to the candidates the rollout budget still pays for (`affordable_candidates`).
    `max_rollouts` counts every paid model rollout: the target's and, in mode wg, the oracle's."""

    max_rollouts: int | None = None
    max_tokens: int | None = None
    max_cost_usd: float | None = None
    max_iterations: int | None = None


class Timeouts(BaseModel):
    """Activity timeouts in seconds. Defaults suit real endpoints; tests shorten them so a killed
    worker's activities are noticed quickly."""

    ledger_s: float = 60.0
    ledger_attempts: int = Field(
        default=20,
        description="attempts of a failing ledger activity before its iteration fails (then "
        "the harvest waits as failed until resumed)",
    )
    synthesize_s: float = 300.0
    turn_s: float = Field(
        default=TURN_TIMEOUT_S,
        description="the target's timeout per model call in a rollout (--turn-timeout); a "
        "rollout attempt's time bounds follow from it",
    )
    heartbeat_s: float = Field(
        default=20.0,
        description="a compute attempt that has not heartbeated for this long is presumed lost "
        "(its worker died) and retried; attempts beat several times within it, also while a "
        "model call is in flight, so it does not depend on turn_s",
    )
    wg_rollouts_s: float = Field(
        default=1800.0, description="mode wg: one step that runs rollouts (a trial, an oracle)"
    )
    analyze_s: float = 300.0

    @property
    def beat_every_s(self) -> float:
        """How often a running attempt heartbeats: a few beats fit in one heartbeat timeout."""
        return self.heartbeat_s / BEATS_PER_TIMEOUT


class Queues(BaseModel):
    """Task queues: the ledger queue (one process owning the store; workflows run there too) and
    the compute queue (any number of workers)."""

    ledger: str = LEDGER_QUEUE
    compute: str = COMPUTE_QUEUE


class HarvestConfig(BaseModel):
    harvest_id: str = Field(default="", description="empty: the workflow id is used")
    domain: str = "airline"
    mode: Literal["dag", "wg"] = "dag"
    target: str = "sim:mid"
    api_base: str | None = Field(
        default=None, description="the target's endpoint (litellm api_base); keys stay in env"
    )
    k: int = 4
    min_pass_rate: float = 0.0
    max_pass_rate: float = 0.5
    n_tasks: int = 10
    batch_size: int = 8
    rollout_concurrency: int = Field(
        default=4, description="rollouts of one candidate in flight at once (one wave)"
    )
    max_turns: int = MAX_TURNS
    max_errored_rollouts: int | None = Field(
        default=None,
        description="errored rollouts a candidate may replace before it is left undecided "
        "(None: k)",
    )
    seed: int = 0
    proposer: str = "adaptive"
    max_cell_share: float | None = Field(
        default=0.2,
        description="no parameter cell may hold more than this share of the N harvested tasks "
        "(None: no cap)",
    )
    budgets: Budgets = Field(default_factory=Budgets)
    iterations_per_run: int = Field(default=5, description="iterations before continue-as-new")
    timeouts: Timeouts = Field(default_factory=Timeouts)
    queues: Queues = Field(default_factory=Queues)
    wg: WGOptions = Field(
        default_factory=WGOptions, description="mode wg: oracle, model roles, checks, ..."
    )


def check_config(cfg: HarvestConfig) -> None:
    """Raise UserError naming the first bad value and what is allowed."""
    if cfg.k < 1:
        raise UserError(f"k={cfg.k}: must be at least 1")
    window_of(cfg).check()
    for name in ("n_tasks", "batch_size", "rollout_concurrency", "max_turns", "iterations_per_run"):
        if getattr(cfg, name) < 1:
            raise UserError(f"{name}={getattr(cfg, name)}: must be at least 1")
    for name in ("turn_s", "heartbeat_s"):
        if (value := getattr(cfg.timeouts, name)) <= 0:
            raise UserError(f"timeouts.{name}={value}: must be a positive number of seconds")
    with_turn_timeout(parse_target(cfg.target, cfg.api_base), cfg.timeouts.turn_s)
    if cfg.max_errored_rollouts is not None and cfg.max_errored_rollouts < 1:
        raise UserError(f"max_errored_rollouts={cfg.max_errored_rollouts}: must be at least 1")
    if cfg.max_cell_share is not None and not 0.0 < cfg.max_cell_share <= 1.0:
        raise UserError(f"max_cell_share={cfg.max_cell_share}: need 0 < share <= 1 (or none)")
    if cfg.mode not in MODES:
        raise UserError(f"mode {cfg.mode!r}: allowed {', '.join(MODES)}")
    if cfg.mode == "wg":
        check_settings(wg_settings(cfg))
    for name, value in cfg.budgets.model_dump().items():
        # A zero budget would stop the harvest before its first candidate: surely a typo.
        if value is not None and value <= 0:
            raise UserError(f"budget {name}={value}: must be positive (or unset for no limit)")


def wg_settings(cfg: HarvestConfig) -> WGSettings:
    """The settings a WG harvest's steps run with (one hypothesis per iteration)."""
    return WGSettings(
        **cfg.wg.model_dump(),
        harvest_id=cfg.harvest_id,
        domain=cfg.domain,
        target=cfg.target,
        k=cfg.k,
        min_pass_rate=cfg.min_pass_rate,
        max_pass_rate=cfg.max_pass_rate,
        n_tasks=cfg.n_tasks,
        seed=cfg.seed,
        max_turns=cfg.max_turns,
        turn_s=cfg.timeouts.turn_s,
    )


class RolloutBounds(BaseModel):
    """The time bounds of one rollout activity, in seconds."""

    attempt_s: float = Field(description="one attempt: every turn may take the turn timeout")
    total_s: float = Field(description="all attempts with their retry delays (schedule-to-close)")
    heartbeat_s: float


def rollout_bounds(cfg: HarvestConfig) -> RolloutBounds:
    """A rollout attempt runs at most `max_turns` model calls of at most `turn_s` each (tools,
    the simulated customer and scoring are local: `ROLLOUT_SLACK_S` covers them); a rollout, all
    its attempts and retry delays included, gets `ROLLOUT_ATTEMPT_BUDGET` such attempts' time,
    after which it is recorded as errored rather than holding its iteration any longer."""
    t = cfg.timeouts
    attempt = cfg.max_turns * t.turn_s + ROLLOUT_SLACK_S
    return RolloutBounds(
        attempt_s=attempt, total_s=ROLLOUT_ATTEMPT_BUDGET * attempt, heartbeat_s=t.heartbeat_s
    )


def _derive(*parts: object) -> int:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:6], "big")  # < 2**48: fits DuckDB BIGINT and JSON numbers


def propose_seed(seed: int, iteration: int) -> int:
    return _derive("propose", seed, iteration)


def candidate_seed(seed: int, iteration: int, index: int) -> int:
    return _derive("candidate", seed, iteration, index)


def rollout_seed(cand_seed: int, index: int) -> int:
    return _derive("rollout", cand_seed, index)


def window_of(cfg: HarvestConfig) -> Window:
    """The harvest's pass-rate window (the one every verdict comes from)."""
    return Window(min_pass_rate=cfg.min_pass_rate, max_pass_rate=cfg.max_pass_rate, k=cfg.k)


def in_window(cfg: HarvestConfig, passes: int, rollouts: int) -> bool:
    """The verdict once the rollouts ran (a task nobody passes is not "hard but learnable", so
    the default window 0..0.5 excludes 0)."""
    return window_of(cfg).holds(passes, rollouts)


def outcome_known(cfg: HarvestConfig, passes: int, failures: int) -> bool:
    """True once all k rollouts ran, or once no result of the remaining ones can bring the
    candidate into the window (early stopping). A candidate that will surely be in the window
    still runs all k, so its exported pass rate is measured over k."""
    return window_of(cfg).can_stop(passes, failures)


def proposer_context(cfg: HarvestConfig) -> ProposerContext:
    """What proposers that accept a context learn of the harvest."""
    return ProposerContext(
        min_pass_rate=cfg.min_pass_rate,
        max_pass_rate=cfg.max_pass_rate,
        k=cfg.k,
        min_exclusive=True,
        target_tasks=cfg.n_tasks,
        max_cell_share=cfg.max_cell_share,
        wave=cfg.rollout_concurrency,
    )


def max_per_cell(cfg: HarvestConfig) -> int:
    """Most harvested tasks one parameter cell may hold in this harvest."""
    return cell_cap(cfg.max_cell_share, cfg.n_tasks)


def select(outcomes: list[CandidateOutcome], remaining: int) -> list[str]:
    """Keep at most `remaining` in-window candidates, in candidate order: never overshoot N.
    (The per-cell cap is the store's to apply: it knows what earlier iterations harvested.)"""
    return [o.candidate_id for o in outcomes if o.in_window][: max(remaining, 0)]


class Counters(BaseModel):
    """Running totals of a harvest (carried across continue-as-new)."""

    iterations: int = 0
    harvested: int = 0
    candidates: int = 0
    rejected: int = 0
    rollouts: int = 0
    oracle_rollouts: int = Field(default=0, description="mode wg: the oracle's rollouts")
    errored: int = Field(default=0, description="rollouts that errored (not in `rollouts`)")
    tokens: int = 0
    cost_usd: float = 0.0

    @property
    def paid_rollouts(self) -> int:
        """What `--max-rollouts` counts: every model rollout paid for, the oracle's included."""
        return self.rollouts + self.oracle_rollouts

    def add(self, it: IterationTotals) -> None:
        self.iterations += 1
        self.harvested += it.harvested
        self.candidates += it.candidates
        self.rejected += it.rejected
        self.rollouts += it.rollouts
        self.oracle_rollouts += it.oracle_rollouts
        self.errored += it.errored
        self.tokens += it.tokens
        self.cost_usd += it.cost_usd


class CandidateOutcome(BaseModel):
    candidate_id: str
    synthesized: bool
    passes: int = 0
    rollouts: int = Field(default=0, description="rollouts that ran to a result")
    tokens: int = 0
    cost_usd: float = 0.0
    in_window: bool = False
    errored: int = Field(default=0, description="rollouts that gave up with an error")
    errors: dict[str, int] = Field(default_factory=dict, description="error class -> rollouts")
    undecided: bool = Field(default=False, description="too many rollouts errored to decide")

    @property
    def pass_rate(self) -> float:
        return self.passes / self.rollouts if self.rollouts else 0.0


class IterationTotals(BaseModel):
    iteration: int
    candidates: int = 0
    rejected: int = 0
    rollouts: int = 0
    oracle_rollouts: int = Field(default=0, description="mode wg: the oracle's rollouts")
    tokens: int = 0
    cost_usd: float = 0.0
    in_window: int = 0
    harvested: int = 0
    harvested_ids: list[str] = Field(default_factory=list)
    stop: str | None = Field(
        default=None,
        description="why the harvest cannot go on (set when the iteration proposed nothing)",
    )
    errored: int = 0
    errors: dict[str, int] = Field(default_factory=dict, description="error class -> rollouts")
    undecided: int = 0


def totals(
    iteration: int, outcomes: list[CandidateOutcome], accepted: list[str]
) -> IterationTotals:
    errors: Counter[str] = Counter()
    for o in outcomes:
        errors.update(o.errors)
    return IterationTotals(
        iteration=iteration,
        candidates=len(outcomes),
        rejected=sum(1 for o in outcomes if not o.synthesized),
        rollouts=sum(o.rollouts for o in outcomes),
        tokens=sum(o.tokens for o in outcomes),
        cost_usd=sum(o.cost_usd for o in outcomes),
        in_window=sum(1 for o in outcomes if o.in_window),
        harvested=len(accepted),
        harvested_ids=accepted,
        errored=sum(o.errored for o in outcomes),
        errors=dict(sorted(errors.items())),
        undecided=sum(1 for o in outcomes if o.undecided),
    )


def affordable_candidates(cfg: HarvestConfig, rollouts_spent: int) -> int | None:
    """Most candidates the rollout budget still pays for (None: no rollout budget). Each may
    take k rollouts, so a harvest ends less than k rollouts past its budget, not a batch past."""
    if cfg.budgets.max_rollouts is None:
        return None
    left = cfg.budgets.max_rollouts - rollouts_spent
    return max(1, -(-left // cfg.k))  # ceil: the last candidate may overshoot


def stop_reason(cfg: HarvestConfig, c: Counters) -> str | None:
    """Why the harvest should stop now (None: keep going)."""
    b = cfg.budgets
    if c.harvested >= cfg.n_tasks:
        return "harvested"
    if b.max_iterations is not None and c.iterations >= b.max_iterations:
        return "budget: iterations"
    if b.max_rollouts is not None and c.paid_rollouts >= b.max_rollouts:
        return "budget: rollouts"
    if b.max_tokens is not None and c.tokens >= b.max_tokens:
        return "budget: tokens"
    if b.max_cost_usd is not None and c.cost_usd >= b.max_cost_usd:
        return "budget: dollars"
    return None


def stall_reason(it: IterationTotals) -> str | None:
    """Why a harvest should stop and wait for a person after this iteration (None: go on).
    An iteration whose every rollout errored learnt nothing of the target: the next one would
    only spend more on the same fault (a wrong key, a dead endpoint, a bug)."""
    if it.errored == 0 or it.rollouts > 0:
        return None
    causes = ", ".join(f"{cls} x{n}" for cls, n in it.errors.items())
    return f"every rollout of iteration {it.iteration} errored ({causes})"
