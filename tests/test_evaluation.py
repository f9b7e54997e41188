"""Candidate evaluation: the window, early stopping and determinism under concurrency."""

from __future__ import annotations

from pathlib import Path

import pytest

from mining.core.window import Window
from mining.llm.spec import parse_target
from mining.rollout.evaluation import evaluate_candidate
from tests.test_rollout_helpers import mock_task, write_profile


@pytest.mark.parametrize(
    ("passes", "failures", "expected"),
    [
        (3, 0, False),  # 3/4 already above 0.5
        (2, 0, None),
        (1, 2, True),  # 1/4 or 2/4: both inside
        (0, 3, None),  # 0/4 out, 1/4 in
        (0, 4, False),
        (2, 2, True),
        (0, 0, None),
    ],
)
def test_default_window_decisions(passes: int, failures: int, expected: bool | None) -> None:
    assert Window().verdict(passes, failures) is expected


def test_window_bounds() -> None:
    w = Window(min_pass_rate=0.0, max_pass_rate=0.33, k=3, min_exclusive=False)
    assert w.holds(0, 3) and w.holds(1, 3) and not w.holds(2, 3)
    assert not Window().holds(0, 4) and Window().holds(2, 4) and not Window().holds(3, 4)
    assert w.verdict(0, 3) is True and w.verdict(2, 0) is False


def test_all_passing_candidate_stops_after_three(tmp_path: Path) -> None:
    perfect = parse_target(write_profile(tmp_path / "p.json", {}))
    ev = evaluate_candidate(mock_task(), perfect, Window(), seed=1, concurrency=1)
    assert ev.passes == 3 and len(ev.rollouts) == 3
    assert ev.stopped_early and not ev.in_window and ev.pass_rate == 1.0
    assert ev.failure_modes == [] and ev.tokens > 0
    full = evaluate_candidate(mock_task(), perfect, Window(), 1, concurrency=2, early_stop=False)
    assert len(full.rollouts) == 4 and not full.stopped_early and full.pass_hat_k[4] == 1.0


def test_failing_candidate_reports_failure_modes(tmp_path: Path) -> None:
    broken = parse_target(write_profile(tmp_path / "s.json", {"stop_early": {"base_rate": 0.999}}))
    ev = evaluate_candidate(mock_task(), broken, Window(), seed=1, concurrency=4)
    assert ev.passes == 0 and len(ev.rollouts) == 4 and not ev.in_window
    assert ev.failure_modes == ["gave_up"] and ev.failure_counts == {"gave_up": 4}


def test_result_does_not_depend_on_concurrency() -> None:
    task = mock_task({"second_intent": "cancel", "distractors": 2})
    target = parse_target("sim:weak")
    for seed in range(4):
        a = evaluate_candidate(task, target, Window(k=6), seed, concurrency=1)
        b = evaluate_candidate(task, target, Window(k=6), seed, concurrency=6)
        assert [r.passed for r in a.rollouts] == [r.passed for r in b.rollouts]
        assert (a.in_window, a.stopped_early) == (b.in_window, b.stopped_early)
        assert [r.index for r in b.rollouts] == list(range(len(b.rollouts)))
