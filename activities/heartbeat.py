"""Heartbeats that go on while a step waits on something slow, such as a model call.

An attempt that heartbeats only between turns looks dead to Temporal during one slow model call,
so its heartbeat timeout would have to exceed the slowest call, and a dead worker would go
unnoticed that long. Here the step runs in a helper thread while the activity's own thread
heartbeats every few seconds until the step ends: the heartbeat timeout stays short whatever the
model's latency.

When the attempt ends first (cancelled, timed out, its heartbeat refused), `stop` is set; a step
checks it between turns (`Stopped`), so an abandoned attempt stops spending at its next turn
instead of running to its end (the call in flight is bounded by the turn timeout).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from temporalio import activity

T = TypeVar("T")


class Stopped(Exception):
    """Raised inside a step whose attempt has ended: nobody waits for its result any more."""


def check(stop: threading.Event) -> None:
    """Between two turns of a step: give up if its attempt has ended."""
    if stop.is_set():
        raise Stopped("the attempt ended while the step was running")


def beating(
    work: Callable[[threading.Event], T],
    every_s: float,
    details: Callable[[], Any] | None = None,
) -> T:
    """`work(stop)` in a helper thread, heartbeating (with `details()`, if given) every `every_s`
    seconds until it returns or raises; `stop` is set once the attempt no longer waits for it."""
    stop = threading.Event()
    pool = ThreadPoolExecutor(1, thread_name_prefix="beating")
    try:
        future = pool.submit(work, stop)
        while True:
            try:
                return future.result(timeout=every_s)
            except TimeoutError:  # still running: say so
                activity.heartbeat(*(() if details is None else (details(),)))
    finally:
        stop.set()
        pool.shutdown(wait=False)  # a cancelled attempt must not wait for its model call
