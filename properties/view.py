"""The observable state as properties see it, concrete or symbolic, with the matching logic.

NOTE(write-once): a property is one Python function over a family's view and an `Ops`. With Python
values and `CONCRETE` it is evaluated on a replayed or Hypothesis state; with Z3 terms and
`SYMBOLIC` it becomes a formula for the solver. Comparisons (`==`, `<=`) work on both; connectives
go via `Ops`. A family builds its view from `Fields`, one accessor over both kinds of state, so the
view (canonical units, per-message rows, ...) is written once too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import z3

from bridgeproof.model.observable import solver_values

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


class Ops(Protocol):
    def and_(self, *xs: Any) -> Any: ...
    def or_(self, *xs: Any) -> Any: ...
    def not_(self, x: Any) -> Any: ...
    def implies(self, a: Any, b: Any) -> Any: ...
    def ite(self, c: Any, a: Any, b: Any) -> Any: ...
    def sum(self, xs: Iterable[Any]) -> Any: ...
    def max(self, a: Any, b: Any) -> Any: ...
    def min(self, a: Any, b: Any) -> Any: ...


class _Concrete:
    def and_(self, *xs: Any) -> bool:
        return all(xs)

    def or_(self, *xs: Any) -> bool:
        return any(xs)

    def not_(self, x: Any) -> bool:
        return not x

    def implies(self, a: Any, b: Any) -> bool:
        return (not a) or bool(b)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        return a if c else b

    def sum(self, xs: Iterable[Any]) -> Any:
        return sum(xs)

    def max(self, a: Any, b: Any) -> Any:
        return a if a >= b else b

    def min(self, a: Any, b: Any) -> Any:
        return a if a <= b else b


class _Symbolic:
    def and_(self, *xs: Any) -> z3.BoolRef:
        return z3.And(*xs) if xs else z3.BoolVal(True)

    def or_(self, *xs: Any) -> z3.BoolRef:
        return z3.Or(*xs) if xs else z3.BoolVal(False)

    def not_(self, x: Any) -> z3.BoolRef:
        return z3.Not(x)

    def implies(self, a: Any, b: Any) -> z3.BoolRef:
        return z3.Implies(a, b)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        return z3.If(c, a, b)

    def sum(self, xs: Iterable[Any]) -> Any:
        items = list(xs)
        return z3.Sum(*items) if items else z3.IntVal(0)

    def max(self, a: Any, b: Any) -> Any:
        return z3.If(a >= b, a, b)

    def min(self, a: Any, b: Any) -> Any:
        return z3.If(a <= b, a, b)


CONCRETE: Ops = _Concrete()
SYMBOLIC: Ops = _Symbolic()


class Fields:
    """Field values in solver form (enums as positions), by field name and index position.

    `f("escrow")` is a value, `f("claim_amount", 2)` the value at index position 2, and
    `f.row("balance_home")` the tuple over the whole index domain.
    """

    def __init__(
        self, cfg: Configuration, get: Callable[[str], Any], index: Callable[[str, int], Any] | None = None, unbounded: str | None = None
    ) -> None:
        self.cfg = cfg
        self._get = get
        self._fields = cfg.field
        self._index = index
        self._unbounded = unbounded

    def __call__(self, field: str, position: int | None = None) -> Any:
        return self._get(self._fields[field].key(position))

    def row(self, field: str) -> tuple[Any, ...]:
        f = self._fields[field]
        assert f.index is not None, f"{field} is not indexed"
        return tuple(self._get(f.key(p)) for p in range(len(f.index)))

    def size(self, domain: str) -> int:
        return len(self.cfg.domains[domain])

    def has(self, field: str) -> bool:
        return field in self._fields

    def index(self, domain: str, position: int) -> Any:
        """The value index position `position` of `domain` stands for (itself, or a representative's)."""
        return position if self._index is None else self._index(domain, position)

    def bounded(self, domain: str) -> bool:
        """Whether the domain's size is the model's (False when its elements represent any number)."""
        return domain != self._unbounded


def symbolic_fields(cfg: Configuration, s: Any) -> Fields:
    reps = getattr(s, "representatives", None)
    return Fields(cfg, lambda key: s[key], s.index_value, reps.domain if reps is not None else None)


def ops_of(s: Any) -> Ops:
    """The connectives for formulas over `s`: the plain ones, or those that give every sum over
    represented ids its remainder (model/representatives.py)."""
    reps = getattr(s, "representatives", None)
    return SYMBOLIC if reps is None else reps.ops


def concrete_fields(cfg: Configuration, observed: Mapping[str, Any]) -> Fields:
    values = solver_values(cfg.vars, cfg.fields, observed)
    return Fields(cfg, values.__getitem__)


def concrete_view(cfg: Configuration, observed: Mapping[str, Any]) -> Any:
    """The family's view of an observed state (reference `observe()`, a decoded or an ITF state)."""
    return cfg.protocol.view(concrete_fields(cfg, observed), CONCRETE, cfg)


def symbolic_view(cfg: Configuration, s: Any) -> Any:
    """The family's view of a `model.symbolic.SymState`."""
    return cfg.protocol.view(symbolic_fields(cfg, s), ops_of(s), cfg)
