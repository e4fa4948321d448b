"""Witnesses: states that must be reachable, so that no safety verdict is vacuous."""

from __future__ import annotations

from typing import Any

from bridgeproof.properties import prop
from bridgeproof.model.protocols.bridge.view import MessageView, View
from bridgeproof.properties.view import Ops


def _completed(m: MessageView, ops: Ops, direction: int) -> Any:
    transfer = [] if m.call is False else [ops.not_(m.call)]  # an executed call moved nothing
    return ops.and_(
        *transfer,
        m.sent,
        m.dir == direction,
        m.executions >= 1,
        ops.not_(m.queued),
        m.claim_dir == m.dir,
        m.claim_user == m.user,
        m.claim_amount == m.amount,
    )


@prop("witness")
def can_complete_transfer(v: View, ops: Ops) -> Any:
    """A real transfer out and a real transfer back have both been executed (a round trip completed)."""
    return ops.and_(
        ops.or_(*(_completed(m, ops, 0) for m in v.messages)),
        ops.or_(*(_completed(m, ops, 1) for m in v.messages)),
    )
