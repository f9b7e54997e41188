"""The history store: migrations, idempotent writes, the N cap, summaries, history and export."""

from __future__ import annotations

from pathlib import Path

import pytest

from mining.reports.summary import render_lines
from mining.store.db import Store, StoreLockedError
from mining.store.records import (
    AnalysisRecord,
    CandidateRecord,
    DecisionRecord,
    HarvestRecord,
    RolloutRecord,
    candidate_key,
    content_hash,
    rollout_key,
)
from mining.store.schema import MIGRATIONS

HID = "h-test"


def _task(cid: str, world: dict) -> dict:
    return {
        "task_id": cid,
        "domain": "mock",
        "seed": 1,
        "params": {"a": 1},
        "walk": ["x"],
        "signature": "sig",
        "task_description": "do it",
        "world": world,
        "golden_trajectory": [],
        "expected_final_world": world,
    }


def _fill(
    store: Store,
    n_cands: int = 3,
    k: int = 2,
    cells: list[str] | None = None,
    labels: list[str] | None = None,
) -> list[str]:
    store.record_harvest(
        HarvestRecord(harvest_id=HID, domain="mock", mode="dag", target="sim:mid", n_tasks=2)
    )
    ids = []
    for c in range(n_cands):
        cid = candidate_key(HID, 0, c)
        ids.append(cid)
        store.record_candidate(
            CandidateRecord(
                candidate_id=cid,
                harvest_id=HID,
                iteration=0,
                index=c,
                seed=c,
                params={"a": c},
                cell=cells[c] if cells else f"cell{c % 2}",
                task=_task(cid, {"shared": True}),
            )
        )
        for r in range(k):
            rid = rollout_key(cid, r)
            passed = r == 0
            rec = RolloutRecord(
                rollout_id=rid,
                candidate_id=cid,
                harvest_id=HID,
                index=r,
                seed=r,
                passed=passed,
                tokens_in=10,
                tokens_out=5,
                final_world={"r": r},
            )
            analysis = (
                None
                if passed
                else AnalysisRecord(
                    rollout_id=rid,
                    candidate_id=cid,
                    harvest_id=HID,
                    top_label=labels[c] if labels else "wrong_flight",
                )
            )
            store.record_rollout(rec, analysis)
        store.record_decision(
            HID,
            DecisionRecord(candidate_id=cid, passes=1, rollouts=k, pass_rate=0.5, in_window=True),
        )
    return ids


def test_migrations_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "h.duckdb"
    store = Store(path)
    assert store.schema_version() == MIGRATIONS[-1][0]
    store.close()
    store = Store(path)  # reopening applies nothing twice
    assert store.migrate() == MIGRATIONS[-1][0]
    assert store._all("SELECT count(*) FROM _migrations", [])[0][0] == len(MIGRATIONS)
    store.close()


def test_writes_are_idempotent() -> None:
    store = Store(":memory:")
    _fill(store)
    before = store.table_counts(HID)
    _fill(store)  # a retried activity repeats every write
    assert store.table_counts(HID) == before
    assert before["candidates"] == 3 and before["rollouts"] == 6 and before["analyses"] == 3
    assert store.duplicate_keys() == {"candidates": 0, "rollouts": 0, "harvested_tasks": 0}
    # one world row shared by the three candidates + one per distinct final world
    assert store._all("SELECT count(*) FROM worlds", [])[0][0] == 3


def test_a_batch_is_one_transaction_all_or_nothing() -> None:
    # An iteration's bookkeeping (decisions, harvested tasks, summary) commits once: a failure
    # half-way leaves none of it, and a write inside a batch waits for no lock it holds.
    store = Store(":memory:")
    ids = _fill(store)
    with pytest.raises(RuntimeError, match="power cut"), store.batch():
        assert store.record_harvested(HID, ids, k=2, limit=2) == ids[:2]
        store.record_iteration(HID, 0, {"iteration": 0})
        raise RuntimeError("power cut")
    assert store.harvested_count(HID) == 0 and store.iteration_summaries(HID) == []
    with store.batch():
        store.record_harvested(HID, ids, k=2, limit=2)
        store.record_iteration(HID, 0, {"iteration": 0})
    assert store.harvested_count(HID) == 2 and len(store.iteration_summaries(HID)) == 1


def test_harvested_never_exceeds_limit_and_retry_answers_the_same() -> None:
    store = Store(":memory:")
    ids = _fill(store)
    first = store.record_harvested(HID, ids, k=2, limit=2)
    assert first == ids[:2]
    again = store.record_harvested(HID, ids, k=2, limit=2)
    assert again == first
    assert store.harvested_count(HID) == 2
    rows = store.harvested(HID)
    assert [r["task"]["task_id"] for r in rows] == ids[:2]
    assert rows[0]["failure_modes"] == ["wrong_flight"]


def test_harvested_respects_the_cell_cap_and_retry_answers_the_same() -> None:
    store = Store(":memory:")
    ids = _fill(store)  # cells: cell0, cell1, cell0
    first = store.record_harvested(HID, ids, k=2, limit=3, max_per_cell=1)
    assert first == ids[:2]
    assert store.record_harvested(HID, ids, k=2, limit=3, max_per_cell=1) == first
    assert store.harvested_per_cell(HID) == {"cell0": 1, "cell1": 1}


def test_harvested_cap_counts_what_the_harvest_already_holds() -> None:
    cells = ["A", "A", "A", "A", "B", "B", "A"]  # the last one is harvested first
    store = Store(":memory:")
    ids = _fill(store, 7, cells=cells)
    assert store.record_harvested(HID, [ids[6]], k=2, limit=10, max_per_cell=2) == [ids[6]]
    later = store.record_harvested(HID, ids[:6], k=2, limit=10, max_per_cell=2)
    assert later == [ids[0], ids[4], ids[5]]
    fresh = Store(":memory:")
    ids = _fill(fresh, 6, cells=cells[:6])
    assert fresh.record_harvested(HID, ids, k=2, limit=2, max_per_cell=2) == ids[:2]


def test_harvested_needs_a_decision() -> None:
    store = Store(":memory:")
    _fill(store)
    with pytest.raises(ValueError, match="no recorded decision"):
        store.record_harvested(HID, ["nope"], k=2, limit=5)


def test_summary_and_digest() -> None:
    store = Store(":memory:")
    ids = _fill(store)
    store.record_harvested(HID, ids, k=2, limit=2)
    s = store.summary(HID)
    assert (s.harvested, s.candidates, s.rollouts, s.passes) == (2, 3, 6, 3)
    assert s.tokens_in == 60 and s.pass_rate_histogram == {"0.50": 3}
    assert s.top_failure_modes[0].label == "wrong_flight" and s.top_failure_modes[0].count == 3
    # diversity of the harvested tasks (cell0, cell1), not of all three candidates
    assert s.distinct_cells == 2 and s.largest_cell_share == pytest.approx(1 / 2)
    # failure-mode diversity of the harvested tasks: each task's leading analyst label
    assert [(f.label, f.count) for f in s.kept_failure_modes] == [("wrong_flight", 2)]
    assert s.largest_failure_mode_share == 1.0
    assert "kept modes  1 distinct, largest share 100%: wrong_flight (2)" in render_lines(s)[-1]
    digest = store.digest(HID)
    assert [h.candidate_id for h in digest.recent] == ids
    assert (digest.recent[0].passes, digest.recent[0].rollouts) == (1, 2)
    assert [h.failure_modes for h in digest.harvested] == [("wrong_flight",)] * 2


def test_summary_counts_the_failure_modes_the_harvested_tasks_teach() -> None:
    store = Store(":memory:")
    ids = _fill(store, 4, labels=["wrong_flight", "skipped_lookup", "wrong_flight", "other"])
    store.record_harvested(HID, ids[:3], k=2, limit=3)  # the fourth is tried, not kept
    s = store.summary(HID)
    kept = [(f.label, f.count) for f in s.kept_failure_modes]
    assert kept == [("wrong_flight", 2), ("skipped_lookup", 1)]
    assert s.largest_failure_mode_share == pytest.approx(2 / 3)
    assert render_lines(s)[-1] == (
        "kept modes  2 distinct, largest share 67%: wrong_flight (2), skipped_lookup (1) "
        "(leading label per harvested task)"
    )


def test_unknown_harvest_is_a_user_error() -> None:
    store = Store(":memory:")
    with pytest.raises(ValueError, match="unknown harvest 'zzz'"):
        store.summary("zzz")


def test_content_hash_ignores_key_order() -> None:
    assert content_hash({"a": 1, "b": 2}) == content_hash({"b": 2, "a": 1})


def test_second_process_gets_a_clear_lock_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "h.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreLockedError, match="held by another process"):
            Store(path, read_only=True)
    finally:
        holder.kill()
        holder.wait()
