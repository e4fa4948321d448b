"""What a verifier may read of the world when the bridge calls it (see model.trust.base.Context)."""

from collections.abc import Callable


class WorldContext:
    """The clock, the block height, and a lookup of canonical source messages by id and digest."""

    def __init__(self, now: int, height: int = 0, lookup: Callable[[int, bytes], int | None] | None = None) -> None:
        self.now = now
        self.height = height
        self._lookup = lookup

    def canonical_block(self, msg_id: int, digest: bytes) -> int | None:
        return self._lookup(msg_id, digest) if self._lookup else None
