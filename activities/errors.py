"""How failures leave an activity: bad input and permanent provider errors never retry; rate limits
retry after the provider's delay; a payload too big for Temporal fails with the limit named."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from pydantic import BaseModel
from temporalio.exceptions import ApplicationError

from mining.errors import UserError
from mining.llm_errors import ProviderError

# Temporal rejects payloads over 2 MiB (server `limit.blobSize.error`); stay well under it.
TEMPORAL_PAYLOAD_LIMIT = 2 * 1024 * 1024
PAYLOAD_SAFETY_LIMIT = 1536 * 1024

USER_ERROR = "UserError"
PROVIDER_ERROR = "ProviderError"
PAYLOAD_TOO_LARGE = "PayloadTooLarge"


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


def guard_size(model: BaseModel, what: str) -> None:
    """Fail clearly (and permanently) before Temporal would reject an oversized payload."""
    size = len(model.model_dump_json())
    if size > PAYLOAD_SAFETY_LIMIT:
        raise ApplicationError(
            f"{what} is {size} bytes; toolmine keeps payloads under {PAYLOAD_SAFETY_LIMIT} bytes "
            f"because Temporal rejects payloads over {TEMPORAL_PAYLOAD_LIMIT} bytes (2 MiB). "
            "Shrink the world (fewer distractors) or configure a blob store.",
            type=PAYLOAD_TOO_LARGE,
            non_retryable=True,
        )
