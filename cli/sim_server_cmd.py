"""`toolmine sim-server`: serve the simulated targets as an OpenAI-compatible endpoint."""

from __future__ import annotations

import sys

import typer

from cli.main import app
from mining.core.errors import UserError


@app.command("sim-server")
def sim_server(
    port: int = typer.Option(8765, "--port", help="TCP port (0: any free port)"),
    host: str = typer.Option("127.0.0.1", "--host", help="interface; loopback by default"),
) -> None:
    """Serve /v1/chat/completions for `openai/sim:<profile>` models.

    Example: toolmine sim-server --port 8765, then
    toolmine eval --domain airline --target openai/sim:mid --api-base http://127.0.0.1:8765/v1
    """
    from mining.targets.sim.server import SimServer

    if not 0 <= port < 65536:
        raise UserError(f"--port {port}: expected 0 (any free port) to 65535")
    try:
        server = SimServer(host, port)
    except OSError as exc:
        raise UserError(
            f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc}); "
            "pick another port (0: any free port)"
        ) from None
    print(f"sim-server listening on {server.api_base}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
