"""Every mistake a user can make on the command line reads as one line.

Table-driven: each row is a failing `toolmine` command (every one the reliability issue lists,
and the others a user would try), run as a real process in an empty folder against a real dev
server with a worker where the command needs one. Each must print exactly one `error: ...` line
on stderr naming the bad value, nothing on stdout, exit non-zero (2 for a user mistake, 1 for a
harvest that ended badly), finish without hanging, leave no file behind, and not touch the
server it was pointed at by mistake.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
import pytest_asyncio
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from mining.harvest.config import Budgets, Queues
from mining.store.db import Store
from tests.cli_process import REPO
from tests.temporal_fixtures import fake_config, fake_workers
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestInput

pytestmark = pytest.mark.slow  # about 60 CLI processes (~1 CPU second each)

TIMEOUT_S = 90  # "no hang": far above any row's time on a loaded machine
PARALLEL = 4


@dataclass
class Row:
    """`toolmine ARGS` must fail with one line containing `says` (placeholders: {addr} the dev
    server, {ledger} its ledger queue, {in} a folder of prepared inputs, {busy} a port in use,
    {closed} a port nobody listens on, and {completed|cancelled|failed|running} harvest ids)."""

    args: str
    says: str
    code: int = 2
    extra: list[str] = field(default_factory=list)  # arguments with spaces, appended as is


ROWS: dict[str, Row] = {
    # usage errors (typer's own exceptions escaped as tracebacks)
    "sample --n 0": Row("sample --n 0", "'0'"),
    "eval --k 0": Row("eval --k 0 --target sim:mid", "'0'"),
    "eval without --target": Row("eval --n 2", "--target"),
    "unknown option": Row("eval --target sim:mid --bogus", "--bogus"),
    "unknown command": Row("bogus", "bogus"),
    "unknown subcommand": Row("harvest bogus", "bogus"),
    "harvest start --mode walk": Row("harvest start --mode walk --address {addr}", "walk"),
    "sample --n abc": Row("sample --n abc", "abc"),
    # what harvest start accepted and eval refused
    "start: unknown sim profile": Row("harvest start --target sim:nope --address {addr}", "nope"),
    "start: missing profile file": Row(
        "harvest start --target sim:file:{in}/nope.yaml --address {addr}", "nope.yaml"
    ),
    "start: bad target option": Row(
        "harvest start --address {addr}",
        "latency_ms='abc'",
        extra=["--target", "sim:mid?latency_ms=abc"],
    ),
    "start: key in target": Row(
        "harvest start --address {addr}",
        "'api_key'",
        extra=["--target", "openai/x?api_key=sk-SECRET-1"],
    ),
    "start: key in api base": Row(
        "harvest start --target openai/x --api-base http://me:sk-SECRET-1@host/v1 --address {addr}",
        "--api-base",
    ),
    "start: unreachable window": Row(
        "harvest start --k 3 --min-pass-rate 0.1 --max-pass-rate 0.2 --address {addr}", "0.2"
    ),
    "start: --turn-timeout 0": Row("harvest start --turn-timeout 0 --address {addr}", "'0'"),
    "start: timeout in target": Row(
        "harvest start --address {addr}", "timeout_s=3", extra=["--target", "sim:mid?timeout_s=3"]
    ),
    "start: bad id": Row("harvest start --address {addr}", "a b", extra=["--id", "a b"]),
    "start: completed id": Row("harvest start --id {completed} --address {addr}", "completed"),
    "start: cancelled id": Row("harvest start --id {cancelled} --address {addr}", "cancel"),
    "start: failed id": Row("harvest start --id {failed} --address {addr}", "failed"),
    "start: running id": Row("harvest start --id {running} --address {addr}", "running"),
    # runtime paths that printed tracebacks
    "status of a failed harvest": Row("harvest status {failed} --address {addr}", "failed", 1),
    "status of a cancelled harvest": Row(
        "harvest status {cancelled} --address {addr}", "cancel", 1
    ),
    "status of an unknown id": Row("harvest status nope-123 --address {addr}", "nope-123"),
    "show unknown id, worker running": Row(
        "harvest show nope-123 --address {addr} --ledger-queue {ledger}", "nope-123"
    ),
    "show with no worker": Row(
        "harvest show nope-123 --address {addr} --ledger-queue nobody-{ledger}", "nobody-"
    ),
    "list with a bad query": Row(
        "harvest list --address {addr}", "bogus ===", extra=["--query", "bogus ==="]
    ),
    "malformed address": Row("harvest list --address http://x:y", "http://x:y"),
    "address without port": Row("harvest status h --address foo", "foo"),
    "pause a completed harvest": Row("harvest pause {completed} --address {addr}", "{completed}"),
    "resume a cancelled harvest": Row("harvest resume {cancelled} --address {addr}", "{cancelled}"),
    "cancel a failed harvest": Row("harvest cancel {failed} --address {addr}", "{failed}"),
    "cancel an unknown harvest": Row("harvest cancel nope-123 --address {addr}", "nope-123"),
    "export --out a directory": Row("export h --out {in}/adir --store {in}/history.duckdb", "adir"),
    "export --store a directory": Row("export h --out o.jsonl --store {in}/adir", "adir"),
    "export --store not DuckDB": Row("export h --out o.jsonl --store {in}/x.jsonl", "x.jsonl"),
    "export --store missing": Row("export h --out o.jsonl --store {in}/nope.duckdb", "nope.duckdb"),
    "export --store foreign DuckDB": Row(
        "export h --out o.jsonl --store {in}/other.duckdb", "other"
    ),
    "export --format bogus": Row("export h --format bogus --out o", "bogus"),
    "export --format tau2 to a file": Row(
        "export h --format tau2 --out {in}/x.jsonl --store {in}/history.duckdb", "x.jsonl"
    ),
    "worker --log-level bogus": Row("worker --log-level bogus", "bogus"),
    "bench wg, real target": Row("bench wg --target openai/x", "openai/x"),
    "export unknown harvest": Row(
        "export nope-123 --out o.jsonl --store {in}/history.duckdb", "nope-123"
    ),
    "worker: unreachable": Row("worker --address 127.0.0.1:{closed}", "{closed}"),
    "worker --store a directory": Row("worker --store {in}/adir --address {addr}", "adir"),
    "worker --store not DuckDB": Row("worker --store {in}/x.jsonl --address {addr}", "x.jsonl"),
    "worker --compute-concurrency 0": Row("worker --compute-concurrency 0", "'0'"),
    "worker --only bogus": Row("worker --only bogus", "bogus"),
    "server --retention forever": Row("server --retention forever", "forever"),
    "server on a port in use": Row("server --port {busy} --db-file s.db", "{busy}"),
    "server --db-file not SQLite": Row("server --db-file {in}/x.jsonl --port {closed}", "x.jsonl"),
    "sim-server on a port in use": Row("sim-server --port {busy}", "{busy}"),
    "eval: bad target option": Row(
        "eval", "latency_ms='abc'", extra=["--target", "sim:mid?latency_ms=abc"]
    ),
    "eval --turn-timeout abc": Row("eval --target sim:mid --turn-timeout abc", "abc"),
    "eval: timeout in target": Row(
        "eval", "timeout_s=3", extra=["--target", "sim:mid?timeout_s=3"]
    ),
    "eval: unknown sim profile": Row("eval --target sim:nope", "nope"),
    "eval: key in target": Row(
        "eval", "'api_key'", extra=["--target", "openai/x?api_key=sk-SECRET-1"]
    ),
    "eval: unknown domain": Row("eval --domain nope --target sim:mid", "nope"),
    "bench synth --world missing": Row("bench synth --world {in}/nope.json", "nope.json"),
    "bench orchestration --latencies abc": Row("bench orchestration --latencies abc", "abc"),
    "bench orchestration --concurrency 0": Row("bench orchestration --concurrency 0", "'0'"),
    "bench orchestration, real target": Row("bench orchestration --target openai/x", "openai/x"),
    "bench proposer --proposers nope": Row("bench proposer --proposers nope", "nope"),
    "sample: unknown axis": Row("sample --param bogus=1", "bogus"),
    "bench verifier: unknown axis": Row("bench verifier --param bogus=1", "bogus"),
    "bench verifier: unknown value": Row("bench verifier --param behaviour=sulk", "'sulk'"),
    "bench verifier: pins no task holds": Row(
        "bench verifier --param intent=change_flights --param policy_trap=yes --param "
        "cabin=business",
        "no task of the space has cabin=business with intent=change_flights policy_trap=yes",
    ),
    "sample: unknown domain": Row("sample --domain nope", "nope"),
    "sample --world missing": Row("sample --world {in}/nope.json", "nope.json"),
    "replay: unknown domain": Row("replay --domain nope --calls c.jsonl", "nope"),
    "params derive: missing file": Row("params derive --tasks {in}/nope.json", "nope.json"),
    "demo --tasks 0": Row("demo --tasks 0", "0"),
}


@dataclass
class Ran:
    code: int | None
    stdout: str
    stderr: str
    new_files: list[str]


@dataclass
class Results:
    ran: dict[str, Ran]
    values: dict[str, str]
    retention: tuple[object, object]  # the dev server's, before and after every row ran


def _env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": str(REPO),
        "TOOLMINE_HOME": str(home / ".toolmine"),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def _run(row: Row, values: dict[str, str], cwd: Path, inputs: Path) -> Ran:
    args = [a.format(**values) for a in row.args.split()] + row.extra
    before = _files(inputs)
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from cli.main import run; run()", *args],
            cwd=cwd,
            env=_env(cwd),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = None, str(exc.stdout or ""), str(exc.stderr or "")
    stray = sorted(_files(cwd) | (_files(inputs) - before))
    return Ran(code, out, err, stray)


def _prepare_inputs(folder: Path, history: Store) -> None:
    (folder / "adir").mkdir()
    (folder / "x.jsonl").write_text('{"a": 1}\n')
    other = duckdb.connect(str(folder / "other.duckdb"))
    other.execute("CREATE TABLE t (a INTEGER)")
    other.close()
    history.close()


async def _harvests(env: WorkflowEnvironment, queues: Queues, tag: str) -> dict[str, str]:
    """A completed, a cancelled, a failed and a running (paused) harvest."""
    client = env.client
    ids = {k: f"{k}-{tag}" for k in ("completed", "cancelled", "failed", "running")}

    async def begin(key: str, **over: Any) -> WorkflowHandle[Any, Any]:
        paused = bool(over.pop("paused", False))
        cfg = fake_config(queues, harvest_id=ids[key], **over)
        return await client.start_workflow(
            HarvestWorkflow.run,
            HarvestInput(config=cfg, paused=paused),
            id=ids[key],
            task_queue=queues.ledger,
        )

    done = await begin("completed", n_tasks=1)
    await done.result()
    cancelled = await begin("cancelled", paused=True)
    await cancelled.cancel()
    failed = await begin("failed", budgets=Budgets(max_rollouts=-1))  # refused by the ledger
    for handle in (cancelled, failed):
        with contextlib.suppress(WorkflowFailureError):
            await handle.result()
    await begin("running", paused=True)
    return ids


async def _retention(env: WorkflowEnvironment) -> object:
    answer = await env.client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=env.client.namespace)
    )
    return answer.config.workflow_execution_retention_ttl.ToTimedelta()


@pytest_asyncio.fixture(scope="module")
async def results(
    temporal_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Results]:
    tag = uuid.uuid4().hex[:8]
    queues = Queues(ledger=f"ledger-{tag}", compute=f"compute-{tag}")
    inputs = tmp_path_factory.mktemp("inputs")
    store = Store(":memory:")
    address = temporal_env.client.service_client.config.target_host
    retention = await _retention(temporal_env)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    history = Store(inputs / "history.duckdb")
    _prepare_inputs(inputs, history)
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        values = {
            "addr": address,
            "ledger": queues.ledger,
            "in": str(inputs),
            "busy": address.rpartition(":")[2],  # the dev server's own port
            "closed": str(closed_port),
            **await _harvests(temporal_env, queues, tag),
        }
        gate = asyncio.Semaphore(PARALLEL)

        async def one(name: str, row: Row) -> tuple[str, Ran]:
            cwd = tmp_path_factory.mktemp("cwd")
            async with gate:
                return name, await asyncio.to_thread(_run, row, values, cwd, inputs)

        ran = dict(await asyncio.gather(*(one(n, r) for n, r in ROWS.items())))
        yield Results(ran, values, (retention, await _retention(temporal_env)))


@pytest.mark.parametrize("name", list(ROWS))
def test_a_mistake_is_one_line(name: str, results: Results) -> None:
    row, ran, values = ROWS[name], results.ran[name], results.values
    assert ran.code is not None, f"hung: {ran.stderr[-500:]}"
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert "Traceback" not in ran.stderr, ran.stderr[-2000:]
    assert len(lines) == 1, ran.stderr[-2000:]
    assert lines[0].startswith("error: "), lines[0]
    assert row.says.format(**values) in lines[0], lines[0]
    assert "SECRET" not in lines[0]
    assert ran.code == row.code, (ran.code, lines[0])
    assert ran.stdout == "", ran.stdout[-1000:]
    assert ran.new_files == [], ran.new_files


def test_a_server_started_on_a_busy_port_leaves_the_other_server_alone(results: Results) -> None:
    """`toolmine server --port <in use>` used to report success and set the other server's
    retention; the dev server's retention must be what it was before every row ran."""
    before, after = results.retention
    assert before == after


def test_the_bare_worker_script_says_a_bad_store_in_one_line(tmp_path: Path) -> None:
    """`python worker.py` (what docker-compose runs) refuses a bad history file the same way."""
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"a": 1}\n')
    done = subprocess.run(
        [sys.executable, str(REPO / "worker.py"), "--store", str(bad), "--address", "x:1"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: history file {bad} is not a DuckDB database"
    ]
