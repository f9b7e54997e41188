"""The pass-rate window: the one place that decides whether a candidate is "hard but learnable".

Every caller (the harvest loop and workflows, `toolmine eval`, the proposers, the oracle and the
benches) asks a `Window`, so their verdicts cannot drift apart. A pass rate is compared as whole
percentage points (rounded half up, in exact arithmetic), because people type bounds such as 0.33
meaning "a third": 1 pass of 3 is 33% and lands inside `max_pass_rate=0.33`.

Pure and deterministic: workflows import it (passed through the sandbox).
"""

from __future__ import annotations

from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

from mining.core.errors import UserError


def percent(passes: int, rollouts: int) -> int:
    """passes / rollouts as whole percentage points, rounded half up (exact)."""
    return int(Fraction(100 * passes, rollouts) + Fraction(1, 2))


def _bound(rate: float) -> Fraction:
    return Fraction(str(rate)) * 100  # exact: 0.33 is 33, not 33.000000000000004


class Window(BaseModel):
    """`min_pass_rate < p <= max_pass_rate` over k rollouts (`>=` below when not exclusive)."""

    model_config = ConfigDict(frozen=True)

    min_pass_rate: float = 0.0
    max_pass_rate: float = 0.5
    k: int = Field(default=4, ge=1)
    min_exclusive: bool = Field(
        default=True, description="a task nobody passes is not learnable: 0 stays out by default"
    )

    def holds(self, passes: int, rollouts: int) -> bool:
        """Whether `passes` of `rollouts` is a pass rate inside the window (0 rollouts: no)."""
        if rollouts <= 0:
            return False
        p = percent(passes, rollouts)
        low = _bound(self.min_pass_rate)
        above = p > low if self.min_exclusive else p >= low
        return above and p <= _bound(self.max_pass_rate)

    def counts(self) -> list[int]:
        """The pass counts out of k that land inside the window."""
        return [c for c in range(self.k + 1) if self.holds(c, self.k)]

    def verdict(self, passes: int, failures: int) -> bool | None:
        """In (True) or out (False) once every result of the remaining rollouts of k gives the
        same answer; None while it still depends on them."""
        left = max(0, self.k - passes - failures)
        total = passes + failures + left
        outcomes = {self.holds(passes + extra, total) for extra in range(left + 1)}
        return outcomes.pop() if len(outcomes) == 1 else None

    def can_stop(self, passes: int, failures: int) -> bool:
        """Whether a harvest may stop rolling out: all k ran, or the candidate is surely out.
        A candidate surely in still runs all k, so its exported pass rate is measured over k."""
        return passes + failures >= self.k or self.verdict(passes, failures) is False

    def check(self) -> None:
        """Refuse a window that no pass count 0..k can land in, naming the reachable rates."""
        if not 0.0 <= self.min_pass_rate <= self.max_pass_rate <= 1.0:
            raise UserError(
                f"window min={self.min_pass_rate} max={self.max_pass_rate}: "
                "need 0 <= min <= max <= 1"
            )
        if not self.counts():
            reachable = ", ".join(f"{c}/{self.k}={percent(c, self.k)}%" for c in range(self.k + 1))
            low = "<" if self.min_exclusive else "<="
            raise UserError(
                f"window {self.min_pass_rate} {low} p <= {self.max_pass_rate} at k={self.k}: no "
                f"pass count can land in it (rates compare as whole percents); reachable: "
                f"{reachable}"
            )

    def describe(self) -> str:
        low = "<" if self.min_exclusive else "<="
        return f"{self.min_pass_rate} {low} p <= {self.max_pass_rate} over k={self.k}"
