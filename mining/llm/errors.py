"""Provider failures, classified so the orchestrator knows whether a retry can help.

litellm is called with `num_retries=0`: Temporal owns retries. A rollout that hits a provider
problem raises `ProviderError`; the activity maps `retryable` to a Temporal retry (honouring
`retry_after_s` for 429s) or to a non-retryable failure with the message shown to the user.
"""

from __future__ import annotations

import re
from typing import Any


class ProviderError(Exception):
    """The model endpoint failed (not the model's answer). The message names model and cause."""

    def __init__(
        self, message: str, *, retryable: bool, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after_s = retry_after_s


_RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 529}


def _retry_after(exc: BaseException) -> float | None:
    # litellm keeps the provider's headers on the exception; httpx's response may be empty.
    sources: tuple[Any, ...] = (
        getattr(exc, "litellm_response_headers", None),
        getattr(exc, "headers", None),
        getattr(getattr(exc, "response", None), "headers", None),
    )
    for headers in sources:
        if headers is None or not hasattr(headers, "get"):
            continue
        value = headers.get("retry-after")
        if value:
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    match = re.search(r"retry after (\d+(?:\.\d+)?)", str(exc), re.IGNORECASE)
    return float(match.group(1)) if match else None


def classify(exc: BaseException, model: str) -> ProviderError:
    """Turn an exception from litellm (or the HTTP stack below it) into a ProviderError."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else name
    if name in ("AuthenticationError", "PermissionDeniedError") or status in (401, 403):
        return ProviderError(
            f"{model}: authentication failed ({text}); set the provider's API key in the "
            "worker's environment",
            retryable=False,
        )
    if name == "RateLimitError" or status == 429:
        return ProviderError(
            f"{model}: rate limited ({text})", retryable=True, retry_after_s=_retry_after(exc)
        )
    if name in ("Timeout", "APITimeoutError", "TimeoutError", "ReadTimeout") or isinstance(
        exc, TimeoutError
    ):
        return ProviderError(f"{model}: request timed out ({text})", retryable=True)
    if name in (
        "APIConnectionError",
        "ServiceUnavailableError",
        "InternalServerError",
        "BadGatewayError",
        "ConnectionError",
    ) or (isinstance(status, int) and (status in _RETRYABLE_STATUS or status >= 500)):
        return ProviderError(f"{model}: provider unavailable ({text})", retryable=True)
    if name in ("NotFoundError",) or status == 404:
        return ProviderError(f"{model}: model or endpoint not found ({text})", retryable=False)
    if name in ("BadRequestError", "ContextWindowExceededError", "UnsupportedParamsError") or (
        isinstance(status, int) and 400 <= status < 500
    ):
        return ProviderError(f"{model}: request rejected ({text})", retryable=False)
    return ProviderError(f"{model}: {name}: {text}", retryable=False)
