"""Reachable-state invariants for BMC: the components' lemmas that hold in every reachable state.

The lemmas every component declares (and the generic ones) are candidates. Houdini keeps the largest
subset L that is inductive on its own, with the trust parameters pinned to the scenario's values:

    I(S) ⇒ L(S)        and        L(S) ∧ T(S, a, S') ⇒ L(S')

so every reachable state satisfies L, whatever the property under check. Asserting L at every step
of an unrolling removes no path from it: the same traces exist, of the same lengths, so BMC's
shortest counterexample stays shortest (SEMANTICS.md, "BMC with reachable invariants"). What L
buys is that a clean depth no longer has to be shown by enumerating how messages interleave: the
per-message facts (each claim is a message that was sent, each signature is honest or stolen) cut
every interleaving at once.
"""

from __future__ import annotations

import z3

from bridgeproof.model.engine.budget import Budget
from bridgeproof.model.system import System


def reachable_lemmas(system: System, budget: Budget, seed: int = 0) -> tuple[str, ...]:
    """The largest L ⊆ lemmas with I ⇒ L and L ∧ T ⇒ L' (parameters pinned); () when the budget
    cannot settle it, which is always sound: an empty L strengthens nothing."""
    s0, s1, a = system.state(0), system.state(1), system.args(0)
    before, after = system.lemmas(s0), system.lemmas(s1)
    kept = list(before)
    background = [*system.pinned(), system.domain()]
    step = system.trans(s0, a, s1)
    while kept:
        sv = z3.SolverFor("QF_LIA")
        sv.set("random_seed", seed)
        sv.add(*background, system.initial_state(s0), z3.Not(z3.And(*(before[n][0] for n in kept))))
        result = budget.check(sv)
        if result == z3.sat:
            kept = _holding(sv.model(), kept, before)
            continue
        if result == z3.unknown:
            return ()
        sv = z3.SolverFor("QF_LIA")
        sv.set("random_seed", seed)
        sv.add(*background, *(before[n][0] for n in kept), step, z3.Not(z3.And(*(after[n][0] for n in kept))))
        result = budget.check(sv)
        if result == z3.sat:
            kept = _holding(sv.model(), kept, after)
            continue
        if result == z3.unknown:
            return ()
        break
    return tuple(kept)


def _holding(model: z3.ModelRef, names: list[str], lemmas: dict[str, tuple[z3.BoolRef, str]]) -> list[str]:
    return [n for n in names if not z3.is_false(model.eval(lemmas[n][0], model_completion=True))]
