"""Reading an airline world from a file (tau2's `db.json` or one of ours), with errors that name
the file and say what to do. The checks themselves live in `AirlineWorld.from_json`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from domains.airline.data_model import AirlineWorld
from domains.base import WorldFileError


def default_world_path() -> Path:
    """tau2's shared airline world. Same rule as `mining.core.paths.TAU2_AIRLINE_DIR` (repeated here
    because domains/ never imports mining/; a test keeps the two in step)."""
    repo_root = Path(__file__).resolve().parents[2]
    tau2_dir = os.environ.get(
        "TOOLMINE_TAU2_DIR", repo_root.parent / "shared" / "data" / "tau2-airline"
    )
    return Path(tau2_dir) / "db.json"


def load_world(path: str | None) -> AirlineWorld:
    """Load a world file; None loads tau2's shared world when it is present."""
    if path is None:
        default = default_world_path()
        if not default.is_file():
            raise WorldFileError(
                f"no default airline world: {default} does not exist; pass --world PATH "
                "(a tau2-style db.json), or set TOOLMINE_TAU2_DIR to the folder holding db.json"
            )
        path = str(default)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorldFileError(f"cannot read world file {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorldFileError(f"world file {path} is not valid JSON: {exc}") from None
    return parse_world(data, source=path)


def parse_world(data: Any, source: str = "world") -> AirlineWorld:
    """Validate a world's JSON (already parsed); reject unknown keys at any depth."""
    return AirlineWorld.from_json(data, source)
