"""Unit tests of the `unauthorised_emitter` fault in the message bridges' reference implementation, from
SEMANTICS.md ("Family `lock_mint` and `burn_mint`": Configuration, Amounts, the `emit` row of Actions)
alone.

`emit(dir, user, amount)` is an event shaped like the bridge's, emitted by the adversary's own contract
on the source chain of `dir` (home for `out`, remote for `back`), which the attesters read as the
bridge's (pNetwork pBTC-on-BSC, 2021-09). Its guard is the amount rules for that source chain and
`next_id < messages`; its effect is `sent[next_id] = {dir, user, wire, height, debited 0}` and
`next_id += 1`, and nothing else: no debit, no escrow, no supply change.

Every expected number is worked out by hand in the comments, never computed by the code under test.
The worlds are a lock_mint bridge under an honest custodian (`attest` signs, `accepted iff signed`),
alice holding the initial supply of 100 home units, 3 message ids unless a test says otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.bridge.options import Amounts, Options
from bridgeproof.model.protocols.burn_mint import BurnMint
from bridgeproof.model.protocols.lock_mint import LockMint
from bridgeproof.model.reference.world import World
from bridgeproof.model.trust.custodian import Custodian
from harness import act, refused

FAULT = frozenset({"unauthorised_emitter"})
NOBODY = {"alice": 0, "mallory": 0}


def world(messages: int = 3, amounts: Amounts | None = None, family: Any = None, **options: Any) -> World:
    """A bridge with the fault on (lock_mint unless `family` says otherwise), an honest custodian."""
    extra = {"amounts": amounts} if amounts is not None else {}
    opts = Options(faults=FAULT, **extra, **options)
    return World(Configuration(family or LockMint(), Custodian(), Bounds(messages=messages, supply=100), opts))


def sent(w: World, msg_id: int) -> dict[str, Any]:
    return w.observe()["sent"][msg_id]


# --- the action exists only with the fault ------------------------------------------------------------------


def test_emit_does_not_exist_without_the_fault() -> None:
    # "An action that does not exist in the configuration is refused."
    w = World(Configuration(LockMint(), Custodian(), Bounds(messages=3, supply=100), Options()))
    refused(w, "emit", dir="back", user="mallory", amount=5)


def test_emit_changes_nothing_but_the_outbox_and_the_counter() -> None:
    w = world()
    before = w.observe()
    act(w, "emit", dir="back", user="mallory", amount=5)
    after = w.observe()
    # sent[0] = {back, mallory, wire 5 (all decimals 0: w = 0, wire = 5 // 10^0 = 5), block = height = 0,
    # debited 0}; next_id 0 + 1 = 1.
    assert after["sent"] == {0: {"dir": "back", "user": "mallory", "amount": 5, "block": 0, "debited": 0}}
    assert after["next_id"] == 1
    # mallory has 0 wrapped tokens on remote and the emit still goes through: no balance is read or debited,
    # no supply changes, nothing is escrowed, and no claim appears before an attest.
    for key in ("balance_home", "balance_remote", "escrow", "supply_home", "supply_remote", "claims", "dust"):
        assert after[key] == before[key], key
    assert after["balance_remote"] == NOBODY


# --- back: the vault drain (pNetwork) -----------------------------------------------------------------------


def test_emit_back_unlocks_escrow_nobody_burned() -> None:
    w = world()
    # An honest lock by alice fills the vault: balance_home alice 100 - 10 = 90, escrow 0 + 10 = 10,
    # sent[0] = {out, alice, 10, 0, debited 10}, next_id 1.
    act(w, "lock", user="alice", amount=10)
    s = w.observe()
    assert (s["balance_home"], s["escrow"], s["next_id"]) == ({"alice": 90, "mallory": 0}, 10, 1)
    # The adversary's contract on remote emits a `back` event for mallory of 5 under id 1.
    act(w, "emit", dir="back", user="mallory", amount=5)
    assert sent(w, 1) == {"dir": "back", "user": "mallory", "amount": 5, "block": 0, "debited": 0}
    assert w.observe()["next_id"] == 2  # 1 + 1
    # The custodian attests it as it would any event in the outbox: claims[1] = {back, mallory, 5, signed}.
    act(w, "attest", id=1)
    claim = w.observe()["claims"][1]
    assert (claim["dir"], claim["user"], claim["amount"], claim["evidence"]) == ("back", "mallory", 5, {"signed": True})
    act(w, "unlock", id=1)
    s = w.observe()
    # credit = 5 * 10^(dd - w) = 5 * 10^0 = 5; escrow 10 >= 5 so it pays: escrow 10 - 5 = 5,
    # balance_home mallory 0 + 5 = 5; executions 0 + 1 = 1, credited 5.
    assert s["escrow"] == 5
    assert s["balance_home"] == {"alice": 90, "mallory": 5}
    assert (s["claims"][1]["executions"], s["claims"][1]["credited"]) == (1, 5)
    # Nothing was burned on remote: no wrapped token was ever minted (id 0 was never minted) or burned,
    # so supply_remote and every remote balance are still 0; the home supply is constant at 100.
    assert (s["supply_remote"], s["balance_remote"], s["supply_home"]) == (0, NOBODY, 100)
    # The message the unlock paid took nothing from its sender.
    assert s["sent"][1]["debited"] == 0
    # Replaying it is refused (executions 1 != 0).
    refused(w, "unlock", id=1)


def test_emit_back_cannot_unlock_more_than_the_escrow() -> None:
    w = world()
    act(w, "lock", user="alice", amount=4)  # escrow 4
    act(w, "emit", dir="back", user="mallory", amount=5)  # id 1
    act(w, "attest", id=1)
    # unlock needs escrow >= credit: 4 >= 5 is false.
    refused(w, "unlock", id=1)


# --- out: wrapped tokens with no escrow ---------------------------------------------------------------------


def test_emit_out_mints_wrapped_tokens_with_no_escrow() -> None:
    w = world()
    # The adversary's contract on home emits an `out` event for mallory of 7 under id 0; mallory holds 0 on
    # home and nothing is locked: balance_home stays {alice 100, mallory 0}, escrow 0.
    act(w, "emit", dir="out", user="mallory", amount=7)
    assert sent(w, 0) == {"dir": "out", "user": "mallory", "amount": 7, "block": 0, "debited": 0}
    act(w, "attest", id=0)
    act(w, "mint", id=0)
    s = w.observe()
    # credit = 7 * 10^(dr - w) = 7; supply_remote 0 + 7 = 7, balance_remote mallory 0 + 7 = 7.
    assert (s["supply_remote"], s["balance_remote"]) == (7, {"alice": 0, "mallory": 7})
    # The vault still holds nothing: 7 wrapped tokens are backed by an escrow of 0.
    assert (s["escrow"], s["balance_home"], s["supply_home"]) == (0, {"alice": 100, "mallory": 0}, 100)
    # mint of an out claim is not an unlock: unlock refuses dir out.
    refused(w, "unlock", id=0)


def test_emit_out_on_burn_mint_mints_on_remote_and_burns_nothing_on_home() -> None:
    w = world(family=BurnMint())
    act(w, "emit", dir="out", user="mallory", amount=6)  # id 0, debited 0
    act(w, "attest", id=0)
    act(w, "mint", id=0)
    s = w.observe()
    # burn_mint mints on the destination: supply_remote 0 + 6 = 6, mallory 0 + 6 = 6; home burned nothing:
    # supply_home stays 100 and alice's 100 is untouched; there is no escrow (0).
    assert (s["supply_remote"], s["balance_remote"]) == (6, {"alice": 0, "mallory": 6})
    assert (s["supply_home"], s["balance_home"], s["escrow"]) == (100, {"alice": 100, "mallory": 0}, 0)


# --- guards ---------------------------------------------------------------------------------------------------


def test_emit_is_refused_at_the_id_bound() -> None:
    w = world(messages=2)
    act(w, "emit", dir="out", user="mallory", amount=1)  # id 0, next_id 1
    act(w, "emit", dir="back", user="mallory", amount=1)  # id 1, next_id 2
    assert w.observe()["next_id"] == 2
    # next_id 2 < messages 2 is false: the bound is exhausted, in either direction.
    refused(w, "emit", dir="out", user="mallory", amount=1)
    refused(w, "emit", dir="back", user="alice", amount=1)
    # The ids are shared with honest sends: a lock is refused there too.
    refused(w, "lock", user="alice", amount=1)


def test_emit_shares_the_counter_with_sends() -> None:
    w = world(messages=3)
    act(w, "lock", user="alice", amount=2)  # id 0
    act(w, "emit", dir="out", user="mallory", amount=3)  # id 1
    act(w, "lock", user="alice", amount=4)  # id 2
    s = w.observe()
    assert sorted(s["sent"]) == [0, 1, 2]
    # debited: the locks 2 and 4, the emit 0; escrow 2 + 4 = 6.
    assert [s["sent"][i]["debited"] for i in (0, 1, 2)] == [2, 0, 4]
    assert s["escrow"] == 6
    refused(w, "emit", dir="out", user="mallory", amount=1)  # next_id 3 == messages 3


@pytest.mark.parametrize("amount", [0, -1])
def test_emit_refuses_a_non_positive_amount(amount: int) -> None:
    # "Every amount ... must be an integer >= 1, else refused."
    refused(world(), "emit", dir="out", user="mallory", amount=amount)


def test_emit_refuses_an_unknown_direction() -> None:
    refused(world(), "emit", dir="sideways", user="mallory", amount=1)


# --- amounts: the conversion's rules apply as to a send from the same source -----------------------------------

TRIM_2_0 = Amounts(home_decimals=2, remote_decimals=0)
"""dh = 2, dr = 0, trim: w = min(dh, dr) = 0, D = 2. From home, one wire unit is 10^(2-0) = 100 home units."""


def test_emit_out_refuses_less_than_one_wire_unit() -> None:
    w = world(amounts=TRIM_2_0)
    # wire = 50 // 10^(2-0) = 0: `wire >= 1` fails, as it does for a lock of 50.
    refused(w, "emit", dir="out", user="mallory", amount=50)
    refused(w, "lock", user="alice", amount=50)
    # 99 // 100 = 0 too.
    refused(w, "emit", dir="out", user="mallory", amount=99)


def test_emit_out_carries_the_trimmed_wire_amount_and_debits_nothing() -> None:
    w = world(amounts=TRIM_2_0)
    # dust = "keep" (default): 150 // 100 = 1 wire unit, dust 50; a send would debit 150 - 50 = 100, the emit
    # debits 0. The message carries 1 (units 10^-0).
    act(w, "emit", dir="out", user="mallory", amount=150)
    assert sent(w, 0) == {"dir": "out", "user": "mallory", "amount": 1, "block": 0, "debited": 0}
    assert w.observe()["balance_home"] == {"alice": 100, "mallory": 0}
    act(w, "attest", id=0)
    act(w, "mint", id=0)
    # credit on remote = 1 * 10^(dr - w) = 1 * 10^0 = 1.
    assert w.observe()["balance_remote"] == {"alice": 0, "mallory": 1}
    assert w.observe()["supply_remote"] == 1


def test_emit_out_refuses_dust_under_dust_revert() -> None:
    w = world(amounts=Amounts(home_decimals=2, remote_decimals=0, dust="revert"))
    # 150 = 1 * 100 + 50: non-zero dust refuses the send, so the emit too.
    refused(w, "emit", dir="out", user="mallory", amount=150)
    refused(w, "lock", user="alice", amount=150)
    # 200 = 2 * 100 + 0: no dust, wire 2.
    act(w, "emit", dir="out", user="mallory", amount=200)
    assert sent(w, 0) == {"dir": "out", "user": "mallory", "amount": 2, "block": 0, "debited": 0}


def test_emit_back_converts_from_the_remote_source() -> None:
    w = world(amounts=TRIM_2_0)
    # alice locks all her 100 home units: wire 100 // 100 = 1, dust 0, debited 100; escrow 0 + 100 = 100,
    # alice 100 - 100 = 0.
    act(w, "lock", user="alice", amount=100)
    assert (w.observe()["escrow"], w.observe()["balance_home"]["alice"]) == (100, 0)
    # From remote (dr = 0 = w) one wire unit is one remote unit: an emit back of 1 carries wire 1 // 10^0 = 1.
    act(w, "emit", dir="back", user="mallory", amount=1)  # id 1
    assert sent(w, 1) == {"dir": "back", "user": "mallory", "amount": 1, "block": 0, "debited": 0}
    act(w, "attest", id=1)
    act(w, "unlock", id=1)
    s = w.observe()
    # credit on home = 1 * 10^(dh - w) = 1 * 10^2 = 100; escrow 100 - 100 = 0; mallory 0 + 100 = 100.
    assert (s["escrow"], s["balance_home"]) == (0, {"alice": 0, "mallory": 100})
    assert (s["supply_remote"], s["balance_remote"]) == (0, NOBODY)


def test_emit_under_truncate_carries_the_source_amount() -> None:
    w = world(amounts=Amounts(home_decimals=2, remote_decimals=0, policy="truncate"))
    # truncate: the message carries the source amount (units 10^-2 from home), nothing is refused for
    # precision: 50 is carried as 50. Still debited 0.
    act(w, "emit", dir="out", user="mallory", amount=50)
    assert sent(w, 0) == {"dir": "out", "user": "mallory", "amount": 50, "block": 0, "debited": 0}
    act(w, "attest", id=0)
    act(w, "mint", id=0)
    s = w.observe()
    # credit = 50 * 10^0 // 10^2 = 0 (rounding down); the loss max(0, 50 * 10^(2-2) - 0 * 10^(2-0)) = 50
    # canonical units goes to dust.
    assert (s["balance_remote"], s["supply_remote"], s["dust"]) == (NOBODY, 0, 50)
