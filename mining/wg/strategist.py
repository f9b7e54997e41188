"""The strategist: writes the next falsifiable hypothesis from the frontier map.

Offline it enumerates the domain's capability tags and complexity levels and chooses by the
map's evidence: narrow in on a boundary (a hold at one level and nothing yet at the next; a
confirmed failure whose simpler level is untried), re-probe a productive cell, or explore a cell
nobody touched. Anti-collapse is explicit: a tag holding its share of the confirmed failures
(`max_tag_share` of N) is not probed again while others are open, nor is a cell or a tag whose
confirmed failures lie in a vein holding that share (a vein is what the failed rollouts got wrong,
in the failure analyst's terms: several tags lead into one weakness), and at least
`explore_share` of the hypotheses explore. A model strategist gets the same map and vocabulary
through the structured-call helper; an answer naming no known tag or level falls back to the
offline choice (recorded in `move`).
"""

from __future__ import annotations

import math
import random

from pydantic import BaseModel, Field

from domains.wg import WGVocabulary
from mining.llm.structured import Completion, StructuredOutputError, call_structured
from mining.wg.config import OFFLINE, WGSettings, derive_seed, vocabulary
from mining.wg.frontier import FrontierEntry, FrontierMap
from mining.wg.models import Hypothesis


class HypothesisDraft(BaseModel):
    """The strategist role's output schema."""

    tag: str = Field(description="one capability tag of the vocabulary")
    complexity: int = Field(description="one complexity level of the vocabulary")
    statement: str = Field(description="the falsifiable claim about the target")
    move: str = Field(description="explore (an untouched cell) or narrow (a boundary)")


def statement(vocab: WGVocabulary, tag: str, level: int) -> str:
    axes = ", ".join(f"{k}={v}" for k, v in vocab.levels[level].items())
    return f"the target sometimes fails when it {vocab.tag(tag).statement} (level {level}: {axes})"


def make_hypothesis(
    vocab: WGVocabulary, tag: str, level: int, text: str, move: str, index: int, s: WGSettings
) -> Hypothesis:
    point = {**vocab.levels[level], **vocab.tag(tag).fixed}
    return Hypothesis(
        hypothesis_id=f"{s.harvest_id}-h{index:04d}",
        index=index,
        tag=tag,
        complexity=level,
        statement=text,
        point=point,
        move=move,
        seed=derive_seed("hypothesis", s.seed, index),
    )


def _cap(s: WGSettings) -> int:
    return max(1, math.floor(s.max_tag_share * s.n_tasks))


def _capped_veins(fmap: FrontierMap, s: WGSettings) -> set[str]:
    return {vein for vein, n in fmap.confirmed_by_vein().items() if n >= _cap(s)}


def _capped(fmap: FrontierMap, s: WGSettings) -> set[str]:
    """Tags at their cap of confirmed failures, and tags whose every confirmed failure lies in a
    vein at its cap (probing them again most likely finds that weakness once more)."""
    cap, full = _cap(s), _capped_veins(fmap, s)
    by_tag = fmap.confirmed_by_tag()

    def spent(tag: str) -> bool:
        veins = fmap.veins(tag)
        return bool(veins) and veins <= full

    return {t.name for t in fmap.vocab.tags if by_tag[t.name] >= cap or spent(t.name)}


def offline_choice(
    vocab: WGVocabulary, fmap: FrontierMap, index: int, s: WGSettings
) -> tuple[str, int, str]:
    """(tag, level, move) by the frontier's evidence; deterministic for a seed and index."""
    rng = random.Random(derive_seed("strategist", s.seed, index))
    capped, full = _capped(fmap, s), _capped_veins(fmap, s)
    levels = sorted(vocab.levels)
    tags = [t.name for t in vocab.tags if t.name not in capped] or [t.name for t in vocab.tags]
    untouched = [(t, lv) for t in tags for lv in levels if not fmap.touched(t, lv)]
    explored = sum(1 for e in fmap.entries if e.move.startswith("explore"))
    quota_due = explored < s.explore_share * (index + 1)
    if untouched and (quota_due or rng.random() < s.explore_share):
        fresh = [c for c in untouched if not any(fmap.touched(c[0], lv) for lv in levels)]
        tag, level = rng.choice(fresh or untouched)
        return tag, level, "explore"
    scored: list[tuple[float, str, int, str]] = []
    for tag in tags:
        for lv in levels:
            status, cell = fmap.status(tag, lv), fmap.cells[(tag, lv)]
            if status == "confirmed" and fmap.veins(tag, lv) & full:
                continue  # stop spending on a vein once it holds its share
            if status == "holds" and lv + 1 in vocab.levels and not fmap.touched(tag, lv + 1):
                scored.append((3.0, tag, lv + 1, "narrow: held one level below"))
            if status == "confirmed" and lv - 1 in vocab.levels and not fmap.touched(tag, lv - 1):
                scored.append((2.0, tag, lv - 1, "narrow: failed one level above"))
            if status == "confirmed":
                hits = cell.counts["confirmed"]
                share = hits / sum(cell.counts.values())
                scored.append((share / (1 + 0.5 * hits), tag, lv, "exploit"))
            if status == "broken" and cell.counts.get("broken", 0) < 2:
                scored.append((0.5, tag, lv, "retry: broken world"))
    if scored:
        best = max(score for score, *_ in scored)
        _, tag, level, move = rng.choice([c for c in scored if c[0] == best])
        return tag, level, move
    if untouched:
        tag, level = rng.choice(untouched)
        return tag, level, "explore"
    return rng.choice(tags), rng.choice(levels), "explore: map exhausted"


_SYSTEM = """You are the strategist of a search for the weaknesses of a tool-use agent (the
target). Write the next falsifiable hypothesis about the target: pick one capability tag and one
complexity level from the vocabulary, either narrowing in on a boundary of the frontier map (a
hold at one level, a failure at the next) or exploring a cell nobody probed. Do not pick a tag
that already holds its share of the confirmed failures. Answer with the JSON object the schema
asks for."""


def model_prompt(vocab: WGVocabulary, fmap: FrontierMap, s: WGSettings) -> str:
    tags = "\n".join(f"- {t.name}: {t.statement}" for t in vocab.tags)
    levels = "\n".join(f"- {lv}: {dict(v)}" for lv, v in sorted(vocab.levels.items()))
    capped = ", ".join(sorted(_capped(fmap, s))) or "none"
    veins = ", ".join(f"{v} ({n})" for v, n in fmap.confirmed_by_vein().most_common()) or "none"
    return (
        f"Capability tags:\n{tags}\n\nComplexity levels:\n{levels}\n\n"
        f"Frontier map (tag x level: status [counts]):\n{fmap.render()}\n\n"
        f"Veins of the confirmed failures (what the target got wrong): {veins}\n"
        f"Tags at their cap of confirmed failures: {capped}\n"
        f"Confirmed failures so far: {sum(fmap.confirmed_by_tag().values())} of {s.n_tasks}."
    )


def next_hypothesis(
    s: WGSettings,
    entries: list[FrontierEntry],
    index: int,
    *,
    completion: Completion | None = None,
) -> Hypothesis:
    """The hypothesis number `index` of a harvest, given the frontier so far."""
    vocab = vocabulary(s.domain)
    fmap = FrontierMap(vocab, entries)
    tag, level, move = offline_choice(vocab, fmap, index, s)
    text = statement(vocab, tag, level)
    if s.strategist != OFFLINE:
        spec = s.model(s.strategist)
        try:
            draft = call_structured(
                spec, HypothesisDraft, _SYSTEM, model_prompt(vocab, fmap, s), completion=completion
            )
            vocab.tag(draft.tag)
            if draft.complexity not in vocab.levels:
                raise StructuredOutputError(f"unknown complexity level {draft.complexity}")
            tag, level, text, move = draft.tag, draft.complexity, draft.statement, draft.move
        except (StructuredOutputError, KeyError) as exc:
            move = f"{move} (model answer unusable: {str(exc)[:120]})"
    return make_hypothesis(vocab, tag, level, text, move, index, s)
