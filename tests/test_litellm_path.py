"""The litellm path for real: against `toolmine sim-server` and a scripted fake endpoint."""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mining.dag.synthesize import sample_tasks
from mining.llm.errors import ProviderError
from mining.llm.spec import parse_target
from mining.rollout.loop import RAW_ARGUMENTS_KEY, run_rollout
from mining.targets.sim.server import SimServer
from tests.test_rollout_helpers import mock_task

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.fixture(scope="module")
def sim_server() -> Iterator[SimServer]:
    server = SimServer("127.0.0.1", 0).start()
    yield server
    server.stop()


def test_models_endpoint(sim_server: SimServer) -> None:
    with urllib.request.urlopen(f"{sim_server.api_base}/models", timeout=5) as response:
        ids = {m["id"] for m in json.load(response)["data"]}
    assert {"sim:strong", "sim:mid", "sim:weak"} <= ids


@pytest.mark.parametrize("domain", ["mock", "airline"])
def test_same_rollouts_as_in_process(sim_server: SimServer, domain: str) -> None:
    tasks = sample_tasks(domain, 3, seed=4)
    local = parse_target("sim:weak")
    remote = parse_target("openai/sim:weak", api_base=sim_server.api_base)
    outcomes = []
    for task in tasks:
        for index in range(3):
            a = run_rollout(task, local, index, 9)
            b = run_rollout(task, remote, index, 9)
            assert b.error is None
            assert a.passed == b.passed
            assert a.trajectory.tool_calls() == b.trajectory.tool_calls()
            assert a.trajectory.assistant_texts() == b.trajectory.assistant_texts()
            assert a.injected_errors == b.injected_errors
            assert b.tokens_in > 0
            outcomes.append(a.passed)
    assert len(set(outcomes)) == 2, "weak should both pass and fail on these tasks"


def test_request_without_task_is_a_non_retryable_error(sim_server: SimServer) -> None:
    import litellm

    with pytest.raises(Exception) as info:
        litellm.completion(
            model="openai/not-sim",
            messages=[{"role": "user", "content": "hi"}],
            api_base=sim_server.api_base,
            api_key="x",
            num_retries=0,
        )
    assert "not a simulated target" in str(info.value)


class _Scripted:
    """A fake OpenAI-compatible endpoint that answers from a script of (status, body)."""

    def __init__(self, script: list[tuple[int, dict[str, Any]]]) -> None:
        self.script = list(script)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, body = outer.script.pop(0) if outer.script else (200, _text("bye"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if status == 429:
                    self.send_header("retry-after", "3")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _completion(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }


def _text(content: str | None) -> dict[str, Any]:
    return _completion({"role": "assistant", "content": content})


def _tool(name: str, arguments: str) -> dict[str, Any]:
    call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}
    return _completion({"role": "assistant", "content": None, "tool_calls": [call]})


def _run(script: list[tuple[int, dict[str, Any]]]) -> Any:
    fake = _Scripted(script)
    try:
        return run_rollout(mock_task(), parse_target("openai/fake", api_base=fake.api_base), 0, 1)
    finally:
        fake.close()


def test_malformed_output_through_litellm() -> None:
    result = _run(
        [
            (200, _tool("teleport", "{}")),
            (200, _tool("get_user", '{"user_id": ')),
            (200, _tool("get_user", '{"user_id": 42}')),
            (200, _text("")),
            (200, _text("z" * (1 << 20))),
        ]
    )
    tools = [m for m in result.trajectory.messages if m.role == "tool"]
    assert [m.error for m in tools] == [True, True, True]
    assert "not found" in (tools[0].content or "")
    assert "not valid JSON" in (tools[1].content or "")
    assert result.trajectory.tool_calls()[1].arguments == {RAW_ARGUMENTS_KEY: '{"user_id": '}
    assert any("empty reply" in a for a in result.anomalies)
    assert any("cut" in a for a in result.anomalies)
    assert result.termination == "done" and not result.passed
    assert result.tokens_in == 5 * result.turns


@pytest.mark.parametrize(
    ("status", "retryable"), [(429, True), (503, True), (401, False), (400, False)]
)
def test_provider_errors_are_classified(status: int, retryable: bool) -> None:
    with pytest.raises(ProviderError) as info:
        _run([(status, {"error": {"message": f"status {status}", "type": "x"}})])
    assert info.value.retryable is retryable
    assert "openai/fake" in str(info.value)
    if status == 429:
        assert info.value.retry_after_s == 3.0


@pytest.mark.live
@pytest.mark.skipif(not os.environ.get("OPENAI_API_KEY"), reason="needs OPENAI_API_KEY")
def test_live_rollout_against_a_real_model() -> None:
    task = sample_tasks("airline", 1, seed=1)[0]
    result = run_rollout(task, parse_target("openai/gpt-4.1-mini"), 0, 1, max_turns=12)
    assert result.turns > 0 and result.tokens_in > 0 and result.score is not None
