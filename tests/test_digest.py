"""The proposer's input: whole-history aggregates the store keeps current, equal to a recount
and to the in-memory digest, so caps and trimming hold however long the harvest runs."""

from __future__ import annotations

import random

import pytest

from activities.ledger import LedgerActivities
from activities.models import ProposeInput
from domains.mock.dag.params import SPACE
from mining.harvest.config import HarvestConfig
from mining.propose.context import ProposerContext
from mining.store.db import Store
from mining.store.digest import Candidate, build_digest, candidate, item_keys, pair_keys
from mining.store.records import (
    CandidateRecord,
    DecisionRecord,
    HarvestRecord,
    candidate_key,
)

HID = "h-digest"
CTX = ProposerContext()


def _record(store: Store, c: Candidate, index: int) -> None:
    store.record_candidate(
        CandidateRecord(
            candidate_id=c.candidate_id,
            harvest_id=HID,
            iteration=c.iteration,
            index=index,
            seed=index,
            params=c.params,
            cell=c.cell,
            items=c.items,
            task={"world": {}} if c.evaluated else None,
        )
    )
    if c.evaluated:
        store.record_decision(
            HID,
            DecisionRecord(
                candidate_id=c.candidate_id,
                passes=c.passes,
                rollouts=c.rollouts,
                pass_rate=c.passes / c.rollouts,
                in_window=c.in_window,
            ),
        )


def _history(n: int, seed: int = 0) -> list[Candidate]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        point = dict(SPACE.sample(rng))
        passes = rng.randint(0, 4)
        out.append(
            candidate(
                SPACE,
                candidate_key(HID, i // 8, i % 8),
                i // 8,
                point,
                evaluated=i % 7 != 3,  # a few rejected by synthesis
                rollouts=4,
                passes=passes,
                in_window=CTX.in_window(passes, 4),
            )
        )
    return out


def _store() -> Store:
    store = Store(":memory:")
    store.record_harvest(
        HarvestRecord(harvest_id=HID, domain="mock", mode="dag", target="sim:mid", n_tasks=30)
    )
    return store


def test_store_digest_equals_the_in_memory_digest_and_a_recount() -> None:
    cands = _history(60)
    store = _store()
    for i, c in enumerate(cands):
        _record(store, c, i % 8)
    hits = [c.candidate_id for c in cands if c.evaluated and c.in_window]
    store.record_harvested(HID, hits, k=4, limit=30)
    want = build_digest(cands, harvested=hits, recent=25)
    got = store.digest(HID, recent=25)
    assert got == want
    assert len(got.recent) == 25 and got.totals.candidates == 60
    assert store.stored_terms(HID) == store.recount_terms(HID)
    # a retried write changes no count
    for i, c in enumerate(cands[:10]):
        _record(store, c, i % 8)
    assert store.digest(HID, recent=25) == want


def test_a_corrected_decision_changes_the_counts_by_the_difference() -> None:
    store = _store()
    c = _history(1)[0]
    _record(store, c, 0)
    fixed = DecisionRecord(
        candidate_id=c.candidate_id, passes=1, rollouts=3, pass_rate=1 / 3, in_window=True
    )
    store.record_decision(HID, fixed)
    assert store.stored_terms(HID) == store.recount_terms(HID)
    assert store.digest(HID).totals.rollouts == 3


def test_term_keys() -> None:
    items = item_keys({"intent": "place", "distractors": 2})
    assert items == ["distractors=2", "intent=place"]
    assert pair_keys(items) == ["distractors=2 & intent=place"]


def test_old_rows_get_terms_from_their_params(tmp_path: pytest.TempPathFactory) -> None:
    """Migration 5 counts rows written before it (their items: every axis of the params)."""
    import duckdb

    from mining.store.schema import MIGRATIONS

    path = str(tmp_path) + "/old.duckdb"
    conn = duckdb.connect(path)
    conn.execute(
        "CREATE TABLE _migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    for version, name, statements in MIGRATIONS:
        if version < 5:
            for sql in statements:
                conn.execute(sql)
            conn.execute("INSERT INTO _migrations (version, name) VALUES (?, ?)", [version, name])
    conn.execute(
        "INSERT INTO candidates (candidate_id, harvest_id, iteration, idx, seed, params, cell, "
        "signature) VALUES ('c0', 'old', 0, 0, 1, '{\"intent\": \"place\", \"distractors\": 2}', "
        "'x', '')"
    )
    conn.execute(
        "INSERT INTO harvested_tasks (candidate_id, harvest_id, position, pass_rate, k, "
        "failure_modes) VALUES ('c0', 'old', 1, 0.25, 4, '[\"gave_up\"]')"
    )
    conn.close()
    store = Store(path)
    digest = store.digest("old")
    assert digest.harvested[0].params == {"intent": "place", "distractors": 2}
    assert digest.harvested[0].failure_modes == ("gave_up",)
    assert set(digest.items) == {"distractors=2", "intent=place"}
    assert digest.pair("distractors=2 & intent=place").candidates == 1
    assert store.stored_terms("old") == store.recount_terms("old")


@pytest.mark.slow
def test_the_cell_cap_holds_past_any_window_of_recent_candidates() -> None:
    """Six tasks harvested early fill their cell's share (20% of 30); hundreds of candidates
    later, the propose step must still know it (it used to read the latest 500 candidates)."""
    store = _store()
    full = {"intent": "cancel", "second_intent": "none", "policy_trap": "yes"}
    rng = random.Random(1)
    early = [
        candidate(
            SPACE,
            candidate_key(HID, 0, i),
            0,
            dict(SPACE.sample(rng, fixed=full)),
            rollouts=4,
            passes=1,
            in_window=True,
        )
        for i in range(6)
    ]
    later = []
    for i in range(600):
        point = dict(SPACE.sample(rng))
        while SPACE.cell(point) == SPACE.cell(early[0].params):
            point = dict(SPACE.sample(rng))
        later.append(
            candidate(
                SPACE,
                candidate_key(HID, 1 + i // 8, i % 8),
                1 + i // 8,
                point,
                rollouts=4,
                passes=4,
            )
        )
    for i, c in enumerate([*early, *later]):
        _record(store, c, i % 8 if i >= 6 else i)
    store.record_harvested(HID, [c.candidate_id for c in early], k=4, limit=30, max_per_cell=6)
    ledger = LedgerActivities(store)
    cfg = HarvestConfig(harvest_id=HID, domain="mock", n_tasks=30, proposer="adaptive")
    capped = SPACE.cell(early[0].params)
    for iteration in range(76, 80):
        out = ledger.propose(ProposeInput(harvest_id=HID, config=cfg, iteration=iteration))
        assert out.points
        assert all(SPACE.cell(p) != capped for p in out.points)
