"""Proofs for any number of messages (SEMANTICS.md, "Any number of messages").

A proof over representative ids covers every number of ids only when the encoding is local and
uniform and the invariant is per id. These tests check that the shipped bridges get that scope under
every trust model that couples no ids, that a bug needing three messages is not proved for any
number (and three ids show it), that an encoding treating one id apart is caught, and that BMC with
one and two more ids than the proof used finds nothing the proof missed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
import z3

from bridgeproof.model import certificate
from bridgeproof.model.check import check, system_of
from bridgeproof.model.engine.bmc import bmc
from bridgeproof.model.engine.parametric import premises, prove_any_number
from bridgeproof.model.protocols.bridge.family import MessageBridge
from bridgeproof.model.scenarios import Scenario, load
from bridgeproof.model.symbolic import Case
from bridgeproof.properties import PROPERTIES

REPO = Path(__file__).resolve().parents[2]
ANY = "any number of message ids"


def scenario(name: str) -> Scenario:
    file = name.partition("/")[0]
    return next(sc for sc in load(REPO / "scenarios" / f"{file}.toml") if sc.name == name)


def with_ids(sc: Scenario, n: int) -> Scenario:
    return attrs.evolve(sc, bounds=attrs.evolve(sc.bounds, messages=n))


# One safe shipped configuration per trust model (and both families), none with a feature that
# couples ids (a reorg drops every message above a block at once).
UNCOUPLED = [
    pytest.param("custodian/honest", "supply_conservation", id="custodian-lock_mint"),
    pytest.param("burn-mint-2of3/one-compromised", "supply_conservation", id="multisig-burn_mint"),
    pytest.param("optimistic/live-watcher", "no_unbacked_mint", id="optimistic"),
    pytest.param("zk-light-client/sound", "no_double_spend", id="zk"),
    pytest.param("harmony-key-rotation/withdrawal-timelock", "supply_conservation", id="key_rotation"),
    pytest.param("wormhole-2022/second-verifier", "no_unbacked_mint", id="aggregate"),
    pytest.param("ccip-token-bucket/queued", "supply_conservation", id="rate-limit-queue"),
    pytest.param("ronin-2022/delegation-revoked", "no_unauthorised_unlock", id="multisig-lock_mint-vault"),
    # Needs `supply_remote <= escrow`, so the in-flight remainder must be known non-negative.
    pytest.param("qubit-2022-market/balance-checked", "no_bad_debt", id="wrapped_collateral-market"),
]


@pytest.mark.parametrize(("name", "prop"), UNCOUPLED)
def test_a_bridge_without_coupled_features_is_proved_for_any_number_of_messages(name: str, prop: str, tmp_path: Path) -> None:
    sc = scenario(name)
    r = check(sc, prop, root=tmp_path / "counterexamples", prove=True)
    assert r.verdict == "proved", r.why
    assert r.scope == ANY, r.why
    assert "for any number of message ids" in r.why
    cert = certificate.load(Path(r.certificate))  # type: ignore[arg-type]
    assert cert.represented == "ids"
    # The independent checker accepts it over the representatives, and the conjuncts name them.
    ok, why = certificate.check(system_of(sc), cert, PROPERTIES[prop], seed=sc.seed)
    assert ok, why


def test_a_reorg_couples_the_ids_and_the_proof_says_for_how_many(tmp_path: Path) -> None:
    sc = scenario("etc-51-2020/deep-confirmations")
    r = check(sc, "supply_conservation", root=tmp_path / "counterexamples", prove=True)
    assert r.verdict == "proved"
    assert r.scope == f"{sc.bounds.messages} message ids"
    assert "not shown for more ids: reorg" in r.why


def _one_bit_nonce() -> Any:
    """The relayer's attestation binds only the id's lowest bit: message i's signed content also
    verifies as a claim on id i + 2 (a mutant: a truncated nonce in the attested payload)."""

    def cases(self: MessageBridge, s: Any, a: Any, cfg: Any) -> list[Case]:
        out = cases_before(self, s, a, cfg)
        for i in range(2, s.messages):
            j = i % 2
            updates = self._new_claim(s, i, s.slot("sent_dir", j), s.slot("sent_user", j), s.slot("sent_amount", j))
            self._evidence(s, i, cfg.trust.honest_evidence(s, j, cfg), updates)
            guard = z3.And(s.slot("sent", j), z3.Not(s.slot("claimed", i)))
            out.append(Case("attest", guard, updates, {"id": i}))
        return out

    cases_before = MessageBridge.cases
    return cases


def test_a_bug_that_needs_three_messages_is_not_proved_for_any_number(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(MessageBridge, "cases", _one_bit_nonce())
    sc = scenario("custodian/honest")
    assert sc.bounds.messages == 2
    prop = PROPERTIES["supply_conservation"]
    _, _, why = prove_any_number(system_of(sc), "ids", prop, seed=sc.seed)
    assert why == "attest writes claim_dir[2] from id(s) [0]"
    r = check(sc, "supply_conservation", root=tmp_path / "counterexamples", prove=True)
    assert r.verdict == "proved" and r.scope == "2 message ids", (r.verdict, r.why)
    # Three ids show the bug: one lock (id 0), its signed content claimed as id 2, minted.
    found = bmc(system_of(with_ids(sc, 3)), prop, 6, seed=sc.seed)
    assert found.verdict == "violated" and found.trace is not None
    assert [(st.action, st.args.get("id")) for st in found.trace.steps] == [("lock", None), ("attest", 2), ("mint", 2)]
    assert set(found.trace.states[-1]["claims"]) == {2} and set(found.trace.states[-1]["sent"]) == {0}
    # ... while two ids cannot: BMC to the scenario's depth finds nothing.
    assert bmc(system_of(sc), prop, 6, seed=sc.seed).verdict == "bounded"


def test_an_encoding_that_treats_one_id_apart_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay protection that forgets ids from 2 on: local (each id reads only itself), not uniform."""
    original = MessageBridge.replay_guard

    def replay_guard(self: MessageBridge, s: Any, cfg: Any, i: int, direction: int) -> z3.BoolRef:
        return original(self, s, cfg, i, direction) if i < 2 else z3.BoolVal(True)

    monkeypatch.setattr(MessageBridge, "replay_guard", replay_guard)
    why = premises(system_of(scenario("custodian/honest")), "ids")
    assert why.startswith("the steps of mint on id 2 are not those on id 0")


@pytest.mark.parametrize(("name", "prop"), UNCOUPLED[:3])
def test_more_ids_find_nothing_the_proof_missed(name: str, prop: str) -> None:
    """The cutoff's test: BMC with one and two more ids than the proof's representatives, to the
    scenario's depth, finds no violation of a property proved for any number of ids."""
    sc = scenario(name)
    proof, _, why = prove_any_number(system_of(sc), "ids", PROPERTIES[prop], seed=sc.seed)
    assert proof is not None and proof.verdict == "proved" and not why
    for n in (sc.bounds.messages + 1, sc.bounds.messages + 2):
        found = bmc(system_of(with_ids(sc, n)), PROPERTIES[prop], min(sc.bounds.depth, 8), seed=sc.seed)
        assert found.verdict == "bounded", (n, found.verdict)


def test_a_remainder_is_assumed_non_negative_only_with_every_represented_term() -> None:
    """The sign lemma of each remainder is one conjunct: `rest >= 0` and each represented id's term
    `>= 0`. Houdini keeps or drops it whole, so `rest >= 0` is never assumed unless every id's term
    is shown never negative (which is what makes the sum of the ids not represented non-negative)."""
    from bridgeproof.model.engine.parametric import represented_system

    system = represented_system(system_of(scenario("qubit-2022-market/balance-checked")), "ids", 2)
    reps = system.representatives
    assert reps.remainders, "the conservation lemma sums over the ids, so there is a remainder"
    lemmas = reps.sign_lemmas(system.state(3))
    assert set(lemmas) == {f"{name}.nonnegative" for name in reps.remainders}
    for name, remainder in reps.remainders.items():
        formula, _ = lemmas[f"{name}.nonnegative"]
        assert z3.is_and(formula)
        parts = [str(p) for p in formula.children()]
        assert f"{name} >= 0" in parts
        assert len(parts) == 1 + len(remainder.terms)
        # The terms are read at the state asked for, not the probe's.
        assert all("@3" in p for p in parts[1:]) and not any("@0" in p for p in parts)
