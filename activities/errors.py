"""How failures leave an activity: bad input and permanent provider errors never retry; rate limits
retry after the provider's delay; a payload too big for Temporal fails with the limit named
(`check_payload`, from activities.payloads)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from temporalio.exceptions import ApplicationError

from mining.core.errors import UserError
from mining.llm.errors import ProviderError

USER_ERROR = "UserError"
PROVIDER_ERROR = "ProviderError"


@contextmanager
def boundary() -> Iterator[None]:
    """Translate engine errors into Temporal failures with the right retry behaviour."""
    try:
        yield
    except UserError as exc:
        raise ApplicationError(str(exc), type=USER_ERROR, non_retryable=True) from exc
    except ProviderError as exc:
        delay = timedelta(seconds=exc.retry_after_s) if exc.retry_after_s else None
        raise ApplicationError(
            str(exc), type=PROVIDER_ERROR, non_retryable=not exc.retryable, next_retry_delay=delay
        ) from exc
