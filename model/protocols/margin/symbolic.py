"""The symbolic half of the margin family: its actions as Z3 branches, its urgency, its lemmas.

Written from SEMANTICS.md, "Family `margin`" (never from `contracts.py`). Every product has one
constant factor (a lot, a bps constant, a product of bonuses), so the relation stays linear; the only
division, in settle, is by the constant `PI = prod_k (10000 + b_k)` (Z3's integer division by a
positive numeral is the floor, as the spec asks: the proceeds are summed exactly, rounded down once).

The lemmas are the closed form's argument as facts of every reachable state:
- each feed reports exactly every heartbeat (`at_k <= now <= at_k + H_k`), in the second of its
  report its market is at the report, and its market stays in the band of its last report;
- a lot being seized has its market within the seize band of where it was when the seize was sent;
- a liquidatable position is covered by its credited lots at the worst prices its seizes can still
  settle at: asset k's oracle price, less one band unless k reported in this very second, less the
  seize band (`liquidatable_covered`). A position becomes liquidatable only at a report and is
  liquidated in that second, which the urgency rule (`wait` refused while liquidatable) keeps;
- a position whose seizes travel is covered by what its seized lots fetched plus the worst its
  travelling lots can still fetch (`seizing_covered`).
Under the closed form's per-asset inequality these are inductive and give `bad_debt == 0`; when one
asset's fails, the lemma that needs it is dropped (Houdini) and BMC finds the shortest fall.
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


def lot(s: SymState, name: str, sp: Any, p: int) -> z3.ArithRef:
    return s.at(f"{name}_{sp.name}", p)  # type: ignore[return-value]


def lot_key(s: SymState, name: str, sp: Any, p: int) -> str:
    return s.key(f"{name}_{sp.name}", p)


def _in_flight(status: Any) -> z3.BoolRef:
    return z3.Or(*(status == x for x in IN_FLIGHT))


def liquidated(fam: Any, s: SymState, p: int) -> z3.BoolRef:
    """Some lot seizing or seized: the position's one liquidation has begun."""
    return z3.Or(*(z3.Or(lot(s, "status", sp, p) == SEIZING, lot(s, "status", sp, p) == SEIZED) for sp in fam.spokes))


def seizing(fam: Any, s: SymState, p: int) -> z3.BoolRef:
    return z3.Or(*(lot(s, "status", sp, p) == SEIZING for sp in fam.spokes))


def collateral(fam: Any, s: SymState, p: int, weight: str, without: Any = None) -> z3.ArithRef:
    """Sum over the held lots (but `without`) of `lot_k * oracle_k * weight_k` (base units times bps)."""
    terms = [
        z3.If(lot(s, "status", sp, p) == HELD, sp.lot * getattr(sp, weight) * s.at("oracle_price", sp.index), 0)
        for sp in fam.spokes
        if without is None or sp.index != without.index
    ]
    return z3.Sum(*terms) if terms else z3.IntVal(0)  # type: ignore[return-value]


def liquidatable(fam: Any, s: SymState, p: int) -> z3.BoolRef:
    """Not liquidated, owing, and HF < 1 at the oracle prices (only credited lots count)."""
    debt = s.at("debt", p)
    return z3.And(z3.Not(liquidated(fam, s, p)), debt >= 1, collateral(fam, s, p, "lt") < debt * BPS)


def proceeds(fam: Any, seized: dict[int, Any], liq: dict[int, Any]) -> z3.ArithRef:
    """`sum_k [seized_k] lot_k * liq_price_k * 10000 * Q_k`: PI times what the seized lots fetch."""
    return z3.Sum(*(z3.If(seized[sp.index], sp.lot * BPS * sp.q * liq[sp.index], 0) for sp in fam.spokes))  # type: ignore[return-value]


def settle(fam: Any, s: SymState, p: int, seized: dict[int, Any], liq: dict[int, Any]) -> dict[str, Any]:
    """The liquidation completes: covered = min(debt, floor(proceeds / PI)); the rest is bad debt."""
    debt, pi = s.at("debt", p), fam.pi
    num = proceeds(fam, seized, liq)
    covered = z3.If(debt * pi <= num, debt, num / pi)  # floor: positive constant divisor
    return {
        s.key("liq_debt", p): debt,
        "bad_debt": s["bad_debt"] + (debt - covered),
        s.key("debt", p): 0,
    }


def cases(fam: Any, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
    out: list[Case] = []
    now = s["now"]
    spokes = fam.spokes
    cross = fam.liquidation == "cross_chain"
    for p in range(fam.positions):
        debt = s.at("debt", p)
        k_debt = s.key("debt", p)
        status = {sp.index: lot(s, "status", sp, p) for sp in spokes}
        liq_price = {sp.index: lot(s, "liq_price", sp, p) for sp in spokes}
        for sp in spokes:
            at = {"position": p, "spoke": sp.index}
            st, sent_at = status[sp.index], lot(s, "sent_at", sp, p)
            k_status, k_sent = lot_key(s, "status", sp, p), lot_key(s, "sent_at", sp, p)
            # deposit_collateral
            out.append(Case("deposit_collateral", st == WALLET, {k_status: DEPOSITING, k_sent: now}, at))
            # deliver: one branch per message kind (a seize: two, whether it is the last one in flight)
            due = now >= sent_at + sp.latency
            out.append(Case("deliver", z3.And(st == DEPOSITING, due), {k_status: HELD}, at))
            out.append(Case("deliver", z3.And(st == WITHDRAWING, due), {k_status: WALLET}, at))
            price = s.at("market_price", sp.index)
            seize_done = {k_status: SEIZED, lot_key(s, "liq_price", sp, p): price}
            others = z3.Or(*(status[o.index] == SEIZING for o in spokes if o.index != sp.index))
            out.append(Case("deliver", z3.And(st == SEIZING, due, others), seize_done, at))
            seized_after = {
                o.index: (z3.BoolVal(True) if o.index == sp.index else status[o.index] == SEIZED) for o in spokes
            }
            liq_after = {o.index: (price if o.index == sp.index else liq_price[o.index]) for o in spokes}
            upd = {**seize_done, **settle(fam, s, p, seized_after, liq_after)}
            out.append(Case("deliver", z3.And(st == SEIZING, due, z3.Not(others)), upd, at))
            # withdraw_collateral: the lots that stay cover the debt at the borrow limit
            guard = z3.And(
                st == HELD,
                z3.Not(seizing(fam, s, p)),
                debt * BPS <= collateral(fam, s, p, "ltv", without=sp),
            )
            out.append(Case("withdraw_collateral", guard, {k_status: WITHDRAWING, k_sent: now}, at))
        at = {"position": p}
        # borrow
        guard = z3.And(
            z3.Not(liquidated(fam, s, p)), a.amount >= 1, (debt + a.amount) * BPS <= collateral(fam, s, p, "ltv")
        )
        upd = {k_debt: debt + a.amount, s.key("borrowed", p): s.at("borrowed", p) + a.amount}
        out.append(Case("borrow", guard, upd, {**at, "amount": a.amount}))
        # repay: at the hub, at once
        guard = z3.And(a.amount >= 1, a.amount <= debt)
        upd = {k_debt: debt - a.amount, s.key("repaid", p): s.at("repaid", p) + a.amount}
        out.append(Case("repay", guard, upd, {**at, "amount": a.amount}))
        # liquidate: every held lot at once
        held = {sp.index: status[sp.index] == HELD for sp in spokes}
        any_held = z3.Or(*held.values())
        if cross:
            upd = {}
            for sp in spokes:
                h = held[sp.index]
                upd[lot_key(s, "status", sp, p)] = z3.If(h, SEIZING, status[sp.index])
                upd[lot_key(s, "sent_at", sp, p)] = z3.If(h, now, lot(s, "sent_at", sp, p))
                upd[lot_key(s, "sent_price", sp, p)] = z3.If(
                    h, s.at("market_price", sp.index), lot(s, "sent_price", sp, p)
                )
            out.append(Case("liquidate", z3.And(liquidatable(fam, s, p), any_held), upd, at))
            # no lot credited (unreachable while debt is backed): settle at once on nothing seized
            none = settle(fam, s, p, {sp.index: z3.BoolVal(False) for sp in spokes}, liq_price)
            out.append(Case("liquidate", z3.And(liquidatable(fam, s, p), z3.Not(any_held)), none, at))
        else:
            upd = {}
            liq_after = {}
            seized_after = {}
            for sp in spokes:
                h = held[sp.index]
                upd[lot_key(s, "status", sp, p)] = z3.If(h, SEIZED, status[sp.index])
                liq_after[sp.index] = z3.If(h, s.at("market_price", sp.index), liq_price[sp.index])
                upd[lot_key(s, "liq_price", sp, p)] = liq_after[sp.index]
                seized_after[sp.index] = z3.Or(h, status[sp.index] == SEIZED)
            upd.update(settle(fam, s, p, seized_after, liq_after))
            out.append(Case("liquidate", liquidatable(fam, s, p), upd, at))
    for sp in spokes:
        at = {"spoke": sp.index}
        op, oa = s.at("oracle_price", sp.index), s.at("oracle_at", sp.index)
        # price_move: in the band of the last report, from the second after it, and in the seize band of
        # every lot of this asset being seized
        bands = (
            [
                z3.Implies(
                    lot(s, "status", sp, p) == SEIZING,
                    z3.And(
                        (a.price - lot(s, "sent_price", sp, p)) * BPS <= sp.seize_band * lot(s, "sent_price", sp, p),
                        (lot(s, "sent_price", sp, p) - a.price) * BPS <= sp.seize_band * lot(s, "sent_price", sp, p),
                    ),
                )
                for p in range(fam.positions)
            ]
            if cross
            else []
        )
        guard = z3.And(
            a.price >= 1,
            now >= oa + 1,
            (a.price - op) * BPS <= sp.band * op,
            (op - a.price) * BPS <= sp.band * op,
            *bands,
        )
        out.append(Case("price_move", guard, {s.key("market_price", sp.index): a.price}, {**at, "price": a.price}))
        # oracle_update: once per heartbeat, the market price
        guard = now >= oa + sp.heartbeat
        upd = {s.key("oracle_price", sp.index): s.at("market_price", sp.index), s.key("oracle_at", sp.index): now}
        out.append(Case("oracle_update", guard, upd, at))
    return out


def urgency(fam: Any, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
    until = s["now"] + a.seconds
    out = [until <= s.at("oracle_at", sp.index) + sp.heartbeat for sp in fam.spokes]
    for p in range(fam.positions):
        out.append(z3.Not(liquidatable(fam, s, p)))
        for sp in fam.spokes:
            out.append(z3.Implies(_in_flight(lot(s, "status", sp, p)), until <= lot(s, "sent_at", sp, p) + sp.latency))
    return out


def lemmas(fam: Any, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
    now, pi = s["now"], fam.pi
    cross = fam.liquidation == "cross_chain"
    out: dict[str, z3.BoolRef] = {"bad_debt_not_negative": s["bad_debt"] >= 0}
    for sp in fam.spokes:
        k = sp.name
        op, oa, price = (s.at(f, sp.index) for f in ("oracle_price", "oracle_at", "market_price"))
        out[f"feed[{k}]_on_heartbeat"] = z3.And(oa >= 0, oa <= now, now <= oa + sp.heartbeat)
        out[f"market[{k}]_at_report"] = z3.Implies(now == oa, price == op)
        out[f"market[{k}]_in_band"] = z3.And(
            op >= 1, price >= 1, (price - op) * BPS <= sp.band * op, (op - price) * BPS <= sp.band * op
        )
    for p in range(fam.positions):
        debt = s.at("debt", p)
        well = [debt >= 0, s.at("borrowed", p) >= 0, s.at("repaid", p) >= 0, s.at("liq_debt", p) >= 0]
        for sp in fam.spokes:
            st, sent_at = lot(s, "status", sp, p), lot(s, "sent_at", sp, p)
            sent_price, liq = lot(s, "sent_price", sp, p), lot(s, "liq_price", sp, p)
            well += [
                st >= WALLET,
                st <= SEIZED,
                sent_at >= 0,
                sent_at <= now,
                sent_price >= 0,
                liq >= 0,
                z3.Implies(_in_flight(st), now <= sent_at + sp.latency),
                z3.Implies(st != SEIZED, liq == 0),
            ]
            if cross:
                price = s.at("market_price", sp.index)
                out[f"position[{p}].{sp.name}_seize_in_band"] = z3.Implies(
                    st == SEIZING,
                    z3.And(
                        sent_price >= 1,
                        (price - sent_price) * BPS <= sp.seize_band * sent_price,
                        (sent_price - price) * BPS <= sp.seize_band * sent_price,
                    ),
                )
            else:
                out[f"position[{p}].{sp.name}_never_seizing"] = st != SEIZING
        out[f"position[{p}]_well_formed"] = z3.And(*well)
        held_or_seizing = z3.Or(
            *(z3.Or(lot(s, "status", sp, p) == HELD, lot(s, "status", sp, p) == SEIZING) for sp in fam.spokes)
        )
        out[f"position[{p}]_debt_backed"] = z3.Implies(debt >= 1, held_or_seizing)
        out[f"position[{p}]_ledger"] = z3.And(
            s.at("borrowed", p) == debt + s.at("repaid", p) + s.at("liq_debt", p),
            z3.Implies(z3.Or(z3.Not(liquidated(fam, s, p)), seizing(fam, s, p)), s.at("liq_debt", p) == 0),
            z3.Implies(z3.And(liquidated(fam, s, p), z3.Not(seizing(fam, s, p))), debt == 0),
        )
        out[f"position[{p}]_liquidatable_at_a_report"] = z3.Implies(
            liquidatable(fam, s, p), z3.Or(*(now == s.at("oracle_at", sp.index) for sp in fam.spokes))
        )
        # The worst its credited lots can still fetch, times PI * 10000: asset k at its oracle price, less
        # a band unless its feed reported this second, less the seize band while its seize would travel.
        worst = []
        for sp in fam.spokes:
            op = s.at("oracle_price", sp.index)
            keep = BPS - fam.effective_seize_band(sp.index)
            fresh = sp.lot * op * keep * sp.q * BPS
            stale = sp.lot * op * keep * sp.q * (BPS - sp.band)
            reported = now == s.at("oracle_at", sp.index)
            worst.append(z3.If(lot(s, "status", sp, p) == HELD, z3.If(reported, fresh, stale), 0))
        out[f"position[{p}]_liquidatable_covered"] = z3.Implies(
            liquidatable(fam, s, p), z3.Sum(*worst) >= debt * pi * BPS
        )
        if cross:
            # What the seized lots fetched, plus the worst the travelling ones can still fetch, times PI.
            terms = []
            for sp in fam.spokes:
                st = lot(s, "status", sp, p)
                got = sp.lot * BPS * sp.q * lot(s, "liq_price", sp, p)
                worst_left = sp.lot * (BPS - sp.seize_band) * sp.q * lot(s, "sent_price", sp, p)
                terms.append(z3.If(st == SEIZED, got, z3.If(st == SEIZING, worst_left, 0)))
            out[f"position[{p}]_seizing_covered"] = z3.Implies(seizing(fam, s, p), z3.Sum(*terms) >= debt * pi)
    return out
