"""One check = one scenario x one property: run the engine, store the trace, compare with the expectation."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import attrs
import z3

from bridgeproof import model
from bridgeproof.model import corpus, itf
from bridgeproof.model import certificate as certificates
from bridgeproof.model.engine.bmc import bmc
from bridgeproof.model.engine.budget import DEFAULT_UNITS, Budget
from bridgeproof.model.engine.execute import run as run_steps
from bridgeproof.model.engine.verdict import Finding
from bridgeproof.model.scenarios import Scenario
from bridgeproof.model.system import System
from bridgeproof.model.trace import Trace
from bridgeproof.properties import PROPERTIES
from bridgeproof.properties.view import CONCRETE


@attrs.frozen
class Result:
    """A verdict row: what was expected, what was found, and where the trace is."""

    scenario: str
    property: str
    expected: str | None
    verdict: str
    depth: int
    counterexample: str | None
    seconds: float
    clean_below: int = 0
    known: bool = False
    why: str = ""
    protocol: str = ""
    trust: str = ""
    params: dict[str, Any] = attrs.field(factory=dict)
    needed: tuple[str, ...] = ()
    invariant: tuple[tuple[str, str], ...] = ()
    cti: dict[str, Any] | None = None
    max_loss: int | str | None = None
    """The adversary's worst-case extraction within the bound (an int, "unbounded" or "unknown")."""
    certificate: str | None = None
    """The checked certificate of a `proved` row (its path)."""
    spent: int = 0
    """Z3 resource units the check used (its budget is the scenario's)."""
    scope: str = ""
    """What a `proved` row covers, e.g. "any number of message ids" or "2 message ids" ("" otherwise)."""
    cached: bool = False
    """Taken from verify's result cache (model/cache.py) rather than checked in this run; `seconds`
    and `spent` are then those of the run that checked it."""

    @property
    def ok(self) -> bool:
        if self.property == MAX_LOSS:
            return self.expected is None or self.verdict == "capped"
        if self.expected is None:
            return self.verdict in ("bounded", "proved", "witnessed")
        if self.verdict == "proved" and self.expected == "bounded":
            return True
        return self.verdict == self.expected

    def as_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "property": self.property,
            "expected": self.expected,
            "verdict": self.verdict,
            "depth": self.depth,
            "counterexample": self.counterexample,
            "seconds": round(self.seconds, 3),
            "ok": self.ok,
            "clean_below": self.clean_below,
            "known": self.known,
            "why": self.why,
            "scope": self.scope,
            "needed": list(self.needed),
            "max_loss": self.max_loss,
            "certificate": self.certificate,
            "resource_units": self.spent,
        }


def meta(sc: Scenario, prop: str, expect: str, finding: Finding | None) -> dict[str, Any]:
    """What a run adds to the configuration in a counterexample file's `#meta`."""
    out: dict[str, Any] = {
        "scenario": sc.name,
        "property": prop,
        "expect": expect,
        "z3_version": z3.get_version_string(),
        "seed": sc.seed,
        "tool_version": model.__version__,
    }
    if finding is not None:
        out["minimal"] = {"length": True, "clean_below": finding.clean_below}
    return out


def system_of(sc: Scenario) -> System:
    return System(sc.protocol, sc.trust, sc.bounds, sc.options)


MAX_LOSS = "max_loss"
CERTIFICATES = "certificates"
"""Where proofs' certificates go: beside the corpus root, not in it (a certificate is derived data,
rewritten by every proof, and not an ITF trace for tools that read the corpus)."""


def witness_of(sc: Scenario) -> str | None:
    """The witness that guards this scenario's proofs: its family's."""
    return sc.protocol.witness


def trust_id(sc: Scenario) -> str:
    """The trust segment of a corpus path: the trust model's id, or `none` for a family without one."""
    return sc.trust.id if sc.trust is not None else "none"


def check_loss(sc: Scenario, root: Path = corpus.ROOT, save: bool = True) -> Result:
    """The worst-case loss within the bound; against `max_loss <= X` when the scenario asserts it."""
    from bridgeproof.model.engine.loss import max_loss

    fresh_solver_context()
    budget = budget_of(sc)
    loss = max_loss(system_of(sc), sc.bounds.loss_depth, seed=sc.seed, budget=budget)
    value: int | str = loss.value if loss.verdict == "exact" and loss.value is not None else loss.verdict
    bound = sc.max_loss
    if loss.verdict == "unknown":
        verdict = "unknown"
    elif bound is None:
        verdict = "measured"
    elif loss.verdict == "exact" and loss.value is not None and loss.value <= bound:
        verdict = "capped"
    else:
        verdict = "exceeded"
    path, known, why = None, False, loss.why
    if loss.verdict == "exact" and loss.trace is not None and loss.value:
        # The worst case is a trace of its own, whatever the bound: the replay must reach the loss.
        system = system_of(sc)
        final = system.concrete_view(loss.trace.states[-1])
        by_chain = {c: int(v) for c, v in sc.protocol.loss_by_chain(final, CONCRETE).items()}
        within = f"within {sc.bounds.loss_depth} steps {sc.protocol.scope(sc.bounds)}"
        why = f"{within}: " + ", ".join(f"{c} {v}" for c, v in by_chain.items())
        if save:
            m = meta(sc, MAX_LOSS, "violation", None)
            m["max_loss"] = loss.value
            m["loss_by_chain"] = by_chain
            if bound is not None:
                m["max_loss_bound"] = bound
            document = itf.to_itf(loss.trace, system.config, m)
            rel = corpus.relative(sc.protocol.id, trust_id(sc), MAX_LOSS, sc.slug, "max_loss")
            stored, known = corpus.save(document, rel, root)
            path = str(stored)
    return _result(
        sc,
        MAX_LOSS,
        expected=f"<= {bound}" if bound is not None else None,
        verdict=verdict,
        depth=len(loss.trace) if loss.trace is not None else sc.bounds.depth,
        counterexample=path,
        seconds=loss.seconds,
        known=known,
        why=why,
        max_loss=value,
        spent=budget.spent,
    )


def _result(sc: Scenario, prop: str, **fields: Any) -> Result:
    """A Result row for this scenario, with its protocol, trust model and parameters filled in."""
    return Result(
        scenario=sc.name,
        property=prop,
        protocol=sc.protocol.id,
        trust=sc.trust.id if sc.trust is not None else "",
        params={**sc.protocol.describe(), **(sc.trust.describe() if sc.trust is not None else {})},
        **fields,
    )


def fresh_solver_context() -> None:
    """Start every check in a new Z3 context.

    NOTE(determinism): Z3's internal state (term ids, caches) carries over between queries in one
    context, so the same check could return a different (equally short) trace depending on what
    ran before it in the process. A fresh main context per check makes a trace a function of the
    scenario and the seed alone, whether `verify` runs with -j 1 or -j N.
    """
    z3.z3._main_ctx = None  # type: ignore[attr-defined]
    # The previous context is freed now, not whenever the garbage collector reaches the cycles that
    # hold its terms: freed in the middle of the next check, it changed that check's search (the
    # same proof spent different work on alternate runs in one process).
    gc.collect()


def budget_of(sc: Scenario) -> Budget:
    """One check's budget: the scenario's resource units, and its wall-clock safety net."""
    return Budget(getattr(sc, "budget", None) or DEFAULT_UNITS, sc.timeout)


def check(
    sc: Scenario,
    prop: str,
    root: Path = corpus.ROOT,
    save: bool = True,
    prove: bool = False,
    witness: bool = True,
    engine: str = "induction",
) -> Result:
    """An unbounded proof first if asked (with its certificate checked independently), else or failing
    that BMC (the shortest violation, or bounded), or for a liveness property a lasso. With `witness`,
    a proof counts only if the family's witness is reachable: NOTE(vacuity), the very rule `verify`
    applies to its rows (`guarded`), so the two commands cannot disagree."""
    fresh_solver_context()
    budget = budget_of(sc)
    kind = PROPERTIES[prop].kind
    extra: dict[str, Any] = {}
    loop: int | None = None
    if kind == "liveness":
        finding, loop, extra = _liveness(sc, prop, prove, budget)
    elif prove and kind == "safety":
        # The induction proof carries its own base case, so it needs no BMC run; only if it fails
        # does BMC look for the shortest violation (or settle for bounded).
        extra = _prove(sc, prop, engine, budget)
        if extra["finding"].verdict in ("proved", "unknown") and "cti" not in extra:
            finding = extra.pop("finding")
        else:
            cti = extra.get("cti")
            finding = bmc(system_of(sc), PROPERTIES[prop], sc.bounds.depth, seed=sc.seed, budget=budget)
            finding = attrs.evolve(finding, seconds=finding.seconds + extra["finding"].seconds)
            if finding.verdict == "bounded":
                finding = attrs.evolve(finding, why=extra["finding"].why)
            extra = {"cti": cti}
    else:
        finding = bmc(system_of(sc), PROPERTIES[prop], sc.bounds.depth, seed=sc.seed, budget=budget)
    path, known = None, False
    if finding.verdict == "violated" and finding.trace is not None and save:
        m = meta(sc, prop, "violation", finding)
        if loop is not None:
            m["loop"] = loop
        document = itf.to_itf(finding.trace, system_of(sc).config, m)
        stored, known = corpus.save(document, corpus.relative(sc.protocol.id, trust_id(sc), prop, sc.slug, "violation"), root)
        path = str(stored)
    certificate = extra.pop("certificate", None)
    if certificate is not None and finding.verdict == "proved" and save:
        rel = corpus.relative(sc.protocol.id, trust_id(sc), prop, sc.slug, "violation").with_suffix("").with_suffix(".cert.json")
        extra["certificate"] = str(certificates.save(certificate, root.parent / CERTIFICATES / rel))
    result = _result(
        sc,
        prop,
        expected=sc.expect.get(prop),
        verdict=finding.verdict,
        depth=finding.depth,
        counterexample=path,
        seconds=finding.seconds,
        clean_below=finding.clean_below,
        known=known,
        why=finding.why,
        **extra,
    )
    w = witness_of(sc)
    if witness and result.verdict == "proved" and w is not None:
        guard = bmc(system_of(sc), PROPERTIES[w], sc.bounds.depth, seed=sc.seed, budget=budget)
        result = attrs.evolve(guarded(result, guard.verdict, sc), seconds=result.seconds + guard.seconds)
    return attrs.evolve(result, spent=budget.spent)


def _words(covers: str) -> str:
    """A proof's scope as a row's `scope`: "with 2 message ids" -> "2 message ids"."""
    return covers.removeprefix("with ").removeprefix("for ")


def _certified(sc: Scenario, system: System, prop: Any, proof: Any, engine: str, budget: Budget) -> tuple[Any, str]:
    """The proof's certificate and why it is rejected ("" when the independent checker accepts it)."""
    cert = certificates.certify(prop.name, engine, proof.parametric, proof.needed, list(proof.formulas), system.represented)
    ok, why = certificates.check(system, cert, prop, seed=sc.seed, budget=budget)
    return cert, "" if ok else why


def _induction(sc: Scenario, system: System, prop: Any, budget: Budget) -> tuple[Any, System, str]:
    """The proof for any number of ids where the family's ids are interchangeable and the encoding
    lets a few represent them all (model/engine/parametric.py); else, or failing that, the proof for
    the scenario's ids. Returns the proof, the system it is about, and why it is not for any number."""
    from bridgeproof.model.engine.induction import prove
    from bridgeproof.model.engine.parametric import prove_any_number

    domain = sc.protocol.represented
    if domain is None:
        return prove(system, prop, k=1, seed=sc.seed, budget=budget), system, ""
    proof, reps_system, why = prove_any_number(system, domain, prop, seed=sc.seed, budget=budget)
    if proof is not None and not why:
        return proof, reps_system, ""
    # With the budget spent, this proof is `unknown` at once: never reported safe.
    return prove(system, prop, k=1, seed=sc.seed, budget=budget), system, why


def _liveness(sc: Scenario, prop: str, prove: bool, budget: Budget) -> tuple[Finding, int | None, dict[str, Any]]:
    """A proof by deadline-bounded progress if asked, with the certificate of its deadline invariant
    checked; else or failing that, the shortest lasso within the depth (`bounded` if there is none)."""
    from bridgeproof.model.engine import liveness

    system = system_of(sc)
    spent = 0.0
    why = ""
    if prove:
        proof = liveness.prove(system, PROPERTIES[prop], seed=sc.seed, budget=budget)
        spent = proof.seconds
        if proof.verdict == "proved":
            cert, rejected = _certified(sc, system, liveness.deadline_property(PROPERTIES[prop]), proof, "liveness", budget)
            if rejected:
                why = f"internal inconsistency: the liveness proof's certificate is rejected ({rejected})"
                return Finding("unknown", sc.bounds.depth, spent, why=why), None, {}
            because = " and ".join(proof.needed) if proof.needed else "of the honest parties' own deadlines"
            covers = sc.protocol.scope(sc.bounds)
            why = (
                f"every obligation is met at every depth {covers}, by deadline-bounded "
                f"progress, because {because}"
            )
            invariant = tuple((c.name, c.text) for c in proof.invariant)
            finding = Finding("proved", sc.bounds.depth, spent, why=why)
            return finding, None, {"needed": proof.needed, "invariant": invariant, "certificate": cert, "scope": _words(covers)}
        why = f"bounded only: the liveness proof failed ({proof.why or 'counterexample to induction'})"
    found = liveness.lasso(system, PROPERTIES[prop], sc.bounds.depth, seed=sc.seed, budget=budget)
    finding = attrs.evolve(found.finding, seconds=found.finding.seconds + spent)
    if finding.verdict == "bounded":
        finding = attrs.evolve(finding, why=why or "no lasso within the depth")
    return finding, found.loop, {}


def vacuous_why(witness_verdict: str, sc: Scenario) -> str:
    return f"{witness_of(sc)} is {witness_verdict} within depth {sc.bounds.depth}: the proof would be vacuous"


def unwitnessed(witness_verdict: str | None) -> str:
    """NOTE(vacuity): a proof counts only if the family's witness is reachable. An unreachable witness
    makes the proof vacuous; a witness search that timed out leaves it open (unknown), never proved."""
    return "vacuous" if witness_verdict == "vacuous" else "unknown"


def guarded(result: Result, witness_verdict: str | None, sc: Scenario) -> Result:
    """A proof row as NOTE(vacuity) says, given the scenario's witness verdict."""
    if result.verdict != "proved" or witness_verdict == "witnessed" or witness_of(sc) is None:
        return result
    return attrs.evolve(result, verdict=unwitnessed(witness_verdict), why=vacuous_why(witness_verdict or "unknown", sc), scope="")


def _prove(sc: Scenario, prop: str, engine: str, budget: Budget) -> dict[str, Any]:
    """The proof, certified: `proved` only when the independent checker accepts its certificate."""
    from bridgeproof.model.engine.induction import Conjunct, Proof, prove

    system = system_of(sc)
    if engine == "chc":
        from bridgeproof.model.engine.chc import prove_chc

        chc = prove_chc(system, PROPERTIES[prop], budget=budget)
        proof = Proof(
            "proved" if chc.verdict == "proved" else "unknown",
            1,
            chc.seconds,
            invariant=(Conjunct("spacer_invariant", chc.invariant),) if chc.invariant else (),
            needed=("params_as_given",),
            why=chc.why or ("Spacer refuted the property" if chc.verdict == "violated" else ""),
            formulas=(("spacer_invariant", "Spacer's interpretation of Inv", chc.formula),) if chc.formula is not None else (),
        )
    else:
        proof, system, not_any = _induction(sc, system, PROPERTIES[prop], budget)
    seconds = proof.seconds
    finding = Finding("bounded", sc.bounds.depth, seconds)
    if proof.verdict != "proved":
        if proof.cti is None and proof.why and budget.why and budget.why in proof.why:
            # Out of budget: unknown, and no BMC run can settle it with nothing left.
            return {"finding": Finding("unknown", sc.bounds.depth, seconds, why=proof.why)}
        cti = None
        if proof.cti is not None:
            cti = {"action": proof.cti.action, "args": proof.cti.args, "broken": list(proof.cti.broken)}
        why = f"bounded only: the {engine} proof failed ({proof.why or 'counterexample to induction'})"
        return {"finding": attrs.evolve(finding, seconds=seconds, why=why), "cti": cti}
    cert, rejected = _certified(sc, system, PROPERTIES[prop], proof, engine, budget)
    if rejected:
        why = f"internal inconsistency: the {engine} proof's certificate is rejected ({rejected})"
        return {"finding": attrs.evolve(finding, verdict="unknown", seconds=seconds, why=why)}
    # A short BMC run as a second, cheap guard: a proof it contradicts is a tool bug, never a verdict.
    # The plain encoding: the strengthened one would lean on the same lemmas as the proof.
    sanity = bmc(system_of(sc), PROPERTIES[prop], min(sc.bounds.depth, 6), seed=sc.seed, budget=budget, encoding="plain")
    seconds += sanity.seconds
    if sanity.verdict == "violated":
        why = f"internal inconsistency: the {engine} proof is contradicted by a {sanity.depth}-step violation"
        return {"finding": attrs.evolve(finding, verdict="unknown", seconds=seconds, why=why)}
    scope = "for every parameter setting that grants them" if proof.parametric and sc.trust is not None else "for these parameters"
    because = " and ".join(proof.needed) if proof.needed else "of the protocol's own rules, with no trust assumption"
    covers = f"for any number of {sc.protocol.represented_noun}" if system.represented else sc.protocol.scope(sc.bounds)
    why = f"holds at every depth {covers}, because {because} ({scope})"
    if proof.why:
        why += f"; {proof.why}"
    if engine != "chc" and not_any:
        why += f"; not shown for more ids: {not_any}"
    return {
        "finding": attrs.evolve(finding, verdict="proved", seconds=seconds, why=why),
        "scope": _words(covers),
        "needed": proof.needed,
        "invariant": tuple((c.name, c.text) for c in proof.invariant),
        "certificate": cert,
    }


def counterfactual(sc: Scenario, prop: str, attack: Trace | list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The attack's actions re-run under this (defended) scenario, as an `expect: fixed` ITF document.

    States run up to the first refused step (`refused_at`, 1-based); if nothing is refused, the run
    must end in a state where the property holds.
    """
    steps = [(s.action, dict(s.args)) for s in attack.steps] if isinstance(attack, Trace) else list(attack)
    outcome = run_steps(system_of(sc), steps)
    states = [outcome.initial]
    refused_at = None
    for i, st in enumerate(outcome.states):
        if st is None:
            refused_at = i + 1
            break
        states.append(st)
    from bridgeproof.model.system import Step

    kept = [Step(a, args) for a, args in steps[: len(states) - 1]]
    trace = Trace(tuple(kept), tuple(states))
    m = meta(sc, prop, "fixed", None)
    m["refused_at"] = refused_at
    if refused_at is not None:
        m["refused_action"] = {"action": steps[refused_at - 1][0], "args": steps[refused_at - 1][1]}
    system = system_of(sc)
    view = system.concrete_view(states[-1])
    m["holds_at_end"] = bool(PROPERTIES[prop].holds(view, CONCRETE))
    document = itf.to_itf(trace, system.config, m)
    document["#meta"]["steps"] = [{"action": a, "args": args} for a, args in steps]
    return document
