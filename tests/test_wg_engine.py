"""WG engine: assertions, consistency checks per kind of broken world, strategist, probe, loop."""

from __future__ import annotations

import copy
import random

import pytest

from domains.airline.wg.breaks import BREAKERS
from mining.core.errors import UserError
from mining.dag.synthesize import sample_tasks
from mining.targets.sim.agent import task_features
from mining.targets.sim.profiles import load_profile
from mining.wg import assertions, consistency
from mining.wg.config import WGSettings, check_settings, vocabulary
from mining.wg.frontier import FrontierEntry, FrontierMap
from mining.wg.loop import run_wg
from mining.wg.models import Hypothesis
from mining.wg.probe import probe
from mining.wg.strategist import make_hypothesis, next_hypothesis
from mining.wg.world_actor import build_offline

CLEAN = WGSettings(harvest_id="t", break_rates={}, solution_rate=1.0)


def _hypothesis(tag: str, level: int, index: int = 0, s: WGSettings = CLEAN) -> Hypothesis:
    return make_hypothesis(vocabulary("airline"), tag, level, "claim", "explore", index, s)


def test_assertions_turn_the_initial_world_into_the_expected_one() -> None:
    for task in sample_tasks("airline", 6, 11):
        diff = assertions.diff(task.world, task.expected_final_world)
        assert assertions.apply(task.world, diff) == task.expected_final_world
        assert all(2 <= len(a.path) <= 3 for a in diff)
    world = {"reservations": {"A": {"x": 1}, "B": {"x": 2}}}
    gone = assertions.diff(world, {"reservations": {"A": {"x": 1}}})
    assert [a.describe() for a in gone] == ["reservations.B is absent"]


def test_a_clean_scenario_passes_every_check() -> None:
    for i, tag in enumerate(("split-payment", "rebooking", "cancellation", "compensation")):
        sc = build_offline(CLEAN, _hypothesis(tag, 1, i))
        assert not isinstance(sc, str), sc
        assert sc.truth.broken is None and sc.solution is not None
        report = consistency.check("airline", sc)
        assert report.ok, report.problems


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        ("dangling_reference", "entities"),
        ("unsatisfiable_request", "solution"),
        ("ambiguous_duplicate", "domain"),
        ("policy_contradiction", "domain"),  # an unowed certificate: policy lint
    ],
)
def test_each_kind_of_broken_world_is_caught_by_its_check(kind: str, check: str) -> None:
    s = CLEAN.model_copy(update={"break_rates": {kind: 1.0}})
    sc = build_offline(s, _hypothesis("split-payment", 1))
    assert not isinstance(sc, str)
    assert sc.truth.broken == kind
    report = consistency.check("airline", sc)
    assert report.problems[check], report.problems


def test_a_full_flight_is_caught_without_a_proposed_solution() -> None:
    s = CLEAN.model_copy(update={"break_rates": {"unsatisfiable_request": 1.0}, "solution_rate": 0})
    caught = 0
    for i in range(6):
        sc = build_offline(s, _hypothesis("cheapest-booking", 1, i, s))
        assert not isinstance(sc, str) and sc.solution is None
        if "is full" in sc.truth.note:
            assert any(
                "no tool frees seats" in p
                for p in consistency.check("airline", sc).problems["domain"]
            )
            caught += 1
    assert caught


def test_a_cancellation_the_policy_forbids_reaches_the_oracle_and_is_discarded() -> None:
    s = CLEAN.model_copy(update={"break_rates": {"policy_contradiction": 1.0}})
    out = probe(s, _hypothesis("cancellation-refusal", 1, s=s))
    assert out.truth.note.startswith("cancels protected")
    assert out.checks is not None and out.checks.ok  # no check knows the refusal's reason
    assert out.status in ("broken", "holds") and out.broken_target_rollouts > 0
    if out.status == "broken":
        assert out.oracle is not None and not out.oracle.passed


def test_breakers_leave_their_input_untouched() -> None:
    (task,) = sample_tasks("airline", 1, 3, fixed_params={"intent": "book"})
    world, golden = copy.deepcopy(task.world), [c.model_dump() for c in task.golden_trajectory]
    before = copy.deepcopy(golden)
    for breaker in BREAKERS.values():
        breaker(task.world, golden, task.meta, random.Random(0))
    assert task.world == world and golden == before


def test_strategist_narrows_after_a_hold_and_caps_a_productive_tag() -> None:
    s = CLEAN.model_copy(update={"explore_share": 0.0, "n_tasks": 5, "max_tag_share": 0.2})
    held = [FrontierEntry(hypothesis_id="h0", tag="rebooking", complexity=1, status="holds")]
    h = next_hypothesis(s, held, 1)
    assert (h.tag, h.complexity) == ("rebooking", 2) and h.move.startswith("narrow")
    capped = [
        FrontierEntry(hypothesis_id="h0", tag="split-payment", complexity=2, status="confirmed")
    ]
    h = next_hypothesis(s, capped, 1)
    assert h.tag != "split-payment"
    assert next_hypothesis(s, capped, 1) == h  # same seed, same index: same hypothesis


def test_strategist_explores_tags_nobody_touched_first() -> None:
    s = CLEAN.model_copy(update={"explore_share": 1.0})
    seen = [next_hypothesis(s, [], i).tag for i in range(5)]
    assert next_hypothesis(s, [], 0).move == "explore"
    entries = [FrontierEntry(hypothesis_id="a", tag=t, complexity=1, status="holds") for t in seen]
    h = next_hypothesis(s, entries, 5)
    assert h.tag not in seen


@pytest.mark.slow
def test_a_weak_region_probe_is_confirmed_simplified_and_gets_the_oracle_gold() -> None:
    s = WGSettings(harvest_id="t", break_rates={}, seed=3)
    profile = load_profile("mid")
    outs = [probe(s, _hypothesis("paid-bags-added", 3, i, s)) for i in range(6)]
    confirmed = [o for o in outs if o.status == "confirmed"]
    assert confirmed, [o.evidence for o in outs]
    for o in confirmed:
        assert o.task is not None and o.task.meta["wg"]["tag"] == "paid-bags-added"
        assert o.task.golden_trajectory and o.oracle is not None and o.oracle.passed
        assert o.chain and all(v.knob for v in o.chain)
        kept = [v for v in o.chain if v.outcome == "confirmed"]
        if kept:
            assert kept[-1].complexity < o.original_complexity
        assert "extra-bags" in profile.weak_regions_of(task_features(o.task))
    again = probe(s, _hypothesis("paid-bags-added", 3, 0, s))
    assert again.model_dump() == outs[0].model_dump()


def test_loop_stops_at_n_and_the_map_shows_every_probe() -> None:
    s = WGSettings(harvest_id="t", n_tasks=2, seed=1)
    run = run_wg(s)
    assert run.stop == "harvested" and len(run.confirmed) == 2
    fmap = FrontierMap(
        vocabulary("airline"),
        [
            FrontierEntry(
                hypothesis_id=o.hypothesis.hypothesis_id,
                tag=o.hypothesis.tag,
                complexity=o.hypothesis.complexity,
                status=o.status,
            )
            for o in run.outcomes
        ],
    )
    text = fmap.render()
    assert "confirmed [" in text and "split-payment" in text


def test_bad_settings_are_refused_by_name() -> None:
    with pytest.raises(UserError, match="break kind"):
        check_settings(WGSettings(break_rates={"typo": 0.1}))
    with pytest.raises(UserError, match="mock"):
        check_settings(WGSettings(domain="mock"))
    with pytest.raises(UserError, match="at most 1"):
        check_settings(
            WGSettings(break_rates={"dangling_reference": 0.7, "ambiguous_duplicate": 0.6})
        )


def test_the_domains_world_checker_plugs_into_the_consistency_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    from domains import registry
    from domains.base import Violation

    sc = build_offline(CLEAN, _hypothesis("rebooking", 1))
    assert not isinstance(sc, str)
    airline = registry.get("airline")
    late = Violation("time.actuals", "flights/HAT001", "no flight may be late")
    strict = dataclasses.replace(airline, consistency=lambda world: [late])
    monkeypatch.setattr(registry, "get", lambda name: strict if name == "airline" else airline)
    report = consistency.check("airline", sc)
    assert report.problems["domain"] == [
        "world: time.actuals flights/HAT001: no flight may be late",
        "expected: time.actuals flights/HAT001: no flight may be late",
    ]
