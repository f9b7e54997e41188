"""Retries of a rollout outside Temporal, shaped like the harvest's (workflows/policies.py).

In a harvest Temporal owns retries: a retryable provider error (429, 5xx, timeout) is retried
after the provider's delay (Retry-After) or an exponential backoff, up to a fixed number of
attempts; a permanent one (bad key, unknown model) is not. `toolmine eval` runs rollouts without
Temporal and retries the same way here, so a single 429 no longer aborts a measurement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mining.llm.errors import ProviderError

T = TypeVar("T")

# The same numbers as the compute activities' RetryPolicy (a test keeps them equal).
ATTEMPTS = 10
FIRST_DELAY_S = 1.0
BACKOFF = 2.0
MAX_DELAY_S = 60.0


def retry_delay(attempt: int, error: ProviderError) -> float:
    """Seconds to wait after failed attempt `attempt` (1-based): the provider's own delay if it
    gave one, else the exponential backoff."""
    if error.retry_after_s is not None:
        return max(0.0, error.retry_after_s)
    return min(MAX_DELAY_S, FIRST_DELAY_S * BACKOFF ** (attempt - 1))


OnRetry = Callable[[int, ProviderError, float], None]


def with_retries(
    call: Callable[[], T],
    wait: Callable[[float], object],
    attempts: int = ATTEMPTS,
    on_retry: OnRetry | None = None,
) -> T:
    """`call()`, retried on retryable provider errors; `wait(seconds)` sleeps between attempts
    (and may raise to abandon the call, e.g. once the candidate is decided); `on_retry(attempt,
    error, delay)` hears of each retry (eval prints it, so a dead endpoint is seen at once)."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except ProviderError as exc:
            if not exc.retryable or attempt == attempts:
                raise
            delay = retry_delay(attempt, exc)
            if on_retry is not None:
                on_retry(attempt, exc, delay)
            wait(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")
