"""Running the `toolmine` CLI in a child process, the way its console script does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def toolmine(
    *args: str, cwd: Path = REPO, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`toolmine ARGS` in `cwd` (with `env` instead of this process's environment if given)."""
    return subprocess.run(
        # The console script's entry point: the command modules register on `cli.main.app`.
        [sys.executable, "-c", "from cli.main import run; run()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=None if env is None else dict(env),
    )
