"""Addressing: value reaches only accounts someone holds."""

from __future__ import annotations

from typing import Any

from bridgeproof.model.protocols.bridge.view import View
from bridgeproof.properties import prop
from bridgeproof.properties.view import Ops


@prop("safety")
def no_funds_to_unowned(v: View, ops: Ops) -> Any:
    """No transfer credits its value to an address nobody holds the key of.

    A 32-byte recipient that is not an EVM address (a Solana key, an address padded on the wrong
    end) must make an EVM destination revert, not keep its low 20 bytes (CCTP and LayerZero's
    `bytes32ToAddress`; Balancer's 2,000 USDC, 2024). The value then stays in flight, which
    conservation still counts; a refund path is the source chain's business.
    """
    return ops.and_(*(value == 0 for value in v.unowned))
