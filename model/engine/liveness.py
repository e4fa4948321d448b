"""Liveness: every obligation an honest party has is eventually met, as a lasso search and as a proof.

A liveness property gives obligations (name, pending, deadline) over a family's view.

Counterexample (lasso), by iterative deepening on one solver: states S@0..S@k with
I(S@0) ∧ T(S@i, a@i, S@i+1), a loop start l < k with S@k = S@l on every field but the clock, and
  - time passes in the loop (some step of l..k-1 is `wait`), so the run is not Zeno;
  - the clock at l is past every time-valued field of S@l plus the configuration's largest
    duration C (NOTE(time-abstraction)), so no guard can tell the clock values of the loop apart and
    the loop can be taken forever;
  - some obligation is pending at every state of the loop;
  - weak fairness: every fair call that is enabled at every state of the loop is taken in it.
The first k with such a lasso gives the shortest one.

Proof (deadline-bounded progress), with the safety prover of model/engine/induction.py:
  (a) Inv ⇒ ∧_i (pending_i ⇒ now <= deadline_i) ∧ 0 <= progress <= bound, Inv inductive;
  (b) Inv(S) ∧ T_a(S, S') ⇒ progress(S') > progress(S), for every action a but `wait`;
  (c) Inv(S) ∧ ¬enabled(wait(1), S) ⇒ some call with only index arguments is enabled in S.
By (b) a run takes finitely many steps other than `wait`, by (c) it never stops, so it waits
infinitely often, each wait at least a second: time diverges. By (a) no obligation stays pending
past its deadline. So every obligation is met, in every infinite run; the family's urgency rules
are what make (a) hold, and they are its fairness assumption (an honest party acts in time).
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import attrs
import z3

from bridgeproof.model.engine.budget import Budget
from bridgeproof.model.engine.verdict import Finding
from bridgeproof.model.system import System
from bridgeproof.model.trace import Trace
from bridgeproof.properties import Property
from bridgeproof.properties.view import SYMBOLIC, symbolic_fields


@attrs.frozen
class Lasso:
    """A liveness counterexample: the trace, and the index of the state the loop goes back to."""

    finding: Finding
    loop: int | None


def obligations(system: System, prop: Property, s: Any) -> list[tuple[str, Any, Any]]:
    return list(prop.holds(system.view(s), SYMBOLIC))


def horizon(system: System) -> int:
    """The largest duration any guard adds to a time: the configuration's own, plus slack for the +1s."""
    return sum(abs(v) for v in system.protocol.time_params(system.config)) + 2


def _index_calls(system: System) -> list[tuple[str, dict[str, int]]]:
    """Every call of every action whose arguments are all indexes (what (c) may fall back on)."""
    out = []
    for declared in system.config.actions:
        if any(a.domain is None for a in declared.args):
            continue
        for combo in itertools.product(*(range(len(a.domain)) for a in declared.args)):  # type: ignore[arg-type]
            out.append((declared.name, dict(zip(declared.arg_names, combo, strict=True))))
    return out


def taken(system: System, a: Any, action: str, values: dict[str, int]) -> z3.BoolRef:
    index = system.actions().index(action)
    return z3.And(a.act == index, *(a.named[n] == v for n, v in values.items()))


def lasso(system: System, prop: Property, depth: int, seed: int = 0, budget: Budget | None = None) -> Lasso:
    """The shortest lasso violating a liveness property within `depth` steps (see the module docstring)."""
    started = time.monotonic()
    budget = budget or Budget()
    solver = z3.SolverFor("QF_LIA")
    solver.set("random_seed", seed)
    clock = system.config.clock
    if clock is None:
        raise ValueError(f"{system.protocol.id}: liveness needs the clock")
    times = [f for f in system.config.fields if f.time and not f.fixed]
    wait_index = system.actions().index("wait")
    fair = system.protocol.fair_calls(system.config)
    c = horizon(system)
    states = [system.state(0)]
    args: list[Any] = []
    solver.add(system.init(states[0]))
    for k in range(1, depth + 1):
        args.append(system.args(k - 1))
        states.append(system.state(k))
        solver.add(system.trans(states[k - 1], args[k - 1], states[k]))
        loop = z3.Int(f"loop@{k}")
        inside = [z3.And(loop <= j) for j in range(k + 1)]
        parts = [loop >= 0, loop < k]
        last = states[k]
        for j in range(k):
            s = states[j]
            same = [s.terms[key] == last.terms[key] for key in s.terms if key != clock.name]
            stamps = [s.at(f.name, p) for f in times for p in ([None] if f.index is None else range(len(f.index)))]
            late = [s[clock.name] >= t + c for t in stamps] + [s[clock.name] >= c]
            parts.append(z3.Implies(loop == j, z3.And(*same, *late)))
        parts.append(z3.Or(*(z3.And(inside[j], args[j].act == wait_index) for j in range(k))))
        pending = [
            z3.And(*(z3.Implies(inside[j], obligations(system, prop, states[j])[i][1]) for j in range(k + 1)))
            for i in range(len(obligations(system, prop, states[0])))
        ]
        parts.append(z3.Or(*pending) if pending else z3.BoolVal(False))
        for action, values in fair:
            always = z3.And(*(z3.Implies(inside[j], system.enabled(states[j], action, values)) for j in range(k)))
            once = z3.Or(*(z3.And(inside[j], taken(system, args[j], action, values)) for j in range(k)))
            parts.append(z3.Implies(always, once))
        result = budget.check(solver, z3.And(*parts))
        if result == z3.sat:
            model = solver.model()
            trace = Trace(
                steps=tuple(system.decode_step(model, a) for a in args),
                states=tuple(system.decode_state(model, s) for s in states),
            )
            at = model.eval(loop, model_completion=True).as_long()
            finding = Finding("violated", k, time.monotonic() - started, trace, clean_below=k, seed=seed)
            return Lasso(finding, at)
        if result == z3.unknown:
            return Lasso(Finding("unknown", k, time.monotonic() - started, clean_below=k, why=budget.why, seed=seed), None)
    return Lasso(Finding("bounded", depth, time.monotonic() - started, clean_below=depth + 1, seed=seed), None)


def deadline_property(prop: Property) -> Property:
    """(a) as a safety property: every pending obligation is still within its deadline."""

    def holds(v: Any, ops: Any) -> Any:
        return ops.and_(*(ops.implies(pending, v.now <= due) for _, pending, due in prop.holds(v, ops)))

    holds.__doc__ = f"Every pending obligation of {prop.name} is still within its deadline."
    return Property(f"{prop.name}.deadlines", "safety", holds, prop.families)


def prove(system: System, prop: Property, seed: int = 0, budget: Budget | None = None) -> Any:
    """(a), (b) and (c) of the module docstring; `proved` only if all three hold."""
    from bridgeproof.model.engine import induction

    started = time.monotonic()
    budget = budget or Budget()
    deadlines = deadline_property(prop)
    if any(due is None for _, _, due in obligations(system, prop, system.state(0))):
        return induction.Proof("unknown", 1, 0.0, why="an obligation has no deadline: only the lasso search applies")
    proof = induction.prove(system, deadlines, k=1, seed=seed, budget=budget)
    if proof.verdict != "proved":
        return attrs.evolve(proof, why=f"(a) the deadlines are not inductive: {proof.why or 'counterexample to induction'}")

    s, s2, a = system.state(0), system.state(1), system.args(0)
    kept = {c.name for c in proof.invariant}
    inv = [f for name, (f, _) in induction.conjuncts(system, deadlines, s).items() if name in kept]
    measure, bound = system.protocol.progress(symbolic_fields(system.config, s), SYMBOLIC, system.config)
    after, _ = system.protocol.progress(symbolic_fields(system.config, s2), SYMBOLIC, system.config)

    def unsat(*formulas: Any) -> bool | None:
        sv = z3.Solver()
        sv.set("random_seed", seed)
        sv.add(system.domain(), *system.pinned(), *inv, *formulas)
        result = budget.check(sv)
        return None if result == z3.unknown else result == z3.unsat

    # (a') the measure stays within its bound in every reachable state.
    bounded = unsat(z3.Not(z3.And(measure >= 0, measure <= bound)))
    if not bounded:
        return induction.Proof("unknown", 1, time.monotonic() - started, why="(a) the progress measure is not bounded")
    # (b) every step but `wait` makes progress.
    for action in system.actions():
        if action == "wait":
            continue
        ok = unsat(system.trans(s, a, s2, only=frozenset({action})), z3.Not(after > measure))
        if not ok:
            why = "unknown" if ok is None else f"{action} can leave the progress measure where it was"
            return induction.Proof("unknown", 1, time.monotonic() - started, why=f"(b) {why}")
    # (c) time never stops: wait(1) or some call with only index arguments is enabled.
    calls = [system.enabled(s, action, values) for action, values in _index_calls(system) if action != "wait"]
    ok = unsat(z3.Not(system.enabled(s, "wait", {"seconds": 1})), *(z3.Not(e) for e in calls))
    if not ok:
        why = "unknown" if ok is None else "a reachable state can block time with no action enabled (a time-lock)"
        return induction.Proof("unknown", 1, time.monotonic() - started, why=f"(c) {why}")
    return attrs.evolve(proof, seconds=time.monotonic() - started)
