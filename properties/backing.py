"""Authorisation: nothing is minted or unlocked without a real lock or burn behind it."""

from __future__ import annotations

from typing import Any

from bridgeproof.properties import prop
from bridgeproof.model.protocols.bridge.view import View
from bridgeproof.properties.view import Ops


@prop("safety")
def no_unbacked_mint(v: View, ops: Ops) -> Any:
    """Every executed claim matches a message the source chain really emitted, and credits no more value than it carries.

    Depends on the trust model (f < k, an honest custodian, a live and timely watcher), and on
    conversions rounding down.
    """
    return ops.and_(
        *(
            ops.implies(
                m.executions >= 1,
                ops.and_(
                    m.sent,
                    m.claim_dir == m.dir,
                    m.claim_user == m.user,
                    m.claim_amount == m.amount,
                    m.credited_value <= m.value,
                ),
            )
            for m in v.messages
        )
    )
