"""What crosses Temporal stays small and bounded: world deltas rebuild the exact final world in
the store, and an oversized payload fails with an error naming the 2 MiB limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError

from activities.compute import lean
from activities.models import RolloutOutput
from activities.payloads import PAYLOAD_TOO_LARGE, check_payload, encoded_size
from mining.store import delta
from mining.store.db import Store
from mining.store.records import CandidateRecord, RolloutRecord

WORLD: dict[str, Any] = {
    "users": {"u1": {"name": "Ada", "bags": 1, "tags": ["a"]}, "u2": {"name": "Bo", "bags": 0}},
    "flights": {f"F{i}": {"seats": 10, "origin": "SFO", "destination": "JFK"} for i in range(50)},
    "log": [],
}
FINAL: dict[str, Any] = {
    "users": {"u1": {"name": "Ada", "bags": 2, "tags": ["a", "b"]}},
    "flights": {
        f"F{i}": {"seats": 9 if i == 1 else 10, "origin": "SFO", "destination": "JFK"}
        for i in range(50)
    },
    "log": ["cancelled u2"],
    "extra": {"x": 1},
}


def test_delta_round_trips_and_is_empty_when_nothing_changed() -> None:
    changes = delta.diff(WORLD, FINAL)
    assert delta.apply(WORLD, changes) == FINAL
    assert WORLD["users"]["u1"]["bags"] == 1  # apply leaves the base alone
    assert changes.unset == [["users", "u2"]]
    assert not delta.diff(WORLD, WORLD)


def test_store_rebuilds_the_final_world_from_a_delta() -> None:
    store = Store(":memory:")
    task = {"world": WORLD, "task_id": "h/i0/c0"}
    store.record_candidate(
        CandidateRecord(
            candidate_id="h/i0/c0", harvest_id="h", iteration=0, index=0, seed=1, params={},
            task=task,
        )
    )  # fmt: skip
    full = RolloutRecord(
        rollout_id="h/i0/c0/r0", candidate_id="h/i0/c0", harvest_id="h", index=0, seed=2,
        passed=False, final_world=FINAL, attempt=3,
    )  # fmt: skip
    slim = lean(full, WORLD)
    assert slim.final_world is None and slim.final_world_delta
    assert encoded_size(RolloutOutput(rollout=slim)) < encoded_size(RolloutOutput(rollout=full))
    store.record_rollout(slim)
    (world, attempt) = store._all(
        "SELECT w.world, r.attempt FROM rollouts r JOIN worlds w ON w.world_hash = "
        "r.final_world_hash",
        [],
    )[0]
    assert json.loads(world) == FINAL and attempt == 3


def test_a_delta_without_its_candidate_is_refused() -> None:
    store = Store(":memory:")
    rec = RolloutRecord(
        rollout_id="h/i0/c9/r0", candidate_id="h/i0/c9", harvest_id="h", index=0, seed=2,
        passed=True, final_world_delta=delta.WorldDelta(set=[(["a"], 1)]),
    )  # fmt: skip
    with pytest.raises(ValueError, match="record the candidate first"):
        store.record_rollout(rec)


def test_oversized_payload_names_the_limit() -> None:
    big = RolloutRecord(
        rollout_id="r", candidate_id="c", harvest_id="h", index=0, seed=0, passed=True,
        trajectory={"blob": "x" * (2 * 1024 * 1024)},
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="2 MiB") as err:
        check_payload(RolloutOutput(rollout=big), "rollout r")
    assert err.value.type == PAYLOAD_TOO_LARGE and err.value.non_retryable
    assert "rollout r" in str(err.value)
    small = RolloutOutput(rollout=big.model_copy(update={"trajectory": {}}))
    assert check_payload(small, "rollout r") == encoded_size(small) < 2000
