"""Replay protection: each message, deposit and burn pays out at most once."""

from __future__ import annotations

from typing import Any

from bridgeproof.properties import prop
from bridgeproof.model.protocols.bridge.view import View
from bridgeproof.properties.view import Ops


@prop("safety")
def no_double_spend(v: View, ops: Ops) -> Any:
    """Every message id is executed at most once, on one chain (a deposit mints once, a burn unlocks once).

    Counts executions on a forked copy of home too. Depends only on replay protection (and on
    messages binding the chain id), not on the trust model.
    """
    return ops.and_(*(m.executions + m.fork_executions <= 1 for m in v.messages))
