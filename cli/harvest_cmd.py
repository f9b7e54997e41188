"""`toolmine harvest start|status|pause|resume|cancel|list|show`: drive durable harvests."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from cli.boundary import CommandFailed
from cli.harvest_ops import (
    closed_line,
    follow,
    read_local,
    read_summary,
    resume,
    start,
    validate,
)
from cli.main import app
from cli.temporal_cli import address_or_default, open_client, run_client, ui_url
from mining.core.errors import UserError
from mining.harvest.config import (
    COMPUTE_QUEUE,
    LEDGER_QUEUE,
    MODES,
    TURN_TIMEOUT_S,
    Budgets,
    HarvestConfig,
    Queues,
    Timeouts,
)
from mining.reports.summary import HarvestSummary, render_lines
from mining.wg.config import WGOptions
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestResult, Progress, SetPausedInput

harvest_app = typer.Typer(
    name="harvest", help="Start and steer durable harvests.", no_args_is_help=True
)
app.add_typer(harvest_app, name="harvest")

Address = Annotated[
    str | None, typer.Option(help="Temporal frontend ($TEMPORAL_ADDRESS or localhost:7233)")
]
LedgerQueue = Annotated[str, typer.Option(help="ledger task queue (where workflows run)")]
HarvestArg = Annotated[str, typer.Argument(help="harvest id (= workflow id)")]
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]
QUERY_TIMEOUT_S = 10.0


async def _client(address: str | None) -> Client:
    client: Client = await open_client(address)
    return client


@harvest_app.command("start")
def start_cmd(
    domain: Annotated[str, typer.Option(help="domain to mine (see the registry)")] = "airline",
    mode: Annotated[str, typer.Option(help="mining mode: dag or wg")] = "dag",
    target: Annotated[
        str, typer.Option(help="model under test: litellm name or sim:<profile>")
    ] = "sim:mid",
    api_base: Annotated[
        str | None,
        typer.Option(
            help="endpoint of the target (wg: and of the model roles), e.g. http://host:8000/v1; "
            "keys come from the worker's environment"
        ),
    ] = None,
    k: Annotated[int, typer.Option(help="rollouts per candidate")] = 4,
    min_pass_rate: Annotated[float, typer.Option(help="window lower bound (exclusive)")] = 0.0,
    max_pass_rate: Annotated[float, typer.Option(help="window upper bound (inclusive)")] = 0.5,
    tasks: Annotated[int, typer.Option("--tasks", "-n", help="tasks to harvest (N)")] = 10,
    batch_size: Annotated[int, typer.Option(help="candidates per iteration")] = 8,
    max_rollouts: Annotated[
        int | None,
        typer.Option(
            help="budget: paid model rollouts, wg: the oracle's included (the last batch is cut "
            "to what it pays for)"
        ),
    ] = None,
    max_tokens: Annotated[int | None, typer.Option(help="budget: tokens")] = None,
    max_cost: Annotated[float | None, typer.Option(help="budget: dollars")] = None,
    max_iterations: Annotated[int | None, typer.Option(help="budget: iterations")] = None,
    seed: Annotated[int, typer.Option(help="seed of the whole harvest")] = 0,
    proposer: Annotated[
        str, typer.Option(help="parameter proposer: adaptive, random or greedy")
    ] = "adaptive",
    max_cell_share: Annotated[
        float, typer.Option(help="most a parameter cell may hold of the N tasks (1: no cap)")
    ] = 0.2,
    turn_timeout: Annotated[
        float,
        typer.Option(
            "--turn-timeout",
            min=1,
            help="seconds one model call may take: the target's turn (a rollout's time bounds "
            "follow from it) and, in mode wg, every role's answer (oracle, strategist, world "
            "actor)",
        ),
    ] = TURN_TIMEOUT_S,
    harvest_id: Annotated[
        str | None, typer.Option("--id", help="harvest id (default: generated)")
    ] = None,
    follow_: Annotated[
        bool, typer.Option("--follow", help="show the progress bar until done")
    ] = False,
    oracle: Annotated[
        str, typer.Option(help="wg: the model that confirms failures (litellm name or sim:...)")
    ] = "sim:strong",
    oracle_attempts: Annotated[
        int,
        typer.Option(help="wg: oracle rollouts per target failure (the first pass confirms it)"),
    ] = WGOptions().oracle_attempts,
    strategist: Annotated[
        str, typer.Option(help="wg: the strategist model, or offline")
    ] = "offline",
    world_actor: Annotated[
        str, typer.Option(help="wg: the worker and world-actor model, or offline")
    ] = "offline",
    address: Address = None,
    ledger_queue: LedgerQueue = LEDGER_QUEUE,
    compute_queue: Annotated[str, typer.Option(help="compute task queue")] = COMPUTE_QUEUE,
) -> None:
    """Start a harvest; prints its id and the Web UI link.

    Example: toolmine harvest start --domain airline --target sim:mid -n 10 --follow
    WG: toolmine harvest start --mode wg --target sim:mid --oracle sim:strong -n 10 --follow
    """
    if mode not in MODES:
        raise UserError(f"--mode {mode!r}: allowed {', '.join(MODES)}")
    cfg = HarvestConfig(
        harvest_id=harvest_id or "",
        domain=domain,
        mode=mode,  # type: ignore[arg-type]  # checked against MODES above
        wg=WGOptions(
            oracle=oracle,
            oracle_attempts=oracle_attempts,
            strategist=strategist,
            world_actor=world_actor,
            api_base=api_base,
        ),
        target=target,
        api_base=api_base,
        k=k,
        min_pass_rate=min_pass_rate,
        max_pass_rate=max_pass_rate,
        n_tasks=tasks,
        batch_size=batch_size,
        seed=seed,
        proposer=proposer,
        max_cell_share=None if max_cell_share >= 1.0 else max_cell_share,
        budgets=Budgets(
            max_rollouts=max_rollouts,
            max_tokens=max_tokens,
            max_cost_usd=max_cost,
            max_iterations=max_iterations,
        ),
        timeouts=Timeouts(turn_s=turn_timeout),
        queues=Queues(ledger=ledger_queue, compute=compute_queue),
    )
    validate(cfg)
    target_addr = address_or_default(address)

    async def go() -> None:
        client = await _client(target_addr)
        handle = await start(client, cfg)
        print(f"harvest {handle.id} started")
        print(f"UI: {ui_url(target_addr, handle.id)}")
        if follow_:
            result = await follow(handle)
            print(f"harvested {result.counters.harvested} tasks ({result.stop})")

    run_client(go())


@harvest_app.command("status")
def status_cmd(
    harvest: HarvestArg,
    once: Annotated[
        bool, typer.Option(help="print the progress once instead of following")
    ] = False,
    address: Address = None,
) -> None:
    """Show a harvest's progress (live bar until it ends, or once with --once)."""

    async def go() -> None:
        client = await _client(address)
        handle = client.get_workflow_handle(harvest)
        desc = await handle.describe()  # an unknown id fails here, before any progress bar
        if desc.status != WorkflowExecutionStatus.RUNNING:
            if desc.status != WorkflowExecutionStatus.COMPLETED:
                raise CommandFailed(await closed_line(handle))
            done: HarvestResult = await handle.result()
            print(f"harvest {harvest} completed: harvested {done.counters.harvested} tasks")
            return
        if once:
            try:
                p: Progress = await asyncio.wait_for(
                    handle.query(HarvestWorkflow.progress), timeout=QUERY_TIMEOUT_S
                )
            except TimeoutError:
                raise CommandFailed(
                    f"harvest {harvest} is running but no worker answered its progress query "
                    f"within {QUERY_TIMEOUT_S:.0f} s (is `toolmine worker` running?)"
                ) from None
            print(p.model_dump_json(indent=2))
            return
        result: HarvestResult = await follow(handle)
        print(f"harvested {result.counters.harvested} tasks ({result.stop})")

    run_client(go())


def _pause(harvest: str, address: str | None) -> None:
    async def go() -> None:
        client = await _client(address)
        handle = client.get_workflow_handle(harvest)
        await _require_running(handle, "paused")
        p: Progress = await handle.execute_update(
            HarvestWorkflow.set_paused, SetPausedInput(paused=True)
        )
        print(
            f"{harvest}: pausing (after the current iteration); "
            f"harvested {p.counters.harvested}/{p.n_tasks}"
        )

    run_client(go())


async def _require_running(handle: WorkflowHandle[Any, Any], what: str) -> None:
    """A harvest that has ended cannot be steered: say so, naming it and how it ended."""
    desc = await handle.describe()
    if desc.status != WorkflowExecutionStatus.RUNNING:
        status = desc.status.name.lower().replace("_", " ") if desc.status else "unknown"
        raise UserError(
            f"harvest {handle.id} has ended ({status}) and cannot be {what}; "
            f"see it with `toolmine harvest show {handle.id}`"
        )


@harvest_app.command("pause")
def pause_cmd(harvest: HarvestArg, address: Address = None) -> None:
    """Pause a harvest between iterations (the running iteration finishes)."""
    _pause(harvest, address)


@harvest_app.command("resume")
def resume_cmd(harvest: HarvestArg, address: Address = None) -> None:
    """Resume a paused, failed or stalled harvest, or start one whose run ended unfinished
    again under its id (it goes on from the iterations it recorded)."""

    async def go() -> None:
        print(await resume(await _client(address), harvest))

    run_client(go())


@harvest_app.command("cancel")
def cancel_cmd(harvest: HarvestArg, address: Address = None) -> None:
    """Cancel a harvest (what it recorded so far stays in the history)."""

    async def go() -> None:
        client = await _client(address)
        handle = client.get_workflow_handle(harvest)
        await _require_running(handle, "cancelled")
        await handle.cancel()
        print(f"{harvest}: cancel requested")

    run_client(go())


@harvest_app.command("list")
def list_cmd(
    query: Annotated[
        str | None, typer.Option(help="extra visibility query, e.g. \"TargetModel='sim:mid'\"")
    ] = None,
    address: Address = None,
    as_json: JsonFlag = False,
) -> None:
    """List harvests (latest run of each), with status and harvested count."""

    async def go() -> None:
        client = await _client(address)
        q = "WorkflowType = 'HarvestWorkflow'" + (f" AND ({query})" if query else "")
        seen = set()
        listed: list[dict[str, Any]] = []
        try:
            async for wf in client.list_workflows(q):
                if wf.id in seen:
                    continue
                seen.add(wf.id)
                attrs: dict[str, Any] = {
                    k: v[0] if v else "" for k, v in wf.search_attributes.items()
                }
                listed.append(
                    {
                        "harvest_id": wf.id,
                        "workflow_status": wf.status.name.lower() if wf.status else "?",
                        "harvest_status": attrs.get("HarvestStatus", ""),
                        "harvested": attrs.get("Harvested", 0),
                        "target": attrs.get("TargetModel", ""),
                    }
                )
        except RPCError as exc:
            if exc.status != RPCStatusCode.INVALID_ARGUMENT:
                raise
            raise UserError(
                f"--query {query!r}: {exc.message}; e.g. \"HarvestStatus='running'\""
            ) from None
        if as_json:
            print(json.dumps(listed, indent=2))
            return
        for h in listed:
            print(
                f"{h['harvest_id']:40} {h['workflow_status']:16} {h['harvest_status']:10} "
                f"harvested={h['harvested']:<4} target={h['target']}"
            )

    run_client(go())


@harvest_app.command("show")
def show_cmd(
    harvest: HarvestArg,
    store: Annotated[
        Path | None, typer.Option(help="history file to read when no worker holds it")
    ] = None,
    address: Address = None,
    ledger_queue: LedgerQueue = LEDGER_QUEUE,
    as_json: JsonFlag = False,
) -> None:
    """Summarise a harvest: counts, pass-rate histogram, top failure modes, diversity."""
    summary = load_summary(harvest, store, address, ledger_queue)
    if as_json:
        print(summary.model_dump_json(indent=2))
        return
    Console().print("\n".join(render_lines(summary)), highlight=False, soft_wrap=True)


def load_summary(
    harvest: str, store: Path | None, address: str | None, ledger_queue: str
) -> HarvestSummary:
    """Read the file directly when no worker holds it, else ask the ledger worker."""
    local = read_local(store, lambda st: st.summary(harvest), harvest)
    if local is not None:
        return local

    async def go() -> HarvestSummary:
        return await read_summary(await _client(address), harvest, ledger_queue)

    result: HarvestSummary = run_client(go())
    return result
