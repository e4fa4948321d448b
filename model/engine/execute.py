"""Running a given action sequence through the symbolic transition relation, step by step.

This is how the symbolic model answers "what does this trace do here?": for conformance tests
(the same sequence on the reference must give the same states and refusals) and for re-running an
attack under a defended configuration (`expect: fixed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import z3

from bridgeproof.model.symbolic import StepArgs
from bridgeproof.model.system import System


@attrs.frozen
class Outcome:
    """`states[i]` is the state after step i, or None when the model refused step i (state kept)."""

    initial: dict[str, Any]
    states: tuple[dict[str, Any] | None, ...]


def _pins(system: System, a: StepArgs, action: str, args: dict[str, Any]) -> list[z3.BoolRef]:
    """The step's action and arguments as equations; a call outside the declarations pins False."""
    names = system.actions()
    if action not in names or not isinstance(args, dict):
        return [z3.BoolVal(False)]
    declared = system.action(action)
    if set(args) != set(declared.arg_names):
        return [z3.BoolVal(False)]
    pins = [a.act == names.index(action)]
    for arg in declared.args:
        value = args[arg.name]
        if arg.domain is not None:
            position = arg.domain.position(value)
            if position is None:
                return [z3.BoolVal(False)]
            value = position
        elif type(value) is not int:
            return [z3.BoolVal(False)]
        pins.append(a.named[arg.name] == value)
    return pins


def run(system: System, steps: Sequence[tuple[str, dict[str, Any]]]) -> Outcome:
    """Apply each (action, args); a step the relation does not allow is a refusal and is skipped."""
    solver = z3.Solver()
    state = system.state(0)
    solver.add(system.init(state))
    assert solver.check() == z3.sat
    initial = system.decode_state(solver.model(), state)
    out: list[dict[str, Any] | None] = []
    k = 0
    for action, args in steps:
        a = system.args(k)
        nxt = system.state(k + 1)
        solver.push()
        solver.add(system.trans(state, a, nxt), *_pins(system, a, action, args))
        if solver.check() == z3.sat:
            model = solver.model()
            decoded = system.decode_state(model, nxt)
            # The step is deterministic: pin the successor to its values so the next step starts there.
            values = [term == model.eval(term, model_completion=True) for term in nxt.terms.values()]
            solver.pop()
            solver.add(*values)
            state = nxt
            k += 1
            out.append(decoded)
        else:
            solver.pop()
            out.append(None)
    return Outcome(initial, tuple(out))
