"""Unbounded proofs with Z3's CHC engine (Spacer): it infers the inductive invariant itself.

Constrained Horn clauses over one relation Inv(S):
  I(S) ⇒ Inv(S);   Inv(S) ∧ T(S, a, S') ⇒ Inv(S');   Inv(S) ∧ ¬P(S) ⇒ false.
`sat` means an inductive invariant exists: the property holds at every depth (for these bounds'
message ids), and Spacer's interpretation of Inv is that invariant. A second engine, independent of
our hand-written lemmas, so a proof by induction can be cross-checked.
"""

from __future__ import annotations

import re
import time
from typing import Any

import attrs
import z3

from bridgeproof.model.engine.budget import Budget
from bridgeproof.model.system import System
from bridgeproof.properties import Property
from bridgeproof.properties.view import SYMBOLIC


@attrs.frozen
class ChcResult:
    verdict: str  # "proved" | "violated" | "unknown"
    seconds: float
    invariant: str = ""
    why: str = ""
    formula: Any = attrs.field(default=None, eq=False, repr=False)
    """Spacer's invariant as a formula over the step-0 state (the proof's certificate)."""


def prove_chc(system: System, prop: Property, budget: Budget | None = None) -> ChcResult:
    started = time.monotonic()
    budget = budget or Budget()
    s, s2, a = system.state(0), system.state(1), system.args(0)
    names = list(s.terms)
    trust = system.trust
    pins = (
        [(trust.t(n), z3.IntVal(v) if not isinstance(v, bool) else z3.BoolVal(v)) for n in trust.param_names() for v in [getattr(trust, n)]]
        if trust is not None
        else []
    )

    def fix(f: z3.ExprRef) -> z3.ExprRef:
        return z3.substitute(f, *pins) if pins else f

    inv = z3.Function("Inv", *(s[n].sort() for n in names), z3.BoolSort())
    here = [s[n] for n in names]
    there = [s2[n] for n in names]
    step_vars = [a.act, *a.named.values(), z3.Int("case@0")]
    holds = prop.holds(system.view(s), SYMBOLIC)
    solver = z3.SolverFor("HORN")
    solver.add(z3.ForAll(here, z3.Implies(fix(system.initial_state(s)), inv(*here))))
    solver.add(z3.ForAll(here + there + step_vars, z3.Implies(z3.And(inv(*here), fix(system.trans(s, a, s2))), inv(*there))))
    solver.add(z3.ForAll(here, z3.Implies(z3.And(inv(*here), z3.Not(fix(holds))), False)))
    result = budget.check(solver)
    seconds = time.monotonic() - started
    if result == z3.sat:
        model = solver.model()
        body = model[inv]
        text = str(body) if body is not None else "true"
        for i, n in enumerate(names):
            text = text.replace(f"Var({i})", n)
        # Spacer's interpretation of Inv: its else-value, argument i written Var(i).
        formula = z3.substitute_vars(body.else_value(), *here) if isinstance(body, z3.FuncInterp) else z3.BoolVal(True)
        return ChcResult("proved", seconds, invariant=re.sub(r"\s+", " ", text), formula=formula)
    if result == z3.unsat:
        return ChcResult("violated", seconds)
    return ChcResult("unknown", seconds, why=budget.why)
