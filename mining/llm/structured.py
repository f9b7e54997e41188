"""The one way toolmine asks a model for structured output: a pydantic schema in, a model out.

Every LLM role (task paraphrase, failure analyst, strategist, worker, world actor, simplifier)
goes through `call_structured`, so they share one behaviour: the schema travels as an OpenAI
`json_schema` response format, litellm is called with `num_retries=0` and the spec's explicit
timeout (Temporal owns retries), provider failures come back classified as `ProviderError`
(`mining.llm.errors`), and an answer that does not fit the schema is a `StructuredOutputError`
(the model's fault, not the endpoint's: a caller records it as data, retrying rarely helps).

Credentials come from the process environment (litellm reads them); none travel in a ModelSpec.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from domains.base import one_line_errors
from mining.llm.errors import ProviderError, classify
from mining.llm.quiet import litellm_module
from mining.llm.spec import ModelSpec

T = TypeVar("T", bound=BaseModel)
Completion = Callable[..., Any]

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class StructuredOutputError(ValueError):
    """The model answered, but not with JSON that fits the schema; the message says how."""


def response_format(output: type[BaseModel]) -> dict[str, Any]:
    """The OpenAI `json_schema` response format for a pydantic model."""
    return {
        "type": "json_schema",
        "json_schema": {"name": output.__name__, "schema": output.model_json_schema()},
    }


def parse_output(output: type[T], content: Any) -> T:
    """The model's text as `output`. A fenced ```json block is accepted (many models wrap)."""
    if not isinstance(content, str) or not content.strip():
        raise StructuredOutputError(f"{output.__name__}: the model returned no text")
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StructuredOutputError(f"{output.__name__}: not JSON ({exc.msg})") from None
    try:
        return output.model_validate(data)
    except ValidationError as exc:
        raise StructuredOutputError(f"{output.__name__}: {one_line_errors(exc)}") from None


def call_structured(
    spec: ModelSpec,
    output: type[T],
    system: str,
    user: str,
    *,
    completion: Completion | None = None,
) -> T:
    """One chat completion whose answer must be an `output`. Raises `ProviderError` (endpoint
    failures, classified) or `StructuredOutputError` (an answer that does not fit)."""
    if completion is None:
        completion = litellm_module().completion  # lazily: offline roles never need it
    kwargs = spec.completion_options()
    try:
        response = completion(
            model=spec.model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            response_format=response_format(output),
            num_retries=0,
            timeout=spec.timeout_s,
            **kwargs,
        )
    except ProviderError:
        raise
    except Exception as exc:  # every endpoint failure is classified for the orchestrator
        raise classify(exc, spec.model) from exc
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError) as exc:
        raise StructuredOutputError(f"{output.__name__}: malformed response ({exc})") from None
    return parse_output(output, content)
