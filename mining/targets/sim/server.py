"""An OpenAI-compatible endpoint playing the simulated targets, so the litellm path runs for real.

`toolmine sim-server --port P` serves, on loopback by default:
- `GET /v1/models`: the built-in profiles as `sim:<name>`;
- `POST /v1/chat/completions`: the simulated agent's next turn (a text or one tool call).

The server keeps no conversation state. Each request carries the task in the body field
`toolmine_sim` = {"task": base64(gzip(task JSON)), "seed": int, "index": int}; litellm sends it
when the model name contains `sim:` (see `mining.targets.litellm_target`). The move to play is
recomputed from the messages (assistant messages after the greeting), with the same plan as the
in-process simulated agent, so both give the same rollout. The request's `model` is `sim:<profile>`
(litellm strips the `openai/` prefix), optionally with `?latency_ms=N` to delay each answer.
Standard library only (http.server), one thread per request.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from mining.core.errors import UserError
from mining.targets.litellm_target import SIM_BODY_FIELD
from mining.targets.sim.agent import plan_for_encoded, turn_for
from mining.targets.sim.profiles import builtin_names

MAX_BODY = 16 * 1024 * 1024  # a request (conversation + compressed task)
MAX_TASK = 16 * 1024 * 1024  # the task once inflated: a gzip bomb stops here, not at gigabytes


class _BadRequest(Exception):
    pass


def inflate(data: bytes, limit: int) -> bytes:
    """gunzip `data`, refusing output beyond `limit` bytes without ever producing more."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, limit)
    if inflater.unconsumed_tail or (not inflater.eof and inflater.decompress(b"", 1)):
        raise _BadRequest(f"the task in '{SIM_BODY_FIELD}' inflates beyond {limit} bytes")
    if not inflater.eof:
        raise _BadRequest(f"the task in '{SIM_BODY_FIELD}' is truncated gzip data")
    return out


def complete(body: dict[str, Any]) -> dict[str, Any]:
    """One chat completion for a request body (pure apart from the optional latency sleep)."""
    model = str(body.get("model") or "")
    name, _, query = model.partition("?")
    if name.startswith("openai/"):
        name = name[len("openai/") :]
    if not name.startswith("sim:"):
        raise _BadRequest(f"model {model!r} is not a simulated target (sim:<profile>)")
    sim = body.get(SIM_BODY_FIELD)
    if not isinstance(sim, dict) or "task" not in sim:
        raise _BadRequest(
            f"missing '{SIM_BODY_FIELD}' body field with the task (send it via litellm's "
            "extra_body, as toolmine does for sim: models)"
        )
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise _BadRequest("'messages' must be a list")
    try:
        task_json = inflate(base64.b64decode(sim["task"]), MAX_TASK).decode()
        plan = plan_for_encoded(
            task_json, name[len("sim:") :], int(sim.get("seed", 0)), int(sim.get("index", 0))
        )
    except UserError as exc:
        raise _BadRequest(str(exc)) from None
    except (ValueError, OSError, EOFError, zlib.error) as exc:
        raise _BadRequest(f"cannot read the task in '{SIM_BODY_FIELD}': {exc}") from None
    latency = float(dict(parse_qsl(query)).get("latency_ms", 0) or 0)
    if latency > 0:
        time.sleep(latency / 1000.0)
    turn = turn_for(plan, messages)
    message: dict[str, Any] = {"role": "assistant", "content": turn.content}
    finish = "stop"
    if turn.tool_calls:
        finish = "tool_calls"
        message["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": c.arguments},
            }
            for c in turn.tool_calls
        ]
    return {
        "id": f"chatcmpl-sim-{sim.get('index', 0)}-{len(messages)}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": turn.tokens_in,
            "completion_tokens": turn.tokens_out,
            "total_tokens": turn.tokens_in + turn.tokens_out,
        },
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = "toolmine-sim/1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests run many requests
        return

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, {"error": {"message": message, "type": "invalid_request_error"}})

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            models = [
                {"id": f"sim:{n}", "object": "model", "owned_by": "toolmine"}
                for n in builtin_names()
            ]
            self._send(200, {"object": "list", "data": models})
        else:
            self._error(404, f"no route {self.path}")

    def do_POST(self) -> None:
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._error(404, f"no route {self.path}")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._error(400, "bad Content-Length")
            return
        if length > MAX_BODY:
            self._error(413, f"request too large (limit {MAX_BODY} bytes)")
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            self._send(200, complete(body))
        except (json.JSONDecodeError, _BadRequest) as exc:
            self._error(400, str(exc))
        except Exception as exc:  # a server bug answers 500 instead of killing the thread
            self._error(500, f"{type(exc).__name__}: {exc}")


class SimServer:
    """The server object; `start()` serves in a background thread (tests), `serve_forever()`
    in the foreground (the CLI)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from domains import registry

        registry.names()  # load the domains once, before request threads race to do it
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def api_base(self) -> str:
        host = self.httpd.server_address[0]
        host = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host}:{self.port}/v1"

    def start(self) -> SimServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
