"""Failures are data: on the real dev server, a target that fails, a ledger that is down, an
iteration that fails and is resumed, a harvest restarted under its id. Nothing ends a harvest;
what failed is recorded with its error class; a resumed harvest pays for nothing twice."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from activities import names
from activities.models import Ack, RecordResultsInput, RolloutInput, RolloutOutput
from cli.harvest_ops import resume, start
from mining.harvest.config import Budgets, HarvestConfig, Queues
from mining.harvest.loop import run_harvest
from mining.store.db import Store
from mining.store.records import rollout_key
from tests.flaky_endpoint import a_fraction, flaky_target, rollout_index
from tests.loopback_chat import ChatEndpoint
from tests.temporal_fixtures import (
    FAKE_COMPUTE,
    FAST_TIMEOUTS,
    FakeLedger,
    fake_config,
    fake_rollout,
    fake_workers,
    run_with_real_workers,
    wait_for_progress,
)
from worker import make_workers
from workflows import search_attributes as sa
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestResult

pytestmark = pytest.mark.slow


@pytest.fixture
def endpoint() -> Iterator[ChatEndpoint]:
    """A simulated target over HTTP (litellm for real) that answers 400 to 6% of requests."""
    server = flaky_target(a_fraction(0.06, status=400))
    try:
        yield server
    finally:
        server.close()


def _config(queues: Queues, **over: Any) -> HarvestConfig:
    base: dict[str, Any] = dict(
        harvest_id=f"faults-{uuid.uuid4().hex[:8]}",
        domain="mock",
        target="openai/sim:mid",
        n_tasks=3,
        batch_size=4,
        rollout_concurrency=2,
        seed=3,
        max_cell_share=None,
        timeouts=FAST_TIMEOUTS,
        queues=queues,
        budgets=Budgets(max_iterations=20),
    )
    base.update(over)
    return HarvestConfig(**base)


def _book(store: Store, hid: str) -> dict[str, Any]:
    q = store._all
    return {
        "rollouts": q(
            "SELECT rollout_id, passed FROM rollouts WHERE harvest_id = ? ORDER BY 1", [hid]
        ),
        "failed": q(
            "SELECT rollout_id, attempt, error_class, gave_up FROM failed_attempts "
            "WHERE harvest_id = ? ORDER BY 1, 2",
            [hid],
        ),
        "decisions": q(
            "SELECT candidate_id, passes, rollouts, errored, undecided, in_window FROM decisions "
            "WHERE harvest_id = ? ORDER BY 1",
            [hid],
        ),
        "harvested": [r["task"]["task_id"] for r in store.harvested(hid)],
    }


async def test_target_errors_are_recorded_replaced_and_the_same_in_process(
    temporal_env: WorkflowEnvironment, queues: Queues, endpoint: ChatEndpoint
) -> None:
    cfg = _config(queues, api_base=endpoint.api_base)
    durable = Store(":memory:")
    result: HarvestResult = await run_with_real_workers(temporal_env, cfg, durable)
    assert result.stop == "harvested" and result.counters.errored > 0
    book = _book(durable, cfg.harvest_id)
    errored = [f for f in book["failed"] if f[3]]
    assert errored and all(f[2] == "ProviderError" and f[1] == 1 for f in errored)
    assert len(errored) == len(book["failed"])  # a 400 is not retried: one attempt each
    done = {r[0] for r in book["rollouts"]}
    for cid, passes, rollouts, n_errored, _, _ in book["decisions"]:
        mine = {r for r in done if r.startswith(cid + "/")}
        gave_up = {f[0] for f in errored if f[0].startswith(cid + "/")}
        # an errored rollout is not a result: it is replaced by the next index, never counted
        assert not mine & gave_up and len(mine) == rollouts and len(gave_up) == n_errored
        assert mine | gave_up == {rollout_key(cid, i) for i in range(rollouts + n_errored)}
        assert passes == sum(1 for r in book["rollouts"] if r[0] in mine and r[1])
    assert any(rollouts + n > cfg.k for _, _, rollouts, n, _, _ in book["decisions"])
    analysed = {r[0] for r in durable._all("SELECT rollout_id FROM analyses", [])}
    assert not analysed & {f[0] for f in errored}  # an error is no target failure to analyse
    summary = durable.summary(cfg.harvest_id)
    assert summary.errored_rollouts == len(errored) == result.counters.errored
    assert summary.status == "completed"

    local = Store(":memory:")
    assert run_harvest(cfg, local).stop == "harvested"
    assert _book(local, cfg.harvest_id) == book  # both runners share the rule


async def test_failed_attempts_before_a_success_are_recorded(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    # Rollout 1 of every candidate meets a 503 at its first turn on its first two attempts.
    def fail(body: dict[str, Any], seen: int) -> int | None:
        first_turn = len(body["messages"]) == 3  # policy, greeting, the customer's request
        return 503 if rollout_index(body) == 1 and first_turn and seen < 2 else None

    server = flaky_target(fail)
    cfg = _config(
        queues,
        api_base=server.api_base,
        n_tasks=1,
        batch_size=2,
        k=2,
        budgets=Budgets(max_iterations=1),
    )
    store = Store(":memory:")
    try:
        await run_with_real_workers(temporal_env, cfg, store)
    finally:
        server.close()
    failed = _book(store, cfg.harvest_id)["failed"]
    ones = sorted({f[0] for f in failed})
    assert ones and all(r.endswith("/r1") for r in ones)
    assert failed == [(r, a, "ProviderError", False) for r in ones for a in (1, 2)]
    attempts = dict(store._all("SELECT rollout_id, attempt FROM rollouts", []))
    assert all(attempts[r] == 3 for r in ones)


async def test_a_target_that_always_fails_stalls_the_harvest(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    server = flaky_target(lambda body, seen: 401)  # e.g. a wrong key
    cfg = _config(queues, api_base=server.api_base, batch_size=2, k=2)
    store = Store(":memory:")
    try:
        async with contextlib.AsyncExitStack() as stack:
            for w in make_workers(temporal_env.client, queues=queues, store=store):
                await stack.enter_async_context(w)
            handle = await start(temporal_env.client, cfg)
            held = await wait_for_progress(handle, lambda p: p.status == "stalled")
            assert held.reason is not None and held.reason.startswith(
                "every rollout of iteration 0 errored (ProviderError x"
            )
            assert held.counters.iterations == 1 and held.counters.rollouts == 0
            await _wait_for_store(store, cfg.harvest_id, "stalled")
            await handle.cancel()
            with pytest.raises(WorkflowFailureError):
                await handle.result()
        local = Store(":memory:")
        stopped = run_harvest(cfg, local)
    finally:
        server.close()
    assert stopped.stop.startswith("stalled: every rollout of iteration 0 errored")
    assert stopped.iterations == 1 and local.summary(cfg.harvest_id).status == "stalled"


# --- a ledger that fails, an iteration that fails, a harvest restarted --------------------------


class _Rollouts:
    """The fake rollout activity, counting how often each rollout is paid for."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def activities(self) -> list[Any]:
        @activity.defn(name=names.ROLLOUT)
        def rollout(inp: RolloutInput) -> RolloutOutput:
            self.calls[rollout_key(inp.task.task_id, inp.index)] += 1
            return fake_rollout(inp)

        return [rollout if a is fake_rollout else a for a in FAKE_COMPUTE]


class _FlakyLedger(FakeLedger):
    """Writes of rollouts whose id contains `where` fail with `error` while `down` is set (the
    whole write: the wave's other rollouts, and the candidate with its first wave, are lost
    with them)."""

    def __init__(self, store: Store, error: Exception, where: str) -> None:
        super().__init__(store)
        self.error = error
        self.where = where
        self.down = False
        self.failed: Counter[str] = Counter()

    @activity.defn(name=names.RECORD_RESULTS)
    def record_results(self, inp: RecordResultsInput) -> Ack:
        ids = [r.rollout.rollout_id for r in inp.rollouts if r.rollout is not None]
        if self.down and any(self.where in r for r in ids):
            self.failed.update(ids)
            raise self.error
        return super().record_results(inp)


@pytest.mark.parametrize(
    ("error", "attempts"),
    [
        (OSError("disk unavailable"), 3),  # retried up to the bound, then the iteration fails
        (KeyError("HAT561"), 1),  # a programming error: not retried at all
    ],
    ids=["ledger-down", "store-bug"],
)
async def test_a_failed_iteration_holds_the_harvest_and_resumes_paying_nothing_twice(
    temporal_env: WorkflowEnvironment, queues: Queues, error: Exception, attempts: int
) -> None:
    # 4 candidates per iteration, two in the window: N=3 takes two iterations.
    timeouts = FAST_TIMEOUTS.model_copy(update={"ledger_attempts": 3})
    cfg = fake_config(queues, n_tasks=3, batch_size=4, timeouts=timeouts)
    store = Store(":memory:")
    # The ledger fails on candidate 1 of iteration 1, while the other candidates record theirs.
    ledger, rollouts = _FlakyLedger(store, error, "/i1/c1/"), _Rollouts()
    ledger.down = True
    workers = make_workers(
        temporal_env.client,
        queues=queues,
        compute_activities=rollouts.activities(),
        ledger_activities=ledger.all(),
    )
    async with contextlib.AsyncExitStack() as stack:
        for w in workers:
            await stack.enter_async_context(w)
        handle = await start(temporal_env.client, cfg)
        hid = handle.id
        held = await wait_for_progress(handle, lambda p: p.status == "failed")
        assert held.reason is not None and type(error).__name__ in held.reason
        assert "MiningIterationWorkflow > record_results" in held.reason
        assert held.counters.iterations == 1  # iteration 0 completed, iteration 1 failed
        await _wait_for_store(store, hid, "failed")
        attr = (await handle.describe()).typed_search_attributes.get(sa.HARVEST_STATUS)
        assert attr == "failed"
        assert set(ledger.failed.values()) == {attempts}

        ledger.down = False  # the store is back (or the bug is fixed)
        message = await resume(temporal_env.client, handle.id)
        assert message.startswith(f"{handle.id}: resumed (was failed: ")
        result: HarvestResult = await handle.result()

    assert result.stop == "harvested" and result.counters.harvested == 3
    assert store.summary(hid).status == "completed"
    # Counters are the ledger's: every recorded iteration once, the failed one not at all.
    assert result.counters.iterations == len(store.iteration_summaries(hid)) == 2
    assert result.counters.rollouts == store.table_counts(hid)["rollouts"]
    # Paid once: every rollout ran once, but those whose result the ledger could not record;
    # the rest of the failed iteration (recorded before it failed) was reused, not run again.
    recorded = {r[0] for r in store._all("SELECT rollout_id FROM rollouts", [])}
    assert set(rollouts.calls) == recorded
    assert {r for r, n in rollouts.calls.items() if n > 1} == set(ledger.failed)
    assert all(n == 2 for r, n in rollouts.calls.items() if r in ledger.failed)
    reused = {r for r in recorded if "/i1/" in r} - set(ledger.failed)
    assert len(reused) >= 8  # the other candidates of iteration 1
    assert store.duplicate_keys() == {"candidates": 0, "rollouts": 0, "harvested_tasks": 0}
    runs = [
        w async for w in temporal_env.client.list_workflows(f"WorkflowId = '{handle.id}/iter-1'")
    ]
    assert len(runs) == 2  # the failed run of iteration 1 and the one after the resume


async def test_a_short_ledger_outage_is_ridden_out(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    cfg = fake_config(queues, n_tasks=3, batch_size=4)
    store = Store(":memory:")
    ledger = _FlakyLedger(store, OSError("disk unavailable"), "/i1/")
    ledger.down = True

    async def back_soon() -> None:
        while not ledger.failed:
            await asyncio.sleep(0.05)
        ledger.down = False

    async with contextlib.AsyncExitStack() as stack:
        for w in make_workers(
            temporal_env.client,
            queues=queues,
            compute_activities=FAKE_COMPUTE,
            ledger_activities=ledger.all(),
        ):
            await stack.enter_async_context(w)
        handle = await start(temporal_env.client, cfg)
        _, result = await asyncio.gather(back_soon(), handle.result())
    assert result.stop == "harvested" and ledger.failed
    assert store.summary(handle.id).status == "completed"


async def test_a_harvest_started_again_under_its_id_continues_its_counters(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    # One in-window candidate per iteration: N=3 takes three iterations.
    cfg = fake_config(queues, n_tasks=3, batch_size=2, iterations_per_run=10)
    store = Store(":memory:")
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        handle = await start(temporal_env.client, cfg)
        hid = handle.id
        await wait_for_progress(handle, lambda p: p.counters.iterations >= 1)
        await handle.terminate("operator error")
        done = len(store.iteration_summaries(hid))
        assert 1 <= done < 3
        message = await resume(temporal_env.client, handle.id)
        assert "started again (its last run terminated)" in message
        again = temporal_env.client.get_workflow_handle_for(HarvestWorkflow.run, hid)
        result: HarvestResult = await again.result()
    # The new run began at the recorded iterations, not at zero: 3 iterations in all, no more.
    assert result.counters.iterations == 3 == len(store.iteration_summaries(hid))
    assert result.counters.harvested == 3 == store.harvested_count(hid)
    with pytest.raises(Exception, match="was completed and stays so"):
        await resume(temporal_env.client, handle.id)


async def _wait_for_store(store: Store, hid: str, status: str) -> None:
    async with asyncio.timeout(20):  # the status write follows the query's answer
        while store.summary(hid).status != status:
            await asyncio.sleep(0.1)


def test_an_in_process_rerun_reuses_the_recorded_proposal_and_rollouts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The in-process loop dies mid-iteration (its store fails once); running it again finishes
    # the harvest without paying again for any rollout recorded before the crash.
    from mining.harvest import steps

    calls: Counter[str] = Counter()
    real = steps.rollout

    def counted(cfg: HarvestConfig, hid: str, task: Any, seed: int, index: int, **kw: Any) -> Any:
        calls[rollout_key(task.task_id, index)] += 1
        return real(cfg, hid, task, seed, index, **kw)

    class CrashOnce(Store):
        crashed = False

        def record_rollout(self, r: Any, analysis: Any = None) -> None:
            if not self.crashed and "/i1/c1/r2" in r.rollout_id:
                CrashOnce.crashed = True
                raise OSError("power cut")
            super().record_rollout(r, analysis)

    monkeypatch.setattr(steps, "rollout", counted)
    cfg = _config(Queues(), target="sim:mid", n_tasks=4)
    store = CrashOnce(":memory:")
    with pytest.raises(OSError, match="power cut"):
        run_harvest(cfg, store)
    before = {r[0] for r in store._all("SELECT rollout_id FROM rollouts", [])}
    assert any("/i1/" in r for r in before)  # the crash came in the middle of iteration 1
    assert store.proposal(cfg.harvest_id, 1) is not None
    result = run_harvest(cfg, store)
    assert result.stop == "harvested" and result.harvested == 4
    assert all(calls[r] == 1 for r in before)  # recorded before the crash: never run again
    assert store.duplicate_keys() == {"candidates": 0, "rollouts": 0, "harvested_tasks": 0}
