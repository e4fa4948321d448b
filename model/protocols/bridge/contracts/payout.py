"""How a destination pays a delivered claim: mint on the chain's token, or release from the home vault.

Split from the endpoint so one delivery path (admission, rate limit, queue, release) serves `mint`
and `unlock` alike, and only the payout differs, as NTT's manager is one contract in both modes.
"""

from __future__ import annotations

from typing import Protocol

from bridgeproof.model.reference.guard import require
from bridgeproof.model.protocols.bridge.contracts.token import Token
from bridgeproof.model.protocols.bridge.contracts.vault import Vault


class Payout(Protocol):
    """The destination's payout contract."""

    def check_backing(self, credit: int) -> None:
        """Required on every execution, queued or not (SEMANTICS.md: `unlock` needs `escrow >= credit`)."""

    def check_pay(self, credit: int) -> None:
        """Required when the credit is paid now; reverts without changing anything."""

    def pay(self, account: str, credit: int) -> None:
        """Pay `credit` destination base units to `account`: the claim's user, or with `truncating_address`
        the address an EVM chain made of her 32-byte recipient, which nobody holds (Balancer 2024)."""


class Minter:
    """Mints on the destination token; on an SVM chain the SPL mint's u64 supply caps it."""

    def __init__(self, token: Token, supply_cap: int | None) -> None:
        self.token = token
        self.supply_cap = supply_cap

    def check_backing(self, credit: int) -> None:
        return None

    def check_pay(self, credit: int) -> None:
        if self.supply_cap is not None:
            require(self.token.total_supply + credit <= self.supply_cap, "mint overflows the u64 supply")

    def pay(self, account: str, credit: int) -> None:
        self.check_pay(credit)
        if credit:  # a truncated delivery can credit 0; minting nothing still completes the transfer
            self.token.mint(account, credit)


class Unlocker:
    """Releases canonical tokens from the home vault; it can never pay out more than it holds."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def check_backing(self, credit: int) -> None:
        require(self.vault.escrow >= credit, "insufficient escrow")

    def check_pay(self, credit: int) -> None:
        self.check_backing(credit)

    def pay(self, account: str, credit: int) -> None:
        self.vault.withdraw(account, credit)
