"""One window: every caller (harvest config, proposer context, eval's evaluation, adaptive
model) gives the same verdict for the same (k, bounds, passes), and unreachable windows are
refused up front."""

from __future__ import annotations

import itertools

import pytest

from mining.core.errors import UserError
from mining.core.window import Window, percent
from mining.harvest.config import HarvestConfig, check_config, in_window, outcome_known
from mining.harvest.config import proposer_context as context_of
from mining.propose.adaptive import window_probability

BOUNDS = [(0.0, 0.5), (0.0, 0.33), (0.2, 0.8), (0.25, 0.75), (0.0, 0.34), (0.1, 0.3), (0.5, 1.0)]


def _grid() -> list[tuple[int, float, float, int]]:
    return [
        (k, lo, hi, passes)
        for k in (1, 2, 3, 4, 6, 8)
        for lo, hi in BOUNDS
        for passes in range(k + 1)
    ]


@pytest.mark.parametrize(("k", "lo", "hi", "passes"), _grid())
def test_every_caller_gives_the_same_verdict(k: int, lo: float, hi: float, passes: int) -> None:
    window = Window(min_pass_rate=lo, max_pass_rate=hi, k=k)
    cfg = HarvestConfig(k=k, min_pass_rate=lo, max_pass_rate=hi)
    ctx = context_of(cfg)
    expected = window.holds(passes, k)
    assert in_window(cfg, passes, k) is expected
    assert ctx.in_window(passes, k) is expected
    assert (window.verdict(passes, k - passes) is True) is expected
    # the adaptive model's window chance is 1 exactly at p=1 for k passes, 0 at p=0 for none
    if passes == k:
        assert (window_probability(1.0, ctx) == 1.0) is expected
    if passes == 0:
        assert (window_probability(0.0, ctx) == 1.0) is expected


@pytest.mark.parametrize(
    ("k", "lo", "hi"), [(k, lo, hi) for k in (2, 3, 4, 8) for lo, hi in BOUNDS]
)
def test_early_stop_never_changes_the_verdict(k: int, lo: float, hi: float) -> None:
    """Stopping when `can_stop` says so gives the verdict the full k would have given."""
    window = Window(min_pass_rate=lo, max_pass_rate=hi, k=k)
    cfg = HarvestConfig(k=k, min_pass_rate=lo, max_pass_rate=hi)
    for results in itertools.product([True, False], repeat=k):
        passes = failures = 0
        for r in results:
            if outcome_known(cfg, passes, failures):
                break
            passes += r
            failures += not r
        full = window.holds(sum(results), k)
        if passes + failures < k:  # stopped early: only ever because it was surely out
            assert not full and window.verdict(passes, failures) is False
        else:
            assert window.holds(passes, k) is full


def test_a_third_is_inside_max_033_everywhere() -> None:
    """The defect: harvest said 1/3 was out of `--max-pass-rate 0.33` while eval said in."""
    cfg = HarvestConfig(k=3, max_pass_rate=0.33)
    assert in_window(cfg, 1, 3) and context_of(cfg).in_window(1, 3)
    assert Window(k=3, max_pass_rate=0.33).holds(1, 3)
    assert percent(1, 3) == 33 and percent(2, 3) == 67 and percent(1, 8) == 13


def test_unreachable_window_is_refused_naming_the_reachable_rates() -> None:
    with pytest.raises(UserError) as err:
        check_config(HarvestConfig(k=4, min_pass_rate=0.3, max_pass_rate=0.45))
    message = str(err.value)
    assert "k=4" in message and "1/4=25%" in message and "2/4=50%" in message
    with pytest.raises(UserError):
        Window(k=2, min_pass_rate=0.0, max_pass_rate=0.4).check()
    Window(k=2, min_pass_rate=0.0, max_pass_rate=0.5).check()  # 1/2 lands


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(UserError, match="0 <= min <= max <= 1"):
        Window(min_pass_rate=0.6, max_pass_rate=0.5).check()
