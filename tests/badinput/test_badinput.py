"""Every entry of the bad-input corpus, run through the real command line in a subprocess.

An entry passes when the command exits 2 with exactly one line on stderr, `bridgeproof: <where>:
<field>: <why>`, naming the file (or "command line") and the field the entry expects, and no
traceback. The entries run in threads, each a separate `python -m bridgeproof.model` in a copy of `data/`, so a
crash, a hang (a timeout) or a wrong field in one entry is reported with all the others.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from badinput_cases import DIRS, Case, cases

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CASES = cases()
HANG = 60.0
"""Seconds after which an entry counts as hung: bad input is refused before any solving starts."""


def _env() -> dict[str, str]:
    """The working tree's `model` first, whatever is installed; no warnings turned into extra lines."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.pop("PYTHONWARNINGS", None)
    return env


def run(case: Case, cwd: Path) -> str | None:
    """Why this entry fails, or None if the command refused it as it should."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bridgeproof.model", *case.argv],
            cwd=cwd,
            env=_env(),
            capture_output=True,
            timeout=HANG,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return f"hung for {HANG:.0f} s"
    err = proc.stderr.decode("utf-8", "replace")
    lines = err.splitlines()
    if "Traceback" in err:
        return f"exit {proc.returncode} with a traceback: ...{err.strip()[-600:]}"
    if proc.returncode != 2:
        return f"exit {proc.returncode}, want 2; stderr: {err.strip()[:300]!r}"
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr, want 1: {err[:400]!r}"
    want = f"bridgeproof: {case.where}: {case.field}: "
    if not lines[0].startswith(want):
        return f"want a line starting {want!r}, got {lines[0][:300]!r}"
    return None


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(HERE / "data", tmp_path / "data")
    for folder in DIRS:
        (tmp_path / "data" / folder).mkdir()
    return tmp_path / "data"


def test_corpus_is_large_and_covers_every_command() -> None:
    by_command = Counter(case.command for case in CASES if not case.slow)
    assert sum(by_command.values()) >= 130, by_command
    for command in ("verify", "show", "replay", "check", "synth", "curate", "list"):
        assert by_command[command] > 0, f"no bad-input entry for {command}"
    assert len({case.argv for case in CASES}) == len(CASES), "two entries run the same command line"


def test_every_data_file_is_used() -> None:
    """A data file no entry names (or names a folder of) is a bad input nobody checks."""
    data = HERE / "data"
    used: set[Path] = set()
    for case in CASES:
        for part in case.argv:
            path = data / part
            if path.is_file():
                used.add(path)
            elif path.is_dir():
                used |= {p for p in path.rglob("*") if p.is_file()}
    unused = sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file() and p not in used)
    assert not unused, f"data files no entry runs: {unused}"


def _run_all(cases: list[Case], cwd: Path) -> None:
    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 1) * 2)) as pool:
        outcomes = list(pool.map(lambda case: (case, run(case, cwd)), cases))
    failures = [f"{case.id}\n    {why}" for case, why in outcomes if why is not None]
    assert not failures, f"{len(failures)} of {len(cases)} entries fail:\n" + "\n".join(failures)


def test_every_bad_input_gets_one_line_and_exit_2(workdir: Path) -> None:
    _run_all([case for case in CASES if not case.slow], workdir)


@pytest.mark.slow
def test_every_other_bad_input_gets_one_line_and_exit_2(workdir: Path) -> None:
    _run_all([case for case in CASES if case.slow], workdir)
