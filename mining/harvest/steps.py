"""One harvest step each: the engine's functions turned into the records the store keeps.

Both runners call these, the in-process loop directly and the Temporal activities as thin wrappers,
so a harvest gives the same rows either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from mining.core.errors import UserError
from mining.core.task import Task
from mining.harvest.config import (
    HarvestConfig,
    affordable_candidates,
    candidate_seed,
    propose_seed,
    proposer_context,
    rollout_seed,
)
from mining.harvest.exhaustion import exhausted
from mining.propose import registry as proposer
from mining.store.digest import HistoryDigest, item_keys
from mining.store.records import (
    AnalysisRecord,
    CandidateRecord,
    HarvestRecord,
    RolloutRecord,
    candidate_key,
    rollout_key,
)

if TYPE_CHECKING:
    from mining.rollout.loop import RolloutResult


class Proposal(BaseModel):
    """The next batch, or why the harvest cannot make progress (then no points)."""

    points: list[dict[str, Any]] = Field(default_factory=list)
    stop: str | None = None


def propose(
    cfg: HarvestConfig, iteration: int, history: HistoryDigest, rollouts_spent: int
) -> Proposal:
    """The proposer's batch, cut to what the rollout budget still pays for (its head: the
    proposers put their best picks first); none, with the reason, once no candidate can add a
    task (`mining.harvest.exhaustion`)."""
    from mining.dag.synthesize import get_domain, spec_of

    if (why := exhausted(cfg, history)) is not None:
        return Proposal(stop=why)
    space = spec_of(get_domain(cfg.domain)).space
    points = proposer.propose(
        cfg.proposer,
        space,
        history,
        cfg.batch_size,
        propose_seed(cfg.seed, iteration),
        context=proposer_context(cfg),
    )
    return Proposal(points=points[: affordable_candidates(cfg, rollouts_spent)])


def synthesize(
    cfg: HarvestConfig, harvest_id: str, iteration: int, index: int, params: dict[str, Any]
) -> tuple[CandidateRecord, Task | None]:
    """Synthesize and validate one candidate; a rejection is a recorded result, not an error.
    So is a bug met on this point: the candidate is rejected with the error, and the harvest
    goes on (a re-run would meet it again). A `UserError` (bad settings) still raises."""
    from mining.dag.synthesize import Rejection, get_domain, spec_of, synthesize_candidate

    cid = candidate_key(harvest_id, iteration, index)
    seed = candidate_seed(cfg.seed, iteration, index)
    try:
        out: Task | Rejection = synthesize_candidate(cfg.domain, params, seed, cid)
    except UserError:
        raise
    except Exception as exc:
        reason = f"synthesis error: {type(exc).__name__}: {exc}"
        out = Rejection(reason=reason, params=params, seed=seed, task_id=cid)
    space = spec_of(get_domain(cfg.domain)).space
    rec = CandidateRecord(
        candidate_id=cid,
        harvest_id=harvest_id,
        iteration=iteration,
        index=index,
        seed=seed,
        params=params,
        # A rejected point counts too (as tried, in its cell and terms), so proposers see it.
        cell=space.cell(params),
        items=item_keys(space.relevant(params)),
    )
    if isinstance(out, Rejection):
        return rec.model_copy(update={"rejection": out.reason}), None
    task = out.model_dump(mode="json")
    update = {
        "params": out.params,
        "cell": out.cell,
        "items": item_keys(space.relevant(out.params)),
        "signature": out.signature,
        "task": task,
    }
    return rec.model_copy(update=update), out


def rollout(
    cfg: HarvestConfig,
    harvest_id: str,
    task: Task,
    cand_seed: int,
    index: int,
    on_turn: Callable[[int], None] | None = None,
) -> RolloutRecord:
    """Run one rollout of the target; provider failures propagate (the caller decides retries)."""
    from mining.llm.spec import parse_target, with_turn_timeout
    from mining.rollout.loop import run_rollout

    seed = rollout_seed(cand_seed, index)
    res = run_rollout(
        task,
        with_turn_timeout(parse_target(cfg.target, cfg.api_base), cfg.timeouts.turn_s),
        index,
        seed,
        on_turn=on_turn,
        max_turns=cfg.max_turns,
    )
    return rollout_record(res, harvest_id, task.task_id, index, seed)


def rollout_record(
    res: RolloutResult, harvest_id: str, candidate_id: str, index: int, seed: int
) -> RolloutRecord:
    """A rollout's result as the store records it (DAG candidates and WG scenarios alike)."""
    return RolloutRecord(
        rollout_id=rollout_key(candidate_id, index),
        candidate_id=candidate_id,
        harvest_id=harvest_id,
        index=index,
        seed=seed,
        passed=res.passed,
        tau2_passed=res.score.tau2_passed if res.score else None,
        reward=res.score.reward if res.score else 0.0,
        score=res.score.model_dump(mode="json") if res.score else {},
        trajectory=res.trajectory.model_dump(mode="json"),
        final_world=res.final_world,
        tokens_in=res.tokens_in,
        tokens_out=res.tokens_out,
        cost_usd=res.cost,
        latency_s=res.latency_s,
        termination=str(res.termination),
        error=res.error,
        injected_errors=[_plain(e) for e in res.injected_errors],
        policy_violations=[_plain(v) for v in res.policy_violations],
    )


def analyze(task: Task, rec: RolloutRecord) -> AnalysisRecord:
    """Label why a failed rollout failed."""
    from mining.rollout.analyst import analyze as run_analyst
    from mining.rollout.analyst import unlabelled

    result = run_analyst(task, _rebuild(rec))
    reasons = list((rec.score or {}).get("reasons") or [])
    return AnalysisRecord(
        rollout_id=rec.rollout_id,
        candidate_id=rec.candidate_id,
        harvest_id=rec.harvest_id,
        top_label=str(result.top_label) if result.top_label else unlabelled(reasons),
        analysis=result.model_dump(mode="json"),
    )


def _rebuild(rec: RolloutRecord) -> Any:
    """The engine's RolloutResult again, from what the record kept."""
    from mining.rollout.loop import RolloutResult

    return RolloutResult.model_validate(
        {
            "task_id": rec.candidate_id,
            "index": rec.index,
            "seed": rec.seed,
            "trajectory": rec.trajectory,
            "final_world": rec.final_world,
            "score": rec.score or None,
            "tokens_in": rec.tokens_in,
            "tokens_out": rec.tokens_out,
            "cost": rec.cost_usd,
            "latency_s": rec.latency_s,
            "termination": rec.termination,
            "error": rec.error,
            "injected_errors": rec.injected_errors,
            "policy_violations": rec.policy_violations,
        }
    )


def _plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    return dump(mode="json") if dump else value


def harvest_record(cfg: HarvestConfig, harvest_id: str) -> HarvestRecord:
    """The harvest's row, as both runners record it when a harvest starts."""
    return HarvestRecord(
        harvest_id=harvest_id,
        domain=cfg.domain,
        mode=cfg.mode,
        target=cfg.target,
        n_tasks=cfg.n_tasks,
        config=cfg.model_dump(mode="json"),
    )
