"""Unit tests of the governance path (`defences.governance`) in the message bridges' reference implementation, from
SEMANTICS.md ("Family `lock_mint` and `burn_mint`": the Configuration row `defences.governance`, "Calls",
"Initialiser" and "Governance: the path meant to change the keys") alone.

`govern(dir)` is mallory's proposal to the governance path, carrying the governance trust model `G`'s forged
evidence, that installs keys she holds on the destination of `dir` (remote for `out`, home for `back`). Its only
guard is `G`'s `accepts` on that forged evidence (multisig and attesters: forged `sigs >= k`; custodian:
`compromised == 1`; tss: `f >= k`; zk: `soundness_bug`), so in one configuration it always or never passes. Its
effect is `replaced_keys[dir] = true`, after which the destination of that dir accepts every claim ("accepted" as
under Calls). A governance table names one of custodian, multisig, tss, zk, attesters, without faults.

What `govern` shares with `initialize` (where it exists, the keys of exactly that destination under each model whose
forgery passes, the forged claims it lets through, a second call, no message id, an unknown dir, the family's
reading) is tested once for both in test_key_writers_reference.py; this module holds what is governance's alone.

The worlds are built from scenario tables, as a scenario file would state them: lock_mint (burn_mint where a test
says so) whose bridge verifier is a 13-of-19 multisig with no stolen key (`f = 0`), so a forged claim carries no
signature and the bridge's trust model alone never accepts it; its governance is a 2-of-5 owner multisig with two
stolen keys (`f = 2`, Harmony's Horizon bridge 2022) unless a test says otherwise. alice holds the initial supply of
100 home units, 3 message ids, all decimals 0 (every credit equals the message amount). Every expected number is
worked out by hand in the comments, never computed by the code under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridgeproof.model.errors import BadInput
from bridgeproof.model.protocols.bridge import deployment as bridge
from bridgeproof.model.reference import Revert
from bridgeproof.model.reference.world import World
from bridgeproof.model.scenarios import from_table
from harness import KEYS_UNTOUCHED, refused, replaced_keys, run, scenario_table, scenario_world

COMPROMISED = {"model": "multisig", "k": 2, "n": 5, "f": 2}  # 2 stolen keys >= k = 2: a forged proposal passes
HONEST = {"model": "multisig", "k": 2, "n": 5, "f": 1}  # 1 stolen key < k = 2: it does not
BASE: dict[str, Any] = {
    "protocol": "lock_mint",
    "trust": {"model": "multisig", "k": 13, "n": 19, "f": 0},
    "defences": {"governance": COMPROMISED},
    "bounds": {"messages": 3},
    "expect": {"supply_conservation": "violated"},
}

# Governance tables whose forged proposal does not pass, one per model it may be (the ones whose does pass are
# test_key_writers_reference.EVERY_WRITER).
HOLDING = [
    pytest.param(HONEST, id="multisig-f1-of-k2"),
    pytest.param({"model": "custodian", "compromised": 0}, id="custodian-honest"),
    pytest.param({"model": "tss", "k": 2, "n": 3, "f": 1}, id="tss-f1-of-k2"),
    pytest.param({"model": "zk", "soundness_bug": False}, id="zk-sound"),
    pytest.param({"model": "attesters", "k": 2, "n": 3, "f": 1}, id="attesters-f1-of-k2"),
]


def table(**overrides: Any) -> dict[str, Any]:
    """The base scenario table with whole top-level entries replaced (None drops one)."""
    return scenario_table(BASE, **overrides)


def world(governance: dict[str, Any] | None = COMPROMISED, **overrides: Any) -> World:
    """The world a scenario file with these tables would be checked on (`governance=None`: no governance path)."""
    defences = {"governance": governance} if governance is not None else None
    return scenario_world(table(defences=defences, **overrides), "governance.toml")


# --- the governance verifier ------------------------------------------------------------------------------------


def test_without_the_option_there_is_no_governance_verifier() -> None:
    assert world(governance=None).deployment.governance is None


def test_the_governance_verifier_is_its_own_instance() -> None:
    dep = world().deployment
    assert dep.governance is not None
    assert dep.governance is not dep.verifier
    # Its parameters are the governance table's (2 of 5), not the bridge's (13 of 19).
    assert (dep.governance.threshold, len(dep.governance.members)) == (2, 5)
    assert (dep.verifier.threshold, len(dep.verifier.members)) == (13, 19)


# --- governance that holds: an action all the same, refused, nothing changes ------------------------------------


@pytest.mark.parametrize("governance", HOLDING)
@pytest.mark.parametrize("direction", ["out", "back"])
def test_govern_is_refused_when_governance_holds(governance: dict[str, Any], direction: str) -> None:
    w = run(world(governance), ("lock", {"user": "alice", "amount": 10}))
    # The option makes it an action whatever G's parameters; they decide only whether it passes.
    assert "govern" in w.available_actions()
    refused(w, "govern", dir=direction)  # the observable state is exactly what it was
    assert replaced_keys(w) == KEYS_UNTOUCHED
    assert w.observe()["replaced_keys"] == KEYS_UNTOUCHED
    with pytest.raises(Revert, match="governance did not pass the proposal"):
        bridge.govern(w.deployment, direction)


def test_honest_governance_leaves_a_forgery_refused() -> None:
    w = run(
        world(HONEST),
        ("lock", {"user": "alice", "amount": 10}),  # id 0, escrow 10
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 7}),  # 0 of 13 signatures
    )
    refused(w, "govern", dir="back")  # 1 stolen owner key < 2
    refused(w, "unlock", id=2)
    assert w.observe()["escrow"] == 10


def test_govern_is_refused_on_burn_mint_when_governance_holds() -> None:
    w = run(
        world({"model": "zk", "soundness_bug": False}, protocol="burn_mint"),
        ("forge", {"id": 0, "dir": "back", "user": "mallory", "amount": 4}),
    )
    refused(w, "govern", dir="back")
    refused(w, "mint", id=0)
    assert replaced_keys(w) == KEYS_UNTOUCHED


# --- the governance path's evidence is its own ------------------------------------------------------------------


def test_a_governance_forgery_never_makes_a_bridge_claim_accepted_by_itself() -> None:
    # govern(back) uses the governance verifier's own proposal id, which may equal a bridge claim's id (here 1);
    # govern(out) installs keys on remote only. Neither makes home's or remote's bridge verifier accept anything.
    w = run(
        world(),
        ("lock", {"user": "alice", "amount": 10}),  # id 0, escrow 10
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 7}),  # 0 of 13 signatures
        ("govern", {"dir": "out"}),  # passes: 2 stolen owner keys >= 2
    )
    dep = w.deployment
    claim = dep.claim(1)
    ctx = dep.context()
    assert not dep.verifier.accepts(1, claim.message.digest(), ctx)
    refused(w, "unlock", id=1)
    # Even the governance verifier's forgery of this very claim's digest counts nowhere but in governance.
    assert dep.governance is not None
    dep.governance.forge(1, claim.message.digest(), ctx)
    assert dep.governance.accepts(1, claim.message.digest(), ctx)
    assert not dep.verifier.accepts(1, claim.message.digest(), ctx)
    refused(w, "unlock", id=1)
    assert w.observe()["claims"][1]["evidence"] == {"sigs": 0}


def test_a_bridge_that_cannot_be_forged_past_falls_to_its_governance() -> None:
    # The bridge's own 13-of-19 holds, and with the honest governance so does the bridge; the weaker governance
    # (Harmony 2022: 2 of 5 owners, 2 keys stolen) is what gives it away.
    steps = (
        ("lock", {"user": "alice", "amount": 10}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 10}),
    )
    held = run(world(HONEST), *steps)
    refused(held, "govern", dir="back")
    refused(held, "unlock", id=1)
    fell = run(world(COMPROMISED), *steps, ("govern", {"dir": "back"}), ("unlock", {"id": 1}))
    s = fell.observe()
    # escrow 10 - 10 = 0, mallory home 10, while remote's 10 wrapped tokens were never minted (out never attested).
    assert (s["escrow"], s["balance_home"], s["supply_remote"]) == (0, {"alice": 90, "mallory": 10}, 0)


# --- configuration ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["optimistic", "light_client", "aggregate"])
def test_a_governance_model_outside_the_list_is_bad_input(model: str) -> None:
    with pytest.raises(BadInput) as info:
        from_table(table(defences={"governance": {"model": model}}), Path("governance.toml"))
    assert info.value.field == "defences.governance.model"
    assert "multisig" in info.value.why


def test_a_governance_table_with_faults_is_bad_input() -> None:
    governance = COMPROMISED | {"faults": ["unchecked_membership"]}
    with pytest.raises(BadInput) as info:
        from_table(table(defences={"governance": governance}), Path("governance.toml"))
    assert info.value.field.startswith("defences.governance")
    assert "faults" in info.value.field
