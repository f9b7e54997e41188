"""Template defects in a task's text: the splices and slips a reader notices at once.

Task text is assembled from templates and slot values, so a bad combination shows up as a
leftover slot, a doubled or stray punctuation mark, nested parentheses, a sentence starting in
lower case, a doubled word, a person's name in the wrong case, the same person named twice
in one sentence, or a sentence that says again what an earlier one said (a detail spliced
after the line that already gave it: "My plans have changed: cancel it. My plans have
changed."). `defects(text, names)` lists them (empty: none found); `scenario_defects`
runs it over every text of a task's user scenario, with the names of the people in its world.
The check reads text only; it is run over samples (`toolmine bench text`) and by the template
test, never used to filter tasks (that would hide the defects it counts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from domains.scenario import SENTENCE_END, restates, words
from mining.core.task import Task

_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("leftover slot", re.compile(r"[{}]")),
    ("empty value", re.compile(r"\b(None|null|nan|undefined)\b|\[\]")),
    ("doubled punctuation", re.compile(r"[,;:]\s*[.,;:!?]|[.!?]\s*[,;:]|(?<!\.)\.\.(?!\.)")),
    ("space before punctuation", re.compile(r"\s[,.;:!?](?!\d)")),
    ("doubled space", re.compile(r"[^\S\n]{2,}")),
    ("doubled word", re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)),
    ("empty parentheses", re.compile(r"\(\s*\)")),
)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)([a-z])")
_CLAUSE_END = re.compile(r"(?<=[.!?:;])\s+|\n+")


def defects(text: str, names: Iterable[str] = ()) -> list[str]:
    """What is wrong with the text (each problem once, with the offending bit)."""
    found: list[str] = []
    for label, pattern in _CHECKS:
        match = pattern.search(text)
        if match:
            found.append(f"{label}: {_around(text, match.start())!r}")
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth > 1 or depth < 0:
            found.append(f"nested or unbalanced parentheses: {_around(text, i)!r}")
            break
    else:
        if depth > 0:
            found.append("unclosed parenthesis")
    repeated = _repeated_sentence(text)
    if repeated:
        found.append(f"repeated sentence: {repeated!r}")
    start = _SENTENCE_START.search(text)
    if start:
        found.append(f"sentence starts in lower case: {_around(text, start.start(1))!r}")
    for name in dict.fromkeys(names):
        for match in re.finditer(re.escape(name), text, re.IGNORECASE):
            if match.group(0) != name:
                found.append(f"name in the wrong case: {match.group(0)!r}")
                break
        for sentence in SENTENCE_END.split(text):
            if sentence.count(name) > 1:
                found.append(f"name repeated in one sentence: {name!r}")
                break
    return found


def _repeated_sentence(text: str) -> str | None:
    """A clause of three words or more said word for word twice, or a sentence naming an
    identifier (a word with a digit) whose every word but fillers is in one earlier sentence."""
    seen: set[tuple[str, ...]] = set()
    for clause in _CLAUSE_END.split(text):
        said = tuple(words(clause))
        if len(said) >= 3 and said in seen:
            return clause
        seen.add(said)
    sentences = SENTENCE_END.split(text)
    for i, sentence in enumerate(sentences):
        if any(ch.isdigit() for ch in sentence) and any(
            restates(sentence, earlier) for earlier in sentences[:i]
        ):
            return sentence
    return None


def people(world: Mapping[str, Any]) -> list[str]:
    """Every person's full name in a world (any object with a first and a last name)."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            if isinstance(value.get("first_name"), str) and isinstance(value.get("last_name"), str):
                out.append(f"{value['first_name']} {value['last_name']}")
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(world)
    return list(dict.fromkeys(out))


def scenario_defects(task: Task) -> list[str]:
    """Defects in every text of the task's scenario (or its description, without one)."""
    names = people(task.world)
    texts = [task.task_description]
    if task.user_scenario is not None:
        texts += task.user_scenario.texts()
    return [problem for text in dict.fromkeys(texts) for problem in defects(text, names)]


def _around(text: str, at: int, width: int = 30) -> str:
    return text[max(0, at - width) : at + width]
