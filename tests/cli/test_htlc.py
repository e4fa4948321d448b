"""The HTLC family end to end: the timeout boundary found by synth and confirmed on both sides, and
the lasso of a swap whose refund path is broken, as an ITF file another tool reads."""

from __future__ import annotations

import json
from pathlib import Path

import itf_py
import pytest

from bridgeproof.model import itf
from bridgeproof.model.cli import main
from bridgeproof.model.replay import replay

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("contract", "boundary"), [("account", 10801), ("script", 21602)])
def test_synth_finds_the_timeout_margin(
    contract: str, boundary: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Account-based swaps need T_a - T_b > delta; BIP-199 scripts, whose claim races the refund, need
    T_a - T_b > 2 delta + 1. synth finds each margin and confirms it: proved there, violated one below."""
    monkeypatch.chdir(tmp_path)
    args = ["synth", "--protocol", "htlc", "--param", f"contract={contract}", "--param", "delta=10800"]
    code = main([*args, "--minimal", "margin", "--property", "atomicity", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    assert (out["value"], out["confirmed"]) == (boundary, True)
    assert (out["at"]["verdict"], out["beyond"]["verdict"]) == ("proved", "violated")


def test_synth_refuses_a_parameter_the_family_does_not_have(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--protocol", "htlc", "--minimal", "k", "--property", "atomicity"]) == 2
    assert "not a parameter of htlc" in capsys.readouterr().err


def test_the_stuck_swap_is_a_lasso_that_replays_and_that_itf_py_reads() -> None:
    path = REPO / "counterexamples/htlc/none/funds_never_stuck/htlc-no-refund.itf.json"
    document = itf.load(path)
    assert document["loop"] is not None and 0 <= document["loop"] < len(document["states"]) - 1
    steps = document["meta"]["steps"]
    assert any(step["action"] == "wait" for step in steps[document["loop"] :]), "time must pass in the loop"
    assert document["states"][-1]["locks"]["a"]["status"] == "locked"
    result = replay(document)
    assert result.ok and not result.holds_at_end, result.summary()
    trace = itf_py.trace_from_json(json.loads(path.read_text()))
    assert trace.loop == document["loop"]


def test_a_lasso_that_does_not_close_does_not_replay(tmp_path: Path) -> None:
    """Replay is not vacuous for lassos: a file whose loop start is not the state the run comes back to fails."""
    path = REPO / "counterexamples/htlc/none/funds_never_stuck/htlc-no-refund.itf.json"
    raw = json.loads(path.read_text())
    raw["loop"] = 0  # the initial state has no lock: the run does not come back to it
    copy = tmp_path / "bad.itf.json"
    copy.write_text(json.dumps(raw))
    assert not replay(itf.load(copy)).ok
