"""Worst-case loss: the most value the adversary can gain within the bound, computed exactly.

States S@0..S@k with I(S@0) and, for each i, T(S@i, a@i, S@i+1) or an idle step (S@i+1 = S@i,
idle steps only at the end), so S@k ranges over every state reachable in at most k steps. Z3's
Optimize maximises the adversary's canonical gain at S@k; an unbounded objective (an unlimited
forged mint) is reported as such, and a timeout is `unknown`, never a number.
"""

from __future__ import annotations

import time

import attrs
import z3

from bridgeproof.model.engine.budget import Budget
from bridgeproof.model.symbolic import StepArgs
from bridgeproof.model.system import Step, System
from bridgeproof.model.trace import Trace
from bridgeproof.properties.view import SYMBOLIC

IDLE = -1


@attrs.frozen
class Loss:
    verdict: str  # "exact" | "unbounded" | "unknown"
    value: int | None
    depth: int
    seconds: float
    trace: Trace | None = None
    why: str = ""


def max_loss(system: System, depth: int, seed: int = 0, budget: Budget | None = None) -> Loss:
    started = time.monotonic()
    budget = budget or Budget()
    opt = z3.Optimize()
    z3.set_param("smt.random_seed", seed)
    states = [system.state(0)]
    args: list[StepArgs] = []
    opt.add(system.init(states[0]))
    for k in range(depth):
        a = system.args(k)
        states.append(system.state(k + 1))
        idle = z3.And(a.act == IDLE, *(states[k + 1][n] == states[k][n] for n in states[k].terms))
        opt.add(z3.Or(system.trans(states[k], a, states[k + 1]), idle))
        if args:
            opt.add(z3.Implies(args[-1].act == IDLE, a.act == IDLE))
        args.append(a)
    handle = opt.maximize(system.protocol.adversary_value(system.view(states[-1]), SYMBOLIC))
    result = budget.check(opt)
    seconds = time.monotonic() - started
    if result != z3.sat:
        return Loss("unknown", None, depth, seconds, why=budget.why or str(result))
    upper = handle.upper()
    if not z3.is_int_value(upper):
        return Loss("unbounded", None, depth, seconds, why="an unlimited amount within the bound")
    model = opt.model()
    steps: list[Step] = []
    kept = [states[0]]
    for a, s in zip(args, states[1:], strict=True):
        if model.eval(a.act, model_completion=True).as_long() == IDLE:
            break
        steps.append(system.decode_step(model, a))
        kept.append(s)
    trace = Trace(tuple(steps), tuple(system.decode_state(model, s) for s in kept))
    return Loss("exact", upper.as_long(), depth, seconds, trace)
