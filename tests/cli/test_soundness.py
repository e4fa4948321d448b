"""Verdicts an auditor can sign: every proof's certificate is re-checked by a checker that shares no code
with the provers, budgets are resource units (not seconds), and a prover bug surfaces as `unknown`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from bridgeproof.model import certificate
from bridgeproof.model.check import check, system_of
from bridgeproof.model.engine import induction
from bridgeproof.model.scenarios import load
from bridgeproof.properties import PROPERTIES

REPO = Path(__file__).resolve().parents[2]


def _scenario(file: str, name: str | None = None):  # type: ignore[no-untyped-def]
    scenarios = load(REPO / "scenarios" / file)
    return next(sc for sc in scenarios if name is None or sc.name == name)


def test_a_proof_carries_a_certificate_the_checker_accepts(tmp_path: Path) -> None:
    sc = _scenario("ronin-2022.toml", "ronin-2022/delegation-revoked")
    result = check(sc, "supply_conservation", root=tmp_path, prove=True)
    assert result.verdict == "proved" and result.certificate is not None
    cert = certificate.load(Path(result.certificate))
    names = [name for name, _, _ in cert.conjuncts]
    assert "supply_conservation" in names and cert.needed == ("f_lt_k",)
    ok, why = certificate.check(system_of(sc), cert, PROPERTIES["supply_conservation"])
    assert ok, why


def test_a_certificate_without_a_lemma_it_needs_is_rejected(tmp_path: Path) -> None:
    """Drop each kept lemma in turn: at least one is needed, and without it the checker refuses."""
    sc = _scenario("ronin-2022.toml", "ronin-2022/delegation-revoked")
    result = check(sc, "supply_conservation", root=tmp_path, prove=True)
    cert = certificate.load(Path(result.certificate))  # type: ignore[arg-type]
    system = system_of(sc)
    rejected = []
    for i, (name, _, _) in enumerate(cert.conjuncts):
        if name == "supply_conservation":
            continue
        fewer = attrs.evolve(cert, conjuncts=cert.conjuncts[:i] + cert.conjuncts[i + 1 :])
        ok, why = certificate.check(system, fewer, PROPERTIES["supply_conservation"])
        if not ok:
            rejected.append((name, why))
    assert rejected, "no lemma of the certificate is needed: the check cannot tell a corrupted certificate"
    assert any("consecution fails" in why for _, why in rejected)


def test_a_certificate_claiming_too_little_assumption_is_rejected(tmp_path: Path) -> None:
    """The checker assumes only what the certificate says the proof needed."""
    sc = _scenario("ronin-2022.toml", "ronin-2022/delegation-revoked")
    cert = certificate.load(Path(check(sc, "supply_conservation", root=tmp_path, prove=True).certificate))  # type: ignore[arg-type]
    ok, why = certificate.check(system_of(sc), attrs.evolve(cert, needed=()), PROPERTIES["supply_conservation"])
    assert not ok and "fails" in why


def test_a_prover_that_drops_the_property_is_caught(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A planted Houdini fault: a counterexample to induction that breaks the property itself drops it, as
    if it were a lemma. On a scenario with no expectation whose attack (8 steps) is longer than the short
    BMC run after a proof (6), the certificate checker is what turns the claimed proof into `unknown`."""
    original = induction._attempt

    def attempt(system, prop, k, parametric, budget, seed, dropped, allowed):  # type: ignore[no-untyped-def]
        out = original(system, prop, k, parametric, budget, seed, dropped, allowed)
        if out.cti is not None and prop.name in out.cti.broken:
            dropped.add(prop.name)
            return original(system, prop, k, parametric, budget, seed, dropped, allowed)
        return out

    monkeypatch.setattr(induction, "_attempt", attempt)
    sc = attrs.evolve(_scenario("ethpow-fork-2022.toml", "ethpow-fork-2022"), expect={})
    result = check(sc, "no_double_spend", root=tmp_path, prove=True)
    assert result.verdict == "unknown", result
    assert "certificate is rejected" in result.why


def test_an_exhausted_budget_is_unknown_with_its_limit(tmp_path: Path) -> None:
    sc = attrs.evolve(_scenario("ronin-2022.toml", "ronin-2022/delegation-revoked"), budget=1000)
    result = check(sc, "supply_conservation", root=tmp_path, prove=True)
    assert result.verdict == "unknown"
    assert "resource limit 1000" in result.why and "canceled" not in result.why
    assert not result.ok


def test_the_same_check_spends_the_same_work(tmp_path: Path) -> None:
    """Resource units, unlike seconds, are a function of the input: two runs of one proof spend the same."""
    sc = _scenario("custodian.toml", "custodian/honest")
    first = check(sc, "supply_conservation", root=tmp_path, prove=True)
    second = check(sc, "supply_conservation", root=tmp_path, prove=True)
    assert first.verdict == second.verdict == "proved"
    assert first.spent == second.spent > 0


def _busy() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


@pytest.mark.slow
def test_verdicts_and_work_are_the_same_on_a_busy_machine(tmp_path: Path) -> None:
    """The same slice verified quietly and beside two busy-loop processes: the same verdicts, depths and
    traces, and the very same number of resource units spent per row."""
    files = [str(REPO / "scenarios" / f) for f in ("optimistic.toml", "htlc-no-refund.toml")]

    def run(corpus: Path) -> list[tuple[object, ...]]:
        done = subprocess.run(
            [sys.executable, "-m", "bridgeproof.model", "verify", *files, "--json", "-j", "1", "--no-loss", "--no-cache"],
            cwd=corpus, capture_output=True, text=True, timeout=900, env=dict(os.environ, PYTHONPATH=str(REPO)),
        )
        assert done.returncode == 0, done.stderr
        rows = json.loads(done.stdout)["results"]
        return [(r["scenario"], r["property"], r["verdict"], r["depth"], r["resource_units"]) for r in rows]

    (tmp_path / "quiet").mkdir()
    (tmp_path / "busy").mkdir()
    quiet = run(tmp_path / "quiet")
    hogs = [_busy(), _busy()]
    try:
        busy = run(tmp_path / "busy")
    finally:
        for hog in hogs:
            hog.kill()
    assert quiet == busy
