"""Payload size guard for everything that crosses Temporal.

The server rejects any payload over 2 MiB (`limit.blobSize.error`), and a rejected workflow command
retries forever without saying why. So every sender that may carry a world or a trajectory (the
workflow scheduling an activity, an activity returning its result) measures the payload as the
data converter will encode it and fails with an error naming the limit instead. Importable from
workflows: the measure is deterministic and does no I/O.
"""

from __future__ import annotations

from pydantic import BaseModel
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import PayloadConverter
from temporalio.exceptions import ApplicationError

TEMPORAL_PAYLOAD_LIMIT = 2 * 1024 * 1024
"""What the server accepts per payload (2 MiB)."""

PAYLOAD_SAFETY_LIMIT = 1536 * 1024
"""What toolmine sends at most: headroom for the other fields of the same request."""

PAYLOAD_TOO_LARGE = "PayloadTooLarge"


def encoded_size(model: BaseModel, converter: PayloadConverter | None = None) -> int:
    """Bytes of `model` as a Temporal payload (data and metadata)."""
    conv = converter or pydantic_data_converter.payload_converter
    return int(conv.to_payloads([model])[0].ByteSize())


def check_payload(
    model: BaseModel,
    what: str,
    converter: PayloadConverter | None = None,
    limit: int = PAYLOAD_SAFETY_LIMIT,
) -> int:
    """Return the encoded size of `model`, or fail (non-retryable) when it exceeds `limit`."""
    size = encoded_size(model, converter)
    if size > limit:
        raise ApplicationError(
            f"{what} is {size} bytes encoded; toolmine sends at most {limit} bytes through "
            f"Temporal, whose server rejects payloads over {TEMPORAL_PAYLOAD_LIMIT} bytes (2 MiB). "
            "Shrink the world (fewer distractors, a smaller domain) or configure a blob store.",
            type=PAYLOAD_TOO_LARGE,
            non_retryable=True,
        )
    return size
