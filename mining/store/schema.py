"""Numbered schema migrations for the history file, applied in order and recorded in a table.

Append new migrations at the end; never edit one that has shipped (files in the field already
ran it).
"""

from __future__ import annotations

TERM_COUNTS = "candidates, evaluated, rollouts, passes, hits"


def count_terms(where: str = "") -> str:
    """A query counting every term (total, cell, item, pair; see `mining.store.digest`) of the
    candidates matching `where` (e.g. `c.harvest_id = ?`), in the columns of `history_terms`.
    The store keeps that table current as it writes; this recounts it from the base tables
    (migration 5 fills the table with it; tests and synthetic histories check against it).
    Changing it changes what migration 5 did: add a new migration instead."""
    filter_ = f"WHERE {where}" if where else ""
    per_candidate = "evaluated, rollouts, passes, hits FROM c"
    pairs = (
        "flatten(list_transform(range(len(items)), "
        "lambda i: list_transform(items[i + 2:], lambda y: items[i + 1] || ' & ' || y)))"
    )
    return f"""WITH c AS (
            SELECT c.harvest_id, c.cell, coalesce(c.items, []) AS items,
                (d.candidate_id IS NOT NULL)::BIGINT AS evaluated,
                coalesce(d.rollouts, 0)::BIGINT AS rollouts,
                coalesce(d.passes, 0)::BIGINT AS passes,
                coalesce(d.in_window, false)::BIGINT AS hits
            FROM candidates c LEFT JOIN decisions d USING (candidate_id) {filter_}
        ), t AS (
            SELECT harvest_id, 'total' AS kind, '' AS term, {per_candidate}
            UNION ALL SELECT harvest_id, 'cell', cell, {per_candidate}
            UNION ALL SELECT harvest_id, 'item', unnest(items), {per_candidate}
            UNION ALL SELECT harvest_id, 'pair', unnest({pairs}), {per_candidate}
        )
        SELECT harvest_id, kind, term, count(*), sum(evaluated), sum(rollouts), sum(passes),
            sum(hits)
        FROM t GROUP BY harvest_id, kind, term"""


MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "initial harvest history",
        [
            """CREATE TABLE harvests (
                harvest_id VARCHAR PRIMARY KEY,
                domain VARCHAR NOT NULL,
                mode VARCHAR NOT NULL,
                target VARCHAR NOT NULL,
                n_tasks INTEGER NOT NULL,
                config VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            """CREATE TABLE worlds (
                world_hash VARCHAR PRIMARY KEY,
                world VARCHAR NOT NULL
            )""",
            """CREATE TABLE candidates (
                candidate_id VARCHAR PRIMARY KEY,
                harvest_id VARCHAR NOT NULL,
                iteration INTEGER NOT NULL,
                idx INTEGER NOT NULL,
                seed BIGINT NOT NULL,
                params VARCHAR NOT NULL,
                cell VARCHAR NOT NULL,
                signature VARCHAR NOT NULL,
                world_hash VARCHAR,
                task VARCHAR,
                rejection VARCHAR,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            """CREATE TABLE decisions (
                candidate_id VARCHAR PRIMARY KEY,
                harvest_id VARCHAR NOT NULL,
                passes INTEGER NOT NULL,
                rollouts INTEGER NOT NULL,
                pass_rate DOUBLE NOT NULL,
                in_window BOOLEAN NOT NULL
            )""",
            """CREATE TABLE rollouts (
                rollout_id VARCHAR PRIMARY KEY,
                candidate_id VARCHAR NOT NULL,
                harvest_id VARCHAR NOT NULL,
                idx INTEGER NOT NULL,
                seed BIGINT NOT NULL,
                passed BOOLEAN NOT NULL,
                reward DOUBLE NOT NULL,
                score VARCHAR NOT NULL,
                trajectory VARCHAR NOT NULL,
                final_world_hash VARCHAR,
                tokens_in BIGINT NOT NULL,
                tokens_out BIGINT NOT NULL,
                cost_usd DOUBLE NOT NULL,
                latency_s DOUBLE NOT NULL,
                termination VARCHAR NOT NULL,
                error VARCHAR,
                injected_errors VARCHAR NOT NULL,
                policy_violations VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            """CREATE TABLE analyses (
                rollout_id VARCHAR PRIMARY KEY,
                candidate_id VARCHAR NOT NULL,
                harvest_id VARCHAR NOT NULL,
                top_label VARCHAR NOT NULL,
                analysis VARCHAR NOT NULL
            )""",
            """CREATE TABLE harvested_tasks (
                candidate_id VARCHAR PRIMARY KEY,
                harvest_id VARCHAR NOT NULL,
                position INTEGER NOT NULL,
                pass_rate DOUBLE NOT NULL,
                k INTEGER NOT NULL,
                failure_modes VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            """CREATE TABLE iterations (
                harvest_id VARCHAR NOT NULL,
                iteration INTEGER NOT NULL,
                summary VARCHAR NOT NULL,
                PRIMARY KEY (harvest_id, iteration)
            )""",
            "CREATE INDEX candidates_harvest ON candidates (harvest_id)",
            "CREATE INDEX rollouts_candidate ON rollouts (candidate_id)",
        ],
    ),
    (
        2,
        "rollout attempt: which try of a (re-run) rollout produced the row",
        ["ALTER TABLE rollouts ADD COLUMN attempt INTEGER DEFAULT 1"],
    ),
    (
        3,
        "failures as data: failed rollout attempts, undecided candidates, recorded proposals, "
        "why a harvest is failed or stalled",
        [
            """CREATE TABLE failed_attempts (
                rollout_id VARCHAR NOT NULL,
                attempt INTEGER NOT NULL,
                candidate_id VARCHAR NOT NULL,
                harvest_id VARCHAR NOT NULL,
                idx INTEGER NOT NULL,
                error_class VARCHAR NOT NULL,
                message VARCHAR NOT NULL,
                gave_up BOOLEAN NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                PRIMARY KEY (rollout_id, attempt)
            )""",
            "CREATE INDEX failed_attempts_candidate ON failed_attempts (candidate_id)",
            """CREATE TABLE proposals (
                harvest_id VARCHAR NOT NULL,
                iteration INTEGER NOT NULL,
                points VARCHAR NOT NULL,
                PRIMARY KEY (harvest_id, iteration)
            )""",
            "ALTER TABLE decisions ADD COLUMN errored INTEGER DEFAULT 0",
            "ALTER TABLE decisions ADD COLUMN undecided BOOLEAN DEFAULT false",
            "ALTER TABLE harvests ADD COLUMN status_reason VARCHAR",
        ],
    ),
    (
        4,
        "harvest owner: the run chain that started a harvest (another start is refused)",
        ["ALTER TABLE harvests ADD COLUMN owner VARCHAR"],
    ),
    (
        5,
        "history terms: whole-history counts per axis value, pair and cell, and the harvested "
        "tasks' points (the proposer's input)",
        [
            # Relevant axis values of the point, sorted `axis=value` keys. Rows written before
            # this migration get every axis of their params (irrelevant ones included).
            "ALTER TABLE candidates ADD COLUMN items VARCHAR[]",
            """UPDATE candidates SET items = list_sort(list_transform(json_keys(params),
                lambda k: k || '=' || json_extract_string(params, '$."' || k || '"')))""",
            """CREATE TABLE history_terms (
                harvest_id VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                term VARCHAR NOT NULL,
                candidates BIGINT NOT NULL,
                evaluated BIGINT NOT NULL,
                rollouts BIGINT NOT NULL,
                passes BIGINT NOT NULL,
                hits BIGINT NOT NULL,
                PRIMARY KEY (harvest_id, kind, term)
            )""",
            f"INSERT INTO history_terms (harvest_id, kind, term, {TERM_COUNTS}) {count_terms()}",
            # The harvested tasks' points, so reading them never scans the candidates.
            "ALTER TABLE harvested_tasks ADD COLUMN params VARCHAR",
            "ALTER TABLE harvested_tasks ADD COLUMN cell VARCHAR",
            """UPDATE harvested_tasks SET params = c.params, cell = c.cell FROM candidates c
                WHERE c.candidate_id = harvested_tasks.candidate_id""",
        ],
    ),
    (
        6,
        "rollout verdict on tau2's terms (order-sensitive DB hash, transfers ignored); "
        "NULL for rollouts recorded before",
        ["ALTER TABLE rollouts ADD COLUMN tau2_passed BOOLEAN"],
    ),
    (
        7,
        "WG mining: hypotheses, trials, oracle runs, simplification chains, frontier map",
        [
            """CREATE TABLE wg_hypotheses (
                hypothesis_id VARCHAR PRIMARY KEY,
                harvest_id VARCHAR NOT NULL,
                idx INTEGER NOT NULL,
                tag VARCHAR NOT NULL,
                complexity INTEGER NOT NULL,
                statement VARCHAR NOT NULL,
                move VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                evidence VARCHAR NOT NULL,
                scenario_id VARCHAR NOT NULL,
                truth_broken VARCHAR,
                target_rollouts INTEGER NOT NULL,
                oracle_runs INTEGER NOT NULL,
                outcome VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            """CREATE TABLE wg_trials (
                scenario_id VARCHAR PRIMARY KEY,
                hypothesis_id VARCHAR NOT NULL,
                harvest_id VARCHAR NOT NULL,
                step INTEGER NOT NULL,
                passes INTEGER NOT NULL,
                rollouts INTEGER NOT NULL,
                in_window BOOLEAN NOT NULL
            )""",
            """CREATE TABLE wg_oracle_runs (
                scenario_id VARCHAR PRIMARY KEY,
                hypothesis_id VARCHAR NOT NULL,
                harvest_id VARCHAR NOT NULL,
                step INTEGER NOT NULL,
                passed BOOLEAN NOT NULL,
                attempts INTEGER NOT NULL
            )""",
            """CREATE TABLE wg_chains (
                hypothesis_id VARCHAR NOT NULL,
                step INTEGER NOT NULL,
                harvest_id VARCHAR NOT NULL,
                knob VARCHAR NOT NULL,
                params VARCHAR NOT NULL,
                complexity DOUBLE NOT NULL,
                outcome VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                target_rollouts INTEGER NOT NULL,
                oracle_runs INTEGER NOT NULL,
                PRIMARY KEY (hypothesis_id, step)
            )""",
            """CREATE TABLE wg_frontier (
                harvest_id VARCHAR NOT NULL,
                tag VARCHAR NOT NULL,
                complexity INTEGER NOT NULL,
                status VARCHAR NOT NULL,
                counts VARCHAR NOT NULL,
                evidence VARCHAR NOT NULL,
                PRIMARY KEY (harvest_id, tag, complexity)
            )""",
            "CREATE INDEX wg_hypotheses_harvest ON wg_hypotheses (harvest_id)",
        ],
    ),
]
