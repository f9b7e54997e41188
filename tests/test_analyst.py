"""The failure analyst: a hand-made failure per label, agreement with injected errors, LLM note."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mining.bench.analyst import bench_analyst
from mining.core.task import Task
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import ModelSpec, parse_target
from mining.rollout.analyst import FailureLabel, analyze
from mining.rollout.loop import RolloutResult, run_rollout
from mining.targets.base import AgentTurn, RawToolCall
from tests.test_rollout_helpers import (
    ScriptedAgent,
    call,
    careful_turns,
    confirmed,
    golden_turns,
    mock_task,
    say,
    write_profile,
)

SIM = parse_target("sim:strong")
L = FailureLabel


def _run(task: Task, turns: list[AgentTurn]) -> RolloutResult:
    return run_rollout(task, SIM, 0, 1, agent=ScriptedAgent(turns))


def _golden(task: Task, upto: int | None = None) -> list[AgentTurn]:
    return golden_turns(task, upto)


def _done(task: Task) -> AgentTurn:
    return say(f"All done: {'; '.join(task.communicate)}. Anything else?")


def _uid(task: Task) -> str:
    return str(task.meta["user_id"])


def test_a_pass_has_no_labels() -> None:
    task = mock_task()
    result = _run(task, [*_golden(task), _done(task)])
    assert result.passed and analyze(task, result).labels == []


def test_fabricated_id_and_missing_lookup() -> None:
    task = mock_task()
    item = task.golden_trajectory[-1].arguments["item"]
    result = _run(task, [call("place_order", {"user_id": "zed_4242", "item": item}), _done(task)])
    analysis = analyze(task, result)
    assert analysis.top_label is L.fabricated_id
    top = analysis.labels[0].evidence
    assert (top.tool, top.field, top.actual) == ("place_order", "user_id", "zed_4242")
    assert L.missing_lookup in {le.label for le in analysis.labels}


def test_distractor_chosen_from_the_synthesizer_hint() -> None:
    task = mock_task({"distractors": 2})
    choice = task.meta["choices"][0]
    wrong = choice["alternatives"][0]
    turns = [*_golden(task, 1), *confirmed("place_order", {"user_id": _uid(task), "item": wrong})]
    analysis = analyze(task, _run(task, [*turns, _done(task)]))
    assert analysis.top_label is L.distractor_chosen
    assert analysis.labels[0].evidence.expected == choice["gold"]
    assert analysis.labels[0].evidence.actual == wrong


def test_the_domain_names_its_look_alikes() -> None:
    """Replacing the wrong passenger is a look-alike pick because the airline says passengers
    are look-alikes (`Mistakes.look_alike_kinds`); names are no ids, so nothing else says so."""
    (task,) = sample_tasks(
        "airline", 1, 3, {"intent": "change_passengers", "n_intents": 1, "passengers": 3}
    )
    choice = next(c for c in task.meta["choices"] if c["kind"] == "passenger")
    calls = [c.model_copy(deep=True) for c in task.golden_trajectory]
    calls[choice["call"]].arguments["passengers"] = choice["alternatives"][0]["value"]
    analysis = analyze(task, _run(task, [*careful_turns(task, calls), _done(task)]))
    assert analysis.top_label is L.distractor_chosen
    assert analysis.labels[0].evidence.field and analysis.labels[0].evidence.field.startswith(
        "passengers"
    )


def test_wrong_argument_names_the_field(tmp_path: Path) -> None:
    tasks = [
        t
        for t in sample_tasks("airline", 60, seed=2)
        if any(c["kind"] == "cabin" for c in t.meta.get("choices", []))
    ]
    assert tasks
    target = parse_target(
        write_profile(tmp_path / "c.json", {"cabin_confusion": {"base_rate": 0.999}})
    )
    result = run_rollout(tasks[0], target, 0, 1)
    assert result.injected_errors == ["cabin_confusion"] and not result.passed
    analysis = analyze(tasks[0], result)
    assert analysis.top_label is L.wrong_argument
    assert analysis.labels[0].evidence.field is not None
    assert "cabin" in analysis.labels[0].evidence.field


def test_missing_write_when_the_second_intent_is_dropped() -> None:
    task = mock_task({"second_intent": "cancel"})
    first_write = next(i for i, c in enumerate(task.golden_trajectory) if c.name == "place_order")
    result = _run(task, [*_golden(task, first_write + 1), _done(task)])
    analysis = analyze(task, result)
    assert analysis.top_label is L.missing_write
    assert analysis.labels[0].evidence.tool == "cancel_order"


def test_extra_write_and_policy_violation() -> None:
    task = mock_task()
    assert task.world["orders"]["O1"]["status"] == "pending"
    extra = [
        call("get_order", {"order_id": "O1"}, "x"),
        *confirmed("cancel_order", {"order_id": "O1"}),
    ]
    analysis = analyze(task, _run(task, [*_golden(task), *extra, _done(task)]))
    assert analysis.top_label is L.extra_write
    parallel = AgentTurn(
        tool_calls=[
            RawToolCall(id=f"p{i}", name=c.name, arguments=json.dumps(c.arguments))
            for i, c in enumerate(task.golden_trajectory)
        ]
    )
    analysis = analyze(task, _run(task, [parallel, _done(task)]))
    assert analysis.top_label is L.policy_violation


def test_needless_transfer_tool_error_loop_and_gave_up() -> None:
    task = mock_task()
    transfer = call("transfer_to_human_agents", {"summary": "help"})
    assert analyze(task, _run(task, [transfer])).top_label is L.needless_transfer
    loop = [call("get_order", {"order_id": "O99"}, f"l{i}") for i in range(4)]
    analysis = analyze(task, _run(task, [*loop, _done(task)]))
    assert analysis.top_label is L.tool_error_loop and analysis.labels[0].evidence.call_index == 0
    sorry = say("I'm sorry, I am not able to complete this request. Anything else?")
    assert analyze(task, _run(task, [*_golden(task, 1), sorry])).top_label is L.gave_up


def test_llm_observation_with_a_fake_and_no_injected_errors_in_the_prompt(tmp_path: Path) -> None:
    task = mock_task({"distractors": 2})
    target = parse_target(
        write_profile(tmp_path / "d.json", {"distractor_flight": {"base_rate": 0.999}})
    )
    result = run_rollout(task, target, 0, 1)
    assert result.injected_errors == ["distractor_flight"]
    seen: dict[str, Any] = {}

    class _Msg:
        content = json.dumps({"observation": "The agent ordered the wrong item."})

    class _Choice:
        message = _Msg()

    class _Response:
        choices = [_Choice()]

    def fake_completion(**kwargs: Any) -> _Response:
        seen.update(kwargs)
        return _Response()

    analysis = analyze(task, result, llm=ModelSpec(model="openai/fake"), completion=fake_completion)
    assert analysis.observation == "The agent ordered the wrong item."
    assert analysis.top_label is L.distractor_chosen
    prompt = json.dumps(seen["messages"])
    assert "distractor_flight" not in prompt and "injected" not in prompt
    assert seen["num_retries"] == 0 and seen["response_format"] is not None

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("down")

    noted = analyze(task, result, llm=ModelSpec(model="openai/fake"), completion=broken)
    assert noted.observation and "unavailable" in noted.observation


def test_agreement_with_injected_errors_on_airline() -> None:
    report = bench_analyst("airline", ["sim:weak"], n=40, k=2, seed=5)
    assert report["judged"] >= 20
    assert report["agreement"] >= 0.9, report
    assert report["unexplained_failures"] == 0
