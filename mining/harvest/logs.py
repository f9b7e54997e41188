"""Log records that say which harvest, iteration, candidate and rollout they are about.

Workflows and activities log through `workflow.logger` / `activity.logger` with `extra=at(...)`.
Records the SDK writes on its own (an activity attempt failing, a workflow task retried) carry
only Temporal's ids; `HarvestFields` reads the four fields from those ids, so every record a
worker prints names its harvest, iteration, candidate and rollout (None where one does not
apply). `configure` installs the worker's handler: text lines, or one JSON object per line.

No Temporal import (the worker wires the SDK's loggers); workflows import `at`.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from mining.harvest.ids import locate

FIELDS = ("harvest_id", "iteration", "candidate_id", "rollout")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TEXT_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s [harvest=%(harvest_id)s iteration=%(iteration)s "
    "candidate=%(candidate_id)s rollout=%(rollout)s] %(message)s"
)


def at(
    harvest_id: str,
    iteration: int | None = None,
    candidate_id: str | None = None,
    rollout: int | None = None,
) -> dict[str, Any]:
    """The `extra` of a log record about this place in a harvest."""
    return {
        "harvest_id": harvest_id,
        "iteration": iteration,
        "candidate_id": candidate_id,
        "rollout": rollout,
    }


class HarvestFields(logging.Filter):
    """Gives every record the four fields, read from Temporal's ids when the caller gave none."""

    def filter(self, record: logging.LogRecord) -> bool:
        if all(hasattr(record, f) for f in FIELDS):
            return True
        act = getattr(record, "temporal_activity", None) or {}
        wf = getattr(record, "temporal_workflow", None) or {}
        found = locate(act.get("workflow_id") or wf.get("workflow_id"), act.get("activity_id"))
        for name in FIELDS:
            if not hasattr(record, name):
                setattr(record, name, found[name])
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the four fields, error."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({f: getattr(record, f, None) for f in FIELDS})
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def configure(level: str = "INFO", json_lines: bool = False) -> logging.Handler:
    """Send every record to stderr, with the harvest fields; returns the handler."""
    name = level.upper()
    if name not in LEVELS:
        from mining.core.errors import UserError

        raise UserError(f"--log-level {level!r}: allowed {', '.join(LEVELS)}")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(HarvestFields())
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(name)
    return handler
