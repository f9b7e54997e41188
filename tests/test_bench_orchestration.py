"""The orchestration breakdown reads real histories: the saved ones of tests/histories (an iteration
of the current shape, with local ledger steps, and one recorded before it, with ledger activities
through the server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mining.bench.orchestration import StepTimes, breakdown, report

HISTORIES = Path(__file__).parent / "histories"


def _history(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text())["history"])


def _events(h: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in h["events"] if e["eventType"] == f"EVENT_TYPE_{kind}"]


def test_an_iteration_of_the_current_shape_runs_its_ledger_steps_locally() -> None:
    h = _history(HISTORIES / "MiningIterationWorkflow-01.json")
    b = breakdown([h])
    remote = {n for n, s in b.steps.items() if not s.local}
    local = {n for n, s in b.steps.items() if s.local}
    assert remote == {"synthesize", "rollout"}
    assert local >= {"propose", "record_results", "finish_iteration"}
    scheduled = _events(h, "ACTIVITY_TASK_SCHEDULED")
    assert b.steps["rollout"].calls + b.steps["synthesize"].calls == len(scheduled)
    assert b.workflow_tasks.calls == len(_events(h, "WORKFLOW_TASK_STARTED"))
    assert b.round_trips == len(scheduled) + b.workflow_tasks.calls
    # the server got the rollouts' inputs and results, and only the local steps' (small) results
    assert b.steps["rollout"].bytes_in > 0 and b.steps["rollout"].bytes_out > 0
    assert all(b.steps[n].bytes_in == 0 for n in local)
    assert b.steps["rollout"].queue_s >= 0 and b.steps["rollout"].run_s > 0


def test_an_iteration_from_before_sends_its_ledger_steps_through_the_server() -> None:
    h = _history(HISTORIES / "pre_local" / "MiningIterationWorkflow-01.json")
    b = breakdown([h])
    assert not any(s.local for s in b.steps.values())
    assert {"propose", "record_candidate", "record_rollout", "finish_iteration"} <= set(b.steps)
    # every candidate's world went to the ledger through the server
    assert b.steps["record_candidate"].bytes_in >= b.steps["synthesize"].bytes_out > 0


def test_the_report_names_every_step_with_the_workers_times() -> None:
    h = _history(HISTORIES / "MiningIterationWorkflow-01.json")
    b = breakdown([h, _history(HISTORIES / "HarvestWorkflow-00.json")])
    assert b.workflows == 2 and b.child_workflows >= 1
    times = StepTimes()
    times.add("record_results", 0.25)
    times.add("record_results", 0.05)
    lines = report(b, times)
    row = next(line for line in lines if line.split()[0] == "record_results")
    assert row.split()[2] == "local" and row.split()[-1] == "150.0"  # ms per call, as timed
    assert lines[-1].startswith(f"  server round trips {b.round_trips} ")
    assert {line.split()[0] for line in lines[1:-1]} == {*b.steps, "workflow"}
