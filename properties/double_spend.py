"""Replay protection: each message, deposit and burn pays out at most once."""

from __future__ import annotations

from typing import Any

from properties import prop
from properties.view import Ops, View


@prop("safety")
def no_double_spend(v: View, ops: Ops) -> Any:
    """Every message id is executed at most once on its destination (a deposit mints once, a burn unlocks once).

    Depends only on the destination's replay protection, not on the trust model.
    """
    return ops.and_(*(m.executions <= 1 for m in v.messages))
