"""What the money-market properties read of a margin account: bad debt, and one row per position.

Built from `properties.view.Fields` and an `Ops`, so the same code gives the concrete view (a replayed
or observed state, Python integers) and the symbolic one (Z3 terms): NOTE(write-once) in
properties/view.py. Statuses are positions in `STATUS` (0 wallet .. 5 seized), as the solver sees them.

The view has the shape of the lending family's (`properties/lending.py` reads both): each position has
a summary `status` over its three lots (SEMANTICS.md, "Family `margin`", Properties): `held` if some
lot is credited, else `seizing`, `seized`, `depositing`, `withdrawing` in that order, else `wallet`
(every lot with the borrower). So "owes only while held or seizing" reads "some lot backs the debt",
and "back in the wallet" reads "every lot back".
"""

from __future__ import annotations

from typing import Any

import attrs

BPS = 10_000
WALLET, DEPOSITING, HELD, WITHDRAWING, SEIZING, SEIZED = range(6)
SUMMARY_ORDER = (HELD, SEIZING, SEIZED, DEPOSITING, WITHDRAWING)
"""The summary status is the first of these that some lot has, else `wallet`."""


@attrs.frozen
class Lot:
    """One lot's row (`positions[p].lots.<k>`)."""

    spoke: str
    status: Any
    sent_at: Any
    sent_price: Any
    liq_price: Any
    amount: int
    """lot_k: whole tokens (a constant, so `amount * price` stays linear)."""
    lt: int


@attrs.frozen
class Position:
    """One account (SEMANTICS.md, "Family `margin`", Observable state), with its summary status."""

    status: Any
    debt: Any
    borrowed: Any
    repaid: Any
    liq_debt: Any
    lots: tuple[Lot, ...]


@attrs.frozen
class Asset:
    """One spoke's asset: its market price and the hub's last report of its feed."""

    spoke: str
    price: Any
    oracle_price: Any
    oracle_at: Any


@attrs.frozen
class MarginView:
    now: Any
    bad_debt: Any
    assets: tuple[Asset, ...]
    positions: tuple[Position, ...]
    tolerance_bps: int

    def settled(self, p: Position, ops: Any) -> Any:
        """Its liquidation has completed: some lot seized and none still travelling."""
        return ops.and_(
            ops.or_(*(lot.status == SEIZED for lot in p.lots)),
            ops.not_(ops.or_(*(lot.status == SEIZING for lot in p.lots))),
        )

    def unhealthy_at_oracle(self, p: Position, ops: Any) -> Any:
        """HF < 1 at the oracle prices, counting only credited lots (ignores whether it was liquidated)."""
        value = ops.sum(
            ops.ite(lot.status == HELD, lot.amount * a.oracle_price * lot.lt, 0)
            for lot, a in zip(p.lots, self.assets, strict=True)
        )
        return ops.and_(p.debt >= 1, value < p.debt * BPS)

    def unfair(self, p: Position, ops: Any) -> Any:
        """Settled although healthy at the market, each seized lot at its asset's price when its seizure
        completed, beyond the tolerance: `sum lot_k * liq_price_k * LT_k >= liq_debt * (10000 + tol)`."""
        value = ops.sum(ops.ite(lot.status == SEIZED, lot.amount * lot.liq_price * lot.lt, 0) for lot in p.lots)
        return ops.and_(self.settled(p, ops), value >= p.liq_debt * (BPS + self.tolerance_bps))


def summary_status(statuses: tuple[Any, ...], ops: Any) -> Any:
    out: Any = WALLET
    for code in reversed(SUMMARY_ORDER):
        out = ops.ite(ops.or_(*(st == code for st in statuses)), code, out)
    return out


def margin_view(family: Any, fields: Any, ops: Any) -> MarginView:
    spokes = family.spokes
    rows = []
    for p in range(fields.size("positions")):
        lots = tuple(
            Lot(
                spoke=sp.name,
                status=fields(f"status_{sp.name}", p),
                sent_at=fields(f"sent_at_{sp.name}", p),
                sent_price=fields(f"sent_price_{sp.name}", p),
                liq_price=fields(f"liq_price_{sp.name}", p),
                amount=sp.lot,
                lt=sp.lt,
            )
            for sp in spokes
        )
        rows.append(
            Position(
                status=summary_status(tuple(lot.status for lot in lots), ops),
                debt=fields("debt", p),
                borrowed=fields("borrowed", p),
                repaid=fields("repaid", p),
                liq_debt=fields("liq_debt", p),
                lots=lots,
            )
        )
    assets = tuple(
        Asset(
            spoke=sp.name,
            price=fields("market_price", sp.index),
            oracle_price=fields("oracle_price", sp.index),
            oracle_at=fields("oracle_at", sp.index),
        )
        for sp in spokes
    )
    return MarginView(
        now=fields("now"),
        bad_debt=fields("bad_debt"),
        assets=assets,
        positions=tuple(rows),
        tolerance_bps=family.tolerance_bps,
    )


# --- for people: `show`'s one-line states and the report's sequence diagrams --------------------------
LIFELINES = ("borrower", "spoke a", "spoke b", "spoke c", "hub", "oracle", "market", "liquidator", "clock")

_SHORT = {
    "wallet": "w",
    "depositing": "dep",
    "held": "held",
    "withdrawing": "wd",
    "seizing": "seizing",
    "seized": "seized",
}


def summary(state: Any) -> str:
    """`t=3600 a=2700e8/2700e8@3600 b=... bad_debt=0 | p0 debt=241500000000 a:held b:w c:w`."""
    head = [f"t={state['now']}"]
    for k, asset in state["spokes"].items():
        oracle = asset["oracle"]
        head.append(f"{k}={asset['price']}/{oracle['price']}@{oracle['at']}")
    head.append(f"bad_debt={state['bad_debt']}")
    rows = []
    for p, row in state["positions"].items():
        lots = " ".join(f"{k}:{_SHORT.get(lot['status'], lot['status'])}" for k, lot in row["lots"].items())
        settled = f" liq_debt={row['liq_debt']}" if row["liq_debt"] else ""
        rows.append(f"p{p} debt={row['debt']}{settled} {lots}")
    return " | ".join([" ".join(head), *rows])


def arrows(action: str, args: Any, before: Any, after: Any) -> list[Any]:
    from bridgeproof.model.diagram import Arrow

    if action == "wait":
        return [Arrow("clock", "clock", f"wait {args['seconds']} s (t = {after['now']})")]
    k = args.get("spoke")
    if action == "price_move":
        return [Arrow("market", "market", f"asset {k}: {before['spokes'][k]['price']} -> {args['price']}")]
    if action == "oracle_update":
        report = after["spokes"][k]["oracle"]
        return [Arrow("oracle", "hub", f"feed {k} reports {report['price']} at t = {report['at']}")]
    p = args.get("position")
    was, now = before["positions"][p], after["positions"][p]
    spoke = f"spoke {k}"
    if action == "deposit_collateral":
        return [Arrow("borrower", spoke, f"deposit lot {k} of position {p} (message to the hub)")]
    if action == "deliver":
        status = was["lots"][k]["status"]
        if status == "depositing":
            return [Arrow(spoke, "hub", f"deposit of lot {k} of position {p} arrives: credited")]
        if status == "withdrawing":
            return [Arrow("hub", spoke, f"release of lot {k} of position {p} arrives: back to the borrower")]
        short = after["bad_debt"] - before["bad_debt"]
        price = now["lots"][k]["liq_price"]
        last = not any(lot["status"] == "seizing" for lot in now["lots"].values())
        settled = f"; settled against debt {now['liq_debt']}, bad debt +{short}" if last else ""
        return [Arrow("hub", spoke, f"seize of lot {k} of position {p} completes at {price}{settled}")]
    if action == "borrow":
        return [Arrow("borrower", "hub", f"borrow {args['amount']} (debt {now['debt']})")]
    if action == "repay":
        return [Arrow("borrower", "hub", f"repay {args['amount']} (debt {now['debt']})")]
    if action == "withdraw_collateral":
        return [Arrow("borrower", "hub", f"withdraw lot {k} of position {p} (release to spoke {k})")]
    if action == "liquidate":
        taken = [j for j, lot in now["lots"].items() if lot["status"] != was["lots"][j]["status"]]
        if any(now["lots"][j]["status"] == "seizing" for j in taken):
            return [
                Arrow(
                    "liquidator",
                    "hub",
                    f"liquidate position {p}: seize lots {', '.join(taken)} (messages to their spokes)",
                )
            ]
        short = after["bad_debt"] - before["bad_debt"]
        return [
            Arrow("liquidator", "hub", f"liquidate position {p} at the hub: lots {', '.join(taken)}, bad debt +{short}")
        ]
    return []
