"""The inbound rate limit of a destination: a token bucket per direction (Wormhole NTT, Chainlink CCIP).

NTT queues a transfer the bucket cannot cover and lets anyone release it after a delay; CCIP's
token pools revert it instead. Amounts are message units (SEMANTICS.md, Amounts).
"""

from __future__ import annotations

from bridgeproof.model.protocols.bridge.options import RateLimit


class InboundBucket:
    """`tokens` refill at `refill` per second up to `capacity`; a transfer takes its amount out."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.tokens = limit.capacity
        self.updated_at = 0

    def level(self, now: int) -> int:
        """What the bucket holds at `now`, after refilling since it was last touched."""
        return min(self.limit.capacity, self.tokens + self.limit.refill * (now - self.updated_at))

    def covers(self, amount: int, now: int) -> bool:
        """Whether a transfer of `amount` fits now; asks without taking, so a caller can still refuse."""
        return amount <= self.level(now)

    def take(self, amount: int, now: int) -> None:
        """Consume `amount`; only after `covers` said yes (a queued transfer leaves the bucket alone)."""
        level = self.level(now)
        assert amount <= level, "take() without covers()"
        self.tokens = level - amount
        self.updated_at = now

    def fields(self) -> dict[str, int]:
        """The bucket as it appears in the observable state."""
        return {"tokens": self.tokens, "updated_at": self.updated_at}
