"""Unit tests of the `wrapped_collateral` reference implementation, from SEMANTICS.md ("Family
`wrapped_collateral`") alone.

Every expected number is worked out by hand from the specification's formulas (in the comments), never
computed by the code under test. The worlds are a `lock_mint` bridge under a custodian (honest unless a
test compromises it) with the family's market on remote.

The small parameters most tests use: `price = 3`, `collateral_factor_bps = 5000`, `pool = 20`. A borrow
or withdrawal must leave `debt * 10000 <= pledged * 3 * 5000 = pledged * 15000`, i.e. `debt <= 1.5 *
pledged` in exact fractions.
"""

from __future__ import annotations

from typing import Any

import pytest

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.bridge.options import Amounts, Options
from bridgeproof.model.protocols.wrapped_collateral import WrappedCollateral
from bridgeproof.model.protocols.wrapped_collateral.contracts import HANDLERS, Market, read
from bridgeproof.model.reference.world import World
from bridgeproof.model.trust.custodian import Custodian
from harness import act, refused

SMALL: dict[str, Any] = {"price": 3, "collateral_factor_bps": 5000, "pool": 20}
QUBIT = Options(faults=frozenset({"unchecked_deposit"}))


def world(options: Options | None = None, compromised: int = 0, **overrides: Any) -> World:
    """A lock_mint bridge (3 message ids, alice holds 100 on home) with the market on remote."""
    family = WrappedCollateral(**(SMALL | overrides))
    return World(Configuration(family, Custodian(compromised=compromised), Bounds(messages=3, supply=100), options))


def bridged(w: World, user: str, amount: int, msg_id: int, **paid: int) -> World:
    """`user` locks `amount` on home and the honest custodian's claim is minted on remote."""
    act(w, "lock", user=user, amount=amount, **paid)
    act(w, "attest", id=msg_id)
    act(w, "mint", id=msg_id)
    return w


def market(w: World) -> dict[str, Any]:
    s = w.observe()
    return {"pledged": s["pledged"], "debt": s["debt"], "pool": s["pool"]}


def pledged_with(user: str = "alice", amount: int = 10, **overrides: Any) -> World:
    """alice bridges 30 backed tokens (escrow 30 = supply 30) and pledges `amount` of them."""
    w = bridged(world(**overrides), "alice", 30, 0)
    act(w, "deposit_collateral", user=user, amount=amount)
    return w


# --- shape ---------------------------------------------------------------------------------------------------


def test_handlers_cover_the_four_actions() -> None:
    assert set(HANDLERS) == {"deposit_collateral", "borrow", "repay", "withdraw_collateral"}


def test_initial_state() -> None:
    w = world()
    s = w.observe()
    # Maps hold every user, 0 when untouched; the pool starts at the parameter.
    assert market(w) == {"pledged": {"alice": 0, "mallory": 0}, "debt": {"alice": 0, "mallory": 0}, "pool": 20}
    assert (s["balance_home"], s["balance_remote"], s["escrow"], s["supply_remote"]) == (
        {"alice": 100, "mallory": 0},
        {"alice": 0, "mallory": 0},
        0,
        0,
    )
    assert isinstance(w.deployment.market, Market)


def test_default_parameters() -> None:
    w = World(Configuration(WrappedCollateral(), Custodian(), Bounds(messages=3, supply=100)))
    assert w.observe()["pool"] == 8_000_000_000_000_000
    bridged(w, "alice", 1, 0)
    act(w, "deposit_collateral", user="alice", amount=1)
    # 1 wrapped unit at 240_000_000_000 with a 7000 bps factor backs 240e9 * 7000 / 10000 = 168_000_000_000.
    refused(w, "borrow", user="alice", amount=168_000_000_001)
    act(w, "borrow", user="alice", amount=168_000_000_000)
    # pool: 8_000_000_000_000_000 - 168_000_000_000 = 7_999_832_000_000_000.
    assert market(w)["pool"] == 7_999_832_000_000_000
    assert market(w)["debt"] == {"alice": 168_000_000_000, "mallory": 0}


def test_read_returns_fresh_containers() -> None:
    w = pledged_with()
    first = read(w.deployment)
    first["pledged"]["alice"] = 999
    first["debt"]["mallory"] = 999
    again = read(w.deployment)
    assert again == {"pledged": {"alice": 10, "mallory": 0}, "debt": {"alice": 0, "mallory": 0}, "pool": 20}


# --- deposit_collateral ------------------------------------------------------------------------------------


def test_deposit_moves_tokens_into_custody_without_burning_them() -> None:
    w = bridged(world(), "alice", 30, 0)
    act(w, "deposit_collateral", user="alice", amount=12)
    s = w.observe()
    # balance_remote 30 - 12 = 18; pledged 12; supply_remote stays 30 (pledging moves, it does not burn).
    assert s["balance_remote"] == {"alice": 18, "mallory": 0}
    assert s["pledged"] == {"alice": 12, "mallory": 0}
    assert (s["supply_remote"], s["escrow"]) == (30, 30)
    # The tokens sit in the market's own account of the wrapped token, which the bridge's read never shows.
    assert w.deployment.chains["remote"].token.balance_of("market") == 12
    act(w, "deposit_collateral", user="alice", amount=3)
    assert w.observe()["pledged"]["alice"] == 15  # 12 + 3
    assert w.observe()["balance_remote"]["alice"] == 15  # 18 - 3


@pytest.mark.parametrize("amount", [0, -1])
def test_deposit_refuses_a_non_positive_amount(amount: int) -> None:
    refused(bridged(world(), "alice", 30, 0), "deposit_collateral", user="alice", amount=amount)


def test_deposit_balance_boundary() -> None:
    w = bridged(world(), "alice", 30, 0)
    refused(w, "deposit_collateral", user="alice", amount=31)  # balance_remote 30 < 31
    refused(w, "deposit_collateral", user="mallory", amount=1)  # mallory holds 0 wrapped
    act(w, "deposit_collateral", user="alice", amount=30)  # 30 >= 30
    assert w.observe()["balance_remote"]["alice"] == 0
    refused(w, "deposit_collateral", user="alice", amount=1)  # everything is pledged now


# --- borrow -------------------------------------------------------------------------------------------------


def test_borrow_collateral_factor_boundary() -> None:
    w = pledged_with(amount=10)
    # 16 * 10000 = 160000 > 10 * 3 * 5000 = 150000: refused; 15 * 10000 = 150000 <= 150000: accepted.
    refused(w, "borrow", user="alice", amount=16)
    act(w, "borrow", user="alice", amount=15)
    # debt 15, pool 20 - 15 = 5.
    assert market(w) == {"pledged": {"alice": 10, "mallory": 0}, "debt": {"alice": 15, "mallory": 0}, "pool": 5}
    # The check is on debt + amount: (15 + 1) * 10000 = 160000 > 150000.
    refused(w, "borrow", user="alice", amount=1)


def test_borrow_boundary_rounds_down_not_up() -> None:
    w = pledged_with(amount=7)
    # 7 * 15000 = 105000: debt <= 10.5, so 11 (110000 > 105000) is refused and 10 (100000) accepted.
    refused(w, "borrow", user="alice", amount=11)
    act(w, "borrow", user="alice", amount=10)
    # (10 + 1) * 10000 = 110000 > 105000: the half unit left over lends nothing.
    refused(w, "borrow", user="alice", amount=1)


def test_borrow_in_steps_accumulates() -> None:
    w = pledged_with(amount=10)
    act(w, "borrow", user="alice", amount=4)
    act(w, "borrow", user="alice", amount=11)  # (4 + 11) * 10000 = 150000 <= 150000
    assert market(w)["debt"]["alice"] == 15  # 4 + 11
    assert market(w)["pool"] == 5  # 20 - 4 - 11


def test_borrow_pool_boundary() -> None:
    w = pledged_with(amount=14)
    # 14 * 15000 = 210000 >= 21 * 10000 = 210000: 21 is within the factor, but the pool holds 20 < 21.
    refused(w, "borrow", user="alice", amount=21)
    act(w, "borrow", user="alice", amount=20)  # pool 20 >= 20
    assert market(w)["pool"] == 0  # 20 - 20
    refused(w, "borrow", user="alice", amount=1)  # (20 + 1) * 10000 = 210000 is in the factor; the pool is 0


@pytest.mark.parametrize("amount", [0, -1])
def test_borrow_refuses_a_non_positive_amount(amount: int) -> None:
    refused(pledged_with(), "borrow", user="alice", amount=amount)


def test_borrow_without_collateral_and_collateral_is_per_user() -> None:
    w = pledged_with(amount=10)
    # mallory pledged nothing: (0 + 1) * 10000 > 0 * 15000 = 0. alice's collateral does not back her.
    refused(w, "borrow", user="mallory", amount=1)


# --- repay --------------------------------------------------------------------------------------------------


def test_repay_boundaries_and_effect() -> None:
    w = pledged_with(amount=10)
    refused(w, "repay", user="alice", amount=1)  # no debt yet: 1 > 0
    act(w, "borrow", user="alice", amount=15)  # debt 15, pool 5
    refused(w, "repay", user="alice", amount=16)  # 16 > debt 15
    refused(w, "repay", user="alice", amount=0)
    refused(w, "repay", user="mallory", amount=1)  # mallory owes nothing
    act(w, "repay", user="alice", amount=6)
    # debt 15 - 6 = 9, pool 5 + 6 = 11.
    assert market(w) == {"pledged": {"alice": 10, "mallory": 0}, "debt": {"alice": 9, "mallory": 0}, "pool": 11}
    act(w, "repay", user="alice", amount=9)  # 9 <= 9
    # debt 0, pool 11 + 9 = 20 (back to the start).
    assert market(w) == {"pledged": {"alice": 10, "mallory": 0}, "debt": {"alice": 0, "mallory": 0}, "pool": 20}


def test_repay_frees_borrowing_room() -> None:
    w = pledged_with(amount=10)
    act(w, "borrow", user="alice", amount=15)
    act(w, "repay", user="alice", amount=2)  # debt 13
    refused(w, "borrow", user="alice", amount=3)  # (13 + 3) * 10000 = 160000 > 150000
    act(w, "borrow", user="alice", amount=2)  # (13 + 2) * 10000 = 150000 <= 150000


# --- withdraw_collateral --------------------------------------------------------------------------------------


def test_withdraw_without_debt() -> None:
    w = pledged_with(amount=10)
    refused(w, "withdraw_collateral", user="alice", amount=11)  # 11 > pledged 10
    refused(w, "withdraw_collateral", user="alice", amount=0)
    refused(w, "withdraw_collateral", user="mallory", amount=1)  # mallory pledged nothing
    act(w, "withdraw_collateral", user="alice", amount=10)  # debt 0 * 10000 <= 0 * 15000
    s = w.observe()
    # Everything back: balance_remote 20 + 10 = 30, pledged 0, supply 30 throughout.
    assert (s["balance_remote"]["alice"], s["pledged"]["alice"], s["supply_remote"]) == (30, 0, 30)
    assert w.deployment.chains["remote"].token.balance_of("market") == 0


def test_withdraw_collateral_factor_boundary() -> None:
    w = pledged_with(amount=10)
    act(w, "borrow", user="alice", amount=13)
    # debt 13: withdrawing 2 leaves 8 * 15000 = 120000 < 13 * 10000 = 130000: refused;
    # withdrawing 1 leaves 9 * 15000 = 135000 >= 130000: accepted.
    refused(w, "withdraw_collateral", user="alice", amount=2)
    act(w, "withdraw_collateral", user="alice", amount=1)
    s = w.observe()
    assert (s["pledged"]["alice"], s["balance_remote"]["alice"], s["debt"]["alice"]) == (9, 21, 13)  # 20 + 1
    # Now 8 * 15000 = 120000 < 130000.
    refused(w, "withdraw_collateral", user="alice", amount=1)


def test_withdraw_at_full_debt_is_refused() -> None:
    w = pledged_with(amount=10)
    act(w, "borrow", user="alice", amount=15)
    # 15 * 10000 = 150000 > 9 * 15000 = 135000.
    refused(w, "withdraw_collateral", user="alice", amount=1)


def test_position_round_trip() -> None:
    """Deposit, borrow, repay, withdraw: the market and the wrapped balance end where they started."""
    w = pledged_with(amount=10)
    act(w, "borrow", user="alice", amount=15)
    act(w, "repay", user="alice", amount=15)
    act(w, "withdraw_collateral", user="alice", amount=10)
    s = w.observe()
    assert market(w) == {"pledged": {"alice": 0, "mallory": 0}, "debt": {"alice": 0, "mallory": 0}, "pool": 20}
    assert (s["balance_remote"]["alice"], s["supply_remote"], s["escrow"]) == (30, 30, 30)
    # The wrapped tokens are free again: alice can take them home.
    act(w, "burn", user="alice", amount=30)
    assert w.observe()["supply_remote"] == 0  # 30 - 30


# --- Proof of Reserve ----------------------------------------------------------------------------------------


def short_by_one(proof_of_reserve: bool) -> World:
    """alice bridges 30 backed tokens and pledges 10; mallory's unchecked deposit of 1 (paid 0) is minted.

    supply_remote = 30 + 1 = 31 > escrow = 30 + 0 = 30: the bridge is short by one unit.
    """
    w = world(QUBIT, proof_of_reserve=proof_of_reserve)
    bridged(w, "alice", 30, 0, paid=30)
    act(w, "deposit_collateral", user="alice", amount=10)
    bridged(w, "mallory", 1, 1, paid=0)
    s = w.observe()
    assert (s["supply_remote"], s["escrow"]) == (31, 30)
    return w


def test_proof_of_reserve_freezes_deposits_and_borrows_while_short() -> None:
    w = short_by_one(proof_of_reserve=True)
    refused(w, "deposit_collateral", user="alice", amount=1)  # 31 > 30
    refused(w, "deposit_collateral", user="mallory", amount=1)
    refused(w, "borrow", user="alice", amount=1)  # within the factor (1 * 10000 <= 10 * 15000), but 31 > 30
    # Withdrawals are not frozen (no debt: 0 <= 9 * 15000).
    act(w, "withdraw_collateral", user="alice", amount=1)
    assert market(w)["pledged"]["alice"] == 9  # 10 - 1
    # mallory burns her unbacked unit: supply_remote 31 - 1 = 30 <= escrow 30, backed again.
    act(w, "burn", user="mallory", amount=1, paid=1)
    assert (w.observe()["supply_remote"], w.observe()["escrow"]) == (30, 30)
    act(w, "deposit_collateral", user="alice", amount=1)  # pledged 9 + 1 = 10
    act(w, "borrow", user="alice", amount=15)  # 15 * 10000 <= 10 * 15000
    assert market(w) == {"pledged": {"alice": 10, "mallory": 0}, "debt": {"alice": 15, "mallory": 0}, "pool": 5}


def test_proof_of_reserve_allows_withdrawal_with_debt_and_repayment_while_short() -> None:
    w = world(QUBIT, proof_of_reserve=True)
    bridged(w, "alice", 30, 0, paid=30)
    act(w, "deposit_collateral", user="alice", amount=10)
    act(w, "borrow", user="alice", amount=12)  # backed: supply 30 <= escrow 30; 120000 <= 150000
    bridged(w, "mallory", 1, 1, paid=0)  # supply 31 > escrow 30
    act(w, "repay", user="alice", amount=2)  # debt 10, pool 20 - 12 + 2 = 10
    # debt 10: withdrawing 4 leaves 6 * 15000 = 90000 < 100000 (refused by the factor, not the reserve);
    # withdrawing 3 leaves 7 * 15000 = 105000 >= 100000.
    refused(w, "withdraw_collateral", user="alice", amount=4)
    act(w, "withdraw_collateral", user="alice", amount=3)
    assert market(w) == {"pledged": {"alice": 7, "mallory": 0}, "debt": {"alice": 10, "mallory": 0}, "pool": 10}


def test_without_proof_of_reserve_the_market_does_not_notice() -> None:
    w = short_by_one(proof_of_reserve=False)
    act(w, "deposit_collateral", user="mallory", amount=1)  # mallory's unbacked unit, accepted
    act(w, "borrow", user="mallory", amount=1)  # 1 * 10000 <= 1 * 15000
    act(w, "borrow", user="alice", amount=15)  # 15 * 10000 <= 10 * 15000
    # pool 20 - 1 - 15 = 4.
    assert market(w) == {"pledged": {"alice": 10, "mallory": 1}, "debt": {"alice": 15, "mallory": 1}, "pool": 4}


def test_proof_of_reserve_at_exact_backing_and_before_delivery() -> None:
    w = world(proof_of_reserve=True)
    act(w, "lock", user="alice", amount=30)
    act(w, "attest", id=0)
    # Not delivered yet: supply_remote 0 <= escrow 30 (over-backed is fine); alice has nothing to pledge.
    refused(w, "deposit_collateral", user="alice", amount=1)  # balance_remote 0 < 1
    act(w, "mint", id=0)  # supply 30 <= escrow 30: exactly backed
    act(w, "deposit_collateral", user="alice", amount=30)
    act(w, "borrow", user="alice", amount=20)  # 200000 <= 30 * 15000 = 450000; pool 20 >= 20
    assert market(w) == {"pledged": {"alice": 30, "mallory": 0}, "debt": {"alice": 20, "mallory": 0}, "pool": 0}


# --- Proof of Reserve across decimals (canonical units) ------------------------------------------------------


def decimals_world(home: int, remote: int, supply: int = 1000, faults: frozenset[str] = frozenset()) -> World:
    """As `world`, with the reserve check on, `home_decimals = home`, `remote_decimals = remote` (policy trim,
    the wire in min(home, remote) decimals) and alice holding `supply` home base units."""
    options = Options(faults=faults, amounts=Amounts(home_decimals=home, remote_decimals=remote))
    family = WrappedCollateral(**(SMALL | {"proof_of_reserve": True}))
    return World(Configuration(family, Custodian(), Bounds(messages=3, supply=supply), options))


@pytest.mark.parametrize(("paid", "backed"), [(399, False), (400, True)])
def test_proof_of_reserve_in_canonical_units_home_finer(paid: int, backed: bool) -> None:
    # home_decimals 2, remote_decimals 0: d = max(2, 0) = 2, S_h = 10^(2-2) = 1, S_r = 10^(2-0) = 100; the
    # wire has w = min(2, 0) = 0 decimals. alice locks 400 home units: wire = 400 // 10^(2-0) = 4 (no dust),
    # credited 4 * 10^(0-0) = 4 wrapped units. With the unchecked deposit she pays `paid` into escrow.
    w = decimals_world(2, 0, faults=frozenset({"unchecked_deposit"}))
    bridged(w, "alice", 400, 0, paid=paid)
    s = w.observe()
    assert (s["supply_remote"], s["escrow"], s["balance_remote"]["alice"]) == (4, paid, 4)
    if backed:
        # 4 * 100 = 400 <= 400 * 1: exactly backed.
        act(w, "deposit_collateral", user="alice", amount=4)
        act(w, "borrow", user="alice", amount=6)  # 6 * 10000 <= 4 * 15000 = 60000
        assert market(w) == {"pledged": {"alice": 4, "mallory": 0}, "debt": {"alice": 6, "mallory": 0}, "pool": 14}
    else:
        # 4 * 100 = 400 > 399 * 1: one home unit short (the raw comparison 4 <= 399 would not see it).
        refused(w, "deposit_collateral", user="alice", amount=1)
        refused(w, "deposit_collateral", user="alice", amount=4)


def test_proof_of_reserve_in_canonical_units_home_finer_borrow_boundary() -> None:
    # As above, paid 400 (backed), alice pledges 4. Then mallory's unchecked lock of 100 home units paying 0
    # (wire 100 // 100 = 1, credited 1 wrapped unit) makes supply 5 * 100 = 500 > escrow 400 * 1.
    w = decimals_world(2, 0, faults=frozenset({"unchecked_deposit"}))
    bridged(w, "alice", 400, 0, paid=400)
    act(w, "deposit_collateral", user="alice", amount=4)
    bridged(w, "mallory", 100, 1, paid=0)
    s = w.observe()
    assert (s["supply_remote"], s["escrow"]) == (5, 400)
    refused(w, "borrow", user="alice", amount=1)  # within the factor (10000 <= 60000), but 500 > 400
    refused(w, "deposit_collateral", user="mallory", amount=1)
    # mallory burns her unit: supply 4, 4 * 100 = 400 <= 400: backed again.
    act(w, "burn", user="mallory", amount=1, paid=1)
    assert w.observe()["supply_remote"] == 4
    act(w, "borrow", user="alice", amount=6)  # 60000 <= 60000
    assert market(w)["debt"]["alice"] == 6


def test_proof_of_reserve_in_canonical_units_remote_finer() -> None:
    # home_decimals 0, remote_decimals 2: d = 2, S_h = 10^(2-0) = 100, S_r = 10^(2-2) = 1; the wire has
    # w = min(0, 2) = 0 decimals. alice honestly locks 3 home units: wire = 3 // 10^0 = 3, credited
    # 3 * 10^(2-0) = 300 wrapped units; escrow 3.
    w = decimals_world(0, 2, supply=10, faults=frozenset({"unchecked_deposit"}))
    bridged(w, "alice", 3, 0, paid=3)
    s = w.observe()
    assert (s["supply_remote"], s["escrow"], s["balance_remote"]["alice"]) == (300, 3, 300)
    # Fully backed: 300 * 1 <= 3 * 100 = 300 (exactly). The raw comparison 300 <= 3 would freeze it.
    act(w, "deposit_collateral", user="alice", amount=200)
    act(w, "borrow", user="alice", amount=20)  # 20 * 10000 <= 200 * 15000; pool 20 >= 20
    act(w, "repay", user="alice", amount=20)  # back to pool 20, so a refused borrow below is the reserve's doing
    # mallory's unchecked lock of 1 home unit paying 0: wire 1, credited 1 * 100 = 100 wrapped units.
    bridged(w, "mallory", 1, 1, paid=0)
    s = w.observe()
    assert (s["supply_remote"], s["escrow"]) == (400, 3)
    # 400 * 1 = 400 > 3 * 100 = 300: short by one home unit.
    refused(w, "deposit_collateral", user="alice", amount=1)
    refused(w, "borrow", user="alice", amount=1)  # 10000 <= 200 * 15000 and pool 20 >= 1: the reserve refuses
    # mallory burns her 100 units (wire 100 // 10^(2-0) = 1, no dust): supply 300, 300 <= 300, backed again.
    act(w, "burn", user="mallory", amount=100, paid=100)
    assert w.observe()["supply_remote"] == 300
    act(w, "deposit_collateral", user="alice", amount=100)  # pledged 200 + 100 = 300
    act(w, "borrow", user="alice", amount=1)
    assert market(w) == {"pledged": {"alice": 300, "mallory": 0}, "debt": {"alice": 1, "mallory": 0}, "pool": 19}


def test_proof_of_reserve_with_equal_decimals_compares_base_units() -> None:
    # home_decimals = remote_decimals = 2: d = 2, S_h = S_r = 1; the wire keeps 2 decimals, so a lock of 30
    # is credited 30. supply 30 <= escrow 30: backed, as with no amounts table.
    w = decimals_world(2, 2)
    bridged(w, "alice", 30, 0)
    assert (w.observe()["supply_remote"], w.observe()["escrow"]) == (30, 30)
    act(w, "deposit_collateral", user="alice", amount=10)
    act(w, "borrow", user="alice", amount=15)  # 150000 <= 10 * 15000


# --- contagion from the bridge ---------------------------------------------------------------------------


def test_qubit_path_borrows_against_unbacked_collateral() -> None:
    """Qubit 2022: a deposit of nothing emits a full message, the honest custodian attests what was
    emitted, the wrapped token is minted unbacked, and the market lends against it at the canonical price."""
    w = world(QUBIT, pool=100)
    act(w, "lock", user="mallory", amount=50, paid=0)
    act(w, "attest", id=0)
    act(w, "mint", id=0)
    act(w, "deposit_collateral", user="mallory", amount=50)
    # 50 * 3 * 5000 = 750000: up to 75 (76 * 10000 = 760000 > 750000).
    refused(w, "borrow", user="mallory", amount=76)
    act(w, "borrow", user="mallory", amount=75)
    s = w.observe()
    # pool 100 - 75 = 25; mallory's wrapped tokens are all in the market's custody.
    assert market(w) == {"pledged": {"alice": 0, "mallory": 50}, "debt": {"alice": 0, "mallory": 75}, "pool": 25}
    assert (s["balance_remote"]["mallory"], s["supply_remote"], s["escrow"], s["balance_home"]["mallory"]) == (
        0,
        50,
        0,
        0,
    )
    # By the spec's measure: deficit = max(0, 50 - 0) = 50, held = 50, redeemable max(0, 50 - 50) = 0,
    # so bad_debt = max(0, 75 - 3 * 0) = 75: every unit lent is lost.


def test_qubit_path_is_stopped_by_proof_of_reserve() -> None:
    w = world(QUBIT, pool=100, proof_of_reserve=True)
    act(w, "lock", user="mallory", amount=50, paid=0)
    act(w, "attest", id=0)
    act(w, "mint", id=0)  # supply_remote 50 > escrow 0
    refused(w, "deposit_collateral", user="mallory", amount=50)
    refused(w, "deposit_collateral", user="mallory", amount=1)
    assert market(w) == {"pledged": {"alice": 0, "mallory": 0}, "debt": {"alice": 0, "mallory": 0}, "pool": 100}


def test_compromised_custodian_forged_mint_is_borrowed_against() -> None:
    w = world(compromised=1)
    act(w, "forge", id=0, dir="out", user="mallory", amount=8)
    act(w, "mint", id=0)  # the compromised key signed it: supply_remote 8, escrow 0
    act(w, "deposit_collateral", user="mallory", amount=8)
    # 8 * 15000 = 120000: up to 12.
    refused(w, "borrow", user="mallory", amount=13)
    act(w, "borrow", user="mallory", amount=12)
    assert market(w) == {"pledged": {"alice": 0, "mallory": 8}, "debt": {"alice": 0, "mallory": 12}, "pool": 8}
