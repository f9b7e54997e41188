"""The sim-server answers hostile requests cheaply: a gzip bomb stops at a bounded size, and a
`sim:file:<path>` model never gets the file's content quoted back."""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mining.targets.litellm_target import SIM_BODY_FIELD, encode_task
from mining.targets.sim import server as sim_server
from mining.targets.sim.server import SimServer, inflate
from tests.test_rollout_helpers import mock_task


@pytest.fixture(scope="module")
def server() -> Iterator[SimServer]:
    running = SimServer("127.0.0.1", 0).start()
    yield running
    running.stop()


def _post(server: SimServer, body: dict[str, Any] | bytes) -> tuple[int, str]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.api_base}/chat/completions",
        data=data,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _body(task_field: str, model: str = "sim:mid") -> dict[str, Any]:
    return {
        "model": model,
        "messages": [{"role": "user", "content": "hi"}],
        SIM_BODY_FIELD: {"task": task_field, "seed": 0, "index": 0},
    }


def test_inflate_stops_at_the_limit_without_allocating_the_bomb() -> None:
    bomb = gzip.compress(b"\0" * (200 << 20))  # 200 MB of zeros in ~200 KB
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match="inflates beyond"):
            inflate(bomb, 1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20  # gzip.decompress would have held all 200 MB
    small = b'{"a": 1}'
    assert inflate(gzip.compress(small), 1 << 20) == small
    with pytest.raises(Exception, match="truncated"):
        inflate(gzip.compress(small)[:-6], 1 << 20)


def test_a_gzip_bomb_in_a_request_is_refused(
    server: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = base64.b64encode(gzip.compress(b" " * (sim_server.MAX_TASK + 1))).decode()
    status, text = _post(server, _body(bomb))
    assert status == 400 and "inflates beyond" in text
    status, text = _post(server, _body(encode_task(mock_task())))
    assert status == 200, text  # an honest request still works


def _declare(server: SimServer, length: str) -> tuple[int, str]:
    """Send only the headers, declaring `length` bytes: the answer must not wait for them."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest("POST", "/v1/chat/completions")
        conn.putheader("Content-Length", length)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_bad_lengths_and_oversized_bodies_are_refused(server: SimServer) -> None:
    assert _declare(server, "-1")[0] == 400
    assert _declare(server, "abc")[0] == 400
    status, text = _declare(server, str(sim_server.MAX_BODY + 1))
    assert status == 413 and "too large" in text


def test_a_file_profile_error_never_echoes_the_file(server: SimServer, tmp_path: Path) -> None:
    secret = "root:SECRET-HASH-1234:19000:0:99999"
    for name, text in {
        "shadow": f"{secret}\n",
        "creds.yaml": f"password: {secret}\nerrors: [{secret}\n",
        "creds.json": f'{{"errors": "{secret}"}}',
    }.items():
        path = tmp_path / name
        path.write_text(text)
        status, answer = _post(server, _body(encode_task(mock_task()), f"sim:file:{path}"))
        assert status == 400, answer
        assert "SECRET-HASH" not in answer, name
