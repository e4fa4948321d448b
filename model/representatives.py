"""Representative message ids: K index positions that stand for any number of ids (SEMANTICS.md,
"Any number of messages").

A proof over the K-id system says nothing about K+1 ids unless the ids it models are
*representatives*: their values are symbolic (distinct, non-negative, otherwise any), and every
sum over the ids is the represented terms plus a *remainder*, one integer constant per sum shape
that stands for the terms of all the ids not represented. A step changes at most one id's fields,
and that id is always represented, so a remainder is the same before and after every step; it is 0
initially, when every id is pristine and contributes nothing.

This module holds the representatives and the remainders, and the connectives (`ops`) that build
them into every formula; `model/engine/parametric.py` checks when this abstraction is sound.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import attrs
import z3

from bridgeproof.properties.view import SYMBOLIC, _Symbolic


def constants(e: z3.ExprRef, skip: frozenset[int] | set[int] = frozenset()) -> dict[str, z3.ExprRef]:
    """The uninterpreted constants in `e` (state fields, arguments, parameters) by name, not looking
    inside the subterms whose AST ids are in `skip`."""
    seen: set[int] = set()
    out: dict[str, z3.ExprRef] = {}
    stack = [e]
    while stack:
        x = stack.pop()
        if x.get_id() in seen or x.get_id() in skip:
            continue
        seen.add(x.get_id())
        if z3.is_const(x) and x.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            out[x.decl().name()] = x
        else:
            stack.extend(x.children())
    return out


@attrs.frozen
class Remainder:
    """The terms of every id not represented, in one sum: `term` is the represented position 0's
    term with its step stripped from its constants (what names the sum across steps)."""

    name: str
    shape: str
    terms: tuple[z3.ExprRef, ...] = attrs.field(eq=False, repr=False)
    """The represented ids' terms where the sum was first built (the probe state, step 0)."""


class Representatives:
    """The ids of `domain` at positions 0..size-1 stand for any number of ids."""

    def __init__(
        self, domain: str, size: int, keys: dict[str, tuple[str, int]], fields: Iterable[str], index_args: Iterable[str]
    ) -> None:
        self.domain = domain
        self.size = size
        self.values = tuple(z3.Int(f"id!{p}") for p in range(size))
        self.id_keys = {key: p for key, (_, p) in keys.items()}
        """State key of every field indexed by the domain -> its position (`sent[1]` -> 1)."""
        self._key_at = {where: key for key, where in keys.items()}
        self._field_of = {key: name for key, (name, _) in keys.items()}
        self.index_args = frozenset(index_args)
        """Action arguments that name an id of the domain."""
        self._global_keys = frozenset(k for k in fields if k not in self.id_keys)
        self.remainders: dict[str, Remainder] = {}
        self.sum_nodes: set[int] = set()
        """The Z3 AST ids of the sums built here: what `positions_outside_sums` looks through."""
        self.problems: list[str] = []
        """Sums over the ids a remainder cannot stand for (so the abstraction is not sound here)."""
        self.ops = _RepresentedOps(self)

    def value(self, position: int) -> z3.ArithRef:
        return self.values[position]

    def domain_constraint(self) -> z3.BoolRef:
        """The representatives' values: distinct and non-negative, otherwise free."""
        return z3.And(*(v >= 0 for v in self.values), z3.Distinct(*self.values) if self.size > 1 else z3.BoolVal(True))

    def initially(self) -> z3.BoolRef:
        """Every id not represented is pristine at the start: each remainder is 0."""
        return z3.And(*(z3.Int(r.name) == 0 for r in self.remainders.values()))

    def sign_lemmas(self, s: Any) -> dict[str, tuple[z3.BoolRef, str]]:
        """For each remainder, the candidate `rest >= 0 and every represented term >= 0`, as one conjunct.

        Kept only if each represented id's term stays non-negative (checked per action like any
        conjunct), which then holds for every id (uniform), so for the sum of the ids not represented:
        the remainder is non-negative in every reachable state. Dropped together, never apart, so
        `rest >= 0` is never assumed without the per-id fact that justifies it.
        """
        out: dict[str, tuple[z3.BoolRef, str]] = {}
        for r in self.remainders.values():
            terms = [self._at(t, s) for t in r.terms]
            formula = z3.And(z3.Int(r.name) >= 0, *(t >= 0 for t in terms))
            out[f"{r.name}.nonnegative"] = (formula, f"the ids' terms of {r.name} are never negative, so neither is their sum")
        return out

    @staticmethod
    def _at(term: z3.ExprRef, s: Any) -> z3.ExprRef:
        """`term` (built at the probe state) with its state constants read at state `s`."""
        pairs = [(c, s.terms[name.rsplit("@", 1)[0]]) for name, c in constants(term).items() if "@" in name]
        return z3.substitute(term, *pairs) if pairs else term

    def constants(self) -> dict[str, z3.ExprRef]:
        """Every constant this abstraction adds, by name (for parsing a certificate)."""
        out: dict[str, z3.ExprRef] = {str(v): v for v in self.values}
        out.update({r.name: z3.Int(r.name) for r in self.remainders.values()})
        return out

    def terms_of(self, name: str) -> tuple[z3.ExprRef, ...]:
        return self.remainders[name].terms

    def key_at(self, key: str, position: int) -> str:
        """The same field's key at another id position (`sent[2]`, 0 -> `sent[0]`)."""
        return self._key_at[(self._field_of[key], position)]

    # --- which ids a formula mentions ----------------------------------------------------------------
    def position_of(self, const: str) -> int | None:
        """The id position of a state constant (`sent[1]@3` -> 1), None for anything else."""
        return self.id_keys.get(const.rsplit("@", 1)[0])

    def is_global(self, const: str) -> bool:
        return "@" in const and const.rsplit("@", 1)[0] in self._global_keys

    def positions(self, e: z3.ExprRef) -> set[int]:
        return {p for c in constants(e) if (p := self.position_of(c)) is not None}

    def positions_outside_sums(self, e: z3.ExprRef) -> set[int]:
        """The id positions `e` mentions other than inside a sum over the ids (whose remainder stands
        for the rest): a formula that relates two ids outside a sum is not per id."""
        return {p for c in constants(e, self.sum_nodes) if (p := self.position_of(c)) is not None}

    # --- sums ------------------------------------------------------------------------------------------
    def sum(self, items: list[Any]) -> Any:
        """Σ items, plus the remainder when the items are one term per represented id."""
        terms = [t if isinstance(t, z3.ExprRef) else z3.IntVal(int(t)) for t in items]
        touched = [self.positions_outside_sums(t) for t in terms]
        if not any(touched):
            return SYMBOLIC.sum(items)
        if len(terms) != self.size or any(ps != {p} for p, ps in enumerate(touched)):
            self.problems.append(f"a sum whose terms do not each belong to one id: {z3.Sum(*terms)}")
            return SYMBOLIC.sum(items)
        if any(self.is_global(c) for t in terms for c in constants(t)):
            self.problems.append(f"a sum over the ids whose terms read shared state: {terms[0]}")
            return SYMBOLIC.sum(items)
        shape = _unstepped(terms[0])
        name = f"rest!{hashlib.sha1(shape.encode()).hexdigest()[:12]}"
        self.remainders.setdefault(name, Remainder(name, shape, tuple(terms)))
        total = z3.Sum(*terms, z3.Int(name))
        self.sum_nodes.add(total.get_id())
        return total


def _unstepped(term: z3.ExprRef) -> str:
    """`term` with every state constant's step removed: the same sum at every step has one shape."""
    pairs = [(c, z3.Const(name.rsplit("@", 1)[0], c.sort())) for name, c in sorted(constants(term).items()) if "@" in name]
    return z3.substitute(term, *pairs).sexpr() if pairs else term.sexpr()


class _RepresentedOps(_Symbolic):
    """The symbolic connectives, with every sum over the represented ids completed by its remainder."""

    def __init__(self, reps: Representatives) -> None:
        self._reps = reps

    def sum(self, xs: Iterable[Any]) -> Any:
        return self._reps.sum(list(xs))
