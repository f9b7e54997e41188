"""`toolmine sample` / `params derive` / `bench synth` / `bench proposer` from the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import _register_commands, app
from mining.core.errors import UserError
from mining.dag.synthesize import Rejection, sample_tasks

_register_commands()
runner = CliRunner()


def test_sample_prints_json_lines_with_every_field() -> None:
    result = runner.invoke(app, ["sample", "--n", "3", "--seed", "4", "--param", "intent=book"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    for row in rows:
        for key in (
            "task_id",
            "params",
            "walk",
            "task_description",
            "world",
            "tools",
            "golden_trajectory",
            "expected_final_world",
            "communicate",
            "signature",
        ):
            assert key in row
        assert row["params"]["intent"] == "book"
        assert {"name", "arguments"} <= set(row["golden_trajectory"][0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--param", "intent=bok"], "unknown value 'bok' for axis 'intent'; allowed: book"),
        (["--param", "colour=red"], "unknown axis 'colour'; allowed: n_intents"),
        (["--param", "intent"], "bad --param 'intent': expected axis=value"),
        (["--domain", "nope"], "unknown domain 'nope'"),
    ],
)
def test_bad_input_is_a_user_error(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["sample", "--n", "1", *args])
    assert isinstance(result.exception, UserError)
    assert message in str(result.exception)


def test_params_derive_on_tau2_tasks(tau2_dir: Path) -> None:
    result = runner.invoke(app, ["params", "derive", "--tasks", str(tau2_dir / "tasks.json"),
                                 "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tasks"] == 50
    assert sum(data["axes"]["intent"].values()) == 50
    assert data["axes"]["intent"]["cancel"] > 0


def test_params_derive_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "t.json"
    bad.write_text('{"not": "a list"}')
    result = runner.invoke(app, ["params", "derive", "--tasks", str(bad)])
    assert isinstance(result.exception, UserError)
    assert "expected a JSON list" in str(result.exception)


def test_bench_synth_prints_a_rate() -> None:
    result = runner.invoke(app, ["bench", "synth", "--n", "5", "--domain", "mock", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["density"] == "all" and rows[0]["validated"] > 0
    assert rows[0]["validated_per_second"] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--proposers", ","], "names no proposer; allowed: adaptive, greedy, oracle, random"),
        (["--proposers", "bogus"], "unknown proposer 'bogus'"),
        (["--target", "openai/x"], "needs sim:PROFILE"),
    ],
)
def test_bench_proposer_rejects_bad_options(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["bench", "proposer", *args])
    assert isinstance(result.exception, UserError)
    assert message in str(result.exception)


def test_sample_rejects_and_counts_worlds_the_checker_flags(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    from domains import registry
    from domains.base import Violation

    airline = registry.get("airline")
    late = Violation("time.actuals", "flights/HAT001", "no flight may be late")
    strict = dataclasses.replace(airline, consistency=lambda world: [late])
    real_get = registry.get
    monkeypatch.setattr(
        registry, "get", lambda name: strict if name == "airline" else real_get(name)
    )
    # Candidates the builder itself turns down never reach the checker.
    unbuilt: list[Rejection] = []
    sample_tasks("airline", 140, 3, max_attempts=140, rejections=unbuilt)
    flagged = 140 - sum(r.reason.startswith(("walk:", "build:", "turns:")) for r in unbuilt)
    result = runner.invoke(app, ["sample", "--n", "2", "--seed", "3", "--no-tools"])
    assert result.exit_code == 0 and result.stdout == ""
    said = f"0 tasks; 140 candidates rejected, {flagged} of them because the world consistency "
    assert said in result.stderr


def test_sample_says_how_many_it_rejected() -> None:
    result = runner.invoke(app, ["sample", "--n", "20", "--seed", "3", "--no-tools"])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 20
    # The airline builder's worlds pass the checker: none is rejected for it.
    assert re.search(r"^20 tasks; \d+ candidates rejected, 0 of them because", result.stderr)
