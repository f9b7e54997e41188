"""Retry policies and how long the harvest keeps its recent iteration summaries.

Timeouts come from the harvest's `Timeouts` (so tests and slow endpoints can tune them).

Retries are bounded. A ledger activity that keeps failing (the store's disk is full, its file is
held) fails its iteration after `Timeouts.ledger_attempts` attempts, and the harvest then waits
as `failed` until resumed; a ledger worker that is merely down costs no attempts (the activity
waits in its queue). A programming error (KeyError, TypeError, a DuckDB constraint or binder
error, ...) is never retried: it cannot pass on a second try, so it surfaces at once as the
harvest's `failed` status with the error. Store writes are idempotent, so any retry is safe.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

from mining.harvest.config import HarvestConfig

NON_RETRYABLE = ["UserError", "PayloadTooLarge"]

# Error types (class names, as the SDK reports a plain exception) that a retry cannot fix.
PROGRAMMING_ERRORS = [
    "AssertionError",
    "AttributeError",
    "IndexError",
    "KeyError",
    "NameError",
    "NotImplementedError",
    "TypeError",
    "ValueError",
    "ValidationError",  # pydantic
    "BinderException",  # DuckDB: the query names something that is not there
    "CatalogException",
    "ConstraintException",
    "ConversionException",
    "ParserException",
]

LEDGER_ATTEMPTS = 20  # Timeouts' default: ~3 minutes of backoff, then the iteration fails

COMPUTE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=10,
    non_retryable_error_types=NON_RETRYABLE + PROGRAMMING_ERRORS,
)

RECENT_ITERATIONS = 5


def ledger_retry(cfg: HarvestConfig | None = None) -> RetryPolicy:
    attempts = cfg.timeouts.ledger_attempts if cfg is not None else LEDGER_ATTEMPTS
    return RetryPolicy(
        initial_interval=timedelta(milliseconds=500),
        maximum_interval=timedelta(seconds=10),
        maximum_attempts=attempts,
        non_retryable_error_types=NON_RETRYABLE + PROGRAMMING_ERRORS,
    )


LEDGER_RETRY = ledger_retry()
