"""`make mutation-tool`: mutmut over the encoding and the reference, in scratch copies, within a time budget.

mutmut (2.x) rewrites a source file in place for each mutant, runs a test command, and restores the file.
It never runs on the working tree here: each shard gets its own copy under build/mutation/ (ignored by
git), so an interrupted run leaves no mutant behind and other work in the tree is not disturbed. The
shards run in parallel (`--jobs`, one core each) and are stopped when the budget runs out; mutants not
reached by then are reported as untested, never as killed.

Each mutant runs only the fast tests that exercise its file (TARGETS), in stages, cheapest first, each
with `-x`, stopping at the first stage that fails. Hypothesis runs derandomized (CI=true), so a verdict
does not depend on luck. The summary (score = killed / tested, every survivor with its diff) goes to
bench/mutation-tool.md (ignored by git; bench/mutation.md is the hand-written, committed record).

    python bench/mutation_tool.py [--budget MINUTES] [--jobs N] [--only PATH ...]
    python bench/mutation_tool.py --run-tests [SOURCE]   # the per-mutant test command (inside a shard)
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRATCH = REPO / "build" / "mutation"
REPORT = REPO / "bench" / "mutation-tool.md"
COPIED = ("bridgeproof", "model", "properties", "tests", "scenarios", "counterexamples", "pyproject.toml", "setup.py", "bench/mutation_tool.py")
DISABLED_TYPES = ("string", "fstring")
"""Message texts and f-strings: a changed `require` message or key text is not a change of meaning the
semantics define (a changed dictionary key fails loudly on first use); left out to keep the budget for
guards and effects."""

# --- what to mutate, and which tests run for it --------------------------------------------------------
PYTEST = ("-m", "not slow", "-x", "-q", "-p", "no:cacheprovider")
RATE = ("tests/conformance/test_rate_limit.py", "tests/conformance/test_edges.py")
REFERENCE = ("tests/unit/test_reference.py", "tests/unit/test_world_checks.py")
REPLAY = ("tests/replay/test_replay.py",)
SEQUENCES = ("tests/quality/test_mutants.py::test_the_unmutated_suite_passes",)
CURATED = ("tests/conformance/test_conformance.py", "-k", "curated or vocabulary or both_halves")
RANDOM_LIMITED = ("tests/conformance/test_conformance.py", "-k", "random_sequences_agree and (ccip or ronin)")

BRIDGE_REFERENCE = (REFERENCE + RATE + REPLAY, CURATED)
BRIDGE_ENCODING = (RATE, SEQUENCES, CURATED, RANDOM_LIMITED)

# In priority order: the budget may end before the last files are reached.
TARGETS: dict[str, tuple[tuple[str, ...], ...]] = {
    "model/protocols/bridge/contracts/limiter.py": BRIDGE_REFERENCE,
    "model/protocols/bridge/contracts/payout.py": BRIDGE_REFERENCE,
    "model/protocols/bridge/contracts/chain.py": BRIDGE_REFERENCE,
    "model/protocols/bridge/features.py": BRIDGE_ENCODING + (REFERENCE + REPLAY,),
    "model/protocols/bridge/family.py": BRIDGE_ENCODING,
    "model/protocols/bridge/contracts/vault.py": BRIDGE_REFERENCE,
    "model/protocols/bridge/contracts/token.py": BRIDGE_REFERENCE,
    "model/protocols/bridge/contracts/guardian.py": BRIDGE_REFERENCE,
    "model/protocols/bridge/contracts/fork.py": BRIDGE_REFERENCE,
    "model/features/clock.py": BRIDGE_ENCODING + (REFERENCE,),
    "model/reference/world.py": BRIDGE_REFERENCE,
    "model/system.py": BRIDGE_ENCODING,
    "model/symbolic.py": BRIDGE_ENCODING,
    "model/features/blocks.py": BRIDGE_ENCODING + (REFERENCE,),
    "model/trust/custodian.py": (RATE + REFERENCE + REPLAY, SEQUENCES, CURATED),
}

BASELINE = "model/protocols/bridge/features.py"
"""The file with the longest stages: mutmut's baseline run, whose time sets the per-mutant timeout."""

FOCUS: dict[str, tuple[str, ...]] = {
    # family.py is the bridge's whole symbolic half (732 mutants); only its delivery path is mutated:
    # the guard every mint/unlock shares, crediting, replay protection and the rate-limited delivery.
    "model/protocols/bridge/family.py": ("executable", "pay", "replay_guard", "_deliveries"),
}


def focus_lines(path: Path, functions: Sequence[str]) -> list[int]:
    """The 1-based line numbers of the named functions (methods included) in a source file."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions:
            lines |= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    missing = set(functions) - {
        n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)
    }
    if missing:
        raise SystemExit(f"mutation-tool: {path}: no function named {sorted(missing)}")
    return sorted(lines)


# --- the per-mutant test command ----------------------------------------------------------------------
def run_tests(source: str | None) -> int:
    """Run the stages for `source` (for mutmut's baseline, those of BASELINE); 1 if any test fails.

    Any pytest exit other than 0 counts as a failure: a mutant that breaks an import (exit 2) is caught.
    mutmut stops a mutant's tests after 10 times the baseline's time (a `timeout`)."""
    stages = list(TARGETS[source or BASELINE])
    env = dict(os.environ, CI="true", PYTHONPATH=str(Path.cwd()), PYTHONDONTWRITEBYTECODE="1")
    for stage in stages:
        code = subprocess.call([sys.executable, "-m", "pytest", *PYTEST, *stage], env=env)
        if code != 0:
            return 1
    return 0


MUTMUT_CONFIG = """\
# Written by bench/mutation_tool.py: each mutant runs the tests of its own file; lines outside FOCUS are skipped.
import json, shlex, sys

ALLOWED = json.loads({allowed!r})
RUNNER = {runner!r}


def pre_mutation(context):
    allowed = ALLOWED.get(context.filename)
    if allowed is not None and context.current_line_index + 1 not in allowed:
        context.skip = True
        return
    context.config.test_command = RUNNER + " " + shlex.quote(context.filename)
"""


# --- the driver ---------------------------------------------------------------------------------------
def check_selections() -> None:
    """Every stage selects some test (pytest exits 5 when it selects none): a stale selection would
    otherwise fail every mutant and count it as killed."""
    env = dict(os.environ, CI="true", PYTHONPATH=str(REPO))
    for stage in dict.fromkeys(stage for stages in TARGETS.values() for stage in stages):
        done = subprocess.run([sys.executable, "-m", "pytest", *PYTEST, "--collect-only", *stage], cwd=REPO, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"mutation-tool: the stage {' '.join(stage)} selects no test or does not collect:\n"
                             f"{done.stdout[-2000:]}{done.stderr[-2000:]}")


def mutmut_bin() -> str:
    found = shutil.which("mutmut", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit("mutation-tool: mutmut is not installed in this environment (pip install -e '.[mutation]')")
    return found


def count_mutants(path: Path) -> int:
    from mutmut import Context, list_mutations

    return len(list_mutations(Context(source=path.read_text(), filename=str(path), dict_synonyms=[])))


def shards(files: list[str], jobs: int) -> list[list[str]]:
    """Files dealt to `jobs` shards, balancing mutant counts and keeping the priority order in each."""
    weight = {}
    for f in files:
        weight[f] = count_mutants(REPO / f)
        if f in FOCUS:
            share = len(focus_lines(REPO / f, FOCUS[f])) / len((REPO / f).read_text().splitlines())
            weight[f] = max(1, int(weight[f] * share))
    out: list[list[str]] = [[] for _ in range(jobs)]
    load = [0] * jobs
    for f in files:
        j = load.index(min(load))
        out[j].append(f)
        load[j] += weight[f]
    return [s for s in out if s]


def prepare(root: Path, files: list[str]) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name in COPIED:
        src, dst = REPO / name, root / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "_inbox", "_certificates"))
        else:
            shutil.copy2(src, dst)
    allowed = {f: focus_lines(root / f, FOCUS[f]) for f in files if f in FOCUS}
    runner = f"{sys.executable} bench/mutation_tool.py --run-tests"
    (root / "mutmut_config.py").write_text(MUTMUT_CONFIG.format(allowed=json.dumps(allowed), runner=runner))


def launch(root: Path, files: list[str]) -> subprocess.Popen[bytes]:
    command = [
        mutmut_bin(), "run",
        "--paths-to-mutate", ",".join(files),
        "--tests-dir", "tests",
        "--runner", f"{sys.executable} bench/mutation_tool.py --run-tests",
        "--disable-mutation-types", ",".join(DISABLED_TYPES),
        "--no-progress", "--simple-output", "--CI",
    ]
    log = (root / "mutmut.log").open("wb")
    return subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def restore(root: Path, files: list[str]) -> None:
    """A shard stopped mid-mutant leaves its file mutated, with the original beside it as .bak."""
    for f in files:
        bak = root / (f + ".bak")
        if bak.exists():
            shutil.move(bak, root / f)


def results(root: Path) -> list[dict[str, object]]:
    """Every mutant of a shard with its status, read from mutmut's cache without writing to it.

    (`mutmut show` rewrites the cache's line table from the file as it is: run while a shard has a file
    mutated, it breaks that shard's run.)"""
    db = root / ".mutmut-cache"
    if not db.exists():
        return []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute(
            "SELECT m.id, s.filename, l.line_number, l.line, m.\"index\", m.status FROM Mutant m "
            "JOIN Line l ON m.line = l.id JOIN SourceFile s ON l.sourcefile = s.id"
        ).fetchall()
    return [dict(id=r[0], file=r[1], line=r[2] + 1, text=r[3], index=r[4], status=r[5]) for r in rows]


def diff_of(root: Path, row: dict[str, object]) -> str:
    """The mutant's changed lines, recomputed by mutmut's own mutator on the file as the shard mutated it."""
    from types import SimpleNamespace

    from mutmut import Context, RelativeMutationID, mutate, mutations_by_type

    source = (root / str(row["file"])).read_text()
    config = SimpleNamespace(
        covered_lines_by_filename=None, mutation_types_to_apply=set(mutations_by_type) - set(DISABLED_TYPES)
    )
    mutation = RelativeMutationID(line=row["text"], index=row["index"], line_number=int(row["line"]) - 1)
    context = Context(source=source, filename=str(row["file"]), mutation_id=mutation, dict_synonyms=[], config=config)
    mutated, _ = mutate(context)
    lines = difflib.unified_diff(source.splitlines(), mutated.splitlines(), lineterm="", n=0)
    changed = [f"`{d[0]} {d[1:].strip()}`" for d in lines if d[:1] in "+-" and not d.startswith(("+++", "---"))]
    return " ".join(changed) or "(no textual change found)"


KILLED = ("ok_killed", "ok_suspicious")


def summarise(
    found: list[tuple[Path, dict[str, object]]], files: list[str], budget: float, wall: float, version: str
) -> str:
    rows = [r for _, r in found]
    statuses = ("ok_killed", "ok_suspicious", "bad_survived", "bad_timeout", "untested", "skipped")
    by = {s: [r for r in rows if r["status"] == s] for s in statuses}
    tested = len(by["ok_killed"]) + len(by["ok_suspicious"]) + len(by["bad_survived"]) + len(by["bad_timeout"])
    killed = len(by["ok_killed"]) + len(by["ok_suspicious"])
    score = f"{killed / tested:.1%}" if tested else "n/a"
    lines = [
        "# mutmut run (generated by bench/mutation_tool.py; not committed)",
        "",
        f"- tool: mutmut {version}; mutation types left out: {', '.join(DISABLED_TYPES)}",
        f"- budget {budget / 60:.0f} min, wall {wall / 60:.1f} min, {len({p for p, _ in found}) or '?'} shard(s)",
        f"- mutated set: {', '.join(files)}",
        *[f"  - {f}: only the functions {', '.join(FOCUS[f])}" for f in files if f in FOCUS],
        f"- mutants: {len(rows) - len(by['skipped'])} in the mutated set ({len(by['skipped'])} outside FOCUS skipped)",
        f"- tested {tested}: killed {len(by['ok_killed'])} (+{len(by['ok_suspicious'])} slow), survived "
        f"{len(by['bad_survived'])}, timeout {len(by['bad_timeout'])}; "
        f"not reached within the budget: {len(by['untested'])}",
        f"- score (killed / tested): {score}",
        "",
        "| file | tested | killed | survived | timeout | untested |",
        "|---|---|---|---|---|---|",
    ]
    for f in files:
        mine = [r for r in rows if r["file"] == f and r["status"] != "skipped"]
        count = {s: sum(1 for r in mine if r["status"] == s) for s in by}
        t = len(mine) - count["untested"]
        lines.append(
            f"| {f} | {t} | {count['ok_killed'] + count['ok_suspicious']} | {count['bad_survived']} | "
            f"{count['bad_timeout']} | {count['untested']} |"
        )
    lines += ["", "## Survivors and timeouts", ""]
    for root, r in sorted(found, key=lambda x: (str(x[1]["file"]), int(x[1]["line"]))):
        if r["status"] in ("bad_survived", "bad_timeout"):
            tag = "timeout " if r["status"] == "bad_timeout" else ""
            lines.append(f"- {tag}`{r['file']}:{r['line']}` {diff_of(root, r)}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run-tests", nargs="?", const="", default=None, metavar="SOURCE")
    parser.add_argument("--budget", type=float, default=45.0, help="minutes of wall time for the whole run")
    parser.add_argument("--jobs", type=int, default=2, help="shards run in parallel")
    parser.add_argument("--only", nargs="*", help="mutate only these files (paths relative to the repository)")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    if args.run_tests is not None:
        return run_tests(args.run_tests or None)

    from importlib.metadata import version

    files = list(args.only) if args.only else list(TARGETS)
    unknown = [f for f in files if f not in TARGETS]
    if unknown:
        raise SystemExit(f"mutation-tool: no test selection for {unknown} (add them to TARGETS)")
    check_selections()
    # `kill` (SIGTERM) stops the shards too: the `finally` below runs as for Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    start = time.monotonic()
    deadline = start + args.budget * 60
    running = []
    for j, part in enumerate(shards(files, max(1, args.jobs))):
        root = SCRATCH / f"shard-{j}"
        prepare(root, part)
        running.append((root, part, launch(root, part)))
        print(f"shard {j}: {', '.join(part)} (log: {root / 'mutmut.log'})", flush=True)
    try:
        while any(p.poll() is None for _, _, p in running) and time.monotonic() < deadline:
            time.sleep(5)
    finally:
        for root, part, proc in running:
            stop(proc)
            restore(root, part)
    wall = time.monotonic() - start
    for root, _, proc in running:
        if proc.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL):
            log = root / "mutmut.log"
            print(f"mutation-tool: mutmut in {root} exited {proc.returncode}; see {log}", file=sys.stderr)
    found = [(root, r) for root, _, _ in running for r in results(root)]
    text = summarise(found, files, args.budget * 60, wall, version("mutmut"))
    args.out.write_text(text)
    print(text.split("\n## ")[0])
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
