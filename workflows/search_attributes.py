"""The search attributes a harvest shows in the Temporal UI (registered by `toolmine server`)."""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey

HARVEST_ID = SearchAttributeKey.for_keyword("HarvestId")
TARGET_MODEL = SearchAttributeKey.for_keyword("TargetModel")
MODE = SearchAttributeKey.for_keyword("Mode")
HARVEST_STATUS = SearchAttributeKey.for_keyword("HarvestStatus")
HARVESTED = SearchAttributeKey.for_int("Harvested")

ALL: list[SearchAttributeKey[Any]] = [HARVEST_ID, TARGET_MODEL, MODE, HARVEST_STATUS, HARVESTED]


def cli_flags() -> list[str]:
    """`--search-attribute Name=Type` flags for `temporal server start-dev`."""
    kinds = {"KEYWORD": "Keyword", "INT": "Int"}
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={kinds[key.indexed_value_type.name]}"]
    return flags
