"""The in-process harvest loop retries a rollout the way the rollout activity's policy does
(`mining.rollout.retry`, kept equal to it): a retryable provider error is tried again up to the
policy's attempts, each failed attempt recorded; a rollout that runs out of attempts is errored."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from mining.harvest import steps
from mining.harvest.config import Budgets, HarvestConfig
from mining.harvest.loop import run_harvest
from mining.llm.errors import ProviderError
from mining.rollout import retry
from mining.store.db import Store
from mining.store.records import rollout_key


def _run(monkeypatch: pytest.MonkeyPatch, failures_of_r1: int) -> tuple[Store, str]:
    """A one-candidate harvest whose rollout 1 meets `failures_of_r1` retryable errors first."""
    real = steps.rollout
    calls: Counter[str] = Counter()

    def flaky(cfg: HarvestConfig, hid: str, task: Any, seed: int, index: int, **kw: Any) -> Any:
        key = rollout_key(task.task_id, index)
        calls[key] += 1
        if index == 1 and calls[key] <= failures_of_r1:
            raise ProviderError("rate limited", retryable=True, retry_after_s=0)
        return real(cfg, hid, task, seed, index, **kw)

    monkeypatch.setattr(steps, "rollout", flaky)
    cfg = HarvestConfig(
        harvest_id=f"retries-{failures_of_r1}",
        domain="mock",
        target="sim:mid",
        k=2,
        n_tasks=1,
        batch_size=1,
        seed=3,
        max_cell_share=None,
        max_errored_rollouts=1,
        budgets=Budgets(max_iterations=1),
    )
    store = Store(":memory:")
    run_harvest(cfg, store)
    return store, cfg.harvest_id


def test_a_rollout_is_retried_up_to_the_activity_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    failures = 4  # more than the loop's own 3 attempts used to allow
    store, hid = _run(monkeypatch, failures)
    (r1,) = store._all("SELECT rollout_id, attempt FROM rollouts WHERE rollout_id LIKE '%/r1'", [])
    assert r1[1] == failures + 1
    failed = store._all(
        "SELECT rollout_id, attempt, error_class, gave_up FROM failed_attempts "
        "WHERE harvest_id = ? ORDER BY attempt",
        [hid],
    )
    assert failed == [(r1[0], a, "ProviderError", False) for a in range(1, failures + 1)]


def test_a_rollout_out_of_attempts_is_errored(monkeypatch: pytest.MonkeyPatch) -> None:
    store, hid = _run(monkeypatch, retry.ATTEMPTS)
    failed = store._all(
        "SELECT rollout_id, attempt, gave_up FROM failed_attempts WHERE harvest_id = ? "
        "ORDER BY attempt",
        [hid],
    )
    assert [a for _, a, _ in failed] == list(range(1, retry.ATTEMPTS + 1))
    assert all(r.endswith("/r1") for r, _, _ in failed)
    assert [gave_up for _, _, gave_up in failed] == [False] * (retry.ATTEMPTS - 1) + [True]
    (decision,) = store._all("SELECT errored FROM decisions WHERE harvest_id = ?", [hid])
    assert decision == (1,)
