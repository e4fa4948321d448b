"""Witnesses are on by default: a proof about a bridge that cannot complete a transfer is vacuous, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridgeproof.model.cli import main

SCENARIO = """
# 9 of 9 with one key stolen and withheld: honest messages get 8 signatures, forged ones 1, so no
# transfer ever completes, and every safety property holds trivially.
protocol = "lock_mint"
trust = { model = "multisig", k = 9, n = 9, f = 1, withheld = 1 }
bounds = { depth = 8, messages = 2 }
[expect]
no_double_spend = "proved"
"""


def test_a_proof_with_an_unreachable_witness_is_vacuous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "halted.toml").write_text(SCENARIO)
    code = main(["verify", "halted.toml", "--json", "-j", "1"])
    rows = json.loads(capsys.readouterr().out)["results"]
    assert code == 1
    (row,) = [r for r in rows if r["property"] == "no_double_spend"]
    assert row["verdict"] == "vacuous"
    assert "can_complete_transfer" in row["why"]


def test_the_same_proof_with_a_live_bridge_is_proved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "live.toml").write_text(SCENARIO.replace("f = 1, withheld = 1", "f = 0"))
    code = main(["verify", "live.toml", "--json", "-j", "1"])
    rows = json.loads(capsys.readouterr().out)["results"]
    assert code == 0
    assert [r["verdict"] for r in rows if r["property"] == "no_double_spend"] == ["proved"]
