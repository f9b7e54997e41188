"""Shared fixtures: where the tau2 data is (tests skip with a reason when it is absent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mining.core.paths import TAU2_AIRLINE_DIR


@pytest.fixture(scope="session")
def tau2_dir() -> Path:
    if not (TAU2_AIRLINE_DIR / "db.json").exists():
        pytest.skip(f"tau2 airline data not found at {TAU2_AIRLINE_DIR} (set TOOLMINE_TAU2_DIR)")
    return TAU2_AIRLINE_DIR


@pytest.fixture(scope="session")
def airline_world(tau2_dir: Path) -> Any:
    """tau2's airline world, loaded once per session. Never change it: work on
    `AirlineTools.on_fork(airline_world)` or `airline_world.copy_world()`."""
    from domains.airline import load_world

    return load_world(str(tau2_dir / "db.json"))


# Temporal: one local dev server per session (tests/temporal_fixtures.py).
from tests.temporal_fixtures import queues, temporal_env  # noqa: E402,F401
