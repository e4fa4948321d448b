"""One check = one scenario x one property: run the engine, store the trace, compare with the expectation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import z3

import model
from model import corpus, itf
from model.engine.bmc import bmc
from model.engine.execute import run as run_steps
from model.engine.verdict import Finding
from model.scenarios import Scenario
from model.system import System
from model.trace import Trace
from properties import PROPERTIES
from properties.view import CONCRETE


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
            "needed": list(self.needed),
            "max_loss": self.max_loss,
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


def witness_of(sc: Scenario) -> str | None:
    """The witness that guards this scenario's proofs: its family's."""
    return sc.protocol.witness


def trust_id(sc: Scenario) -> str:
    """The trust segment of a corpus path: the trust model's id, or `none` for a family without one."""
    return sc.trust.id if sc.trust is not None else "none"


def check_loss(sc: Scenario, root: Path = corpus.ROOT, save: bool = True) -> Result:
    """The worst-case loss within the bound; against `max_loss <= X` when the scenario asserts it."""
    from model.engine.loss import max_loss

    fresh_solver_context()
    loss = max_loss(system_of(sc), sc.bounds.loss_depth, seed=sc.seed, timeout=sc.timeout)
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
    path, known = None, False
    if verdict == "exceeded" and loss.trace is not None and save:
        m = meta(sc, MAX_LOSS, "violation", None)
        m["max_loss_bound"] = bound
        m["max_loss"] = loss.value
        document = itf.to_itf(loss.trace, system_of(sc).config, m)
        rel = corpus.relative(sc.protocol.id, trust_id(sc), MAX_LOSS, sc.slug, "violation")
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
        why=loss.why,
        max_loss=value,
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


def check(
    sc: Scenario,
    prop: str,
    root: Path = corpus.ROOT,
    save: bool = True,
    prove: bool = False,
    witness: bool = True,
    engine: str = "induction",
) -> Result:
    """BMC first (shortest violation, or bounded); then, if asked, an unbounded proof, which only
    counts if the witness is reachable (a proof about a bridge that cannot move value is vacuous)."""
    fresh_solver_context()
    extra: dict[str, Any] = {}
    loop: int | None = None
    if PROPERTIES[prop].kind == "liveness":
        finding, loop, extra = _liveness(sc, prop, prove, witness)
    elif prove and PROPERTIES[prop].kind == "safety":
        # The induction proof carries its own base case, so it needs no BMC run; only if it fails
        # does BMC look for the shortest violation (or settle for bounded).
        extra = _prove(sc, prop, witness, engine)
        if extra["finding"].verdict in ("proved", "vacuous"):
            finding = extra.pop("finding")
        else:
            cti = extra.get("cti")
            finding = bmc(system_of(sc), PROPERTIES[prop], sc.bounds.depth, seed=sc.seed, timeout=sc.timeout)
            finding = attrs.evolve(finding, seconds=finding.seconds + extra["finding"].seconds)
            if finding.verdict == "bounded":
                finding = attrs.evolve(finding, why=extra["finding"].why)
            extra = {"cti": cti}
    else:
        finding = bmc(system_of(sc), PROPERTIES[prop], sc.bounds.depth, seed=sc.seed, timeout=sc.timeout)
    path, known = None, False
    if finding.verdict == "violated" and finding.trace is not None and save:
        m = meta(sc, prop, "violation", finding)
        if loop is not None:
            m["loop"] = loop
        document = itf.to_itf(finding.trace, system_of(sc).config, m)
        stored, known = corpus.save(document, corpus.relative(sc.protocol.id, trust_id(sc), prop, sc.slug, "violation"), root)
        path = str(stored)
    return _result(
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


def _liveness(sc: Scenario, prop: str, prove: bool, witness: bool) -> tuple[Finding, int | None, dict[str, Any]]:
    """A proof by deadline-bounded progress if asked (guarded by the witness like any proof), else or
    failing that, the shortest lasso within the depth (`bounded` if there is none)."""
    from model.engine import liveness

    system = system_of(sc)
    spent = 0.0
    why = ""
    if prove:
        proof = liveness.prove(system, PROPERTIES[prop], timeout=sc.timeout, seed=sc.seed)
        spent = proof.seconds
        if proof.verdict == "proved":
            because = " and ".join(proof.needed) if proof.needed else "of the honest parties' own deadlines"
            why = (
                f"every obligation is met at every depth {sc.protocol.scope(sc.bounds)}, by deadline-bounded "
                f"progress, because {because}"
            )
            finding = Finding("proved", sc.bounds.depth, spent, why=why)
            w = witness_of(sc)
            if witness and w is not None:
                guard = bmc(system, PROPERTIES[w], sc.bounds.depth, seed=sc.seed, timeout=sc.timeout)
                if guard.verdict != "witnessed":
                    verdict = unwitnessed(guard.verdict)
                    return attrs.evolve(finding, verdict=verdict, why=vacuous_why(guard.verdict, sc)), None, {}
            invariant = tuple((c.name, c.text) for c in proof.invariant)
            return finding, None, {"needed": proof.needed, "invariant": invariant}
        why = f"bounded only: the liveness proof failed ({proof.why or 'counterexample to induction'})"
    found = liveness.lasso(system, PROPERTIES[prop], sc.bounds.depth, seed=sc.seed, timeout=sc.timeout)
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
    return attrs.evolve(result, verdict=unwitnessed(witness_verdict), why=vacuous_why(witness_verdict or "unknown", sc))


def _prove(sc: Scenario, prop: str, witness_check: bool = True, engine: str = "induction") -> dict[str, Any]:
    from model.engine.induction import Conjunct, Proof, prove

    if engine == "chc":
        from model.engine.chc import prove_chc

        chc = prove_chc(system_of(sc), PROPERTIES[prop], timeout=sc.timeout)
        proof = Proof(
            "proved" if chc.verdict == "proved" else "unknown",
            1,
            chc.seconds,
            invariant=(Conjunct("spacer_invariant", chc.invariant),) if chc.invariant else (),
            needed=("params_as_given",),
            why=chc.why or ("Spacer refuted the property" if chc.verdict == "violated" else ""),
        )
    else:
        proof = prove(system_of(sc), PROPERTIES[prop], k=1, timeout=sc.timeout, seed=sc.seed)
    seconds = proof.seconds
    finding = Finding("bounded", sc.bounds.depth, seconds)
    if proof.verdict != "proved":
        cti = None
        if proof.cti is not None:
            cti = {"action": proof.cti.action, "args": proof.cti.args, "broken": list(proof.cti.broken)}
        why = f"bounded only: the {engine} proof failed ({proof.why or 'counterexample to induction'})"
        return {"finding": attrs.evolve(finding, seconds=seconds, why=why), "cti": cti}
    # The checker checks itself: a proof that a short BMC run contradicts is a tool bug, reported
    # as such and never as a verdict.
    sanity = bmc(system_of(sc), PROPERTIES[prop], min(sc.bounds.depth, 6), seed=sc.seed, timeout=sc.timeout)
    seconds += sanity.seconds
    if sanity.verdict == "violated":
        why = f"internal inconsistency: induction claimed a proof but BMC violates it in {sanity.depth} steps"
        return {"finding": attrs.evolve(finding, verdict="unknown", seconds=seconds, why=why)}
    witness_name = witness_of(sc)
    if witness_check and witness_name is not None:
        witness = bmc(system_of(sc), PROPERTIES[witness_name], sc.bounds.depth, seed=sc.seed, timeout=sc.timeout)
        seconds += witness.seconds
        if witness.verdict != "witnessed":
            verdict = unwitnessed(witness.verdict)
            return {"finding": attrs.evolve(finding, verdict=verdict, seconds=seconds, why=vacuous_why(witness.verdict, sc))}
    scope = "for every parameter setting that grants them" if proof.parametric and sc.trust is not None else "for these parameters"
    because = " and ".join(proof.needed) if proof.needed else "of the protocol's own rules, with no trust assumption"
    why = f"holds at every depth {sc.protocol.scope(sc.bounds)}, because {because} ({scope})"
    return {
        "finding": attrs.evolve(finding, verdict="proved", seconds=seconds, why=why),
        "needed": proof.needed,
        "invariant": tuple((c.name, c.text) for c in proof.invariant),
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
    from model.system import Step

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
