"""A failed rollout the analyst's taxonomy does not explain is shown by the verifier check it
failed ("unlabelled: not communicated"), not as None, in DAG and WG summaries alike."""

from __future__ import annotations

import pytest

from mining.harvest import steps
from mining.reports.summary import render_lines
from mining.rollout import analyst
from mining.rollout.scoring import Score
from mining.store.db import Store
from mining.store.records import AnalysisRecord, HarvestRecord, RolloutRecord
from tests.test_store import HID, _fill


def _failed(reasons: list[str]) -> RolloutRecord:
    return RolloutRecord(
        rollout_id="r0", candidate_id="c0", harvest_id=HID, index=0, seed=0, passed=False,
        score=Score(
            passed=False, state_match=False, communicated=False, policy_ok=True,
            golden_writes_matched=0.0, state_similarity=0.0, collateral_penalty=0.0,
            efficiency=1.0, transfer_penalty=0.0, reward=0.0, reasons=reasons,
        ).model_dump(mode="json"),
        trajectory={"messages": []}, final_world={},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("reasons", "label"),
    [
        (["not communicated: $832", "policy: x"], "unlabelled: not communicated"),
        (["final world differs from the expected one"], "unlabelled: final world differs"),
        ([], "unlabelled"),
    ],
)
def test_an_unexplained_failure_is_labelled_by_the_check_it_failed(
    monkeypatch: pytest.MonkeyPatch, reasons: list[str], label: str
) -> None:
    monkeypatch.setattr(analyst, "analyze", lambda task, rollout: analyst.Analysis())
    rec = steps.analyze(None, _failed(reasons))  # type: ignore[arg-type]
    assert rec.top_label == label


def test_the_summary_shows_unlabelled_for_rows_recorded_as_none() -> None:
    store = Store(":memory:")
    _fill(store, labels=["None", "None", "wrong_flight"])
    line = next(x for x in render_lines(store.summary(HID)) if x.startswith("failures"))
    assert "None" not in line and "unlabelled (2)" in line


def test_a_wg_style_unlabelled_row_reads_back_as_written() -> None:
    store = Store(":memory:")
    store.record_harvest(
        HarvestRecord(harvest_id=HID, domain="mock", mode="dag", target="sim:mid", n_tasks=1)
    )
    rec = _failed(["not communicated: $832"])
    store.record_rollout(
        rec,
        AnalysisRecord(rollout_id="r0", candidate_id="c0", harvest_id=HID,
                       top_label=analyst.unlabelled(rec.score["reasons"])),
    )  # fmt: skip
    modes = store.summary(HID).top_failure_modes
    assert [(m.label, m.count) for m in modes] == [("unlabelled: not communicated", 1)]
