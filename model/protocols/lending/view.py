"""What the lending properties read: the market, the oracle, bad debt, and one row per position.

Built from `properties.view.Fields`, so the same code gives the concrete view (a replayed or observed
state, Python integers) and the symbolic one (Z3 terms): NOTE(write-once) in properties/view.py.
Statuses are positions in `STATUS` (0 wallet .. 5 seized), as the solver sees them.
"""

from __future__ import annotations

from typing import Any

import attrs

BPS = 10_000
WALLET, DEPOSITING, HELD, WITHDRAWING, SEIZING, SEIZED = range(6)


@attrs.frozen
class Position:
    """One position's row (SEMANTICS.md, "Family `lending`", Observable state)."""

    status: Any
    sent_at: Any
    debt: Any
    borrowed: Any
    repaid: Any
    repaying: Any
    repay_sent_at: Any
    liq_price: Any
    liq_debt: Any


@attrs.frozen
class LendingView:
    now: Any
    price: Any
    oracle_price: Any
    oracle_at: Any
    bad_debt: Any
    positions: tuple[Position, ...]
    collateral: int
    """C: the lot, whole tokens (a constant, so `C * price` stays linear)."""
    lt_bps: int
    tolerance_bps: int

    def unhealthy_at_oracle(self, p: Position, ops: Any) -> Any:
        """Liquidatable: held, owing, and HF < 1 at the oracle price (`C * oracle * LT < debt * 10000`)."""
        return ops.and_(p.status == HELD, p.debt >= 1, self.collateral * self.oracle_price * self.lt_bps < p.debt * BPS)

    def unfair(self, p: Position, ops: Any) -> Any:
        """Seized although healthy at the market price when its liquidation completed, beyond the tolerance."""
        return ops.and_(
            p.status == SEIZED,
            self.collateral * p.liq_price * self.lt_bps >= p.liq_debt * (BPS + self.tolerance_bps),
        )


def lending_view(family: Any, fields: Any) -> LendingView:
    n = fields.size("positions")
    rows = tuple(
        Position(
            status=fields("status", p),
            sent_at=fields("sent_at", p),
            debt=fields("debt", p),
            borrowed=fields("borrowed", p),
            repaid=fields("repaid", p),
            repaying=fields("repaying", p),
            repay_sent_at=fields("repay_sent_at", p),
            liq_price=fields("liq_price", p),
            liq_debt=fields("liq_debt", p),
        )
        for p in range(n)
    )
    return LendingView(
        now=fields("now"),
        price=fields("market_price"),
        oracle_price=fields("oracle_price"),
        oracle_at=fields("oracle_at"),
        bad_debt=fields("bad_debt"),
        positions=rows,
        collateral=family.collateral,
        lt_bps=family.lt_bps,
        tolerance_bps=family.tolerance_bps,
    )


# --- for people: `show`'s one-line states and the report's sequence diagrams --------------------------
LIFELINES = ("borrower", "spoke", "hub", "oracle", "market", "liquidator", "clock")


def summary(state: Any) -> str:
    """`t=3600 market=2700e8 oracle=2700e8@3600 bad_debt=0 | p0 held debt=231e9 repaying=0`."""
    rows = []
    for p, row in state["positions"].items():
        extra = f" repaying={row['repaying']}" if row["repaying"] else ""
        seized = f" liq={row['liq_debt']}@{row['liq_price']}" if row["status"] == "seized" else ""
        rows.append(f"p{p} {row['status']} debt={row['debt']}{extra}{seized}")
    oracle = state["oracle"]
    head = (
        f"t={state['now']} market={state['price']} oracle={oracle['price']}@{oracle['at']} bad_debt={state['bad_debt']}"
    )
    return " | ".join([head, *rows])


def arrows(action: str, args: Any, before: Any, after: Any) -> list[Any]:
    from bridgeproof.model.diagram import Arrow

    if action == "wait":
        return [Arrow("clock", "clock", f"wait {args['seconds']} s (t = {after['now']})")]
    if action == "price_move":
        return [Arrow("market", "market", f"price {before['price']} -> {args['price']}")]
    if action == "oracle_update":
        return [Arrow("oracle", "hub", f"report {after['oracle']['price']} at t = {after['now']}")]
    p = args.get("position")
    was, now = before["positions"][p], after["positions"][p]
    if action == "deposit_collateral":
        return [Arrow("borrower", "spoke", f"deposit the lot of position {p} (message to the hub)")]
    if action == "deliver":
        if was["status"] == "depositing":
            return [Arrow("spoke", "hub", f"deposit of position {p} arrives: collateral held")]
        if was["status"] == "withdrawing":
            return [Arrow("hub", "spoke", f"release of position {p} arrives: lot back to the borrower")]
        short = after["bad_debt"] - before["bad_debt"]
        return [Arrow("hub", "spoke", f"seize of position {p} completes at {after['price']}: bad debt +{short}")]
    if action == "borrow":
        return [Arrow("borrower", "hub", f"borrow {args['amount']} (debt {now['debt']})")]
    if action == "repay":
        return [Arrow("borrower", "spoke", f"repay {args['amount']} (message to the hub)")]
    if action == "deliver_repay":
        return [Arrow("spoke", "hub", f"repayment arrives: credited {now['repaid'] - was['repaid']}")]
    if action == "withdraw_collateral":
        return [Arrow("borrower", "hub", f"withdraw position {p} (release to the spoke)")]
    if action == "liquidate":
        if now["status"] == "seizing":
            return [Arrow("liquidator", "hub", f"liquidate position {p} (seize sent to the spoke)")]
        short = after["bad_debt"] - before["bad_debt"]
        return [Arrow("liquidator", "hub", f"liquidate position {p} at {after['price']}: bad debt +{short}")]
    return []
