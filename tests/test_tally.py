"""The rule both runners decide a candidate by: waves, early stopping, errored rollouts replaced up
to a bound, then undecided; and the readers of failed attempts carried through Temporal."""

from __future__ import annotations

import itertools

import pytest
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    RetryState,
    TimeoutError,
    TimeoutType,
)

from activities.failures import LOST, beat, describe, failures_of
from mining.harvest.config import HarvestConfig
from mining.harvest.tally import Tally
from mining.store.records import AttemptFailure, RolloutOutcome


def _run(cfg: HarvestConfig, results: dict[int, str]) -> tuple[Tally, list[list[int]]]:
    """Drive a tally: index -> 'p' (pass), 'f' (fail) or 'e' (errored); default fail."""
    tally, waves = Tally(cfg, "c"), []
    while wave := tally.next_wave():
        waves.append(wave)
        for i in wave:
            r = results.get(i, "f")
            tally.add(
                RolloutOutcome(index=i, passed=r == "p", error_class="X" if r == "e" else None)
            )
    return tally, waves


@pytest.mark.parametrize("k,conc", [(4, 1), (4, 2), (4, 4), (5, 2), (3, 3)])
def test_without_errors_waves_and_verdicts_are_the_plain_ones(k: int, conc: int) -> None:
    cfg = HarvestConfig(k=k, rollout_concurrency=conc)
    for pattern in itertools.product("pf", repeat=k):
        results = dict(enumerate(pattern))
        tally, waves = _run(cfg, results)
        out = tally.outcome()
        ran = [i for w in waves for i in w]
        assert ran == list(range(len(ran))) and len(ran) <= k
        assert all(len(w) <= conc for w in waves)
        passes = sum(results[i] == "p" for i in ran)
        assert out.rollouts == len(ran) and out.passes == passes
        assert not out.undecided and out.errored == 0
        # all k run unless the candidate is surely out of the window
        if len(ran) < k:
            assert cfg.max_pass_rate < passes / k
        assert out.in_window == (len(ran) == k and 0 < passes / k <= 0.5)


def test_an_errored_rollout_is_replaced_by_the_next_index() -> None:
    cfg = HarvestConfig(k=4, rollout_concurrency=2)
    tally, waves = _run(cfg, {0: "e", 1: "p", 2: "f", 3: "e", 4: "f"})
    assert waves == [[0, 1], [2, 3], [4, 5]]
    out = tally.outcome()
    assert (out.rollouts, out.passes, out.errored) == (4, 1, 2)
    assert out.errors == {"X": 2} and out.in_window and not out.undecided


def test_too_many_errored_rollouts_leave_the_candidate_undecided() -> None:
    cfg = HarvestConfig(k=4, rollout_concurrency=4, max_errored_rollouts=3)
    tally, waves = _run(cfg, {0: "e", 1: "e", 2: "p", 3: "f", 4: "e"})
    assert waves == [[0, 1, 2, 3], [4, 5]]
    out = tally.outcome()
    assert out.errored == 3 and out.undecided and not out.in_window
    assert (out.rollouts, out.passes) == (3, 1)  # what it had, recorded


def test_errors_do_not_undo_a_settled_verdict() -> None:
    # 3 passes of 4 are out of the window whatever the 4th says: errors after that change nothing
    cfg = HarvestConfig(k=4, rollout_concurrency=1, max_errored_rollouts=1)
    tally, waves = _run(cfg, {0: "p", 1: "p", 2: "p"})
    out = tally.outcome()
    assert waves == [[0], [1], [2]] and not out.undecided and not out.in_window


def _activity_error(cause: BaseException) -> ActivityError:
    err = ActivityError(
        "activity error",
        scheduled_event_id=1,
        started_event_id=2,
        identity="w",
        activity_type="rollout",
        activity_id="c0/r1/rollout",
        retry_state=RetryState.MAXIMUM_ATTEMPTS_REACHED,
    )
    err.__cause__ = cause
    return err


def test_the_final_error_carries_every_failed_attempt() -> None:
    listed = [
        AttemptFailure(attempt=1, error_class="ProviderError", message="503").model_dump(),
        AttemptFailure(attempt=2, error_class="ProviderError", message="400").model_dump(),
    ]
    err = _activity_error(ApplicationError("400", listed, type="ProviderError"))
    assert [f.attempt for f in failures_of(err)] == [1, 2]
    assert describe(err) == "rollout: ProviderError: 400"


def test_a_timeout_adds_the_attempt_that_timed_out_and_the_lost_ones() -> None:
    # attempt 3 heartbeat (carrying attempt 1's failure; attempt 2 left no word), then timed out
    details = [beat(3, 5, [AttemptFailure(attempt=1, error_class="ProviderError")])]
    timeout = TimeoutError("activity Heartbeat timeout", type=TimeoutType.HEARTBEAT,
                           last_heartbeat_details=details)  # fmt: skip
    got = failures_of(_activity_error(timeout))
    assert [(f.attempt, f.error_class) for f in got] == [
        (1, "ProviderError"),
        (2, LOST),
        (3, "HeartbeatTimeout"),
    ]


def test_messages_are_kept_short() -> None:
    f = AttemptFailure(attempt=1, error_class="X", message="y" * 10_000)
    assert len(f.message) == 500 and f.message.endswith("...")
