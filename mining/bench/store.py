"""Store benchmark: how long the proposer's read takes on a history of any size.

`toolmine bench store --rollouts 1000000` writes a synthetic harvest of that many rollouts into a
DuckDB file through the real schema, then reopens it on one thread and times the read every
iteration of a harvest makes before proposing (`Store.digest`), plus the adaptive proposer's work
on what it read. Rows are synthetic but shaped like a real harvest's: points sampled from the
domain's parameter space (with their relevant items and cells), k rollouts each with pass counts
drawn from per-point pass rates, analyses for failures, decisions, harvested tasks, iteration
summaries, and the term counts the store keeps as it writes (recounted here in one SQL pass).
The payload columns (task, trajectory, score, world) all hold one real candidate's and one real
rollout's JSON, so the file is smaller than a real history of that size; the timed read does not
touch them.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mining.core.window import Window
from mining.harvest import steps
from mining.harvest.config import HarvestConfig, proposer_context
from mining.propose import registry
from mining.store.db import Store
from mining.store.digest import EMPTY, item_keys
from mining.store.records import content_hash
from mining.store.schema import TERM_COUNTS, count_terms

HARVEST = "bench-store"
POOL = 20_000  # distinct points the candidates are drawn from
# Pass-rate mixture of the synthetic target: (share of points, pass rate).
MIXTURE = ((0.80, 0.95), (0.12, 0.35), (0.08, 0.03))
LABELS = ("wrong_argument", "distractor_chosen", "missing_write", "gave_up", "fabricated_id")


class StoreFigures(BaseModel):
    rollouts: int
    candidates: int
    harvested: int
    file_mb: float
    build_s: float
    digest_terms: int
    digest_recent: int
    query_ms_median: float  # wall clock
    query_ms_max: float
    query_cpu_ms_median: float  # CPU time of this process (DuckDB on one thread): load-proof
    propose_ms: float
    repeats: int


def _sample_rows(cfg: HarvestConfig) -> tuple[dict[str, Any], dict[str, Any]]:
    """One real candidate (task JSON) and one real rollout of it (record JSON)."""
    for index in range(50):
        rec, task = steps.synthesize(
            cfg, HARVEST, 0, index, _space(cfg).sample(random.Random(index))
        )
        if task is not None and rec.task is not None:
            rollout = steps.rollout(cfg, HARVEST, task, rec.seed, 0)
            return rec.task, rollout.model_dump(mode="json")
    raise RuntimeError("no candidate synthesized in 50 tries")


def _space(cfg: HarvestConfig) -> Any:
    from mining.dag.synthesize import get_domain, spec_of

    return spec_of(get_domain(cfg.domain)).space


def build(path: Path, rollouts: int, k: int = 4, n_tasks: int = 1000, seed: int = 0) -> Store:
    """Write the synthetic harvest (`rollouts` rollouts, k per candidate) into a new file."""
    cfg = HarvestConfig(harvest_id=HARVEST, domain="airline", target="sim:mid", k=k, seed=seed)
    space = _space(cfg)
    task, rollout = _sample_rows(cfg)
    store = Store(path)
    store.record_harvest(steps.harvest_record(cfg, HARVEST))
    rng = random.Random(seed)
    points = [dict(space.sample(rng)) for _ in range(POOL)]
    rates = [_draw_rate(rng) for _ in points]
    n_cand = max(1, rollouts // k)
    window = Window(min_pass_rate=cfg.min_pass_rate, max_pass_rate=cfg.max_pass_rate, k=k)
    conn = store._conn
    conn.execute(
        "CREATE TEMP TABLE pool AS SELECT unnest(?::VARCHAR[]) AS params, "
        "unnest(?::VARCHAR[]) AS cell, unnest(?::VARCHAR[][]) AS items, "
        "unnest(?::DOUBLE[]) AS rate, unnest(range(?)) AS id",
        [
            [json.dumps(p) for p in points],
            [space.cell(p) for p in points],
            [item_keys(space.relevant(p)) for p in points],
            rates,
            POOL,
        ],
    )
    world_hash = content_hash(task["world"])
    conn.execute(
        "INSERT OR IGNORE INTO worlds VALUES (?, ?)", [world_hash, json.dumps(task["world"])]
    )
    batch = cfg.batch_size
    conn.execute(
        "INSERT INTO candidates (candidate_id, harvest_id, iteration, idx, seed, params, cell, "
        "signature, world_hash, task, rejection, items) "
        "SELECT ? || '/i' || (i // ?) || '/c' || (i % ?), ?, i // ?, i % ?, i, p.params, p.cell, "
        "'sig', ?, ?, NULL, p.items FROM range(?) t(i) JOIN pool p ON p.id = hash(i) % ?",
        [HARVEST, batch, batch, HARVEST, batch, batch, world_hash, json.dumps(task), n_cand, POOL],
    )
    conn.execute(
        "INSERT INTO rollouts (rollout_id, candidate_id, harvest_id, idx, seed, passed, reward, "
        "score, trajectory, final_world_hash, tokens_in, tokens_out, cost_usd, latency_s, "
        "termination, error, injected_errors, policy_violations, attempt) "
        "SELECT c.candidate_id || '/r' || j, c.candidate_id, ?, j, c.seed * 8 + j, "
        "(hash(c.seed * 8 + j) % 10000) < p.rate * 10000, 0.0, ?, ?, ?, ?, ?, 0.0, 1.0, "
        "'agent_stop', NULL, '[]', '[]', 1 "
        "FROM candidates c JOIN pool p ON p.id = hash(c.seed) % ?, range(?) r(j) "
        "WHERE c.harvest_id = ?",
        [
            HARVEST,
            json.dumps(rollout["score"]),
            json.dumps(rollout["trajectory"]),
            world_hash,
            rollout["tokens_in"],
            rollout["tokens_out"],
            POOL,
            k,
            HARVEST,
        ],
    )
    conn.execute(
        "INSERT INTO analyses (rollout_id, candidate_id, harvest_id, top_label, analysis) "
        "SELECT rollout_id, candidate_id, harvest_id, "
        "(?::VARCHAR[])[1 + (hash(rollout_id) % ?)::BIGINT], '{}' FROM rollouts "
        "WHERE harvest_id = ? AND NOT passed",
        [list(LABELS), len(LABELS), HARVEST],
    )
    conn.execute(
        "INSERT INTO decisions (candidate_id, harvest_id, passes, rollouts, pass_rate, "
        "in_window) SELECT candidate_id, harvest_id, count(*) FILTER (WHERE passed), count(*), "
        "count(*) FILTER (WHERE passed) / count(*), "
        "list_contains(?::INTEGER[], count(*) FILTER (WHERE passed)::INTEGER) "
        "FROM rollouts WHERE harvest_id = ? GROUP BY candidate_id, harvest_id",
        [window.counts(), HARVEST],
    )
    conn.execute(
        "INSERT INTO harvested_tasks (candidate_id, harvest_id, position, pass_rate, k, "
        "failure_modes, params, cell) SELECT candidate_id, harvest_id, "
        "row_number() OVER (ORDER BY seed), pass_rate, ?, '[]', params, cell FROM ("
        "SELECT d.candidate_id, d.harvest_id, d.pass_rate, c.seed, c.params, c.cell "
        "FROM decisions d JOIN candidates c USING (candidate_id) "
        "WHERE d.harvest_id = ? AND d.in_window ORDER BY c.seed LIMIT ?)",
        [k, HARVEST, n_tasks],
    )
    conn.execute(
        "INSERT INTO iterations (harvest_id, iteration, summary) "
        "SELECT harvest_id, iteration, json_object('iteration', iteration, 'rollouts', "
        "count(*) * ?) FROM candidates WHERE harvest_id = ? GROUP BY harvest_id, iteration",
        [k, HARVEST],
    )
    conn.execute(
        f"INSERT INTO history_terms (harvest_id, kind, term, {TERM_COUNTS}) "
        f"{count_terms('c.harvest_id = ?')}",
        [HARVEST],
    )
    conn.execute("CHECKPOINT")
    return store


def _draw_rate(rng: random.Random) -> float:
    roll = rng.random()
    for share, rate in MIXTURE:
        if roll < share:
            return rate
        roll -= share
    return MIXTURE[-1][1]


def measure(path: Path, repeats: int = 5) -> tuple[list[float], list[float], float, Any]:
    """Reopen the file on one thread; time the digest `repeats` times (wall and CPU) and one
    proposal."""
    store = Store(path, threads=1)
    try:
        times, cpu = [], []
        digest = EMPTY
        for _ in range(repeats):
            started, cpu_started = time.perf_counter(), time.process_time()
            digest = store.digest(HARVEST)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        cfg = HarvestConfig(harvest_id=HARVEST, domain="airline", n_tasks=2000)
        started = time.perf_counter()
        registry.propose(
            "adaptive", _space(cfg), digest, cfg.batch_size, 0, context=proposer_context(cfg)
        )
        propose_ms = (time.perf_counter() - started) * 1000
    finally:
        store.close()
    return times, cpu, propose_ms, digest


def run(path: Path, rollouts: int, k: int = 4, repeats: int = 5) -> StoreFigures:
    started = time.perf_counter()
    build(path, rollouts, k).close()
    build_s = time.perf_counter() - started
    times, cpu, propose_ms, digest = measure(path, repeats)
    size = sum(f.stat().st_size for f in path.parent.glob(path.name + "*"))
    return StoreFigures(
        rollouts=rollouts,
        candidates=max(1, rollouts // k),
        harvested=digest.harvested_count,
        file_mb=round(size / 2**20, 1),
        build_s=round(build_s, 1),
        digest_terms=len(digest.items) + len(digest.pairs) + len(digest.cells) + 1,
        digest_recent=len(digest.recent),
        query_ms_median=round(statistics.median(times), 1),
        query_ms_max=round(max(times), 1),
        query_cpu_ms_median=round(statistics.median(cpu), 1),
        propose_ms=round(propose_ms, 1),
        repeats=repeats,
    )
