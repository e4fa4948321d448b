"""Worst-case loss: the most value the adversary can hold within the bound, computed exactly.

States S@0..S@k with I(S@0) ∧ T(S@i, a@i, S@i+1); the question "can the adversary hold at least X
at some S@j, j ≤ k?" is one satisfiability check on an incremental solver. Each sat answer gives a
trace whose value becomes the new lower bound; an unsat answer at lower bound + 1 proves it is the
maximum. Between the two, the search gallops up and then bisects. A value of 2^128 canonical units
or more counts as unbounded (an unlimited forged mint). A timeout is `unknown`, never a number.
"""

from __future__ import annotations

import time

import attrs
import z3

from model.symbolic import StepArgs
from model.system import Step, System
from model.trace import Trace
from properties.view import SYMBOLIC

UNBOUNDED = 2**128
IDLE = -1


@attrs.frozen
class Loss:
    verdict: str  # "exact" | "unbounded" | "unknown"
    value: int | None
    depth: int
    seconds: float
    trace: Trace | None = None
    why: str = ""


def max_loss(system: System, depth: int, seed: int = 0, timeout: float = 60.0) -> Loss:
    started = time.monotonic()
    solver = z3.SolverFor("QF_LIA")
    solver.set("random_seed", seed)
    states = [system.state(0)]
    args: list[StepArgs] = []
    solver.add(system.init(states[0]))
    for k in range(depth):
        a = StepArgs.fresh(k)
        states.append(system.state(k + 1))
        # An idle step keeps the state: runs shorter than k (or that deadlock) stay in the unrolling.
        idle = z3.And(a.act == IDLE, *(states[k + 1][n] == states[k][n] for n in states[k].terms))
        solver.add(z3.Or(system.trans(states[k], a, states[k + 1]), idle))
        if args:
            solver.add(z3.Implies(args[-1].act == IDLE, a.act == IDLE))
        args.append(a)
    values = [system.view(s).adversary_value(SYMBOLIC) for s in states]

    def reach(x: int) -> z3.ModelRef | None | str:
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            return "timeout"
        solver.set("timeout", max(1, int(left * 1000)))
        result = solver.check(z3.Or(*(v >= x for v in values)))
        if result == z3.sat:
            return solver.model()
        return None if result == z3.unsat else (solver.reason_unknown() or "unknown")

    def best(model: z3.ModelRef) -> tuple[int, int]:
        vals = [model.eval(v, model_completion=True).as_long() for v in values]
        top = max(vals)
        return top, vals.index(top)

    found = reach(1)
    if isinstance(found, str):
        return Loss("unknown", None, depth, time.monotonic() - started, why=found)
    if found is None:
        return Loss("exact", 0, depth, time.monotonic() - started, Trace((), (system.decode_state(_any_model(system, states[0]), states[0]),)))
    model = found
    lo, at = best(model)
    hi: int | None = None  # smallest value known unreachable
    while hi is None or lo + 1 < hi:
        probe = lo + 1 if hi is not None and hi - lo <= 2 else (lo * 2 + 1 if hi is None else (lo + hi) // 2)
        if hi is None and probe >= UNBOUNDED:
            probe = UNBOUNDED
        answer = reach(probe)
        if isinstance(answer, str):
            return Loss("unknown", None, depth, time.monotonic() - started, why=f"{answer} (at least {lo})")
        if answer is None:
            hi = probe
            if probe == lo + 1:
                break
        else:
            model = answer
            lo, at = best(model)
            if lo >= UNBOUNDED:
                return Loss("unbounded", None, depth, time.monotonic() - started, why=f"at least 2^128 within {depth} steps")
    at = min(at, next((j for j, a in enumerate(args) if model.eval(a.act, model_completion=True).as_long() == IDLE), at))
    steps = tuple(system.decode_step(model, a) for a in args[:at])
    trace = Trace(steps, tuple(system.decode_state(model, s) for s in states[: at + 1]))
    return Loss("exact", lo, depth, time.monotonic() - started, trace)


def _any_model(system: System, s0: object) -> z3.ModelRef:
    solver = z3.Solver()
    solver.add(system.init(s0))  # type: ignore[arg-type]
    solver.check()
    return solver.model()


__all__ = ["Loss", "max_loss", "Step"]
