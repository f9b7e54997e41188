"""DAG synthesis end to end: deterministic, validated, replayable, diverse; mock and airline."""

from __future__ import annotations

import copy
import random
from collections import Counter
from pathlib import Path

import pytest

from domains import registry
from domains.airline.dag.graph import INTENTS
from domains.airline.dag.params import SPACE
from domains.dag import BuildRejected
from mining.core.errors import UserError
from mining.dag.synthesize import (
    Rejection,
    domain_graph,
    sample_tasks,
    synthesis_domains,
    synthesize_candidate,
)
from mining.dag.validate import load_world, replay
from mining.dag.walks import sample_walk, walk_signature


def test_every_synthesis_domain_is_registered() -> None:
    assert {"airline", "mock"} <= set(synthesis_domains())


@pytest.mark.parametrize("domain", ["mock", "airline"])
def test_same_inputs_give_byte_identical_tasks(domain: str) -> None:
    a = sample_tasks(domain, 5, 42)
    b = sample_tasks(domain, 5, 42)
    assert [t.model_dump_json() for t in a] == [t.model_dump_json() for t in b]
    assert [t.model_dump_json() for t in sample_tasks(domain, 5, 43)] != [
        t.model_dump_json() for t in a
    ]


@pytest.mark.parametrize("domain", ["mock", "airline"])
def test_gold_replays_to_expected_world(domain: str) -> None:
    dom = registry.get(domain)
    for task in sample_tasks(domain, 60, 5):
        world = load_world(dom, copy.deepcopy(task.world))
        result = replay(dom, world, task.golden_trajectory)
        assert result.errors == []
        assert result.world.canonical() == load_world(dom, task.expected_final_world).canonical()
        if task.refusal:
            assert task.expected_final_world == load_world(dom, task.world).to_json()


@pytest.mark.slow
def test_sample_covers_intents_and_has_unique_signatures() -> None:
    tasks = sample_tasks("airline", 300, 9)
    assert len(tasks) == 300
    assert len({t.signature for t in tasks}) == 300
    intents = Counter(i for t in tasks for i in t.intents)
    assert set(intents) == set(SPACE.axis("intent").values)
    assert any(t.refusal for t in tasks) and any(len(t.intents) == 3 for t in tasks)


def test_small_pinned_space_returns_fewer_distinct_tasks() -> None:
    tasks = sample_tasks("mock", 50, 1, fixed_params={"intent": "cancel", "second_intent": "none"})
    assert 0 < len(tasks) < 50
    assert len({t.signature for t in tasks}) == len(tasks)


def test_text_carries_facts_and_hides_answers() -> None:
    for task in sample_tasks(
        "airline", 40, 3, fixed_params={"intent": "book", "n_intents": 1, "behaviour": "plain"}
    ):
        text = task.task_description
        assert task.meta["user_id"] in text
        book = task.golden_trajectory[-1].arguments
        for p in book["passengers"]:
            assert p["dob"] in text
        if task.params["selection"] != "named":
            for f in book["flights"]:
                assert f["flight_number"] not in text
        assert task.communicate and task.communicate[0] not in text


def test_distractor_density_grows_the_world() -> None:
    def mean_kb(level: str) -> float:
        tasks = sample_tasks("airline", 15, 2, fixed_params={"distractor_density": level})
        return sum(t.features["world_kb"] for t in tasks) / len(tasks)

    assert mean_kb("none") < mean_kb("high") < 64


def test_bad_params_are_user_errors() -> None:
    point = SPACE.sample(random.Random(0))
    point["cabin"] = "first"
    with pytest.raises(UserError, match="allowed: basic_economy, economy, business"):
        synthesize_candidate("airline", point, 1, "t")
    with pytest.raises(UserError, match="unknown domain"):
        sample_tasks("nope", 1, 1)


def test_rejection_is_data() -> None:
    from domains.airline.dag import build

    point = SPACE.sample(random.Random(0), {"intent": "compensation", "policy_trap": "no"})
    point.update(membership="regular", insurance="no", cabin="business")
    ok = synthesize_candidate("airline", point, 3, "t")
    assert not isinstance(ok, Rejection)
    original = build.BUILDERS["compensation"]

    def broken(ctx, seg):  # type: ignore[no-untyped-def]
        raise BuildRejected("no coherent world")

    build.BUILDERS["compensation"] = broken
    try:
        rejected = synthesize_candidate("airline", point, 3, "t")
    finally:
        build.BUILDERS["compensation"] = original
    assert isinstance(rejected, Rejection) and "no coherent world" in rejected.reason


def test_entities_drawn_from_a_world_file(tau2_dir: Path) -> None:
    import json

    db = json.loads((tau2_dir / "db.json").read_text())
    firsts = {u["name"]["first_name"] for u in db["users"].values()}
    tasks = sample_tasks("airline", 5, 1, world_path=str(tau2_dir / "db.json"))
    assert len(tasks) == 5
    for t in tasks:
        for user in t.world["users"].values():
            assert user["name"]["first_name"] in firsts
        assert not set(t.world["flights"]) & set(db["flights"])


def test_later_intents_vary_the_signature() -> None:
    point = SPACE.sample(random.Random(3), {"n_intents": 2, "intent": "cancel"})
    point["second_intent"] = "change_cabin"
    graph = domain_graph("airline")
    subs = [dict(point, intent="change_cabin", cabin=c) for c in ("economy", "business")]
    sigs = set()
    for sub in subs:
        plan = [("cancel", point), ("change_cabin", sub)]
        walk = sample_walk(graph, INTENTS, plan, random.Random(0))
        sigs.add(walk_signature("airline", walk, SPACE.relevant(point), [SPACE.relevant(sub)]))
    assert len(sigs) == 2
