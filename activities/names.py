"""Every activity name, in one place: workflows schedule activities by these names and the
worker registers them under the same names (tests register fakes under them too).

Names are part of recorded histories: never rename one that has shipped.
"""

from __future__ import annotations

# ledger queue (the process that owns the DuckDB file)
START_HARVEST = "start_harvest"
FINISH_HARVEST = "finish_harvest"
SET_HARVEST_STATUS = "set_harvest_status"
PROPOSE = "propose"
RECORD_CANDIDATE = "record_candidate"
RECORD_ROLLOUT = "record_rollout"
RECORD_RESULTS = "record_results"  # a candidate and/or a wave of its rollouts, in one write
FINISH_ITERATION = "finish_iteration"
HARVEST_SUMMARY = "harvest_summary"
EXPORT_PAGE = "export_page"

# compute queue (any number of workers)
SYNTHESIZE = "synthesize"
ROLLOUT = "rollout"
ANALYZE = "analyze"

# WG mode: ledger (frontier read, probe record) and compute (one per probe step)
WG_FRONTIER = "wg_frontier"
WG_RECORD_PROBE = "wg_record_probe"
WG_STRATEGIZE = "wg_strategize"
WG_BUILD = "wg_build"
WG_CHECK = "wg_check"
WG_BUILD_CHECKED = "wg_build_checked"  # build, then the consistency checks, in one step
WG_TRIAL = "wg_trial"
WG_ORACLE = "wg_oracle"
WG_VARIANTS = "wg_variants"
WG_RECORD_TRIAL = "wg_record_trial"  # a trial's target rollouts, on the ledger
