"""Which part of a property a counterexample's last state breaks, with the values on each side.

A property is one Boolean formula over the family's view; an auditor wants the equation that failed,
not only its name. The formula is built over the symbolic view of one state, the trace's last state
is substituted into it, and the formula is taken apart while it stays false: a conjunction shows
its false conjuncts, a comparison its two sides' values. The property's own definition is used, so
what is named is exactly what the checker found false.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
import z3

from bridgeproof.model.configuration import Configuration
from bridgeproof.model.observable import solver_values
from bridgeproof.model.system import System
from bridgeproof.properties.view import SYMBOLIC, symbolic_view

MAX_TEXT = 240
"""Longest formula text shown (sums over every message id get long)."""
MAX_PARTS = 6


@attrs.frozen
class Broken:
    formula: str
    """The false conjunct, in field names."""
    sides: tuple[str, ...]
    """For a comparison: `left = value`, `right = value`."""


def broken(cfg: Configuration, prop: Any, state: Mapping[str, Any]) -> list[Broken]:
    """The parts of `prop` that are false in `state` (empty if the property holds there)."""
    system = System(cfg.protocol, cfg.trust, cfg.bounds, cfg.options)
    s = system.state(0)
    formula = prop.holds(symbolic_view(cfg, s), SYMBOLIC)
    values = solver_values(cfg.vars, cfg.fields, state)
    pairs = []
    for key, value in values.items():
        term = s[key]
        pairs.append((term, z3.BoolVal(bool(value)) if z3.is_bool(term) else z3.IntVal(int(value))))
    out: list[Broken] = []
    _walk(formula, pairs, out)
    return out[:MAX_PARTS]


def _value(e: z3.ExprRef, pairs: list[tuple[z3.ExprRef, z3.ExprRef]]) -> z3.ExprRef:
    return z3.simplify(z3.substitute(e, *pairs)) if pairs else z3.simplify(e)


def _walk(e: z3.ExprRef, pairs: list[tuple[z3.ExprRef, z3.ExprRef]], out: list[Broken]) -> None:
    if not z3.is_false(_value(e, pairs)):
        return
    if z3.is_and(e):
        before = len(out)
        for child in e.children():
            _walk(child, pairs, out)
        if len(out) > before:
            return
    if z3.is_not(e) and z3.is_or(e.arg(0)):
        before = len(out)
        for child in e.arg(0).children():
            _walk(z3.Not(child), pairs, out)
        if len(out) > before:
            return
    sides: tuple[str, ...] = ()
    if z3.is_eq(e) or z3.is_le(e) or z3.is_ge(e) or z3.is_lt(e) or z3.is_gt(e) or z3.is_distinct(e):
        sides = tuple(f"{_text(side)} = {_value(side, pairs)}" for side in e.children())
    out.append(Broken(_text(e), sides))


def _text(e: z3.ExprRef) -> str:
    """The formula with the step suffix of state terms dropped (`escrow@0` -> `escrow`)."""
    text = " ".join(re.sub(r"@\d+\b", "", str(e)).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."
