"""`toolmine sample`: print N validated DAG-synthesized tasks as JSON lines.

Each line carries the task (id, params, walk, text, world, golden trajectory, expected final world,
communicate facts, signature, ...) plus the domain's tool schemas under `tools`. Candidates whose
world the domain's consistency checker flags are rejected; stderr says how many.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from cli.main import app
from domains.params import ParamError
from mining.core.errors import UserError
from mining.dag.paraphrase import litellm_paraphraser
from mining.dag.synthesize import Rejection, get_domain, sample_tasks, spec_of


def parse_params(domain: str, items: list[str]) -> dict[str, object]:
    """`--param axis=value` items, checked against the domain's space (UserError if bad)."""
    spec = spec_of(get_domain(domain))
    try:
        return dict(spec.space.parse_assignments(items))
    except ParamError as exc:
        raise UserError(str(exc)) from None


@contextmanager
def reading_world(world: str | None) -> Iterator[None]:
    """A `--world` file that cannot be read or parsed is the user's mistake: one line."""
    try:
        yield
    except (OSError, ValueError) as exc:
        if isinstance(exc, UserError):
            raise
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise UserError(f"--world {world}: cannot draw entities from it: {reason}") from None


@app.command("sample")
def sample_command(
    domain: Annotated[str, typer.Option("--domain", help="Domain with DAG synthesis.")] = "airline",
    n: Annotated[int, typer.Option("--n", min=1, help="How many tasks.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Sample seed.")] = 0,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Pin an axis: axis=value (repeatable).")
    ] = None,
    world: Annotated[
        str | None,
        typer.Option("--world", help="Draw names, addresses and airports from this world file."),
    ] = None,
    no_tools: Annotated[bool, typer.Option("--no-tools", help="Leave out tool schemas.")] = False,
    paraphrase: Annotated[
        str | None,
        typer.Option(
            "--paraphrase",
            help="Rewrite each task text with this litellm model (kept only if every fact "
            "survives; off by default).",
        ),
    ] = None,
    api_base: Annotated[
        str | None, typer.Option("--api-base", help="API base URL for --paraphrase.")
    ] = None,
    paraphrase_timeout: Annotated[
        float, typer.Option("--paraphrase-timeout", min=1, help="Seconds per model call.")
    ] = 30.0,
) -> None:
    """Print N validated tasks as JSON lines (fewer, with a warning, if the space runs out).

    Example: toolmine sample --domain airline --n 5 --seed 1 --param intent=book

    With --paraphrase openai/gpt-4.1-mini each text is rewritten by the model; a rewrite that
    drops a fact or adds one is rejected and the template text kept (see meta.paraphrase).
    """
    fixed = parse_params(domain, param or [])
    rejections: list[Rejection] = []
    spec = spec_of(get_domain(domain))
    paraphraser = (
        litellm_paraphraser(paraphrase, spec, api_base, paraphrase_timeout) if paraphrase else None
    )
    with reading_world(world):
        tasks = sample_tasks(
            domain,
            n,
            seed,
            fixed or None,
            world,
            rejections=rejections,
            paraphraser=paraphraser,
            paraphrase_model=paraphrase or "",
        )
    tools = None if no_tools else get_domain(domain).tool_schemas()
    out = sys.stdout
    for task in tasks:
        row = task.model_dump(mode="json")
        if tools is not None:
            row["tools"] = tools
        out.write(json.dumps(row) + "\n")
    inconsistent = sum(r.inconsistent for r in rejections)
    print(
        f"{len(tasks)} tasks; {len(rejections)} candidates rejected, {inconsistent} of them "
        "because the world consistency checker flagged their world",
        file=sys.stderr,
    )
    if len(tasks) < n:
        print(
            f"warning: only {len(tasks)} distinct tasks found for {n} requested; the pinned "
            "space may be smaller than N",
            file=sys.stderr,
        )
