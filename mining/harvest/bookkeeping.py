"""The harvest's reads and writes of the store, made the same way by both runners (the in-process
loop and the ledger activities), so that a re-run or resumed harvest pays for nothing twice.

- An iteration's proposal is recorded once; a re-run of the iteration gets the same batch back,
  whatever the history since (the proposers read it, and a failed run left candidates in it), so
  its candidates keep their ids, and their recorded rollouts are reused instead of paid again.
- Counters are rebuilt from the recorded iterations: a harvest restarted or resumed under the
  same id continues from them instead of from zero.
"""

from __future__ import annotations

from mining.harvest import steps
from mining.harvest.config import (
    CandidateOutcome,
    Counters,
    HarvestConfig,
    IterationTotals,
    max_per_cell,
    totals,
)
from mining.store.db import Store
from mining.store.records import DecisionRecord


def propose(store: Store, cfg: HarvestConfig, iteration: int) -> steps.Proposal:
    """The iteration's batch: the recorded one, or a fresh one (then recorded); or, with no
    points, why the harvest cannot make progress."""
    hid = cfg.harvest_id
    recorded = store.proposal(hid, iteration)
    if recorded is not None:
        return steps.Proposal(points=recorded)
    fresh = steps.propose(cfg, iteration, store.digest(hid), store.rollouts_spent(hid))
    if fresh.stop is None:
        store.record_proposal(hid, iteration, fresh.points)
    return fresh


def finish_iteration(
    store: Store,
    cfg: HarvestConfig,
    iteration: int,
    outcomes: list[CandidateOutcome],
    selected: list[str],
) -> IterationTotals:
    """Record the decisions, harvest the selected candidates (up to N and the cell cap, counting
    those an earlier run of this call already harvested once), and record the iteration."""
    hid = cfg.harvest_id
    decisions = [
        DecisionRecord(
            candidate_id=o.candidate_id,
            passes=o.passes,
            rollouts=o.rollouts,
            pass_rate=o.pass_rate,
            in_window=o.in_window,
            errored=o.errored,
            undecided=o.undecided,
        )
        for o in outcomes
        if o.synthesized
    ]
    with store.batch():  # one commit for the iteration's bookkeeping
        for d in decisions:
            store.record_decision(hid, d)
        accepted = store.record_harvested(
            hid, selected, cfg.k, cfg.n_tasks, max_per_cell=max_per_cell(cfg)
        )
        it = totals(iteration, outcomes, accepted)
        store.record_iteration(hid, iteration, it.model_dump(mode="json"))
    return it


def counters(store: Store, harvest_id: str) -> Counters:
    """The harvest's counters as its recorded iterations add up."""
    out = Counters()
    for summary in store.iteration_summaries(harvest_id):
        out.add(IterationTotals.model_validate(summary))
    return out
