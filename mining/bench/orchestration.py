"""Where a durable harvest's time goes, read off its workflow histories.

`toolmine bench orchestration` times a harvest through Temporal against the same harvest
in-process; this module explains the difference. Every server round trip leaves events in a
history with their times, and every payload the server stored is in it, so the histories say how
many round trips each step made, how long its tasks waited in their queue and ran, and how many
bytes it sent through the server. Local activities (the ledger steps, run inside the workflow's
own worker) leave only a marker with their result: their run time comes from the worker
(`StepTimes`).

Pure: the histories come in as the JSON the server returns, so nothing here imports Temporal.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

LOCAL_ACTIVITY_MARKER = "core_local_activity"


class Step(BaseModel):
    """One kind of step (an activity name, or the workflow tasks) summed over a harvest."""

    calls: int = 0
    local: bool = False
    bytes_in: int = Field(default=0, description="payload bytes sent to the server for it")
    bytes_out: int = Field(default=0, description="payload bytes of its results in the history")
    queue_s: float = Field(default=0.0, description="time its tasks waited for a worker")
    run_s: float = Field(default=0.0, description="time from a worker taking it to its result")


class Breakdown(BaseModel):
    workflows: int = 0
    events: int = 0
    child_workflows: int = 0
    steps: dict[str, Step] = Field(default_factory=dict)
    workflow_tasks: Step = Field(default_factory=Step)

    @property
    def round_trips(self) -> int:
        """Requests the harvest needed the server for: workflow tasks, activities it dispatched
        and child workflows it started (local activities need none)."""
        remote = sum(s.calls for s in self.steps.values() if not s.local)
        return self.workflow_tasks.calls + remote + self.child_workflows

    @property
    def history_bytes(self) -> int:
        steps = [*self.steps.values(), self.workflow_tasks]
        return sum(s.bytes_in + s.bytes_out for s in steps)


class StepTimes(BaseModel):
    """Activity run times as the workers measured them (local activities included)."""

    calls: dict[str, int] = Field(default_factory=dict)
    seconds: dict[str, float] = Field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


def breakdown(histories: Iterable[dict[str, Any]]) -> Breakdown:
    """Sum up workflow histories (each `{"events": [...]}`, as `fetch_history().to_json_dict()`
    gives them)."""
    out = Breakdown()
    for history in histories:
        out.workflows += 1
        _add_history(out, history.get("events", []))
    return out


def _add_history(out: Breakdown, events: list[dict[str, Any]]) -> None:
    out.events += len(events)
    scheduled: dict[str, tuple[str, float]] = {}  # activity's scheduled event id -> (name, time)
    started: dict[str, float] = {}
    task_scheduled: dict[str, float] = {}
    task_started = 0.0
    for e in events:
        kind, at, attrs = e["eventType"].removeprefix("EVENT_TYPE_"), _time(e), _attributes(e)
        if kind == "ACTIVITY_TASK_SCHEDULED":
            name = attrs["activityType"]["name"]
            scheduled[e["eventId"]] = (name, at)
            step = out.steps.setdefault(name, Step())
            step.calls += 1
            step.bytes_in += _payload_bytes(attrs.get("input"))
        elif kind == "ACTIVITY_TASK_STARTED":
            name, when = scheduled[attrs["scheduledEventId"]]
            started[attrs["scheduledEventId"]] = at
            out.steps[name].queue_s += at - when
        elif kind in ("ACTIVITY_TASK_COMPLETED", "ACTIVITY_TASK_FAILED", "ACTIVITY_TASK_TIMED_OUT"):
            name, when = scheduled[attrs["scheduledEventId"]]
            step = out.steps[name]
            step.run_s += at - started.get(attrs["scheduledEventId"], when)
            step.bytes_out += _payload_bytes(attrs.get("result"))
        elif kind == "MARKER_RECORDED" and attrs.get("markerName") == LOCAL_ACTIVITY_MARKER:
            name = _local_activity_name(attrs)
            step = out.steps.setdefault(name, Step(local=True))
            step.calls += 1
            step.bytes_out += _payload_bytes(attrs.get("details", {}).get("result"))
        elif kind == "WORKFLOW_TASK_SCHEDULED":
            task_scheduled[e["eventId"]] = at
        elif kind == "WORKFLOW_TASK_STARTED":
            task_started = at
            out.workflow_tasks.calls += 1
            out.workflow_tasks.queue_s += at - task_scheduled.get(attrs["scheduledEventId"], at)
        elif kind == "WORKFLOW_TASK_COMPLETED":
            out.workflow_tasks.run_s += at - task_started
        elif kind == "CHILD_WORKFLOW_EXECUTION_STARTED":
            out.child_workflows += 1
        elif kind in ("WORKFLOW_EXECUTION_STARTED", "START_CHILD_WORKFLOW_EXECUTION_INITIATED"):
            out.workflow_tasks.bytes_in += _payload_bytes(attrs.get("input"))
        elif kind in ("WORKFLOW_EXECUTION_COMPLETED", "CHILD_WORKFLOW_EXECUTION_COMPLETED"):
            out.workflow_tasks.bytes_out += _payload_bytes(attrs.get("result"))


def _attributes(event: dict[str, Any]) -> dict[str, Any]:
    return next((v for k, v in event.items() if k.endswith("EventAttributes")), {})


def _time(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00")).timestamp()


def _payloads(value: Any) -> Iterable[dict[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "payloads" and isinstance(item, list):
                yield from item
            else:
                yield from _payloads(item)
    elif isinstance(value, list):
        for item in value:
            yield from _payloads(item)


def _payload_bytes(value: Any) -> int:
    return sum(len(base64.b64decode(p.get("data", ""))) for p in _payloads(value))


def _local_activity_name(attrs: dict[str, Any]) -> str:
    """The activity type a local-activity marker records (in its `data` payload)."""
    for p in _payloads(attrs.get("details", {}).get("data")):
        try:
            return str(json.loads(base64.b64decode(p.get("data", ""))).get("activity_type"))
        except ValueError:
            break
    return "local activity"


def report(b: Breakdown, times: StepTimes | None = None) -> list[str]:
    """The breakdown as lines: one per step, then the totals."""
    times = times or StepTimes()
    lines = [
        f"  {'step':18s} {'calls':>5s} {'where':>6s} {'KB in':>8s} {'KB out':>8s} "
        f"{'queue ms':>9s} {'run ms':>8s} {'worker ms':>9s}"
    ]
    rows = sorted(b.steps.items(), key=lambda kv: (kv[1].local, kv[0]))
    for name, s in [*rows, ("workflow tasks", b.workflow_tasks)]:
        # run: from the worker taking the task to its result reaching the server (local steps
        # have no server side); worker: the function itself, as the worker timed it
        worker = times.seconds.get(name)
        remote = [f"{_per_call(s.queue_s, s.calls):9.1f}", f"{_per_call(s.run_s, s.calls):8.1f}"]
        lines.append(
            f"  {name:18s} {s.calls:5d} {'local' if s.local else 'server':>6s} "
            f"{s.bytes_in / 1e3:8.1f} {s.bytes_out / 1e3:8.1f} "
            + " ".join(["        -", "       -"] if s.local else remote)
            + (f" {_per_call(worker, times.calls[name]):9.1f}" if worker is not None else "")
        )
    lines.append(
        f"  server round trips {b.round_trips} (workflow tasks {b.workflow_tasks.calls}, "
        f"child workflows {b.child_workflows}); history {b.events} events, "
        f"{b.history_bytes / 1e6:.2f} MB of payloads"
    )
    return lines


def _per_call(seconds: float, calls: int) -> float:
    return 1000.0 * seconds / calls if calls else 0.0
