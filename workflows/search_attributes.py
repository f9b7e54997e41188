"""The search attributes a harvest shows in the Temporal UI (registered by `toolmine server`).

The mode is `HarvestMode`, not `Mode`: the visibility query language reads a bare `Mode` as a
keyword, so `Mode='dag'` would not parse (it needed backquotes). Renaming an upserted attribute
keeps the command sequence, so histories recorded with `Mode` still replay.
"""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey

HARVEST_ID = SearchAttributeKey.for_keyword("HarvestId")
TARGET_MODEL = SearchAttributeKey.for_keyword("TargetModel")
HARVEST_MODE = SearchAttributeKey.for_keyword("HarvestMode")
HARVEST_STATUS = SearchAttributeKey.for_keyword("HarvestStatus")
HARVESTED = SearchAttributeKey.for_int("Harvested")

ALL: list[SearchAttributeKey[Any]] = [
    HARVEST_ID,
    TARGET_MODEL,
    HARVEST_MODE,
    HARVEST_STATUS,
    HARVESTED,
]


def cli_flags() -> list[str]:
    """`--search-attribute Name=Type` flags for `temporal server start-dev`."""
    kinds = {"KEYWORD": "Keyword", "INT": "Int"}
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={kinds[key.indexed_value_type.name]}"]
    return flags
