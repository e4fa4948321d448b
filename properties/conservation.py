"""Supply conservation in the canonical unit."""

from __future__ import annotations

from typing import Any

from bridgeproof.properties import prop
from bridgeproof.model.protocols.bridge.view import View
from bridgeproof.properties.view import Ops


def inflight(v: View, ops: Ops) -> Any:
    """Value that left a source chain and has not been delivered on its destination (queued counts)."""
    return ops.sum(
        ops.ite(ops.and_(m.sent, ops.or_(ops.not_(m.claimed), m.executions == 0, m.queued)), m.value, 0)
        for m in v.messages
    )


@prop("safety")
def supply_conservation(v: View, ops: Ops) -> Any:
    """Circulating supply on both chains (escrow excluded) plus value in flight and stranded dust equals the initial supply.

    Stated over balances, in canonical units, never over message contents: a deposit event that
    moved no value (Qubit) breaks it. For lock_mint this is `escrow == wrapped supply + in flight`:
    the wrapped supply never exceeds the escrow, and equals it when nothing is in flight. For
    burn_mint it is `supply_home + supply_remote + in flight == initial`. Depends on the trust
    model's acceptance being sound (f < k, an honest custodian, a live and timely watcher).
    """
    return v.supply_home + v.supply_remote - v.escrow + inflight(v, ops) + v.dust == v.supply
