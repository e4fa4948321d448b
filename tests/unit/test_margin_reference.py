"""Unit tests of the `margin` reference implementation, written from SEMANTICS.md ("Family `margin`") alone.

Every expected number is worked out by hand from the specification's formulas (in the comments), never
computed by the code under test. The worlds are built from a `Margin` instance directly.
"""

from __future__ import annotations

from typing import Any

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.margin import Margin
from bridgeproof.model.protocols.margin.contracts import HANDLERS
from bridgeproof.model.reference.world import World
from harness import act, refused

# Small, hand-checkable parameters.
# a: 1 token at 10000; LTV 80 %, LT 85 %, bonus 5 %; H 3600, V 1000 -> D = 1000; L 900 -> S = 1000*900//3600 = 250.
# b: 2 tokens at 5000; LTV 70 %, LT 75 %, bonus 0; H 1800, V 2000 -> D = 2000*1800//3600 = 1000;
#    L 600 -> S = 2000*600//3600 = 333 (floor of 333.3).
# c: 10 tokens at 109; LTV 50 %, LT 60 %, bonus 10 %; H 3600, V 500 -> D = 500; L 0 -> S = 0.
BASE: dict[str, Any] = {
    "positions": 1,
    "liquidation": "cross_chain",
    "lot_a": 1,
    "price_a": 10_000,
    "ltv_a": 8000,
    "lt_a": 8500,
    "bonus_a": 500,
    "heartbeat_a": 3600,
    "volatility_a": 1000,
    "latency_a": 900,
    "lot_b": 2,
    "price_b": 5000,
    "ltv_b": 7000,
    "lt_b": 7500,
    "bonus_b": 0,
    "heartbeat_b": 1800,
    "volatility_b": 2000,
    "latency_b": 600,
    "lot_c": 10,
    "price_c": 109,
    "ltv_c": 5000,
    "lt_c": 6000,
    "bonus_c": 1000,
    "heartbeat_c": 3600,
    "volatility_c": 500,
    "latency_c": 0,
}
LATENCY = {"a": 900, "b": 600, "c": 0}
HEARTBEAT = {"a": 3600, "b": 1800, "c": 3600}


def world(**overrides: Any) -> World:
    return World(Configuration(Margin(**(BASE | overrides)), None, Bounds()))


def default_world(**overrides: Any) -> World:
    """The family's defaults (the three chains of SEMANTICS.md), liquidated by seize commands."""
    return World(Configuration(Margin(**({"liquidation": "cross_chain"} | overrides)), None, Bounds()))


def now(w: World) -> int:
    return int(w.observe()["now"])


def advance(w: World, until: int, heartbeat: dict[str, int] = HEARTBEAT) -> None:
    """Wait until `until`, each feed's keeper reporting on time at the heartbeats strictly before it."""
    while now(w) < until:
        spokes = w.observe()["spokes"]
        due = min(spokes[k]["oracle"]["at"] + heartbeat[k] for k in heartbeat)
        if due < until and due == now(w):
            for k in heartbeat:
                if w.observe()["spokes"][k]["oracle"]["at"] + heartbeat[k] == now(w):
                    act(w, "oracle_update", spoke=k)
            continue
        act(w, "wait", seconds=min(due, until) - now(w))


def report_due(w: World, heartbeat: dict[str, int] = HEARTBEAT) -> None:
    for k in heartbeat:
        if w.observe()["spokes"][k]["oracle"]["at"] + heartbeat[k] == now(w):
            act(w, "oracle_update", spoke=k)


def pos(w: World, p: int = 0) -> dict[str, Any]:
    return w.observe()["positions"][p]


def lot(w: World, k: str, p: int = 0) -> dict[str, Any]:
    return pos(w, p)["lots"][k]


def held(w: World, k: str, p: int = 0) -> None:
    """Deposit lot `k` of `p` now and deliver it after its spoke's latency."""
    act(w, "deposit_collateral", position=p, spoke=k)
    advance(w, now(w) + LATENCY[k])
    act(w, "deliver", position=p, spoke=k)


FRESH_LOT = {"status": "wallet", "sent_at": 0, "sent_price": 0, "liq_price": 0}
FRESH = {
    "debt": 0,
    "borrowed": 0,
    "repaid": 0,
    "liq_debt": 0,
    "lots": {"a": FRESH_LOT, "b": FRESH_LOT, "c": FRESH_LOT},
}


# --- shape --------------------------------------------------------------------------------------------------------


def test_initial_state() -> None:
    w = world(positions=2)
    assert w.observe() == {
        "now": 0,
        "spokes": {
            "a": {"price": 10_000, "oracle": {"price": 10_000, "at": 0}},
            "b": {"price": 5000, "oracle": {"price": 5000, "at": 0}},
            "c": {"price": 109, "oracle": {"price": 109, "at": 0}},
        },
        "bad_debt": 0,
        "positions": {0: FRESH, 1: FRESH},
    }


def test_observe_returns_fresh_values() -> None:
    w = world()
    seen = w.observe()
    seen["positions"][0]["lots"]["a"]["status"] = "held"
    seen["spokes"]["a"]["oracle"]["price"] = 1
    assert w.observe()["positions"][0]["lots"]["a"]["status"] == "wallet"
    assert w.observe()["spokes"]["a"]["oracle"]["price"] == 10_000


def test_every_declared_action_has_a_handler() -> None:
    assert world().available_actions() == (
        "deposit_collateral",
        "deliver",
        "borrow",
        "repay",
        "withdraw_collateral",
        "liquidate",
        "price_move",
        "oracle_update",
        "wait",
    )
    assert set(HANDLERS) == set(world().available_actions()) - {"wait"}


def test_driver_refuses_bad_arguments() -> None:
    w = world()
    refused(w, "deposit_collateral", position=1, spoke="a")  # outside 0 .. positions-1
    refused(w, "deposit_collateral", position=0, spoke="d")
    refused(w, "deposit_collateral", position=0)
    refused(w, "borrow", position=0, amount=True)
    refused(w, "oracle_update", spoke="a", position=0)
    refused(w, "no_such_action")


# --- deposit and deliver ------------------------------------------------------------------------------------------


def test_deposit_then_deliver_after_exactly_its_spokes_latency() -> None:
    w = world()
    act(w, "wait", seconds=5)
    act(w, "deposit_collateral", position=0, spoke="a")
    act(w, "deposit_collateral", position=0, spoke="b")
    assert lot(w, "a") == FRESH_LOT | {"status": "depositing", "sent_at": 5}
    assert lot(w, "b") == FRESH_LOT | {"status": "depositing", "sent_at": 5}
    refused(w, "deposit_collateral", position=0, spoke="a")
    refused(w, "wait", seconds=601)  # b's relayer is due at 5 + 600
    act(w, "wait", seconds=599)  # 604
    refused(w, "deliver", position=0, spoke="b")
    act(w, "wait", seconds=1)  # 605
    act(w, "deliver", position=0, spoke="b")
    assert lot(w, "b") == FRESH_LOT | {"status": "held", "sent_at": 5}
    refused(w, "deliver", position=0, spoke="a")  # 605 < 905
    refused(w, "deliver", position=0, spoke="b")  # nothing in flight any more
    act(w, "wait", seconds=300)  # 905
    refused(w, "wait", seconds=1)
    act(w, "deliver", position=0, spoke="a")
    assert lot(w, "a")["status"] == "held"
    assert lot(w, "c") == FRESH_LOT


def test_zero_latency_delivers_in_the_same_second() -> None:
    w = world()
    act(w, "deposit_collateral", position=0, spoke="c")
    refused(w, "wait", seconds=1)  # sent_at + 0 = now
    act(w, "deliver", position=0, spoke="c")
    assert lot(w, "c")["status"] == "held"
    act(w, "wait", seconds=1)


def test_positions_are_independent() -> None:
    w = world(positions=2)
    act(w, "deposit_collateral", position=1, spoke="b")
    assert pos(w, 0) == FRESH
    advance(w, 600)
    act(w, "deliver", position=1, spoke="b")
    refused(w, "deliver", position=0, spoke="b")
    assert pos(w, 0) == FRESH and lot(w, "b", 1)["status"] == "held"


# --- borrow -------------------------------------------------------------------------------------------------------


def test_borrow_sums_credited_lots_weighted_by_ltv() -> None:
    # collateral(LTV): a = 1 * 10000 * 8000 = 80_000_000 (8000 of debt); b = 2 * 5000 * 7000 = 70_000_000 (7000).
    w = world()
    refused(w, "borrow", position=0, amount=1)
    held(w, "a")  # now 900
    act(w, "deposit_collateral", position=0, spoke="b")
    refused(w, "borrow", position=0, amount=8001)  # b in flight does not count
    act(w, "borrow", position=0, amount=8000)
    refused(w, "borrow", position=0, amount=1)
    advance(w, 1500)
    act(w, "deliver", position=0, spoke="b")
    refused(w, "borrow", position=0, amount=7001)  # 15001 * 10000 > 150_000_000
    refused(w, "borrow", position=0, amount=0)
    refused(w, "borrow", position=0, amount=-1)
    act(w, "borrow", position=0, amount=7000)
    assert pos(w) | {"lots": None} == FRESH | {"debt": 15000, "borrowed": 15000, "lots": None}


def test_borrow_reads_the_oracle_not_the_market() -> None:
    w = world()
    held(w, "a")  # 900
    act(w, "price_move", spoke="a", price=9000)
    act(w, "borrow", position=0, amount=8000)  # oracle still 10000
    assert pos(w)["debt"] == 8000


# --- repay --------------------------------------------------------------------------------------------------------


def test_repay_counts_at_once() -> None:
    w = world()
    refused(w, "repay", position=0, amount=1)
    held(w, "a")
    act(w, "borrow", position=0, amount=100)
    refused(w, "repay", position=0, amount=0)
    refused(w, "repay", position=0, amount=101)
    act(w, "repay", position=0, amount=40)
    act(w, "repay", position=0, amount=50)
    assert (pos(w)["debt"], pos(w)["borrowed"], pos(w)["repaid"]) == (10, 100, 90)


# --- withdraw -----------------------------------------------------------------------------------------------------


def test_withdraw_checks_the_lots_that_stay() -> None:
    w = world()
    held(w, "a")  # 900
    held(w, "b")  # 1500
    act(w, "borrow", position=0, amount=7001)
    # Withdrawing a leaves b: 7001 * 10000 > 70_000_000.
    refused(w, "withdraw_collateral", position=0, spoke="a")
    act(w, "repay", position=0, amount=1)  # 7000
    act(w, "withdraw_collateral", position=0, spoke="a")
    assert lot(w, "a") == FRESH_LOT | {"status": "withdrawing", "sent_at": 1500}
    # a is debited at once: b alone now covers exactly 7000; nothing more can be borrowed or withdrawn.
    refused(w, "borrow", position=0, amount=1)
    refused(w, "withdraw_collateral", position=0, spoke="b")
    refused(w, "withdraw_collateral", position=0, spoke="a")
    refused(w, "deposit_collateral", position=0, spoke="a")
    advance(w, 2400)
    act(w, "deliver", position=0, spoke="a")
    assert lot(w, "a") == FRESH_LOT | {"status": "wallet", "sent_at": 1500}


def test_withdraw_ignores_deposits_in_flight() -> None:
    w = world()
    held(w, "b")  # 600
    act(w, "borrow", position=0, amount=1)
    act(w, "deposit_collateral", position=0, spoke="a")
    refused(w, "withdraw_collateral", position=0, spoke="b")  # a is not credited yet
    advance(w, 1500)
    act(w, "deliver", position=0, spoke="a")
    act(w, "withdraw_collateral", position=0, spoke="b")


def test_round_trip_witness() -> None:
    w = world()
    held(w, "c")  # 0
    act(w, "borrow", position=0, amount=545)  # 10 * 109 * 5000 = 5_450_000
    act(w, "repay", position=0, amount=545)
    act(w, "withdraw_collateral", position=0, spoke="c")
    act(w, "deliver", position=0, spoke="c")
    assert pos(w) == FRESH | {"borrowed": 545, "repaid": 545}


# --- the market and the feeds -------------------------------------------------------------------------------------


def test_price_move_band_and_report_second() -> None:
    w = world()
    refused(w, "price_move", spoke="a", price=10_000)  # the second of the report at 0
    act(w, "wait", seconds=1)
    # D_a = 1000: |p - 10000| * 10000 <= 1000 * 10000.
    refused(w, "price_move", spoke="a", price=8999)
    refused(w, "price_move", spoke="a", price=11_001)
    refused(w, "price_move", spoke="a", price=0)
    act(w, "price_move", spoke="a", price=11_000)
    act(w, "price_move", spoke="a", price=9000)
    # c: D_c = 500 of 109: |p - 109| * 10000 <= 54_500, so |p - 109| <= 5.
    refused(w, "price_move", spoke="c", price=103)
    act(w, "price_move", spoke="c", price=104)
    act(w, "price_move", spoke="c", price=114)
    assert w.observe()["spokes"]["a"] == {"price": 9000, "oracle": {"price": 10_000, "at": 0}}


def test_feeds_report_on_their_own_heartbeats() -> None:
    w = world()
    act(w, "wait", seconds=1)
    act(w, "price_move", spoke="b", price=4500)
    refused(w, "oracle_update", spoke="b")
    refused(w, "wait", seconds=1800)  # b's keeper is due at 1800
    act(w, "wait", seconds=1799)  # 1800
    refused(w, "wait", seconds=1)
    refused(w, "oracle_update", spoke="a")  # a is due at 3600
    act(w, "oracle_update", spoke="b")
    assert w.observe()["spokes"]["b"] == {"price": 4500, "oracle": {"price": 4500, "at": 1800}}
    refused(w, "oracle_update", spoke="b")
    refused(w, "price_move", spoke="b", price=4500)  # the second of b's report
    act(w, "price_move", spoke="a", price=9500)  # another asset's market may move
    act(w, "wait", seconds=1)
    act(w, "price_move", spoke="b", price=4050)  # the band is now around 4500: 450 below
    refused(w, "price_move", spoke="b", price=4049)
    advance(w, 3600)
    # a, b and c all due at 3600: one by one, in any order.
    refused(w, "wait", seconds=1)
    act(w, "oracle_update", spoke="c")
    act(w, "oracle_update", spoke="a")
    refused(w, "wait", seconds=1)
    act(w, "oracle_update", spoke="b")
    act(w, "wait", seconds=1)
    assert w.observe()["spokes"]["a"]["oracle"] == {"price": 9500, "at": 3600}


# --- liquidation --------------------------------------------------------------------------------------------------


def fall_a_to(w: World, price: int) -> None:
    """The market of a moves to `price` at 901 and a's feed reports it at 3600 (every feed reported)."""
    act(w, "wait", seconds=1)
    act(w, "price_move", spoke="a", price=price)
    advance(w, 3600)
    act(w, "oracle_update", spoke="a")


def test_liquidatable_is_strict_and_the_liquidator_is_urgent() -> None:
    # LT: 1 * p * 8500 < 8000 * 10000 iff p <= 9411.
    w = world()
    held(w, "a")  # 900
    act(w, "borrow", position=0, amount=8000)
    fall_a_to(w, 9412)
    report_due(w)
    refused(w, "liquidate", position=0)  # 80_002_000 is not < 80_000_000: HF >= 1
    act(w, "wait", seconds=1)
    act(w, "price_move", spoke="a", price=9411)
    advance(w, 7200)
    act(w, "oracle_update", spoke="a")
    refused(w, "wait", seconds=1)  # liquidatable: the honest liquidator acts at once
    report_due(w)
    refused(w, "wait", seconds=1)
    refused(w, "borrow", position=0, amount=1)
    act(w, "liquidate", position=0)
    assert lot(w, "a") == {"status": "seizing", "sent_at": 7200, "sent_price": 9411, "liq_price": 0}
    assert pos(w)["debt"] == 8000  # on the books until the seize completes
    refused(w, "liquidate", position=0)
    act(w, "wait", seconds=1)


def test_cross_chain_seize_settles_at_the_market_on_delivery() -> None:
    w = world()
    held(w, "a")
    act(w, "borrow", position=0, amount=8000)
    fall_a_to(w, 9000)  # 9000 * 8500 = 76_500_000 < 80_000_000
    report_due(w)
    act(w, "liquidate", position=0)  # sent at 3600 at market 9000
    refused(w, "borrow", position=0, amount=1)
    refused(w, "withdraw_collateral", position=0, spoke="a")
    refused(w, "price_move", spoke="a", price=9000)  # the second of a's report
    act(w, "wait", seconds=1)
    # Seize band S_a = 250 of 9000: |p - 9000| <= 225 (and D_a = 1000 of the report 9000: |p - 9000| <= 900).
    refused(w, "price_move", spoke="a", price=8774)
    refused(w, "price_move", spoke="a", price=9226)
    act(w, "price_move", spoke="a", price=9225)
    act(w, "price_move", spoke="a", price=8775)
    act(w, "price_move", spoke="b", price=4500)  # no seize of b travels: its report band only
    refused(w, "wait", seconds=900)  # the relayer is due at 4500
    act(w, "wait", seconds=898)  # 4499
    refused(w, "deliver", position=0, spoke="a")
    act(w, "wait", seconds=1)  # 4500 = 3600 + 900
    act(w, "deliver", position=0, spoke="a")
    # fetched = floor(1 * 8775 * 10000 / 10500) = floor(8357.14) = 8357 >= 8000: covered, no bad debt.
    assert pos(w) == FRESH | {
        "borrowed": 8000,
        "liq_debt": 8000,
        "lots": {
            "a": {"status": "seized", "sent_at": 3600, "sent_price": 9000, "liq_price": 8775},
            "b": FRESH_LOT,
            "c": FRESH_LOT,
        },
    }
    assert w.observe()["bad_debt"] == 0
    act(w, "wait", seconds=1)
    act(w, "price_move", spoke="a", price=8101)  # the seize band no longer binds; the report band does
    refused(w, "deposit_collateral", position=0, spoke="a")  # seized is final


def test_bad_debt_when_lt_is_beyond_the_margin() -> None:
    # LT_max_a = (10000 - 1000) * (10000 - 250) // 10500 = 8357 < 9500.
    w = world(ltv_a=9000, lt_a=9500)
    held(w, "a")
    act(w, "borrow", position=0, amount=9000)
    fall_a_to(w, 9000)  # 9000 * 9500 = 85_500_000 < 90_000_000
    report_due(w)
    act(w, "liquidate", position=0)
    act(w, "wait", seconds=1)
    act(w, "price_move", spoke="a", price=8775)
    act(w, "wait", seconds=899)
    act(w, "deliver", position=0, spoke="a")
    # floor(8775 * 10000 / 10500) = 8357; bad debt 9000 - 8357 = 643.
    assert w.observe()["bad_debt"] == 643
    assert (pos(w)["debt"], pos(w)["liq_debt"]) == (0, 9000)


def test_several_lots_round_once_after_summing() -> None:
    # a and c credited. LTV: 10000 * 9400 + 10 * 109 * 5000 = 94_000_000 + 5_450_000 -> debt 9945.
    w = world(ltv_a=9400, lt_a=9500)
    held(w, "c")  # 0
    held(w, "a")  # 900
    act(w, "borrow", position=0, amount=9945)
    refused(w, "borrow", position=0, amount=1)
    fall_a_to(w, 9000)  # LT: 9000 * 9500 + 1090 * 6000 = 92_040_000 < 99_450_000
    report_due(w)
    act(w, "liquidate", position=0)
    assert lot(w, "c") == {"status": "seizing", "sent_at": 3600, "sent_price": 109, "liq_price": 0}
    act(w, "deliver", position=0, spoke="c")  # L_c = 0: completes in the same second
    assert lot(w, "c")["status"] == "seized" and lot(w, "c")["liq_price"] == 109
    assert pos(w)["debt"] == 9945 and pos(w)["liq_debt"] == 0  # a still seizing: not settled
    act(w, "wait", seconds=1)
    act(w, "price_move", spoke="a", price=8775)
    act(w, "price_move", spoke="c", price=104)  # c's seize completed: no seize band for c any more
    act(w, "wait", seconds=899)
    act(w, "deliver", position=0, spoke="a")
    # F = 8775 * 10000 / 10500 + 10 * 109 * 10000 / 11000 = 8357.142857 + 990.909090 = 9348.05 -> 9348
    # (flooring each lot first would give 8357 + 990 = 9347). Bad debt 9945 - 9348 = 597.
    assert w.observe()["bad_debt"] == 597
    assert (pos(w)["debt"], pos(w)["liq_debt"]) == (0, 9945)
    assert lot(w, "c")["liq_price"] == 109


def test_repay_while_seizing_lowers_what_settle_sees() -> None:
    w = world(ltv_a=9000, lt_a=9500)
    held(w, "a")
    act(w, "borrow", position=0, amount=9000)
    fall_a_to(w, 9000)
    report_due(w)
    act(w, "liquidate", position=0)
    act(w, "repay", position=0, amount=9000)
    assert pos(w)["debt"] == 0 and pos(w)["repaid"] == 9000
    act(w, "wait", seconds=900)  # nothing liquidatable: debt 0 (and already liquidated)
    act(w, "deliver", position=0, spoke="a")
    assert (pos(w)["liq_debt"], w.observe()["bad_debt"]) == (0, 0)
    assert lot(w, "a")["status"] == "seized"


def test_deposit_during_liquidation_is_not_seized_and_can_leave_after_settlement() -> None:
    w = world()
    held(w, "a")  # 900
    act(w, "borrow", position=0, amount=8000)
    fall_a_to(w, 9000)
    report_due(w)
    act(w, "deposit_collateral", position=0, spoke="b")  # 3600, arrives at 4200
    act(w, "liquidate", position=0)
    assert lot(w, "b")["status"] == "depositing"
    act(w, "wait", seconds=600)  # 4200
    act(w, "deliver", position=0, spoke="b")
    assert lot(w, "b")["status"] == "held"
    refused(w, "withdraw_collateral", position=0, spoke="b")  # a's seize in flight
    refused(w, "borrow", position=0, amount=1)  # liquidated
    act(w, "wait", seconds=300)  # 4500
    act(w, "deliver", position=0, spoke="a")
    assert lot(w, "a")["status"] == "seized" and pos(w)["debt"] == 0
    refused(w, "borrow", position=0, amount=1)  # never again
    refused(w, "liquidate", position=0)
    act(w, "withdraw_collateral", position=0, spoke="b")
    assert lot(w, "b")["status"] == "withdrawing"


def test_hub_local_seizes_and_settles_at_once() -> None:
    w = world(liquidation="hub_local", ltv_a=9000, lt_a=9500)
    held(w, "c")  # 0
    held(w, "a")  # 900
    act(w, "borrow", position=0, amount=9545)  # 90_000_000 + 5_450_000
    act(w, "wait", seconds=1)
    act(w, "price_move", spoke="c", price=105)  # the market of c rises; the oracle says 109
    fall_a_to(w, 9000)  # LT: 85_500_000 + 6_540_000 = 92_040_000 < 95_450_000
    report_due(w)  # c reports 105
    act(w, "liquidate", position=0)
    # F = 9000 * 10000 / 10500 + 10 * 105 * 10000 / 11000 = 8571.428571 + 954.545454 = 9525.97 -> 9525.
    assert w.observe()["bad_debt"] == 9545 - 9525
    assert pos(w)["lots"] == {
        "a": {"status": "seized", "sent_at": 0, "sent_price": 0, "liq_price": 9000},
        "b": FRESH_LOT,
        "c": {"status": "seized", "sent_at": 0, "sent_price": 0, "liq_price": 105},
    }
    assert (pos(w)["debt"], pos(w)["liq_debt"]) == (0, 9545)
    act(w, "wait", seconds=1)


def test_spec_fourteen_step_run_with_defaults() -> None:
    # SEMANTICS.md: with LTV_a > LT_max_a = 8286, one fall suffices (14 steps, three feeds due at 3600).
    w = default_world(ltv_a=8300)
    steps = [
        ("deposit_collateral", {"position": 0, "spoke": "a"}),
        ("wait", {"seconds": 1200}),
        ("deliver", {"position": 0, "spoke": "a"}),
        # 1 * 3000e8 * 8300 / 10000 = 2490e8.
        ("borrow", {"position": 0, "amount": 249_000_000_000}),
        # D_a = 1000 * 3600 // 3600 = 1000: one band down, 2700e8.
        ("price_move", {"spoke": "a", "price": 270_000_000_000}),
        ("wait", {"seconds": 2400}),
        ("oracle_update", {"spoke": "a"}),
        ("oracle_update", {"spoke": "b"}),
        ("oracle_update", {"spoke": "c"}),
        ("liquidate", {"position": 0}),
        ("wait", {"seconds": 1}),
        # S_a = 1000 * 1200 // 3600 = 333: 2700e8 - 2700e8 * 333 / 10000 = 2610.09e8.
        ("price_move", {"spoke": "a", "price": 261_009_000_000}),
        ("wait", {"seconds": 1199}),
        ("deliver", {"position": 0, "spoke": "a"}),
    ]
    for action, args in steps:
        w.apply(action, args)
    # floor(2610.09e8 * 10000 / 10500) = 2485.8e8 exactly; bad debt 2490e8 - 2485.8e8 = 4.2e8.
    assert w.observe()["bad_debt"] == 420_000_000
    assert lot(w, "a") == {
        "status": "seized",
        "sent_at": 3600,
        "sent_price": 270_000_000_000,
        "liq_price": 261_009_000_000,
    }
    # One base unit lower is outside the seize band.
    w2 = default_world(ltv_a=8300)
    for action, args in steps[:11]:
        w2.apply(action, args)
    refused(w2, "price_move", spoke="a", price=261_008_999_999)
