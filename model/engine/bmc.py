"""Bounded model checking by iterative deepening on one incremental Z3 solver.

The first depth at which the target is satisfiable gives the shortest trace: every smaller depth
was checked and found unsatisfiable on the same solver.

ENCODING = "strengthened" (the default) asserts the reachable invariants of
`model/engine/strengthening.py` at every step, and first asks whether one step from any state that
satisfies them and the property can break the property; if not, no depth can, and the unrolling is
not searched at all. "plain" is the encoding before that, kept for `bench/`.
"""

from __future__ import annotations

import time

import z3

from bridgeproof.model.engine.budget import Budget
from bridgeproof.model.engine.strengthening import reachable_lemmas
from bridgeproof.model.engine.verdict import Finding
from bridgeproof.model.symbolic import StepArgs
from bridgeproof.model.system import System
from bridgeproof.model.trace import Trace
from bridgeproof.properties import Property
from bridgeproof.properties.view import SYMBOLIC


ENCODINGS = ("strengthened", "plain")


def bmc(
    system: System,
    prop: Property,
    depth: int,
    seed: int = 0,
    budget: Budget | None = None,
    timeout: float | None = None,
    encoding: str = "strengthened",
) -> Finding:
    """States S@0..S@k with I(S@0) ∧ T(S@i, a@i, S@i+1) ∧ ¬target(S@i) ∧ L(S@i) for i < k; for
    k = 0..depth check target(S@k) = ¬P(S@k) (safety) or W(S@k) (witness), with L(S@k). sat: a
    trace of length k, the shortest; unsat at every k: bounded. L is the reachable invariants
    (empty for "plain"). Once depth 0 is clean, if L(S) ∧ ¬target(S) ∧ T(S, a, S') ∧ L(S') ∧
    target(S') is unsat, every depth is clean. Every solver call draws on `budget` (resource units)."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}, got {encoding!r}")
    if budget is None:
        budget = Budget(seconds=timeout) if timeout is not None else Budget()
    if prop.kind == "liveness":
        raise TypeError(f"{prop.name} is a liveness property: its counterexamples are lassos (model/engine/liveness.py)")
    started = time.monotonic()
    solver = z3.SolverFor("QF_LIA")
    solver.set("random_seed", seed)
    states = [system.state(0)]
    args: list[StepArgs] = []
    solver.add(system.init(states[0]))
    lemmas = reachable_lemmas(system, budget, seed) if encoding == "strengthened" else ()

    def invariants(k: int) -> list[z3.BoolRef]:
        found = system.lemmas(states[k])
        return [found[n][0] for n in lemmas]

    solver.add(*invariants(0))

    def target(k: int) -> z3.BoolRef:
        """¬P(S@k) for a safety property, W(S@k) for a witness."""
        holds = prop.holds(system.view(states[k]), SYMBOLIC)
        return holds if prop.kind == "witness" else z3.Not(holds)

    for k in range(depth + 1):
        if k > 0:
            args.append(system.args(k - 1))
            states.append(system.state(k))
            solver.add(system.trans(states[k - 1], args[k - 1], states[k]), *invariants(k))
        if k == 1 and lemmas and _closed(system, solver, states, args, target, invariants, budget, seed):
            return Finding(
                "vacuous" if prop.kind == "witness" else "bounded",
                depth,
                time.monotonic() - started,
                clean_below=depth + 1,
                seed=seed,
            )
        result = budget.check(solver, target(k))
        if result == z3.sat:
            model = _minimise(solver, target(k), args, budget)
            trace = Trace(
                steps=tuple(system.decode_step(model, a) for a in args),
                states=tuple(system.decode_state(model, s) for s in states),
            )
            verdict = "witnessed" if prop.kind == "witness" else "violated"
            return Finding(verdict, k, time.monotonic() - started, trace, clean_below=k, seed=seed)
        if result == z3.unknown:
            return Finding("unknown", k, time.monotonic() - started, clean_below=k, why=budget.why, seed=seed)
        # Depth k is clean, so every deeper trace passes through states where the target fails:
        # asserting that prunes the search without losing any shortest trace.
        solver.add(z3.Not(target(k)))
    verdict = "vacuous" if prop.kind == "witness" else "bounded"
    return Finding(verdict, depth, time.monotonic() - started, clean_below=depth + 1, seed=seed)


def _closed(system: System, solver: z3.Solver, states: list, args: list, target, invariants, budget: Budget, seed: int) -> bool:
    """L(S@0) ∧ ¬target(S@0) ∧ T(S@0, a@0, S@1) ∧ L(S@1) ∧ target(S@1) is unsat: no step from a
    state that depth 0 leaves clean and L admits reaches the target, so by induction on the depth
    no reachable state of any depth does. The states here are free: nothing of I(S@0) is used."""
    sv = z3.SolverFor("QF_LIA")
    sv.set("random_seed", seed)
    sv.add(*system.pinned(), system.domain(), *invariants(0), z3.Not(target(0)))
    sv.add(system.trans(states[0], args[0], states[1]), *invariants(1))
    return budget.check(sv, target(1)) == z3.unsat


def _minimise(solver: z3.Solver, goal: z3.BoolRef, args: list[StepArgs], budget: Budget) -> z3.ModelRef:
    """Among traces of this (shortest) length, the one with the smallest amounts, then shortest waits.

    Binary search on Σ amount@i, then on Σ seconds@i, each under the bounds already found, so saved
    traces are small, readable and stable for a given seed. Only ever narrows a sat model; when the
    budget runs out it keeps the smallest model found so far (the same one on any machine).
    """
    model = solver.model()
    fixed: list[z3.BoolRef] = []
    for name in ("amount", "seconds"):
        terms = [a.named[name] for a in args if name in a.named]
        total = z3.Sum(*terms) if terms else z3.IntVal(0)
        lo, hi = 0, model.eval(total, model_completion=True).as_long()
        while lo < hi:
            mid = (lo + hi) // 2
            result = budget.check(solver, goal, *fixed, total <= mid)
            if result == z3.sat:
                model = solver.model()
                hi = model.eval(total, model_completion=True).as_long()
            elif result == z3.unsat:
                lo = mid + 1
            else:
                return model
        fixed.append(total <= hi)
    if budget.check(solver, goal, *fixed) == z3.sat:
        model = solver.model()
    return model
