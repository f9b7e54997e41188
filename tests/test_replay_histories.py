"""Replay saved histories against the current workflow code: a change that breaks determinism
fails here. Regenerate (after an intended, patched change): python -m tests.histories.regenerate;
keep the previous histories in a subfolder while the patch's old branch is still in the code."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from mining.harvest.config import IterationTotals
from worker import WORKFLOWS
from workflows.iteration import MiningIterationWorkflow
from workflows.models import IterationInput

HERE = Path(__file__).parent / "histories"
# Current histories (regenerated) and those recorded before a patch, kept so the patched workflow
# code still replays runs that started on the old code.
HISTORIES = sorted(HERE.rglob("*.json"))
CURRENT = sorted(HERE.glob("*.json"))


def _load(path: Path) -> WorkflowHistory:
    data = json.loads(path.read_text())
    return WorkflowHistory.from_json(data["workflow_id"], data["history"])


def test_histories_exist() -> None:
    kinds = {p.name.split("-")[0] for p in CURRENT}
    assert kinds == {"HarvestWorkflow", "MiningIterationWorkflow"}
    assert {p.parent.name for p in HISTORIES} >= {"histories", "pre_lean", "wg"}
    wg = {p.name.split("-")[0] for p in HISTORIES if p.parent.name == "wg"}
    assert wg == {"HarvestWorkflow", "ProbeWorkflow"}


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: str(p.relative_to(HERE)))
async def test_replays_cleanly(path: Path) -> None:
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(_load(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


@workflow.defn(name="MiningIterationWorkflow")
class _ChangedIteration(MiningIterationWorkflow):
    """An unpatched change: a timer before the first activity."""

    @workflow.run
    async def run(self, inp: IterationInput) -> IterationTotals:
        await workflow.sleep(timedelta(seconds=1))
        return await super().run(inp)


async def test_an_unpatched_change_fails_replay() -> None:
    path = next(p for p in CURRENT if p.name.startswith("MiningIterationWorkflow"))
    replayer = Replayer(workflows=[_ChangedIteration], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(_load(path), raise_on_replay_failure=False)
    assert result.replay_failure is not None
    assert (
        "Nondeterminism" in str(result.replay_failure)
        or "nondetermin" in str(result.replay_failure).lower()
    )
