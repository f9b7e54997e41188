"""What the harvest commands (and the demo and bench) do with a Temporal client: start a harvest,
follow its progress, and read its summary and export through the ledger worker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from activities.models import ExportPageInput, SummaryInput
from mining.core.errors import UserError
from mining.harvest.config import HarvestConfig, check_config
from mining.reports.export import ExportRow
from mining.reports.summary import HarvestSummary
from mining.store.db import Store, StoreLockedError, default_path
from workflows import search_attributes as sa
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestInput, HarvestResult
from workflows.models import Progress as HarvestProgress
from workflows.reads import ExportPageWorkflow, HarvestSummaryWorkflow

T = TypeVar("T")


def validate(cfg: HarvestConfig) -> None:
    """Check names against the registries so a typo fails here, not in a worker."""
    from domains import registry
    from mining.llm.spec import parse_target
    from mining.propose import registry as proposer

    check_config(cfg)
    if cfg.domain not in registry.names():
        raise UserError(f"unknown domain {cfg.domain!r}; allowed: {', '.join(registry.names())}")
    proposer.get(cfg.proposer)
    parse_target(cfg.target)


def new_harvest_id(cfg: HarvestConfig) -> str:
    target = "".join(c if c.isalnum() else "-" for c in cfg.target.split("?")[0]).strip("-")
    return f"{cfg.domain}-{target}-s{cfg.seed}-{uuid.uuid4().hex[:6]}"


async def start(client: Client, cfg: HarvestConfig) -> WorkflowHandle[Any, HarvestResult]:
    hid = cfg.harvest_id or new_harvest_id(cfg)
    cfg = cfg.model_copy(update={"harvest_id": hid})
    return await client.start_workflow(
        HarvestWorkflow.run,
        HarvestInput(config=cfg),
        id=hid,
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
                bar.update(
                    task,
                    total=p.n_tasks,
                    completed=p.counters.harvested,
                    description=describe_progress(p),
                )
            except TimeoutError:
                bar.update(task, description="waiting for a worker...")
            await asyncio.sleep(poll_s)
        raw = await handle.result()
        result = raw if isinstance(raw, HarvestResult) else HarvestResult.model_validate(raw)
        bar.update(task, total=result.counters.harvested or 1, completed=result.counters.harvested)
        bar.update(task, description=f"done ({result.stop})")
    return result


def read_local(store: Path | None, read: Callable[[Store], T]) -> T | None:
    """Run `read` on the history file when no worker holds it (DuckDB allows one process per
    file); None when the file is missing or locked, so the caller asks the ledger worker."""
    path = store or default_path()
    if not path.exists():
        return None
    try:
        local = Store(path, read_only=True)
    except StoreLockedError:
        return None
    try:
        return read(local)
    finally:
        local.close()


async def read_through_worker(
    client: Client, run: Callable[[Any, Any], Awaitable[T]], arg: Any, ledger_queue: str, what: str
) -> T:
    """One short read workflow on the ledger queue (the worker there holds the history file)."""
    return await client.execute_workflow(
        run, arg, id=f"read-{what}-{uuid.uuid4().hex[:10]}", task_queue=ledger_queue
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
        page = await client.execute_workflow(
            ExportPageWorkflow.run,
            ExportPageInput(harvest_id=harvest_id, offset=offset),
            id=f"read-export-{uuid.uuid4().hex[:10]}",
            task_queue=ledger_queue,
        )
        rows += page.rows
        offset = page.next_offset
    return rows
