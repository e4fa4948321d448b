"""Unit tests of router allowances (`adversary.approvals`) in the message bridges' reference implementation,
from SEMANTICS.md ("Family `lock_mint` and `burn_mint`": the Configuration rows `adversary.approvals` and
`arbitrary_router_call`, and "Approvals: allowances that a router may spend") alone.

With the option users grant the bridge's router on home an allowance over their home tokens, `approve(user,
amount)` (guard `amount >= 1`; the new allowance replaces the last), and mallory may call the router,
`router_call(user, amount)`: guard `amount >= 1`, `user != mallory`, `amount <= allowance[user]`, `amount <=
balance_home[user]`, and the fault `arbitrary_router_call` (Socket/Bungee 2024-01-16, LI.FI 2024-07-16: the
router forwarded user-supplied calldata to the token, so anyone could spend anyone's allowance). Effect:
`transferFrom(user, mallory, amount)`, i.e. `balance_home[user] -= amount`, `balance_home[mallory] += amount`,
`allowance[user] -= amount`, `taken[user] += amount`. A transfer: no supply, escrow or message changes.

Every expected number is worked out by hand in the comments, never computed by the code under test.
The worlds are lock_mint (burn_mint where a test says so) under an honest custodian, alice holding the initial
supply of 100 home units, 3 message ids, all decimals 0.
"""

from __future__ import annotations

from typing import Any

import pytest

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.bridge import deployment as bridge
from bridgeproof.model.protocols.bridge.options import Options
from bridgeproof.model.protocols.burn_mint import BurnMint
from bridgeproof.model.protocols.lock_mint import LockMint
from bridgeproof.model.reference import Revert
from bridgeproof.model.reference.world import World
from bridgeproof.model.trust.custodian import Custodian
from harness import BRIDGE_READ_COLUMNS, act, refused, run

ARBITRARY = "arbitrary_router_call"
NOBODY = {"alice": 0, "mallory": 0}
FAMILIES = [pytest.param(LockMint, id="lock_mint"), pytest.param(BurnMint, id="burn_mint")]


def world(*faults: str, family: Any = LockMint, approvals: bool = True, **options: Any) -> World:
    """A bridge whose users may approve home's router (lock_mint, honest custodian unless told otherwise)."""
    opts = Options(faults=frozenset(faults), approvals=approvals, **options)
    return World(Configuration(family(), Custodian(), Bounds(messages=3, supply=100), opts))


def approvals(w: World) -> dict[str, Any]:
    return bridge.read_approvals(w.deployment)


def send(family: Any, amount: int) -> tuple[str, dict[str, Any]]:
    """alice sends `amount` out of home: a lock (lock_mint) or a burn out (burn_mint)."""
    if family is LockMint:
        return ("lock", {"user": "alice", "amount": amount})
    return ("burn", {"user": "alice", "amount": amount, "dir": "out"})


# --- approve -----------------------------------------------------------------------------------------------------


def test_approve_sets_the_allowance() -> None:
    w = world()
    assert approvals(w) == {"allowance": NOBODY, "taken": NOBODY}
    act(w, "approve", user="alice", amount=30)
    assert approvals(w) == {"allowance": {"alice": 30, "mallory": 0}, "taken": NOBODY}
    s = w.observe()
    assert (s["allowance"], s["taken"]) == ({"alice": 30, "mallory": 0}, NOBODY)
    # An approval moves no token.
    assert (s["balance_home"], s["supply_home"], s["escrow"]) == ({"alice": 100, "mallory": 0}, 100, 0)


def test_approve_replaces_rather_than_adds() -> None:
    w = run(world(), ("approve", {"user": "alice", "amount": 30}), ("approve", {"user": "alice", "amount": 7}))
    # 7, not 30 + 7 = 37.
    assert approvals(w)["allowance"] == {"alice": 7, "mallory": 0}
    act(w, "approve", user="alice", amount=50)
    assert approvals(w)["allowance"] == {"alice": 50, "mallory": 0}


def test_approve_refuses_zero_like_every_amount() -> None:
    # SEMANTICS.md: every amount argument is at least 1; a revocation (approve 0) is not modelled.
    w = run(world(ARBITRARY), ("approve", {"user": "alice", "amount": 30}))
    refused(w, "approve", user="alice", amount=0)
    assert approvals(w)["allowance"] == {"alice": 30, "mallory": 0}


def test_approve_refuses_a_negative_amount() -> None:
    w = run(world(), ("approve", {"user": "alice", "amount": 30}))
    refused(w, "approve", user="alice", amount=-1)
    assert approvals(w)["allowance"] == {"alice": 30, "mallory": 0}


def test_approve_may_exceed_the_balance_and_each_user_has_her_own() -> None:
    # Aggregators ask for unlimited approvals: nothing caps an allowance at the balance (alice holds 100).
    w = run(world(), ("approve", {"user": "alice", "amount": 10**30}), ("approve", {"user": "mallory", "amount": 4}))
    assert approvals(w)["allowance"] == {"alice": 10**30, "mallory": 4}


# --- router_call without the fault ---------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_router_call_is_refused_without_the_fault_even_with_an_allowance(family: Any) -> None:
    w = run(world(family=family), ("approve", {"user": "alice", "amount": 30}))
    before = approvals(w)
    # Every other conjunct of the guard holds: 5 >= 1, alice != mallory, 5 <= 30, 5 <= 100.
    refused(w, "router_call", user="alice", amount=5)
    assert approvals(w) == before == {"allowance": {"alice": 30, "mallory": 0}, "taken": NOBODY}
    assert w.observe()["balance_home"] == {"alice": 100, "mallory": 0}


# --- router_call with the fault ------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_router_call_moves_alices_tokens_to_mallory(family: Any) -> None:
    # alice first sends 10 out of home, so lock_mint has an escrow and burn_mint a lowered home supply to keep.
    w = run(world(ARBITRARY, family=family), send(family, 10), ("approve", {"user": "alice", "amount": 30}))
    before = w.observe()
    # lock_mint: alice home 100 - 10 = 90, escrow 10, supply_home 100; burn_mint: 90, escrow 0, supply_home 90.
    escrow, supply_home = (10, 100) if family is LockMint else (0, 90)
    assert (before["balance_home"], before["escrow"], before["supply_home"]) == (
        {"alice": 90, "mallory": 0}, escrow, supply_home
    )
    act(w, "router_call", user="alice", amount=12)
    after = w.observe()
    # alice 90 - 12 = 78, mallory 0 + 12 = 12; allowance 30 - 12 = 18; taken 0 + 12 = 12.
    assert after["balance_home"] == {"alice": 78, "mallory": 12}
    assert (after["allowance"], after["taken"]) == ({"alice": 18, "mallory": 0}, {"alice": 12, "mallory": 0})
    assert approvals(w) == {"allowance": {"alice": 18, "mallory": 0}, "taken": {"alice": 12, "mallory": 0}}
    # A transfer through the token, not the bridge: supplies, escrow, messages and claims are as they were.
    for key in ("escrow", "supply_home", "supply_remote", "balance_remote", "next_id", "sent", "claims", "dust"):
        assert after[key] == before[key], key
    # The vault's own account on the home token is untouched too (lock_mint): 10.
    if family is LockMint:
        assert w.deployment.chains["home"].token.balance_of("vault") == 10


@pytest.mark.parametrize("family", FAMILIES)
def test_router_calls_drain_the_allowance_step_by_step(family: Any) -> None:
    w = run(
        world(ARBITRARY, family=family),
        ("approve", {"user": "alice", "amount": 10}),
        ("router_call", {"user": "alice", "amount": 4}),  # allowance 6, taken 4
        ("router_call", {"user": "alice", "amount": 6}),  # allowance 0, taken 10
    )
    assert approvals(w) == {"allowance": NOBODY, "taken": {"alice": 10, "mallory": 0}}
    # alice 100 - 4 - 6 = 90, mallory 10; supply_home stays 100 in both families.
    assert w.observe()["balance_home"] == {"alice": 90, "mallory": 10}
    assert w.observe()["supply_home"] == 100
    refused(w, "router_call", user="alice", amount=1)
    # A new approval replaces the spent one and the router can pull again: allowance 3, taken 10 + 3 = 13.
    run(w, ("approve", {"user": "alice", "amount": 3}), ("router_call", {"user": "alice", "amount": 3}))
    assert approvals(w) == {"allowance": NOBODY, "taken": {"alice": 13, "mallory": 0}}


@pytest.mark.parametrize("family", FAMILIES)
def test_router_call_is_refused_beyond_the_allowance(family: Any) -> None:
    w = run(world(ARBITRARY, family=family), ("approve", {"user": "alice", "amount": 5}))
    refused(w, "router_call", user="alice", amount=6)  # 6 > allowance 5
    act(w, "router_call", user="alice", amount=5)  # exactly the allowance goes through
    assert approvals(w)["taken"] == {"alice": 5, "mallory": 0}


@pytest.mark.parametrize("family", FAMILIES)
def test_router_call_is_refused_beyond_the_balance(family: Any) -> None:
    # An unlimited allowance is still bounded by what alice holds: after sending 10 she holds 90.
    w = run(world(ARBITRARY, family=family), send(family, 10), ("approve", {"user": "alice", "amount": 1000}))
    refused(w, "router_call", user="alice", amount=91)  # 91 > balance 90
    act(w, "router_call", user="alice", amount=90)
    s = w.observe()
    # alice 0, mallory 90, allowance 1000 - 90 = 910, taken 90.
    assert s["balance_home"] == {"alice": 0, "mallory": 90}
    assert approvals(w) == {"allowance": {"alice": 910, "mallory": 0}, "taken": {"alice": 90, "mallory": 0}}


@pytest.mark.parametrize("family", FAMILIES)
def test_router_call_is_refused_for_mallory_herself(family: Any) -> None:
    # mallory has coins of her own (adversary.funds 20) and has approved the router: still `user != mallory`.
    w = run(world(ARBITRARY, family=family, adversary_funds=20), ("approve", {"user": "mallory", "amount": 20}))
    refused(w, "router_call", user="mallory", amount=5)
    assert approvals(w) == {"allowance": {"alice": 0, "mallory": 20}, "taken": NOBODY}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("amount", [0, -1])
def test_router_call_refuses_a_non_positive_amount(family: Any, amount: int) -> None:
    w = run(world(ARBITRARY, family=family), ("approve", {"user": "alice", "amount": 30}))
    refused(w, "router_call", user="alice", amount=amount)


def test_router_call_needs_an_approval() -> None:
    # allowance 0: 1 > 0.
    refused(world(ARBITRARY), "router_call", user="alice", amount=1)


def test_sends_do_not_spend_the_allowance() -> None:
    # The bridge's own lock pulls alice's tokens on her own instruction, not through the router's allowance.
    w = run(world(ARBITRARY), ("approve", {"user": "alice", "amount": 30}), send(LockMint, 10))
    assert approvals(w) == {"allowance": {"alice": 30, "mallory": 0}, "taken": NOBODY}


def test_a_refused_call_leaves_the_router_as_it_was() -> None:
    # The router's records are part of the transaction: a refusal rolls them back with the token's.
    w = run(world(ARBITRARY), ("approve", {"user": "alice", "amount": 5}))
    refused(w, "router_call", user="alice", amount=6)
    assert (w.deployment.router.allowances, w.deployment.router.taken) == ({"alice": 5}, {})


def test_the_handlers_refuse_an_unknown_user_called_directly() -> None:
    dep = world(ARBITRARY).deployment
    with pytest.raises(Revert):
        bridge.approve(dep, "vault", 5)
    with pytest.raises(Revert):
        bridge.router_call(dep, "vault", 5)
    assert bridge.read_approvals(dep) == {"allowance": NOBODY, "taken": NOBODY}


# --- readings ------------------------------------------------------------------------------------------------------


def test_read_approvals_shape() -> None:
    w = world(ARBITRARY)
    assert approvals(w) == {"allowance": {"alice": 0, "mallory": 0}, "taken": {"alice": 0, "mallory": 0}}
    run(w, ("approve", {"user": "alice", "amount": 8}), ("approve", {"user": "mallory", "amount": 2}))
    run(w, ("router_call", {"user": "alice", "amount": 3}))
    reading = approvals(w)
    assert reading == {"allowance": {"alice": 5, "mallory": 2}, "taken": {"alice": 3, "mallory": 0}}
    assert list(reading) == ["allowance", "taken"]
    assert all(list(reading[k]) == ["alice", "mallory"] for k in reading)
    # Fresh containers: changing the reading changes nothing.
    reading["allowance"]["alice"] = 99
    assert approvals(w)["allowance"]["alice"] == 5


def test_the_family_reading_is_the_same_under_the_option() -> None:
    w = run(
        world(ARBITRARY), ("approve", {"user": "alice", "amount": 8}), ("router_call", {"user": "alice", "amount": 3})
    )
    read = w.deployment.read()
    assert set(read) == BRIDGE_READ_COLUMNS
    assert read["balance_home"] == {"alice": 97, "mallory": 3}


@pytest.mark.parametrize("family", FAMILIES)
def test_a_bridge_without_approvals_reads_as_before(family: Any) -> None:
    plain, approving = world(family=family, approvals=False), world(family=family)
    assert "approve" not in plain.available_actions() and "router_call" not in plain.available_actions()
    # The actions do not exist there: refused, whatever the fault list says elsewhere.
    refused(plain, "approve", user="alice", amount=5)
    refused(plain, "router_call", user="alice", amount=5)
    assert plain.deployment.router is None
    steps = [send(family, 10), ("attest", {"id": 0}), ("mint", {"id": 0})]
    run(plain, *steps)
    run(approving, *steps)
    s, t = plain.observe(), approving.observe()
    # The observation is the one with the option minus exactly its two vars.
    assert "allowance" not in s and "taken" not in s
    assert set(t) - set(s) == {"allowance", "taken"}
    assert s == {k: v for k, v in t.items() if k not in ("allowance", "taken")}
    assert set(plain.deployment.read()) == BRIDGE_READ_COLUMNS
    assert plain.deployment.read() == approving.deployment.read()
    # Without a router nobody has granted or lost anything.
    assert approvals(plain) == {"allowance": NOBODY, "taken": NOBODY}
    with pytest.raises(Revert):
        bridge.approve(plain.deployment, "alice", 5)
