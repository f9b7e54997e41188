"""How well the failure analyst recovers the errors a simulated target injected.

Runs simulated targets over sampled tasks; for every failed rollout with an injected error, the
analyst's top label agrees when it is the label expected for one of the injected errors
(`sim_errors.EXPECTED_LABEL`). Backs `toolmine bench analyst`.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.analyst import analyze
from mining.rollout.loop import run_rollout
from mining.targets.sim.errors import EXPECTED_LABEL


def bench_analyst(domain: str, targets: list[str], n: int, k: int, seed: int) -> dict[str, Any]:
    started = time.monotonic()
    tasks = sample_tasks(domain, n, seed)
    agree = judged = failed = unexplained = rollouts = 0
    per_error: dict[str, Counter[str]] = {}
    for target in targets:
        spec = parse_target(target)
        for task in tasks:
            for index in range(k):
                result = run_rollout(task, spec, index, seed)
                rollouts += 1
                if result.passed:
                    continue
                failed += 1
                if not result.injected_errors:
                    unexplained += 1
                    continue
                top = analyze(task, result).top_label
                expected = {EXPECTED_LABEL[e] for e in result.injected_errors}
                judged += 1
                hit = top is not None and str(top) in expected
                agree += hit
                for error in result.injected_errors:
                    per_error.setdefault(error, Counter())["agree" if hit else str(top)] += 1
    return {
        "domain": domain,
        "targets": targets,
        "tasks": len(tasks),
        "rollouts": rollouts,
        "failed": failed,
        "judged": judged,
        "unexplained_failures": unexplained,
        "agreement": round(agree / judged, 4) if judged else None,
        "per_error": {e: dict(c) for e, c in sorted(per_error.items())},
        "seconds": round(time.monotonic() - started, 3),
    }
