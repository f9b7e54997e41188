"""A harvest that cannot make progress stops and says why, instead of spending its budget."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities import names
from activities.models import ProposeInput, ProposeOutput
from mining.harvest.config import Budgets, HarvestConfig, Queues
from mining.harvest.exhaustion import exhausted, reachable_cells
from mining.harvest.loop import run_harvest
from mining.store.db import Store
from mining.store.digest import HarvestedPoint, HistoryDigest
from tests.temporal_fixtures import FAKE_COMPUTE, FakeLedger, fake_config
from worker import make_workers
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestInput, HarvestResult

# Every mock cell is learnable for this target: a failing tool call loop 60% of the time.
ALL_WEAK = "name: all-weak\nerrors:\n  tool_error_loop: {base_rate: 0.6}\n"


def test_reachable_cells_are_the_spaces_cells() -> None:
    cells = reachable_cells("mock")
    assert len(cells) == 6 and all(c.startswith("intent=") for c in cells)


def test_exhausted_once_every_reachable_cell_holds_its_cap() -> None:
    cfg = HarvestConfig(domain="mock", n_tasks=10, max_cell_share=0.1)  # cap: 1 task a cell
    cells = sorted(reachable_cells("mock"))

    def holding(cells_: list[str]) -> HistoryDigest:
        return HistoryDigest(harvested=tuple(HarvestedPoint({}, c) for c in cells_))

    assert exhausted(cfg, holding(cells[:-1])) is None  # one cell still has room
    why = exhausted(cfg, holding(cells))
    assert why is not None and why.startswith("exhausted: every reachable cell (6)")
    assert "cap of 1" in why and "6 of 10 harvested" in why
    assert exhausted(cfg.model_copy(update={"max_cell_share": None}), holding(cells)) is None


def test_in_process_harvest_stops_when_every_cell_is_full(tmp_path: Path) -> None:
    # Six cells, one task each: N=10 cannot be reached. The harvest used to run to its budget
    # (40 iterations); now it stops as soon as the sixth cell fills, with the reason.
    profile = tmp_path / "all_weak.yaml"
    profile.write_text(ALL_WEAK)
    cfg = HarvestConfig(
        harvest_id="full-cells",
        domain="mock",
        target=f"sim:file:{profile}",
        n_tasks=10,
        batch_size=8,
        max_cell_share=0.1,
        budgets=Budgets(max_iterations=40),
    )
    store = Store(":memory:")
    res = run_harvest(cfg, store, concurrency=4)
    assert res.stop.startswith("exhausted: every reachable cell (6) holds its cap of 1")
    assert res.harvested == 6 and res.iterations < 40
    assert sorted(store.harvested_per_cell(cfg.harvest_id)) == sorted(reachable_cells("mock"))
    assert store.summary(cfg.harvest_id).status == "completed"
    # iterations recorded: only those that proposed something
    assert len(store.iteration_summaries(cfg.harvest_id)) == res.iterations
    again = run_harvest(cfg, store, concurrency=4)  # re-running proposes nothing more
    assert again.stop == res.stop and again.candidates == res.candidates


class StalledLedger(FakeLedger):
    """Proposes one iteration, then reports that the harvest cannot make progress."""

    @activity.defn(name=names.PROPOSE)
    def propose(self, inp: ProposeInput) -> ProposeOutput:
        if inp.iteration == 0:
            return super().propose(inp)
        return ProposeOutput(points=[], stop="exhausted: every reachable cell is full (test)")


async def test_workflow_stops_with_the_propose_steps_reason(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    store = Store(":memory:")
    cfg = fake_config(queues, n_tasks=50, batch_size=4, budgets=Budgets(max_iterations=20))
    async with contextlib.AsyncExitStack() as stack:
        workers = make_workers(
            temporal_env.client,
            queues=queues,
            compute_activities=FAKE_COMPUTE,
            ledger_activities=StalledLedger(store).all(),
        )
        for w in workers:
            await stack.enter_async_context(w)
        handle: WorkflowHandle = await temporal_env.client.start_workflow(
            HarvestWorkflow.run,
            HarvestInput(config=cfg),
            id=f"h-{uuid.uuid4().hex[:10]}",
            task_queue=queues.ledger,
        )
        result: HarvestResult = await handle.result()
    assert result.stop == "exhausted: every reachable cell is full (test)"
    assert result.counters.iterations == 1  # the stalled iteration is not counted
    assert store.table_counts(handle.id)["candidates"] == 4
    assert store.summary(handle.id).status == "completed"
