"""Proofs for any number of messages: induction over representative ids, and the checks that make it sound.

The K-id system with representatives (model/representatives.py) proves Inv for every number N of
ids when (SEMANTICS.md, "Any number of messages"):

  local      every step changes the fields of at most one id, reads no other id's fields, and writes
             each id's fields from that id's own fields (and shared state, arguments, parameters);
  uniform    the steps on id i are the steps on id 0 with i's fields and value put for 0's
             (checked by swapping i and 0 in the K+1- and K+2-id systems: an encoding that treats
             one id apart, or lets one id reach another's fields, shows there);
  per id     every conjunct of Inv relates at most one id's fields to the shared state, outside
             the sums over the ids (whose remainders stand for the ids not represented);
  pure sums  every term of a sum over the ids reads only its own id, and is 0 initially.

Then each conjunct about ids i (and the sums) after a step on id a is a conjunct of the K-id
system in which a and i are represented, and the K-id consecution check covers it.
"""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import z3

from bridgeproof.model.engine.budget import Budget
from bridgeproof.model.engine.induction import Proof, prove
from bridgeproof.model.system import System
from bridgeproof.properties import Property


def represented_system(system: System, domain: str, size: int) -> System:
    """`system` with `size` ids of `domain`, standing for any number of them."""
    return System(system.protocol, system.trust, attrs.evolve(system.bounds, messages=size), system.options, represented=domain)


def prove_any_number(
    system: System, domain: str, prop: Property, seed: int = 0, budget: Budget | None = None
) -> tuple[Proof | None, System, str]:
    """The proof over representatives, its system, and why it does not hold for any number ("" when it does).

    The premises are checked first (they are about the encoding, not the property), then the proof,
    then that what it kept is per id.
    """
    # Two at least: the id a step acts on, and another whose conjuncts the step must keep.
    reps_system = represented_system(system, domain, max(len(system.config.domains[domain]), 2))
    why = premises(system, domain)
    if why:
        return None, reps_system, why
    proof = prove(reps_system, prop, k=1, seed=seed, budget=budget)
    if proof.verdict != "proved":
        reason = proof.why or (f"counterexample to induction at {proof.cti.action}" if proof.cti else "no proof")
        return proof, reps_system, f"the proof over representative ids fails ({reason})"
    why = per_id(reps_system, [f for _, _, f in proof.formulas], [n for n, _, _ in proof.formulas])
    return proof, reps_system, why


def premises(system: System, domain: str) -> str:
    """Why the encoding does not let K ids stand for any number of them ("" when it does)."""
    size = max(len(system.config.domains[domain]), 2)
    for extra in (1, 2):
        reps_system = represented_system(system, domain, size + extra)
        reps = reps_system.representatives
        if reps.problems:
            return reps.problems[0]
        why = _local_and_uniform(reps_system)
        if why:
            return why
        why = _sums_start_at_zero(reps_system)
        if why:
            return why
    return ""


def per_id(reps_system: System, formulas: list[z3.BoolRef], names: list[str]) -> str:
    """Every conjunct relates at most one id's fields to shared state, outside sums over the ids."""
    reps = reps_system.representatives
    for name, formula in zip(names, formulas):
        for part in _parts(formula):
            ids = reps.positions_outside_sums(part)
            if len(ids) > 1:
                return f"the invariant's conjunct {name} relates ids {sorted(ids)} to each other"
    return ""


def _parts(formula: z3.BoolRef) -> list[z3.BoolRef]:
    if z3.is_and(formula):
        return [p for c in formula.children() for p in _parts(c)]
    return [formula]


def _sums_start_at_zero(reps_system: System) -> str:
    """Each remainder stands for ids that are pristine initially: their terms must then be 0."""
    reps = reps_system.representatives
    s0 = reps_system.state(0)
    for r in reps.remainders.values():
        terms = reps.terms_of(r.name)
        sv = z3.Solver()
        sv.add(reps_system.domain(), reps_system.initial_state(s0), z3.Or(*(t != 0 for t in terms)))
        if sv.check() != z3.unsat:
            return f"a sum over the ids whose terms are not 0 initially: {r.shape}"
    return ""


def _local_and_uniform(reps_system: System) -> str:
    reps = reps_system.representatives
    s, a = reps_system.state(0), reps_system.args(0)
    cases = reps_system.cases(s, a)
    # For every parameter value the trust model's domain allows, not only the scenario's: a proof may
    # hold for all settings that grant its assumptions, and the premises must too.
    background = reps_system.domain()
    on: list[tuple[Any, int | None]] = []
    for case in cases:
        where, why = _locality(reps, s, case, background)
        if why:
            return why
        on.append((case, where))
    for p in range(1, reps.size):
        swap = _swap(reps, s, p)
        for case, where in on:
            if where not in (None, p):
                continue
            image = _renamed(case, swap, reps, s, p)
            target = 0 if where == p else None
            candidates = [c for c, w in on if c.action == case.action and w == target]
            if not any(_same(image, c, background) for c in candidates):
                return f"the steps of {case.action} on id {p} are not those on id 0 with the ids swapped"
    return ""


def _locality(reps: Any, s: Any, case: Any, background: z3.BoolRef) -> tuple[int | None, str]:
    """The id the case acts on (None: none, or the one shared state picks), or why it is not local.

    The guard may read other ids only in conjuncts of one id each (a condition on every id, such as
    an honest deadline per claim): with fewer ids represented it only gets weaker, so the system
    over representatives has every step of the real one (uniformity makes it a condition on every id).
    """
    guard_ids: set[int] = set()
    for part in _parts(case.guard):
        ps = reps.positions(part)
        if len(ps) > 1:
            return None, f"{case.action} reads ids {sorted(ps)} together in one condition"
        guard_ids |= ps
    reads: set[int] = set()
    changed: dict[int, list[z3.BoolRef]] = {}
    for key, value in case.updates.items():
        term = value if isinstance(value, z3.ExprRef) else None
        refs = reps.positions(term) if term is not None else set()
        p = reps.position_of(f"{key}@{s.step}")
        if p is None:
            reads |= refs
            continue
        if refs - {p}:
            return None, f"{case.action} writes {key} from id(s) {sorted(refs - {p})}"
        old = s[key]
        if term is None or not term.eq(old):
            changed.setdefault(p, []).append(old != value)
    if len(reads) > 1:
        return None, f"{case.action} updates shared state from ids {sorted(reads)} in one step"
    core = reads | set(changed)
    if len(core) == 1:
        return next(iter(core)), ""
    if not core:
        return (next(iter(guard_ids)) if len(guard_ids) == 1 else None), ""
    if reads:
        return None, f"{case.action} reads id {sorted(reads)[0]} and changes id(s) {sorted(set(changed) - reads)}"
    # Several ids may change, but shared state picks which (a send takes the next free id): one at a time.
    for i, j in itertools.combinations(sorted(changed), 2):
        sv = z3.Solver()
        sv.add(background, case.guard, z3.Or(*changed[i]), z3.Or(*changed[j]))
        if sv.check() != z3.unsat:
            return None, f"{case.action} can change ids {i} and {j} in one step"
    return None, ""


def _swap(reps: Any, s: Any, p: int) -> list[tuple[z3.ExprRef, z3.ExprRef]]:
    """Constants of ids 0 and p exchanged, with their values."""
    pairs: list[tuple[z3.ExprRef, z3.ExprRef]] = [(reps.value(0), reps.value(p)), (reps.value(p), reps.value(0))]
    for key, q in reps.id_keys.items():
        if q == p:
            other = reps.key_at(key, 0)
            if s.has(key) and s.has(other):
                pairs += [(s[key], s[other]), (s[other], s[key])]
    return pairs


def _renamed(case: Any, swap: list[tuple[z3.ExprRef, z3.ExprRef]], reps: Any, s: Any, p: int) -> Any:
    def sub(x: Any) -> Any:
        return z3.substitute(x, *swap) if isinstance(x, z3.ExprRef) else x

    updates = {}
    for key, value in case.updates.items():
        q = reps.position_of(f"{key}@{s.step}")
        if q in (0, p):
            key = reps.key_at(key, p if q == 0 else 0)
        updates[key] = sub(value)
    args = {k: (0 if v == p else p if v == 0 else v) if k in reps.index_args and isinstance(v, int) else sub(v) for k, v in case.args.items()}
    return attrs.evolve(case, guard=sub(case.guard), updates=updates, args=args)


def _same(one: Any, other: Any, background: z3.BoolRef) -> bool:
    """The two cases are the same step: same arguments, equivalent guards, equal updates."""
    if set(one.updates) != set(other.updates) or set(one.args) != set(other.args):
        return False
    eqs = [one.guard == other.guard]
    for k, v in one.args.items():
        w = other.args[k]
        if isinstance(v, int) and isinstance(w, int):
            if v != w:
                return False
        else:
            eqs.append(_as_term(v) == _as_term(w))
    eqs += [_as_term(v) == _as_term(other.updates[k]) for k, v in one.updates.items()]
    sv = z3.Solver()
    sv.add(background, z3.Not(z3.And(*eqs)))
    return sv.check() == z3.unsat


def _as_term(x: Any) -> z3.ExprRef:
    if isinstance(x, z3.ExprRef):
        return x
    return z3.BoolVal(x) if isinstance(x, bool) else z3.IntVal(int(x))
