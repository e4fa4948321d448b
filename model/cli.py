"""The command line: the only module that prints.

Exit codes: 0 every verdict as expected (or, for `check`, the property holds); 1 a mismatch (an
unexpected violation, an unreachable witness, an expected attack no longer found, a trace that
does not replay); 2 bad input or a tool problem, as one line naming the file and the field.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from model import corpus, itf, verification
from model.check import MAX_LOSS, Result, check
from model.configuration import Bounds
from model.errors import BadInput, ToolError
from model.scenarios import Scenario, discover
from properties import PROPERTIES, get


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"bridgeproof: command line: {message}", file=sys.stderr)
        raise SystemExit(2)


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise BadInput("command line", "--param", f"expected NAME=VALUE, got {pair!r}")
        name, value = pair.split("=", 1)
        out[name.strip()] = value.strip()
    return out


def _split_params(family_id: str, trust_id: str | None, pairs: list[str]) -> tuple[Any, Any]:
    """The family and the trust model from `--protocol`, `--trust` and `--param NAME=VALUE` (each name
    goes to whichever of the two has that parameter)."""
    from model.protocols import PROTOCOLS
    from model.trust import TRUST_MODELS

    where = "command line"
    params = _params(pairs)
    family_cls = PROTOCOLS.get(family_id, where, "--protocol")
    family_names = {a.name for a in __import__("attrs").fields(family_cls)}
    family = PROTOCOLS.build(family_id, {k: v for k, v in params.items() if k in family_names}, where, "--param")
    rest = {k: v for k, v in params.items() if k not in family_names}
    if family.trust == "none":
        if trust_id is not None:
            raise BadInput(where, "--trust", f"{family.id} has no claims for a trust model to judge")
        if rest:
            raise BadInput(where, f"--param {next(iter(rest))}", f"not a parameter of {family.id}")
        return family, None
    if trust_id is None:
        raise BadInput(where, "--trust", f"missing: {family.id} needs a trust model")
    TRUST_MODELS.get(trust_id, where, "--trust")
    return family, TRUST_MODELS.build(trust_id, rest, where, "--param")


def _check(ns: argparse.Namespace) -> int:
    from model.reference.world import check as check_config

    where = "command line"
    family, trust = _split_params(ns.protocol, ns.trust, ns.param)
    prop = get(ns.property, where, "--property")
    if not prop.applies_to(family):
        raise BadInput(where, "--property", f"{prop.name} is a property of {', '.join(prop.families)}, not of {family.id}")
    for name in ("depth", "messages", "supply"):
        value = getattr(ns, name)
        if value < (0 if name == "depth" else 1) or value > 10_000:
            raise BadInput(where, f"--{name}", f"out of range: {value}")
    bounds = Bounds(depth=ns.depth, messages=ns.messages, supply=ns.supply)
    params = {**family.describe(), **(trust.describe() if trust is not None else {})}
    label = "-".join(f"{k}{'+'.join(map(str, v)) if isinstance(v, (list, tuple)) else v}" for k, v in params.items())
    sc = Scenario(
        name=f"check-{label}" if label else "check",
        path=where,
        protocol=family,
        trust=trust,
        bounds=bounds,
        expect={},
        seed=ns.seed,
        timeout=ns.timeout,
    )
    try:
        check_config(sc.config)
    except ValueError as e:
        raise BadInput(where, "--trust" if trust is not None else "--protocol", str(e)) from None
    r = check(sc, prop.name, prove=ns.prove, engine=ns.engine)
    out = {
        "protocol": family.id,
        "trust": trust.id if trust is not None else None,
        "params": params,
        "property": prop.name,
        "verdict": r.verdict,
        "depth": r.depth,
        "counterexample": r.counterexample,
        "seconds": round(r.seconds, 3),
        "why": r.why,
    }
    if r.verdict == "proved":
        out["needed"] = list(r.needed)
        out["invariant"] = [{"name": n, "claim": t} for n, t in r.invariant]
    if ns.json:
        print(json.dumps(out))
    else:
        print(_describe(r))
        if r.verdict == "proved":
            print("inductive invariant (every conjunct checked per action):")
            for name, text in r.invariant:
                print(f"  {name}: {text}")
        if r.counterexample:
            print(itf.show(itf.load(Path(r.counterexample))))
    return 0 if r.ok else 1


def _describe(r: Result) -> str:
    if r.property == MAX_LOSS:
        bound = f" against {r.expected}" if r.expected else ""
        return f"max_loss: {r.verdict}{bound}: the adversary can hold {r.max_loss} within {r.depth} steps {r.why}".rstrip()
    if r.verdict == "violated":
        return (
            f"{r.property}: violated by a trace of {r.depth} steps; no violation exists at any smaller depth "
            f"(checked {r.clean_below} depths) -> {r.counterexample}"
        )
    if r.verdict == "bounded":
        extra = f"; {r.why}" if r.why else ""
        return f"{r.property}: bounded: no violation up to depth {r.depth} (not a proof for every depth){extra}"
    if r.verdict == "proved":
        return f"{r.property}: proved: {r.why}"
    if r.verdict == "witnessed":
        return f"{r.property}: witnessed: reachable in {r.depth} steps"
    if r.verdict == "vacuous":
        return f"{r.property}: vacuous: {r.why or 'witness unreachable up to depth ' + str(r.depth)}"
    return f"{r.property}: unknown at depth {r.depth} ({r.why}); NOT a safety result"


def _verify(ns: argparse.Namespace) -> int:
    paths = [Path(p) for p in ns.paths] or [Path("scenarios")]
    scenarios = discover(paths)
    workers = ns.jobs or os.cpu_count() or 1
    run = verification.run(scenarios, workers, prove=not ns.no_prove, loss=not ns.no_loss)
    results, fixed = list(run.results), run.regressions
    if ns.json:
        rows = []
        for r in results:
            row = r.as_json()
            row["regression"] = fixed.get((r.scenario, r.property))
            rows.append(row)
        print(json.dumps({"ok": run.ok, "results": rows}, indent=1))
    else:
        print(_table(results, fixed))
        total = sum(r.seconds for r in results)
        bad = [r for r in results if not r.ok]
        print(f"\n{len(results)} checks, {len(bad)} not as expected, {total:.1f} s solver time")
        for r in results:
            if r.verdict == "proved":
                print(f"proved  {r.scenario} {r.property}: {r.why}")
        for r in bad:
            print(f"MISMATCH {r.scenario} {r.property}: expected {r.expected}, got {r.verdict} ({_describe(r)})")
    return 0 if run.ok else 1


def _table(results: list[Result], fixed: dict[tuple[str, str], str]) -> str:
    head = ("scenario", "property", "expected", "verdict", "depth", "max_loss", "seconds", "", "trace")
    rows = []
    for r in results:
        trace = r.counterexample or fixed.get((r.scenario, r.property)) or ""
        if r.counterexample and r.known:
            trace += " (known)"
        depth = f"{r.depth}" if r.verdict in ("violated", "witnessed", "capped", "exceeded", "measured") else f"<={r.depth}"
        loss = "" if r.max_loss is None else str(r.max_loss)
        rows.append(
            (r.scenario, r.property, r.expected or "-", r.verdict, depth, loss, f"{r.seconds:.2f}", "ok" if r.ok else "MISMATCH", trace)
        )
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def _show(ns: argparse.Namespace) -> int:
    print(itf.show(itf.load(Path(ns.file))))
    return 0


def _replay(ns: argparse.Namespace) -> int:
    from model.replay import replay

    paths = [Path(p) for p in ns.files] or corpus.curated()
    if not paths:
        raise BadInput(str(corpus.ROOT), "files", "no curated counterexamples to replay")
    ok = True
    for p in paths:
        r = replay(itf.load(p))
        ok &= r.ok
        print(f"{'ok ' if r.ok else 'BAD'} {p}: {r.summary()}")
    return 0 if ok else 1


def _synth(ns: argparse.Namespace) -> int:
    from model.synthesis import synthesize

    goal, parameter = ("minimal", ns.minimal) if ns.minimal else ("breaking", ns.breaking)
    if not parameter:
        raise BadInput("command line", "--minimal/--breaking", "name the parameter to search for")
    get(ns.property, "command line", "--property")
    bounds = Bounds(depth=ns.depth, messages=ns.messages, supply=ns.supply)
    result = synthesize(ns.protocol, ns.trust, _params(ns.param), ns.property, parameter, goal, bounds, low=ns.low)
    out: dict[str, Any] = {
        "parameter": parameter,
        "goal": goal,
        "value": result.value,
        "confirmed": result.confirmed,
        "at": result.at.as_json() if result.at else None,
        "beyond": result.beyond.as_json() if result.beyond else None,
        "probes": [{"value": v, "verdict": verdict} for v, verdict in result.probes],
    }
    if ns.json:
        print(json.dumps(out))
    elif result.value is None:
        print(f"no {goal} {parameter} found up to 2^40")
    else:
        word = "weakest safe" if goal == "minimal" else "smallest breaking"
        print(f"{word} {parameter} = {result.value}")
        if result.at:
            print(f"  at {parameter}={result.value}: {_describe(result.at)}")
        if result.beyond:
            print(f"  at {parameter}={result.value - 1}: {_describe(result.beyond)}")
        print(f"  boundary {'confirmed' if result.confirmed else 'NOT confirmed'} ({len(result.probes)} checks)")
    return 0 if result.confirmed else 1


def _curate(ns: argparse.Namespace) -> int:
    """Move inbox traces into the curated corpus (never replacing a curated file)."""
    moved = corpus.curate()
    for target in moved:
        print(f"curated {target}")
    print(f"{len(moved)} curated")
    return 0


def _list(ns: argparse.Namespace) -> int:
    from model.protocols import PROTOCOLS
    from model.trust import TRUST_MODELS

    data: dict[str, Any] = {
        "protocols": {
            ident: {"kinds": list(cls.kinds), "trust": cls.trust, "summary": _first_line(cls)}
            for ident, cls in PROTOCOLS.items()
        },
        "trust_models": {ident: cls.card() for ident, cls in TRUST_MODELS.items()},
        "properties": {
            name: {"kind": p.kind, "families": list(p.families), "claim": p.claim} for name, p in sorted(PROPERTIES.items())
        },
    }
    if ns.json:
        print(json.dumps(data, indent=1))
        return 0
    print("protocol families:")
    for ident, info in data["protocols"].items():
        trust = "needs a trust model" if info["trust"] == "required" else "no trust model"
        print(f"  {ident}: {info['summary']} ({trust})")
    print("\ntrust models:")
    for ident, card in data["trust_models"].items():
        print(f"  {ident}: {card['summary']}")
        print(f"    assumption: {card['assumption']}")
        print(f"    adversary:  {card['adversary']}")
        print(f"    parameters: {', '.join(card['parameters']) or 'none'}")
        for fault, note in card["faults"].items():
            print(f"    fault {fault}: {note}")
        for source in card["sources"]:
            print(f"    source: {source}")
    print("\nproperties:")
    for name, info in data["properties"].items():
        print(f"  {name} ({info['kind']}; {', '.join(info['families'])}): {info['claim']}")
    return 0


def _first_line(cls: type) -> str:
    doc = sys.modules[cls.__module__].__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="bridgeproof", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("check", help="check one property of one protocol x trust model")
    c.add_argument("--protocol", required=True)
    c.add_argument("--trust", help="the trust model (families that judge claims need one)")
    c.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    c.add_argument("--property", required=True)
    c.add_argument("--depth", type=int, default=12)
    c.add_argument("--messages", type=int, default=Bounds().messages)
    c.add_argument("--supply", type=int, default=Bounds().supply)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole check")
    c.add_argument("--prove", action="store_true", help="try an unbounded proof (BMC looks for the attack if it fails)")
    c.add_argument("--engine", choices=("induction", "chc"), default="induction", help="the prover: k-induction with lemmas, or Spacer")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=_check)

    v = sub.add_parser("verify", help="run scenario files (default: scenarios/)")
    v.add_argument("paths", nargs="*")
    v.add_argument("--json", action="store_true")
    v.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: number of cores)")
    v.add_argument("--no-prove", action="store_true", help="BMC only: report bounded, never proved")
    v.add_argument("--no-loss", action="store_true", help="skip max_loss unless a scenario asserts it")
    v.set_defaults(run=_verify)

    s = sub.add_parser("show", help="print a counterexample file as a short program")
    s.add_argument("file")
    s.set_defaults(run=_show)

    r = sub.add_parser("replay", help="replay counterexample files on the reference implementation")
    r.add_argument("files", nargs="*")
    r.set_defaults(run=_replay)

    sy = sub.add_parser("synth", help="the weakest safe parameter, or the smallest one that breaks a property")
    sy.add_argument("--protocol", required=True)
    sy.add_argument("--trust")
    sy.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    sy.add_argument("--property", default="supply_conservation")
    group = sy.add_mutually_exclusive_group(required=True)
    group.add_argument("--minimal", metavar="PARAM", help="smallest value of PARAM for which the property is proved")
    group.add_argument("--breaking", metavar="PARAM", help="smallest value of PARAM for which it is violated")
    sy.add_argument("--low", type=int, default=0, help="where the search starts")
    sy.add_argument("--depth", type=int, default=8)
    sy.add_argument("--messages", type=int, default=2)
    sy.add_argument("--supply", type=int, default=Bounds().supply)
    sy.add_argument("--json", action="store_true")
    sy.set_defaults(run=_synth)

    cu = sub.add_parser("curate", help="move new traces from counterexamples/_inbox into the curated corpus")
    cu.set_defaults(run=_curate)

    ls = sub.add_parser("list", help="protocols, trust models and properties")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=_list)
    return p


def main(argv: list[str] | None = None) -> int:
    ns = parser().parse_args(argv)
    try:
        return int(ns.run(ns))
    except BadInput as e:
        print(f"bridgeproof: {e.line()}", file=sys.stderr)
        return 2
    except ToolError as e:
        print(f"bridgeproof: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
        sys.stderr.close()
        return 0
