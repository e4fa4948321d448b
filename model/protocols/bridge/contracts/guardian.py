"""The pause guardian: an off-chain monitor with a key that halts the destination when it sees fraud.

Real bridges pair their verifier with one (Wormhole's Governor and guardian pause, NTT's pauser,
CCIP's Risk Management Network curse). Its trust assumption is liveness: it reacts within
`reaction` seconds of a fraudulent claim appearing.
"""

from __future__ import annotations

from bridgeproof.model.reference.guard import require


class Guardian:
    """Holds the destination's `paused` flag; only `pause` sets it and nothing clears it."""

    def __init__(self, reaction: int | None) -> None:
        self.reaction = reaction
        self.paused = False

    def pause(self, fraud_seen: bool) -> None:
        """Pause, which a guardian does only once it has seen a fraudulent claim."""
        require(self.reaction is not None, "no pause guardian")
        require(not self.paused, "already paused")
        require(fraud_seen, "no fraudulent claim to pause for")
        self.paused = True

    def deadline(self, claimed_at: int) -> int | None:
        """The latest time by which the guardian has paused for a fraud claimed at `claimed_at`."""
        if self.reaction is None or self.paused:
            return None
        return claimed_at + self.reaction
