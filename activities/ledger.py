"""Ledger activities (the `ledger` queue): every read and write of the DuckDB history.

DuckDB allows one process per file, so exactly one worker serves this queue and holds the
connection in a `LedgerActivities` instance. Every write is idempotent on deterministic keys, so
these activities can be retried freely.

An iteration's steps here (propose, record_results, finish_iteration) run as *local* activities
of `MiningIterationWorkflow`: the workflows run in this same worker, so a ledger step needs no
server round trip (no activity task to schedule, dispatch and complete), and its input (a
candidate's world, a wave's trajectories) never enters the workflow's history; only its small
result does, in a marker. The harvest's own steps (start_harvest, set_status, finish_harvest)
and the reads behind `harvest show` / `export` (run by the small read workflows of
`workflows.reads`) stay regular activities on this queue: they are rare, one per harvest or
command, so a round trip costs nothing that shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities import names
from activities.errors import boundary
from activities.models import (
    Ack,
    ExportPage,
    ExportPageInput,
    FinishHarvestInput,
    FinishIterationInput,
    HarvestState,
    ProposeInput,
    ProposeOutput,
    RecordCandidateInput,
    RecordCandidateOutput,
    RecordResultsInput,
    RecordRolloutInput,
    SetStatusInput,
    StartHarvestInput,
    SummaryInput,
)
from activities.payloads import check_payload
from mining.harvest import bookkeeping, steps
from mining.harvest.config import HarvestConfig, IterationTotals, check_config
from mining.llm.spec import parse_target
from mining.reports.export import ExportRow, harvest_rows
from mining.reports.summary import HarvestSummary
from mining.store.db import Store
from mining.store.records import candidate_key


class LedgerActivities:
    def __init__(self, store: Store) -> None:
        self.store = store

    @activity.defn(name=names.START_HARVEST)
    def start_harvest(self, inp: StartHarvestInput) -> HarvestState:
        """Record the harvest (once) and return its recorded counters: a harvest restarted
        under the same id goes on from them, not from zero."""
        cfg = inp.config
        with boundary():
            check_config(cfg)
            parse_target(cfg.target, cfg.api_base)  # e.g. a key in the target: never stored
            self.store.record_harvest(steps.harvest_record(cfg, inp.harvest_id), inp.owner)
        # a restart of this harvest: no longer failed (another harvest's row is left alone)
        self.store.set_status(inp.harvest_id, "running", inp.owner)
        return HarvestState(counters=bookkeeping.counters(self.store, inp.harvest_id))

    @activity.defn(name=names.FINISH_HARVEST)
    def finish_harvest(self, inp: FinishHarvestInput) -> Ack:
        self.store.set_status(inp.harvest_id, inp.status, inp.owner)
        return Ack()

    @activity.defn(name=names.SET_HARVEST_STATUS)
    def set_harvest_status(self, inp: SetStatusInput) -> HarvestState:
        """Record a harvest as failed or stalled (and why), or running again; return its
        recorded counters (what a resumed harvest continues from)."""
        self.store.set_status(inp.harvest_id, inp.status, inp.owner, inp.reason)
        return HarvestState(counters=bookkeeping.counters(self.store, inp.harvest_id))

    @activity.defn(name=names.PROPOSE)
    def propose(self, inp: ProposeInput) -> ProposeOutput:
        with boundary():
            proposal = self.proposal(inp)
        # a re-run of the iteration reuses what its candidates recorded (the workflow records a
        # candidate with its first results, so it cannot ask when it records it)
        ids = [candidate_key(inp.harvest_id, inp.iteration, j) for j in range(len(proposal.points))]
        recorded = {cid: done for cid in ids if (done := self.store.recorded_outcomes(cid))}
        return ProposeOutput(points=proposal.points, stop=proposal.stop, recorded=recorded)

    def proposal(self, inp: ProposeInput) -> steps.Proposal:
        """The iteration's batch (recorded, or fresh and then recorded)."""
        return bookkeeping.propose(self.store, _named(inp.config, inp.harvest_id), inp.iteration)

    @activity.defn(name=names.RECORD_CANDIDATE)
    def record_candidate(self, inp: RecordCandidateInput) -> RecordCandidateOutput:
        self.store.record_candidate(inp.candidate)
        recorded = self.store.recorded_outcomes(inp.candidate.candidate_id)
        return RecordCandidateOutput(recorded=recorded)

    @activity.defn(name=names.RECORD_ROLLOUT)
    def record_rollout(self, inp: RecordRolloutInput) -> Ack:
        if inp.rollout is not None:
            self.store.record_rollout(inp.rollout, inp.analysis)
        if inp.failed is not None:
            self.store.record_failed_attempts(inp.failed)
        return Ack()

    @activity.defn(name=names.RECORD_RESULTS)
    def record_results(self, inp: RecordResultsInput) -> Ack:
        """A candidate and/or a wave of its rollouts, in one transaction."""
        self.store.record_results(
            inp.full_candidate(), [(r.rollout, r.analysis, r.failed) for r in inp.rollouts]
        )
        return Ack()

    @activity.defn(name=names.FINISH_ITERATION)
    def finish_iteration(self, inp: FinishIterationInput) -> IterationTotals:
        """Record decisions, harvest the selected candidates (capped at N and per cell), and
        sum up."""
        cfg = _named(inp.config, inp.harvest_id)
        return bookkeeping.finish_iteration(
            self.store, cfg, inp.iteration, inp.outcomes, inp.selected
        )

    @activity.defn(name=names.HARVEST_SUMMARY)
    def harvest_summary(self, inp: SummaryInput) -> HarvestSummary:
        with boundary():
            return self.store.summary(inp.harvest_id)

    @activity.defn(name=names.EXPORT_PAGE)
    def export_page(self, inp: ExportPageInput) -> ExportPage:
        """Rows from `offset` until about `max_bytes` (at least one row per page)."""
        with boundary():
            rows = harvest_rows(self.store, inp.harvest_id)
        page: list[ExportRow] = []
        size, i = 0, inp.offset
        while i < len(rows):
            row_size = len(rows[i].model_dump_json())
            if page and size + row_size > inp.max_bytes:
                break
            page.append(rows[i])
            size += row_size
            i += 1
        out = ExportPage(rows=page, next_offset=i if i < len(rows) else None)
        check_payload(out, f"export page at row {inp.offset}")
        return out

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.start_harvest,
            self.finish_harvest,
            self.set_harvest_status,
            self.propose,
            self.record_candidate,
            self.record_rollout,
            self.record_results,
            self.finish_iteration,
            self.harvest_summary,
            self.export_page,
        ]


def _named(cfg: HarvestConfig, harvest_id: str) -> HarvestConfig:
    """The config with the harvest's id in it (the workflow fills it in; old inputs may not)."""
    return (
        cfg if cfg.harvest_id == harvest_id else cfg.model_copy(update={"harvest_id": harvest_id})
    )
