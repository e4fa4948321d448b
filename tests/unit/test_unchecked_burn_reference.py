"""Unit tests of `unchecked_deposit` on the burn side in the message bridges' reference implementation, from
SEMANTICS.md ("Family `lock_mint` and `burn_mint`": the Configuration row `unchecked_deposit` and the Actions
rows `lock`, `burn` (lock_mint) and `burn` (burn_mint)) alone.

With the fault every send gains `paid`: `0 <= paid <= amount`, the source balance must cover `debited = paid`,
the source burns only `paid` (balance and supply fall by it), and the message still carries the full amount
with `sent.debited = paid` (Qubit 2022: the event was not checked against the balance change). On lock_mint's
`burn` this is the return leg: a burn of nothing announces its full amount and home's vault unlocks it.

The worlds are built from scenario tables, as a scenario file would state them: lock_mint under an honest
custodian (`compromised = 0`), burn_mint under a 2-of-3 multisig with one compromised key (`f = 1`, so an
honest `attest` is accepted); alice holds the initial supply of 100 home units, 3 message ids, all decimals 0
(every credit equals the message amount). Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridgeproof.model.protocols.bridge import deployment as bridge
from bridgeproof.model.reference import Revert
from bridgeproof.model.reference.world import World
from bridgeproof.model.scenarios import from_table
from harness import PAID_REFUSALS, act, refused, run

FAULT = "unchecked_deposit"
LOCK_MINT: dict[str, Any] = {
    "protocol": "lock_mint",
    "faults": [FAULT],
    "trust": {"model": "custodian", "compromised": 0},
    "bounds": {"messages": 3},
    "expect": {"supply_conservation": "violated"},
}
BURN_MINT: dict[str, Any] = LOCK_MINT | {
    "protocol": "burn_mint",
    "trust": {"model": "multisig", "k": 2, "n": 3, "f": 1},
}


def world(base: dict[str, Any] = LOCK_MINT, **overrides: Any) -> World:
    """The world a scenario file with these tables would be checked on (None drops an entry)."""
    raw = {key: value for key, value in (base | overrides).items() if value is not None}
    (scenario,) = from_table(raw, Path("unchecked_burn.toml"))
    return World(scenario.config)


def sent(dir: str, user: str, amount: int, debited: int) -> dict[str, Any]:  # noqa: A002
    return {"dir": dir, "user": user, "amount": amount, "block": 0, "debited": debited}


def wrapped(w: World, paid: bool = True) -> World:
    """lock_mint with alice holding 60 wrapped units: lock 60 (paid in full, where `paid` exists), attest, mint.

    home: alice 100 - 60 = 40, escrow 60; remote: alice 60, supply 60; next_id 1.
    """
    return run(
        w,
        ("lock", {"user": "alice", "amount": 60} | ({"paid": 60} if paid else {})),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
    )


# --- declarations -----------------------------------------------------------------------------------------


def test_the_fault_declares_paid_on_every_send() -> None:
    assert "paid" in world().config.action["burn"].arg_names
    assert "paid" in world(BURN_MINT).config.action["burn"].arg_names
    assert "paid" not in world(faults=None).config.action["burn"].arg_names
    assert "paid" not in world(BURN_MINT, faults=None).config.action["burn"].arg_names


@pytest.mark.parametrize(
    ("base", "args"),
    [
        pytest.param(LOCK_MINT, {"user": "alice", "amount": 10, "paid": 0}, id="lock_mint"),
        pytest.param(BURN_MINT, {"user": "alice", "amount": 10, "paid": 0, "dir": "out"}, id="burn_mint"),
    ],
)
def test_without_the_fault_paid_is_an_unknown_argument(base: dict[str, Any], args: dict[str, Any]) -> None:
    w = world(base, faults=None)
    if base is LOCK_MINT:
        # Give alice wrapped units, so it is `paid` alone that is refused, not her balance.
        wrapped(w, paid=False)
    before = w.observe()
    with pytest.raises(Revert, match="paid"):
        w.apply("burn", args)
    assert w.observe() == before


# --- lock_mint: the return leg ----------------------------------------------------------------------------


def test_lock_mint_burn_of_nothing_announces_the_full_amount() -> None:
    w = wrapped(world())
    before = w.observe()
    act(w, "burn", user="mallory", amount=60, paid=0)
    s = w.observe()
    # Nothing was burned: remote balances and supply as before (mallory 0, alice 60, supply 60).
    assert s["balance_remote"] == before["balance_remote"] == {"alice": 60, "mallory": 0}
    assert s["supply_remote"] == before["supply_remote"] == 60
    assert s["next_id"] == 2
    assert s["sent"][1] == sent("back", "mallory", 60, debited=0)


def test_lock_mint_return_leg_drains_the_vault() -> None:
    w = wrapped(world())
    run(w, ("burn", {"user": "mallory", "amount": 60, "paid": 0}), ("attest", {"id": 1}), ("unlock", {"id": 1}))
    s = w.observe()
    # The vault paid the full 60 for a burn of nothing: escrow 60 -> 0, mallory 0 -> 60 on home.
    assert s["escrow"] == 0
    assert s["balance_home"] == {"alice": 40, "mallory": 60}
    # alice's 60 wrapped units are still there, now backed by nothing.
    assert (s["balance_remote"]["alice"], s["supply_remote"]) == (60, 60)
    assert s["claims"][1]["credited"] == 60
    # The unbacked units cannot come home: the escrow is empty.
    run(w, ("burn", {"user": "alice", "amount": 60, "paid": 60}), ("attest", {"id": 2}))
    refused(w, "unlock", id=2)


def test_lock_mint_partial_burn_burns_only_what_was_paid() -> None:
    w = wrapped(world())
    act(w, "burn", user="alice", amount=50, paid=20)
    s = w.observe()
    # alice 60 - 20 = 40 wrapped, supply 60 - 20 = 40; the message carries 50.
    assert (s["balance_remote"]["alice"], s["supply_remote"]) == (40, 40)
    assert s["sent"][1] == sent("back", "alice", 50, debited=20)
    run(w, ("attest", {"id": 1}), ("unlock", {"id": 1}))
    # home: alice 40 + 50 = 90, escrow 60 - 50 = 10.
    assert (w.observe()["balance_home"]["alice"], w.observe()["escrow"]) == (90, 10)


@pytest.mark.parametrize(
    "args",
    [
        *PAID_REFUSALS,
        pytest.param({"user": "alice", "amount": 61, "paid": 61}, id="paid-above-balance-in-full"),
        pytest.param({"user": "alice", "amount": 0, "paid": 0}, id="amount-zero"),
    ],
)
def test_lock_mint_burn_refusals(args: dict[str, Any]) -> None:
    refused(wrapped(world()), "burn", **args)


def test_the_handler_refuses_a_paid_outside_the_amount() -> None:
    w = wrapped(world())
    with pytest.raises(Revert, match="paid must be between 0 and the amount"):
        bridge.burn_wrapped(w.deployment, "alice", 5, paid=6)
    b = world(BURN_MINT)
    with pytest.raises(Revert, match="paid must be between 0 and the amount"):
        bridge.burn_native(b.deployment, "alice", 5, "out", paid=-1)
    # Called directly, without `paid`, the handlers burn the full amount as before the fault existed.
    bridge.burn_native(b.deployment, "alice", 5, "out")
    assert b.observe()["sent"][0] == sent("out", "alice", 5, debited=5)


def test_lock_mint_burn_of_nothing_still_needs_a_message_id() -> None:
    # messages = 2: the lock takes id 0 and the free burn id 1; a third send has no id left.
    w = wrapped(world(bounds={"messages": 2}))
    act(w, "burn", user="mallory", amount=10, paid=0)
    refused(w, "burn", user="mallory", amount=10, paid=0)


def test_paid_in_full_is_an_ordinary_burn() -> None:
    steps = (
        ("burn", {"user": "alice", "amount": 25}),
        ("attest", {"id": 1}),
        ("unlock", {"id": 1}),
    )
    plain = wrapped(world(faults=None), paid=False)  # the plain bridge's lock has no `paid`
    faulty = wrapped(world())
    for action, args in steps:
        act(plain, action, **args)
        act(faulty, action, **(args | {"paid": 25} if action == "burn" else args))
    s = faulty.observe()
    assert s == plain.observe()
    # remote: alice 60 - 25 = 35, supply 35; home: alice 40 + 25 = 65, escrow 35.
    assert (s["balance_remote"]["alice"], s["supply_remote"]) == (35, 35)
    assert (s["balance_home"]["alice"], s["escrow"]) == (65, 35)
    assert s["sent"][1] == sent("back", "alice", 25, debited=25)


# --- burn_mint: either direction --------------------------------------------------------------------------


def test_burn_mint_out_of_nothing_mints_the_full_amount() -> None:
    w = world(BURN_MINT)
    act(w, "burn", user="mallory", amount=30, paid=0, dir="out")
    s = w.observe()
    # home untouched: alice 100, mallory 0, supply 100.
    assert (s["balance_home"], s["supply_home"]) == ({"alice": 100, "mallory": 0}, 100)
    assert s["sent"][0] == sent("out", "mallory", 30, debited=0)
    run(w, ("attest", {"id": 0}), ("mint", {"id": 0}))
    s = w.observe()
    # remote mints 30 to mallory: supply 0 -> 30, total 100 + 30 = 130 for 100 ever issued.
    assert (s["balance_remote"]["mallory"], s["supply_remote"], s["supply_home"]) == (30, 30, 100)


def test_burn_mint_back_of_nothing_mints_the_full_amount() -> None:
    w = world(BURN_MINT)
    # Put 40 on remote honestly: home alice 60, supply 60; remote alice 40, supply 40.
    run(
        w,
        ("burn", {"user": "alice", "amount": 40, "paid": 40, "dir": "out"}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
    )
    act(w, "burn", user="mallory", amount=25, paid=0, dir="back")
    s = w.observe()
    assert (s["balance_remote"], s["supply_remote"]) == ({"alice": 40, "mallory": 0}, 40)
    assert s["sent"][1] == sent("back", "mallory", 25, debited=0)
    run(w, ("attest", {"id": 1}), ("mint", {"id": 1}))
    s = w.observe()
    # home mints 25 to mallory: supply 60 -> 85.
    assert (s["balance_home"], s["supply_home"]) == ({"alice": 60, "mallory": 25}, 85)


def test_burn_mint_partial_burn() -> None:
    w = world(BURN_MINT)
    act(w, "burn", user="alice", amount=30, paid=10, dir="out")
    s = w.observe()
    # home: alice 100 - 10 = 90, supply 90; the message carries 30.
    assert (s["balance_home"]["alice"], s["supply_home"]) == (90, 90)
    assert s["sent"][0] == sent("out", "alice", 30, debited=10)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param({"user": "alice", "amount": 5, "paid": 6, "dir": "out"}, id="paid-above-amount"),
        pytest.param({"user": "alice", "amount": 5, "paid": -1, "dir": "out"}, id="paid-negative"),
        pytest.param({"user": "alice", "amount": 5, "dir": "out"}, id="paid-missing"),
        pytest.param({"user": "mallory", "amount": 5, "paid": 1, "dir": "out"}, id="paid-above-balance"),
        pytest.param({"user": "alice", "amount": 5, "paid": 1, "dir": "back"}, id="paid-above-remote-balance"),
    ],
)
def test_burn_mint_burn_refusals(args: dict[str, Any]) -> None:
    refused(world(BURN_MINT), "burn", **args)


@pytest.mark.parametrize("dir", ["out", "back"])
def test_burn_mint_paid_in_full_is_an_ordinary_burn(dir: str) -> None:  # noqa: A002
    def steps(w: World, paid: dict[str, int]) -> World:
        first = {"user": "alice", "amount": 40, "dir": "out"} | paid
        run(w, ("burn", first), ("attest", {"id": 0}), ("mint", {"id": 0}))
        if dir == "back":
            run(w, ("burn", {"user": "alice", "amount": 15, "dir": "back"} | ({"paid": 15} if paid else {})))
        return w

    faulty = steps(world(BURN_MINT), {"paid": 40})
    plain = steps(world(BURN_MINT, faults=None), {})
    s = faulty.observe()
    assert s == plain.observe()
    if dir == "back":
        # remote: alice 40 - 15 = 25, supply 25.
        assert (s["balance_remote"]["alice"], s["supply_remote"]) == (25, 25)
        assert s["sent"][1] == sent("back", "alice", 15, debited=15)
    else:
        assert s["sent"][0] == sent("out", "alice", 40, debited=40)
