"""Simulated targets: profiles, error injection, and pass rates that follow the profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from mining.core.errors import UserError
from mining.core.task import Task
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout
from mining.targets.sim.agent import build_plan, task_features
from mining.targets.sim.errors import ERROR_NAMES, EXPECTED_LABEL
from mining.targets.sim.profiles import builtin_names, load_profile
from tests.test_rollout_helpers import mock_task, write_profile


@pytest.fixture(scope="module")
def mock_tasks() -> list[Task]:
    return sample_tasks("mock", 40, seed=11)


def _pass_rate(tasks: list[Task], target: str, k: int = 4) -> float:
    spec = parse_target(target)
    results = [run_rollout(t, spec, i, 3).passed for t in tasks for i in range(k)]
    return sum(results) / len(results)


def test_builtin_profiles_load_and_name_known_errors() -> None:
    assert {"strong", "mid", "weak"} <= set(builtin_names())
    for name in ("strong", "mid", "weak"):
        profile = load_profile(name)
        assert set(profile.errors) <= set(ERROR_NAMES)
        assert profile.weak_regions
    assert set(EXPECTED_LABEL) == set(ERROR_NAMES)


def test_profile_file_errors_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown error"):
        load_profile(write_profile(tmp_path / "a.json", {"teleport": {"base_rate": 0.5}})[4:])
    bad = tmp_path / "b.yaml"
    bad.write_text("errors: {stop_early: {weights: {}}}")
    with pytest.raises(UserError, match="base_rate or base_logit"):
        load_profile(f"file:{bad}")
    with pytest.raises(UserError, match="sim:strong"):
        load_profile("nonexistent")


def test_unknown_feature_names_are_refused_naming_the_allowed_ones(tmp_path: Path) -> None:
    # A misspelt feature used to load and count as 0: the profile silently lost its weak spot.
    typo = tmp_path / "typo.yaml"
    typo.write_text(
        "errors: {bag_miscount: {base_logit: -7, weights: {bags_extr: 7}}}\n"
        "weak_regions: [{name: bags, when: {bag_extra: 1}}]\n"
    )
    with pytest.raises(UserError) as err:
        load_profile(f"file:{typo}")
    message = str(err.value)
    assert "'bag_extra' (in weak_regions.bags.when)" in message
    assert "'bags_extr' (in errors.bag_miscount.weights)" in message
    assert "allowed features of airline: " in message and "bags_extra" in message
    assert "mock: " in message and "\n" not in message
    # Features of any domain, engine and derived features all load.
    ok = tmp_path / "ok.yaml"
    ok.write_text(
        "errors: {stop_early: {base_logit: -7, weights: {bags_extra: 1, intent_place: 1, "
        "golden_calls: 0.1, n_writes: 0.2}}}\n"
    )
    assert load_profile(f"file:{ok}").errors["stop_early"].weights["n_writes"] == 0.2


@pytest.mark.parametrize("domain", ["airline", "mock"])
def test_declared_features_are_the_ones_tasks_carry(domain: str) -> None:
    """The domain's declaration (`DagSpec.features`) is exact: the check above relies on it."""
    from mining.targets.sim.checks import domain_features

    tasks = sample_tasks(domain, 30, seed=4)
    seen = {f for t in tasks for f in task_features(t)}
    declared = domain_features()[domain]
    assert seen <= declared, sorted(seen - declared)
    # every declared name shows up (intent_<name> only for the intents the sample chains)
    missing = {f for f in declared - seen if not f.startswith("intent_")}
    assert not missing, sorted(missing)


def test_probabilities_follow_weights_and_weak_regions_match() -> None:
    mid = load_profile("mid")
    low = mid.probabilities({"distractor_density": 0})["distractor_flight"]
    high = mid.probabilities({"distractor_density": 3})["distractor_flight"]
    assert high > 5 * low
    assert "dense-booking" in mid.weak_regions_of({"distractor_density": 3, "intent_book": 1})
    assert "dense-booking" not in mid.weak_regions_of({"distractor_density": 2, "intent_book": 1})
    assert "dense-booking" not in mid.weak_regions_of({"distractor_density": 3})


def test_forced_error_is_injected_and_recorded_apart(tmp_path: Path) -> None:
    task = mock_task({"distractors": 2})
    target = parse_target(
        write_profile(tmp_path / "f.json", {"distractor_flight": {"base_rate": 0.999}})
    )
    result = run_rollout(task, target, 0, 1)
    assert result.injected_errors == ["distractor_flight"]
    assert not result.passed
    text = result.trajectory.model_dump_json()
    assert "distractor_flight" not in text  # the trajectory never names the injected error


def test_same_seed_same_plan_other_index_other_draws() -> None:
    task = mock_task({"second_intent": "cancel", "distractors": 2})
    weak = load_profile("weak")
    assert build_plan(task, weak, 1, 0) == build_plan(task, weak, 1, 0)
    plans = {tuple(build_plan(task, weak, 1, i).injected) for i in range(30)}
    assert len(plans) > 1


def test_strong_beats_weak_and_mid_in_between(mock_tasks: list[Task]) -> None:
    strong = _pass_rate(mock_tasks, "sim:strong")
    mid = _pass_rate(mock_tasks, "sim:mid")
    weak = _pass_rate(mock_tasks, "sim:weak")
    assert strong >= 0.9
    assert strong > mid > weak
    assert weak < 0.75


def test_pass_rate_moves_with_distractor_density_as_mid_says(mock_tasks: list[Task]) -> None:
    # mid: distractor_flight's logit grows with distractor_density (positive weight)
    assert load_profile("mid").errors["distractor_flight"].weights["distractor_density"] > 0
    few = [t for t in mock_tasks if task_features(t)["distractor_density"] == 0]
    many = [t for t in mock_tasks if task_features(t)["distractor_density"] == 2]
    assert few and many
    assert _pass_rate(many, "sim:mid", k=8) < _pass_rate(few, "sim:mid", k=8)


def test_pass_rate_moves_with_intents_as_weak_says(mock_tasks: list[Task]) -> None:
    assert load_profile("weak").errors["drop_second_intent"].weights["n_intents"] > 0
    one = [t for t in mock_tasks if task_features(t)["n_intents"] == 1 and not t.refusal]
    two = [t for t in mock_tasks if task_features(t)["n_intents"] == 2 and not t.refusal]
    assert one and two
    assert _pass_rate(two, "sim:weak", k=8) < _pass_rate(one, "sim:weak", k=8)


def test_latency_is_applied_per_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("mining.targets.sim.agent.time.sleep", slept.append)
    result = run_rollout(mock_task(), parse_target("sim:strong?latency_ms=250"), 0, 1)
    assert slept == [0.25] * result.turns
