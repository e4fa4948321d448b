"""What the wrapped-collateral properties read: the bridge's view, with the market beside it.

A user's `balance_remote` includes what she pledged (the market holds it in custody for her), so
every lock_mint property reads the bridge as before. `bad_debt` is the market's shortfall if the
bridge's holders ran and the market redeemed last (SEMANTICS.md, "Family `wrapped_collateral`").
"""

from __future__ import annotations

from typing import Any

import attrs

from bridgeproof.model.protocols.bridge.view import View


@attrs.frozen
class WrappedView(View):
    pledged: tuple[Any, ...] = ()
    debt: tuple[Any, ...] = ()
    deficit: Any = 0
    """Canonical value the vault cannot redeem: max(0, supply_remote - escrow), both canonical."""
    bad_debt: Any = 0
    """max(0, sum(debt) - price * max(0, sum(pledged) - ceil(deficit / scale))), wrapped base units."""


def _ceil_div(x: Any, k: int) -> Any:
    """ceil(x / k) for x >= 0 and a constant k >= 1 (Z3's integer division by a numeral is the floor)."""
    if k == 1:
        return x
    return -(-x // k) if isinstance(x, int) else (x + (k - 1)) / k


def wrapped_view(bridge: View, fields: Any, ops: Any, price: int, remote_scale: int) -> WrappedView:
    """`remote_scale`: canonical units per wrapped base unit (the bridge's view is canonical; the
    market counts wrapped base units, and a token the vault cannot redeem in part counts whole)."""
    pledged, debt = fields.row("pledged"), fields.row("debt")
    deficit = ops.max(0, bridge.supply_remote - bridge.escrow)
    redeemable = ops.max(0, ops.sum(pledged) - _ceil_div(deficit, remote_scale))
    bad_debt = ops.max(0, ops.sum(debt) - price * redeemable)
    values = {a.name: getattr(bridge, a.name) for a in attrs.fields(View)}
    values["balance_remote"] = tuple(b + p * remote_scale for b, p in zip(bridge.balance_remote, pledged, strict=True))
    return WrappedView(**values, pledged=pledged, debt=debt, deficit=deficit, bad_debt=bad_debt)
