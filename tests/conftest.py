"""Shared fixtures: where the tau2 data is (tests skip with a reason when it is absent); and a
closing line naming every test that ran longer than `SLOW_S` without the `slow` mark, so that
`make test-fast` (`-m "not slow"`) stays fast as tests are added."""

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


SLOW_S = 3.0
_unmarked_slow: list[tuple[str, float]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.duration > SLOW_S and "slow" not in report.keywords:
        _unmarked_slow.append((report.nodeid, report.duration))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _unmarked_slow:
        terminalreporter.write_sep("-", f"over {SLOW_S:g} s without @pytest.mark.slow")
        for nodeid, seconds in sorted(_unmarked_slow, key=lambda x: -x[1]):
            terminalreporter.write_line(f"{seconds:5.1f} s  {nodeid}")


# Temporal: one local dev server per session (tests/temporal_fixtures.py).
from tests.temporal_fixtures import queues, temporal_env  # noqa: E402,F401
