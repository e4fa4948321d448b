"""Process hygiene: Ctrl-C ends any command with exit 130 and one line, workers die with `verify`, and
traces land in the scenario's repository (or `--corpus`), never wherever the command was started.

The signal tests run the real command line in a subprocess, in its own session (so a Ctrl-C can go
to its whole process group, as a terminal sends it), with SIGINT at its default disposition (a
process started in the background inherits it ignored). Workers are found in /proc (no psutil).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridgeproof.model.cli import main

REPO = Path(__file__).resolve().parents[2]
LINUX = sys.platform.startswith("linux") and Path("/proc/self/stat").exists()
pytestmark = pytest.mark.skipif(not LINUX, reason="reads /proc and sends POSIX signals")

RONIN = """\
protocol = "lock_mint"
trust = { model = "multisig", k = 5, n = 9, f = 5 }
bounds = { depth = 4, messages = 2 }

[expect]
supply_conservation = "violated"
"""


def _children(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == pid and state != "Z":
            out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    """Running, or stopped: anything but gone or a zombie (a dead process nobody has reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _start(argv: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    return subprocess.Popen(
        [sys.executable, "-m", "bridgeproof.model", *argv],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_workers(proc: subprocess.Popen[bytes], count: int, timeout: float = 30.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = _children(proc.pid)
        if len(kids) >= count:
            return kids
        assert proc.poll() is None, f"verify ended before its workers started: {proc.communicate()[1].decode()}"
        time.sleep(0.05)
    raise AssertionError(f"no {count} workers within {timeout} s")


@pytest.fixture
def verify_j2(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`verify scenarios/ -j 2` on the shipped scenarios (minutes of work), its traces in a tmp corpus."""
    proc = _start(["verify", "scenarios", "-j", "2", "--corpus", str(tmp_path / "corpus")], REPO)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


def _interrupted(proc: subprocess.Popen[bytes]) -> None:
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("the command did not stop within 20 s of Ctrl-C")
    text = err.decode()
    assert "Traceback" not in text, text
    assert (proc.returncode, text) == (130, "bridgeproof: interrupted\n"), (proc.returncode, text, out.decode()[-300:])


@pytest.mark.parametrize("to", ["process-group", "parent"])
def test_ctrl_c_during_parallel_verify(verify_j2: subprocess.Popen[bytes], to: str) -> None:
    """A terminal's Ctrl-C reaches every process of the group; `kill -INT` only the command: both end
    with 130 and one line, and no worker is left."""
    workers = _wait_for_workers(verify_j2, 2)
    time.sleep(0.5)  # the workers are solving now
    if to == "process-group":
        os.killpg(verify_j2.pid, signal.SIGINT)
    else:
        os.kill(verify_j2.pid, signal.SIGINT)
    _interrupted(verify_j2)
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "workers outlived the interrupted command"


def test_ctrl_c_inside_a_solver_call(tmp_path: Path) -> None:
    """NOTE(ctrl-c): Z3 swallows SIGINT while it solves (the query just returns unknown); the command
    must stop anyway, promptly, and say so in one line."""
    argv = ["check", "--protocol", "lock_mint", "--trust", "multisig", "--param", "k=5", "--param", "n=9"]
    # adversary_profit is not inductive with the lemmas, so BMC has to unroll: a long solver call.
    proc = _start([*argv, "--param", "f=4", "--property", "adversary_profit", "--depth", "60"], tmp_path)
    time.sleep(2.0)
    assert proc.poll() is None, "the check ended before the interrupt; make it longer"
    os.kill(proc.pid, signal.SIGINT)
    started = time.monotonic()
    _interrupted(proc)
    assert time.monotonic() - started < 5, "Ctrl-C must cancel the solver call, not wait for it"


def test_sigkill_of_verify_leaves_no_worker(verify_j2: subprocess.Popen[bytes]) -> None:
    workers = _wait_for_workers(verify_j2, 2)
    time.sleep(0.5)
    os.kill(verify_j2.pid, signal.SIGKILL)
    verify_j2.wait()
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [w for w in workers if _alive(w)]
    assert not left, f"workers {left} outlived their killed parent by 5 s"


# --- where traces go ------------------------------------------------------------------------------


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "scenarios").mkdir(parents=True)
    (repo / "scenarios" / "ronin.toml").write_text(RONIN)
    (tmp_path / "elsewhere").mkdir()
    return repo


def _traces(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.itf.json"))


def test_verify_writes_into_the_scenarios_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path)
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["verify", str(repo / "scenarios" / "ronin.toml"), "-j", "1", "--no-prove", "--no-loss", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["results"][0]
    written = _traces(repo / "counterexamples" / "_inbox")
    assert [p.resolve() for p in written] == [Path(row["counterexample"]).resolve()]
    assert not any((tmp_path / "elsewhere").iterdir()), "nothing goes where the command happened to start"


def test_verify_and_check_write_into_an_explicit_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path)
    monkeypatch.chdir(tmp_path / "elsewhere")
    corpus = tmp_path / "mine"
    assert main(["verify", str(repo / "scenarios"), "-j", "1", "--no-prove", "--no-loss", "--corpus", str(corpus)]) == 0
    assert len(_traces(corpus / "_inbox")) == 1 and not (repo / "counterexamples").exists()
    argv = ["check", "--protocol", "lock_mint", "--trust", "custodian", "--param", "compromised=1", "--depth", "4"]
    assert main([*argv, "--messages", "2", "--property", "supply_conservation", "--corpus", str(corpus)]) == 1
    assert len(_traces(corpus / "_inbox")) == 2
    capsys.readouterr()
    assert not any((tmp_path / "elsewhere").iterdir())


def test_synth_probes_never_enter_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["synth", "--protocol", "lock_mint", "--trust", "custodian", "--breaking", "compromised"]
    assert main([*argv, "--depth", "4", "--messages", "2", "--json"]) in (0, 1)
    out = json.loads(capsys.readouterr().out)
    assert out["value"] == 1 and out["at"]["verdict"] == "violated"
    assert not list(tmp_path.rglob("*.json")), "a synth probe wrote a trace or a certificate"
