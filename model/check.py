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
from properties.view import CONCRETE, concrete_view


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

    @property
    def ok(self) -> bool:
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
        }


def meta(sc: Scenario, prop: str, expect: str, finding: Finding | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "scenario": sc.name,
        "protocol": sc.protocol.id,
        "trust": sc.trust.id,
        "params": sc.trust.describe(),
        "bounds": attrs.asdict(sc.bounds),
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
    return System(sc.protocol, sc.trust, sc.bounds)


def check(sc: Scenario, prop: str, root: Path = corpus.ROOT, save: bool = True) -> Result:
    finding = bmc(system_of(sc), PROPERTIES[prop], sc.bounds.depth, seed=sc.seed, timeout=sc.timeout)
    path, known = None, False
    if finding.verdict == "violated" and finding.trace is not None and save:
        document = itf.to_itf(finding.trace, meta(sc, prop, "violation", finding))
        stored, known = corpus.save(document, corpus.relative(sc.protocol.id, sc.trust.id, prop, sc.slug, "violation"), root)
        path = str(stored)
    return Result(
        scenario=sc.name,
        property=prop,
        expected=sc.expect.get(prop),
        verdict=finding.verdict,
        depth=finding.depth,
        counterexample=path,
        seconds=finding.seconds,
        clean_below=finding.clean_below,
        known=known,
        why=finding.why,
        protocol=sc.protocol.id,
        trust=sc.trust.id,
        params=sc.trust.describe(),
    )


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
    view = concrete_view(states[-1], sc.bounds.messages, sc.bounds.supply)
    m["holds_at_end"] = bool(PROPERTIES[prop].holds(view, CONCRETE))
    document = itf.to_itf(trace, m)
    document["#meta"]["steps"] = [{"action": a, "args": args} for a, args in steps]
    return document
