"""`toolmine eval` retries provider errors the way a harvest does: a 429 or a 500 on the way is
retried (after the provider's Retry-After, else the backoff), a permanent error is not, and the
measurement is the one an undisturbed endpoint gives."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import _register_commands, app
from mining.core.window import Window
from mining.dag.synthesize import sample_tasks
from mining.llm.errors import ProviderError
from mining.llm.spec import parse_target
from mining.rollout import retry
from mining.rollout.evaluation import evaluate_candidate
from mining.targets.sim.server import complete
from tests.loopback_chat import ChatEndpoint, Reply
from workflows.policies import COMPUTE_RETRY

_register_commands()


class _Flaky(ChatEndpoint):
    """The sim-server's answers, except that the requests numbered in `failures` get the given
    HTTP status (429 with `retry-after: 0`)."""

    def __init__(self, failures: dict[int, int]) -> None:
        self.failures = dict(failures)
        self.count = 0
        lock = threading.Lock()

        def answer(body: dict[str, Any]) -> Reply:
            with lock:
                self.count += 1
                status = self.failures.pop(self.count, 200)
            if status == 200:
                return Reply(200, complete(body))
            headers = {"retry-after": "0"} if status == 429 else {}
            return Reply(status, {"error": {"message": "busy"}}, headers)

        super().__init__(answer)


@pytest.fixture
def flaky(request: pytest.FixtureRequest) -> Iterator[_Flaky]:
    server = _Flaky(request.param)
    yield server
    server.close()


def _measure(api_base: str) -> list[tuple[int, bool]]:
    task = sample_tasks("mock", 1, seed=3)[0]
    spec = parse_target("openai/sim:weak", api_base=api_base)
    ev = evaluate_candidate(task, spec, Window(k=4), 5, concurrency=1, early_stop=False)
    return [(r.index, r.passed) for r in ev.rollouts]


@pytest.mark.parametrize("flaky", [{}], indirect=True)
def test_undisturbed_reference(flaky: _Flaky) -> None:
    assert len(_measure(flaky.api_base)) == 4


@pytest.mark.slow
@pytest.mark.parametrize("flaky", [{1: 429, 2: 429, 5: 500, 9: 429}], indirect=True)
def test_rate_limits_and_server_errors_are_retried(flaky: _Flaky) -> None:
    retried = _measure(flaky.api_base)
    reference = _Flaky({})
    try:
        assert retried == _measure(reference.api_base)  # the same measurement
        # a failed rollout is run again from its start, as a retried harvest activity is
        assert flaky.count > reference.count + 4 and not flaky.failures
    finally:
        reference.close()


@pytest.mark.parametrize("flaky", [{1: 401}], indirect=True)
def test_permanent_errors_are_not_retried(flaky: _Flaky) -> None:
    with pytest.raises(ProviderError, match="authentication"):
        _measure(flaky.api_base)
    assert flaky.count == 1


@pytest.mark.parametrize("flaky", [{1: 429, 2: 503}], indirect=True)
def test_the_eval_command_retries_and_says_so(flaky: _Flaky) -> None:
    args = ["eval", "--domain", "mock", "--target", "openai/sim:weak", "--n", "1", "--k", "2"]
    result = CliRunner().invoke(app, [*args, "--api-base", flaky.api_base])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["rollouts"] == 2 and rows[-1]["tasks"] == 1  # only JSON on stdout
    assert result.stderr.count("retry in") == 2


def test_the_retry_numbers_are_the_harvest_s() -> None:
    assert retry.ATTEMPTS == COMPUTE_RETRY.maximum_attempts
    assert retry.FIRST_DELAY_S == COMPUTE_RETRY.initial_interval.total_seconds()
    assert retry.BACKOFF == COMPUTE_RETRY.backoff_coefficient
    assert COMPUTE_RETRY.maximum_interval is not None
    assert retry.MAX_DELAY_S == COMPUTE_RETRY.maximum_interval.total_seconds()
    delays = [retry.retry_delay(a, ProviderError("x", retryable=True)) for a in range(1, 9)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
    assert retry.retry_delay(1, ProviderError("x", retryable=True, retry_after_s=7)) == 7
