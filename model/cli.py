"""The command line: the only module that prints.

Exit codes: 0 every verdict as expected (or, for `check`, the property holds); 1 a mismatch (an
unexpected violation, an unreachable witness, an expected attack no longer found, a trace that
does not replay); 2 bad input or a tool problem, as one line naming the file and the field; 130
interrupted (Ctrl-C), as one line.

The heavy modules (Z3, the registries) are imported by the commands that need them, inside
`main`, so that a Ctrl-C or a usage error is handled as one line however early it comes.
"""

from __future__ import annotations

import _thread
import argparse
import contextlib
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from bridgeproof.model.errors import BadInput, ToolError, integer

if TYPE_CHECKING:
    from bridgeproof.model.check import Result
    from bridgeproof.model.configuration import Bounds

CL = "command line"
MAX_JOBS = 256
"""Worker processes `verify -j` may start (each holds a solver; more only thrash)."""
INTERRUPTED = 130
"""128 + SIGINT, what a shell reports for a command stopped by Ctrl-C."""


class _Help(argparse.HelpFormatter):
    """Help in which `{Bounds.NAME}` stands for a default bound, read when help is shown: importing the
    bounds means importing attrs, which `--version` and a usage error need not wait for."""

    def _expand_help(self, action: argparse.Action) -> str:
        text = super()._expand_help(action)
        if "{Bounds." not in text:
            return text
        from bridgeproof.model.configuration import Bounds

        return re.sub(r"\{Bounds\.(\w+)\}", lambda m: str(getattr(Bounds(), m.group(1))), text)


class _Version(argparse.Action):
    """`--version`, whose text (the solver's version, from the installed metadata) is found only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        print(_version())
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        field, why = _usage_field(message)
        print(f"bridgeproof: {CL}: {field}: {why}", file=sys.stderr)
        raise SystemExit(2)


def _usage_field(message: str) -> tuple[str, str]:
    """argparse's complaint as a field and a reason, like every other bad input
    (`argument -j/--jobs: invalid int value: 'x'` is about `--jobs`)."""
    message = " ".join(message.split())
    if m := re.fullmatch(r"argument (\S+): (.*)", message):
        names = m.group(1).split("/")
        return next((n for n in names if n.startswith("--")), names[-1]), m.group(2)
    if m := re.fullmatch(r"the following arguments are required: (.*)", message):
        names = m.group(1).split(", ")
        return names[0], "required" + (f" (and so are {', '.join(names[1:])})" if names[1:] else "")
    if m := re.fullmatch(r"one of the arguments (.*) is required", message):
        return "/".join(m.group(1).split()), "give one of them"
    if m := re.fullmatch(r"unrecognized arguments: (.*)", message):
        return m.group(1).split()[0], f"not an argument of this command ({m.group(1)})"
    if m := re.fullmatch(r"ambiguous option: (\S+) (.*)", message):
        return m.group(1), f"ambiguous option: {m.group(2)}"
    return "arguments", message


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise BadInput(CL, "--param", f"expected NAME=VALUE, got {pair!r}")
        out[name.strip()] = value.strip()
    return out


def _bounds(ns: argparse.Namespace) -> Bounds:
    """The bounds of `check` and `synth`, within the limits a scenario file has (scenarios/README.md)."""
    from bridgeproof.model.configuration import Bounds
    from bridgeproof.model.scenarios import LIMITS, LOWS

    names = ("depth", "messages", "supply")
    given = {k: getattr(ns, k) for k in names if getattr(ns, k) is not None}
    return Bounds(**{k: integer(v, CL, f"--{k}", LOWS[k], LIMITS[k]) for k, v in given.items()})


def _corpus(ns: argparse.Namespace) -> Path | None:
    """`--corpus DIR`: where traces go (and, for replay and curate, come from) instead of the default."""
    if getattr(ns, "corpus", None) is None:
        return None
    path = Path(ns.corpus)
    if path.exists() and not path.is_dir():
        raise BadInput(CL, "--corpus", f"{ns.corpus} is not a folder")
    return path


def _split_params(family_id: str, trust_id: str | None, pairs: list[str]) -> tuple[Any, Any]:
    """The family and the trust model from `--protocol`, `--trust` and `--param NAME=VALUE` (each name
    goes to whichever of the two has that parameter)."""
    import attrs

    from bridgeproof.model.protocols import PROTOCOLS
    from bridgeproof.model.trust import TRUST_MODELS

    params = _params(pairs)
    family_cls = PROTOCOLS.get(family_id, CL, "--protocol")
    family_names = {a.name for a in attrs.fields(family_cls)}
    family = PROTOCOLS.build(family_id, {k: v for k, v in params.items() if k in family_names}, CL, "--param")
    rest = {k: v for k, v in params.items() if k not in family_names}
    if family.trust == "none":
        if trust_id is not None:
            raise BadInput(CL, "--trust", f"{family.id} has no claims for a trust model to judge")
        if rest:
            raise BadInput(CL, f"--param.{next(iter(rest))}", f"not a parameter of {family.id}")
        return family, None
    if trust_id is None:
        raise BadInput(CL, "--trust", f"missing: {family.id} needs a trust model")
    TRUST_MODELS.get(trust_id, CL, "--trust")
    return family, TRUST_MODELS.build(trust_id, rest, CL, "--param")


def _check(ns: argparse.Namespace) -> int:
    from bridgeproof.model import corpus, itf
    from bridgeproof.model.check import check
    from bridgeproof.model.scenarios import MAX_SEED
    from bridgeproof.properties import get

    if not 0 < ns.timeout < 1e9:  # nan and inf fail too
        raise BadInput(CL, "--timeout", f"must be a positive number of seconds, got {ns.timeout!r}")
    seed = integer(ns.seed, CL, "--seed", 0, MAX_SEED)
    budget = integer(ns.budget, CL, "--budget", 1000) if ns.budget is not None else None
    root = _corpus(ns) or corpus.ROOT
    sc = _from_scenario(ns, root) if ns.scenario is not None else _from_flags(ns, root)
    sc = attrs_evolve(sc, seed=seed, timeout=ns.timeout, budget=budget if budget is not None else sc.budget)
    family, trust = sc.protocol, sc.trust
    prop = get(ns.property, CL, "--property")
    if not prop.applies_to(family):
        raise BadInput(CL, "--property", f"{prop.name} is a property of {', '.join(prop.families)}, not of {family.id}")
    params = {**family.describe(), **(trust.describe() if trust is not None else {})}
    r = check(sc, prop.name, root=root, prove=ns.prove, engine=ns.engine)
    if ns.out_itf is not None and r.counterexample:
        _copy_new(Path(r.counterexample), Path(ns.out_itf))
    used = family.bounds_used
    out = {
        "schema": CHECK_SCHEMA,
        "protocol": family.id,
        "trust": trust.id if trust is not None else None,
        "params": params,
        "property": prop.name,
        "verdict": r.verdict,
        "depth": r.depth,
        "bounds": {k: getattr(sc.bounds, k) for k in ("depth", "messages", "supply", "loss_depth") if k in used},
        "counterexample": r.counterexample,
        "out_itf": ns.out_itf if ns.out_itf is not None and r.counterexample else None,
        "certificate": r.certificate,
        "seconds": round(r.seconds, 3),
        "resource_units": r.spent,
        "why": r.why,
    }
    if r.verdict == "proved":
        out["scope"] = r.scope
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


def attrs_evolve(sc: Any, **changes: Any) -> Any:
    import attrs

    return attrs.evolve(sc, **changes)


def _from_flags(ns: argparse.Namespace, root: Path) -> Any:
    """The configuration of `check --protocol P [--trust T] [--param N=V ...]`."""
    from bridgeproof.model.scenarios import Scenario, fit

    if ns.protocol is None:
        raise BadInput(CL, "--protocol", "required (or give --scenario FILE)")
    if ns.variant is not None:
        raise BadInput(CL, "--variant", "only with --scenario FILE")
    family, trust = _split_params(ns.protocol, ns.trust, ns.param)
    params = {**family.describe(), **(trust.describe() if trust is not None else {})}
    label = "-".join(f"{k}{'+'.join(map(str, v)) if isinstance(v, (list, tuple)) else v}" for k, v in params.items())
    sc = Scenario(
        name=f"check-{label}" if label else "check",
        path=CL,
        protocol=family,
        trust=trust,
        bounds=_bounds(ns),
        expect={},
        corpus=root,
    )
    fit(sc.config, CL, "--protocol", "--trust", "--param.", params=("--param", "--param"))
    return sc


def _from_scenario(ns: argparse.Namespace, root: Path) -> Any:
    """`check --scenario FILE [--variant V]`: every table of the file (protocol, trust, defences,
    amounts, adversary, bounds), with `--depth`, `--messages` and `--supply` overriding its bounds."""
    import attrs

    from bridgeproof.model.scenarios import LIMITS, LOWS, load

    for flag in ("protocol", "trust"):
        if getattr(ns, flag) is not None:
            raise BadInput(CL, f"--{flag}", "the scenario file already gives it; drop one of the two")
    if ns.param:
        raise BadInput(CL, "--param", "the scenario file already gives the parameters; write a variant there")
    path = Path(ns.scenario)
    if not path.is_file():
        raise BadInput(CL, "--scenario", f"{ns.scenario} is not a file")
    scenarios = load(path)
    wanted = scenarios[0].name if ns.variant is None else f"{scenarios[0].name}/{ns.variant}"
    chosen = next((sc for sc in scenarios if sc.name == wanted), None)
    if chosen is None:
        names = ", ".join(sc.name.split("/", 1)[1] for sc in scenarios[1:]) or "none"
        raise BadInput(CL, "--variant", f"{ns.scenario} has no variant {ns.variant!r} (variants: {names})")
    changes = {k: integer(getattr(ns, k), CL, f"--{k}", LOWS[k], LIMITS[k]) for k in ("depth", "messages", "supply") if getattr(ns, k) is not None}
    return attrs.evolve(chosen, bounds=attrs.evolve(chosen.bounds, **changes), expect={}, corpus=root)


def _copy_new(source: Path, target: Path) -> None:
    """`--out-itf PATH`: the trace also at PATH, which must not exist yet (a trace is never overwritten)."""
    from bridgeproof.model import itf

    if target.exists():
        raise BadInput(CL, "--out-itf", f"{target} exists; a trace is never overwritten")
    itf.write_new(target, json.loads(source.read_text()))


def _describe(r: Result) -> str:
    from bridgeproof.model.check import MAX_LOSS

    if r.property == MAX_LOSS:
        bound = f" against {r.expected}" if r.expected else ""
        return f"max_loss: {r.verdict}{bound}: the adversary can hold {r.max_loss} within {r.depth} steps {r.why}".rstrip()
    if r.verdict == "violated":
        return (
            f"{r.property}: violated by a trace of {r.depth} steps; no violation exists at any smaller depth "
            f"(checked {r.clean_below} depths) -> {r.counterexample or 'trace not saved'}"
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

    from bridgeproof.model import display, verification
    from bridgeproof.model.cache import Cache
    from bridgeproof.model.scenarios import discover

    jobs = integer(ns.jobs, CL, "--jobs", 0, MAX_JOBS)
    root = _corpus(ns)
    paths = [Path(p) for p in ns.paths] or [Path("scenarios")]
    scenarios = _select(discover(paths), ns)
    workers = jobs or os.cpu_count() or 1
    live = _Live(sys.stderr) if sys.stderr.isatty() and not ns.jsonl else None
    started = time.monotonic()

    def on_row(row: Result, progress: verification.Progress) -> None:
        if ns.jsonl:
            print(json.dumps(_row_json(row, by_name, None)), flush=True)
        elif live is not None:
            live.line(display.row_line(row, progress))
        elif not ns.json:
            print(display.row_line(row, progress), file=sys.stderr, flush=True)
        on_tick(progress)

    def on_tick(progress: verification.Progress) -> None:
        if live is not None:
            live.status(display.progress_line(progress, time.monotonic() - started, live.width()))

    by_name = {sc.name: sc for sc in scenarios}
    if live is not None:
        live.status(f"{len(scenarios)} scenarios on {workers} worker(s)...")
    # On a cluster the jobs run in this folder (relative corpus paths); -j sizes only `--cluster local`.
    with _cluster(ns, jobs, cwd=os.getcwd()) as (mapper, _backend):
        run = verification.run(
            scenarios, 0 if mapper is not None else workers, prove=not ns.no_prove, loss=not ns.no_loss,
            root=root, on_row=on_row, on_tick=on_tick, mapper=mapper, cache=None if ns.no_cache else Cache(),
        )
    if live is not None:
        live.done()
    results, fixed = list(run.results), run.regressions
    if ns.report is not None:
        from bridgeproof.model import report

        for path in report.write(results, scenarios, fixed, Path(ns.report)):
            print(f"report: {path}", file=sys.stderr)
    if ns.jsonl:
        return 0 if run.ok else 1
    if ns.json:
        rows = [_row_json(r, by_name, fixed.get((r.scenario, r.property))) for r in results]
        doc = {"schema": VERIFY_SCHEMA, "ok": run.ok, "replayed": run.replayed, "cached": run.cached, "results": rows}
        print(json.dumps(doc, indent=1))
        return 0 if run.ok else 1
    width = _terminal_width() if sys.stdout.isatty() else None
    print(display.table(results, fixed, width))
    total = sum(r.seconds for r in results if not r.cached)
    bad = [r for r in results if not r.ok]
    print(
        f"\n{len(results)} checks, {len(bad)} not as expected, {total:.1f} s solver time, "
        f"{time.monotonic() - started:.1f} s wall; {run.cached} rows from the cache; "
        f"{run.replayed} curated traces replayed first"
    )
    for r in results:
        if r.verdict == "proved":
            print(f"proved  {r.scenario} {r.property}: {r.why}")
    for r in bad:
        print(f"MISMATCH {r.scenario} {r.property}: expected {r.expected}, got {r.verdict} ({_describe(r)})")
    return 0 if run.ok else 1


VERIFY_SCHEMA = "bridgeproof.verify/1"
CHECK_SCHEMA = "bridgeproof.check/1"


def _row_json(r: Result, scenarios: dict[str, Any], regression: str | None) -> dict[str, Any]:
    """A verify row as data (model/schemas/verify.schema.json): the result, its file and its bounds."""
    sc = scenarios[r.scenario]
    used = sc.protocol.bounds_used
    return {
        "schema": VERIFY_SCHEMA,
        **r.as_json(),
        "file": sc.path,
        "bounds": {k: getattr(sc.bounds, k) for k in ("depth", "messages", "supply", "loss_depth") if k in used},
        "regression": regression,
        "cached": r.cached,
    }


def _select(scenarios: list[Any], ns: argparse.Namespace) -> list[Any]:
    """`-k`, `--property`, `--seed` and `--budget`: which rows run, and with what.

    `-k PATTERN` keeps the scenarios (variants are `base/variant`) whose name contains PATTERN, or
    matches it as a glob when it has `*`, `?` or `[`; `--property P` keeps only those rows (a
    scenario left with none is dropped). Either selecting nothing is bad input, not an empty pass.
    """
    import fnmatch

    import attrs

    from bridgeproof.model.scenarios import MAX_SEED
    from bridgeproof.properties import PROPERTIES

    if ns.k is not None:
        glob = any(ch in ns.k for ch in "*?[")
        scenarios = [sc for sc in scenarios if (fnmatch.fnmatchcase(sc.name, ns.k) if glob else ns.k in sc.name)]
        if not scenarios:
            raise BadInput(CL, "-k", f"no scenario or variant matches {ns.k!r}")
    if ns.property:
        for name in ns.property:
            if name not in PROPERTIES:
                raise BadInput(CL, "--property", f"unknown property {name!r} (known: {', '.join(sorted(PROPERTIES))})")
        wanted = set(ns.property)
        kept = []
        for sc in scenarios:
            expect = {p: v for p, v in sc.expect.items() if p in wanted}
            if expect:
                kept.append(attrs.evolve(sc, expect=expect, max_loss=sc.max_loss if "max_loss" in wanted else None))
        if not kept:
            raise BadInput(CL, "--property", f"no selected scenario expects {', '.join(sorted(wanted))}")
        scenarios = kept
    if ns.seed is not None:
        seed = integer(ns.seed, CL, "--seed", 0, MAX_SEED)
        scenarios = [attrs.evolve(sc, seed=seed) for sc in scenarios]
    if ns.budget is not None:
        budget = integer(ns.budget, CL, "--budget", 1000)
        scenarios = [attrs.evolve(sc, budget=budget) for sc in scenarios]
    return scenarios


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((120, 24)).columns


class _Live:
    """A status line at the bottom of a terminal, with finished rows scrolling above it."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.shown = False

    def width(self) -> int:
        return max(_terminal_width() - 1, 20)

    def status(self, text: str) -> None:
        self.stream.write("\r\x1b[2K" + text[: self.width()])
        self.stream.flush()
        self.shown = True

    def line(self, text: str) -> None:
        self.stream.write("\r\x1b[2K" + text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _show(ns: argparse.Namespace) -> int:
    from bridgeproof.model import itf

    if ns.generic:
        if ns.mermaid:
            raise BadInput(CL, "--mermaid", "needs a trace of ours (its steps name the actions); drop --generic")
        print(itf.show_generic(itf.load_any(Path(ns.file))))
        return 0
    document = itf.load(Path(ns.file))
    itf.check_states(document)
    if ns.mermaid:
        from bridgeproof.model import diagram

        print(diagram.mermaid(diagram.of_trace(document)))
        return 0
    print(itf.show_diff(document) if ns.diff else itf.show(document))
    if not ns.diff:
        print(itf.show_state(document["states"][-1], "last state, every field:"))
    for line in _broken_lines(document):
        print(line)
    return 0


def _broken_lines(document: dict[str, Any]) -> list[str]:
    """What `show` says of the property in the last state of a violation: the false part and its values."""
    from bridgeproof.model.explanation import broken
    from bridgeproof.properties import PROPERTIES

    meta = document["meta"]
    prop = PROPERTIES.get(meta["property"])
    if meta["expect"] != "violation" or prop is None or prop.kind != "safety" or document.get("loop") is not None:
        return []
    parts = broken(document["config"], prop, document["states"][-1])
    if not parts:
        return [f"{prop.name} holds in the last state (a trace of another property's violation?)"]
    lines = [f"{prop.name} is false in the last state, because:"]
    for part in parts:
        lines.append(f"    {part.formula}")
        lines += [f"        {side}" for side in part.sides]
    return lines


def _replay(ns: argparse.Namespace) -> int:
    from bridgeproof.model import corpus, itf
    from bridgeproof.model.replay import replay

    root = _corpus(ns) or corpus.ROOT
    paths = [Path(p) for p in ns.files] or corpus.curated(root)
    if not paths:
        raise BadInput(str(root), "files", "no curated counterexamples to replay")
    if ns.junit is not None and Path(ns.junit).is_dir():
        raise BadInput(CL, "--junit", f"{ns.junit} is a folder; give the report file's path")
    ok = True
    cases: list[tuple[str, float, str | None]] = []
    for p in paths:
        document = itf.load(p)
        itf.check_states(document)
        started = time.monotonic()
        r = replay(document)
        ok &= r.ok
        cases.append((str(p), time.monotonic() - started, None if r.ok else r.summary()))
        print(f"{'ok ' if r.ok else 'BAD'} {p}: {r.summary()}")
    if ns.junit is not None:
        _write_junit(Path(ns.junit), cases)
    return 0 if ok else 1


def _write_junit(path: Path, cases: list[tuple[str, float, str | None]]) -> None:
    """JUnit XML, the format CI servers read: one testcase per trace, a failure where it no longer replays."""
    import xml.etree.ElementTree as ET

    failures = sum(1 for _, _, why in cases if why is not None)
    suite = ET.Element(
        "testsuite",
        name="bridgeproof replay",
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        time=f"{sum(t for _, t, _ in cases):.3f}",
    )
    for name, seconds, why in cases:
        case = ET.SubElement(suite, "testcase", classname="bridgeproof.replay", name=name, time=f"{seconds:.3f}")
        if why is not None:
            ET.SubElement(case, "failure", message=why.splitlines()[0] if why else "does not replay").text = why
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    except OSError as e:
        raise BadInput(CL, "--junit", f"cannot write {path}: {e.strerror}") from None


@contextlib.contextmanager
def _cluster(ns: argparse.Namespace, jobs: int, cwd: str | None) -> Iterator[tuple[Any, str]]:
    """`--cluster ADDRESS`: (a mapper over the Dask cluster, its description), or (None, "") for the local pool."""
    address = getattr(ns, "cluster", None)
    if address is None:
        yield None, ""
        return
    if not address.strip():
        raise BadInput(CL, "--cluster", "give the scheduler's address (tcp://host:8786) or `local`")
    if not 0 < ns.cluster_timeout < 1e6:  # nan and inf fail too
        raise BadInput(CL, "--cluster-timeout", f"must be a positive number of seconds, got {ns.cluster_timeout!r}")
    from bridgeproof.model import cluster

    with cluster.connect(address.strip(), jobs, ns.cluster_timeout) as client:
        yield cluster.mapper(client, cwd), cluster.description(client, address.strip())


def _sweep(ns: argparse.Namespace) -> int:
    """One check per grid point: the JSON on stdout (or --json PATH), --csv and --png beside it; exit 0
    when every point ran, whatever its verdict (a sweep surveys, it expects nothing)."""
    from bridgeproof.model import sweep
    from bridgeproof.model.scenarios import LIMITS, LOWS, MAX_SEED

    grid = sweep.parse_grid(ns.grid)
    trusts: list[str | None] = [None]
    if ns.trust is not None:
        trusts = [t.strip() for t in ns.trust.split(",")]
        if not all(trusts):
            raise BadInput(CL, "--trust", f"an empty name in {ns.trust!r} (write multisig,key_rotation)")
    messages = sweep.integers(ns.messages, "--messages") if ns.messages is not None else None
    for count in messages or ():
        integer(count, CL, "--messages", LOWS["messages"], LIMITS["messages"])
    depth = integer(ns.depth, CL, "--depth", LOWS["depth"], LIMITS["depth"]) if ns.depth is not None else None
    supply = integer(ns.supply, CL, "--supply", LOWS["supply"], LIMITS["supply"]) if ns.supply is not None else None
    seed = integer(ns.seed, CL, "--seed", 0, MAX_SEED)
    budget = integer(ns.budget, CL, "--budget", 1000) if ns.budget is not None else None
    jobs = integer(ns.jobs, CL, "--jobs", 0, MAX_JOBS)
    for flag in ("json", "csv", "png"):
        target = getattr(ns, flag)
        if target is not None and target != "-" and Path(target).is_dir():
            raise BadInput(CL, f"--{flag}", f"{target} is a folder; give the file's path")
    if ns.png is not None:
        try:
            import matplotlib  # noqa: F401  (before the points run, not after)
        except ImportError:
            raise BadInput(CL, "--png", "needs matplotlib: pip install 'bridgeproof[sweep]'") from None
    plan = sweep.plan(ns.protocol, trusts, ns.property, grid, _params(ns.param), messages, depth, supply, ns.prove, seed, budget)
    live = _Live(sys.stderr) if sys.stderr.isatty() else None
    started = time.monotonic()

    def on_tick(done: int, total: int, longest: float) -> None:
        if live is not None:
            live.status(f"[{done}/{total}] {time.monotonic() - started:.0f} s; longest running check {longest:.0f} s")

    workers = jobs or os.cpu_count() or 1
    with _cluster(ns, jobs, cwd=None) as (mapper, backend):
        if mapper is None:
            backend = f"local pool, {workers} worker process(es)" if workers > 1 and len(plan.points) > 1 else "this process"
        if live is not None:
            live.status(f"{len(plan.points)} points on {backend}...")
        result = sweep.run(
            plan, 0 if mapper is not None else workers, mapper, backend, lambda r, d, t: on_tick(d, t, 0.0), on_tick
        )
    if live is not None:
        live.done()
    timing = not ns.no_timing
    text = json.dumps(result.as_json(timing), indent=1) + "\n"
    written = []
    if ns.json is not None and ns.json != "-":
        written.append(_write_text(Path(ns.json), text, "--json"))
    if ns.csv is not None:
        written.append(_write_text(Path(ns.csv), result.csv(timing), "--csv"))
    if ns.png is not None:
        from bridgeproof.model import phase

        written.append(phase.draw(result, Path(ns.png)))
    if ns.json is None or ns.json == "-":
        print(text, end="")
    counts = ", ".join(f"{v} {n}" for v, n in result.counts().items())
    print(
        f"sweep: {len(result.rows)} points ({counts}) on {result.backend} in {result.wall:.1f} s wall, "
        f"{sum(r.seconds for r in result.rows):.1f} s solver",
        file=sys.stderr,
    )
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _write_text(path: Path, text: str, field: str) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    except OSError as e:
        raise BadInput(CL, field, f"cannot write {path}: {e.strerror}") from None
    return path


def _synth(ns: argparse.Namespace) -> int:
    from bridgeproof.model.synthesis import LIMIT, synthesize

    goal, parameter = ("minimal", ns.minimal) if ns.minimal is not None else ("breaking", ns.breaking)
    if not parameter:
        raise BadInput(CL, f"--{goal}", "name the parameter to search for")
    bounds = _bounds(ns)
    low = integer(ns.low, CL, "--low", 0, LIMIT)
    result = synthesize(ns.protocol, ns.trust, _params(ns.param), ns.property, parameter, goal, bounds, low=low)
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
    from bridgeproof.model import corpus

    moved = corpus.curate(_corpus(ns) or corpus.ROOT)
    for target in moved:
        print(f"curated {target}")
    print(f"{len(moved)} curated")
    return 0


def _migrate(ns: argparse.Namespace) -> int:
    """Write each curated file of an older vocabulary again in today's, as a new file (never replacing one)."""
    from bridgeproof.model import corpus

    written = corpus.migrate(_corpus(ns) or corpus.ROOT)
    for target in written:
        print(f"migrated {target}")
    print(f"{len(written)} migrated")
    return 0


def _list(ns: argparse.Namespace) -> int:
    from bridgeproof.model.applicability import listing
    from bridgeproof.model.protocols import PROTOCOLS
    from bridgeproof.model.trust import TRUST_MODELS
    from bridgeproof.properties import PROPERTIES

    data: dict[str, Any] = {
        "protocols": {
            ident: {"kinds": list(cls.kinds), "trust": cls.trust, "summary": _first_line(cls)}
            for ident, cls in PROTOCOLS.items()
        },
        "trust_models": {ident: cls.card() for ident, cls in TRUST_MODELS.items()},
        "properties": {
            name: {"kind": p.kind, "families": list(p.families), "claim": p.claim} for name, p in sorted(PROPERTIES.items())
        },
        "options": listing(),
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
        if card.get("applies_to"):
            print(f"    applies to: {', '.join(card['applies_to'])}")
        for param, need in (card.get("needs") or {}).items():
            print(f"    {param}: needs {need}")
        for fault, note in card["faults"].items():
            print(f"    fault {fault}: {note}")
        for source in card["sources"]:
            print(f"    source: {source}")
    print("\nproperties:")
    for name, info in data["properties"].items():
        print(f"  {name} ({info['kind']}; {', '.join(info['families'])}): {info['claim']}")
    print("\noptions (where each applies; anywhere else a scenario setting it is refused):")
    for label, info in data["options"].items():
        print(f"  {label}: {info['applies_to']}")
    return 0


def _first_line(cls: type) -> str:
    doc = sys.modules[cls.__module__].__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _version() -> str:
    """The tool's and the solver's versions: a trace depends on both (README, Packaging)."""
    from importlib import metadata

    from bridgeproof import model

    try:
        solver = metadata.version("z3-solver")
    except metadata.PackageNotFoundError:
        solver = "not installed"
    return f"bridgeproof {model.__version__} (z3-solver {solver}, Python {sys.version.split()[0]})"


def _cluster_arguments(p: argparse.ArgumentParser, what: str) -> None:
    from bridgeproof.model.cluster import CONNECT_SECONDS  # light: Dask itself is imported on use

    p.add_argument(
        "--cluster", metavar="ADDRESS",
        help=f"run {what} on the Dask scheduler at ADDRESS (tcp://host:8786), or `local` for one of -j workers here",
    )
    p.add_argument(
        "--cluster-timeout", type=float, default=CONNECT_SECONDS, metavar="SECONDS", help="how long to wait for the scheduler"
    )


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="bridgeproof",
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="exit codes: 0 as expected (check: the property holds); 1 a mismatch, a violation (check) or a "
        "trace that does not replay; 2 bad input or a tool problem, one line naming the file and the field; "
        "130 interrupted",
    )
    p.add_argument("--version", action=_Version, help="the tool's, the solver's and Python's versions")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("check", help="check one property of one protocol x trust model")
    c.add_argument("--protocol", help="the family (or give --scenario FILE)")
    c.add_argument("--scenario", metavar="FILE", help="take the configuration from a scenario file (its base, or --variant)")
    c.add_argument("--variant", metavar="NAME", help="with --scenario: this variant of the file")
    c.add_argument("--trust", help="the trust model (families that judge claims need one)")
    c.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    c.add_argument("--property", required=True)
    c.add_argument("--depth", type=int, help="default {Bounds.depth} (or the scenario's)")
    c.add_argument("--messages", type=int, help="default {Bounds.messages} (or the scenario's)")
    c.add_argument("--supply", type=int, help="default {Bounds.supply} (or the scenario's)")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--budget", type=int, metavar="UNITS", help="Z3 resource units for the check (default: model/engine/budget.py)")
    c.add_argument("--out-itf", metavar="PATH", help="also write the counterexample to PATH (never overwritten)")
    c.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole check")
    c.add_argument("--prove", action="store_true", help="try an unbounded proof (BMC looks for the attack if it fails)")
    c.add_argument("--engine", choices=("induction", "chc"), default="induction", help="the prover: k-induction with lemmas, or Spacer")
    c.add_argument("--json", action="store_true")
    c.add_argument("--corpus", metavar="DIR", help="where a counterexample goes (default: ./counterexamples)")
    c.set_defaults(run=_check)

    v = sub.add_parser("verify", help="run scenario files (default: scenarios/)")
    v.add_argument("paths", nargs="*")
    out = v.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="the whole run as one JSON document at the end")
    v.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: number of cores)")
    v.add_argument("--no-prove", action="store_true", help="BMC only: report bounded, never proved")
    v.add_argument("--no-loss", action="store_true", help="skip max_loss unless a scenario asserts it")
    v.add_argument(
        "--corpus", metavar="DIR", help="where traces go (default: counterexamples/ beside each scenario's scenarios/)"
    )
    out.add_argument("--jsonl", action="store_true", help="one JSON object per row, as each finishes")
    v.add_argument("-k", metavar="PATTERN", help="only scenarios and variants whose name contains PATTERN (or matches it as a glob)")
    v.add_argument("--property", action="append", metavar="P", help="only these properties (repeatable)")
    v.add_argument("--seed", type=int, help="the solver seed for every row (default: each scenario's own)")
    v.add_argument("--budget", type=int, metavar="UNITS", help="Z3 resource units per check (default: each scenario's own)")
    v.add_argument("--report", metavar="DIR", help="also write DIR/report.md and DIR/report.html")
    v.add_argument(
        "--no-cache",
        action="store_true",
        help="check every row again, neither reading nor writing the result cache (.bridgeproof-cache/ beside the corpus)",
    )
    _cluster_arguments(v, "the jobs")
    v.set_defaults(run=_verify)

    s = sub.add_parser("show", help="print a counterexample file as a short program")
    s.add_argument("file")
    how = s.add_mutually_exclusive_group()
    how.add_argument("--diff", action="store_true", help="each step with only what it changed (the initial state in full)")
    how.add_argument("--mermaid", action="store_true", help="the sequence diagram, as Mermaid text")
    how.add_argument("--generic", action="store_true", help="any ITF file, ours or another tool's: states and their changes")
    s.set_defaults(run=_show)

    r = sub.add_parser("replay", help="replay counterexample files on the reference implementation")
    r.add_argument("files", nargs="*")
    r.add_argument("--corpus", metavar="DIR", help="replayed when no file is named (default: ./counterexamples)")
    r.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML, one testcase per trace")
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
    sy.add_argument("--supply", type=int, help="default {Bounds.supply}")
    sy.add_argument("--json", action="store_true")
    sy.set_defaults(run=_synth)

    sw = sub.add_parser("sweep", help="one property over a parameter grid: JSON, CSV and a phase diagram")
    sw.add_argument("--protocol", required=True)
    sw.add_argument("--trust", metavar="T[,T...]", help="the trust model, or several (one panel each): multisig,key_rotation")
    sw.add_argument(
        "--grid", action="append", default=[], metavar="NAME=SPEC",
        help="a swept parameter, in order: n=4..30, k=1..n, f=n//3, f=0,2,5, k=1..n:2 (a spec may name earlier ones)",
    )
    sw.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter fixed for every point")
    sw.add_argument("--property", required=True)
    sw.add_argument("--messages", metavar="LIST", help="message ids, one count or several: 2 or 2,3 or 1..3 (default {Bounds.messages})")
    sw.add_argument("--depth", type=int, help="default {Bounds.depth}")
    sw.add_argument("--supply", type=int, help="default {Bounds.supply}")
    sw.add_argument("--prove", action="store_true", help="try an unbounded proof at each point (BMC looks for the attack if it fails)")
    sw.add_argument("--seed", type=int, default=0)
    sw.add_argument("--budget", type=int, metavar="UNITS", help="Z3 resource units per point (default: model/engine/budget.py)")
    sw.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: number of cores)")
    _cluster_arguments(sw, "the points")
    sw.add_argument("--json", metavar="PATH", help="write the JSON here instead of stdout")
    sw.add_argument("--csv", metavar="PATH", help="also write one CSV line per point")
    sw.add_argument("--png", metavar="PATH", help="also draw the phase diagram (needs matplotlib)")
    sw.add_argument("--no-timing", action="store_true", help="leave out seconds: the output is then the same wherever it ran")
    sw.set_defaults(run=_sweep)

    cu = sub.add_parser("curate", help="move new traces from counterexamples/_inbox into the curated corpus")
    cu.add_argument("--corpus", metavar="DIR", help="the corpus whose inbox to curate (default: ./counterexamples)")
    cu.set_defaults(run=_curate)

    mg = sub.add_parser("migrate", help="write curated files of an older ITF vocabulary again in today's, beside them")
    mg.add_argument("--corpus", metavar="DIR", help="the corpus to migrate (default: ./counterexamples)")
    mg.set_defaults(run=_migrate)

    ls = sub.add_parser("list", help="protocols, trust models and properties")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=_list)
    return p


def main(argv: list[str] | None = None) -> int:
    with _interruptible():
        try:
            ns = parser().parse_args(argv)
            return int(ns.run(ns))
        except BadInput as e:
            print(f"bridgeproof: {e.line()}", file=sys.stderr)
            return 2
        except ToolError as e:
            print(f"bridgeproof: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("bridgeproof: interrupted", file=sys.stderr)
            return INTERRUPTED
        except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
            sys.stderr.close()
            return 0
        except Exception as e:  # noqa: BLE001  (a bug of ours: one line, the details kept in a file)
            print(f"bridgeproof: internal error: {type(e).__name__}: {e}; {_keep_traceback()}", file=sys.stderr)
            return 2


def _keep_traceback() -> str:
    """Write the current exception's traceback to a file and say where: a crash is reported in one
    line like any other failure, and the maintainers still get the whole story."""
    import tempfile
    import traceback

    try:
        fd, path = tempfile.mkstemp(prefix="bridgeproof-crash-", suffix=".txt")
        with os.fdopen(fd, "w") as out:
            traceback.print_exc(file=out)
    except OSError:
        return "this is a bug of bridgeproof"
    return f"this is a bug of bridgeproof, its traceback is in {path}"


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C ends the command promptly, as KeyboardInterrupt in this thread, even inside a solver call.

    NOTE(ctrl-c): while Z3 solves it takes SIGINT over and, on Ctrl-C, only cancels the query, which
    returns `unknown`: Python never sees the interrupt and the run goes on, reporting unknowns. So
    SIGINT is blocked in this thread (and in the worker processes it forks, which inherit the mask)
    and taken by a helper thread, which cancels the running solver call and interrupts this thread.
    A process that starts with SIGINT ignored (a background job) keeps ignoring it.
    """
    usable = hasattr(signal, "pthread_sigmask") and hasattr(signal, "sigtimedwait")
    if not usable or threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    stop = threading.Event()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    threading.Thread(target=_take_sigint, args=(stop,), name="bridgeproof-sigint", daemon=True).start()
    try:
        yield
    finally:
        stop.set()
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _take_sigint(stop: threading.Event) -> None:
    """Wait for SIGINT; then cancel the solver and raise KeyboardInterrupt in the main thread. After
    the command (`stop`), a late SIGINT is still turned into KeyboardInterrupt, as it would be anyway."""
    while True:
        if signal.sigtimedwait({signal.SIGINT}, 0.1) is not None:
            if not stop.is_set():
                _cancel_solver()
            _thread.interrupt_main()
            return
        if stop.is_set():
            return


def _cancel_solver() -> None:
    """Interrupt the Z3 call the main thread may be in: each check runs in Z3's main context
    (`check.fresh_solver_context`), and an interrupt there makes the call return at once."""
    z3 = sys.modules.get("z3.z3")
    context = getattr(z3, "_main_ctx", None) if z3 is not None else None
    if context is not None:
        context.interrupt()
