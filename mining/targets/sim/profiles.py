"""Profiles of simulated targets: how likely each error is, as a function of task features.

A profile is a YAML or JSON file:

```yaml
name: mid
description: a capable model that loses track on crowded, multi-intent tasks
errors:                      # error name -> how likely the simulated agent commits it
  distractor_chosen:
    base_rate: 0.03          # probability when every feature is 0 (or `base_logit: -3.5`)
    weights:                 # feature name -> weight added to the logit per unit of the feature
      distractor_density: 2.0
      passengers: 0.3
weak_regions:                # where this target's pass rate is low (proposer benchmarks score
  - name: crowded-search     # how well a proposer covers them)
    when: {distractor_density: ">= 0.5", passengers: ">= 2"}
pockets:                     # optional: narrow weak spots given by axis values of the point
  - name: business-bags
    domain: airline
    when: {cabin: business, bags: extra}   # relevant axis values, all must hold
    rate: 0.6                # probability of the error there
    errors: [bag_miscount, tool_error_loop]  # the first that applies to the task is committed
```

P(error) = logistic(base_logit + sum(weight * feature)); `base_rate` p stands for the logit
log(p / (1 - p)). A feature a task does not have counts as 0 (a profile may weigh features of
several domains). Error names are those of `mining.targets.sim.errors.ERROR_NAMES`; feature names
are those some domain's tasks carry (`Task.features`: the domain's `DagSpec.features` plus the
engine's, see `mining.dag.synthesize.feature_names`) and the derived features `n_calls`,
`n_writes`, `n_reads`, `refusal` (see `mining.targets.sim.agent`); any other name is refused.
`when` conditions are a number (equality) or a string `OP NUMBER`, OP one of >=, <=, >, <, ==, !=.
Pocket axes and values are checked against the domain's parameter space. `sim:pockets:SEED[:N]`
names a generated profile with N such pockets (`mining.targets.sim.pockets`).
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from domains.base import one_line_errors
from mining.core.errors import UserError

BUILTIN_DIR = Path(__file__).resolve().parent / "shipped"

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


class ErrorSpec(BaseModel):
    base_rate: float | None = Field(default=None, gt=0, lt=1)
    base_logit: float | None = None
    weights: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_base(self) -> ErrorSpec:
        if (self.base_rate is None) == (self.base_logit is None):
            raise ValueError("give exactly one of base_rate or base_logit")
        return self

    def logit(self, features: dict[str, float]) -> float:
        base = self.base_logit
        if base is None:
            p = float(self.base_rate or 0.5)
            base = math.log(p / (1 - p))
        return base + sum(w * float(features.get(f, 0.0)) for f, w in self.weights.items())

    def probability(self, features: dict[str, float]) -> float:
        return logistic(self.logit(features))


def condition_holds(value: float, condition: float | int | str | bool) -> bool:
    if isinstance(condition, bool | int | float):
        return value == float(condition)
    text = condition.strip()
    for symbol in sorted(_OPS, key=len, reverse=True):
        if text.startswith(symbol):
            return _OPS[symbol](value, float(text[len(symbol) :]))
    return value == float(text)


class WeakRegion(BaseModel):
    name: str
    when: dict[str, float | int | str] = Field(description="feature -> condition, all must hold")
    note: str = ""

    def matches(self, features: dict[str, float]) -> bool:
        return all(condition_holds(float(features.get(f, 0.0)), c) for f, c in self.when.items())


class Pocket(BaseModel):
    """A narrow weak spot given by axis values: where every one of them holds among the relevant
    axis values of a task's point (in `domain`), the target commits the first of `errors` that
    applies to the task, with probability `rate`. A pocket is also a weak region."""

    name: str
    domain: str = "airline"
    when: dict[str, str | int] = Field(description="axis -> value, all must hold")
    rate: float = Field(gt=0, le=1)
    errors: list[str] = Field(min_length=1, description="tried in order until one applies")
    note: str = ""

    def matches(self, domain: str, relevant: Mapping[str, Any]) -> bool:
        return domain == self.domain and all(
            axis in relevant and relevant[axis] == value for axis, value in self.when.items()
        )


class Profile(BaseModel):
    name: str
    description: str = ""
    errors: dict[str, ErrorSpec] = Field(default_factory=dict)
    weak_regions: list[WeakRegion] = Field(default_factory=list)
    pockets: list[Pocket] = Field(default_factory=list)

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        return {name: spec.probability(features) for name, spec in self.errors.items()}

    def weak_regions_of(self, features: dict[str, float]) -> list[str]:
        """Names of the weak regions (given by features) that a task falls in; see
        `mining.targets.sim.agent.task_regions` for pockets too."""
        return [r.name for r in self.weak_regions if r.matches(features)]

    def region_names(self) -> list[str]:
        """Every weak spot a proposer benchmark scores coverage of: regions, then pockets."""
        return [r.name for r in self.weak_regions] + [p.name for p in self.pockets]


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def _read(path: Path) -> dict[str, Any]:
    # Errors name the file and the place, never its text: a profile path can point anywhere
    # (the sim-server answers network requests), and the message must not leak what is there.
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise UserError(f"cannot read simulated-target profile {path}: {reason}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise UserError(f"profile {path} is not valid JSON ({where})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise UserError(f"profile {path} is not valid YAML ({where}{problem})") from None
    if not isinstance(data, dict):
        raise UserError(f"profile {path} must be a mapping with 'errors'")
    return data


_CACHE: dict[str, Profile] = {}


def load_profile(ref: str) -> Profile:
    """`mid` (a built-in), `file:PATH` or `pockets:SEED[:N]` (generated, see
    `mining.targets.sim.pockets`) -> Profile, checked (`mining.targets.sim.checks`)."""
    if ref in _CACHE:
        return _CACHE[ref]
    from mining.targets.sim.checks import check_profile

    if ref.startswith("pockets:"):
        from mining.targets.sim.pockets import profile_for

        _CACHE[ref] = profile_for(ref)
        return _CACHE[ref]
    if ref.startswith("file:"):
        path = Path(ref[len("file:") :])
    else:
        path = BUILTIN_DIR / f"{ref}.yaml"
        if not path.exists():
            allowed = ", ".join(f"sim:{n}" for n in builtin_names())
            raise UserError(
                f"unknown simulated target sim:{ref}; allowed: {allowed}, sim:file:PATH, "
                "sim:pockets:SEED[:N]"
            )
    data = _read(path)
    data.setdefault("name", path.stem)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"profile {path} is invalid: {one_line_errors(exc)}") from None
    check_profile(profile, str(path))
    _CACHE[ref] = profile
    return profile
