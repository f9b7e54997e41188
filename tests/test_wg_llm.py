"""The WG model roles for real: strategist, worker, world actor, target and oracle are served by a
scripted OpenAI-compatible endpoint on loopback and reached through litellm. Also the structured
helper's own contract (schema in the request, fenced JSON, bad answers, provider errors)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from domains.airline import AirlineTools, AirlineWorld
from mining.dag.synthesize import sample_tasks
from mining.llm.errors import ProviderError
from mining.llm.spec import ModelSpec
from mining.llm.structured import StructuredOutputError, call_structured, parse_output
from mining.wg import assertions
from mining.wg.config import WGSettings
from mining.wg.loop import run_wg
from tests.loopback_chat import ChatEndpoint

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def _scenario() -> dict[str, Any]:
    fixed = {"n_intents": 1, "intent": "cancel", "policy_trap": "no", "flown": "no"}
    (task,) = sample_tasks("airline", 1, 21, fixed_params=fixed)
    world = AirlineWorld.model_validate(task.world).to_json()  # the file form, defaults filled
    expected = AirlineWorld.model_validate(task.expected_final_world).to_json()
    return {
        "world": world,
        "task_description": task.task_description,
        "user_facts": task.user_facts,
        "intents": ["cancel"],
        "entities": [["users", task.meta["user_id"]]],
        "assertions": [a.model_dump() for a in assertions.diff(world, expected)],
        "communicate": task.communicate,
        "solution": [c.model_dump() for c in task.golden_trajectory],
    }


class Scripted:
    """Answers structured roles by schema name, and plays agents: `oracle` follows the scenario's
    solution (each write described and the customer asked first, as the policy wants); `target`
    does too in every fourth conversation and gives up in the others."""

    def __init__(self) -> None:
        self.scenario = _scenario()
        self.roles: Counter[str] = Counter()
        self.conversations: Counter[str] = Counter()
        self.endpoint = ChatEndpoint(self.answer)

    @property
    def api_base(self) -> str:
        return self.endpoint.api_base

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        fmt = body.get("response_format")
        if fmt:
            role = fmt["json_schema"]["name"]
            self.roles[role] += 1
            content = {
                "HypothesisDraft": {
                    "tag": "cancellation",
                    "complexity": 1,
                    "statement": "the target cancels eligible reservations with a refund",
                    "move": "explore",
                },
                "WorldDescription": {
                    "entities": ["a user", "a refundable reservation"],
                    "probing": "a refund to the original payment method",
                    "requests": ["cancel the reservation"],
                },
                "ScenarioDraft": self.scenario,
            }[role]
            return {"role": "assistant", "content": json.dumps(content)}
        model = body["model"]
        step = sum(1 for m in body["messages"] if m["role"] == "assistant") - 1
        if step == 0:
            self.conversations[model] += 1
        solves = model == "oracle" or self.conversations[model] % 4 == 1
        moves: list[Any] = []
        for call in self.scenario["solution"]:
            if call["name"] in AirlineTools.write_tools():
                moves.append(f"I will {call['name']} with {call['arguments']}. Confirm (yes/no)?")
            moves.append(call)
        if solves and step < len(moves) and isinstance(moves[step], str):
            return {"role": "assistant", "content": moves[step]}
        if solves and step < len(moves):
            call = moves[step]
            return {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"c{step}",
                        "type": "function",
                        "function": {
                            "name": call["name"],
                            "arguments": json.dumps(call["arguments"]),
                        },
                    }
                ],
            }
        said = "; ".join(self.scenario["communicate"]) if solves else "I cannot help, sorry."
        return {"role": "assistant", "content": f"Done. {said}"}


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    server = Scripted()
    yield server
    server.endpoint.close()


def test_wg_harvest_through_litellm_on_loopback(scripted: Scripted) -> None:
    s = WGSettings(
        harvest_id="llm",
        target="openai/target",
        oracle="openai/oracle",
        strategist="openai/strategist",
        world_actor="openai/actor",
        api_base=scripted.api_base,
        n_tasks=1,
        max_hypotheses=2,
        max_variants=1,
        oracle_attempts=1,
    )
    run = run_wg(s)
    assert run.stop == "harvested", [o.evidence for o in run.outcomes]
    (out,) = run.confirmed
    assert out.hypothesis.tag == "cancellation" and out.hypothesis.move == "explore"
    assert out.checks is not None and out.checks.ok
    assert out.trial is not None and (out.trial.passes, out.trial.rollouts) == (1, 4)
    assert out.oracle is not None and out.oracle.passed
    assert out.task is not None
    assert [c.name for c in out.task.golden_trajectory] == [
        c["name"] for c in scripted.scenario["solution"]
    ]
    assert scripted.roles["HypothesisDraft"] == 1
    # one world per hypothesis from the worker's description, one simplifier variant (knobs: 1)
    assert scripted.roles["WorldDescription"] >= 1
    assert scripted.roles["ScenarioDraft"] == scripted.roles["WorldDescription"] + len(out.chain)
    simplifier = [
        r for r in scripted.endpoint.requests
        if "simplifier" in json.dumps(r.get("messages", [])[:1])
    ]  # fmt: skip
    assert len(simplifier) == len(out.chain) == 1
    assert "Simpler parameters to follow" in simplifier[0]["messages"][1]["content"]
    assert scripted.conversations["oracle"] >= 1


class Out(BaseModel):
    n: int


def test_structured_helper_contract() -> None:
    assert parse_output(Out, '```json\n{"n": 3}\n```').n == 3
    with pytest.raises(StructuredOutputError, match="not JSON"):
        parse_output(Out, "three")
    with pytest.raises(StructuredOutputError, match="n: "):
        parse_output(Out, '{"n": "x"}')
    seen: dict[str, Any] = {}

    class Msg:
        content = '{"n": 1}'

    class Choice:
        message = Msg()

    class Response:
        choices = [Choice()]

    def fake(**kwargs: Any) -> Response:
        seen.update(kwargs)
        return Response()

    spec = ModelSpec(model="openai/m", timeout_s=7)
    assert call_structured(spec, Out, "sys", "user", completion=fake).n == 1
    assert seen["num_retries"] == 0 and seen["timeout"] == 7
    assert seen["response_format"]["json_schema"]["schema"]["properties"]["n"]

    class RateLimitError(Exception):
        status_code = 429

    def limited(**kwargs: Any) -> Any:
        raise RateLimitError("slow down, retry after 3")

    with pytest.raises(ProviderError) as info:
        call_structured(spec, Out, "sys", "user", completion=limited)
    assert info.value.retryable and info.value.retry_after_s == 3.0


LIVE_MODEL = os.environ.get("TOOLMINE_LIVE_MODEL", "openai/gpt-4.1-mini")


@pytest.mark.live
@pytest.mark.skipif(not os.environ.get("OPENAI_API_KEY"), reason="needs OPENAI_API_KEY")
def test_live_wg_loop_with_real_models() -> None:
    """Strategist, worker, world actor and oracle are a real model; the target too. Whatever the
    models answer, every probe ends with a status and its evidence (errors are data)."""
    s = WGSettings(
        harvest_id="live",
        target=LIVE_MODEL,
        oracle=LIVE_MODEL,
        strategist=LIVE_MODEL,
        world_actor=LIVE_MODEL,
        n_tasks=1,
        max_hypotheses=2,
        max_variants=1,
        oracle_attempts=1,
        max_turns=16,
    )
    run = run_wg(s)
    assert len(run.outcomes) >= 1
    for out in run.outcomes:
        assert out.status in ("confirmed", "holds", "disproved", "broken") and out.evidence
        assert out.hypothesis.tag


@pytest.mark.live
@pytest.mark.skipif(not os.environ.get("OPENAI_API_KEY"), reason="needs OPENAI_API_KEY")
def test_live_strategist_answers_the_schema() -> None:
    from mining.wg.strategist import next_hypothesis

    s = WGSettings(harvest_id="live", strategist=LIVE_MODEL)
    h = next_hypothesis(s, [], 0)
    assert "model answer unusable" not in h.move, h.move
