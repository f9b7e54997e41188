"""The one place where errors leave the CLI, so that every mistake reads as one line.

- A usage error (bad option value, missing or unknown option, unknown command) and a `UserError`
  (bad input found while running: an unknown target, an unreadable file, an id already used)
  print one `error: ...` line naming the bad value and what is allowed, and exit 2.
- Anything else is a bug or an environment failure: one line with its type and message and the
  path of a log file holding the traceback, exit 1; `toolmine --debug ...` (or TOOLMINE_DEBUG=1)
  prints the traceback instead.
- Ctrl-C exits 130 quietly; a closed stdout (`toolmine sample | head -1`) exits quietly too.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from mining.core.errors import UserError

USAGE_EXIT = 2
UNEXPECTED_EXIT = 1
INTERRUPTED_EXIT = 130
LOG_NAME = "toolmine-errors.log"

_debug = False


class CommandFailed(Exception):
    """The command could not do its job for a reason outside the CLI (a harvest that failed, a
    worker that failed a read): one line, exit 1, no traceback (it would show the CLI, not the
    cause)."""


def set_debug(on: bool) -> None:
    """Set by the root `--debug` option: print tracebacks of unexpected errors."""
    global _debug
    _debug = on


def debug_enabled() -> bool:
    return _debug or os.environ.get("TOOLMINE_DEBUG", "") not in ("", "0")


def run_app(app: typer.Typer, args: Sequence[str]) -> int:
    """Run the typer app on `args` and return the exit code, printing at most one error line."""
    try:
        result = app(args=list(args), prog_name="toolmine", standalone_mode=False)
    except UserError as exc:
        return _fail(str(exc), USAGE_EXIT)
    except CommandFailed as exc:
        return _fail(str(exc), UNEXPECTED_EXIT)
    except typer.TyperException as exc:  # typer's (vendored) click exceptions
        return _fail(usage_line(exc, args), int(getattr(exc, "exit_code", USAGE_EXIT)))
    except (typer.Abort, KeyboardInterrupt):
        print("interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:
        return _unexpected(exc, args)
    return result if isinstance(result, int) else 0


def _fail(message: str, code: int) -> int:
    print(f"error: {one_line(message)}", file=sys.stderr)
    return code


def one_line(text: str) -> str:
    """Collapse a message onto one line (multi-line library messages included)."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def usage_line(exc: typer.TyperException, args: Sequence[str]) -> str:
    """One line for a click/typer usage error: what was wrong, the bad value, what is allowed."""
    ctx: Any = getattr(exc, "ctx", None)
    param: Any = getattr(exc, "param", None)
    message = exc.format_message()
    kind = type(exc).__name__
    if kind == "NoArgsIsHelpError" and ctx is not None:
        message = f"{ctx.command_path} needs a command: {', '.join(_commands(ctx))}"
    elif kind == "UsageError" and ctx is not None and "No such command" in message:
        message = f"{message.rstrip('.')}; allowed: {', '.join(_commands(ctx))}"
    elif param is not None and kind == "BadParameter":
        raw = _raw_value(param, args)
        if raw is not None and repr(raw) not in message and raw not in message:
            message = f"{message.rstrip('.')} (got {raw!r})"
    elif param is not None and kind == "MissingParameter" and getattr(param, "help", None):
        message = f"{message.rstrip('.')}: {param.help}"
    if ctx is not None and kind != "NoArgsIsHelpError":
        message = f"{message.rstrip('.')} (see `{ctx.command_path} --help`)"
    return message


def _commands(ctx: Any) -> list[str]:
    command = ctx.command
    names = command.list_commands(ctx) if hasattr(command, "list_commands") else []
    return [str(n) for n in names]


def _raw_value(param: Any, args: Sequence[str]) -> str | None:
    """The text the user gave for an option (the parser does not keep it on the error)."""
    for i, arg in enumerate(args):
        for opt in getattr(param, "opts", []):
            if arg == opt and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(opt + "="):
                return arg[len(opt) + 1 :]
    return None


def log_path() -> Path:
    """Where tracebacks of unexpected errors go: the deployment folder if it exists, else the
    temp folder (a mistake must not create a `.toolmine/` folder in the user's cwd)."""
    from mining.core.paths import home_dir

    home = home_dir()
    folder = home if home.is_dir() else Path(tempfile.gettempdir())
    return folder / LOG_NAME


def _unexpected(exc: BaseException, args: Sequence[str]) -> int:
    what = f"{type(exc).__name__}: {one_line(str(exc)) or '(no message)'}"
    if debug_enabled():
        traceback.print_exception(exc, file=sys.stderr)
        return _fail(f"unexpected {what}", UNEXPECTED_EXIT)
    path = log_path()
    try:
        with path.open("a", encoding="utf-8") as fh:
            stamp = datetime.datetime.now().isoformat(timespec="seconds")
            fh.write(f"--- {stamp} toolmine {' '.join(args)}\n")
            traceback.print_exception(exc, file=fh)
        where = f"traceback in {path}"
    except OSError:
        where = "could not write the traceback log"
    return _fail(f"unexpected {what} ({where}; `toolmine --debug ...` prints it)", UNEXPECTED_EXIT)


def _silence_stdout() -> None:
    # The reader went away: further writes (and the final flush) must not raise again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
