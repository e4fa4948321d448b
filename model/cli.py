"""The command line: the only module that prints.

Exit codes: 0 every verdict as expected (or, for `check`, the property holds); 1 a mismatch (an
unexpected violation, an unreachable witness, an expected attack no longer found, a trace that
does not replay); 2 bad input or a tool problem, as one line naming the file and the field.
"""

from __future__ import annotations

import argparse

import attrs
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NoReturn

from model import corpus, itf
from model.check import MAX_LOSS, WITNESS, Result, check, check_loss, counterfactual, vacuous_why
from model.errors import BadInput, ToolError
from model.protocols import PROTOCOLS
from model.scenarios import Scenario, discover
from model.trust import TRUST_MODELS
from model.vocabulary import Bounds
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


def _check(ns: argparse.Namespace) -> int:
    where = "command line"
    protocol = PROTOCOLS.build(ns.protocol, {}, where, "--protocol")
    TRUST_MODELS.get(ns.trust, where, "--trust")
    trust = TRUST_MODELS.build(ns.trust, _params(ns.param), where, "--param")
    prop = get(ns.property, where, "--property")
    for name in ("depth", "messages", "supply"):
        value = getattr(ns, name)
        if value < (0 if name == "depth" else 1):
            raise BadInput(where, f"--{name}", f"out of range: {value}")
    bounds = Bounds(depth=ns.depth, messages=ns.messages, supply=ns.supply)
    params = "-".join(f"{k}{v}" for k, v in trust.describe().items())
    sc = Scenario(
        name=f"check-{params}" if params else "check",
        path=where,
        protocol=protocol,
        trust=trust,
        bounds=bounds,
        expect={},
        seed=ns.seed,
        timeout=ns.timeout,
    )
    r = check(sc, prop.name, prove=ns.prove, engine=ns.engine)
    out = {
        "protocol": protocol.id,
        "trust": trust.id,
        "params": trust.describe(),
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


def _run_one(job: tuple[Scenario, str, bool]) -> Result:
    sc, prop, prove = job
    if prop == MAX_LOSS:
        return check_loss(sc)
    return check(sc, prop, prove=prove, witness=False)


def _vacuity(scenarios: list[Scenario], results: list[Result]) -> list[Result]:
    """Witnesses on by default: a proof in a scenario whose witness is unreachable is vacuous."""
    witnessed = {r.scenario: r.verdict for r in results if r.property == WITNESS}
    out = []
    by_name = {sc.name: sc for sc in scenarios}
    for r in results:
        if r.property == WITNESS and by_name[r.scenario].expect.get(WITNESS) is None:
            continue  # run only to guard the proofs; not a row the scenario asked for
        witness = witnessed.get(r.scenario, "unknown")
        if r.verdict == "proved" and witness != "witnessed":
            # An unreachable witness makes the proof vacuous; a witness search that timed out
            # leaves the question open, so the row is unknown rather than either.
            verdict = "vacuous" if witness == "vacuous" else "unknown"
            r = attrs.evolve(r, verdict=verdict, why=vacuous_why(witness, by_name[r.scenario]))
        out.append(r)
    return out


def _with_loss(results: list[Result]) -> list[Result]:
    """Put each scenario's measured max_loss on its violated rows; keep only asserted max_loss rows."""
    loss = {r.scenario: r.max_loss for r in results if r.property == MAX_LOSS}
    out = []
    for r in results:
        if r.property == MAX_LOSS:
            if r.expected is not None:
                out.append(r)
        elif r.verdict == "violated" and r.scenario in loss:
            out.append(attrs.evolve(r, max_loss=loss[r.scenario]))
        else:
            out.append(r)
    return out


def _regressions(scenarios: list[Scenario], results: list[Result]) -> dict[tuple[str, str], str]:
    """For a defended variant, re-run its base's attack and store the refusal as an `expect: fixed` file."""
    by_key = {(r.scenario, r.property): r for r in results}
    out: dict[tuple[str, str], str] = {}
    for sc in scenarios:
        if sc.base is None:
            continue
        for prop in sc.expect:
            mine, base = by_key.get((sc.name, prop)), by_key.get((sc.base, prop))
            if not (mine and base and mine.verdict in ("bounded", "proved") and base.counterexample):
                continue
            attack = itf.load(Path(base.counterexample))
            steps = [(s["action"], s["args"]) for s in attack["meta"]["steps"]]
            document = counterfactual(sc, prop, steps)
            rel = corpus.relative(sc.protocol.id, sc.trust.id, prop, sc.slug, "fixed")
            path, _known = corpus.save(document, rel)
            out[(sc.name, prop)] = str(path)
    return out


def _verify(ns: argparse.Namespace) -> int:
    paths = [Path(p) for p in ns.paths] or [Path("scenarios")]
    scenarios = discover(paths)
    jobs = [(sc, prop, not ns.no_prove) for sc in scenarios for prop in sc.expect]
    jobs += [
        (sc, WITNESS, False)
        for sc in scenarios
        if not ns.no_prove and WITNESS not in sc.expect and any(PROPERTIES[p].kind == "safety" for p in sc.expect)
    ]
    # The costliest jobs first, so the pool's workers finish together.
    jobs = [
        (sc, MAX_LOSS, False)
        for sc in scenarios
        if sc.max_loss is not None or (not ns.no_loss and "violated" in sc.expect.values())
    ] + jobs
    workers = ns.jobs or os.cpu_count() or 1
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_run_one, jobs))
    else:
        results = [_run_one(j) for j in jobs]
    results = _with_loss(_vacuity(scenarios, results) if not ns.no_prove else results)
    fixed = _regressions(scenarios, results)
    ok = all(r.ok for r in results)
    if ns.json:
        rows = []
        for r in results:
            row = r.as_json()
            row["regression"] = fixed.get((r.scenario, r.property))
            rows.append(row)
        print(json.dumps({"ok": ok, "results": rows}, indent=1))
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
    return 0 if ok else 1


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
    inbox = corpus.ROOT / corpus.INBOX
    moved = 0
    for p in sorted(inbox.rglob("*.itf.json")) if inbox.exists() else []:
        rel = p.relative_to(inbox)
        slug = str(itf.load(p)["meta"].get("scenario", "trace")).replace("/", "--")
        expect = "fixed" if rel.name.endswith(".fixed.itf.json") else "violation"
        base = rel.parent / corpus.relative("", "", "", slug, expect).name
        n = 1
        while (corpus.ROOT / corpus.numbered(base, n)).exists():
            n += 1
        target = corpus.ROOT / corpus.numbered(base, n)
        itf.load(p)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(p, target)
        p.unlink()
        moved += 1
        print(f"curated {target}")
    print(f"{moved} curated")
    return 0


def _list(ns: argparse.Namespace) -> int:
    data: dict[str, Any] = {
        "protocols": list(PROTOCOLS.ids()),
        "trust_models": list(TRUST_MODELS.ids()),
        "properties": {name: {"kind": p.kind, "claim": p.claim} for name, p in sorted(PROPERTIES.items())},
    }
    print(json.dumps(data, indent=1))
    return 0


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="bridgeproof", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("check", help="check one property of one protocol x trust model")
    c.add_argument("--protocol", required=True)
    c.add_argument("--trust", required=True)
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
    sy.add_argument("--trust", required=True)
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
