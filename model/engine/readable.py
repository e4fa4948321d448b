"""Z3 formulas as short infix text for people (`claimed[0] → sigs[0] = n − f ∨ ...`)."""

from __future__ import annotations

import re

import z3

_BIN = {
    z3.Z3_OP_EQ: "=",
    z3.Z3_OP_GE: "≥",
    z3.Z3_OP_LE: "≤",
    z3.Z3_OP_GT: ">",
    z3.Z3_OP_LT: "<",
    z3.Z3_OP_IMPLIES: "→",
    z3.Z3_OP_SUB: "-",
}


def infix(e: z3.ExprRef, top: bool = True) -> str:
    if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
        return re.sub(r"@\d+$", "", e.decl().name()).removeprefix("ev_")
    if z3.is_int_value(e) or z3.is_true(e) or z3.is_false(e):
        return str(e).lower() if z3.is_bool(e) else str(e)
    kind = e.decl().kind()
    kids = e.children()

    def wrap(s: str) -> str:
        return s if top else f"({s})"

    if kind == z3.Z3_OP_NOT:
        inner = kids[0]
        if inner.decl().kind() == z3.Z3_OP_NOT:
            return infix(inner.children()[0], top)
        return "¬" + infix(inner, False)
    if kind == z3.Z3_OP_AND:
        return wrap(" ∧ ".join(infix(k, False) for k in kids))
    if kind == z3.Z3_OP_OR:
        return wrap(" ∨ ".join(infix(k, False) for k in kids))
    if kind == z3.Z3_OP_ADD:
        return wrap(" + ".join(infix(k, False) for k in kids))
    if kind == z3.Z3_OP_MUL:
        return " * ".join(infix(k, False) for k in kids)
    if kind in _BIN and len(kids) == 2:
        return wrap(f"{infix(kids[0], False)} {_BIN[kind]} {infix(kids[1], False)}")
    if kind == z3.Z3_OP_ITE:
        return f"if {infix(kids[0], False)} then {infix(kids[1], False)} else {infix(kids[2], False)}"
    return re.sub(r"@\d+", "", str(e))
