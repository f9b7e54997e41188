"""What the harvest commands (and the demo and bench) do with a Temporal client: start a harvest,
follow its progress, and read its summary and export through the ledger worker."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.models import ExportPageInput, SummaryInput
from cli.boundary import CommandFailed
from mining.core.errors import UserError
from mining.harvest.config import HarvestConfig, check_config
from mining.reports.export import ExportRow
from mining.reports.summary import HarvestSummary
from mining.store.db import Store, StoreLockedError, default_path
from workflows import search_attributes as sa
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestInput, HarvestResult, SetPausedInput
from workflows.models import Progress as HarvestProgress
from workflows.reads import ExportPageWorkflow, HarvestSummaryWorkflow

T = TypeVar("T")
HARVEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
# A read through the ledger worker that takes longer than this has lost its worker.
READ_TIMEOUT = timedelta(minutes=2)


def validate(cfg: HarvestConfig) -> None:
    """Check names against the registries so a typo fails here, not in a worker."""
    from domains import registry
    from mining.propose import registry as proposer
    from mining.targets import resolve_target

    check_config(cfg)
    if cfg.domain not in registry.names():
        raise UserError(f"unknown domain {cfg.domain!r}; allowed: {', '.join(registry.names())}")
    proposer.get(cfg.proposer)
    resolve_target(cfg.target, cfg.api_base)
    if cfg.mode == "wg":  # its model roles are targets too: the same checks, keys refused
        from mining.llm.spec import parse_target
        from mining.wg.config import OFFLINE

        resolve_target(cfg.wg.oracle, cfg.wg.api_base)
        for role in (cfg.wg.strategist, cfg.wg.world_actor):
            if role != OFFLINE:
                parse_target(role, cfg.wg.api_base)


def new_harvest_id(cfg: HarvestConfig) -> str:
    target = "".join(c if c.isalnum() else "-" for c in cfg.target.split("?")[0]).strip("-")
    return f"{cfg.domain}-{target}-s{cfg.seed}-{uuid.uuid4().hex[:6]}"


def check_harvest_id(hid: str) -> None:
    """Ids end up in visibility queries (`HarvestId='...'`) and child ids (`<id>/iter-3`)."""
    if not HARVEST_ID.fullmatch(hid):
        raise UserError(
            f"--id {hid!r}: use 1-200 letters, digits and . _ : - (starting with a letter or digit)"
        )


async def start(client: Client, cfg: HarvestConfig) -> WorkflowHandle[Any, HarvestResult]:
    """Start a new harvest. A harvest id names one harvest forever: an id that Temporal still
    knows (running, completed, failed or cancelled) is refused; the ledger refuses one that only
    the history file remembers."""
    hid = cfg.harvest_id or new_harvest_id(cfg)
    check_harvest_id(hid)
    cfg = cfg.model_copy(update={"harvest_id": hid})
    try:
        return await _start_workflow(client, cfg)
    except WorkflowAlreadyStartedError:
        raise UserError(await id_taken_line(client, hid)) from None


async def id_taken_line(client: Client, hid: str) -> str:
    desc = await client.get_workflow_handle(hid).describe()
    running = desc.status == WorkflowExecutionStatus.RUNNING
    status = desc.status.name.lower().replace("_", " ") if desc.status else "unknown"
    how = (
        f"follow it with `toolmine harvest status {hid}` (pause/resume it likewise)"
        if running
        else f"see it with `toolmine harvest show {hid}`"
    )
    return (
        f"harvest id {hid!r} is taken by a harvest that is {status} (an id names one harvest "
        f"forever): {how}, or start a new harvest with another --id (or none: one is generated)"
    )


async def _start_workflow(
    client: Client,
    cfg: HarvestConfig,
    owner: str | None = None,
    reuse: WorkflowIDReusePolicy = WorkflowIDReusePolicy.REJECT_DUPLICATE,
) -> WorkflowHandle[Any, HarvestResult]:
    hid = cfg.harvest_id
    return await client.start_workflow(
        HarvestWorkflow.run,
        HarvestInput(config=cfg, owner=owner),
        id=hid,
        id_reuse_policy=reuse,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        task_queue=cfg.queues.ledger,
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(sa.HARVEST_ID, hid),
                SearchAttributePair(sa.TARGET_MODEL, cfg.target),
                SearchAttributePair(sa.HARVEST_MODE, cfg.mode),
                SearchAttributePair(sa.HARVEST_STATUS, "running"),
                SearchAttributePair(sa.HARVESTED, 0),
            ]
        ),
        static_summary=f"{cfg.n_tasks} {cfg.domain} tasks for {cfg.target}",
    )


async def resume(client: Client, harvest_id: str) -> str:
    """Continue a harvest. A running one that is paused, failed or stalled resumes (the
    `set_paused` update; a failed iteration runs again, reusing what it recorded). One whose run
    ended without completing and without being cancelled (terminated, timed out, failed) starts
    again under its id, as the same harvest (the ledger knows it by its first run), with its
    config; its counters come back from the ledger, so it goes on from its recorded iterations."""
    handle = client.get_workflow_handle(harvest_id)
    desc = await handle.describe()
    if desc.status == WorkflowExecutionStatus.RUNNING:
        before: HarvestProgress = await handle.query(HarvestWorkflow.progress)
        p: HarvestProgress = await handle.execute_update(
            HarvestWorkflow.set_paused, SetPausedInput(paused=False)
        )
        was = f"{before.status}: {before.reason}" if before.reason else before.status
        return f"{harvest_id}: resumed (was {was}); harvested {p.counters.harvested}/{p.n_tasks}"
    if desc.status in (WorkflowExecutionStatus.COMPLETED, WorkflowExecutionStatus.CANCELED):
        ended = "completed" if desc.status == WorkflowExecutionStatus.COMPLETED else "cancelled"
        raise UserError(
            f"harvest {harvest_id} was {ended} and stays so; start a new one with another --id"
        )
    first = await anext(aiter(handle.fetch_history_events()))
    payloads = first.workflow_execution_started_event_attributes.input.payloads
    (inp,) = await client.data_converter.decode(payloads, [HarvestInput])
    owner = desc.raw_description.workflow_execution_info.first_run_id or None
    await _start_workflow(
        client, inp.config, inp.owner or owner, WorkflowIDReusePolicy.ALLOW_DUPLICATE
    )
    status = desc.status.name.lower().replace("_", " ") if desc.status else "closed"
    return f"{harvest_id}: started again (its last run {status}); counters continue from the ledger"


def describe_progress(p: HarvestProgress) -> str:
    c = p.counters
    where = f"iter {p.current_iteration}" if p.current_iteration is not None else p.status
    return f"{where} | {c.candidates} candidates, {c.rollouts} rollouts"


async def follow(
    handle: WorkflowHandle[Any, Any], console: Console | None = None, poll_s: float = 0.5
) -> HarvestResult:
    """Show a live progress bar (harvested / N) from the `progress` query until the harvest ends."""
    console = console or Console()
    with Progress(
        TextColumn("[bold]harvest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("starting", total=None)
        while True:
            desc = await handle.describe()
            if desc.status != WorkflowExecutionStatus.RUNNING:
                break
            try:
                p: HarvestProgress = await asyncio.wait_for(
                    handle.query(HarvestWorkflow.progress), timeout=10
                )
                if p.reason is not None:  # failed or stalled: it waits for a person
                    raise CommandFailed(
                        f"harvest {handle.id} {p.status}: {p.reason}; it waits: remove the "
                        f"cause, then `toolmine harvest resume {handle.id}`"
                    )
                bar.update(
                    task,
                    total=p.n_tasks,
                    completed=p.counters.harvested,
                    description=describe_progress(p),
                )
            except TimeoutError:
                bar.update(task, description="waiting for a worker...")
            await asyncio.sleep(poll_s)
        try:
            raw = await handle.result()
        except WorkflowFailureError:
            raise CommandFailed(await closed_line(handle)) from None
        result = raw if isinstance(raw, HarvestResult) else HarvestResult.model_validate(raw)
        bar.update(task, total=result.counters.harvested or 1, completed=result.counters.harvested)
        bar.update(task, description=f"done ({result.stop})")
    return result


async def closed_line(handle: WorkflowHandle[Any, Any]) -> str:
    """One line on a harvest that ended without completing (failed, cancelled, terminated)."""
    from cli.temporal_cli import root_cause

    desc = await handle.describe()
    status = desc.status.name.lower().replace("_", " ") if desc.status else "unknown"
    harvested = desc.typed_search_attributes.get(sa.HARVESTED) or 0
    reason = ""
    if desc.status == WorkflowExecutionStatus.FAILED:
        try:
            await handle.result()
        except WorkflowFailureError as exc:
            cause = root_cause(exc)
            reason = f" ({getattr(cause, 'message', None) or cause})"
    return (
        f"harvest {handle.id} {status}{reason} after harvesting {harvested} tasks; what it "
        f"recorded stays in the history (`toolmine harvest show {handle.id}`)"
    )


def read_local(
    store: Path | None, read: Callable[[Store], T], harvest: str | None = None
) -> T | None:
    """Run `read` on the history file when no worker holds it (DuckDB allows one process per
    file); None when the default file is missing, is locked, or does not record `harvest` (a
    demo's file in ./.toolmine must not hide a harvest the ledger worker holds), so the caller
    asks the ledger worker. A `--store` that is missing, a directory or not DuckDB is refused."""
    path = store or default_path()
    if store is None and not path.exists():
        return None
    try:
        local = Store(path, read_only=True)
    except StoreLockedError:
        return None
    try:
        if store is None and harvest is not None and harvest not in local.harvest_ids():
            return None
        return read(local)
    finally:
        local.close()


async def require_worker(client: Client, queue: str) -> None:
    """Refuse to wait on a queue nobody serves (the read would hang until its timeout)."""
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    answer = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    if not answer.pollers:
        raise UserError(
            f"no worker serves the ledger queue {queue!r}, and no history file could be read "
            "here: start `toolmine worker`, or pass --store FILE"
        )


async def read_through_worker(
    client: Client, run: Callable[[Any, Any], Awaitable[T]], arg: Any, ledger_queue: str, what: str
) -> T:
    """One short read workflow on the ledger queue (the worker there holds the history file);
    refused at once when no worker serves the queue, abandoned after READ_TIMEOUT."""
    await require_worker(client, ledger_queue)
    return await client.execute_workflow(
        run,
        arg,
        id=f"read-{what}-{uuid.uuid4().hex[:10]}",
        task_queue=ledger_queue,
        execution_timeout=READ_TIMEOUT,
    )


async def read_summary(client: Client, harvest_id: str, ledger_queue: str) -> HarvestSummary:
    return await read_through_worker(
        client,
        HarvestSummaryWorkflow.run,
        SummaryInput(harvest_id=harvest_id),
        ledger_queue,
        "summary",
    )


async def read_export(client: Client, harvest_id: str, ledger_queue: str) -> list[ExportRow]:
    rows: list[ExportRow] = []
    offset: int | None = 0
    while offset is not None:
        page = await read_through_worker(
            client,
            ExportPageWorkflow.run,
            ExportPageInput(harvest_id=harvest_id, offset=offset),
            ledger_queue,
            "export",
        )
        rows += page.rows
        offset = page.next_offset
    return rows
