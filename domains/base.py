"""The domain contract: worlds, toolkits whose methods are the agent's tools, and a domain's spec.

A domain is pure Python: no Temporal, no DuckDB, no LLM calls. The mining engine drives every
domain through the types here, so a new domain only subclasses `World` and `Toolkit` and
registers a `Domain` in `domains/registry.py`. Everything the engine needs to know about a
domain's subject (which tool hands a chat to a human, who the tasks are about, how to build
worlds) comes through the `Domain`'s typed hooks, so mining/ never names a domain's entities.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

if TYPE_CHECKING:  # domains.dag builds on World: these are imported for the annotations only
    from domains.dag import DagSpec
    from domains.wg import WGVocabulary


class ToolKind(StrEnum):
    """READ tools only look; WRITE tools change the world (and are what a verifier replays)."""

    READ = "read"
    WRITE = "write"
    GENERIC = "generic"


F = TypeVar("F", bound=Callable[..., Any])


def tool(kind: ToolKind) -> Callable[[F], F]:
    """Mark a toolkit method as a tool. The function itself is kept unwrapped on purpose: Python's
    own argument errors then name `Toolkit.method()` exactly as the benchmark's do."""

    def mark(fn: F) -> F:
        fn.__tool_kind__ = kind  # type: ignore[attr-defined]
        return fn

    return mark


class ToolCall(BaseModel):
    """One tool call as an agent (or a golden trajectory) makes it."""

    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class ToolResult(BaseModel):
    """What the agent sees back: a tool message, flagged when it is an error."""

    content: str
    error: bool = False


class WorldFileError(ValueError):
    """A world file that cannot be used (missing, unreadable, not a valid world). The message
    names the path and what to do; the CLI turns it into a user error (domains never import
    mining/, so this cannot be `mining.core.errors.UserError` itself)."""


def one_line_errors(exc: ValidationError, limit: int = 5) -> str:
    """A validation error as one line ("where: what; ..."), for messages a person reads."""
    problems = [
        f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
        for err in exc.errors()
    ]
    more = f" (and {len(problems) - limit} more)" if len(problems) > limit else ""
    return "; ".join(problems[:limit]) + more


class World(BaseModel):
    """A domain's whole state (its database). Unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def from_json(cls: type[WorldT], data: Any, source: str = "world") -> WorldT:
        """A world from its file form (parsed JSON). Bad data raises `WorldFileError` naming
        `source`; domains may check more strictly than their models do."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise WorldFileError(f"{source} is not a valid world: {one_line_errors(exc)}") from None

    def to_json(self) -> dict[str, Any]:
        """The world in its file form (the same JSON shape it was loaded from)."""
        return self.model_dump(mode="json")

    def tau2_dump(self) -> dict[str, Any]:
        """The world as tau2-bench's model dump gives it: what tau2's DB check hashes, in stored
        order. Domains whose file form differs from tau2's dump override this."""
        return self.to_json()

    def canonical(self) -> dict[str, Any]:
        """The form whose equality is the pass criterion. Domains override this to sort the
        collections whose order carries no meaning."""
        return self.to_json()

    def copy_world(self: WorldT) -> WorldT:
        return self.model_copy(deep=True)


WorldT = TypeVar("WorldT", bound=World)


def to_json_text(value: Any) -> str:
    """Render a tool's return value as the tool message content: strings as they are, models and
    containers as JSON (default separators, model field order)."""
    if isinstance(value, str):
        return value
    return json.dumps(_plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Toolkit:
    """Base of every domain's toolkit. Subclasses define tools as methods marked with `@tool`.

    The toolkit owns the world it was given and changes it in place; callers pass a copy when the
    original must survive. `call` never raises: any failure becomes an error message.
    """

    world: World
    _tools_cache: ClassVar[dict[type, dict[str, Callable[..., Any]]]] = {}
    _schema_cache: ClassVar[dict[type, list[dict[str, Any]]]] = {}

    def __init__(self, world: World) -> None:
        self.world = world

    @classmethod
    def tool_functions(cls) -> dict[str, Callable[..., Any]]:
        """Tool name -> unbound function, in definition order."""
        cached = Toolkit._tools_cache.get(cls)
        if cached is None:
            cached = {}
            for klass in reversed(cls.__mro__):
                for name, member in vars(klass).items():
                    if callable(member) and hasattr(member, "__tool_kind__"):
                        cached[name] = member
            Toolkit._tools_cache[cls] = cached
        return cached

    @classmethod
    def tool_names(cls) -> list[str]:
        return list(cls.tool_functions())

    @classmethod
    def tool_kind(cls, name: str) -> ToolKind:
        kind: ToolKind = cls.tool_functions()[name].__tool_kind__  # type: ignore[attr-defined]
        return kind

    @classmethod
    def write_tools(cls) -> set[str]:
        return {n for n in cls.tool_names() if cls.tool_kind(n) is ToolKind.WRITE}

    @classmethod
    def schemas(cls) -> list[dict[str, Any]]:
        """OpenAI function schemas, built from each tool's signature and docstring (once per
        class: building them costs ~0.1 s). Callers get a deep copy they may change."""
        cached = Toolkit._schema_cache.get(cls)
        if cached is None:
            cached = [tool_schema(fn) for fn in cls.tool_functions().values()]
            Toolkit._schema_cache[cls] = cached
        return copy.deepcopy(cached)

    def call(self, name: str, arguments: dict[str, Any] | None = None) -> ToolResult:
        """Run one tool call the way the benchmark does: unknown tool, bad arguments and raised
        errors all come back as `Error: ...` messages flagged as errors."""
        if name not in self.tool_functions():
            return ToolResult(content=f"Error: Tool '{name}' not found.", error=True)
        try:
            value = getattr(self, name)(**(arguments or {}))
        except Exception as exc:  # the toolkit boundary: every failure becomes data
            return ToolResult(content=f"Error: {exc}", error=True)
        return ToolResult(content=to_json_text(value), error=False)


# --- schema generation -------------------------------------------------------------------------

_SECTION = re.compile(r"^\s*(Args|Arguments|Returns|Raises|Yields|Examples?|Notes?):\s*$")
_ARG_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into (description, {arg: description})."""
    text = inspect.cleandoc(doc or "")
    description: list[str] = []
    args: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    for line in text.splitlines():
        header = _SECTION.match(line)
        if header:
            section, current = header.group(1), None
            continue
        if section is None:
            description.append(line)
        elif section in ("Args", "Arguments"):
            arg = _ARG_LINE.match(line)
            indent = len(line) - len(line.lstrip())
            if arg and indent <= 4:
                current = arg.group(1).lstrip("*")
                args[current] = arg.group(2).strip()
            elif current and line.strip():
                args[current] = f"{args[current]} {line.strip()}".strip()
    return "\n".join(description).strip(), args


def tool_schema(fn: Callable[..., Any]) -> dict[str, Any]:
    """The OpenAI function schema of one tool (parameters titled `parameters`, as tau2 emits)."""
    description, arg_docs = parse_docstring(fn.__doc__)
    hints = get_type_hints(fn)
    fields: dict[str, Any] = {}
    for pname, param in inspect.signature(fn).parameters.items():
        if pname == "self":
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[pname] = (hints.get(pname, Any), Field(default, description=arg_docs.get(pname)))
    params_model = create_model("parameters", **fields)
    return {
        "type": "function",
        "function": {
            "name": fn.__name__,
            "description": description,
            "parameters": params_model.model_json_schema(),
        },
    }


# --- the domain spec ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    """How an agent hands the conversation to a human: the tool it calls, and the message the
    policy tells it to send afterwards. Scoring counts a call of `tool` as a transfer."""

    tool: str
    message: str


@dataclass(frozen=True)
class WritePolicy:
    """What the domain's policy asks around a write, as the strict verifier checks it.

    - `names(call, world)`: what a description of this write must state before the customer
      confirms it (ids, flight numbers, amounts: the details that make it this write);
    - `lookups(call, world)`: the reads that must have succeeded before it (a call whose
      arguments include each of the read's arguments counts);
    - `confirm`: whether the customer must confirm a write after it was described.
    `world` is the task's initial world in file form.
    """

    names: Callable[[ToolCall, Mapping[str, Any]], list[str]]
    lookups: Callable[[ToolCall, Mapping[str, Any]], list[ToolCall]]
    confirm: bool = True


# A task as JSON (Task.model_dump) -> the people (by name) and the routes (origin, destination)
# it is built around; diversity figures count distinct ones over a harvest.
EntitiesFn = Callable[[Mapping[str, Any]], tuple[set[str], set[tuple[str, str]]]]


@dataclass(frozen=True)
class Violation:
    """One way a world is inconsistent: the rule broken (a dotted name such as
    "route.same_metro"), the entity that breaks it ("flights/HAT301", "reservations/4WQ150",
    "users/mia_li_3668") and why, in words a person can act on."""

    rule: str
    entity: str
    why: str

    def __str__(self) -> str:
        return f"{self.rule} {self.entity}: {self.why}"


# A world -> the ways it is inconsistent (empty: none); run on every world a mode produces
# (synthesized, generated by a model, or loaded from a file).
ConsistencyFn = Callable[[World], list[Violation]]
# A world file path (None: the domain's own) -> entity pools the world builders draw from.
PoolsFn = Callable[[str | None], Any]
# (a write's arguments, the world JSON) -> None: after a simulated mistake edited the arguments,
# make their payments add up again in place, so the write succeeds and leaves a wrong state.
RepriceFn = Callable[[dict[str, Any], Mapping[str, Any]], None]
# (a look-alike entity's id, the date it is wanted for, the world JSON, the write's arguments)
# -> whether an agent could pick it for that date (False: e.g. a full or cancelled flight).
BookableFn = Callable[[str, Any, Mapping[str, Any], Mapping[str, Any]], bool]
# (a write, the world it is about to change) -> how a careful agent describes it before asking
# the customer to confirm (what it does, and what it costs).
DescribeFn = Callable[[ToolCall, World], str]


@dataclass(frozen=True)
class Mistakes:
    """What simulated targets and the failure analyst need to know about a domain's mistakes,
    beyond a task's own hints (`meta["choices"]`). The defaults know nothing: no look-alikes,
    confusions or miscounts, payments left as they are, every look-alike bookable.

    - `hint_kinds`: simulated mistake (as `mining/targets/sim/errors.py` names it) -> the choice
      kinds it takes its wrong values from (`distractor_flight`: a flight, a reservation);
    - `look_alike_kinds`: choice kinds whose wrong value the analyst labels `distractor_chosen`
      (look-alike entities, including ones no simulated mistake picks, such as a passenger);
    - `look_alike_keys`: fields a look-alike entity shares with the right one (same owner, same
      route), for calls no hint covers;
    - `confusions`: argument -> value -> the value an agent confuses it with (a cabin);
    - `miscounts`: a count argument an agent gets wrong -> the total argument that must stay at
      least as large (the bags it pays for, of all its bags);
    - `reprice`: how the itinerary a mistake chose is paid for (see `RepriceFn`);
    - `bookable`: whether a look-alike could be chosen for a date (see `BookableFn`).
    """

    hint_kinds: Mapping[str, frozenset[str]] = field(default_factory=dict)
    look_alike_kinds: frozenset[str] = frozenset()
    look_alike_keys: tuple[str, ...] = ()
    confusions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    miscounts: Mapping[str, str] = field(default_factory=dict)
    reprice: RepriceFn | None = None
    bookable: BookableFn | None = None


@dataclass(frozen=True)
class Domain:
    """What the registry holds for one domain.

    `load_world(path)` reads a world file (None: the domain's default world, if it has one).
    The hooks are optional; a domain without one gets the engine's neutral behaviour:
    - `dag`: DAG-mode synthesis (graph, parameter space, world builder, task text);
    - `wg`: WG-mode vocabulary (capability tags, knobs, assertions, breakers);
    - `pools`: entity pools for world builders (names, places, ...);
    - `transfer`: the hand-off to a human agent (None: the domain has no such tool);
    - `consistency`: a world consistency checker (None: worlds are only checked by the model);
    - `task_entities`: the people and routes a task is about (None: diversity counts none);
    - `mistakes`: what simulated targets and the failure analyst know of the domain's mistakes
      (see `Mistakes`; its defaults know nothing);
    - `write_policy`: what the policy asks around writes (descriptions, confirmations, required
      lookups; None: the verifier checks none of that);
    - `describe`: how a simulated target describes a write before asking to confirm it (None:
      it lists the call's arguments).
    """

    name: str
    summary: str
    world_type: type[World]
    toolkit_type: type[Toolkit]
    policy: str
    load_world: Callable[[str | None], World]
    dag: DagSpec | None = None
    wg: WGVocabulary | None = None
    pools: PoolsFn | None = None
    transfer: Transfer | None = None
    consistency: ConsistencyFn | None = None
    task_entities: EntitiesFn | None = None
    mistakes: Mistakes = field(default_factory=Mistakes)
    write_policy: WritePolicy | None = None
    describe: DescribeFn | None = None

    def toolkit(self, world: World) -> Toolkit:
        return self.toolkit_type(world)

    def tool_schemas(self) -> list[dict[str, Any]]:
        return self.toolkit_type.schemas()

    def transfer_tool(self) -> str | None:
        """The name of the hand-off tool, if the domain has one."""
        return self.transfer.tool if self.transfer else None
