"""Recipients as 32 bytes: what an EVM destination makes of one that is not an address.

Every cross-VM bridge carries recipients as 32 bytes on the wire, and an EVM destination must turn
them into a 20-byte address. Some revert when the upper 12 bytes are not zero (Wormhole's
`fromWormholeFormat`, Hyperlane's checked `bytes32ToAddress`); some keep the low 20 bytes (LayerZero's
`OFTMsgCodec.bytes32ToAddress`, CCTP's `Message.bytes32ToAddress`). A Solana key, or an EVM address
padded on the wrong end, then becomes an address nobody holds the key of. Balancer's DAO lost 2,000
USDC this way through CCTP in 2024 (balancer/multisig-ops issues 1008 and 1347).

With `amounts.recipients = "bytes32"` a sender names her recipient's encoding (`address` or
`bytes32`); the family decides, where it pays, whether a `bytes32` recipient reverts or lands in
`unowned` (SEMANTICS.md, Recipients). This component owns that state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from bridgeproof.model.component import Component
from bridgeproof.model.declarations import Domain, Field, Var
from bridgeproof.model.protocols.bridge.family import ADDRESS, RECIPIENT_DOMAIN, ids

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

CHAIN_DOMAIN = Domain("chains", ("home", "remote"))


@attrs.frozen
class Recipients(Component):
    """The encoding of each message's recipient, and the value credited to addresses nobody holds."""

    feature = "recipients"

    def domains(self, cfg: Configuration) -> tuple[Domain, ...]:
        return (RECIPIENT_DOMAIN, CHAIN_DOMAIN)

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (Var("unowned", CHAIN_DOMAIN, "value credited on each chain to addresses nobody holds (its base units)"),)

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        d = ids(cfg)
        return (
            Field("sent_recipient", RECIPIENT_DOMAIN, ("sent", "recipient"), d, ADDRESS),
            Field("claim_recipient", RECIPIENT_DOMAIN, ("claims", "recipient"), d, ADDRESS),
            Field("unowned", "int", ("unowned",), CHAIN_DOMAIN, 0, counts=True),
        )

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        return dep.read_recipients(deployment)
