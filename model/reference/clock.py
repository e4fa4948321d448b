"""Time and blocks: the one clock both chains share (seconds) and the source chains' block height."""

from model.reference.guard import require


class Clock:
    """Time starts at 0 and only moves forward, so a challenge window can close but never reopen."""

    def __init__(self) -> None:
        self.now = 0

    def advance(self, seconds: int) -> None:
        """Let `seconds` pass; at least one, since a wait of nothing is not a step of the model."""
        require(seconds >= 1, "wait must be at least 1 second")
        self.now += seconds


class Blocks:
    """The height of the source chains; only `mine` moves it (a reorg swaps blocks, it never shortens)."""

    def __init__(self) -> None:
        self.height = 0

    def mine(self, blocks: int) -> None:
        """Append `blocks` blocks; at least one."""
        require(blocks >= 1, "mine at least 1 block")
        self.height += blocks

    def confirmations(self, block: int) -> int:
        """How many blocks, counting its own, are on top of a message sent at `block`."""
        return self.height - block + 1
