"""The symbolic half of the lending family: its actions as Z3 branches, its urgency, its lemmas.

Written from SEMANTICS.md, "Family `lending`" (never from `contracts.py`). Every product has one
constant factor (the lot `C`, a bps constant, a power of them), so the relation stays linear; the
only division, in settle, is by the constant `10000 + bonus` (Z3's integer division by a positive
numeral is the floor, as the spec asks).

The lemmas are the timing argument of the closed form, as facts of every reachable state:
- the oracle is reported exactly every heartbeat: `oracle.at <= now <= oracle.at + H`, and in the
  second of a report the market is at the report (`now == oracle.at => price == oracle.price`);
- the market stays in the band of the last report;
- a position is liquidatable only in the second of the report that made it so, and then its debt is
  covered by `E = n - 1` more falls of the band (`E = 0` hub-locally: covered at the report itself);
- a seize in flight (cross_chain) with `e` bands left before its delivery is covered by `e` falls.
Under the closed form's inequality these are inductive and give `bad_debt == 0`; when it fails, the
lemma that needs it is dropped (Houdini) and BMC finds the shortest fall.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import z3

from bridgeproof.model.symbolic import Case

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration
    from bridgeproof.model.symbolic import StepArgs, SymState

BPS = 10_000
WALLET, DEPOSITING, HELD, WITHDRAWING, SEIZING, SEIZED = range(6)
IN_FLIGHT = (DEPOSITING, WITHDRAWING, SEIZING)


def _in_flight(status: Any) -> z3.BoolRef:
    return z3.Or(*(status == x for x in IN_FLIGHT))


def liquidatable(fam: Any, s: SymState, p: int) -> z3.BoolRef:
    """Held, owing, and HF < 1 at the oracle price: `C * oracle.price * LT < debt * 10000`."""
    debt = s.at("debt", p)
    return z3.And(s.at("status", p) == HELD, debt >= 1, fam.collateral * fam.lt_bps * s["oracle_price"] < debt * BPS)


def liquidatable_read(fam: Any, s: SymState, p: int) -> z3.BoolRef:
    """Liquidatable at a read up to M bps under the report (manipulation_bps; the caller's choice):
    `C * oracle.price * (10000 - M) * LT < debt * 10000 * 10000`. With M = 0, `liquidatable`."""
    if fam.manipulation_bps == 0:
        return liquidatable(fam, s, p)
    debt = s.at("debt", p)
    read = fam.collateral * fam.lt_bps * s["oracle_price"] * (BPS - fam.manipulation_bps)
    return z3.And(s.at("status", p) == HELD, debt >= 1, read < debt * BPS * BPS)


def settle(fam: Any, s: SymState, p: int) -> dict[str, Any]:
    """The liquidation completes at the market price: the lot fetches `C * price * 10000 // (10000 + b)`."""
    debt, price = s.at("debt", p), s["market_price"]
    value = fam.collateral * BPS * price
    fetched = value / (BPS + fam.bonus_bps)  # floor: positive constant divisor
    covered = z3.If(debt * (BPS + fam.bonus_bps) <= value, debt, fetched)
    return {
        s.key("liq_price", p): price,
        s.key("liq_debt", p): debt,
        "bad_debt": s["bad_debt"] + (debt - covered),
        s.key("debt", p): 0,
    }


def cases(fam: Any, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
    out: list[Case] = []
    now, latency = s["now"], fam.latency
    c, d = fam.collateral, fam.band_bps
    for p in range(fam.positions):
        at = {"position": p}
        status, sent_at, debt = s.at("status", p), s.at("sent_at", p), s.at("debt", p)
        repaying = s.at("repaying", p)
        k_status, k_sent, k_debt = s.key("status", p), s.key("sent_at", p), s.key("debt", p)
        # deposit_collateral
        out.append(Case("deposit_collateral", status == WALLET, {k_status: DEPOSITING, k_sent: now}, at))
        # deliver: one branch per message kind
        due = now >= sent_at + latency
        out.append(Case("deliver", z3.And(status == DEPOSITING, due), {k_status: HELD}, at))
        out.append(Case("deliver", z3.And(status == WITHDRAWING, due), {k_status: WALLET}, at))
        out.append(Case("deliver", z3.And(status == SEIZING, due), {**settle(fam, s, p), k_status: SEIZED}, at))
        # borrow
        # The borrower reads the report up to M bps high (manipulation_bps; M = 0 reads it as it is).
        m = fam.manipulation_bps
        within = (
            (debt + a.amount) * BPS <= c * fam.ltv_bps * s["oracle_price"]
            if m == 0
            else (debt + a.amount) * BPS * BPS <= c * fam.ltv_bps * s["oracle_price"] * (BPS + m)
        )
        guard = z3.And(status == HELD, a.amount >= 1, within)
        upd = {k_debt: debt + a.amount, s.key("borrowed", p): s.at("borrowed", p) + a.amount}
        out.append(Case("borrow", guard, upd, {**at, "amount": a.amount}))
        # repay (sent from the spoke; credited on arrival)
        guard = z3.And(repaying == 0, a.amount >= 1, a.amount <= debt)
        upd = {s.key("repaying", p): a.amount, s.key("repay_sent_at", p): now}
        out.append(Case("repay", guard, upd, {**at, "amount": a.amount}))
        # deliver_repay: credits at most the debt (the excess goes back to the payer, unobserved)
        guard = z3.And(repaying >= 1, now >= s.at("repay_sent_at", p) + latency)
        credit = z3.If(repaying <= debt, repaying, debt)
        upd = {k_debt: debt - credit, s.key("repaid", p): s.at("repaid", p) + credit, s.key("repaying", p): 0}
        out.append(Case("deliver_repay", guard, upd, at))
        # withdraw_collateral
        out.append(
            Case("withdraw_collateral", z3.And(status == HELD, debt == 0), {k_status: WITHDRAWING, k_sent: now}, at)
        )
        # liquidate
        if fam.liquidation == "hub_local":
            upd = {**settle(fam, s, p), k_status: SEIZED}
        else:
            upd = {k_status: SEIZING, k_sent: now}
        out.append(Case("liquidate", liquidatable_read(fam, s, p), upd, at))
    # price_move: anywhere in the band of the last report, from the second after it
    op = s["oracle_price"]
    guard = z3.And(
        a.price >= 1,
        now >= s["oracle_at"] + 1,
        (a.price - op) * BPS <= d * op,
        (op - a.price) * BPS <= d * op,
    )
    out.append(Case("price_move", guard, {"market_price": a.price}, {"price": a.price}))
    # oracle_update: once per heartbeat, the market price
    guard = now >= s["oracle_at"] + fam.heartbeat
    out.append(Case("oracle_update", guard, {"oracle_price": s["market_price"], "oracle_at": now}, {}))
    return out


def urgency(fam: Any, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
    until = s["now"] + a.seconds
    out = [until <= s["oracle_at"] + fam.heartbeat]
    for p in range(fam.positions):
        out.append(z3.Not(liquidatable(fam, s, p)))
        out.append(z3.Implies(_in_flight(s.at("status", p)), until <= s.at("sent_at", p) + fam.latency))
        out.append(z3.Implies(s.at("repaying", p) >= 1, until <= s.at("repay_sent_at", p) + fam.latency))
    return out


def covered_after(fam: Any, e: int, oracle_price: Any, debt: Any) -> z3.BoolRef:
    """The debt is covered after `e` more worst falls of the band from the report `oracle_price`:
    `C * op * (10000 - D)^e * 10000 >= debt * (10000 + b) * 10000^e` (for e = 0: at the report itself)."""
    d, b = fam.band_bps, fam.bonus_bps
    return fam.collateral * (BPS - d) ** e * BPS * oracle_price >= (BPS + b) * BPS**e * debt


def horizon(fam: Any) -> int:
    """E: the bands the market may still fall through after the report that triggers a liquidation."""
    return int(fam.falls) - 1


def lemmas(fam: Any, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
    now, oa, op, price = s["now"], s["oracle_at"], s["oracle_price"], s["market_price"]
    h, latency, d = fam.heartbeat, fam.latency, fam.band_bps
    big_e = horizon(fam)
    out: dict[str, z3.BoolRef] = {
        "oracle_on_heartbeat": z3.And(oa >= 0, oa <= now, now <= oa + h),
        "market_at_report": z3.Implies(now == oa, price == op),
        "market_in_band": z3.And(op >= 1, price >= 1, (price - op) * BPS <= d * op, (op - price) * BPS <= d * op),
        "bad_debt_not_negative": s["bad_debt"] >= 0,
    }
    for p in range(fam.positions):
        status, debt, sent_at = s.at("status", p), s.at("debt", p), s.at("sent_at", p)
        repaying = s.at("repaying", p)
        out[f"position[{p}]_well_formed"] = z3.And(
            status >= WALLET,
            status <= SEIZED,
            debt >= 0,
            repaying >= 0,
            sent_at >= 0,
            sent_at <= now,
            s.at("repay_sent_at", p) >= 0,
            s.at("repay_sent_at", p) <= now,
            z3.Implies(repaying >= 1, now <= s.at("repay_sent_at", p) + latency),
            z3.Implies(_in_flight(status), now <= sent_at + latency),
        )
        out[f"position[{p}]_debt_backed"] = z3.Implies(debt >= 1, z3.Or(status == HELD, status == SEIZING))
        if fam.liquidation == "hub_local":
            out[f"position[{p}]_never_seizing"] = status != SEIZING
        out[f"position[{p}]_ledger"] = z3.And(
            s.at("borrowed", p) >= 0,
            s.at("repaid", p) >= 0,
            s.at("liq_debt", p) >= 0,
            s.at("borrowed", p) == debt + s.at("repaid", p) + s.at("liq_debt", p),
            z3.Implies(status != SEIZED, z3.And(s.at("liq_debt", p) == 0, s.at("liq_price", p) == 0)),
        )
        out[f"position[{p}]_liquidatable_only_at_a_report"] = z3.Implies(liquidatable(fam, s, p), now == oa)
        out[f"position[{p}]_liquidatable_covered"] = z3.Implies(
            liquidatable(fam, s, p), covered_after(fam, big_e, op, debt)
        )
        if fam.liquidation == "cross_chain":
            arrives = sent_at + latency
            out[f"position[{p}]_seize_within_horizon"] = z3.Implies(status == SEIZING, arrives <= oa + big_e * h)
            for e in range(big_e + 1):
                left = arrives <= oa if e == 0 else z3.And(oa + (e - 1) * h < arrives, arrives <= oa + e * h)
                out[f"position[{p}]_seize_covered_{e}"] = z3.Implies(
                    z3.And(status == SEIZING, left), covered_after(fam, e, op, debt)
                )
    return out
