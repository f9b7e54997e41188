"""`toolmine bench text`: template defects over sampled tasks (mining/dag/textcheck.py).

Every text of every sampled task's user scenario (and its description) is checked for leftover
slots, stray punctuation, nested parentheses, lower-case sentence starts, doubled words,
people's names in the wrong case or twice in one sentence, and sentences that say again what an
earlier one said. Prints the count, by kind, with the first few examples.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from cli.bench import DomainOption, JsonOption, SampledOption, SeedOption, bench_app
from mining.dag.synthesize import get_domain, sample_tasks, spec_of
from mining.dag.textcheck import scenario_defects


@bench_app.command("text")
def text_command(
    domain: DomainOption = "airline",
    n: SampledOption = 1000,
    seed: SeedOption = 7,
    as_json: JsonOption = False,
) -> None:
    """Template defects in the text of n sampled tasks.

    Example: toolmine bench text --n 1000 --seed 7
    """
    spec_of(get_domain(domain))
    tasks = sample_tasks(domain, n, seed)
    found = {t.task_id: scenario_defects(t) for t in tasks}
    kinds = Counter(d.split(":")[0] for ds in found.values() for d in ds)
    report: dict[str, Any] = {
        "domain": domain,
        "tasks": len(tasks),
        "with_scenario": sum(t.user_scenario is not None for t in tasks),
        "defects": sum(kinds.values()),
        "tasks_with_defects": sum(1 for ds in found.values() if ds),
        "by_kind": dict(kinds),
        "examples": [[tid, ds[:2]] for tid, ds in found.items() if ds][:5],
    }
    if as_json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{domain}: {report['defects']} template defects in {report['tasks_with_defects']} of "
        f"{report['tasks']} tasks ({report['with_scenario']} with a user scenario)"
    )
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}")
    for tid, ds in report["examples"]:
        print(f"  {tid}: {ds}")
