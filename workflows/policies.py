"""Retry policies and how long the harvest keeps its recent iteration summaries.

Timeouts come from the harvest's `Timeouts` (so tests and slow endpoints can tune them); retry
policies are fixed here. Store writes are idempotent, so ledger activities retry without limit.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

NON_RETRYABLE = ["UserError", "PayloadTooLarge"]

LEDGER_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=500),
    maximum_interval=timedelta(seconds=10),
    non_retryable_error_types=NON_RETRYABLE,
)

COMPUTE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=10,
    non_retryable_error_types=NON_RETRYABLE,
)

RECENT_ITERATIONS = 5
