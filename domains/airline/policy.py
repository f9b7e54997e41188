"""The agent's policy text (`policy.md` beside this file) with the world's current time filled in.

The policy states the current time, and the time is a world setting, so the text is a template
with one placeholder, `{current_time}`.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from domains.airline.data_model import DEFAULT_CURRENT_TIME

POLICY_PATH = Path(__file__).with_name("policy.md")


@cache
def _template() -> str:
    return POLICY_PATH.read_text(encoding="utf-8")


def policy_text(current_time: str = DEFAULT_CURRENT_TIME) -> str:
    """The policy for a world whose current time is `current_time` (YYYY-MM-DDTHH:MM:SS, EST)."""
    shown = datetime.fromisoformat(current_time).strftime("%Y-%m-%d %H:%M:%S")
    return _template().replace("{current_time}", shown)
