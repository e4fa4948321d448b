"""Atomic swaps: the honest party never pays without being paid, and its coins never stay locked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridgeproof.properties import prop
from bridgeproof.properties.view import Ops

if TYPE_CHECKING:
    from bridgeproof.model.protocols.htlc import HtlcView

LOCKED, CLAIMED, REFUNDED = 0, 1, 2


@prop("safety", families=("htlc",))
def atomicity(v: HtlcView, ops: Ops) -> Any:
    """The honest party never ends with its own lock claimed and the other lock refunded.

    Depends on the timeouts leaving the honest party time to act: T_a > T_b + delta for
    account-based contracts, more for BIP-199 scripts, whose claim branch has no time bound.
    """
    own = v.own_chain(v.honest)
    other = 1 - own
    return ops.not_(ops.and_(v.is_(own, CLAIMED, ops), v.is_(other, REFUNDED, ops)))


@prop("witness", families=("htlc",))
def swap_completes(v: HtlcView, ops: Ops) -> Any:
    """Both locks are claimed: the swap happened."""
    return ops.and_(v.is_(0, CLAIMED, ops), v.is_(1, CLAIMED, ops))


@prop("liveness", families=("htlc",))
def funds_never_stuck(v: HtlcView, ops: Ops) -> Any:
    """Every lock the honest party made is eventually claimed or refunded.

    Under fairness: the honest party claims or refunds as soon as it may, delayed by at most delta.
    One obligation per honest lock: pending while it is locked, due by its timeout plus delta (when
    its payer refunds it at the latest). Depends on the refund path working.
    """
    own = v.own_chain(v.honest)
    return [(f"lock[{'ab'[own]}]", v.is_(own, LOCKED, ops), v.timeout[own] + v.delta)]
