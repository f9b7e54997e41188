"""`toolmine server` owns its Temporal child: a SIGKILL of the wrapper (no handler runs) must not
leave the dev server behind holding the ports and the SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.lifetime import check_port_free
from cli.temporal_cli import free_port
from mining.core.errors import UserError
from tests.cli_process import REPO
from tests.proc_table import alive, children

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux-only"
)


def _port_free(port: int) -> bool:
    try:
        check_port_free(port, "--port")
    except UserError:
        return False
    return True


@pytest.mark.slow
def test_sigkill_of_the_wrapper_takes_the_server_with_it(tmp_path: Path) -> None:
    port, ui_port = free_port(), free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO), TOOLMINE_HOME=str(tmp_path))
    wrapper = subprocess.Popen(
        [sys.executable, "-c", "from cli.main import run; run()", "server"]
        + ["--port", str(port), "--ui-port", str(ui_port), "--db-file", str(tmp_path / "t.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    child: list[int] = []
    try:
        assert wrapper.stdout is not None
        line = wrapper.stdout.readline()  # printed once the server answers
        assert f"Temporal at 127.0.0.1:{port}" in line, line
        child = children(wrapper.pid)
        assert len(child) == 1 and alive(child[0])
        assert not _port_free(port)
        wrapper.send_signal(signal.SIGKILL)
        wrapper.wait(timeout=10)
        deadline = time.monotonic() + 30
        while (alive(child[0]) or not _port_free(port)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(child[0]), "the Temporal dev server outlived its wrapper"
        assert _port_free(port)
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
        for pid in child:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
