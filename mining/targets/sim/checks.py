"""Checks on a simulated-target profile: every name in it must mean something.

A misspelt error, feature, axis or value would otherwise load and silently never apply (a feature
a task lacks counts as 0), so the target would lose the weak spot its author wrote. Each check
raises a `UserError` naming the bad names, where they are, and what is allowed.
"""

from __future__ import annotations

from mining.core.errors import UserError
from mining.targets.sim.profiles import Profile


def check_profile(profile: Profile, source: str) -> None:
    check_errors(profile, source)
    check_features(profile, source)
    check_pockets(profile, source)


def check_errors(profile: Profile, source: str) -> None:
    from mining.targets.sim.errors import ERROR_NAMES

    used = set(profile.errors) | {e for p in profile.pockets for e in p.errors}
    unknown = sorted(used - set(ERROR_NAMES))
    if unknown:
        raise UserError(
            f"profile {source}: unknown error(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(ERROR_NAMES)}"
        )


DERIVED_FEATURES = ("n_calls", "n_reads", "n_writes", "refusal")


def domain_features() -> dict[str, frozenset[str]]:
    """Domain -> every feature name a profile may weigh for its tasks."""
    from mining.dag.synthesize import feature_names, get_domain, spec_of, synthesis_domains

    return {
        name: feature_names(spec_of(get_domain(name))) | frozenset(DERIVED_FEATURES)
        for name in synthesis_domains()
    }


def check_features(profile: Profile, source: str) -> None:
    """Refuse feature names no domain's tasks carry (a misspelt one would silently count as 0),
    naming them, where they are, and the allowed features of each domain."""
    where: dict[str, list[str]] = {}
    for error, spec in profile.errors.items():
        for feature in spec.weights:
            where.setdefault(feature, []).append(f"errors.{error}.weights")
    for region in profile.weak_regions:
        for feature in region.when:
            where.setdefault(feature, []).append(f"weak_regions.{region.name}.when")
    known = domain_features()
    unknown = sorted(set(where) - set().union(*known.values()))
    if unknown:
        bad = ", ".join(f"{f!r} (in {', '.join(where[f])})" for f in unknown)
        allowed = "; ".join(f"{d}: {', '.join(sorted(names))}" for d, names in known.items())
        raise UserError(
            f"profile {source}: unknown feature(s) {bad}; allowed features of {allowed}"
        )


def check_pockets(profile: Profile, source: str) -> None:
    """Pocket domains, axes and values must exist (in the domain's parameter space)."""
    from domains.params import ParamError
    from mining.dag.synthesize import get_domain, spec_of, synthesis_domains

    for pocket in profile.pockets:
        where = f"profile {source}: pocket {pocket.name!r}"
        if pocket.domain not in synthesis_domains():
            raise UserError(
                f"{where}: unknown domain {pocket.domain!r}; allowed: "
                f"{', '.join(synthesis_domains())}"
            )
        space = spec_of(get_domain(pocket.domain)).space
        for axis, value in pocket.when.items():
            try:  # typed as the axis types it (YAML may give "2" for 2)
                pocket.when[axis] = space.axis(axis).parse(str(value))
            except ParamError as exc:
                raise UserError(f"{where}: {exc}") from None
