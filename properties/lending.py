"""Cross-chain money markets: liquidations leave no bad debt, seize only unhealthy positions, and no
debt outlives the collateral that backs it (SEMANTICS.md, "Family `lending`", Properties)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridgeproof.properties import prop
from bridgeproof.properties.view import Ops

if TYPE_CHECKING:
    from bridgeproof.model.protocols.lending.view import LendingView
    from bridgeproof.model.protocols.wrapped_collateral.view import WrappedView

WALLET, DEPOSITING, HELD, WITHDRAWING, SEIZING, SEIZED = range(6)


@prop("safety", families=("lending", "margin", "wrapped_collateral"))
def no_bad_debt(v: LendingView, ops: Ops) -> Any:
    """The market holds no debt its collateral, valued at the true price, does not cover.

    lending and margin: what a completed liquidation's seized collateral, sold at the market price
    less the bonus, fell short of. wrapped_collateral: what the loans exceed the pledged wrapped
    tokens the bridge can still redeem (the market last in a run), at the price; depends on the
    bridge's backing. lending and margin depend on the liquidation threshold leaving the margin of
    the closed form, (10000 - D)^n * 10000 >= LT * (10000 + bonus) * 10000^(n-1): the worst fall of
    the market over the oracle's heartbeat (n = 1, hub-local) or over the heartbeat plus the seize's
    latency (n = 1 + ceil(latency / heartbeat)).
    """
    return v.bad_debt == 0


@prop("safety", families=("lending", "margin"))
def no_unfair_liquidation(v: LendingView, ops: Ops) -> Any:
    """Every seized position was unhealthy at the market price when its liquidation completed, within the tolerance.

    Hub-local liquidations complete at a report, where market and oracle agree. A cross-chain seize
    completes a latency later, after the market may have recovered or a repayment in flight arrived.
    """
    return ops.and_(*(ops.not_(v.unfair(p, ops)) for p in v.positions))


@prop("safety", families=("lending", "margin"))
def withdrawal_keeps_health(v: LendingView, ops: Ops) -> Any:
    """No position owes anything while its collateral is not backing it (held at the hub, or being seized).

    Depends on the hub debiting a withdrawal before it sends the release, and refusing it while any debt remains.
    """
    return ops.and_(*(ops.implies(p.debt >= 1, ops.or_(p.status == HELD, p.status == SEIZING)) for p in v.positions))


@prop("witness", families=("lending", "margin"))
def position_round_trip(v: LendingView, ops: Ops) -> Any:
    """Some position was opened, borrowed against, repaid in full and closed (its collateral back in the wallet)."""
    return ops.or_(
        *(ops.and_(p.borrowed >= 1, p.repaid == p.borrowed, p.debt == 0, p.status == WALLET) for p in v.positions)
    )


@prop("witness", families=("wrapped_collateral",))
def loan_on_wrapped_collateral(v: WrappedView, ops: Ops) -> Any:
    """Some user owes the market while the bridge fully backs its wrapped token (lock, delivery, pledge and borrow all happened)."""
    return ops.and_(ops.or_(*(d >= 1 for d in v.debt)), v.deficit == 0)
