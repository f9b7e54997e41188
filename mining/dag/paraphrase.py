"""Optional LLM paraphrase of a synthesized task text, kept only if it keeps the facts.

Templates give controlled but limited wording; a model can rewrite the customer's request more
naturally. A rewrite is risky: it may drop a date or a card ending (the task becomes unsolvable),
or state an answer the agent must find (a total, the cheapest flight's number). So every rewrite
is checked against the candidate's own fact lists: every required fact still present, no
forbidden one present, and no new number or id (anything with a digit) that the template text
did not contain. A rewrite that fails the check, or a model call that fails, leaves the template
text in place; `task.meta["paraphrase"]` records what happened either way.

Off by default (`toolmine sample --paraphrase MODEL [--api-base URL]`). The model is asked through
`mining.llm.structured` (JSON schema output, `num_retries=0`, an explicit timeout), as every role.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from domains.dag import DagSpec
from mining.dag.validate import mentions
from mining.llm.spec import ModelSpec
from mining.llm.structured import call_structured

# text -> rewritten text. Tests pass a fake; `litellm_paraphraser` is the real one.
Paraphraser = Callable[[str], str]


def instructions(dag: DagSpec) -> str:
    """The rewrite instructions for a domain's task texts (its `customer` and `kept_facts`)."""
    return (
        f"Rewrite the following {dag.customer}'s request in your own words, as the customer "
        f"would say it in a chat. Keep every {dag.kept_facts} exactly as written; do not add "
        "any fact, number or id; do not answer the request. Reply with a JSON object whose "
        "`text` is the rewritten request."
    )


_DIGIT_TOKEN = re.compile(r"[A-Za-z0-9_$.\-]*\d[A-Za-z0-9_.\-]*")


def check_paraphrase(
    original: str, rewrite: str, required: Sequence[str], forbidden: Sequence[str]
) -> list[str]:
    """Problems with a rewrite (empty: it keeps every fact and leaks nothing)."""
    problems = [f"drops required fact {f!r}" for f in required if not mentions(rewrite, f)]
    problems += [f"states the answer {f!r}" for f in forbidden if mentions(rewrite, f)]
    known = original.lower().replace(",", "")
    for token in sorted(set(_DIGIT_TOKEN.findall(rewrite))):
        core = token.strip(".-$").lower().replace(",", "")
        if core and core not in known:
            problems.append(f"adds {core!r}, which the template text does not carry")
    if not rewrite.strip():
        problems.append("empty rewrite")
    return problems


def paraphrase_text(
    text: str,
    required: Sequence[str],
    forbidden: Sequence[str],
    paraphraser: Paraphraser,
    model: str = "",
) -> tuple[str, dict[str, Any]]:
    """(text to use, record for task.meta["paraphrase"]). Never raises: a failed call or a
    rejected rewrite keeps the template text."""
    record: dict[str, Any] = {"model": model}
    try:
        rewrite = paraphraser(text).strip()
    except Exception as exc:  # a provider error must not lose the candidate
        record.update(status="error", error=f"{type(exc).__name__}: {exc}"[:300])
        return text, record
    problems = check_paraphrase(text, rewrite, required, forbidden)
    if problems:
        record.update(status="rejected", problems=problems, rewrite=rewrite)
        return text, record
    record.update(status="accepted", template_text=text)
    return rewrite, record


class Rewrite(BaseModel):
    """The paraphrase role's output schema."""

    text: str = Field(description="the customer's request, rewritten")


def litellm_paraphraser(
    model: str,
    dag: DagSpec,
    api_base: str | None = None,
    timeout: float = 30.0,
    temperature: float = 0.7,
) -> Paraphraser:
    """A paraphraser of `dag`'s task texts backed by a model through the structured-call helper
    (credentials from the environment)."""
    spec = ModelSpec(model=model, api_base=api_base, timeout_s=timeout, temperature=temperature)

    system = instructions(dag)

    def call(text: str) -> str:
        return call_structured(spec, Rewrite, system, text).text

    return call
