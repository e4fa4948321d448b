"""Unit tests of the `lending` reference implementation, written from SEMANTICS.md ("Family `lending`") alone.

Every expected number is worked out by hand from the specification's formulas (in the comments), never
computed by the code under test. The worlds are built from a `Lending` instance directly, so the tests
do not need the family to be registered.
"""

from __future__ import annotations

from typing import Any

import pytest

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.lending import Lending
from bridgeproof.model.reference.world import World
from harness import act, refused

# Small, hand-checkable defaults: one lot of 1 token at 10000 base units; LTV 80 %, LT 85 %, bonus 5 %;
# heartbeat 3600 s and volatility 1000 bps/h, so the band D = 1000 * 3600 // 3600 = 1000 bps (10 %);
# latency 900 s.
BASE: dict[str, Any] = {
    "collateral": 1,
    "initial_price": 10_000,
    "ltv_bps": 8000,
    "lt_bps": 8500,
    "bonus_bps": 500,
    "heartbeat": 3600,
    "volatility": 1000,
    "latency": 900,
}
H = 3600
L = 900


def world(**overrides: Any) -> World:
    params = BASE | overrides
    return World(Configuration(Lending(**params), None, Bounds()))


def wait_to(w: World, when: int) -> None:
    act(w, "wait", seconds=when - w.observe()["now"])


def pos(w: World, p: int = 0) -> dict[str, Any]:
    return w.observe()["positions"][p]


def held(w: World, p: int = 0) -> None:
    """Deposit the lot of `p` now and deliver it `latency` seconds later."""
    act(w, "deposit_collateral", position=p)
    act(w, "wait", seconds=L)
    act(w, "deliver", position=p)


def report_at(w: World, when: int) -> None:
    wait_to(w, when)
    act(w, "oracle_update")


FRESH = {
    "status": "wallet",
    "sent_at": 0,
    "debt": 0,
    "borrowed": 0,
    "repaid": 0,
    "repaying": 0,
    "repay_sent_at": 0,
    "liq_price": 0,
    "liq_debt": 0,
}


# --- initial state ------------------------------------------------------------------------------------------------


def test_initial_state() -> None:
    w = world(positions=2)
    assert w.observe() == {
        "now": 0,
        "price": 10_000,
        "oracle": {"price": 10_000, "at": 0},
        "bad_debt": 0,
        "positions": {0: FRESH, 1: FRESH},
    }


def test_observe_returns_fresh_values() -> None:
    w = world()
    seen = w.observe()
    seen["positions"][0]["debt"] = 99
    seen["oracle"]["price"] = 1
    assert w.observe()["positions"][0]["debt"] == 0
    assert w.observe()["oracle"]["price"] == 10_000


def test_every_declared_action_has_a_handler() -> None:
    assert world().available_actions() == (
        "deposit_collateral",
        "deliver",
        "borrow",
        "repay",
        "deliver_repay",
        "withdraw_collateral",
        "liquidate",
        "price_move",
        "oracle_update",
        "wait",
    )


# --- deposit and deliver ------------------------------------------------------------------------------------------


def test_deposit_then_deliver_after_exactly_latency() -> None:
    w = world()
    act(w, "wait", seconds=5)
    act(w, "deposit_collateral", position=0)
    assert pos(w) == FRESH | {"status": "depositing", "sent_at": 5}
    refused(w, "deposit_collateral", position=0)  # status is no longer wallet
    act(w, "wait", seconds=L - 1)  # now = 904 = sent_at + latency - 1
    refused(w, "deliver", position=0)
    act(w, "wait", seconds=1)  # now = 905
    act(w, "deliver", position=0)
    assert pos(w) == FRESH | {"status": "held", "sent_at": 5}  # sent_at keeps its value
    refused(w, "deliver", position=0)  # nothing in flight any more
    refused(w, "deposit_collateral", position=0)


def test_deliver_refused_with_nothing_in_flight() -> None:
    w = world()
    refused(w, "deliver", position=0)


def test_zero_latency_delivers_in_the_same_second() -> None:
    w = world(latency=0)
    act(w, "deposit_collateral", position=0)
    refused(w, "wait", seconds=1)  # the relayer's deadline is sent_at + 0 = now
    act(w, "deliver", position=0)
    assert pos(w)["status"] == "held"
    act(w, "wait", seconds=1)


def test_positions_are_independent() -> None:
    w = world(positions=2)
    act(w, "deposit_collateral", position=1)
    assert pos(w, 0) == FRESH
    assert pos(w, 1)["status"] == "depositing"
    act(w, "deposit_collateral", position=0)
    act(w, "wait", seconds=L)
    act(w, "deliver", position=1)
    assert pos(w, 0)["status"] == "depositing"
    assert pos(w, 1)["status"] == "held"


def test_driver_refuses_bad_arguments() -> None:
    w = world()
    refused(w, "deposit_collateral", position=1)  # outside 0 .. positions-1
    refused(w, "deposit_collateral", position=True)
    refused(w, "borrow", position=0, amount=True)
    refused(w, "borrow", position=0)
    refused(w, "oracle_update", position=0)
    refused(w, "no_such_action")


# --- borrow -------------------------------------------------------------------------------------------------------


def test_borrow_needs_held_collateral() -> None:
    w = world()
    refused(w, "borrow", position=0, amount=1)  # wallet
    act(w, "deposit_collateral", position=0)
    refused(w, "borrow", position=0, amount=1)  # depositing: credited only on arrival
    act(w, "wait", seconds=L)
    act(w, "deliver", position=0)
    act(w, "borrow", position=0, amount=1)
    assert pos(w)["debt"] == 1 and pos(w)["borrowed"] == 1


@pytest.mark.parametrize("amount", [0, -1])
def test_borrow_amount_must_be_positive(amount: int) -> None:
    w = world()
    held(w)
    refused(w, "borrow", position=0, amount=amount)


def test_borrow_up_to_ltv_exactly() -> None:
    # (debt + amount) * 10000 <= C * oracle.price * ltv = 1 * 10000 * 8000: the limit is 8000.
    w = world()
    held(w)
    act(w, "borrow", position=0, amount=5000)
    refused(w, "borrow", position=0, amount=3001)  # 8001 * 10000 > 80_000_000
    act(w, "borrow", position=0, amount=3000)
    assert pos(w)["debt"] == 8000 and pos(w)["borrowed"] == 8000
    refused(w, "borrow", position=0, amount=1)


def test_borrow_limit_rounds_down_when_not_exact() -> None:
    # C * P * LTV = 3 * 333 * 8050 = 8_041_950; the largest debt d with d * 10000 <= 8_041_950 is 804.
    w = world(collateral=3, initial_price=333, ltv_bps=8050, lt_bps=8300)
    held(w)
    refused(w, "borrow", position=0, amount=805)
    act(w, "borrow", position=0, amount=804)


def test_borrow_reads_the_oracle_not_the_market() -> None:
    w = world()
    held(w)  # now = 900
    act(w, "price_move", price=9000)  # the market falls; the oracle still says 10000
    act(w, "borrow", position=0, amount=8000)  # 8000 * 10000 <= 1 * 10000 * 8000
    assert w.observe()["price"] == 9000
    assert pos(w)["debt"] == 8000


def test_borrow_at_ltv_zero_refused() -> None:
    w = world(ltv_bps=0)
    held(w)
    refused(w, "borrow", position=0, amount=1)


# --- repay and deliver_repay --------------------------------------------------------------------------------------


def test_repay_guards() -> None:
    w = world()
    refused(w, "repay", position=0, amount=1)  # no debt
    held(w)
    act(w, "borrow", position=0, amount=100)
    refused(w, "repay", position=0, amount=0)
    refused(w, "repay", position=0, amount=-5)
    refused(w, "repay", position=0, amount=101)  # more than the debt
    act(w, "repay", position=0, amount=100)
    refused(w, "repay", position=0, amount=1)  # one repayment in flight at a time


def test_repayment_is_credited_on_arrival() -> None:
    w = world()
    held(w)  # now = 900
    act(w, "borrow", position=0, amount=100)
    act(w, "wait", seconds=10)  # now = 910
    act(w, "repay", position=0, amount=40)
    assert pos(w) == FRESH | {
        "status": "held",
        "debt": 100,  # not credited yet
        "borrowed": 100,
        "repaying": 40,
        "repay_sent_at": 910,
    }
    act(w, "wait", seconds=L - 1)  # now = 1809
    refused(w, "deliver_repay", position=0)
    act(w, "wait", seconds=1)  # now = 1810 = 910 + 900
    act(w, "deliver_repay", position=0)
    assert pos(w) == FRESH | {
        "status": "held",
        "debt": 60,
        "borrowed": 100,
        "repaid": 40,
        "repaying": 0,
        "repay_sent_at": 910,  # keeps its value after delivery
    }
    refused(w, "deliver_repay", position=0)  # nothing in flight


def test_deliver_repay_refused_with_nothing_in_flight() -> None:
    w = world()
    refused(w, "deliver_repay", position=0)


# --- withdraw -----------------------------------------------------------------------------------------------------


def test_withdraw_needs_held_and_no_debt() -> None:
    w = world()
    refused(w, "withdraw_collateral", position=0)  # wallet
    act(w, "deposit_collateral", position=0)
    refused(w, "withdraw_collateral", position=0)  # depositing
    act(w, "wait", seconds=L)
    act(w, "deliver", position=0)
    act(w, "borrow", position=0, amount=1)
    refused(w, "withdraw_collateral", position=0)  # debt 1


def test_round_trip() -> None:
    # deposit, borrow, repay, withdraw: the witness position_round_trip's shape.
    w = world()
    held(w)  # now = 900
    act(w, "borrow", position=0, amount=500)
    act(w, "repay", position=0, amount=500)  # sent at 900
    act(w, "wait", seconds=L)  # 1800
    act(w, "deliver_repay", position=0)
    act(w, "wait", seconds=7)  # 1807
    act(w, "withdraw_collateral", position=0)
    assert pos(w)["status"] == "withdrawing" and pos(w)["sent_at"] == 1807
    refused(w, "borrow", position=0, amount=1)  # debited at the hub before the release is sent
    refused(w, "deposit_collateral", position=0)  # the lot is still in the spoke pool
    act(w, "wait", seconds=L)  # 2707
    act(w, "deliver", position=0)
    assert pos(w) == {
        "status": "wallet",
        "sent_at": 1807,
        "debt": 0,
        "borrowed": 500,
        "repaid": 500,
        "repaying": 0,
        "repay_sent_at": 900,
        "liq_price": 0,
        "liq_debt": 0,
    }
    act(w, "deposit_collateral", position=0)  # the lot can go round again
    assert pos(w)["status"] == "depositing" and pos(w)["sent_at"] == 2707


# --- the market and the oracle ------------------------------------------------------------------------------------


def test_price_move_not_in_the_second_of_a_report() -> None:
    w = world()
    refused(w, "price_move", price=10_001)  # now = 0 = oracle.at
    act(w, "wait", seconds=1)
    act(w, "price_move", price=10_001)
    assert w.observe()["price"] == 10_001
    report_at(w, H)
    assert w.observe()["oracle"] == {"price": 10_001, "at": H}
    refused(w, "price_move", price=10_000)  # now = 3600 = oracle.at
    act(w, "wait", seconds=1)
    act(w, "price_move", price=10_000)


@pytest.mark.parametrize(
    ("price", "ok"), [(9000, True), (8999, False), (11_000, True), (11_001, False), (10_000, True)]
)
def test_price_move_band(price: int, ok: bool) -> None:
    # |price - 10000| * 10000 <= D * 10000 with D = 1000: the band is [9000, 11000].
    w = world()
    act(w, "wait", seconds=1)
    if ok:
        act(w, "price_move", price=price)
        assert w.observe()["price"] == price
    else:
        refused(w, "price_move", price=price)


def test_band_is_anchored_at_the_report_not_the_current_price() -> None:
    w = world()
    act(w, "wait", seconds=1)
    act(w, "price_move", price=9000)
    refused(w, "price_move", price=8999)  # still measured from the report 10000
    act(w, "price_move", price=11_000)


@pytest.mark.parametrize(("price", "ok"), [(9723, True), (9722, False), (10_277, True), (10_278, False)])
def test_band_rounds_down(price: int, ok: bool) -> None:
    # heartbeat 1000: D = 1000 * 1000 // 3600 = 277 (floor of 277.8); band [9723, 10277] around 10000.
    w = world(heartbeat=1000)
    act(w, "wait", seconds=1)
    if ok:
        act(w, "price_move", price=price)
    else:
        refused(w, "price_move", price=price)


def test_price_must_be_positive() -> None:
    # volatility 10000 over an hour: D = 10000, so the band [0, 20000] alone would allow 0.
    w = world(volatility=10_000)
    act(w, "wait", seconds=1)
    refused(w, "price_move", price=0)
    refused(w, "price_move", price=-1)
    act(w, "price_move", price=1)
    act(w, "price_move", price=20_000)
    refused(w, "price_move", price=20_001)


def test_band_with_no_volatility() -> None:
    w = world(volatility=0)
    act(w, "wait", seconds=1)
    refused(w, "price_move", price=10_001)
    refused(w, "price_move", price=9999)
    act(w, "price_move", price=10_000)


def test_oracle_reports_once_per_heartbeat() -> None:
    w = world()
    refused(w, "oracle_update")
    act(w, "wait", seconds=1)
    act(w, "price_move", price=9500)
    wait_to(w, H - 1)
    refused(w, "oracle_update")
    act(w, "wait", seconds=1)
    act(w, "oracle_update")
    assert w.observe()["oracle"] == {"price": 9500, "at": H}
    refused(w, "oracle_update")  # next one at 7200
    # The next band is around the new report 9500: D * 9500 / 10000 = 950, so [8550, 10450].
    act(w, "wait", seconds=1)
    refused(w, "price_move", price=8549)
    act(w, "price_move", price=8550)


# --- wait and urgency ---------------------------------------------------------------------------------------------


def test_wait_must_be_positive() -> None:
    w = world()
    refused(w, "wait", seconds=0)
    refused(w, "wait", seconds=-1)


def test_keeper_urgency() -> None:
    w = world()
    refused(w, "wait", seconds=H + 1)  # would pass oracle.at + heartbeat = 3600
    act(w, "wait", seconds=H)  # reaching it exactly is fine
    refused(w, "wait", seconds=1)  # the report is due now
    act(w, "oracle_update")
    act(w, "wait", seconds=H)
    assert w.observe()["now"] == 2 * H


def test_relayer_urgency_for_collateral_messages() -> None:
    w = world()
    act(w, "wait", seconds=100)
    act(w, "deposit_collateral", position=0)  # due by 1000
    refused(w, "wait", seconds=L + 1)
    act(w, "wait", seconds=L)
    refused(w, "wait", seconds=1)
    act(w, "deliver", position=0)
    act(w, "wait", seconds=1)


def test_relayer_urgency_for_repayments() -> None:
    w = world()
    held(w)  # now = 900
    act(w, "borrow", position=0, amount=10)
    act(w, "repay", position=0, amount=10)  # due by 1800
    refused(w, "wait", seconds=L + 1)
    act(w, "wait", seconds=L)
    refused(w, "wait", seconds=1)
    act(w, "deliver_repay", position=0)
    act(w, "wait", seconds=1)


# --- liquidation --------------------------------------------------------------------------------------------------


def test_liquidate_refused_when_healthy() -> None:
    w = world()
    refused(w, "liquidate", position=0)  # wallet
    held(w)
    refused(w, "liquidate", position=0)  # held, no debt
    act(w, "borrow", position=0, amount=8000)
    refused(w, "liquidate", position=0)  # 10000 * 8500 >= 8000 * 10000


def test_health_factor_exactly_one_is_not_liquidatable() -> None:
    # LTV = LT = 8500: borrowing 8500 at 10000 gives C * p * LT = 85_000_000 = debt * 10000 (HF = 1).
    w = world(ltv_bps=8500)
    held(w)
    act(w, "borrow", position=0, amount=8500)
    refused(w, "liquidate", position=0)
    act(w, "wait", seconds=1)  # nothing is liquidatable, so time may pass


def _liquidatable_at_report(w: World, market: int) -> None:
    """Borrow 8000 against the lot, move the market to `market`, and report it at 3600."""
    held(w)  # now = 900
    act(w, "borrow", position=0, amount=8000)
    act(w, "price_move", price=market)
    report_at(w, H)


def test_liquidation_threshold_boundary() -> None:
    # debt 8000, LT 8500: liquidatable iff p * 8500 < 80_000_000, i.e. p <= 9411.
    # 9412 * 8500 = 80_002_000 (healthy); 9411 * 8500 = 79_993_500 (liquidatable).
    w = world()
    _liquidatable_at_report(w, 9412)
    refused(w, "liquidate", position=0)
    act(w, "wait", seconds=1)  # healthy: time may pass
    act(w, "price_move", price=9411)  # the market alone does not make it liquidatable
    refused(w, "liquidate", position=0)
    report_at(w, 2 * H)
    refused(w, "wait", seconds=1)  # the honest liquidator acts at once
    act(w, "liquidate", position=0)
    # Settle at the market 9411: floor(1 * 9411 * 10000 / 10500) = floor(8962.86) = 8962 >= 8000, no bad debt.
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {"status": "seized", "borrowed": 8000, "sent_at": 0, "liq_price": 9411, "liq_debt": 8000}
    act(w, "wait", seconds=1)


def test_hub_local_bad_debt() -> None:
    # LTV = LT = 9500: borrow 9500. The market falls to 9000 and is reported: 9000 * 9500 < 9500 * 10000.
    # Settle: covered = min(9500, floor(9000 * 10000 / 10500)) = min(9500, 8571) = 8571; bad debt 9500 - 8571 = 929.
    w = world(ltv_bps=9500, lt_bps=9500)
    held(w)
    act(w, "borrow", position=0, amount=9500)
    act(w, "price_move", price=9000)
    report_at(w, H)
    act(w, "liquidate", position=0)
    state = w.observe()
    assert state["bad_debt"] == 929
    assert state["positions"][0] == FRESH | {"status": "seized", "borrowed": 9500, "liq_price": 9000, "liq_debt": 9500}


def test_seized_is_final() -> None:
    w = world()
    _liquidatable_at_report(w, 9000)
    act(w, "liquidate", position=0)
    for action, args in [
        ("liquidate", {}),
        ("deposit_collateral", {}),
        ("deliver", {}),
        ("borrow", {"amount": 1}),
        ("withdraw_collateral", {}),
        ("repay", {"amount": 1}),
    ]:
        refused(w, action, position=0, **args)
    assert pos(w)["status"] == "seized"


def _cross_chain_liquidated(**overrides: Any) -> World:
    """cross_chain, LTV = LT = 9000, borrow 9000; the market moves to 9999 and is reported at 3600, where
    9999 * 9000 < 9000 * 10000: liquidated at 3600, seize due at 4500."""
    w = world(liquidation="cross_chain", ltv_bps=9000, lt_bps=9000, **overrides)
    held(w)
    act(w, "borrow", position=0, amount=9000)
    act(w, "price_move", price=9999)
    report_at(w, H)
    act(w, "liquidate", position=0)
    return w


def test_cross_chain_liquidation_sends_a_seize() -> None:
    w = _cross_chain_liquidated()
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {"status": "seizing", "sent_at": H, "debt": 9000, "borrowed": 9000}
    # Nothing can be borrowed, withdrawn or liquidated again while the seize travels.
    refused(w, "borrow", position=0, amount=1)
    refused(w, "withdraw_collateral", position=0)
    refused(w, "liquidate", position=0)
    act(w, "wait", seconds=1)  # seizing is not liquidatable, time may pass
    refused(w, "wait", seconds=L)  # 3601 + 900 > 3600 + 900
    wait_to(w, H + L - 1)
    refused(w, "deliver", position=0)
    act(w, "wait", seconds=1)
    act(w, "deliver", position=0)
    # The market is still 9999: covered = min(9000, floor(9999 * 10000 / 10500)) = min(9000, 9522) = 9000.
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {"status": "seized", "sent_at": H, "borrowed": 9000, "liq_price": 9999, "liq_debt": 9000}


@pytest.mark.parametrize(
    ("market", "bad_debt"),
    [
        # floor(9450 * 10000 / 10500) = 94_500_000 / 10500 = 9000 exactly: fully covered.
        (9450, 0),
        # floor(94_490_000 / 10500) = floor(8999.05) = 8999: one unit of bad debt (covered rounds down).
        (9449, 1),
        # The bottom of the band around 9999: 9999 - floor(1000 * 9999 / 10000) = 9000;
        # floor(90_000_000 / 10500) = floor(8571.43) = 8571: bad debt 9000 - 8571 = 429.
        (9000, 429),
    ],
)
def test_cross_chain_settles_at_the_market_on_delivery(market: int, bad_debt: int) -> None:
    w = _cross_chain_liquidated()
    act(w, "wait", seconds=1)  # 3601: the market may move again
    act(w, "price_move", price=market)
    wait_to(w, H + L)
    act(w, "deliver", position=0)
    state = w.observe()
    assert state["bad_debt"] == bad_debt
    assert state["positions"][0] == FRESH | {
        "status": "seized",
        "sent_at": H,
        "borrowed": 9000,
        "liq_price": market,
        "liq_debt": 9000,
    }


def test_cross_chain_band_bottom_is_the_floor() -> None:
    # Around the report 9999 the band is 9999 * 1000 / 10000 = 999.9: 9000 is in, 8999 is out.
    w = _cross_chain_liquidated()
    act(w, "wait", seconds=1)
    refused(w, "price_move", price=8999)
    act(w, "price_move", price=9000)


def test_hub_local_settles_at_once_in_the_same_configuration() -> None:
    # The same run as _cross_chain_liquidated, hub_local: settled at the market 9999 at 3600.
    w = world(ltv_bps=9000, lt_bps=9000)
    held(w)
    act(w, "borrow", position=0, amount=9000)
    act(w, "price_move", price=9999)
    report_at(w, H)
    act(w, "liquidate", position=0)
    assert pos(w) == FRESH | {"status": "seized", "borrowed": 9000, "liq_price": 9999, "liq_debt": 9000}
    assert w.observe()["bad_debt"] == 0
    act(w, "wait", seconds=1)
    refused(w, "deliver", position=0)  # no message: nothing to deliver


def test_liquidation_ignores_a_repayment_in_flight_hub_local() -> None:
    w = world()
    held(w)  # now = 900
    act(w, "borrow", position=0, amount=8000)
    act(w, "price_move", price=9000)
    wait_to(w, 3000)
    act(w, "repay", position=0, amount=8000)  # in flight, due at 3900
    report_at(w, H)  # 9000 * 8500 < 8000 * 10000: liquidatable although the whole debt is on its way
    act(w, "liquidate", position=0)
    # covered = min(8000, floor(9000 * 10000 / 10500) = 8571) = 8000
    assert pos(w) == FRESH | {
        "status": "seized",
        "borrowed": 8000,
        "repaying": 8000,
        "repay_sent_at": 3000,
        "liq_price": 9000,
        "liq_debt": 8000,
    }
    wait_to(w, 3900)
    act(w, "deliver_repay", position=0)
    # min(8000, debt 0) = 0 is credited; the payment goes back to the payer, unobserved.
    assert pos(w) == FRESH | {
        "status": "seized",
        "borrowed": 8000,
        "repay_sent_at": 3000,
        "liq_price": 9000,
        "liq_debt": 8000,
    }
    assert w.observe()["bad_debt"] == 0


def test_repayment_arriving_while_seizing_reduces_the_settled_debt() -> None:
    # cross_chain, LTV = LT = 9000, debt 9000; repay 3000 at 3000 (arrives 3900), liquidated at 3600
    # (seize arrives 4500) with the market then at 9000: settle sees debt 6000,
    # covered = min(6000, 8571) = 6000, no bad debt.
    w = world(liquidation="cross_chain", ltv_bps=9000, lt_bps=9000)
    held(w)
    act(w, "borrow", position=0, amount=9000)
    act(w, "price_move", price=9999)
    wait_to(w, 3000)
    act(w, "repay", position=0, amount=3000)
    report_at(w, H)
    act(w, "liquidate", position=0)
    act(w, "wait", seconds=1)
    act(w, "price_move", price=9000)
    wait_to(w, 3900)
    act(w, "deliver_repay", position=0)
    assert pos(w)["debt"] == 6000 and pos(w)["repaid"] == 3000 and pos(w)["status"] == "seizing"
    wait_to(w, H + L)
    act(w, "deliver", position=0)
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {
        "status": "seized",
        "sent_at": H,
        "borrowed": 9000,
        "repaid": 3000,
        "repay_sent_at": 3000,
        "liq_price": 9000,
        "liq_debt": 6000,
    }


def test_full_repayment_before_the_seize_leaves_liq_debt_zero() -> None:
    w = world(liquidation="cross_chain", ltv_bps=9000, lt_bps=9000)
    held(w)
    act(w, "borrow", position=0, amount=9000)
    act(w, "price_move", price=9999)
    wait_to(w, 3000)
    act(w, "repay", position=0, amount=9000)
    report_at(w, H)
    act(w, "liquidate", position=0)
    wait_to(w, 3900)
    act(w, "deliver_repay", position=0)
    assert pos(w)["debt"] == 0 and pos(w)["status"] == "seizing"
    wait_to(w, H + L)
    act(w, "deliver", position=0)
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {
        "status": "seized",
        "sent_at": H,
        "borrowed": 9000,
        "repaid": 9000,
        "repay_sent_at": 3000,
        "liq_price": 9999,
        "liq_debt": 0,
    }


def test_bad_debt_accumulates_over_positions() -> None:
    # Two positions, LTV = LT = 9500, each borrows 9500; reported at 9000: each leaves 9500 - 8571 = 929.
    w = world(positions=2, ltv_bps=9500, lt_bps=9500)
    act(w, "deposit_collateral", position=0)
    act(w, "deposit_collateral", position=1)
    act(w, "wait", seconds=L)
    act(w, "deliver", position=0)
    act(w, "deliver", position=1)
    act(w, "borrow", position=0, amount=9500)
    act(w, "borrow", position=1, amount=9500)
    act(w, "price_move", price=9000)
    report_at(w, H)
    act(w, "liquidate", position=1)
    assert w.observe()["bad_debt"] == 929
    refused(w, "wait", seconds=1)  # position 0 is still liquidatable
    act(w, "liquidate", position=0)
    assert w.observe()["bad_debt"] == 2 * 929


# --- manipulable oracle (manipulation_bps = M > 0) -----------------------------------------------------------------


def test_manipulation_defaults_to_zero() -> None:
    # Without the parameter M = 0: the borrow limit is the plain LTV one (8000, test_borrow_up_to_ltv_exactly).
    assert Lending(**BASE).manipulation_bps == 0
    w = world()
    held(w)
    refused(w, "borrow", position=0, amount=8001)
    act(w, "borrow", position=0, amount=8000)


@pytest.mark.parametrize(
    ("m", "limit"),
    [
        # (debt + amount) * 10000 * 10000 <= C * oracle.price * (10000 + M) * LTV:
        # M = 500: 1 * 10000 * 10500 * 8000 = 840_000_000_000 = 8400 * 10^8, so the limit is 8400 exactly.
        (500, 8400),
        # M = 333: 1 * 10000 * 10333 * 8000 = 826_640_000_000 = 8266.4 * 10^8, so 8266 (8267 * 10^8 is over).
        (333, 8266),
        # M = 10000: 1 * 10000 * 20000 * 8000 = 1_600_000_000_000 = 16000 * 10^8 (twice the plain limit).
        (10_000, 16_000),
    ],
)
def test_borrow_reads_the_report_up_to_m_high(m: int, limit: int) -> None:
    w = world(manipulation_bps=m)
    held(w)
    refused(w, "borrow", position=0, amount=limit + 1)  # one unit over the limit
    act(w, "borrow", position=0, amount=limit)  # at it
    assert pos(w)["debt"] == limit and pos(w)["borrowed"] == limit
    refused(w, "borrow", position=0, amount=1)  # (limit + 1) * 10^8 is over again
    assert w.observe()["oracle"] == {"price": 10_000, "at": 0}  # the report itself is untouched


def test_borrow_at_the_high_read_then_liquidate_at_the_low_read_in_the_same_second() -> None:
    # M = 500, borrow 8400 (the limit above). At the report: 10000 * 8500 = 85_000_000 >= 8400 * 10000 =
    # 84_000_000, healthy, so the urgency lets time pass. At the low read: 10000 * 9500 * 8500 =
    # 807_500_000_000 < 8400 * 10^8 = 840_000_000_000: liquidatable.
    w = world(manipulation_bps=500)
    held(w)  # now = 900
    act(w, "borrow", position=0, amount=8400)
    act(w, "wait", seconds=1)  # now = 901: the honest liquidator is not bound to act
    act(w, "liquidate", position=0)
    # Settle at the market 10000: covered = min(8400, floor(10000 * 10000 / 10500) = floor(9523.8) = 9523) = 8400.
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {"status": "seized", "borrowed": 8400, "liq_price": 10_000, "liq_debt": 8400}


def _reported_with_debt_8000(market: int, **overrides: Any) -> World:
    """M = 500, borrow 8000 at the report 10000 (within 8400), move the market to `market`, report it at 3600."""
    w = world(manipulation_bps=500, **overrides)
    held(w)  # now = 900
    act(w, "borrow", position=0, amount=8000)
    # At 10000 before the move, the low read: 10000 * 9500 * 8500 = 807_500_000_000 >= 8000 * 10^8: not yet.
    refused(w, "liquidate", position=0)
    act(w, "price_move", price=market)
    report_at(w, H)
    return w


def test_liquidation_at_the_low_read_of_a_position_healthy_at_the_report() -> None:
    # debt 8000, LT 8500, M = 500. At the report 9907: 9907 * 8500 = 84_209_500 >= 80_000_000, healthy.
    # At the low read: 9907 * 9500 * 8500 = 9907 * 80_750_000 = 799_990_250_000 < 8000 * 10^8: liquidatable.
    w = _reported_with_debt_8000(9907)
    act(w, "wait", seconds=1)  # now = 3601: the urgency still reads the report itself, healthy
    act(w, "liquidate", position=0)
    # Settle at the market 9907: covered = min(8000, floor(9907 * 10000 / 10500) = floor(9435.2) = 9435) = 8000.
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {"status": "seized", "borrowed": 8000, "liq_price": 9907, "liq_debt": 8000}
    # The unfairness this allows: C * liq_price * LT = 84_209_500 >= liq_debt * 10000 = 80_000_000.


def test_liquidation_refused_just_healthy_at_the_low_read() -> None:
    # At 9908 the low read: 9908 * 80_750_000 = 800_071_000_000 >= 8000 * 10^8 = 800_000_000_000: healthy.
    w = _reported_with_debt_8000(9908)
    refused(w, "liquidate", position=0)
    act(w, "wait", seconds=1)
    refused(w, "liquidate", position=0)
    assert pos(w)["status"] == "held" and pos(w)["debt"] == 8000


def test_liquidation_at_the_low_read_cross_chain_sends_the_seize() -> None:
    # The same reading as above (9907 is liquidatable at the low read, healthy at the report), cross_chain:
    # the seize leaves at 3600 with the debt still on the books, due at 3600 + 900 = 4500.
    w = _reported_with_debt_8000(9907, liquidation="cross_chain")
    act(w, "liquidate", position=0)
    assert pos(w) == FRESH | {"status": "seizing", "sent_at": H, "debt": 8000, "borrowed": 8000}
    refused(w, "liquidate", position=0)  # seizing, not held
    wait_to(w, H + L)
    act(w, "deliver", position=0)
    # Settled at the market 9907: covered = min(8000, 9435) = 8000, no bad debt.
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {"status": "seized", "sent_at": H, "borrowed": 8000, "liq_price": 9907, "liq_debt": 8000}


@pytest.mark.parametrize("m", [10_000, 10_001, 1_000_000])
def test_manipulation_of_10000_or_more_liquidates_any_indebted_held_position(m: int) -> None:
    # M >= 10000: C * oracle.price * (10000 - M) * LT <= 0 < debt * 10^8 for any debt >= 1.
    w = world(manipulation_bps=m)
    refused(w, "liquidate", position=0)  # wallet
    act(w, "deposit_collateral", position=0)
    refused(w, "liquidate", position=0)  # depositing, not held
    act(w, "wait", seconds=L)
    act(w, "deliver", position=0)
    refused(w, "liquidate", position=0)  # held, but debt 0
    act(w, "borrow", position=0, amount=1)
    # At the report: 10000 * 8500 = 85_000_000 >= 1 * 10000: healthy, so time may pass.
    act(w, "wait", seconds=1)
    act(w, "liquidate", position=0)
    # Settle at the market 10000: covered = min(1, 9523) = 1, no bad debt.
    assert w.observe()["bad_debt"] == 0
    assert pos(w) == FRESH | {"status": "seized", "borrowed": 1, "liq_price": 10_000, "liq_debt": 1}


def test_urgency_is_unchanged_by_manipulation() -> None:
    # M = 500, debt 8000. The report 9412 is healthy (9412 * 8500 = 80_002_000 >= 80_000_000) though the low
    # read already qualifies (9412 * 80_750_000 = 760_019_000_000 < 8 * 10^11): time may pass.
    # The report 9411 is liquidatable at the report (9411 * 8500 = 79_993_500 < 80_000_000): wait refused.
    w = _reported_with_debt_8000(9412)
    act(w, "wait", seconds=1)  # now = 3601
    act(w, "price_move", price=9411)
    report_at(w, 2 * H)
    refused(w, "wait", seconds=1)  # the honest liquidator acts at once, as with M = 0
    act(w, "liquidate", position=0)
    # Settle at the market 9411: covered = min(8000, floor(94_110_000 / 10500) = floor(8962.9) = 8962) = 8000.
    assert w.observe()["bad_debt"] == 0
    act(w, "wait", seconds=1)


def test_readings_cover_exactly_the_declared_fields() -> None:
    w = world()
    declared = {f.name for f in w.config.fields} - {"now"}  # `now` is the clock feature's
    assert set(w.deployment.read()) == declared
