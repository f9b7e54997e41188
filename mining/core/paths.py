"""Where things live by default: the deployment folder and the shared tau2 data, if present."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# The tau2-bench airline data is never committed here; it sits beside the checkout when present.
TAU2_AIRLINE_DIR = Path(
    os.environ.get("TOOLMINE_TAU2_DIR", REPO_ROOT.parent / "shared" / "data" / "tau2-airline")
)


def home_dir() -> Path:
    """The deployment folder (`./.toolmine` unless TOOLMINE_HOME says otherwise)."""
    return Path(os.environ.get("TOOLMINE_HOME", ".toolmine"))
