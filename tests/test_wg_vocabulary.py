"""The airline WG vocabulary keeps up with the DAG parameter space: every request the world
builder can put in a scenario is one the consistency checks know, and the customer who lies
after a refusal (a weak region of sim:mid) has a capability tag of its own."""

from __future__ import annotations

from domains import registry
from mining.dag.synthesize import sample_params, spec_of
from mining.targets.sim.agent import task_features
from mining.targets.sim.profiles import load_profile
from mining.wg import consistency, oracle_filter
from mining.wg.config import WGSettings, vocabulary
from mining.wg.strategist import make_hypothesis
from mining.wg.world_actor import build_offline

CLEAN = WGSettings(harvest_id="v", break_rates={}, solution_rate=1.0)


def test_every_request_the_builder_samples_is_known_to_the_checks() -> None:
    space = spec_of(registry.get("airline")).space
    known = set(vocabulary("airline").intent_tools)
    for axis in ("intent", "second_intent", "third_intent"):
        assert set(space.axis(axis).values) - {"none"} <= known, axis


def test_a_clean_world_with_a_refused_second_request_passes_the_checks() -> None:
    vocab = vocabulary("airline")
    h = make_hypothesis(vocab, "cancellation", 3, "claim", "explore", 0, CLEAN)
    point = sample_params("airline", 5, {**h.point, "second_intent": "complaint"})
    sc = build_offline(CLEAN, h, dict(point))
    assert not isinstance(sc, str), sc
    assert "complaint" in sc.intents
    report = consistency.check("airline", sc)
    assert report.problems["reachable"] == [], report.problems


def test_the_lying_customer_tag_builds_worlds_in_that_weak_region() -> None:
    vocab = vocabulary("airline")
    mid = load_profile("mid")
    for i in range(3):
        h = make_hypothesis(vocab, "lying-customer-refusal", 1, "claim", "explore", i, CLEAN)
        sc = build_offline(CLEAN, h)
        assert not isinstance(sc, str), sc
        task = oracle_filter.scenario_task("airline", sc, h)
        assert "lying-customer" in mid.weak_regions_of(task_features(task))
