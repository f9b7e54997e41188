"""Every rollout records a verdict on tau2's terms beside toolmine's (migration 6), and the
summary and the export rows show both; histories recorded before keep it unknown, not false."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from mining.reports.export import harvest_rows
from mining.reports.summary import render_lines
from mining.store.db import Store
from mining.store.schema import MIGRATIONS
from tests.export_fixtures import airline_harvest


def test_a_harvest_records_both_verdicts(tmp_path: Path) -> None:
    path = airline_harvest(tmp_path, "verdicts-1")
    store = Store(path, read_only=True)
    try:
        summary = store.summary("verdicts-1")
        rows = harvest_rows(store, "verdicts-1")
    finally:
        store.close()
    with duckdb.connect(str(path), read_only=True) as conn:
        verdicts = conn.execute("SELECT passed, tau2_passed, score FROM rollouts").fetchall()
    assert summary.tau2_scored == summary.rollouts > 0
    assert summary.harvested_pass_rate is not None
    assert summary.harvested_tau2_pass_rate is not None
    assert all(json.loads(score)["tau2_passed"] == tau2 for _, tau2, score in verdicts)
    # the simulated target's needless transfers fail toolmine's verdict only, so tau2 passes
    # at least as often here (its mistakes never reorder lists)
    assert summary.tau2_passes >= summary.passes
    for row in rows:
        assert row.tau2_passes is not None and row.tau2_passes >= row.passes
        assert row.tau2_pass_rate == round(row.tau2_passes / row.rollouts, 4)
    text = "\n".join(render_lines(summary))
    assert f"on tau2's terms {summary.tau2_passes} of {summary.tau2_scored} passed" in text


def test_old_histories_migrate_and_keep_the_verdict_unknown(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        "CREATE TABLE _migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    for version, name, statements in MIGRATIONS:
        if version > 2:
            break
        for sql in statements:
            conn.execute(sql)
        conn.execute("INSERT INTO _migrations (version, name) VALUES (?, ?)", [version, name])
    conn.execute(
        "INSERT INTO rollouts (rollout_id, candidate_id, harvest_id, idx, seed, passed, reward, "
        "score, trajectory, tokens_in, tokens_out, cost_usd, latency_s, termination, "
        "injected_errors, policy_violations) VALUES ('h/i0/c0/r0', 'h/i0/c0', 'h', 0, 1, true, "
        "1.0, '{}', '{}', 0, 0, 0, 0, 'done', '[]', '[]')"
    )
    conn.execute(
        "INSERT INTO harvests (harvest_id, domain, mode, target, n_tasks, config, status) "
        "VALUES ('h', 'mock', 'dag', 'sim:mid', 1, '{}', 'completed')"
    )
    conn.close()
    # read-only (harvest show, export, report read files this way): no migration runs, the
    # verdict on tau2's terms is simply unknown
    old = Store(path, read_only=True)
    summary = old.summary("h")
    old.close()
    assert (summary.rollouts, summary.passes, summary.tau2_scored) == (1, 1, 0)
    store = Store(path)
    assert store.schema_version() >= 6
    store.close()
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.execute("SELECT passed, tau2_passed FROM rollouts").fetchall() == [(True, None)]
