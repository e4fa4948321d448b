"""The escrow vault on `home` for lock_mint: it holds the canonical tokens that back the wrapped supply."""

from bridgeproof.model.reference.guard import require
from bridgeproof.model.protocols.bridge.contracts.token import Token


class Vault:
    """The vault is an ordinary account in the home token's ledger, as a real escrow contract is.

    Locking and unlocking are transfers, so the home token's total supply never changes under lock_mint;
    the escrow is simply the vault's balance.
    """

    address = "vault"

    def __init__(self, token: Token) -> None:
        self.token = token

    @property
    def escrow(self) -> int:
        """The tokens the vault holds right now."""
        return self.token.balance_of(self.address)

    def deposit(self, user: str, amount: int) -> None:
        """Take `amount` from `user` into escrow; reverts when the user cannot pay.

        A deposit of 0 succeeds and moves nothing: that is the Qubit bug (`unchecked_deposit`), where
        the bridge emitted a full message for a pull that transferred nothing.
        """
        require(amount >= 0, "deposit must not be negative")
        require(self.token.balance_of(user) >= amount, "insufficient balance to lock")
        if amount:
            self.token.transfer(user, self.address, amount)

    def withdraw(self, user: str, amount: int) -> None:
        """Release `amount` from escrow to `user`; reverts rather than paying out tokens it does not hold.

        A withdrawal of 0 (a delivery truncated to nothing, a refund of an unpaid deposit) moves nothing.
        """
        require(amount >= 0, "withdrawal must not be negative")
        require(self.escrow >= amount, "insufficient escrow")
        if amount:
            self.token.transfer(self.address, user, amount)
