"""Unbiased pass@k and pass^k estimators from n trials with c successes.

pass@k = P(at least one of k draws passes) = 1 - C(n-c, k) / C(n, k) (Chen et al., 2021);
pass^k = P(all k draws pass) = C(c, k) / C(n, k) (tau-bench's reliability metric).
Draws are without replacement from the n recorded trials, which is what makes both unbiased.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import comb


def _check(n: int, c: int, k: int) -> None:
    if not 0 <= c <= n:
        raise ValueError(f"successes c={c} must be within 0..n={n}")
    if not 1 <= k <= n:
        raise ValueError(f"k={k} must be within 1..n={n}")


def pass_at_k(n: int, c: int, k: int) -> float:
    _check(n, c, k)
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float:
    _check(n, c, k)
    return comb(c, k) / comb(n, k)


def mean_over_tasks(results: Iterable[tuple[int, int]], k: int, hat: bool = True) -> float:
    """Mean pass^k (hat=True) or pass@k over tasks given (n, c) per task."""
    fn = pass_hat_k if hat else pass_at_k
    values = [fn(n, c, k) for n, c in results]
    return sum(values) / len(values) if values else 0.0
