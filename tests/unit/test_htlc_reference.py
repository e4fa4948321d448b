"""Unit tests of the `htlc` reference implementation, written from SEMANTICS.md ("Family `htlc`") alone."""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from bridgeproof.model.protocols.htlc.contracts import (
    ALICE_SECRET,
    Chain,
    HashedTimelock,
    HtlcDeployment,
    TokenLedger,
    claim,
    digest,
    lock,
    refund,
)
from bridgeproof.model.reference.revert import Revert

T_B = 100
DELTA = 10


def make(**overrides: Any) -> HtlcDeployment:
    """A deployment with a clock at 0, as the driver would install it."""
    params: dict[str, Any] = {
        "contract": "account",
        "t_b": T_B,
        "margin": 50,
        "delta": DELTA,
        "adversary": "alice",
        "amount_a": 5,
        "amount_b": 7,
        "faults": frozenset(),
    }
    params.update(overrides)
    dep = HtlcDeployment(SimpleNamespace(**params))
    dep.clock = SimpleNamespace(now=0)
    return dep


def wait(dep: HtlcDeployment, seconds: int) -> None:
    """What the driver does for `wait`: check urgency, then move the clock."""
    dep.check_wait(seconds)
    assert dep.clock is not None
    dep.clock.now += seconds


def wait_until(dep: HtlcDeployment, when: int) -> None:
    assert dep.clock is not None
    wait(dep, when - dep.clock.now)


def assert_refused(dep: HtlcDeployment, action: Callable[..., None], *args: Any) -> None:
    before = copy.deepcopy(dep.read())
    with pytest.raises(Revert):
        action(dep, *args)
    assert dep.read() == before


def assert_wait_refused(dep: HtlcDeployment, seconds: int) -> None:
    before = copy.deepcopy(dep.read())
    with pytest.raises(Revert):
        dep.check_wait(seconds)
    assert dep.read() == before


def lock_both(dep: HtlcDeployment) -> None:
    lock(dep, "a")
    wait(dep, 1)
    lock(dep, "b")


def test_initial_state() -> None:
    assert make().read() == {
        "balance_a": {"alice": 5, "bob": 0},
        "balance_b": {"alice": 0, "bob": 7},
        "lock_made": {},
        "lock_status": {},
        "lock_amount": {},
        "lock_timeout": {},
        "lock_locked_at": {},
        "revealed": False,
        "revealed_at": 0,
    }


@pytest.mark.parametrize("adversary", ["alice", "bob"])
@pytest.mark.parametrize("contract", ["account", "script"])
def test_honest_swap_completes(adversary: str, contract: str) -> None:
    dep = make(adversary=adversary, contract=contract)
    lock(dep, "a")
    wait(dep, 1)
    lock(dep, "b")
    wait(dep, 1)
    claim(dep, "b")
    assert dep.read()["revealed"] is True
    assert dep.read()["revealed_at"] == 2
    wait(dep, 1)
    claim(dep, "a")
    assert dep.read() == {
        "balance_a": {"alice": 0, "bob": 5},
        "balance_b": {"alice": 7, "bob": 0},
        "lock_made": {"a": True, "b": True},
        "lock_status": {"a": "claimed", "b": "claimed"},
        "lock_amount": {"a": 5, "b": 7},
        "lock_timeout": {"a": 150, "b": 100},
        "lock_locked_at": {"a": 0, "b": 1},
        "revealed": True,
        "revealed_at": 2,
    }
    wait(dep, 1000)  # nothing is pending any more


def test_read_returns_fresh_values() -> None:
    dep = make()
    lock(dep, "a")
    view = dep.read()
    view["balance_a"]["alice"] = 99
    view["lock_status"]["a"] = "claimed"
    view["lock_made"]["b"] = True
    assert dep.read()["balance_a"]["alice"] == 0
    assert dep.read()["lock_status"] == {"a": "locked"}
    assert dep.read()["lock_made"] == {"a": True}


# --- lock refusals -----------------------------------------------------------------------------------------------


def test_lock_twice_refused() -> None:
    dep = make()
    lock(dep, "a")
    assert_refused(dep, lock, "a")


def test_lock_again_after_refund_refused() -> None:
    dep = make(adversary="bob")
    lock(dep, "a")
    wait_until(dep, 150)
    refund(dep, "a")
    assert_refused(dep, lock, "a")


def test_honest_bob_locks_only_after_alice() -> None:
    dep = make(adversary="alice")
    assert_refused(dep, lock, "b")


def test_honest_bob_does_not_lock_against_a_refunded_lock() -> None:
    dep = make(adversary="alice", margin=0)
    lock(dep, "a")
    wait_until(dep, 100)
    refund(dep, "a")
    assert_refused(dep, lock, "b")


def test_adversarial_bob_may_lock_first() -> None:
    dep = make(adversary="bob")
    lock(dep, "b")
    assert dep.read()["lock_status"] == {"b": "locked"}
    assert dep.read()["balance_b"] == {"alice": 0, "bob": 0}


def test_lock_needs_the_payer_balance() -> None:
    # Unreachable through the actions (one lock per chain), so exercised on the contract itself.
    ledger = TokenLedger("a", {"alice": 3, "bob": 0})
    htlc = HashedTimelock("a", ledger, claim_expires=True, refund_works=True)
    with pytest.raises(Revert):
        htlc.lock("alice", "bob", 4, digest(ALICE_SECRET), 10, 0)
    assert htlc.current is None
    assert (ledger.balance_of("alice"), ledger.balance_of(htlc.address)) == (3, 0)


# --- claim refusals ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chain", ["a", "b"])
def test_claim_without_lock_refused(chain: Chain) -> None:
    dep = make(adversary="bob")  # bob adversarial: no honest-side rule hides the contract's own check
    assert_refused(dep, claim, chain)


def test_claim_twice_refused() -> None:
    dep = make()
    lock_both(dep)
    claim(dep, "b")
    assert_refused(dep, claim, "b")


def test_claim_after_refund_refused() -> None:
    dep = make(contract="script")
    lock_both(dep)
    wait_until(dep, T_B)
    refund(dep, "b")
    assert_refused(dep, claim, "b")


@pytest.mark.parametrize("adversary", ["alice", "bob"])
def test_bob_cannot_claim_before_the_secret_is_revealed(adversary: str) -> None:
    dep = make(adversary=adversary)
    lock_both(dep)
    wait(dep, 1)
    assert_refused(dep, claim, "a")


def test_honest_bob_claims_only_the_second_after_the_reveal() -> None:
    dep = make(adversary="alice")
    lock_both(dep)
    wait(dep, 1)
    claim(dep, "b")
    assert_refused(dep, claim, "a")
    wait(dep, 1)
    claim(dep, "a")
    assert dep.read()["lock_status"] == {"a": "claimed", "b": "claimed"}


def test_adversarial_bob_claims_in_the_same_second() -> None:
    dep = make(adversary="bob")
    lock_both(dep)
    claim(dep, "b")
    claim(dep, "a")
    assert dep.read()["lock_status"] == {"a": "claimed", "b": "claimed"}


def test_account_claim_at_the_timeout_refused() -> None:
    dep = make(contract="account", adversary="alice")
    lock_both(dep)
    wait_until(dep, T_B - 1)
    before_timeout = copy.deepcopy(dep)
    claim(before_timeout, "b")
    assert before_timeout.read()["lock_status"]["b"] == "claimed"
    wait(dep, 1)
    assert_refused(dep, claim, "b")


def test_honest_alice_claims_b_only_after_locking_a() -> None:
    dep = make(adversary="bob")
    lock(dep, "b")
    assert_refused(dep, claim, "b")


def test_contract_checks_preimage_and_caller() -> None:
    ledger = TokenLedger("a", {"alice": 5, "bob": 0})
    htlc = HashedTimelock("a", ledger, claim_expires=True, refund_works=True)
    htlc.lock("alice", "bob", 5, digest(ALICE_SECRET), 10, 0)
    with pytest.raises(Revert):
        htlc.claim("bob", b"a wrong guess", 1)
    with pytest.raises(Revert):
        htlc.claim("alice", ALICE_SECRET, 1)
    with pytest.raises(Revert):
        htlc.refund("bob", 10)
    assert htlc.current is not None and htlc.current.status == "locked"
    assert ledger.balance_of(htlc.address) == 5


# --- refund refusals ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chain", ["a", "b"])
def test_refund_without_lock_refused(chain: Chain) -> None:
    assert_refused(make(), refund, chain)


def test_refund_before_timeout_refused() -> None:
    dep = make()
    lock_both(dep)
    wait_until(dep, T_B - 1)
    assert_refused(dep, refund, "b")
    wait(dep, 1)
    refund(dep, "b")
    assert dep.read()["balance_b"] == {"alice": 0, "bob": 7}
    assert dep.read()["lock_status"]["b"] == "refunded"


def test_refund_of_claimed_lock_refused() -> None:
    dep = make(adversary="bob")  # an honest bob would have to claim a before T_b
    lock_both(dep)
    claim(dep, "b")
    wait_until(dep, T_B)
    assert_refused(dep, refund, "b")


def test_refund_twice_refused() -> None:
    dep = make()
    lock_both(dep)
    wait_until(dep, T_B)
    refund(dep, "b")
    assert_refused(dep, refund, "b")


# --- urgency -----------------------------------------------------------------------------------------------------


def test_honest_refund_deadline() -> None:
    dep = make(adversary="bob")
    lock(dep, "a")
    assert_wait_refused(dep, 150 + DELTA + 1)
    wait_until(dep, 150 + DELTA)
    assert_wait_refused(dep, 1)
    refund(dep, "a")
    wait(dep, 1000)


def test_honest_alice_claim_deadline() -> None:
    dep = make(adversary="bob")
    lock(dep, "a")
    wait_until(dep, 5)
    lock(dep, "b")
    due = 5 + 1 + DELTA
    assert_wait_refused(dep, due - 5 + 1)
    wait_until(dep, due)
    claim(dep, "b")
    assert dep.read()["revealed_at"] == due


def test_honest_alice_claim_deadline_lapses_in_account_mode_when_invalid_at_it() -> None:
    # bob locks b so late that locked_at + 1 + delta >= T_b: the claim would be invalid at D, so no rule.
    dep = make(adversary="bob")
    lock(dep, "a")
    wait_until(dep, T_B - DELTA)
    lock(dep, "b")
    wait_until(dep, T_B + DELTA)  # only alice's refund deadline (150 + delta) is pending
    assert_refused(dep, claim, "b")


def test_account_attack_when_margin_at_most_delta() -> None:
    # T_a = T_b + delta: bob's deadline T_b + delta is not < T_a, so nothing forces him to claim in time.
    dep = make(contract="account", adversary="alice", margin=DELTA)
    t_a = T_B + DELTA
    lock_both(dep)
    wait_until(dep, T_B - 1)
    claim(dep, "b")
    assert dep.read()["revealed_at"] == T_B - 1
    wait_until(dep, t_a)
    assert_refused(dep, claim, "a")
    refund(dep, "a")
    assert dep.read() == {
        "balance_a": {"alice": 5, "bob": 0},
        "balance_b": {"alice": 7, "bob": 0},
        "lock_made": {"a": True, "b": True},
        "lock_status": {"a": "refunded", "b": "claimed"},
        "lock_amount": {"a": 5, "b": 7},
        "lock_timeout": {"a": t_a, "b": T_B},
        "lock_locked_at": {"a": 0, "b": 1},
        "revealed": True,
        "revealed_at": T_B - 1,
    }


def test_account_attack_impossible_when_margin_exceeds_delta() -> None:
    dep = make(contract="account", adversary="alice", margin=DELTA + 1)
    t_a = T_B + DELTA + 1
    lock_both(dep)
    wait_until(dep, T_B - 1)
    claim(dep, "b")
    assert_wait_refused(dep, t_a - (T_B - 1))
    assert_wait_refused(dep, DELTA + 2)  # one second past bob's deadline T_b + delta
    wait_until(dep, T_B + DELTA)
    assert_refused(dep, refund, "a")
    claim(dep, "a")
    assert dep.read()["lock_status"] == {"a": "claimed", "b": "claimed"}
    assert dep.read()["balance_a"] == {"alice": 0, "bob": 5}


def test_script_race_after_t_b() -> None:
    dep = make(contract="script", adversary="alice")
    lock_both(dep)
    wait_until(dep, T_B)  # bob's refund deadline is T_b + delta; reaching T_b is allowed
    claimed = copy.deepcopy(dep)
    claim(claimed, "b")
    assert claimed.read()["lock_status"]["b"] == "claimed"
    assert claimed.read()["balance_b"] == {"alice": 7, "bob": 0}
    refunded = copy.deepcopy(dep)
    refund(refunded, "b")
    assert refunded.read()["lock_status"]["b"] == "refunded"
    assert refunded.read()["balance_b"] == {"alice": 0, "bob": 7}
    # The account variant has no race: the claim is already dead at T_b.
    account = make(contract="account", adversary="alice")
    lock_both(account)
    wait_until(account, T_B)
    assert_refused(account, claim, "b")


def test_script_race_on_a_when_margin_at_most_delta() -> None:
    # Bob's claim deadline applies in script mode even past T_a, yet alice's refund becomes valid at T_a first.
    dep = make(contract="script", adversary="alice", margin=DELTA)
    t_a = T_B + DELTA
    lock_both(dep)
    wait_until(dep, T_B - 1)
    claim(dep, "b")
    assert_wait_refused(dep, t_a - (T_B - 1) + 1)
    wait_until(dep, t_a)
    bob_wins = copy.deepcopy(dep)
    claim(bob_wins, "a")
    assert bob_wins.read()["balance_a"] == {"alice": 0, "bob": 5}
    refund(dep, "a")
    assert dep.read()["lock_status"] == {"a": "refunded", "b": "claimed"}


def test_no_refund_fault() -> None:
    dep = make(adversary="bob", faults=frozenset({"no_refund"}))
    lock(dep, "a")
    # The refund path on a is missing, so no deadline holds alice back: her coins are stuck.
    wait_until(dep, 150 + DELTA + 1000)
    assert_refused(dep, refund, "a")
    assert dep.read()["lock_status"] == {"a": "locked"}
    assert dep.read()["balance_a"] == {"alice": 0, "bob": 0}


def test_no_refund_fault_leaves_chain_b_refundable() -> None:
    dep = make(adversary="alice", faults=frozenset({"no_refund"}))
    lock_both(dep)
    assert_wait_refused(dep, T_B + DELTA)  # from now = 1 this passes bob's refund deadline T_b + delta on b
    wait_until(dep, T_B)
    refund(dep, "b")
    assert dep.read()["balance_b"] == {"alice": 0, "bob": 7}


def test_check_wait_needs_positive_seconds() -> None:
    dep = make()
    assert_wait_refused(dep, 0)


def test_invalid_params_rejected() -> None:
    with pytest.raises(ValueError):
        make(contract="utxo")
    with pytest.raises(ValueError):
        make(adversary="carol")
