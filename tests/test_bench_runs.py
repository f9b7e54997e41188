"""Bench harvests in worker processes (`toolmine bench proposer --jobs`): same figures, in order."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mining.bench.family import run_family
from mining.bench.proposer import RunFigures
from mining.core.errors import UserError


def _figures(runs: list[RunFigures]) -> list[dict[str, object]]:
    return [r.model_dump(exclude={"seconds"}) for r in runs]


@pytest.mark.slow
def test_jobs_give_the_figures_of_one_process_in_config_order() -> None:
    shape = {"n_tasks": 2, "seeds": [0, 1], "batch": 4, "domain": "mock", "max_rollouts": 200}
    targets = ["sim:weak", "sim:mid"]
    heard: list[tuple[str, str, int]] = []
    alone = run_family(targets, proposers=["random", "adaptive"], **shape)  # type: ignore[arg-type]
    spread = run_family(
        targets,
        proposers=["random", "adaptive"],
        jobs=3,
        on_run=lambda target, run: heard.append((target, run.proposer, run.seed)),
        **shape,  # type: ignore[arg-type]
    )
    assert [r.target for r in spread.results] == targets
    for a, b in zip(alone.results, spread.results, strict=True):
        assert [p.proposer for p in b.proposers] == ["random", "adaptive"]
        for pa, pb in zip(a.proposers, b.proposers, strict=True):
            assert [r.seed for r in pb.runs] == [0, 1]
            assert _figures(pa.runs) == _figures(pb.runs)
    assert spread.family == alone.family
    expected = {(t, p, s) for t in targets for p in ("random", "adaptive") for s in (0, 1)}
    assert sorted(heard) == sorted(expected)  # every run reported once, as it finished


def test_a_bad_target_is_refused_before_any_harvest() -> None:
    with pytest.raises(UserError, match="needs sim:PROFILE"):
        run_family(["sim:weak", "openai/gpt-4.1"], 2, [0], proposers=["random"], jobs=2)


@pytest.mark.parametrize("jobs", ["0", "65"])
def test_cli_refuses_a_bad_jobs_count(jobs: str) -> None:
    from cli.main import _register_commands, app

    _register_commands()
    result = CliRunner().invoke(app, ["bench", "proposer", "--domain", "mock", "--jobs", jobs])
    assert isinstance(result.exception, UserError)
    assert f"--jobs {jobs}: allowed 1..64" in str(result.exception)
