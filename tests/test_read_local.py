"""Reads of a harvest from the default history file (./.toolmine) fall back to the ledger worker
when that file does not record the harvest: after `make demo` the demo's file sits there, and it
must not answer for a harvest a running worker holds ("no harvested tasks")."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.harvest_ops import read_local
from mining.store.db import Store, default_path
from mining.store.records import HarvestRecord


@pytest.fixture
def demo_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TOOLMINE_HOME", str(tmp_path / ".toolmine"))
    path = default_path()
    path.parent.mkdir(parents=True)
    store = Store(path)
    demo = HarvestRecord(harvest_id="demo", domain="mock", mode="dag", target="sim:mid", n_tasks=2)
    store.record_harvest(demo)
    store.close()
    return path


def test_the_default_file_answers_only_for_its_own_harvests(demo_file: Path) -> None:
    assert read_local(None, lambda st: st.harvest_ids(), "demo") == ["demo"]
    assert read_local(None, lambda st: st.harvest_ids(), "held-by-the-worker") is None


def test_a_named_store_answers_whatever_it_holds(demo_file: Path) -> None:
    # --store names the file on purpose: its answer (here, no such harvest) is the answer
    assert read_local(demo_file, lambda st: st.harvest_ids(), "elsewhere") == ["demo"]
