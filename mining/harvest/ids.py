"""The Temporal ids of a harvest's pieces, and how to read them back.

An iteration is the child workflow `<harvest>/iter-<n>`; its activities are `c<j>/<step>` (one
per candidate) and `c<j>/r<r>/<step>` (one per rollout). Ids are deterministic, so a stuck
iteration can be found by name, and `locate` turns them back into harvest, iteration, candidate
and rollout for log records the SDK writes on its own.
"""

from __future__ import annotations

from mining.store.records import candidate_key

ITERATION_SEP = "/iter-"


def iteration_workflow_id(harvest_id: str, iteration: int) -> str:
    return f"{harvest_id}{ITERATION_SEP}{iteration}"


def candidate_activity_id(index: int, step: str) -> str:
    return f"c{index}/{step}"


def rollout_activity_id(candidate: int, rollout: int, step: str) -> str:
    return f"c{candidate}/r{rollout}/{step}"


def locate(workflow_id: str | None, activity_id: str | None = None) -> dict[str, object]:
    """harvest_id, iteration, candidate_id, rollout that the ids name (None where they do not)."""
    where: dict[str, object] = {
        "harvest_id": workflow_id,
        "iteration": None,
        "candidate_id": None,
        "rollout": None,
    }
    if not workflow_id:
        return where
    harvest, sep, n = workflow_id.rpartition(ITERATION_SEP)
    if not (sep and n.isdigit()):
        return where  # the harvest workflow itself, or a read workflow
    iteration = int(n)
    where.update(harvest_id=harvest, iteration=iteration)
    parts = (activity_id or "").split("/")
    if len(parts) >= 2 and parts[0][1:].isdigit() and parts[0].startswith("c"):
        where["candidate_id"] = candidate_key(harvest, iteration, int(parts[0][1:]))
        if len(parts) == 3 and parts[1].startswith("r") and parts[1][1:].isdigit():
            where["rollout"] = int(parts[1][1:])
    return where
