"""Short workflows that read the ledger for the CLI (summary, export pages, WG frontier).

The CLI must not open the DuckDB file while the ledger worker holds it, and a CLI on another
machine could not anyway; these run one ledger activity and return its result.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import names
    from activities.models import ExportPage, ExportPageInput, SummaryInput
    from activities.wg_models import FrontierInput, FrontierOutput
    from mining.reports.summary import HarvestSummary
    from workflows.policies import LEDGER_RETRY

READ_TIMEOUT = timedelta(seconds=60)


@workflow.defn(name="HarvestSummaryWorkflow")
class HarvestSummaryWorkflow:
    @workflow.run
    async def run(self, inp: SummaryInput) -> HarvestSummary:
        return await workflow.execute_activity(
            names.HARVEST_SUMMARY,
            inp,
            result_type=HarvestSummary,
            start_to_close_timeout=READ_TIMEOUT,
            retry_policy=LEDGER_RETRY,
        )


@workflow.defn(name="ExportPageWorkflow")
class ExportPageWorkflow:
    @workflow.run
    async def run(self, inp: ExportPageInput) -> ExportPage:
        return await workflow.execute_activity(
            names.EXPORT_PAGE,
            inp,
            result_type=ExportPage,
            start_to_close_timeout=READ_TIMEOUT,
            retry_policy=LEDGER_RETRY,
        )


@workflow.defn(name="FrontierReadWorkflow")
class FrontierReadWorkflow:
    """A WG harvest's frontier entries, for `toolmine frontier show`."""

    @workflow.run
    async def run(self, inp: FrontierInput) -> FrontierOutput:
        return await workflow.execute_activity(
            names.WG_FRONTIER,
            inp,
            result_type=FrontierOutput,
            start_to_close_timeout=READ_TIMEOUT,
            retry_policy=LEDGER_RETRY,
        )


READ_WORKFLOWS = [HarvestSummaryWorkflow, ExportPageWorkflow, FrontierReadWorkflow]
