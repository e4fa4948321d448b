"""Unit tests of 32-byte recipients (`amounts.recipients = "bytes32"`) in the message bridges' reference
implementation, from SEMANTICS.md ("Family `lock_mint` and `burn_mint`": the Configuration rows
`amounts.recipients` and `truncating_address`, and "Recipients: 32 bytes that an EVM chain must make an
address") alone.

With the option each send (`lock`, `burn`) names its recipient's encoding, `address` or `bytes32`, and the
message records it (`sent[id].recipient`, copied by `attest`; `forge` uses `address`). It is message content:
a claim whose recipient differs from its message's is fraudulent. Delivery (`mint`, `unlock`, `release`) of a
`bytes32` claim on an EVM destination (home always, remote when `remote_vm = "evm"`) is refused without
`truncating_address` (Wormhole's `fromWormholeFormat` reverts); with it the claim is delivered as any other
but the credit goes to `unowned[destination]` (Balancer 2024: CCTP's `bytes32ToAddress` kept the low 20
bytes of a wrongly padded `mintRecipient`). On a chain with 32-byte keys the recipient is the user's own.

Every expected number is worked out by hand in the comments, never computed by the code under test.
The worlds are lock_mint (burn_mint where a test says so) under an honest custodian (`attest` signs,
`forge` does not: `accepted iff signed`), alice holding the initial supply of 100 home units, 3 message ids,
all decimals 0 (so every credit equals the message amount) unless a test says otherwise.
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
from harness import BRIDGE_CLAIM_FIELDS, BRIDGE_READ_COLUMNS, act, refused, run

TRUNCATING = "truncating_address"


def world(
    *faults: str,
    family: Any = None,
    recipients: str = "bytes32",
    remote_vm: str = "evm",
    amounts: dict[str, Any] | None = None,
    messages: int = 3,
    **options: Any,
) -> World:
    """A bridge whose wire carries 32-byte recipients (lock_mint, honest custodian unless told otherwise)."""
    opts = Options(
        faults=frozenset(faults),
        amounts=Amounts(recipients=recipients, remote_vm=remote_vm, **(amounts or {})),
        **options,
    )
    cfg = Configuration(family or LockMint(), Custodian(), Bounds(messages=messages, supply=100), opts)
    return World(cfg)


def recipients(w: World) -> dict[str, Any]:
    return bridge.read_recipients(w.deployment)


def claim(w: World, msg_id: int) -> dict[str, Any]:
    return w.observe()["claims"][msg_id]


def lock(amount: int, recipient: str) -> tuple[str, dict[str, Any]]:
    return ("lock", {"user": "alice", "amount": amount, "recipient": recipient})


def burn(amount: int, recipient: str, dir: str | None = None) -> tuple[str, dict[str, Any]]:  # noqa: A002
    args: dict[str, Any] = {"user": "alice", "amount": amount, "recipient": recipient}
    if dir is not None:
        args["dir"] = dir
    return ("burn", args)


def wrapped(w: World, amount: int) -> World:
    """alice gets `amount` wrapped on remote the ordinary way (an address recipient): lock, attest, mint."""
    msg_id = w.observe()["next_id"]
    return run(w, lock(amount, "address"), ("attest", {"id": msg_id}), ("mint", {"id": msg_id}))


# --- sends record the recipient -------------------------------------------------------------------------------


def test_a_bytes32_lock_records_the_recipient_and_attest_copies_it() -> None:
    w = run(world(), lock(10, "bytes32"))
    s = w.observe()
    # sent[0] = {out, alice, 10, block 0, debited 10, recipient bytes32}: the source takes it as given.
    assert s["sent"] == {
        0: {"dir": "out", "user": "alice", "amount": 10, "block": 0, "debited": 10, "recipient": "bytes32"}
    }
    # alice home 100 - 10 = 90, escrow 0 + 10 = 10: the send itself is an ordinary lock.
    assert (s["balance_home"], s["escrow"]) == ({"alice": 90, "mallory": 0}, 10)
    assert recipients(w)["sent_recipient"] == {0: "bytes32"}
    assert recipients(w)["claim_recipient"] == {}
    act(w, "attest", id=0)
    assert claim(w, 0)["recipient"] == "bytes32"
    assert recipients(w)["claim_recipient"] == {0: "bytes32"}
    # Same id, same dir, user, amount and recipient: the honest claim is not fraudulent.
    assert not w.deployment.is_fraudulent(0)


def test_each_send_names_its_own_encoding() -> None:
    w = wrapped(world(), 10)  # id 0, address; alice remote 10
    run(w, burn(4, "bytes32"), lock(5, "address"))  # ids 1 and 2
    assert recipients(w)["sent_recipient"] == {0: "address", 1: "bytes32", 2: "address"}
    assert w.observe()["sent"][1]["recipient"] == "bytes32"


def test_a_bytes32_burn_on_burn_mint_records_the_recipient() -> None:
    w = run(world(family=BurnMint()), burn(7, "bytes32", dir="out"), ("attest", {"id": 0}))
    s = w.observe()
    # burn_mint burns on the source: alice home 100 - 7 = 93, supply_home 100 - 7 = 93.
    assert (s["balance_home"], s["supply_home"]) == ({"alice": 93, "mallory": 0}, 93)
    assert (s["sent"][0]["recipient"], s["claims"][0]["recipient"]) == ("bytes32", "bytes32")


def test_a_send_without_the_recipient_argument_is_refused_under_the_option() -> None:
    # The option adds `recipient` to every send: a call without it is a missing argument.
    refused(world(), "lock", user="alice", amount=10)


def test_a_bytes32_recipient_is_refused_on_a_bridge_of_addresses() -> None:
    # Called directly (the action never passes it without the option): the wire cannot carry 32 bytes, so the
    # contract refuses rather than take it for an address; `address` itself is accepted.
    w = world(recipients="address")
    dep = w.deployment
    with pytest.raises(Revert):
        bridge.lock(dep, "alice", 10, recipient="bytes32")
    assert dep.counter.next_id == 0
    bridge.lock(dep, "alice", 10, recipient="address")
    assert bridge.read_recipients(dep)["sent_recipient"] == {0: "address"}


# --- forgeries and fraud ------------------------------------------------------------------------------------


def test_a_forged_claim_has_an_address_recipient_and_differs_from_a_bytes32_message() -> None:
    # sent[0] = {out, alice, 10, bytes32}; the forged claim {out, alice, 10} has recipient address: "a claim whose
    # recipient differs from its message's is fraudulent".
    w = run(world(pause_reaction=60), lock(10, "bytes32"))
    act(w, "forge", id=0, dir="out", user="alice", amount=10)
    assert recipients(w)["claim_recipient"] == {0: "address"}
    assert claim(w, 0)["recipient"] == "address"
    assert w.deployment.is_fraudulent(0)
    # The guardian sees it: pause needs "some claim is fraudulent".
    act(w, "pause")
    assert w.observe()["paused"] is True


def test_a_forged_claim_of_an_address_message_is_not_fraudulent() -> None:
    w = run(world(), lock(10, "address"))
    act(w, "forge", id=0, dir="out", user="alice", amount=10)
    assert not w.deployment.is_fraudulent(0)


def test_the_digest_binds_a_bytes32_recipient_and_keeps_an_addresss() -> None:
    old = json.dumps(["bridgeproof/message/v1", 0, "back", "alice", 5], separators=(",", ":"))
    address = Message(0, "back", "alice", 5)
    assert address.recipient == "address"
    assert address.digest() == hashlib.sha256(old.encode()).digest()
    assert Message(0, "back", "alice", 5, recipient="address").digest() == address.digest()
    padded = Message(0, "back", "alice", 5, recipient="bytes32")
    assert padded.digest() != address.digest()
    # Kind and recipient together: four distinct encodings.
    digests = {
        Message(0, "back", "alice", 5, kind=kind, recipient=r).digest()
        for kind in ("transfer", "call")
        for r in ("address", "bytes32")
    }
    assert len(digests) == 4
    # fields() is the observable record and has no recipient.
    assert padded.fields() == {"dir": "back", "user": "alice", "amount": 5}
    with pytest.raises(ValueError):
        Message(0, "back", "alice", 5, recipient="bytes20")


# --- without the fault: a checked conversion refuses --------------------------------------------------------------


def test_lock_mint_mint_of_a_bytes32_claim_is_refused() -> None:
    w = run(world(), lock(10, "bytes32"), ("attest", {"id": 0}))
    refused(w, "mint", id=0)
    s = w.observe()
    # The value stays in flight: escrow 10, nothing minted, nothing refunded, the claim unexecuted.
    assert (s["escrow"], s["supply_remote"], s["balance_home"]["alice"]) == (10, 0, 90)
    assert (s["claims"][0]["executions"], s["claims"][0]["credited"]) == (0, 0)
    assert s["unowned"] == {"home": 0, "remote": 0}


def test_lock_mint_unlock_of_a_bytes32_claim_is_refused() -> None:
    w = wrapped(world(), 10)  # id 0: alice home 90, escrow 10, alice remote 10, supply_remote 10
    run(w, burn(4, "bytes32"), ("attest", {"id": 1}))  # alice remote 6, supply_remote 6
    refused(w, "unlock", id=1)
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], s["supply_remote"]) == (10, 90, 6)
    assert s["claims"][1]["executions"] == 0


@pytest.mark.parametrize("dir", ["out", "back"])
def test_burn_mint_mint_of_a_bytes32_claim_is_refused(dir: str) -> None:  # noqa: A002
    w = world(family=BurnMint())
    if dir == "back":
        # alice gets 10 on remote the ordinary way first: burn out 10 (address), attest, mint.
        run(w, burn(10, "address", dir="out"), ("attest", {"id": 0}), ("mint", {"id": 0}))
    msg_id = w.observe()["next_id"]
    run(w, burn(3, "bytes32", dir=dir), ("attest", {"id": msg_id}))
    refused(w, "mint", id=msg_id)
    assert claim(w, msg_id)["executions"] == 0


def test_an_address_claim_is_delivered_to_the_user_as_before() -> None:
    w = run(world(), lock(10, "address"), ("attest", {"id": 0}), ("mint", {"id": 0}))
    s = w.observe()
    # alice remote 0 + 10 = 10, supply_remote 10, nothing unowned.
    assert (s["balance_remote"], s["supply_remote"]) == ({"alice": 10, "mallory": 0}, 10)
    assert s["unowned"] == {"home": 0, "remote": 0}


# --- with the fault: delivered, to an address nobody holds ---------------------------------------------------------


def test_truncating_mint_credits_unowned_on_remote() -> None:
    w = run(world(TRUNCATING), lock(10, "bytes32"), ("attest", {"id": 0}))
    act(w, "mint", id=0)
    s = w.observe()
    # Delivered as any claim: supply_remote 0 + 10 = 10, executions 1, credited 10 ...
    assert s["supply_remote"] == 10
    assert (s["claims"][0]["executions"], s["claims"][0]["credited"]) == (1, 10)
    # ... but to no user: alice remote stays 0; unowned[remote] 0 + 10 = 10; escrow 10 still backs it.
    assert s["balance_remote"] == {"alice": 0, "mallory": 0}
    assert s["unowned"] == {"home": 0, "remote": 10}
    assert s["escrow"] == 10
    assert recipients(w)["unowned"] == {"home": 0, "remote": 10}
    # Replay protection as usual.
    refused(w, "mint", id=0)


def test_truncating_unlock_releases_escrow_to_unowned_on_home() -> None:
    w = wrapped(world(TRUNCATING), 10)  # id 0: alice home 90, escrow 10, alice remote 10
    run(w, burn(4, "bytes32"), ("attest", {"id": 1}))  # alice remote 6, supply_remote 6
    act(w, "unlock", id=1)
    s = w.observe()
    # escrow 10 - 4 = 6; alice home stays 90; unowned[home] 0 + 4 = 4; supply_home stays 100 (a transfer).
    assert (s["escrow"], s["balance_home"], s["supply_home"]) == (6, {"alice": 90, "mallory": 0}, 100)
    assert s["unowned"] == {"home": 4, "remote": 0}
    assert (s["claims"][1]["executions"], s["claims"][1]["credited"]) == (1, 4)


def test_truncating_burn_mint_back_mints_to_unowned_on_home() -> None:
    w = run(
        world(TRUNCATING, family=BurnMint()),
        burn(10, "address", dir="out"),  # id 0: alice home 90, supply_home 90
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # alice remote 10, supply_remote 10
        burn(3, "bytes32", dir="back"),  # id 1: alice remote 7, supply_remote 7
        ("attest", {"id": 1}),
        ("mint", {"id": 1}),
    )
    s = w.observe()
    # supply_home 90 + 3 = 93, alice home stays 90, unowned[home] 3.
    assert (s["supply_home"], s["balance_home"]["alice"], s["supply_remote"]) == (93, 90, 7)
    assert s["unowned"] == {"home": 3, "remote": 0}
    assert s["escrow"] == 0


def test_truncating_delivery_keeps_the_per_tx_limit() -> None:
    w = run(world(TRUNCATING, per_tx_limit=4), lock(5, "bytes32"), ("attest", {"id": 0}))
    # amount 5 > per_tx_limit 4.
    refused(w, "mint", id=0)


def test_truncating_delivery_books_dust_as_usual() -> None:
    # truncate, dh = 1, dr = 0: D = 1. alice locks 15 home units (debited 15, carried 15 in home units).
    # credit on remote = 15 * 10^0 // 10^1 = 1; dust = 15 - 1 * 10^1 = 5 canonical units.
    w = world(TRUNCATING, amounts={"policy": "truncate", "home_decimals": 1})
    run(w, lock(15, "bytes32"), ("attest", {"id": 0}), ("mint", {"id": 0}))
    s = w.observe()
    assert (s["dust"], s["supply_remote"], s["claims"][0]["credited"]) == (5, 1, 1)
    assert s["unowned"] == {"home": 0, "remote": 1}
    assert s["balance_remote"]["alice"] == 0


def test_an_address_claim_with_the_fault_still_pays_the_user() -> None:
    w = run(world(TRUNCATING), lock(10, "address"), ("attest", {"id": 0}), ("mint", {"id": 0}))
    s = w.observe()
    assert s["balance_remote"] == {"alice": 10, "mallory": 0}
    assert s["unowned"] == {"home": 0, "remote": 0}


def test_noncanonical_replays_of_a_bytes32_back_claim_each_go_to_unowned() -> None:
    # noncanonical_claim_id: a back claim executes again and again, each time in full.
    w = wrapped(world(TRUNCATING, "noncanonical_claim_id"), 10)  # escrow 10, alice remote 10
    run(w, burn(3, "bytes32"), ("attest", {"id": 1}), ("unlock", {"id": 1}), ("unlock", {"id": 1}))
    s = w.observe()
    # escrow 10 - 3 - 3 = 4, unowned[home] 3 + 3 = 6, executions 2, alice home stays 90.
    assert (s["escrow"], s["unowned"], s["claims"][1]["executions"]) == (4, {"home": 6, "remote": 0}, 2)
    assert s["balance_home"]["alice"] == 90


# --- a destination with 32-byte keys ---------------------------------------------------------------------------


def test_on_an_svm_remote_a_bytes32_out_claim_pays_the_user() -> None:
    w = run(world(remote_vm="svm"), lock(10, "bytes32"), ("attest", {"id": 0}), ("mint", {"id": 0}))
    s = w.observe()
    # remote's keys are 32 bytes: alice remote 0 + 10 = 10, nothing unowned.
    assert (s["balance_remote"], s["supply_remote"]) == ({"alice": 10, "mallory": 0}, 10)
    assert s["unowned"] == {"home": 0, "remote": 0}
    assert claim(w, 0)["credited"] == 10


def test_on_an_svm_remote_home_still_refuses_a_bytes32_back_claim() -> None:
    w = wrapped(world(remote_vm="svm"), 10)
    run(w, burn(4, "bytes32"), ("attest", {"id": 1}))
    # Home is always an EVM chain.
    refused(w, "unlock", id=1)


def test_on_an_svm_remote_with_the_fault_a_bytes32_out_claim_still_pays_the_user() -> None:
    w = run(world(TRUNCATING, remote_vm="svm"), lock(10, "bytes32"), ("attest", {"id": 0}), ("mint", {"id": 0}))
    s = w.observe()
    assert s["balance_remote"] == {"alice": 10, "mallory": 0}
    assert s["unowned"] == {"home": 0, "remote": 0}


# --- the rate limit's queue -------------------------------------------------------------------------------------


def test_release_of_a_queued_bytes32_claim_goes_to_unowned() -> None:
    w = world(TRUNCATING, rate_limit=RateLimit(capacity=3, delay=0))
    run(w, lock(5, "bytes32"), ("attest", {"id": 0}))
    # amount 5 > bucket level 3 (mode queue): queued, executions 1, credited 0, nothing minted yet.
    act(w, "mint", id=0)
    s = w.observe()
    assert (s["claims"][0]["executions"], s["claims"][0]["queued"], s["claims"][0]["credited"]) == (1, True, 0)
    assert (s["supply_remote"], s["unowned"]) == (0, {"home": 0, "remote": 0})
    # delay 0: now 0 >= queued_at 0 + 0. supply_remote 5, unowned[remote] 5, alice remote 0.
    act(w, "release", id=0)
    s = w.observe()
    assert (s["claims"][0]["queued"], s["claims"][0]["credited"], s["supply_remote"]) == (False, 5, 5)
    assert s["unowned"] == {"home": 0, "remote": 5}
    assert s["balance_remote"] == {"alice": 0, "mallory": 0}


def test_without_the_fault_a_bytes32_claim_is_not_even_queued() -> None:
    w = world(rate_limit=RateLimit(capacity=3, delay=0))
    run(w, lock(5, "bytes32"), ("attest", {"id": 0}))
    refused(w, "mint", id=0)
    assert claim(w, 0)["queued"] is False


def test_release_checks_the_recipient_itself() -> None:
    # Queue a bytes32 claim under the fault, then take the fault away from remote's policy: release must refuse
    # it on its own (the contract checks, not only the path that queued it).
    w = world(TRUNCATING, rate_limit=RateLimit(capacity=3, delay=0))
    run(w, lock(5, "bytes32"), ("attest", {"id": 0}), ("mint", {"id": 0}))
    endpoint = w.deployment.chains["remote"].endpoint
    endpoint.policy = attrs.evolve(endpoint.policy, truncating_address=False)
    refused(w, "release", id=0)
    assert claim(w, 0)["queued"] is True


# --- readings ------------------------------------------------------------------------------------------------------


def test_read_recipients_shape() -> None:
    w = world(TRUNCATING)
    assert recipients(w) == {"sent_recipient": {}, "claim_recipient": {}, "unowned": {"home": 0, "remote": 0}}
    run(
        w,
        lock(10, "bytes32"),  # id 0
        lock(5, "address"),  # id 1
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # unowned[remote] 10
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 2}),
    )
    assert recipients(w) == {
        "sent_recipient": {0: "bytes32", 1: "address"},
        "claim_recipient": {0: "bytes32", 2: "address"},
        "unowned": {"home": 0, "remote": 10},
    }


def test_a_bridge_of_addresses_reads_as_before() -> None:
    w = world(recipients="address")
    assert set(w.available_actions()) == {"lock", "burn", "attest", "forge", "mint", "unlock"}
    # No recipient argument exists: passing one is an unexpected argument.
    refused(w, "lock", user="alice", amount=10, recipient="address")
    run(
        w,
        ("lock", {"user": "alice", "amount": 10}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 2}),
    )
    s = w.observe()
    assert "unowned" not in s
    assert s["sent"] == {0: {"dir": "out", "user": "alice", "amount": 10, "block": 0, "debited": 10}}
    assert set(s["claims"][0]) == BRIDGE_CLAIM_FIELDS
    assert s["balance_remote"] == {"alice": 10, "mallory": 0}
    assert set(w.deployment.read()) == BRIDGE_READ_COLUMNS
    # Its messages are addresses, and nothing is unowned.
    assert recipients(w) == {
        "sent_recipient": {0: "address"},
        "claim_recipient": {0: "address", 1: "address"},
        "unowned": {"home": 0, "remote": 0},
    }


def test_the_family_reading_is_the_same_under_the_option() -> None:
    # The recipients live in their own reading: the family's columns are unchanged with bytes32 recipients.
    w = run(world(TRUNCATING), lock(10, "bytes32"), ("attest", {"id": 0}), ("mint", {"id": 0}))
    read = w.deployment.read()
    assert set(read) == BRIDGE_READ_COLUMNS
    assert read["sent_dir"] == {0: "out"} and read["balance_remote"] == {"alice": 0, "mallory": 0}
