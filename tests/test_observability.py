"""What a person watching a harvest sees: log records that name harvest, iteration, candidate and
rollout; activity summaries in the Temporal UI; search attributes that queries can use as written.

A real harvest on the dev server (real activities, mock domain, simulated target)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

import worker
from cli.harvest_ops import start
from mining.harvest.config import HarvestConfig, Queues
from mining.harvest.ids import locate
from mining.harvest.logs import FIELDS, HarvestFields, JsonLines
from mining.store.db import Store
from tests.temporal_fixtures import FAST_TIMEOUTS


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(HarvestFields())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _captured() -> Iterator[_Capture]:
    cap = _Capture()
    log = logging.getLogger("temporalio")
    old = log.level
    log.addHandler(cap)
    log.setLevel(logging.INFO)
    try:
        yield cap
    finally:
        log.removeHandler(cap)
        log.setLevel(old)


def _config(queues: Queues) -> HarvestConfig:
    return HarvestConfig(
        harvest_id=f"obs-{uuid.uuid4().hex[:8]}",
        domain="mock",
        target="sim:mid",
        n_tasks=1,
        batch_size=2,
        seed=3,
        max_cell_share=None,
        timeouts=FAST_TIMEOUTS,
        queues=queues,
    )


@pytest.fixture(scope="module")
async def harvest(temporal_env: WorkflowEnvironment) -> tuple[str, list[logging.LogRecord]]:
    queues = Queues(
        ledger=f"ledger-{uuid.uuid4().hex[:8]}", compute=f"compute-{uuid.uuid4().hex[:8]}"
    )
    cfg = _config(queues)
    with _captured() as cap:
        async with contextlib.AsyncExitStack() as stack:
            for w in worker.make_workers(
                temporal_env.client, queues=queues, store=Store(":memory:")
            ):
                await stack.enter_async_context(w)
            await (await start(temporal_env.client, cfg)).result()
    return cfg.harvest_id, cap.records


async def test_every_log_record_names_its_place(harvest) -> None:
    hid, records = harvest
    ours = [r for r in records if r.name in ("temporalio.workflow", "temporalio.activity")]
    messages = [r.getMessage() for r in ours]
    assert any(m.startswith("started") for m in messages), messages
    assert all(all(hasattr(r, f) for f in FIELDS) for r in records)
    assert all(r.harvest_id == hid for r in ours)  # type: ignore[attr-defined]
    rollouts = [r for r in ours if r.getMessage().startswith("rollout ")]
    decided = [r for r in ours if r.getMessage().startswith("candidate decided")]
    assert rollouts and decided
    for r in rollouts:
        assert r.iteration is not None and isinstance(r.rollout, int)  # type: ignore[attr-defined]
        assert r.candidate_id.startswith(f"{hid}/i{r.iteration}/c")  # type: ignore[attr-defined]
    for r in decided:
        assert r.candidate_id.startswith(f"{hid}/i")  # type: ignore[attr-defined]
        assert r.rollout is None  # type: ignore[attr-defined]
    line = json.loads(JsonLines().format(rollouts[0]))
    assert {f: line[f] for f in FIELDS} == {f: getattr(rollouts[0], f) for f in FIELDS}
    assert line["level"] == "INFO" and line["message"].startswith("rollout ")


async def test_activity_summaries_show_candidate_rollout_cell_and_intent(
    temporal_env: WorkflowEnvironment, harvest
) -> None:
    hid, _ = harvest
    history = await temporal_env.client.get_workflow_handle(f"{hid}/iter-0").fetch_history()
    conv = pydantic_data_converter.payload_converter
    summaries = {
        e.activity_task_scheduled_event_attributes.activity_id: conv.from_payload(
            e.user_metadata.summary, str
        )
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    }
    assert summaries["c0/synthesize"].startswith("synthesize candidate 0: ")
    rollout = summaries["c0/r0/rollout"]
    assert rollout.startswith("rollout 0 of candidate 0 | cell ") and "| intents " in rollout
    assert "intents -" not in rollout  # the task's intents are named
    assert all(summaries.values()), summaries


async def test_harvest_mode_is_queryable_as_written(
    temporal_env: WorkflowEnvironment, harvest
) -> None:
    # `Mode='dag'` did not parse (Mode is a keyword of the query language).
    hid, _ = harvest
    query = f"HarvestMode='dag' AND HarvestId='{hid}'"
    async with asyncio.timeout(10):
        while not [w async for w in temporal_env.client.list_workflows(query)]:
            await asyncio.sleep(0.2)


def test_locate_reads_harvest_iteration_candidate_rollout_from_ids() -> None:
    assert locate("h1/iter-3", "c2/r1/rollout") == {
        "harvest_id": "h1",
        "iteration": 3,
        "candidate_id": "h1/i3/c2",
        "rollout": 1,
    }
    assert locate("h1/iter-3", "c2/synthesize")["candidate_id"] == "h1/i3/c2"
    assert locate("h1", "1") == {
        "harvest_id": "h1",
        "iteration": None,
        "candidate_id": None,
        "rollout": None,
    }


def test_worker_takes_log_level_and_json() -> None:
    args = worker.build_parser().parse_args(["--log-level", "debug", "--log-json"])
    assert args.log_level == "DEBUG" and args.log_json
    with pytest.raises(SystemExit):
        worker.build_parser().parse_args(["--log-level", "loud"])
