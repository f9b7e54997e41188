"""The strict verifier's mutation suite: the oracle's conversations pass, every breaking edit of
them fails, every neutral one passes (mining/bench/verifier.py)."""

from __future__ import annotations

import pytest

from mining.bench.mutations import BREAKING, NEUTRAL
from mining.bench.verifier import run_suite
from mining.dag.synthesize import sample_tasks


@pytest.mark.slow
def test_no_false_passes_and_no_false_failures() -> None:
    report = run_suite("airline", 60, 13)
    assert report["tasks"] == 60
    assert report["false_passes"] == 0 and report["false_failures"] == 0, report["examples"]
    rows = report["mutations"]
    assert rows["gold"]["cases"] == 60
    for name in [*BREAKING, *NEUTRAL]:
        assert rows[name]["cases"] > 0, f"{name} was never applied: the suite would not test it"
    # The mistakes tau2's own verdict lets through, and the strict verifier does not.
    for name in ("drop_confirmation", "wrong_amount", "skip_lookup", "needless_transfer"):
        assert rows[name]["tau2_passes"] > 0 and rows[name]["wrong"] == 0


def test_the_mock_domain_too() -> None:
    report = run_suite("mock", 20, 3)
    assert report["false_passes"] == 0 and report["false_failures"] == 0, report["examples"]
    assert report["mutations"]["drop_confirmation"]["cases"] > 0


def test_a_suite_pinned_to_axis_values_samples_only_tasks_there() -> None:
    """`bench verifier --param behaviour=condition`: every task holds the pinned value (about
    one point in 200 does), and its cases are scored as in the full suite."""
    report = run_suite("airline", 2, 7, {"behaviour": "condition"})
    assert report["tasks"] == 2 and report["pinned"] == {"behaviour": "condition"}
    assert report["false_passes"] == 0 and report["false_failures"] == 0, report["examples"]
    tasks = sample_tasks("airline", 2, 7, {"behaviour": "condition"})
    assert all(t.params["behaviour"] == "condition" for t in tasks)


def test_a_refused_compensation_is_mutated_into_its_certificate() -> None:
    """write_on_refusal makes the task's own refused write (the certificate a believing agent
    sends for a cancellation the record does not show), not any write the lookups allow."""
    from mining.bench.mutations import write_on_refusal
    from mining.llm.spec import parse_target
    from mining.rollout.loop import run_rollout

    fixed = {"intent": "compensation", "disruption": "none", "n_intents": 1}
    (task,) = sample_tasks("airline", 1, 5, fixed)
    gold = run_rollout(task, parse_target("sim:oracle"), 0, 1)
    mutant = write_on_refusal(task, gold.trajectory.messages)
    assert mutant is not None
    writes = [c.name for m in mutant for c in (m.tool_calls or []) if m.role == "assistant"]
    assert "send_certificate" in writes and "cancel_reservation" not in writes
