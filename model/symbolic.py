"""The symbolic state: one Z3 constant per declared field (per index value) per step, named `field@step`.

This is the single narrow crossing between Z3 terms and Python values (as in CrossHair): states
are built here from the configuration's declared fields, and models are decoded back into the
observable state through `model.observable`, the same assembler the reference implementation uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import z3

from bridgeproof.model.declarations import Field


def _const(name: str, sort: str) -> z3.ExprRef:
    return z3.Bool(name) if sort == "bool" else z3.Int(name)


def _default(f: Field) -> z3.ExprRef:
    return z3.BoolVal(bool(f.default)) if f.z3_sort == "bool" else z3.IntVal(int(f.default))


@attrs.frozen
class Layout:
    """Which keys a state has: one per live field and index value; fixed fields are constants."""

    fields: tuple[Field, ...]

    @property
    def live(self) -> dict[str, Field]:
        return {k: f for f in self.fields if not f.fixed for k in f.keys()}

    @property
    def by_key(self) -> dict[str, tuple[Field, int | None]]:
        out: dict[str, tuple[Field, int | None]] = {}
        for f in self.fields:
            if f.index is None:
                out[f.name] = (f, None)
            else:
                for p in range(len(f.index)):
                    out[f.key(p)] = (f, p)
        return out

    def defaults(self) -> dict[str, int | bool]:
        return {k: f.default for k, f in self.live.items()}


class SymState:
    """The state at one step, as Z3 terms keyed by `field` or `field[label]`."""

    def __init__(
        self,
        step: int,
        terms: Mapping[str, z3.ExprRef],
        layout: Layout,
        sizes: Mapping[str, int],
        representatives: Any = None,
    ) -> None:
        self.step = step
        self.terms = terms
        self.layout = layout
        self.sizes = sizes
        self.representatives = representatives
        """`model.representatives.Representatives` when the ids stand for any number of them, else None."""
        self._keys = layout.by_key
        self._fields = {f.name: f for f in layout.fields}

    @classmethod
    def fresh(cls, layout: Layout, step: int, sizes: Mapping[str, int], representatives: Any = None) -> SymState:
        terms = {key: _const(f"{key}@{step}", f.z3_sort) for key, f in layout.live.items()}
        return cls(step, terms, layout, sizes, representatives)

    def index_value(self, domain: str, position: int) -> Any:
        """The value an index position stands for: the position itself, or, when its domain's elements
        represent any number of them, a symbolic value distinct from the other positions'."""
        reps = self.representatives
        return reps.value(position) if reps is not None and reps.domain == domain else position

    def index_bound(self, domain: str, value: Any) -> z3.BoolRef:
        """A counter that allocates the domain's elements upward from 0 may allocate `value`: it is
        below the domain's size, or, for representatives, it is one of their values (the element a
        step acts on is always one of the represented ones: SEMANTICS.md, "Any number of messages")."""
        reps = self.representatives
        if reps is not None and reps.domain == domain:
            return z3.Or(*(value == v for v in reps.values))
        return value < self.sizes.get(domain, 0)

    def __getitem__(self, key: str) -> z3.ExprRef:
        term = self.terms.get(key)
        if term is not None:
            return term
        found = self._keys.get(key)
        if found is None:
            raise KeyError(f"no field {key!r} in this configuration")
        return _default(found[0])

    def has(self, key: str) -> bool:
        return key in self.terms

    def at(self, field: str, position: int | None = None) -> z3.ExprRef:
        f = self._fields.get(field)
        if f is None:
            raise KeyError(f"no field {field!r} in this configuration")
        if f.fixed:
            return _default(f)
        return self.terms[f.key(position)]

    def key(self, field: str, position: int | None = None) -> str:
        return self._fields[field].key(position)

    def declares(self, field: str) -> bool:
        return field in self._fields

    # Shorthands the message-bridge family and the trust models use.
    def slot(self, field: str, i: int) -> z3.ExprRef:
        return self.at(field, i)

    def user(self, field: str, u: int) -> z3.ExprRef:
        return self.at(field, u)

    def ev(self, field: str, i: int) -> z3.ExprRef:
        return self.at(evidence_name(field), i)

    def g(self, field: str) -> z3.ExprRef:
        return self.at(global_name(field))

    @property
    def messages(self) -> int:
        return self.sizes.get("ids", 0)


def evidence_name(field: str) -> str:
    """The field name of a trust model's per-claim evidence (observed as `...evidence.<field>`)."""
    return f"ev_{field}"


def global_name(field: str) -> str:
    """The field name of a trust model's global state (observed as `verifier.<field>`)."""
    return f"vg_{field}"


def evidence_key(field: str, i: int) -> str:
    return f"{evidence_name(field)}[{i}]"


def global_key(field: str) -> str:
    return global_name(field)


def slot_key(field: str, i: int) -> str:
    return f"{field}[{i}]"


@attrs.frozen
class EvidenceField:
    """One per-claim field (or global field) a trust model keeps; `name` is its key in the ITF record."""

    name: str
    sort: str
    default: int | bool = 0
    time: bool = False
    """Holds a point in time (NOTE(time-abstraction) in model/declarations.py)."""


class StepArgs:
    """The action chosen at one step and its arguments, as Z3 integers named `arg@step`."""

    def __init__(self, step: int, names: Iterable[str]) -> None:
        self.step = step
        self.act = z3.Int(f"act@{step}")
        self.named: dict[str, z3.ArithRef] = {n: z3.Int(f"{n}@{step}") for n in names}

    def __getattr__(self, name: str) -> z3.ArithRef:
        named = self.__dict__.get("named", {})
        if name in named:
            return named[name]
        raise AttributeError(f"no argument {name!r} in this configuration")


@attrs.frozen
class Case:
    """One branch of one action: when `guard` holds, the fields in `updates` change; all others stay.

    `args` pins every argument the branch uses (the rest are pinned to 0 by the system, so a
    decoded trace is canonical).
    """

    action: str
    guard: z3.BoolRef
    updates: Mapping[str, Any]
    args: Mapping[str, Any]


def value_of(model: z3.ModelRef, term: z3.ExprRef) -> int | bool:
    v = model.eval(term, model_completion=True)
    if z3.is_bool(v):
        return bool(z3.is_true(v))
    return v.as_long()  # type: ignore[attr-defined, no-any-return]


class ScopedState:
    """A SymState seen by a nested trust model: its evidence and globals carry a prefix (`v0_`)."""

    def __init__(self, base: SymState, prefix: str) -> None:
        self.base = base
        self.prefix = prefix
        self.step = base.step
        self.layout = base.layout
        self.sizes = base.sizes

    @property
    def messages(self) -> int:
        return self.base.messages

    @property
    def representatives(self) -> Any:
        return self.base.representatives

    def index_value(self, domain: str, position: int) -> Any:
        return self.base.index_value(domain, position)

    def __getitem__(self, key: str) -> z3.ExprRef:
        return self.base[self.scoped_key(key)]

    def has(self, key: str) -> bool:
        return self.base.has(self.scoped_key(key))

    def at(self, field: str, position: int | None = None) -> z3.ExprRef:
        return self.base.at(field, position)

    def declares(self, field: str) -> bool:
        return self.base.declares(field)

    def slot(self, field: str, i: int) -> z3.ExprRef:
        return self.base.slot(field, i)

    def user(self, field: str, u: int) -> z3.ExprRef:
        return self.base.user(field, u)

    def ev(self, field: str, i: int) -> z3.ExprRef:
        return self.base.ev(self.prefix + field, i)

    def g(self, field: str) -> z3.ExprRef:
        return self.base.g(self.prefix + field)

    def scoped_key(self, key: str) -> str:
        """The base state's name for a key a nested model writes (`ev_x[i]`, `vg_x`)."""
        if key.startswith("ev_"):
            return f"ev_{self.prefix}{key[3:]}"
        if key.startswith("vg_"):
            return f"vg_{self.prefix}{key[3:]}"
        return key
