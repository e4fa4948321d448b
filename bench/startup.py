"""Start-up time of the command line: how long before a `check` reaches the solver.

Each figure is the median of `--repeat` runs in fresh processes (start-up is mostly imports; the
median is what a person typing the command sees, on a machine others share):
- `python -c pass`, the interpreter alone, for scale;
- `python -m bridgeproof.model --version`: the floor every command pays before it starts;
- a tiny `check` (lock_mint, custodian, depth 2), end to end;
- the time from starting that same `check` until `import z3` begins, taken by a finder the child
  installs before anything else is imported (CLOCK_MONOTONIC is shared across processes);
- the `check`'s wall time less the solver seconds it reports: everything that is not the check.

Twice: with a warm bytecode cache in a private PYTHONPYCACHEPREFIX (what an installed tool has,
without writing `__pycache__` into the repository), and with PYTHONDONTWRITEBYTECODE=1, as some CI
images and sandboxes set it: the standard library and the installed dependencies keep the bytecode
they were installed with, but the tool's own modules (an editable install) are compiled again on
every run, so each of them imported costs more. (If the tree holds `__pycache__` folders from
another run, the second mode reads them and measures less.)

Run with `.venv/bin/python bench/startup.py [--repeat N]`; figures go in bench/startup.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CHECK = [
    "check", "--protocol", "lock_mint", "--trust", "custodian",
    "--property", "supply_conservation", "--depth", "2", "--json",
]  # fmt: skip

# The child: note when `z3` is first looked for, then run the command as `python -m` would.
PROBE = """
import os, sys, time, runpy
class _Probe:
    def find_spec(self, name, path=None, target=None):
        if name == "z3":
            os.write(int(os.environ["STARTUP_FD"]), repr(time.monotonic()).encode())
            sys.meta_path.remove(self)
        return None
sys.meta_path.insert(0, _Probe())
sys.argv = ["bridgeproof", *sys.argv[1:]]
runpy.run_module("bridgeproof.model", run_name="__main__", alter_sys=True)
"""


class Runner:
    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd = cwd
        self.env = env

    def wall(self, argv: list[str]) -> float:
        started = time.monotonic()
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        subprocess.run(argv, cwd=self.cwd, env=self.env, check=True, **quiet)
        return time.monotonic() - started

    def overhead(self, argv: list[str]) -> float:
        """Seconds of a `check --json` that are not its own check (`seconds` in its output): imports,
        parsing, building the system, printing."""
        started = time.monotonic()
        out = subprocess.run(argv, cwd=self.cwd, env=self.env, check=True, capture_output=True, text=True).stdout
        return time.monotonic() - started - float(json.loads(out)["seconds"])

    def until_z3(self, args: list[str]) -> float:
        """Seconds from starting the command until it first imports z3 (inf if it never does)."""
        read, write = os.pipe()
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-c", PROBE, *args],
            cwd=self.cwd,
            env={**self.env, "STARTUP_FD": str(write)},
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            stamp = pipe.read()
        child.wait()
        return float(stamp) - started if stamp else float("inf")


def rows(run: Runner) -> list[tuple[str, Callable[[], float]]]:
    python = sys.executable
    tool = [python, "-m", "bridgeproof.model"]
    return [
        ("python -c pass (the interpreter alone)", lambda: run.wall([python, "-c", "pass"])),
        ("python -m bridgeproof.model --version", lambda: run.wall([*tool, "--version"])),
        ("check (end to end)", lambda: run.wall([*tool, *CHECK])),
        ("check: until `import z3` begins", lambda: run.until_z3(CHECK)),
        ("check: all but its own solver seconds", lambda: run.overhead([*tool, *CHECK])),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="DIR",
        help="also measure the copy of the tool in DIR (its bridgeproof/, model/ and properties/, put first on "
        "PYTHONPATH), e.g. one taken before a change; runs alternate between the trees, so a busy machine "
        "slows them alike",
    )
    args = ap.parse_args()
    trees = [("installed", None), *((d, Path(d).resolve()) for d in args.tree)]
    print(f"median of {args.repeat} runs (min, max), seconds; {sys.executable}")
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp) / "work"  # the check may write a trace: keep it out of the repository
        cwd.mkdir()
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
        without_prefix = {k: v for k, v in base.items() if k != "PYTHONPYCACHEPREFIX"}
        nothing_written = dict(without_prefix, PYTHONDONTWRITEBYTECODE="1")
        modes = [
            ("warm bytecode cache", {**base, "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pyc")}, True),
            ("no bytecode written (PYTHONDONTWRITEBYTECODE=1)", nothing_written, False),
        ]
        for mode, env, warm_up in modes:
            print(f"\n{mode}:")
            runners = [rows(Runner(cwd, env if tree is None else dict(env, PYTHONPATH=str(tree)))) for _, tree in trees]
            for r, (name, _) in enumerate(runners[0]):
                samples: list[list[float]] = [[] for _ in trees]
                if warm_up:
                    for measures in runners:
                        measures[r][1]()
                for _ in range(args.repeat):
                    for t, measures in enumerate(runners):
                        samples[t].append(measures[r][1]())
                for (label, _), got in zip(trees, samples, strict=True):
                    figure = f"{statistics.median(got):.3f}  ({min(got):.3f}, {max(got):.3f})"
                    print(f"  {name:40} {figure}" + (f"  [{label}]" if len(trees) > 1 else ""))


if __name__ == "__main__":
    main()
