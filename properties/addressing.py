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


@prop("safety")
def depositor_credited(v: View, ops: Ops) -> Any:
    """Every deposit that executed credited the account its depositor named, on the chain she sent it to.

    Stated per deposit, where `no_funds_to_unowned` is stated per chain and `no_unbacked_mint` over
    claims that need not match any deposit: a real transfer, honestly relayed, whose credit went to
    someone else or to no one (Balancer's 2,000 USDC, 2024, minted to the low 20 bytes of its
    32-byte recipient). A call moves no value and is no deposit. Depends on the trust model, as
    `no_unbacked_mint` does, and on a destination that reverts on a recipient it cannot hold.
    """
    return ops.and_(
        *(
            ops.implies(
                ops.and_(m.sent, ops.not_(m.call), m.executions >= 1),
                ops.and_(
                    m.claim_dir == m.dir,
                    m.claim_user == m.user,
                    m.claim_recipient == m.recipient,
                    ops.not_(m.lands_unowned),
                ),
            )
            for m in v.messages
        )
    )
