"""Shared fixtures: where the tau2 data is (tests skip with a reason when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mining.paths import TAU2_AIRLINE_DIR


@pytest.fixture(scope="session")
def tau2_dir() -> Path:
    if not (TAU2_AIRLINE_DIR / "db.json").exists():
        pytest.skip(f"tau2 airline data not found at {TAU2_AIRLINE_DIR} (set TOOLMINE_TAU2_DIR)")
    return TAU2_AIRLINE_DIR


# Temporal: one local dev server per session (tests/temporal_fixtures.py).
from tests.temporal_fixtures import queues, temporal_env  # noqa: E402,F401
