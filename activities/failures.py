"""Failed rollout attempts as data: carried from attempt to attempt, read back by the workflow.

Temporal keeps a retried activity's failures in its own history only. So a rollout attempt that
raises first heartbeats the list of failures so far, itself included (heartbeat details outlive
the attempt and reach the next one), and attaches the same list to its error. The next attempt
starts from that list, adding any attempt that ended without a word (its worker died, or it timed
out) as `AttemptLost`. A successful attempt hands the list of earlier failures to the ledger with
its result; when a rollout gives up, the workflow reads the whole list off the final error.

Importable from workflows (the readers only look at exception objects; no I/O).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio import activity
from temporalio.exceptions import (
    ApplicationError,
    CancelledError,
    TimeoutError,
    TimeoutType,
)

from mining.store.records import AttemptFailure

LOST = "AttemptLost"


def beat(attempt: int, turn: int, failures: Sequence[AttemptFailure]) -> dict[str, Any]:
    """Heartbeat details: where the attempt is, and every failure so far."""
    return {
        "attempt": attempt,
        "turn": turn,
        "failures": [f.model_dump() for f in failures],
    }


def _from_beat(details: Sequence[Any]) -> tuple[int, list[AttemptFailure]]:
    """(attempt that sent the beat, failures it carried); (0, []) for details of another shape."""
    last = details[-1] if details else None
    if not isinstance(last, dict):
        return 0, []
    failures = [AttemptFailure.model_validate(f) for f in last.get("failures") or []]
    return int(last.get("attempt") or 0), failures


def _with_lost(failures: list[AttemptFailure], before: int) -> list[AttemptFailure]:
    """Add an `AttemptLost` entry for every attempt below `before` that left no report."""
    known = {f.attempt for f in failures}
    lost = [
        AttemptFailure(
            attempt=a,
            error_class=LOST,
            message="the attempt ended without a report (its worker died or it timed out)",
        )
        for a in range(1, before)
        if a not in known
    ]
    return sorted(failures + lost, key=lambda f: f.attempt)


def earlier_failures(info: activity.Info) -> list[AttemptFailure]:
    """The failures of the attempts before this one (inside an activity)."""
    _, failures = _from_beat(info.heartbeat_details)
    return _with_lost(failures, info.attempt)


def failed(info: activity.Info, exc: Exception, earlier: list[AttemptFailure]) -> Exception:
    """The error to raise for a failed attempt: the same retry behaviour as `exc`, carrying
    every failure so far (also heartbeated, for the next attempt). Cancellation passes as is."""
    if isinstance(exc, CancelledError):
        return exc
    app = exc if isinstance(exc, ApplicationError) else None
    kind = (app.type if app else None) or type(exc).__name__
    message = app.message if app else str(exc)
    failures = [
        *earlier,
        AttemptFailure(attempt=info.attempt, error_class=kind, message=message),
    ]
    activity.heartbeat(beat(info.attempt, -1, failures))
    return ApplicationError(
        message,
        [f.model_dump() for f in failures],
        type=kind,
        non_retryable=app.non_retryable if app else False,
        next_retry_delay=app.next_retry_delay if app else None,
    )


def _timeout_class(kind: TimeoutType | None) -> str:
    name = kind.name if kind is not None else "UNKNOWN"
    return "".join(part.capitalize() for part in name.split("_")) + "Timeout"


def failures_of(err: BaseException) -> list[AttemptFailure]:
    """Every failed attempt of an activity that gave up, read off its final error (in a
    workflow). The last entry is the failure that ended it."""
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, ApplicationError):
            listed = cause.details[0] if cause.details else None
            if isinstance(listed, list) and listed:
                return [AttemptFailure.model_validate(f) for f in listed]
            kind = cause.type or "ApplicationError"
            return [AttemptFailure(attempt=0, error_class=kind, message=cause.message)]
        if isinstance(cause, TimeoutError):
            attempt, failures = _from_beat(cause.last_heartbeat_details)
            # The attempt that timed out is the one that sent the last beat, unless that one had
            # already reported its own failure (then a later one timed out before beating).
            if any(f.attempt == attempt for f in failures):
                attempt += 1
            final = AttemptFailure(
                attempt=max(attempt, 1),
                error_class=_timeout_class(cause.type),
                message=cause.message,
            )
            return _with_lost(failures, final.attempt) + [final]
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return [AttemptFailure(attempt=0, error_class=type(err).__name__, message=str(err))]


def describe(err: BaseException) -> str:
    """One line for a failure that stopped a harvest step: its root cause, and where."""
    where: list[str] = []
    cause: BaseException | None = err
    root = err
    while cause is not None:
        root = cause
        name = getattr(cause, "activity_type", None) or getattr(cause, "workflow_type", None)
        if name:
            where.append(str(name))
        cause = getattr(cause, "cause", None) or cause.__cause__
    kind = getattr(root, "type", None)
    kind = kind.name if isinstance(kind, TimeoutType) else kind
    message = getattr(root, "message", None) or str(root)
    text = f"{kind or type(root).__name__}: {message}"
    return f"{' > '.join(where)}: {text}" if where else text
