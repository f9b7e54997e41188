"""Diversity figures of a harvest: parameter cells, the users and routes tasks are built on
(each domain says which those are: `Domain.task_entities`), and the failure modes they teach.

A harvest that keeps returning to one cell, one user or one route is hard but not teachable; these
figures make such a collapse visible in the summary, the export and the proposer benchmark. Works
on task JSON (dicts) so the store can compute it without validating every task.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from domains import registry


class Diversity(BaseModel):
    tasks: int = 0
    distinct_cells: int = 0
    largest_cell_share: float = 0.0
    distinct_users: int = 0
    distinct_routes: int = 0


def entities(task: Mapping[str, Any]) -> tuple[set[str], set[tuple[str, str]]]:
    """Users and routes a task is built around, as its domain's `task_entities` hook reads them
    from the task JSON. Domains without the hook (or tasks of an unknown domain) give empty
    sets."""
    try:
        hook = registry.get(str(task.get("domain", ""))).task_entities
    except registry.UnknownDomainError:
        hook = None
    return hook(task) if hook is not None else (set(), set())


def diversity(tasks: Iterable[Mapping[str, Any]]) -> Diversity:
    """Figures over harvested tasks (task JSON with `cell`, `world`, `golden_trajectory`)."""
    cells: Counter[str] = Counter()
    users: set[str] = set()
    routes: set[tuple[str, str]] = set()
    for task in tasks:
        cells[str(task.get("cell", ""))] += 1
        u, r = entities(task)
        users |= u
        routes |= r
    n = sum(cells.values())
    return Diversity(
        tasks=n,
        distinct_cells=len(cells),
        largest_cell_share=max(cells.values()) / n if n else 0.0,
        distinct_users=len(users),
        distinct_routes=len(routes),
    )


def leading_failure_modes(per_task: Iterable[Sequence[str]]) -> Counter[str]:
    """How many tasks each failure mode leads (a task's modes come most frequent first, as the
    analyst labelled its failed rollouts; a task without a label counts for none). On a real
    target, where the weak regions are unknown, this is what says whether a harvest teaches one
    skill or several."""
    return Counter(modes[0] for modes in per_task if modes)
