"""What a harvest produced, in numbers a person reads at the end of a run.

Built by the store from its tables; rendered by the CLI (`harvest show`, `demo`). Kept pure so it
can cross Temporal as a query/activity result.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class FailureCount(BaseModel):
    label: str
    count: int


class HarvestSummary(BaseModel):
    harvest_id: str
    domain: str = ""
    target: str = ""
    mode: str = ""
    status: str = ""
    status_reason: str | None = Field(default=None, description="why it is failed or stalled")
    n_tasks: int = 0
    harvested: int = 0
    iterations: int = 0
    candidates: int = 0
    rejected: int = 0
    rollouts: int = 0
    oracle_rollouts: int = Field(
        default=0, description="mode wg: the oracle's rollouts (paid, and in --max-rollouts)"
    )
    passes: int = 0
    rollout_errors: int = 0
    failed_attempts: int = Field(default=0, description="rollout attempts that raised an error")
    errored_rollouts: int = Field(
        default=0, description="rollouts that gave up after their attempts (not target failures)"
    )
    undecided: int = Field(default=0, description="candidates with too many errored rollouts")
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = Field(default=0.0, description="the target's rollouts")
    oracle_tokens: int = Field(default=0, description="mode wg: the oracle's rollouts' tokens")
    oracle_cost_usd: float = Field(default=0.0, description="mode wg: the oracle's rollouts' cost")
    tau2_passes: int = Field(default=0, description="rollouts that pass on tau2's terms")
    tau2_scored: int = Field(default=0, description="rollouts with a verdict on tau2's terms")
    harvested_pass_rate: float | None = Field(
        default=None, description="pass rate over the harvested tasks' rollouts (toolmine)"
    )
    harvested_tau2_pass_rate: float | None = Field(
        default=None, description="the same on tau2's terms (None: some rollouts lack it)"
    )
    pass_rate_histogram: dict[str, int] = Field(
        default_factory=dict, description="pass rate (2 decimals) -> candidates with that rate"
    )
    top_failure_modes: list[FailureCount] = Field(default_factory=list)
    distinct_cells: int = Field(default=0, description="parameter cells among harvested tasks")
    largest_cell_share: float = Field(
        default=0.0, description="share of the harvested tasks in the most frequent cell"
    )
    distinct_users: int = Field(default=0, description="users the harvested tasks are built on")
    distinct_routes: int = Field(default=0, description="routes the harvested tasks touch")
    kept_failure_modes: list[FailureCount] = Field(
        default_factory=list,
        description="harvested tasks per leading failure mode (the analyst's label), most first",
    )

    @property
    def largest_failure_mode_share(self) -> float:
        """Share of the labelled harvested tasks that the most common failure mode leads."""
        labelled = sum(f.count for f in self.kept_failure_modes)
        return self.kept_failure_modes[0].count / labelled if labelled else 0.0


def render_lines(s: HarvestSummary) -> list[str]:
    """Plain text lines (no colour) so the summary reads the same in logs and terminals."""
    hist = "  ".join(f"{rate}: {n}" for rate, n in sorted(s.pass_rate_histogram.items()))
    modes = ", ".join(f"{f.label} ({f.count})" for f in s.top_failure_modes) or "none"
    status = f"{s.status}: {s.status_reason}" if s.status_reason else s.status
    return [
        f"harvest     {s.harvest_id}  ({s.domain}, {s.mode}, target {s.target}, {status})",
        f"harvested   {s.harvested} / {s.n_tasks} tasks",
        f"candidates  {s.candidates} over {s.iterations} iterations ({s.rejected} rejected, "
        f"{s.undecided} undecided)",
        f"rollouts    {s.rollouts} ({s.passes} passed, {s.rollout_errors} errors); "
        f"on tau2's terms {s.tau2_passes} of {s.tau2_scored} passed"
        + (f"; and {s.oracle_rollouts} oracle rollouts" if s.oracle_rollouts else ""),
        f"errored     {s.errored_rollouts} rollouts gave up, {s.failed_attempts} attempts failed "
        "(not target failures)",
        f"kept tasks  pass rate {_rate(s.harvested_pass_rate)} (toolmine), "
        f"{_rate(s.harvested_tau2_pass_rate)} (tau2's terms: order-sensitive, transfers ignored)",
        _cost_line(s),
        f"pass rates  {hist or 'none'}",
        f"failures    {modes}",
        f"diversity   {s.distinct_cells} cells, largest cell share {s.largest_cell_share:.0%}, "
        f"{s.distinct_users} users, {s.distinct_routes} routes (harvested tasks)",
        f"kept modes  {_mode_mix(s)}",
    ]


def _cost_line(s: HarvestSummary) -> str:
    """Every paid role's tokens and dollars: the target's, and the oracle's when there is one."""
    target = f"tokens      {s.tokens_in} in / {s.tokens_out} out, cost ${s.cost_usd:.4f}"
    if not (s.oracle_tokens or s.oracle_cost_usd or s.oracle_rollouts):
        return target
    total = s.cost_usd + s.oracle_cost_usd
    return (
        f"{target} (target); oracle {s.oracle_tokens} tokens, ${s.oracle_cost_usd:.4f}; "
        f"total {s.tokens_in + s.tokens_out + s.oracle_tokens} tokens, ${total:.4f}"
    )


def _mode_mix(s: HarvestSummary) -> str:
    """The failure-mode diversity of the harvested tasks, in one line."""
    if not s.kept_failure_modes:
        return "none labelled (no analyses of the harvested tasks)"
    counts = ", ".join(f"{f.label} ({f.count})" for f in s.kept_failure_modes)
    return (
        f"{len(s.kept_failure_modes)} distinct, largest share "
        f"{s.largest_failure_mode_share:.0%}: {counts} (leading label per harvested task)"
    )


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
