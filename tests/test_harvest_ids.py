"""A harvest id names one harvest forever. Reusing one used to start a new run that wrote into
the old rows (an export labelled with one target and measured on another, a completed harvest
turned "cancelled", world deltas applied to another candidate's world). Now the CLI refuses an
id Temporal knows, whatever its status, and the ledger refuses an id the history knows, while a
retried or continued start of the same harvest stays idempotent."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.testing import WorkflowEnvironment

from cli.harvest_ops import start
from cli.temporal_cli import root_cause
from mining.core.errors import UserError
from mining.harvest.config import Budgets, HarvestConfig, Queues
from mining.harvest.loop import run_harvest
from mining.store.db import HarvestIdTaken, Store
from mining.store.records import HarvestRecord
from tests.temporal_fixtures import fake_config, fake_workers
from workflows import search_attributes as sa
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestInput, SetPausedInput


def _record(target: str = "sim:mid", **config: object) -> HarvestRecord:
    return HarvestRecord(
        harvest_id="h1",
        domain="mock",
        mode="dag",
        target=target,
        n_tasks=3,
        config={"target": target, "n_tasks": 3, **config},
    )


def _row(store: Store) -> tuple[HarvestRecord, str] | None:
    return store.harvest_record("h1")


def test_a_retried_or_continued_start_is_idempotent() -> None:
    store = Store(":memory:")
    store.record_harvest(_record(), owner="run-a")
    store.record_harvest(_record(), owner="run-a")  # retried activity / cancel path
    assert store.harvest_ids() == ["h1"]


@pytest.mark.parametrize(
    "other",
    [
        (_record(target="sim:nope"), "run-b"),  # another harvest, another config
        (_record(), "run-b"),  # the same config started again after the first ended
        (_record(target="sim:nope"), None),  # the in-process loop, another config
    ],
)
def test_another_harvest_under_a_recorded_id_is_refused_and_writes_nothing(
    other: tuple[HarvestRecord, str | None],
) -> None:
    store = Store(":memory:")
    store.record_harvest(_record(), owner="run-a")
    store.set_status("h1", "completed")
    before = _row(store)
    with pytest.raises(HarvestIdTaken, match="'h1' already names another harvest"):
        store.record_harvest(*other)
    assert _row(store) == before


def test_rows_from_before_owners_are_matched_by_config(tmp_path: Path) -> None:
    store = Store(tmp_path / "history.duckdb")
    store.record_harvest(_record())  # no owner: as written before migration 4
    with pytest.raises(HarvestIdTaken):
        store.record_harvest(_record(target="sim:weak"), owner="run-a")
    store.record_harvest(_record(), owner="run-a")  # same config: this harvest, claimed
    with pytest.raises(HarvestIdTaken):
        store.record_harvest(_record(), owner="run-b")
    # a setting added to the config since the row was written does not make it another harvest
    store.record_harvest(_record(api_base=None), owner="run-a")


def test_an_in_process_rerun_continues_and_another_config_is_refused() -> None:
    store = Store(":memory:")
    cfg = HarvestConfig(
        harvest_id="h-loop", domain="mock", target="sim:mid", n_tasks=1, batch_size=4, seed=2,
        budgets=Budgets(max_iterations=20),
    )  # fmt: skip
    first = run_harvest(cfg, store)
    counts = store.table_counts("h-loop")
    assert run_harvest(cfg, store).harvested == first.harvested  # continues: nothing new
    with pytest.raises(HarvestIdTaken):
        run_harvest(cfg.model_copy(update={"target": "sim:weak"}), store)
    assert store.table_counts("h-loop") == counts
    assert store.summary("h-loop").target == "sim:mid"


async def test_a_used_id_is_refused_by_the_cli_and_by_the_ledger(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    store = Store(":memory:")
    hid = f"reuse-{uuid.uuid4().hex[:8]}"
    cfg = fake_config(queues, harvest_id=hid, n_tasks=1)
    other = cfg.model_copy(update={"target": "another-model", "n_tasks": 2})
    client = temporal_env.client
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(client, queues, store):
            await stack.enter_async_context(w)
        await (await start(client, cfg)).result()
        summary = store.summary(hid).model_dump()
        counts = store.table_counts(hid)

        # the CLI's start: refused with one line, for a completed harvest
        with pytest.raises(UserError, match=f"'{hid}' is taken by a harvest that is completed"):
            await start(client, other)

        # a start that allows reuse (the Temporal CLI's default): the ledger refuses it, and
        # the run fails before writing a row
        handle = await client.start_workflow(
            HarvestWorkflow.run,
            HarvestInput(config=other),
            id=hid,
            task_queue=queues.ledger,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await handle.result()
        assert "already names another harvest" in str(root_cause(failed.value))
        assert store.summary(hid).model_dump() == summary
        assert store.table_counts(hid) == counts

        # a running (here: paused) harvest's id is refused too
        running = cfg.model_copy(update={"harvest_id": f"{hid}-live"})
        live = await client.start_workflow(
            HarvestWorkflow.run,
            HarvestInput(config=running, paused=True),
            id=running.harvest_id,
            task_queue=queues.ledger,
        )
        with pytest.raises(UserError, match="taken by a harvest that is running"):
            await start(client, running)
        await live.execute_update(HarvestWorkflow.set_paused, SetPausedInput(paused=False))
        await live.result()  # and it finishes as one harvest
    assert store.summary(running.harvest_id).harvested == 1


def test_a_refused_run_cannot_mark_the_other_harvest() -> None:
    store = Store(":memory:")
    store.record_harvest(_record(), owner="run-a")
    store.set_status("h1", "completed", owner="run-b")  # e.g. a refused run recording "failed"
    assert _row(store)[1] == "running"  # type: ignore[index]
    store.set_status("h1", "completed", owner="run-a")
    assert _row(store)[1] == "completed"  # type: ignore[index]
    store.set_status("h1", "cancelled")  # the in-process loop names no owner
    assert _row(store)[1] == "cancelled"  # type: ignore[index]


async def test_a_key_in_a_target_never_reaches_the_ui_or_the_store(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    """A start that bypasses the CLI (the Temporal CLI, a script) with a key in the target."""
    store = Store(":memory:")
    hid = f"keyed-{uuid.uuid4().hex[:8]}"
    cfg = fake_config(queues, harvest_id=hid, target="openai/x?api_key=sk-SECRET-42")
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        handle = await temporal_env.client.start_workflow(
            HarvestWorkflow.run, HarvestInput(config=cfg), id=hid, task_queue=queues.ledger
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await handle.result()
        described = await handle.describe()
    cause = root_cause(failed.value)
    assert "credential" in str(cause) and "SECRET" not in str(cause)
    assert described.typed_search_attributes.get(sa.TARGET_MODEL) is None
    assert store.harvest_record(hid) is None
