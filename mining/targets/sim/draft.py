"""The plan a simulated target edits: the golden calls as planned calls, and the edit context.

Kept apart from the error injectors (`errors.py`, `behaviour_errors.py`) so each module of
injectors can build on the same shapes without importing the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

from domains.base import ToolCall
from mining.core.task import Task


@dataclass
class PlannedCall:
    call: ToolCall
    write: bool
    tags: list[str] = field(default_factory=list, metadata={"doc": "errors that edited it"})
    golden_index: int | None = None


@dataclass
class Draft:
    calls: list[PlannedCall]
    ending: str = "complete"  # complete | give_up
    applied: list[str] = field(default_factory=list)  # errors that changed the whole plan


@dataclass
class Ctx:
    task: Task
    world: dict[str, Any]
    rng: Random
    text: str = ""  # the world as JSON text, computed once when an id is fabricated


Injector = Callable[[Draft, Ctx], bool]
