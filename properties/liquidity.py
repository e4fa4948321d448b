"""Liquidity networks: the user is made whole exactly once, relayers are repaid once and only for real
fills, and the pool can always pay its liquidity providers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridgeproof.properties import prop
from bridgeproof.properties.view import Ops

if TYPE_CHECKING:
    from bridgeproof.model.protocols.liquidity import LiquidityView

RICK = 1
REPAY = 0


@prop("safety", families=("liquidity",))
def user_made_whole(v: LiquidityView, ops: Ops) -> Any:
    """No deposit is refunded twice, nor both refunded and paid to its depositor by a fill of its amount.

    Depends on the destination refusing fills after the fill deadline, and on the trust model that
    judges bundles (one live disputer, within the liveness) refusing refunds of filled deposits.
    """
    parts = []
    for d in v.deposits:
        paid = ops.and_(d.filled, d.recipient == d.depositor, d.fill_amount == d.amount)
        parts += [d.refunded <= 1, ops.not_(ops.and_(d.deposited, paid, d.refunded >= 1))]
    return ops.and_(*parts)


@prop("safety", families=("liquidity",))
def no_double_repayment(v: LiquidityView, ops: Ops) -> Any:
    """No deposit's fill is repaid twice.

    Depends on the trust model that judges bundles (one live disputer, within the liveness).
    """
    return ops.and_(*(d.repaid <= 1 for d in v.deposits))


@prop("safety", families=("liquidity",))
def relayer_repaid_only_for_real_fills(v: LiquidityView, ops: Ops) -> Any:
    """Every executed repayment paid the relayer of a valid fill of its deposit, the deposit's amount.

    Depends on the trust model that judges bundles (one live disputer, within the liveness).
    """
    parts = []
    for b in v.bundles:
        real = v.at(
            b.deposit,
            ops,
            lambda d: ops.and_(d.valid_fill(ops), b.to == d.relayer, b.amount == d.amount),
        )
        parts.append(ops.implies(ops.and_(b.proposed, b.executed, b.kind == REPAY), real))
    return ops.and_(*parts)


@prop("safety", families=("liquidity",))
def lp_solvency(v: LiquidityView, ops: Ops) -> Any:
    """The pool holds at least the LPs' shares plus every deposit still owed a repayment or a refund.

    So liabilities never exceed assets and LPs can withdraw what they own. Depends on the trust
    model that judges bundles: a bundle paying out for nothing takes the LPs' money.
    """
    owed = ops.sum(ops.ite(ops.and_(d.deposited, d.unsettled(ops)), d.amount, 0) for d in v.deposits)
    return v.pool >= ops.sum(v.shares) + owed


@prop("witness", families=("liquidity",))
def fill_repaid(v: LiquidityView, ops: Ops) -> Any:
    """Some deposit was filled correctly by the honest relayer, and the relayer was repaid."""
    return ops.or_(*(ops.and_(d.valid_fill(ops), d.relayer == RICK, d.repaid >= 1) for d in v.deposits))
