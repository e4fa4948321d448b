"""Proof certificates, and the small checker that re-checks them with a fresh solver.

A `proved` verdict carries its inductive invariant: the conjuncts the prover kept (the property, the
lemmas that survived, or Spacer's interpretation of Inv), written as SMT-LIB terms over the state at
step 0 and the trust parameters. The checker shares no code with the provers (model/engine/induction.py,
the Houdini loop, Spacer): from the certificate and the configuration alone it checks

  initiation   H ∧ I(S) ⇒ Inv(S)
  consecution  H ∧ Inv(S) ∧ T_a(S, a, S') ⇒ Inv(S'), for every action a
  safety       H ∧ Inv(S) ⇒ P(S), with P computed from the property's own definition

where H is what the proof may assume: the trust model's parameter domain and the named assumptions
the proof needed, or the parameters' own values. A certificate that fails any of these is rejected
with the reason, and the verdict is `unknown`, never `proved`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import attrs
import z3

from bridgeproof.model.engine.budget import Budget
from bridgeproof.properties import Property


@attrs.frozen
class Certificate:
    property: str
    engine: str
    parametric: bool
    needed: tuple[str, ...]
    conjuncts: tuple[tuple[str, str, str], ...]
    """(name, the claim in words, the SMT-LIB term over the step-0 state and the parameters)."""
    represented: str | None = None
    """The index domain whose ids stand for any number of them (the invariant then names their
    symbolic values `id!p` and the sums' remainders `rest!...`): SEMANTICS.md, "Any number of messages"."""

    def as_json(self) -> dict[str, Any]:
        return {
            "property": self.property,
            "engine": self.engine,
            "parametric": self.parametric,
            "needed": list(self.needed),
            "represented": self.represented,
            "conjuncts": [{"name": n, "claim": c, "smt2": t} for n, c, t in self.conjuncts],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Certificate:
        return cls(
            data["property"],
            data["engine"],
            bool(data["parametric"]),
            tuple(data["needed"]),
            tuple((c["name"], c["claim"], c["smt2"]) for c in data["conjuncts"]),
            data.get("represented"),
        )


def certify(
    prop: str,
    engine: str,
    parametric: bool,
    needed: tuple[str, ...],
    kept: list[tuple[str, str, Any]],
    represented: str | None = None,
) -> Certificate:
    """A certificate from the conjuncts a prover kept: (name, claim, Z3 formula over the step-0 state)."""
    return Certificate(prop, engine, parametric, tuple(needed), tuple((n, c, f.sexpr()) for n, c, f in kept), represented)


def _decls(system: Any, s: Any) -> dict[str, Any]:
    """Symbol names in a certificate (step-0 state, trust parameters) -> the constants of state `s`."""
    out = {f"{key}@0": term for key, term in s.terms.items()}
    trust = system.trust
    judges = list(system.judges().values())
    for model in [m for judge in judges for m in (judge, *getattr(judge, "verifiers", ()))]:
        for name in model.param_names():
            term = model.t(name)
            out[str(term)] = term
    if trust is not None and hasattr(trust, "m"):
        out[str(trust.t("m"))] = trust.t("m")
    if system.representatives is not None:
        out.update(system.representatives.constants())
    return out


def _parse(text: str, decls: dict[str, Any]) -> z3.BoolRef:
    parsed = z3.parse_smt2_string(f"(assert {text})", decls=decls)
    return z3.And(*parsed) if len(parsed) != 1 else parsed[0]


def _hypotheses(system: Any, cert: Certificate) -> list[Any]:
    """What the proof may assume: the parameters' domain and the assumptions it named, or their values."""
    if not cert.parametric or "params_as_given" in cert.needed:
        return [system.domain(), *system.pinned()]
    assumptions = system.assumptions()
    unknown = [n for n in cert.needed if n not in assumptions]
    if unknown:
        raise ValueError(f"the certificate needs {unknown[0]!r}, which the trust model does not assume")
    return [system.domain(), *(assumptions[n] for n in cert.needed)]


def check(system: Any, cert: Certificate, prop: Property, seed: int = 0, budget: Budget | None = None) -> tuple[bool, str]:
    """(accepted, why not): initiation, consecution per action and safety, each with a fresh solver."""
    budget = budget or Budget()
    if cert.represented != system.represented:
        system = attrs.evolve(system, represented=cert.represented)
    s0, s1, a = system.state(0), system.state(1), system.args(0)
    try:
        here = [_parse(t, _decls(system, s0)) for _, _, t in cert.conjuncts]
        there = [_parse(t, _decls(system, s1)) for _, _, t in cert.conjuncts]
        hypotheses = _hypotheses(system, cert)
    except (z3.Z3Exception, ValueError) as e:
        return False, f"the certificate does not parse: {e}"
    inv0, inv1 = z3.And(*here), z3.And(*there)

    def refuted(*formulas: Any) -> str | None:
        """None when the formulas are unsatisfiable (the obligation holds); else why not."""
        sv = z3.Solver()
        sv.set("random_seed", seed)
        sv.add(*hypotheses, *formulas)
        result = budget.check(sv)
        if result == z3.unsat:
            return None
        return "a counterexample exists" if result == z3.sat else f"undecided ({budget.why})"

    why = refuted(system.initial_state(s0), z3.Not(inv0))
    if why:
        return False, f"initiation fails: {why}"
    for action in system.actions():
        why = refuted(inv0, system.trans(s0, a, s1, only=frozenset({action})), z3.Not(inv1))
        if why:
            return False, f"consecution fails for {action}: {why}"
    why = refuted(inv0, z3.Not(prop.holds(system.view(s0), system.ops)))
    if why:
        return False, f"the invariant does not imply {prop.name}: {why}"
    return True, ""


def save(cert: Certificate, path: Path) -> Path:
    """Write (or rewrite) a certificate atomically: it is derived data, regenerated by every proof."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".cert.json", dir=path.parent)
    with os.fdopen(fd, "w") as f:
        json.dump(cert.as_json(), f, indent=1)
        f.write("\n")
    os.replace(tmp, path)
    return path


def load(path: Path) -> Certificate:
    return Certificate.from_json(json.loads(path.read_text()))
