"""Reading an airline world from a file (tau2's `db.json` or one of ours).

A world file is checked more strictly than the models alone check it: besides the validation
errors pydantic reports, any key the models do not know (at any depth) is rejected, because the
models ignore unknown keys inside entities (tau2 does the same for tool arguments) and a typo in a
hand-edited world must not vanish silently.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from domains.airline.data_model import AirlineWorld
from domains.base import WorldFileError


def default_world_path() -> Path:
    """tau2's shared airline world. Same rule as `mining.paths.TAU2_AIRLINE_DIR` (repeated here
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
    if not isinstance(data, dict):
        raise WorldFileError(f"{source}: a world is a JSON object, got {type(data).__name__}")
    try:
        world = AirlineWorld.model_validate(data)
    except ValidationError as exc:
        raise WorldFileError(f"{source} is not a valid airline world: {exc}") from None
    known = {**world.tau2_dump(), "current_time": world.current_time}
    unknown = _unknown_key(data, known, "")
    if unknown:
        raise WorldFileError(f"{source}: unknown field {unknown!r} in the airline world")
    return world


def _unknown_key(raw: Any, known: Any, path: str) -> str | None:
    """First path (a.b.c) present in `raw` but absent from the model's own dump of it."""
    if isinstance(raw, dict) and isinstance(known, dict):
        for key, value in raw.items():
            here = f"{path}.{key}" if path else str(key)
            if key not in known:
                return here
            found = _unknown_key(value, known[key], here)
            if found:
                return found
    elif isinstance(raw, list) and isinstance(known, list):
        for index, (item, known_item) in enumerate(zip(raw, known, strict=False)):
            found = _unknown_key(item, known_item, f"{path}[{index}]")
            if found:
                return found
    return None
