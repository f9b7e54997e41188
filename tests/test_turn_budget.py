"""No task is built whose gold conversation cannot finish inside a rollout's turn budget.

Four business reservations downgraded, each a round trip of one-stop flights, took 26 calls and
4 confirmations: the oracle ran out of its 30 turns before saying the savings, a false failure
in the pinned mutation suite (`bench verifier --param info=savings`, seed 7). Synthesis now
counts the turns the gold needs (`gold_turns`) and rejects what does not fit.
"""

from __future__ import annotations

import pytest

from mining.core.trajectory import MAX_TURNS
from mining.dag.synthesize import gold_turns, sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout

ORACLE = parse_target("sim:oracle")


def _turns_taken(task_params: dict[str, object], n: int, seed: int) -> list[tuple[int, int]]:
    """(turns the oracle took with no limit, turns gold_turns counted) per sampled task."""
    out = []
    for task in sample_tasks("airline", n, seed, task_params or None):
        run = run_rollout(task, ORACLE, 0, seed, max_turns=10 * MAX_TURNS)
        assert run.termination in ("done", "transfer"), task.task_id
        taken = sum(m.role == "assistant" for m in run.trajectory.messages) - 1  # greeting
        calls, writes = int(task.features["golden_calls"]), int(task.features["golden_writes"])
        out.append((taken, gold_turns(calls, writes, task.user_scenario)))
    return out


@pytest.mark.slow  # 40 tasks and their oracle runs, ~3 s
def test_every_savings_task_fits_the_turn_budget() -> None:
    counted = _turns_taken({"info": "savings"}, 40, 7)
    assert all(taken <= MAX_TURNS for taken, _ in counted)


def test_the_count_is_never_below_what_the_oracle_takes() -> None:
    """Pushback (insisting, lying) and several requests add turns: the count covers them."""
    counted = _turns_taken({}, 40, 5) + _turns_taken({"behaviour": "insist"}, 15, 5)
    assert all(taken <= count for taken, count in counted), counted
