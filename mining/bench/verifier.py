"""The strict verifier's mutation suite: gold runs and their mutants, scored.

For each sampled task, the oracle (`sim:oracle`: the golden trajectory without errors) plays it
against the scripted customer; that conversation must pass (else a false failure). Each
mutation of `mining/bench/mutations.py` then edits it, the edited conversation's tool calls are
replayed on the task's world (so tool results and the final world follow the edit), and it is
scored again: a breaking mutation that passes is a false pass, a neutral one that fails a false
failure. Beside toolmine's verdict, each case records tau2's (world hash and substring facts),
to show which mistakes tau2's own evaluator lets through.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from domains import registry
from mining.bench.mutations import BREAKING, NEUTRAL, Messages
from mining.core.errors import UserError
from mining.core.task import Task
from mining.core.trajectory import Trajectory
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout
from mining.rollout.scoring import Score, score_rollout

ORACLE = "sim:oracle"


class Case(BaseModel):
    task_id: str
    mutation: str = Field(description="'gold' or a mutation's name")
    should_pass: bool
    passed: bool
    tau2_passed: bool
    reasons: list[str] = Field(default_factory=list)

    @property
    def wrong(self) -> bool:
        return self.passed != self.should_pass


def rescore(task: Task, messages: Messages) -> Score:
    """Replay the conversation's tool calls on the task's world and score it."""
    domain = registry.get(task.domain)
    world = domain.world_type.model_validate(task.world)
    toolkit = domain.toolkit(world)
    out: Messages = []
    results = []
    for m in messages:
        m = m.model_copy(deep=True)
        if m.role == "assistant":
            results += [toolkit.call(c.name, c.arguments) for c in m.tool_calls]
        elif m.role == "tool" and results:
            result = results.pop(0)
            m.content, m.error = result.content, result.error
        out.append(m)
    return score_rollout(task, world.to_json(), Trajectory(messages=out))


def cases_for(task: Task, seed: int) -> list[Case]:
    """The task's gold run and every mutant the task has room for."""
    gold = run_rollout(task, parse_target(ORACLE), 0, seed)
    messages = gold.trajectory.messages
    score = gold.score or rescore(task, messages)
    cases = [_case(task, "gold", True, score)]
    for should_pass, mutations in ((False, BREAKING), (True, NEUTRAL)):
        for name, mutate in mutations.items():
            mutant = mutate(task, messages)
            if mutant is not None:
                cases.append(_case(task, name, should_pass, rescore(task, mutant)))
    return cases


def _case(task: Task, name: str, should_pass: bool, score: Score) -> Case:
    return Case(
        task_id=task.task_id,
        mutation=name,
        should_pass=should_pass,
        passed=score.passed,
        tau2_passed=bool(score.tau2_passed),
        reasons=score.reasons,
    )


def run_suite(
    domain: str, n: int, seed: int, fixed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Score the suite over n sampled tasks (only at the `fixed` axis values, if given);
    figures per mutation and in total."""
    tasks = sample_tasks(domain, n, seed, fixed or None)
    if not tasks:
        pins = " ".join(f"{k}={v}" for k, v in (fixed or {}).items())
        raise UserError(f"no task could be built at {pins or 'any point'}: every candidate failed")
    cases = [c for task in tasks for c in cases_for(task, seed)]
    by_name: dict[str, dict[str, Any]] = {}
    for name in ["gold", *BREAKING, *NEUTRAL]:
        mine = [c for c in cases if c.mutation == name]
        by_name[name] = {
            "expect": "pass" if name == "gold" or name in NEUTRAL else "fail",
            "cases": len(mine),
            "wrong": sum(c.wrong for c in mine),
            "tau2_passes": sum(c.tau2_passed for c in mine),
        }
    wrong = [c for c in cases if c.wrong]
    kinds = Counter("false pass" if c.passed else "false failure" for c in wrong)
    return {
        "domain": domain,
        "pinned": dict(fixed or {}),
        "tasks": len(tasks),
        "cases": len(cases),
        "false_passes": kinds["false pass"],
        "false_failures": kinds["false failure"],
        "mutations": by_name,
        "examples": [c.model_dump() for c in wrong[:5]],
    }
