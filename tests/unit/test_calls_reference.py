"""Unit tests of call messages (`adversary.calls`) in the message bridges' reference implementation, from
SEMANTICS.md ("Family `lock_mint` and `burn_mint`": the Configuration rows `adversary.calls`,
`unrestricted_call_target`, `message_type_confusion`, and "Calls: messages that are not transfers") alone.

With `adversary.calls` every message has a kind. `call(dir, amount)` is mallory's call message, sent by the
bridge's own endpoint on the source chain of `dir`: `sent[next_id] = {dir, mallory, amount, height, debited
0, kind call}`; nothing is debited. `execute(id)` runs a call claim on its target, the destination's verifier
keys: it needs a call claim, accepted, `executions == 0`, not paused, and `unrestricted_call_target` (Poly
Network 2021); it sets `executions += 1` and `replaced_keys[dir]`, after which the destination of that dir
accepts every claim. The transfer path (`mint`, `unlock`, `release`) refuses a call claim unless
`message_type_confusion` (Messina 2026), which pays it as a transfer of its amount to its user.

Every expected number is worked out by hand in the comments, never computed by the code under test.
The worlds are lock_mint (burn_mint where a test says so) under an honest custodian (`attest` signs,
`forge` does not: `accepted iff signed`), alice holding the initial supply of 100 home units, 3 message
ids unless a test says otherwise, all decimals 0 (so every credit equals the message amount).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import attrs
import pytest

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.bridge import deployment as bridge
from bridgeproof.model.protocols.bridge.contracts.chain import Message
from bridgeproof.model.protocols.bridge.options import Amounts, Options, RateLimit
from bridgeproof.model.protocols.burn_mint import BurnMint
from bridgeproof.model.protocols.lock_mint import LockMint
from bridgeproof.model.reference import Revert
from bridgeproof.model.reference.world import World
from bridgeproof.model.trust.custodian import Custodian
from bridgeproof.model.trust.light_client import LightClient
from harness import BRIDGE_CLAIM_FIELDS, BRIDGE_READ_COLUMNS, act, refused, run

TARGET = "unrestricted_call_target"
CONFUSION = "message_type_confusion"
NOBODY = {"alice": 0, "mallory": 0}


def world(
    *faults: str, family: Any = None, trust: Any = None, messages: int = 3, calls: bool = True, **options: Any
) -> World:
    """A bridge with call messages (lock_mint, honest custodian unless told otherwise) and the given faults."""
    opts = Options(faults=frozenset(faults), calls=calls, **options)
    cfg = Configuration(family or LockMint(), trust or Custodian(), Bounds(messages=messages, supply=100), opts)
    return World(cfg)


def calls(w: World) -> dict[str, Any]:
    """The kinds (`read_calls`) and `replaced_keys` (`read_keys`, shared with the initialiser) together."""
    return bridge.read_calls(w.deployment) | bridge.read_keys(w.deployment)


def claim(w: World, msg_id: int) -> dict[str, Any]:
    return w.observe()["claims"][msg_id]


# --- call: a message that moves no value ---------------------------------------------------------------------


def test_call_does_not_exist_without_calls() -> None:
    # "An action that does not exist in the configuration is refused."
    w = world(calls=False)
    refused(w, "call", dir="back", amount=5)
    refused(w, "execute", id=0)


def test_call_emits_a_call_message_and_moves_nothing() -> None:
    w = world()
    before = w.observe()
    act(w, "call", dir="back", amount=5)
    after = w.observe()
    # sent[0] = {back, mallory, amount 5 as given, block = height = 0, debited 0, kind call}; next_id 0 + 1 = 1.
    assert after["sent"] == {
        0: {"dir": "back", "user": "mallory", "amount": 5, "block": 0, "debited": 0, "kind": "call"}
    }
    assert after["next_id"] == 1
    # mallory holds nothing on remote and the call still goes through: no balance is read or debited, nothing
    # is escrowed or burned, no supply changes, no claim appears before an attest.
    for key in ("balance_home", "balance_remote", "escrow", "supply_home", "supply_remote", "claims", "dust"):
        assert after[key] == before[key], key
    assert calls(w)["sent_kind"] == {0: "call"}


def test_call_out_comes_from_home_and_is_not_converted() -> None:
    # dh = 2, dr = 0, trim: w = 0. A lock of 5 home units would trim to 5 // 10^2 = 0 and be refused; the call
    # carries its amount as given, in message units, with no conversion: 5.
    w = world(amounts=Amounts(home_decimals=2, remote_decimals=0))
    refused(w, "lock", user="alice", amount=5)
    act(w, "call", dir="out", amount=5)
    assert w.observe()["sent"][0] == {
        "dir": "out", "user": "mallory", "amount": 5, "block": 0, "debited": 0, "kind": "call"
    }
    assert w.observe()["balance_home"] == {"alice": 100, "mallory": 0}
    # It sits in home's outbox (home is the source of `out`), remote's is empty.
    dep = w.deployment
    assert (list(dep.chains["home"].outbox), list(dep.chains["remote"].outbox)) == ([0], [])


@pytest.mark.parametrize("amount", [0, -1])
def test_call_refuses_a_non_positive_amount(amount: int) -> None:
    refused(world(), "call", dir="out", amount=amount)


def test_call_is_refused_at_the_id_bound_and_shares_the_counter() -> None:
    w = world(messages=2)
    act(w, "lock", user="alice", amount=3)  # id 0
    act(w, "call", dir="out", amount=1)  # id 1, next_id 2
    assert w.observe()["next_id"] == 2
    # next_id 2 < messages 2 is false.
    refused(w, "call", dir="back", amount=1)


def test_sends_are_transfers() -> None:
    w = run(
        world(),
        ("lock", {"user": "alice", "amount": 10}),  # id 0
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # alice remote 10
        ("burn", {"user": "alice", "amount": 4}),  # id 1
        ("call", {"dir": "out", "amount": 2}),  # id 2
    )
    assert calls(w)["sent_kind"] == {0: "transfer", 1: "transfer", 2: "call"}


# --- attest and forge ------------------------------------------------------------------------------------------


def test_attest_copies_the_kind() -> None:
    w = run(world(), ("lock", {"user": "alice", "amount": 10}), ("call", {"dir": "back", "amount": 5}))
    act(w, "attest", id=0)
    act(w, "attest", id=1)
    assert (claim(w, 0)["kind"], claim(w, 1)["kind"]) == ("transfer", "call")
    # claims[1] = {back, mallory, 5, executions 0, ..., kind call, evidence signed}: the honest custodian signs
    # what is in the outbox, a call included.
    c = claim(w, 1)
    assert (c["dir"], c["user"], c["amount"], c["executions"], c["evidence"]) == (
        "back", "mallory", 5, 0, {"signed": True}
    )
    assert calls(w)["claim_kind"] == {0: "transfer", 1: "call"}
    # The honest claim of a call is not fraudulent: same id, same fields, same kind.
    assert not w.deployment.is_fraudulent(1)


def test_forge_makes_a_transfer_claim() -> None:
    w = world()
    act(w, "forge", id=0, dir="back", user="mallory", amount=5)
    assert claim(w, 0)["kind"] == "transfer"
    assert calls(w)["claim_kind"] == {0: "transfer"}


def test_a_claim_of_another_kind_is_fraudulent() -> None:
    # sent[0] is mallory's call {back, mallory, 5}; a forged claim of id 0 with the same dir, user and amount is
    # a transfer: "its dir, user, amount (and kind, with adversary.calls) differ from sent[id]" -> fraudulent.
    w = run(world(pause_reaction=60), ("call", {"dir": "back", "amount": 5}))
    act(w, "forge", id=0, dir="back", user="mallory", amount=5)
    assert w.deployment.is_fraudulent(0)
    # The guardian sees it: pause needs "some claim is fraudulent".
    act(w, "pause")
    assert w.observe()["paused"] is True


def test_the_digest_binds_the_kind_and_keeps_a_transfers() -> None:
    # A transfer signs exactly the bytes it signed before messages had kinds.
    old = json.dumps(["bridgeproof/message/v1", 0, "back", "mallory", 5], separators=(",", ":"))
    transfer = Message(0, "back", "mallory", 5)
    assert transfer.kind == "transfer"
    assert transfer.digest() == hashlib.sha256(old.encode()).digest()
    # A call with the same other fields signs something else, so evidence for one never fits the other.
    assert Message(0, "back", "mallory", 5, kind="call").digest() != transfer.digest()
    # fields() is the observable record and has no kind.
    assert Message(0, "back", "mallory", 5, kind="call").fields() == {"dir": "back", "user": "mallory", "amount": 5}


# --- execute: without the fault, the allowlist refuses it ----------------------------------------------------------


def test_execute_without_unrestricted_call_target_is_refused() -> None:
    w = run(world(), ("call", {"dir": "back", "amount": 5}), ("attest", {"id": 0}))
    refused(w, "execute", id=0)
    assert claim(w, 0)["executions"] == 0
    assert calls(w)["replaced_keys"] == {"out": False, "back": False}
    assert w.observe()["replaced_keys"] == {"out": False, "back": False}


# --- execute: with the fault, the call replaces the keys of its destination ------------------------------------------


def test_execute_replaces_the_keys_and_a_forged_unlock_pays() -> None:
    w = run(
        world(TARGET),
        ("lock", {"user": "alice", "amount": 10}),  # id 0: alice home 90, escrow 10
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 7}),  # signed false (honest custodian)
    )
    # Before any call: the honest custodian did not sign the forgery, so unlock refuses it.
    refused(w, "unlock", id=2)
    act(w, "call", dir="back", amount=3)  # id next_id = 1 (forge takes no id from the counter)
    act(w, "attest", id=1)
    before = w.observe()
    act(w, "execute", id=1)
    after = w.observe()
    # executions 0 + 1 = 1; no credit, no payout, no dust: a call carries no value.
    assert (after["claims"][1]["executions"], after["claims"][1]["credited"]) == (1, 0)
    for key in ("balance_home", "balance_remote", "escrow", "supply_home", "supply_remote", "dust", "sent"):
        assert after[key] == before[key], key
    # replaced_keys[claims[1].dir = back] = true; out is untouched.
    assert calls(w)["replaced_keys"] == {"out": False, "back": True}
    assert after["replaced_keys"] == {"out": False, "back": True}
    # Home now checks back claims against mallory's keys: the same forged claim (evidence still unsigned) is
    # accepted. credit 7; escrow 10 - 7 = 3, mallory home 0 + 7 = 7, executions 1, credited 7.
    act(w, "unlock", id=2)
    s = w.observe()
    assert (s["escrow"], s["balance_home"]) == (3, {"alice": 90, "mallory": 7})
    assert (s["claims"][2]["executions"], s["claims"][2]["credited"], s["claims"][2]["evidence"]) == (
        1, 7, {"signed": False}
    )


def test_execute_leaves_the_other_dir_on_the_trust_models_keys() -> None:
    w = run(
        world(TARGET),
        ("call", {"dir": "back", "amount": 3}),  # id 0
        ("attest", {"id": 0}),
        ("execute", {"id": 0}),
        ("forge", {"id": 1, "dir": "out", "user": "mallory", "amount": 9}),
    )
    assert calls(w)["replaced_keys"] == {"out": False, "back": True}
    # Remote receives out claims and still checks them against the custodian, who did not sign: refused.
    refused(w, "mint", id=1)


def test_execute_on_burn_mint_out_lets_a_forged_mint_through_on_remote() -> None:
    w = run(
        world(TARGET, family=BurnMint()),
        ("call", {"dir": "out", "amount": 2}),  # id 0, from home
        ("attest", {"id": 0}),
        ("forge", {"id": 1, "dir": "out", "user": "mallory", "amount": 9}),
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 4}),
    )
    refused(w, "mint", id=1)
    act(w, "execute", id=0)
    assert calls(w)["replaced_keys"] == {"out": True, "back": False}
    act(w, "mint", id=1)
    s = w.observe()
    # burn_mint mints on the destination: supply_remote 0 + 9 = 9, mallory remote 0 + 9 = 9.
    assert (s["supply_remote"], s["balance_remote"]) == (9, {"alice": 0, "mallory": 9})
    # The back forgery goes to home, whose keys are the custodian's: refused.
    refused(w, "mint", id=2)


def test_replaced_keys_outvote_a_light_client() -> None:
    # A light client accepts only a claim that is not fraudulent now and has `confirmations` blocks; a forged
    # claim (an id nobody sent) never is. After the call, home accepts it all the same.
    w = world(TARGET, trust=LightClient(confirmations=2, reorg=0))
    run(
        w,
        ("lock", {"user": "alice", "amount": 10}),  # id 0, block 0, escrow 10
        ("call", {"dir": "back", "amount": 1}),  # id 1, block 0
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 6}),  # fraudulent: id 2 not in sent
    )
    act(w, "attest", id=1)
    # height 0: 0 - 0 + 1 = 1 < 2 confirmations, so the call claim is not accepted yet.
    refused(w, "execute", id=1)
    act(w, "mine", blocks=1)  # height 1: 1 - 0 + 1 = 2 >= 2
    refused(w, "unlock", id=2)  # the forgery is still fraudulent
    act(w, "execute", id=1)
    act(w, "unlock", id=2)
    s = w.observe()
    # escrow 10 - 6 = 4, mallory home 0 + 6 = 6.
    assert (s["escrow"], s["balance_home"]) == (4, {"alice": 90, "mallory": 6})


# --- execute: its guards ----------------------------------------------------------------------------------------------


def test_execute_refuses_a_transfer_claim() -> None:
    w = run(world(TARGET), ("lock", {"user": "alice", "amount": 10}), ("attest", {"id": 0}))
    refused(w, "execute", id=0)
    # The transfer is still deliverable the ordinary way.
    act(w, "mint", id=0)
    assert w.observe()["balance_remote"] == {"alice": 10, "mallory": 0}


def test_execute_refuses_a_missing_claim() -> None:
    w = run(world(TARGET), ("call", {"dir": "out", "amount": 1}))
    refused(w, "execute", id=0)  # sent, not claimed


def test_execute_refuses_a_second_execution() -> None:
    w = run(world(TARGET), ("call", {"dir": "out", "amount": 1}), ("attest", {"id": 0}), ("execute", {"id": 0}))
    # executions 1 != 0.
    refused(w, "execute", id=0)
    assert claim(w, 0)["executions"] == 1


def test_execute_keeps_its_replay_guard_on_homes_exits_under_noncanonical_claim_id() -> None:
    # noncanonical_claim_id drops `executions == 0` from the transfer path of back claims only; execute keeps it.
    w = run(
        world(TARGET, "noncanonical_claim_id"),
        ("call", {"dir": "back", "amount": 1}),
        ("attest", {"id": 0}),
        ("execute", {"id": 0}),
    )
    refused(w, "execute", id=0)


def test_execute_is_refused_while_paused() -> None:
    w = run(
        world(TARGET, pause_reaction=60),
        ("call", {"dir": "back", "amount": 1}),  # id 0
        ("attest", {"id": 0}),
        ("forge", {"id": 1, "dir": "out", "user": "mallory", "amount": 9}),  # fraudulent
        ("pause", {}),
    )
    refused(w, "execute", id=0)
    assert calls(w)["replaced_keys"] == {"out": False, "back": False}


def test_execute_ignores_the_rate_limit_and_the_per_tx_limit() -> None:
    # capacity 2 and per_tx_limit 2 would stop a transfer of 50; a call carries no value and executes.
    w = world(TARGET, rate_limit=RateLimit(capacity=2), per_tx_limit=2)
    run(w, ("call", {"dir": "out", "amount": 50}), ("attest", {"id": 0}))
    before = w.observe()
    act(w, "execute", id=0)
    s = w.observe()
    assert (s["claims"][0]["executions"], s["claims"][0]["queued"], s["claims"][0]["credited"]) == (1, False, 0)
    assert s["buckets"] == before["buckets"]  # the bucket is untouched: out still holds 2 tokens
    assert s["buckets"]["out"]["tokens"] == 2


# --- the transfer path and the kind --------------------------------------------------------------------------------


def test_the_transfer_path_refuses_a_call_claim() -> None:
    w = run(
        world(TARGET),
        ("lock", {"user": "alice", "amount": 10}),  # id 0, escrow 10
        ("call", {"dir": "back", "amount": 5}),  # id 1
        ("call", {"dir": "out", "amount": 5}),  # id 2
        ("attest", {"id": 1}),
        ("attest", {"id": 2}),
    )
    refused(w, "unlock", id=1)
    refused(w, "mint", id=2)


def test_message_type_confusion_pays_a_back_call_from_the_vault() -> None:
    w = run(
        world(CONFUSION),
        ("lock", {"user": "alice", "amount": 10}),  # id 0: alice home 90, escrow 10
        ("call", {"dir": "back", "amount": 5}),  # id 1: nothing burned on remote
        ("attest", {"id": 1}),
    )
    act(w, "unlock", id=1)
    s = w.observe()
    # credit 5 to the call's user, mallory: escrow 10 - 5 = 5, mallory home 0 + 5 = 5; executions 1, credited 5.
    assert (s["escrow"], s["balance_home"]) == (5, {"alice": 90, "mallory": 5})
    assert (s["claims"][1]["executions"], s["claims"][1]["credited"], s["claims"][1]["kind"]) == (1, 5, "call")
    # Paying it did not replace any keys (only execute does), and it does not replay.
    assert calls(w)["replaced_keys"] == {"out": False, "back": False}
    refused(w, "unlock", id=1)
    # Without unrestricted_call_target execute stays refused (and executions is 1 anyway).
    refused(w, "execute", id=1)


def test_message_type_confusion_mints_an_out_call_on_remote() -> None:
    w = run(world(CONFUSION), ("call", {"dir": "out", "amount": 4}), ("attest", {"id": 0}))
    act(w, "mint", id=0)
    s = w.observe()
    # supply_remote 0 + 4 = 4, mallory remote 0 + 4 = 4; nothing was locked (escrow 0).
    assert (s["supply_remote"], s["balance_remote"], s["escrow"]) == (4, {"alice": 0, "mallory": 4}, 0)


def test_message_type_confusion_converts_the_calls_amount() -> None:
    # dh = 2, dr = 0, trim: w = 0. alice locks 100: wire 100 // 10^2 = 1, debited 100, escrow 100.
    w = world(CONFUSION, amounts=Amounts(home_decimals=2, remote_decimals=0))
    run(w, ("lock", {"user": "alice", "amount": 100}), ("call", {"dir": "back", "amount": 1}), ("attest", {"id": 1}))
    act(w, "unlock", id=1)
    s = w.observe()
    # credit on home = 1 * 10^(dh - w) = 1 * 10^2 = 100: escrow 100 - 100 = 0, mallory home 100.
    assert (s["escrow"], s["balance_home"], s["claims"][1]["credited"]) == (0, {"alice": 0, "mallory": 100}, 100)


def test_message_type_confusion_goes_through_the_per_tx_limit() -> None:
    w = run(world(CONFUSION, per_tx_limit=4), ("call", {"dir": "out", "amount": 5}), ("attest", {"id": 0}))
    # amount 5 > per_tx_limit 4.
    refused(w, "mint", id=0)


def test_message_type_confusion_queues_and_releases_a_call() -> None:
    w = world(CONFUSION, rate_limit=RateLimit(capacity=3, delay=0))
    run(w, ("call", {"dir": "out", "amount": 5}), ("attest", {"id": 0}))
    # amount 5 > bucket level 3 (mode queue): queued, executions 1, credited 0, bucket unchanged.
    act(w, "mint", id=0)
    c = claim(w, 0)
    assert (c["executions"], c["queued"], c["credited"]) == (1, True, 0)
    assert w.observe()["buckets"]["out"]["tokens"] == 3
    # delay 0: now 0 >= queued_at 0 + 0. credited 5, mallory remote 5.
    act(w, "release", id=0)
    s = w.observe()
    assert (s["claims"][0]["queued"], s["claims"][0]["credited"], s["balance_remote"]) == (
        False, 5, {"alice": 0, "mallory": 5}
    )


def test_release_checks_the_kind_itself() -> None:
    # A call can be queued only under message_type_confusion; take the fault away from the endpoint's policy
    # afterwards and release must refuse it on its own (the contract checks, not only the caller).
    w = world(CONFUSION, rate_limit=RateLimit(capacity=3, delay=0))
    run(w, ("call", {"dir": "out", "amount": 5}), ("attest", {"id": 0}), ("mint", {"id": 0}))
    endpoint = w.deployment.chains["remote"].endpoint
    endpoint.policy = attrs.evolve(endpoint.policy, message_type_confusion=False)
    refused(w, "release", id=0)
    assert claim(w, 0)["queued"] is True


# --- check_transfer (for the fork's transfer path) ---------------------------------------------------------------


def test_check_transfer() -> None:
    plain = run(world(), ("lock", {"user": "alice", "amount": 10}), ("call", {"dir": "back", "amount": 5}))
    run(plain, ("attest", {"id": 0}), ("attest", {"id": 1}))
    dep = plain.deployment
    dep.check_transfer(dep.claim(0))  # a transfer passes
    with pytest.raises(Revert):
        dep.check_transfer(dep.claim(1))  # a call does not
    confused = run(world(CONFUSION), ("call", {"dir": "back", "amount": 5}), ("attest", {"id": 0}))
    confused.deployment.check_transfer(confused.deployment.claim(0))  # with the fault it does


# --- readings ----------------------------------------------------------------------------------------------------


def test_read_calls_shape() -> None:
    w = world(TARGET, messages=4)
    assert bridge.read_calls(w.deployment) == {"sent_kind": {}, "claim_kind": {}}
    assert bridge.read_keys(w.deployment) == {"replaced_keys": {"out": False, "back": False}}
    run(
        w,
        ("lock", {"user": "alice", "amount": 10}),  # id 0
        ("call", {"dir": "out", "amount": 1}),  # id 1
        ("attest", {"id": 1}),
        ("execute", {"id": 1}),
        ("forge", {"id": 3, "dir": "back", "user": "mallory", "amount": 2}),
    )
    assert calls(w) == {
        "sent_kind": {0: "transfer", 1: "call"},
        "claim_kind": {1: "call", 3: "transfer"},
        "replaced_keys": {"out": True, "back": False},
    }


def test_a_bridge_without_calls_reads_as_before() -> None:
    w = run(
        world(calls=False),
        ("lock", {"user": "alice", "amount": 10}),
        ("attest", {"id": 0}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 2}),
    )
    assert set(w.available_actions()) == {"lock", "burn", "attest", "forge", "mint", "unlock"}
    s = w.observe()
    assert "replaced_keys" not in s
    assert s["sent"] == {0: {"dir": "out", "user": "alice", "amount": 10, "block": 0, "debited": 10}}
    assert set(s["claims"][0]) == BRIDGE_CLAIM_FIELDS
    # The family's own reading has exactly the columns it had before kinds existed.
    assert set(w.deployment.read()) == BRIDGE_READ_COLUMNS
