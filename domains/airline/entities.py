"""Who and where an airline task is about (the `Domain.task_entities` hook), for diversity figures.

A harvest that keeps returning to one customer or one route is hard but not teachable; the
engine counts distinct ones over the harvested tasks. Works on task JSON (dicts), so the store
can run it without validating every task.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def task_entities(task: Mapping[str, Any]) -> tuple[set[str], set[tuple[str, str]]]:
    """Users (by name) and routes (origin, destination) a task is built around: its customer
    (`meta.user_id`; every user of the world when a task does not name one, since worlds hold
    other customers too), the gold calls' searches and the reservations they touch."""
    world = task.get("world") or {}
    customer = (task.get("meta") or {}).get("user_id")
    everyone = world.get("users") or {}
    people = [everyone[customer]] if customer in everyone else list(everyone.values())
    users = set()
    for user in people:
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
