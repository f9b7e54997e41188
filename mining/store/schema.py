"""Numbered schema migrations for the history file, applied in order and recorded in a table.

Append new migrations at the end; never edit one that has shipped (files in the field already
ran it).
"""

from __future__ import annotations

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
