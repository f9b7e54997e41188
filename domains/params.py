"""A domain's parameter space: named axes, their values, and which values go together.

The proposer and the walk sampler pick points in this space; the CLI parses `--param axis=value`
against it. Axes are sampled in declaration order, and an axis may narrow its allowed values given
the axes before it (`allowed`), so sampling never has to reject and validation can say exactly
which values would have been allowed. This module stays free of the mining engine on purpose
(domains never import mining/), so bad points raise `ParamError`, which the CLI turns into a
user error.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Value = str | int
Point = dict[str, Value]


SAMPLE_ATTEMPTS = 200  # draws tried before a pinned axis is reported as not fitting
# A caller that pins rare values on purpose (`--param behaviour=condition`: about one draw in
# 200 fits it) draws this long (~2 s) before the pins are called impossible.
PINNED_ATTEMPTS = 20_000


class ParamError(ValueError):
    """A bad parameter point or assignment; the message names the axis, the value and the
    allowed values."""


@dataclass(frozen=True)
class Axis:
    """One named axis. `allowed(partial)` narrows `values` given the axes sampled before it;
    `weights` (same length as `values`) biases sampling; `relevant(point)` says whether the axis
    matters for that point (irrelevant axes are left out of signatures and cells)."""

    name: str
    values: tuple[Value, ...]
    description: str = ""
    allowed: Callable[[Mapping[str, Value]], Sequence[Value]] | None = None
    weights: tuple[float, ...] | None = None
    relevant: Callable[[Mapping[str, Value]], bool] | None = None

    def allowed_values(self, partial: Mapping[str, Value]) -> tuple[Value, ...]:
        if self.allowed is None:
            return self.values
        narrowed = set(self.allowed(partial))
        return tuple(v for v in self.values if v in narrowed)

    def parse(self, text: str) -> Value:
        """Turn a command-line value into this axis's type (ints stay ints)."""
        for value in self.values:
            if str(value) == text:
                return value
        raise ParamError(
            f"unknown value {text!r} for axis {self.name!r}; allowed: {_fmt(self.values)}"
        )


@dataclass(frozen=True)
class ParamSpace:
    """Named axes plus the axes that make up a coarse diversity cell."""

    axes: tuple[Axis, ...]
    cell_axes: tuple[str, ...] = ()
    name: str = ""
    # Optional coarsening of an axis inside the cell key (e.g. passengers 4 and 5 -> "4-5").
    buckets: Mapping[str, Callable[[Value], str]] = field(default_factory=dict)
    _index: dict[str, Axis] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({a.name: a for a in self.axes})
        unknown = [n for n in self.cell_axes if n not in self._index]
        if unknown:
            raise ValueError(f"cell axes not in the space: {unknown}")

    def axis(self, name: str) -> Axis:
        try:
            return self._index[name]
        except KeyError:
            raise ParamError(
                f"unknown axis {name!r}; allowed: {_fmt([a.name for a in self.axes])}"
            ) from None

    def names(self) -> list[str]:
        return [a.name for a in self.axes]

    def sample(
        self,
        rng: random.Random,
        fixed: Mapping[str, Value] | None = None,
        attempts: int = SAMPLE_ATTEMPTS,
    ) -> Point:
        """A random valid point; `fixed` pins some axes (validated first). A pinned axis may not
        go with what was drawn for the axes before it (pinned `payment_mix=gift_cards` after a
        drawn business cabin for five): then the draw is retried, up to `attempts` times,
        before the conflict is reported."""
        fixed = dict(fixed or {})
        for name, value in fixed.items():
            axis = self.axis(name)
            if value not in axis.values:
                raise ParamError(
                    f"unknown value {value!r} for axis {name!r}; allowed: {_fmt(axis.values)}"
                )
        for _ in range(attempts - 1):
            try:
                return self._draw(rng, fixed)
            except ParamError:
                if not fixed:  # nothing pinned: the space itself has a dead end
                    raise
        return self._draw(rng, fixed)

    def check_pins(
        self, fixed: Mapping[str, Value], rng: random.Random, attempts: int = PINNED_ATTEMPTS
    ) -> None:
        """Raise ParamError unless some point holds every pinned value, naming the first pin (in
        axis order) that no point holds together with the pins before it, and the values that
        axis takes beside them. Reachability is by drawing, so a pin that fits fewer than one
        point in `attempts` counts as impossible."""
        before: Point = {}
        for axis in self.axes:
            if axis.name not in fixed:
                continue
            pins = {**before, axis.name: fixed[axis.name]}
            try:
                self.sample(rng, pins, attempts)
            except ParamError:
                taken = self._values_taken(axis, before, rng, attempts // 4)
                beside = f" with {_context(before)}" if before else ""
                there = f"with {_context(before)}, " if before else ""
                raise ParamError(
                    f"no task of the space has {axis.name}={fixed[axis.name]}{beside}; "
                    f"{there}{axis.name} takes: {_fmt(taken) or 'no value'}"
                ) from None
            before = pins

    def _values_taken(
        self, axis: Axis, fixed: Mapping[str, Value], rng: random.Random, draws: int
    ) -> list[Value]:
        seen: set[Value] = set()
        for _ in range(draws):
            try:
                seen.add(self._draw(rng, fixed)[axis.name])
            except ParamError:
                continue
        return [v for v in axis.values if v in seen]

    def _draw(self, rng: random.Random, fixed: Mapping[str, Value]) -> Point:
        point: Point = {}
        for axis in self.axes:
            choices = axis.allowed_values(point)
            if axis.name in fixed:
                value = fixed[axis.name]
                if value not in choices:
                    raise ParamError(
                        f"value {value!r} for axis {axis.name!r} does not go with "
                        f"{_context(point)}; allowed there: {_fmt(choices)}"
                    )
                point[axis.name] = value
                continue
            if not choices:
                raise ParamError(f"no value of axis {axis.name!r} fits {_context(point)}")
            if axis.weights is None:
                point[axis.name] = rng.choice(choices)
            else:
                w = dict(zip(axis.values, axis.weights, strict=True))
                point[axis.name] = rng.choices(choices, weights=[w[c] for c in choices])[0]
        return point

    def validate(self, point: Mapping[str, Any]) -> Point:
        """Check a full point; raise ParamError naming the first bad axis or value."""
        for name in point:
            self.axis(name)  # unknown axis names fail here
        checked: Point = {}
        for axis in self.axes:
            if axis.name not in point:
                raise ParamError(f"missing axis {axis.name!r}; values: {_fmt(axis.values)}")
            value = point[axis.name]
            if value not in axis.values:
                raise ParamError(
                    f"unknown value {value!r} for axis {axis.name!r}; allowed: {_fmt(axis.values)}"
                )
            choices = axis.allowed_values(checked)
            if value not in choices:
                raise ParamError(
                    f"value {value!r} for axis {axis.name!r} does not go with "
                    f"{_context(checked)}; allowed there: {_fmt(choices)}"
                )
            checked[axis.name] = value
        return checked

    def relevant(self, point: Mapping[str, Value]) -> Point:
        """The point without the axes that do not matter for it (used in signatures)."""
        return {
            a.name: point[a.name]
            for a in self.axes
            if a.name in point and (a.relevant is None or a.relevant(point))
        }

    def cell(self, point: Mapping[str, Value]) -> str:
        """A coarse cell key over `cell_axes`, e.g. `intent=book|cabin=economy|passengers=2`."""
        parts = []
        for n in self.cell_axes:
            value = point.get(n, "-")
            bucket = self.buckets.get(n)
            parts.append(f"{n}={bucket(value) if bucket and n in point else value}")
        return "|".join(parts)

    def parse_assignments(self, items: Sequence[str]) -> Point:
        """Parse `axis=value` strings (the CLI's `--param`)."""
        fixed: Point = {}
        for item in items:
            if "=" not in item:
                raise ParamError(
                    f"bad --param {item!r}: expected axis=value with axis one of "
                    f"{_fmt(self.names())}"
                )
            name, _, text = item.partition("=")
            axis = self.axis(name.strip())
            fixed[axis.name] = axis.parse(text.strip())
        return fixed

    def describe(self) -> list[dict[str, Any]]:
        return [
            {"axis": a.name, "values": list(a.values), "description": a.description}
            for a in self.axes
        ]


def _fmt(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _context(point: Mapping[str, Value]) -> str:
    if not point:
        return "the other axes"
    return " ".join(f"{k}={v}" for k, v in point.items())
