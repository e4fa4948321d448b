"""Unbounded proofs by k-induction on P ∧ lemmas, checked per action, with the trust assumptions it needed.

Inv = P ∧ L1 ∧ ... ∧ Ln (generic lemmas from properties/lemmas.py, the trust model's own lemmas).
Base:  I(S@0) ⇒ Inv(S@0)  (and BMC has covered depths below k).
Step:  Inv(S@0) ∧ T(S@0,S@1) ∧ ... ∧ Inv(S@k-1) ∧ T_a(S@k-1,S@k) ⇒ Inv(S@k), for every action a.
The trust parameters are first left free, under the domain and the named trust assumptions as
tracked literals; if that proves it, the union of the unsat cores says which assumptions the
property needs, for every parameter setting that grants them. Otherwise the parameters are pinned
to the scenario's values (the literal `params_as_given`).
"""

from __future__ import annotations

import time
from typing import Any

import attrs
import z3

from bridgeproof.model.engine.budget import Budget
from bridgeproof.model.engine.readable import infix
from bridgeproof.model.symbolic import StepArgs, SymState
from bridgeproof.model.system import System
from bridgeproof.properties import Property


@attrs.frozen
class Conjunct:
    name: str
    text: str


@attrs.frozen
class Cti:
    """A counterexample to induction: a state satisfying Inv whose `action` step breaks `broken`."""

    action: str
    args: dict[str, Any]
    broken: tuple[str, ...]
    before: dict[str, Any]
    after: dict[str, Any]


@attrs.frozen
class Proof:
    verdict: str  # "proved" | "unknown"
    k: int
    seconds: float
    invariant: tuple[Conjunct, ...] = ()
    needed: tuple[str, ...] = ()
    parametric: bool = False
    cti: Cti | None = None
    why: str = ""
    formulas: tuple[tuple[str, str, Any], ...] = attrs.field(default=(), eq=False, repr=False)
    """The kept conjuncts as (name, claim, formula over the step-0 state): the proof's certificate."""


def conjuncts(
    system: System, prop: Property, s: SymState, dropped: set[str] = frozenset()  # type: ignore[assignment]
) -> dict[str, tuple[z3.BoolRef, str]]:
    view = system.view(s)
    out: dict[str, tuple[z3.BoolRef, str]] = {prop.name: (prop.holds(view, system.ops), prop.claim)}
    for name, (formula, text) in system.lemmas(s).items():
        if name != prop.name:
            out[name] = (formula, text or infix(formula))
    return {n: v for n, v in out.items() if n not in dropped}


def prove(
    system: System, prop: Property, k: int = 1, timeout: float | None = None, seed: int = 0, budget: Budget | None = None
) -> Proof:
    """Try the parametric proof first, then with the parameters pinned; never report a failure as proved.

    Lemmas are pruned Houdini-style: a lemma broken by some action is dropped and the rest retried;
    the property itself is never dropped. Then each assumption in the core is dropped in turn, and
    kept only if the proof fails without it, so `needed` is minimal.
    """
    started = time.monotonic()
    if budget is None:
        budget = Budget(seconds=timeout) if timeout is not None else Budget()

    last: Proof | None = None
    for parametric in (True, False):
        for depth in range(1, k + 1):
            if budget.exhausted():
                return Proof("unknown", depth, time.monotonic() - started, why=budget.why)
            last = _houdini(system, prop, depth, parametric, None, budget, seed)
            if last.verdict == "proved":
                needed = list(last.needed)
                minimal = True
                for name in list(needed):
                    without = _houdini(system, prop, depth, parametric, set(needed) - {name}, budget, seed)
                    if without.verdict == "proved":
                        # Its invariant is the one that holds without the assumption: the certificate
                        # must pair the assumptions reported with the invariant that needs only them.
                        needed.remove(name)
                        last = without
                    elif without.cti is None and without.why:
                        minimal = False  # out of budget: the rest are reported as needed, not shown minimal
                        break
                why = "" if minimal else f"assumptions not minimised ({budget.why})"
                return attrs.evolve(last, needed=tuple(sorted(needed)), seconds=time.monotonic() - started, why=why)
            if last.why and last.cti is None:
                return attrs.evolve(last, seconds=time.monotonic() - started)
    assert last is not None
    return attrs.evolve(last, seconds=time.monotonic() - started)


def _houdini(
    system: System, prop: Property, k: int, parametric: bool, allowed: set[str] | None, budget: Budget, seed: int
) -> Proof:
    dropped: set[str] = set()
    while True:
        if budget.exhausted():
            return Proof("unknown", k, 0.0, why=budget.why)
        attempt = _attempt(system, prop, k, parametric, budget, seed, dropped, allowed)
        if attempt.verdict == "proved" or attempt.cti is None or prop.name in attempt.cti.broken:
            return attempt
        dropped |= set(attempt.cti.broken)


def _attempt(
    system: System,
    prop: Property,
    k: int,
    parametric: bool,
    budget: Budget,
    seed: int,
    dropped: set[str],
    allowed: set[str] | None,
) -> Proof:
    started = time.monotonic()
    literals: dict[str, z3.BoolRef] = {}
    background: list[z3.BoolRef] = [system.domain()]
    for name, formula in system.assumptions().items():
        lit = z3.Bool(f"assume:{name}")
        literals[name] = lit
        background.append(z3.Implies(lit, formula))
    if not parametric:
        lit = z3.Bool("assume:params_as_given")
        literals["params_as_given"] = lit
        background.append(z3.Implies(lit, z3.And(*system.pinned())))
    # Only assume what these parameters grant: an assumption they violate must not be used.
    granted = system.granted()
    usable = [
        lit for name, lit in literals.items() if granted.get(name, name == "params_as_given") and (allowed is None or name in allowed)
    ]
    needed: set[str] = set()

    def solver() -> z3.Solver:
        sv = z3.Solver()
        sv.set("random_seed", seed)
        sv.set("unsat_core", True)
        sv.add(*background)
        return sv

    def name_of(lit: z3.ExprRef) -> str:
        return str(lit).removeprefix("assume:")

    # Base: I ⇒ Inv.
    s0 = system.state(0)
    inv0 = conjuncts(system, prop, s0, dropped)
    sv = solver()
    sv.add(system.initial_state(s0), z3.Not(z3.And(*(f for f, _ in inv0.values()))))
    result = budget.check(sv, *usable)
    if result == z3.unknown:
        return Proof("unknown", k, time.monotonic() - started, why=budget.why)
    if result == z3.sat:
        model = sv.model()
        broken = tuple(n for n, (f, _) in inv0.items() if z3.is_false(model.eval(f, model_completion=True)))
        state = system.decode_state(model, s0)
        return Proof("unknown", k, time.monotonic() - started, cti=Cti("init", {}, broken, state, state), why="a lemma fails initially")
    needed |= {name_of(c) for c in sv.unsat_core()}

    # Step, per action.
    states = [system.state(j) for j in range(k + 1)]
    args = [system.args(j) for j in range(k)]
    invs = [conjuncts(system, prop, st, dropped) for st in states]
    for action in system.actions():
        sv = solver()
        for j in range(k):
            sv.add(*(f for f, _ in invs[j].values()))
        for j in range(k - 1):
            sv.add(system.trans(states[j], args[j], states[j + 1]))
        sv.add(system.trans(states[k - 1], args[k - 1], states[k], only=frozenset({action})))
        sv.add(z3.Not(z3.And(*(f for f, _ in invs[k].values()))))
        result = budget.check(sv, *usable)
        if result == z3.unknown:
            return Proof("unknown", k, time.monotonic() - started, why=budget.why)
        if result == z3.sat:
            model = sv.model()
            broken = tuple(n for n, (f, _) in invs[k].items() if z3.is_false(model.eval(f, model_completion=True)))
            step = system.decode_step(model, args[k - 1])
            cti = Cti(
                action,
                dict(step.args),
                broken,
                system.decode_state(model, states[k - 1]),
                system.decode_state(model, states[k]),
            )
            return Proof("unknown", k, time.monotonic() - started, cti=cti)
        needed |= {name_of(c) for c in sv.unsat_core()}
    invariant = tuple(Conjunct(n, text) for n, (_, text) in invs[0].items())
    return Proof(
        "proved",
        k,
        time.monotonic() - started,
        invariant=invariant,
        needed=tuple(sorted(needed)),
        parametric=parametric,
        formulas=tuple((n, text, f) for n, (f, text) in invs[0].items()),
    )
