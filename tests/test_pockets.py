"""Generated pocket targets (`sim:pockets:SEED[:N]`) and the proposer bench over a family."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from mining.bench.family import expand_targets, run_family
from mining.core.errors import UserError
from mining.core.task import Task
from mining.dag.synthesize import Rejection, get_domain, spec_of, synthesize_candidate
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout
from mining.targets.sim.agent import build_plan, pockets_of, task_regions
from mining.targets.sim.pockets import MAX_SHARE, MAX_TOTAL, MIN_SHARE, generate
from mining.targets.sim.profiles import Pocket, load_profile

SPACE = spec_of(get_domain("airline")).space


def _share(when: dict, n: int = 4000) -> float:
    rng = random.Random(1)
    hits = 0
    for _ in range(n):
        relevant = SPACE.relevant(SPACE.sample(rng))
        hits += all(relevant.get(a) == v for a, v in when.items())
    return hits / n


def _tasks_in(pocket: Pocket, n: int, seed: int = 0, apart: Sequence[Pocket] = ()) -> list[Task]:
    """n tasks in the pocket (and in none of `apart`: pockets may overlap a little)."""
    rng = random.Random(seed)
    out: list[Task] = []
    while len(out) < n:
        point = SPACE.sample(rng)
        relevant = SPACE.relevant(point)
        if any(p.matches("airline", relevant) for p in apart if p is not pocket):
            continue
        if pocket.matches("airline", relevant):
            task = synthesize_candidate("airline", dict(point), rng.randrange(10**9), "t")
            if not isinstance(task, Rejection):
                out.append(task)
    return out


@pytest.mark.slow
def test_same_seed_same_pockets_and_they_are_narrow() -> None:
    a, b = generate(3), generate(3)
    assert a == b and a != generate(4)
    assert len(a.pockets) == 4 and len(generate(3, 2).pockets) == 2
    total = 0.0
    for pocket in a.pockets:
        assert 2 <= len(pocket.when) <= 3 and pocket.name in a.region_names()
        share = _share(pocket.when)
        assert MIN_SHARE * 0.6 <= share <= MAX_SHARE * 1.4, (pocket.name, share)
        assert 0.55 <= pocket.rate <= 0.75  # a pass rate of 0.25-0.45 puts it in the window
        total += share
    assert total < MAX_TOTAL * 1.3


@pytest.mark.slow
def test_pocket_tasks_fail_at_the_pockets_rate_and_others_rarely() -> None:
    profile = load_profile("pockets:0")
    pocket = profile.pockets[0]
    tasks = _tasks_in(pocket, 6, apart=profile.pockets)
    assert all(task_regions(t, profile) == [pocket.name] for t in tasks)
    fails = [bool(build_plan(t, profile, 1, j).injected) for t in tasks for j in range(12)]
    assert abs(sum(fails) / len(fails) - pocket.rate) < 0.2
    # the simulated rollout really fails when the plan injects (the litellm-free path)
    task = tasks[0]
    spec = parse_target("sim:pockets:0")
    for j in range(6):
        injected = bool(build_plan(task, profile, 5, j).injected)
        assert run_rollout(task, spec, j, 5).passed is not injected
    rng = random.Random(7)
    outside: list[Task] = []
    while len(outside) < 15:
        made = synthesize_candidate("airline", dict(SPACE.sample(rng)), rng.randrange(10**9), "b")
        if not isinstance(made, Rejection) and not pockets_of(made, profile):
            outside.append(made)
    background = [bool(build_plan(t, profile, 1, j).injected) for t in outside for j in range(8)]
    assert sum(background) / len(background) < 0.1


@pytest.mark.parametrize(
    "ref, message",
    [
        ("pockets:x", "expected sim:pockets:SEED"),
        ("pockets:1:0", "allowed 1..8"),
        ("pockets:1:2:3", "expected sim:pockets:SEED"),
    ],
)
def test_bad_pocket_refs(ref: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        load_profile(ref)


@pytest.mark.parametrize(
    "pocket, message",
    [
        ("{name: p, when: {cabin: first}, rate: 0.5, errors: [stop_early]}", "unknown value"),
        ("{name: p, when: {seat: a}, rate: 0.5, errors: [stop_early]}", "unknown axis 'seat'"),
        ("{name: p, domain: bank, when: {cabin: economy}, rate: 0.5, errors: [stop_early]}",
         "unknown domain 'bank'"),
        ("{name: p, when: {cabin: economy}, rate: 0.5, errors: [teleport]}", "unknown error"),
    ],
)  # fmt: skip
def test_pocket_names_are_checked(tmp_path: Path, pocket: str, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"errors: {{}}\npockets: [{pocket}]\n")
    with pytest.raises(UserError, match=message):
        load_profile(f"file:{path}")


def test_pocket_values_are_typed_as_the_axis(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "errors: {}\npockets: [{name: p, when: {passengers: '2', intent: book}, rate: 0.6, "
        "errors: [stop_early]}]\n"
    )
    (pocket,) = load_profile(f"file:{path}").pockets
    assert pocket.when == {"passengers": 2, "intent": "book"}  # YAML gave "2"; the axis has 2
    assert pocket.matches("airline", {"passengers": 2, "intent": "book", "cabin": "economy"})


def test_expand_targets() -> None:
    assert expand_targets("sim:mid, sim:pockets:0..2:3") == [
        "sim:mid",
        "sim:pockets:0:3",
        "sim:pockets:1:3",
        "sim:pockets:2:3",
    ]
    with pytest.raises(UserError, match="names no target"):
        expand_targets(" , ")
    with pytest.raises(UserError, match="is empty"):
        expand_targets("sim:pockets:3..1")


@pytest.mark.slow
def test_family_bench_reports_medians_and_the_worst_target() -> None:
    result = run_family(["sim:pockets:0", "sim:pockets:1"], 2, [0], proposers=["random"])
    assert [r.target for r in result.results] == ["sim:pockets:0", "sim:pockets:1"]
    (fam,) = result.family
    per_target = [r.proposers[0] for r in result.results]
    assert fam.targets == 2
    assert fam.worst_weak_coverage == min(p.weak_coverage for p in per_target)
    assert fam.worst_cell_share == max(p.worst_cell_share for p in per_target)
    assert all(len(r.weak_regions) == 4 for r in result.results)
    for p in per_target:
        if p.rollouts_per_task is not None:
            assert p.floor_ratio == pytest.approx(
                p.rollouts_per_task / result.results[0].rollouts_floor, rel=0.01
            )
