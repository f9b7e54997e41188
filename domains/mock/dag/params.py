"""Parameter space of the mock shop."""

from __future__ import annotations

from collections.abc import Mapping

from domains.params import Axis, ParamSpace, Value

INTENT_NAMES = ("place", "cancel")


def _second(p: Mapping[str, Value]) -> list[Value]:
    return ["none", *[i for i in INTENT_NAMES if i != p["intent"]]]


def _uses(intent: str):  # type: ignore[no-untyped-def]
    return lambda p: intent in (p.get("intent"), p.get("second_intent"))


SPACE = ParamSpace(
    name="mock",
    axes=(
        Axis("intent", INTENT_NAMES, "the first thing the customer wants"),
        Axis("second_intent", ("none", *INTENT_NAMES), "a second request", allowed=_second),
        Axis("selection", ("cheapest", "named"), "how the item is chosen", relevant=_uses("place")),
        Axis(
            "policy_trap",
            ("no", "yes"),
            "the order to cancel is not pending (refusal)",
            allowed=lambda p: ["no", "yes"] if p["intent"] == "cancel" else ["no"],
            relevant=lambda p: p.get("intent") == "cancel",
        ),
        Axis("distractors", (0, 1, 2), "extra items and orders"),
    ),
    cell_axes=("intent", "second_intent", "policy_trap"),
)
