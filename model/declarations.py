"""What an extension declares: its index sets, its state fields, its observable vars and its actions.

NOTE(declarations): whatever owns an action or a piece of state declares it here, as data: a
protocol family, a trust model or a feature. The core derives everything else from these records:
the symbolic layout and its decoding (`model/symbolic.py`), the ITF `vars` and the observable
state of both semantics (`model/observable.py`), the arguments of a step, the conformance
generator and the stateful rules. No core module keeps a list of actions or fields of its own.
"""

from __future__ import annotations

from typing import Literal

import attrs

Sort = Literal["int", "bool"]
Actor = Literal["user", "relayer", "adversary", "governance", "market", "nature", "watcher", "anyone"]
ACTORS: tuple[str, ...] = ("user", "relayer", "adversary", "governance", "market", "nature", "watcher", "anyone")
ArgKind = Literal["index", "amount", "seconds", "count"]
"""How an argument's values are chosen: `index` from a finite domain (ids, users, chains); `amount`
any integer (the guard decides, e.g. >= 1); `seconds` a duration; `count` a small count (blocks,
depth)."""
ARG_KINDS: tuple[str, ...] = ("index", "amount", "seconds", "count")


@attrs.frozen
class Domain:
    """A finite set of values an index or an enum ranges over, in a fixed order.

    Symbolically a value is its position (an integer); concretely and in ITF it is the value
    itself: a string (`"alice"`, `"out"`) or an integer (message ids).
    """

    name: str
    values: tuple[int | str, ...]

    def position(self, value: object) -> int | None:
        """The position of a concrete value, or None when it is not in the domain (bools never are)."""
        if isinstance(value, bool):
            return None
        for i, v in enumerate(self.values):
            if type(v) is type(value) and v == value:
                return i
        return None

    def label(self, position: int) -> str:
        return str(self.values[position])

    def __len__(self) -> int:
        return len(self.values)


@attrs.frozen
class Field:
    """One piece of state: a Z3 constant per step (per index value if `index` is set).

    `path` places it in the observable state: `("claims", "amount")` with `index` ids is
    `claims[id].amount`. A `presence` field (path of length one) says which keys of its var exist;
    it does not appear inside the record. `sort` is "int", "bool", or a Domain for an enum stored
    as a position and observed as its value. A `fixed` field exists in the vocabulary but never
    changes in this configuration: it reads as its default and costs the solver nothing.
    """

    name: str
    sort: Sort | Domain
    path: tuple[str, ...]
    index: Domain | None = None
    default: int | bool = 0
    fixed: bool = False
    presence: bool = False
    counts: bool = False
    """A count that is never negative (balances, supplies): the stateful tests check it."""
    clock: bool = False
    """The time (seconds) every timed guard compares against; at most one field per configuration."""
    time: bool = False
    """Holds a point in time (a deadline, when something was posted or locked). NOTE(time-abstraction):
    once the clock is past every such value plus the configuration's largest duration, no guard can
    tell two clock values apart, which is what lets a liveness counterexample loop while time passes."""

    @property
    def z3_sort(self) -> Sort:
        return "bool" if self.sort == "bool" else "int"

    def key(self, position: int | None = None) -> str:
        """The symbolic name of this field (at one index position): `name` or `name[label]`."""
        if self.index is None:
            return self.name
        assert position is not None, f"{self.name} is indexed by {self.index.name}"
        return f"{self.name}[{self.index.label(position)}]"

    def keys(self) -> list[str]:
        if self.index is None:
            return [self.name]
        return [self.key(p) for p in range(len(self.index))]


@attrs.frozen
class Var:
    """An ITF variable: a value, a record, or a map over `index` (of values or records)."""

    name: str
    index: Domain | None = None
    doc: str = ""


@attrs.frozen
class Arg:
    """One argument of an action: its name, how its values are chosen, and its domain if finite."""

    name: str
    kind: ArgKind = "amount"
    domain: Domain | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in ARG_KINDS:
            raise TypeError(f"argument {self.name}: kind must be one of {', '.join(ARG_KINDS)}, got {self.kind!r}")
        if (self.kind == "index") != (self.domain is not None):
            raise TypeError(f"argument {self.name}: an index argument has a domain, and only it")


@attrs.frozen
class Action:
    """An action of the protocol: its verb, its arguments, who may take it and who owns it.

    `fair` marks an action an honest party takes once it can (liveness assumes it does).
    """

    name: str
    args: tuple[Arg, ...] = ()
    actor: str = "anyone"
    doc: str = ""
    fair: bool = False

    def __attrs_post_init__(self) -> None:
        if self.actor not in ACTORS:
            raise TypeError(f"action {self.name}: actor must be one of {', '.join(ACTORS)}, got {self.actor!r}")

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.args)

    def arg(self, name: str) -> Arg:
        return next(a for a in self.args if a.name == name)


def index_arg(name: str, domain: Domain) -> Arg:
    return Arg(name, "index", domain)
