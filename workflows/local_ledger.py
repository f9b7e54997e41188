"""A ledger step as a local activity: the workflow runs in the ledger worker (the process that
owns the store), so the step needs no server round trip and its input (a candidate's world, a
trial's trajectories) never enters the history; only its result is kept, in a marker. DAG
iterations and WG probes call their ledger steps through here once their patch is on."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

T = TypeVar("T", bound=BaseModel)


async def run_local(
    name: str, arg: BaseModel, result: type[T], timeout_s: float, retry: RetryPolicy, summary: str
) -> T:
    try:
        return await workflow.execute_local_activity(
            name,
            arg,
            result_type=result,
            start_to_close_timeout=timedelta(seconds=timeout_s),
            retry_policy=retry,
            summary=summary,
        )
    except (ApplicationError, TimeoutError) as exc:
        # A local activity's failure arrives bare: name the step, as a remote one's does.
        raise ActivityError(
            f"local activity {name} failed",
            scheduled_event_id=0,
            started_event_id=0,
            identity="",
            activity_type=name,
            activity_id="",
            retry_state=None,
        ) from exc
