"""A WG harvest's report: the heatmap is the hypothesis frontier map (tag x complexity), and each
harvested task opens to one of its own failing target rollouts."""

from __future__ import annotations

from typing import Any

import pytest

from mining.core.task import Task
from mining.reports.report_data import report_data
from mining.reports.report_html import render
from mining.store.db import Store
from mining.store.records import HarvestRecord
from mining.store.wg import record_probe, record_trial
from mining.wg import oracle_filter, probe
from mining.wg.config import WGSettings, vocabulary
from mining.wg.loop import run_wg


def test_a_wg_report_maps_the_frontier_and_shows_a_failing_rollout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = WGSettings(harvest_id="rep", seed=1, n_tasks=1)
    store = Store(":memory:")
    store.record_harvest(
        HarvestRecord(harvest_id="rep", domain="airline", mode="wg", target=s.target, n_tasks=1,
                      config={})
    )  # fmt: skip
    real_trial = oracle_filter.run_trial

    def trial_recorded(settings: WGSettings, task: Task) -> Any:
        out = real_trial(settings, task)  # recorded as the Temporal probe's ledger step does
        record_trial(store, task.world, out.records)
        return out

    monkeypatch.setattr(probe.oracle_filter, "run_trial", trial_recorded)
    run = run_wg(s)
    for out in run.outcomes:
        record_probe(store, "rep", out, s.k, s.n_tasks)
    data = report_data(store, "rep")
    h = data.heatmap
    vocab = vocabulary("airline")
    assert (h.x_axis, h.y_axis) == ("complexity", "capability tag")
    assert h.y_values == [t.name for t in vocab.tags] and len(h.x_values) == len(vocab.levels)
    confirmed = run.confirmed[0].hypothesis
    assert h.statuses[f"{confirmed.complexity}|{confirmed.tag}"] == "confirmed"
    assert sum(h.counts.values()) == len(run.outcomes)
    assert "open" in h.statuses.values()
    (task,) = data.tasks
    assert task.failing and task.failing_reasons
    page = render(data)
    assert "hypothesis frontier map" in page and ">confirmed" in page
