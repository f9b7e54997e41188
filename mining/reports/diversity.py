"""Diversity figures of a harvest: parameter cells, and the users and routes tasks are built on.

A harvest that keeps returning to one cell, one user or one route is hard but not teachable; these
figures make such a collapse visible in the summary, the export and the proposer benchmark. Works
on task JSON (dicts) so the store can compute it without validating every task.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel


class Diversity(BaseModel):
    tasks: int = 0
    distinct_cells: int = 0
    largest_cell_share: float = 0.0
    distinct_users: int = 0
    distinct_routes: int = 0


def entities(task: Mapping[str, Any]) -> tuple[set[str], set[tuple[str, str]]]:
    """Users (by name) and routes (origin, destination) a task is built around: the gold calls'
    searches and the reservations they touch. Domains without such entities give empty sets."""
    world = task.get("world") or {}
    users = set()
    for user in (world.get("users") or {}).values():
        name = user.get("name") if isinstance(user, dict) else None
        if isinstance(name, dict):
            users.add(f"{name.get('first_name', '')} {name.get('last_name', '')}")
    reservations = world.get("reservations") or {}
    routes: set[tuple[str, str]] = set()
    for call in task.get("golden_trajectory") or []:
        args = call.get("arguments") or {}
        if "origin" in args and "destination" in args:
            routes.add((str(args["origin"]), str(args["destination"])))
        res = reservations.get(str(args.get("reservation_id", "")))
        if isinstance(res, dict) and "origin" in res and "destination" in res:
            routes.add((str(res["origin"]), str(res["destination"])))
    return users, routes


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
