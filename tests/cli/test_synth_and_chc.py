"""Synthesis is confirmed at its boundary, and Spacer (CHC) proves what induction proves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridgeproof.model.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(args)
    return code, json.loads(capsys.readouterr().out)


def test_minimal_k_holds_and_one_less_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _run(
        ["synth", "--protocol", "lock_mint", "--trust", "multisig", "--param", "n=9", "--param", "f=4", "--minimal", "k", "--json"],
        capsys,
    )
    assert code == 0 and out["confirmed"]
    assert out["value"] == 5
    assert out["at"]["verdict"] == "proved" and out["beyond"]["verdict"] == "violated"


def test_minimal_confirmations_beats_the_reorg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _run(
        ["synth", "--protocol", "lock_mint", "--trust", "light_client", "--param", "reorg=40", "--minimal", "confirmations", "--json"],
        capsys,
    )
    assert code == 0 and out["confirmed"] and out["value"] == 41


def test_chc_proves_and_prints_its_invariant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    base = ["check", "--protocol", "lock_mint", "--trust", "multisig", "--param", "k=5", "--param", "n=9", "--messages", "2", "--property", "supply_conservation", "--prove", "--engine", "chc", "--json"]
    code, out = _run([*base, "--param", "f=4"], capsys)
    assert code == 0 and out["verdict"] == "proved"
    assert out["invariant"] and "escrow" in out["invariant"][0]["claim"]
    code, out = _run([*base, "--param", "f=5"], capsys)
    assert code == 1 and out["verdict"] == "violated"
