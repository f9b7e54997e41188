"""Ledger activities (the `ledger` queue): every read and write of the DuckDB history.

DuckDB allows one process per file, so exactly one worker serves this queue and holds the
connection in a `LedgerActivities` instance. Every write is idempotent on deterministic keys, so
these activities can be retried freely.
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
    ProposeInput,
    ProposeOutput,
    RecordCandidateInput,
    RecordRolloutInput,
    StartHarvestInput,
    SummaryInput,
)
from activities.payloads import check_payload
from mining.harvest import steps
from mining.harvest.config import IterationTotals, check_config, max_per_cell, totals
from mining.llm.spec import parse_target
from mining.reports.export import ExportRow, harvest_rows
from mining.reports.summary import HarvestSummary
from mining.store.db import Store
from mining.store.records import DecisionRecord


class LedgerActivities:
    def __init__(self, store: Store) -> None:
        self.store = store

    @activity.defn(name=names.START_HARVEST)
    def start_harvest(self, inp: StartHarvestInput) -> Ack:
        cfg = inp.config
        with boundary():
            check_config(cfg)
            parse_target(cfg.target, cfg.api_base)  # e.g. a key in the target: never stored
            self.store.record_harvest(steps.harvest_record(cfg, inp.harvest_id), inp.owner)
        return Ack()

    @activity.defn(name=names.FINISH_HARVEST)
    def finish_harvest(self, inp: FinishHarvestInput) -> Ack:
        self.store.set_status(inp.harvest_id, inp.status, inp.owner)
        return Ack()

    @activity.defn(name=names.PROPOSE)
    def propose(self, inp: ProposeInput) -> ProposeOutput:
        with boundary():
            history = self.store.digest(inp.harvest_id)
            spent = self.store.rollouts_spent(inp.harvest_id)
            proposal = steps.propose(inp.config, inp.iteration, history, spent)
            return ProposeOutput(points=proposal.points, stop=proposal.stop)

    @activity.defn(name=names.RECORD_CANDIDATE)
    def record_candidate(self, inp: RecordCandidateInput) -> Ack:
        self.store.record_candidate(inp.candidate)
        return Ack()

    @activity.defn(name=names.RECORD_ROLLOUT)
    def record_rollout(self, inp: RecordRolloutInput) -> Ack:
        self.store.record_rollout(inp.rollout, inp.analysis)
        return Ack()

    @activity.defn(name=names.FINISH_ITERATION)
    def finish_iteration(self, inp: FinishIterationInput) -> IterationTotals:
        """Record decisions, harvest the selected candidates (capped at N), and sum up."""
        for o in inp.outcomes:
            if o.synthesized:
                self.store.record_decision(
                    inp.harvest_id,
                    DecisionRecord(
                        candidate_id=o.candidate_id,
                        passes=o.passes,
                        rollouts=o.rollouts,
                        pass_rate=o.pass_rate,
                        in_window=o.in_window,
                    ),
                )
        accepted = self.store.record_harvested(
            inp.harvest_id,
            inp.selected,
            inp.config.k,
            inp.config.n_tasks,
            max_per_cell=max_per_cell(inp.config),  # the cell cap holds on this path too
        )
        it = totals(inp.iteration, inp.outcomes, accepted)
        self.store.record_iteration(inp.harvest_id, inp.iteration, it.model_dump(mode="json"))
        return it

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
            self.propose,
            self.record_candidate,
            self.record_rollout,
            self.finish_iteration,
            self.harvest_summary,
            self.export_page,
        ]
