"""Failure veins: what a failed rollout got wrong, in the failure analyst's terms.

A vein is the analyst's top label with the tool and the argument family it points at
(`wrong_argument:book_reservation:payment_methods`, `policy_violation:cancel_reservation`),
read from the rollouts alone, never from a simulated target's profile or injected errors. Two
failures in one vein are the same weakness found twice; the strategist caps confirmed failures
per vein (anti-collapse on the evidence, not on the hypothesis's own tag), and the simplifier
keeps a simpler variant only when it still fails in the original's vein (else the "minimum" is
another failure, most often a chance slip far from the weakness that was found).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

_INDEX = re.compile(r"[\[.]")


def rollout_vein(analysis: Mapping[str, Any] | None) -> str | None:
    """The vein of one failed rollout's analysis (None: the analyst found no label)."""
    labels = (analysis or {}).get("labels") or []
    if not labels:
        return None
    top = labels[0]
    evidence = top.get("evidence") or {}
    family = _INDEX.split(evidence.get("field") or "", maxsplit=1)[0]
    return ":".join(p for p in (str(top["label"]), evidence.get("tool") or "", family) if p)


def trial_vein(analyses: Iterable[Mapping[str, Any] | None]) -> str | None:
    """The most frequent vein among a trial's failed rollouts (ties: the first in name order)."""
    counts = Counter(v for a in analyses if (v := rollout_vein(a)) is not None)
    if not counts:
        return None
    best = max(counts.values())
    return min(v for v, n in counts.items() if n == best)
