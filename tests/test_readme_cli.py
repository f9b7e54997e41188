"""The README and `--help` agree: every `toolmine ...` command the README shows parses against
the CLI (options exist, values convert), and every `--option` it names exists. Also: commands
that print JSON print nothing else on stdout, even when litellm fails underneath them."""

from __future__ import annotations

import json
import re
import shlex
import socket
import subprocess
import sys
from typing import Any

import pytest
import typer

from cli.main import _register_commands, app
from tests.cli_process import REPO

_register_commands()
README = (REPO / "README.md").read_text(encoding="utf-8")


def _code_lines() -> list[str]:
    """`toolmine ...` lines inside ```bash blocks, without comments and `[optional]` brackets
    (an optional part is kept: it must parse too)."""
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.DOTALL):
        for raw in block.splitlines():
            line = raw.split("  #", 1)[0].split(" # ", 1)[0].strip()
            if line.startswith("toolmine "):
                lines.append(line.replace("[", "").replace("]", ""))
    return lines


def _parse(args: list[str]) -> Any:
    """Parse `args` down to the leaf command, converting every value, without running it."""
    command: Any = typer.main.get_command(app)
    ctx = command.make_context("toolmine", list(args))
    while hasattr(command, "resolve_command"):
        # typer's vendored click keeps the subcommand's name apart from its arguments
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not rest:
            break
        _, command, rest = command.resolve_command(ctx, rest)
        ctx = command.make_context(command.name, rest, parent=ctx)
    return ctx


def _all_options() -> set[str]:
    found: set[str] = set()

    def walk(command: Any) -> None:
        for param in getattr(command, "params", []):
            found.update(o for o in param.opts + param.secondary_opts if o.startswith("--"))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return found


def test_the_readme_shows_commands() -> None:
    assert len(_code_lines()) >= 15


@pytest.mark.parametrize("line", _code_lines())
def test_every_readme_command_parses(line: str) -> None:
    ctx = _parse(shlex.split(line)[1:])
    assert ctx.command.callback is not None, f"{line!r} names a group, not a command"


def test_every_option_the_readme_names_exists() -> None:
    """Options in `toolmine` lines and in the prose (`--max-rollouts`, `--only ledger`, ...)."""
    in_commands = {
        word.split("=")[0] for line in _code_lines() for word in line.split() if word[:2] == "--"
    }
    in_prose = set(re.findall(r"`(--[a-z][a-z0-9-]*)[^`]*`", README))
    assert len(in_prose) >= 5, "the README's prose names options in backticks"
    assert (in_commands | in_prose) - _all_options() == set()


@pytest.mark.slow
def test_sample_stdout_is_json_even_when_the_paraphrase_endpoint_fails() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    done = subprocess.run(
        [sys.executable, "-c", "from cli.main import run; run()", "sample", "--domain", "mock"]
        + ["--n", "2", "--paraphrase", "openai/x", "--api-base", f"http://127.0.0.1:{port}/v1"]
        + ["--paraphrase-timeout", "2"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert all(isinstance(json.loads(line), dict) for line in lines)  # litellm's banner was here
