"""A hard fork of `home`: a second copy of the chain, with its own copy of the vault and its replay record.

What protects the copy is chain-id binding: messages are signed for home's chain id, which the fork
no longer has. With the `unbound_chain_id` fault the digest does not bind it, so evidence for home
is evidence for the fork too, and a `back` message can unlock twice (the ETHW/Omni replay, 2022).
"""

from __future__ import annotations

from bridgeproof.model.reference.guard import require


class HomeFork:
    """The forked copy of home's vault: its balance at the fork, then whatever is unlocked there."""

    def __init__(self) -> None:
        self.forked = False
        self.escrow = 0

    def split(self, escrow: int) -> None:
        """The fork happens: the copy starts with the vault's balance of that moment."""
        require(not self.forked, "home has already forked")
        self.forked = True
        self.escrow = escrow

    def withdraw(self, credit: int) -> None:
        """Pay out from the copy's vault; it holds only what was escrowed when the chains split."""
        require(self.forked, "home has not forked")
        require(self.escrow >= credit, "insufficient escrow on the fork")
        self.escrow -= credit
