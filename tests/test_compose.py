"""docker-compose.yml names real things: our worker flags, queue roles, search attributes, and a
Dockerfile that copies what the worker imports. (No Docker engine here: this checks the file.)"""

from __future__ import annotations

import re
from typing import Any

import yaml

import worker
from mining.core.paths import REPO_ROOT
from workflows import search_attributes as sa

COMPOSE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def test_services_present() -> None:
    assert {"postgresql", "temporal", "temporal-ui", "ledger-worker", "compute-worker"} <= set(
        SERVICES
    )
    assert SERVICES["temporal"]["environment"]["DB"].startswith("postgres")


def test_worker_commands_parse_with_our_flags() -> None:
    roles = {}
    for name in ("ledger-worker", "compute-worker"):
        cmd = SERVICES[name]["command"]
        assert cmd[:2] == ["python", "worker.py"]
        args = worker.build_parser().parse_args(cmd[2:])  # exits on an unknown flag
        assert args.address == "temporal:7233"
        roles[name] = args.only
    assert roles == {"ledger-worker": "ledger", "compute-worker": "compute"}


def test_ledger_keeps_history_on_a_volume_and_compute_scales() -> None:
    ledger = SERVICES["ledger-worker"]
    store = worker.build_parser().parse_args(ledger["command"][2:]).store
    mounts = {v.split(":")[1]: v.split(":")[0] for v in ledger["volumes"]}
    assert any(store.startswith(m) for m in mounts) and set(mounts.values()) <= set(
        COMPOSE["volumes"]
    )
    compute = SERVICES["compute-worker"]
    assert "container_name" not in compute and "ports" not in compute  # --scale needs both absent


def test_setup_registers_our_search_attributes() -> None:
    text = " ".join(SERVICES["temporal-setup"]["command"])
    found = dict(re.findall(r"--name (\w+) --type (\w+)", text))
    kinds = {"KEYWORD": "Keyword", "INT": "Int"}
    assert found == {k.name: kinds[k.indexed_value_type.name] for k in sa.ALL}
    assert "--retention" in text


def test_dockerfile_copies_every_package() -> None:
    """Every package the app imports (a top-level folder with an `__init__.py`, tests aside) and
    the worker script: a package added later and not copied would fail only in the image."""
    text = (REPO_ROOT / "Dockerfile").read_text()
    packages = {p.parent.name for p in REPO_ROOT.glob("*/__init__.py")} - {"tests"}
    assert {"cli", "workflows", "activities", "mining", "domains"} <= packages
    for pkg in sorted(packages) + ["worker.py"]:
        assert re.search(rf"^COPY {pkg}\b", text, re.M), pkg
