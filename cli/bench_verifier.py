"""`toolmine bench verifier`: the strict verifier's mutation suite (false passes and failures).

See mining/bench/verifier.py: the oracle's conversation for each sampled task must pass, each
breaking mutation of it must fail and each neutral one pass. Printed per mutation, with how
many of the same cases tau2-bench's own verdict (world hash and substring facts) would pass.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli.bench import DomainOption, JsonOption, SampledOption, SeedOption, bench_app
from cli.sample import parse_params
from mining.bench.verifier import run_suite
from mining.dag.synthesize import get_domain, spec_of


@bench_app.command("verifier")
def verifier_command(
    domain: DomainOption = "airline",
    n: SampledOption = 200,
    seed: SeedOption = 7,
    as_json: JsonOption = False,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="Sample only tasks at this axis value: axis=value (repeatable; see "
            "`toolmine params show`).",
        ),
    ] = None,
) -> None:
    """Gold runs and their mutants scored by the strict verifier.

    Example: toolmine bench verifier --n 200 --seed 7
    Pinned: toolmine bench verifier --n 40 --param behaviour=condition --param intent=change_cabin
    """
    spec_of(get_domain(domain))
    fixed = parse_params(domain, param or [])
    report = run_suite(domain, n, seed, fixed)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    pinned = " ".join(f"{k}={v}" for k, v in fixed.items())
    fewer = f" (the space held {report['tasks']} of {n})" if report["tasks"] < n else ""
    print(
        f"{domain}{' at ' + pinned if pinned else ''}: {report['cases']} cases over "
        f"{report['tasks']} tasks{fewer}; "
        f"false passes {report['false_passes']}, false failures {report['false_failures']}"
    )
    print(f"{'case':<22}{'expect':>8}{'cases':>7}{'wrong':>7}{'tau2 passes':>13}")
    for name, row in report["mutations"].items():
        print(
            f"{name:<22}{row['expect']:>8}{row['cases']:>7}{row['wrong']:>7}"
            f"{row['tau2_passes']:>13}"
        )
    for example in report["examples"]:
        print(f"  wrong: {example['task_id']} {example['mutation']}: {example['reasons'][:2]}")
