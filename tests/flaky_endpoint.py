"""A target with faults, for tests: the simulated targets over HTTP (what `toolmine sim-server`
answers), on the shared loopback chat endpoint, except that some requests get an HTTP error or a
slow answer.

`fail(body, seen)` gets each request body and how many times the same request (same task, seed,
rollout index and conversation length) came before, and returns an HTTP status to answer with, or
None to answer normally; `delay(body, seen)` likewise returns seconds to wait before answering.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from mining.targets.litellm_target import SIM_BODY_FIELD
from mining.targets.sim.server import complete
from tests.loopback_chat import ChatEndpoint, Reply

Fault = Callable[[dict[str, Any], int], int | None]
Delay = Callable[[dict[str, Any], int], float]


def request_key(body: dict[str, Any]) -> str:
    sim = body.get(SIM_BODY_FIELD) or {}
    raw = f"{sim.get('task')}|{sim.get('seed')}|{sim.get('index')}|{len(body.get('messages', []))}"
    return hashlib.sha256(raw.encode()).hexdigest()


def rollout_index(body: dict[str, Any]) -> int:
    return int((body.get(SIM_BODY_FIELD) or {}).get("index", 0))


def a_fraction(share: float, status: int = 400) -> Fault:
    """Fail a fixed, deterministic share of the requests (the same ones on every run)."""

    def fail(body: dict[str, Any], seen: int) -> int | None:
        draw = int(request_key(body)[:8], 16) / 0xFFFFFFFF
        return status if draw < share else None

    return fail


def flaky_target(fail: Fault, delay: Delay | None = None) -> ChatEndpoint:
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def answer(body: dict[str, Any]) -> Reply:
        key = request_key(body)
        with lock:
            before = seen[key]
            seen[key] += 1
        if delay is not None:
            time.sleep(delay(body, before))
        status = fail(body, before)
        if status is None:
            return Reply(200, complete(body))
        return Reply(status, {"error": {"message": f"injected {status}", "type": "fault"}})

    return ChatEndpoint(answer)
