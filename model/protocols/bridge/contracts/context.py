"""What a verifier may read of the world when the bridge calls it (see model.trust.base.Context)."""

from __future__ import annotations

from collections.abc import Mapping


class WorldContext:
    """The clock, the block height, and the canonical source messages by id, as of one call.

    It is a snapshot taken when the bridge calls the verifier, so a verifier that keeps it around
    cannot see, or be confused by, later reorgs; it reads only, like a view call.
    """

    __slots__ = ("_canonical", "height", "now")

    def __init__(self, now: int, height: int = 0, canonical: Mapping[int, tuple[bytes, int]] | None = None) -> None:
        self.now = now
        self.height = height
        # id -> (digest, block) of every message on the canonical source chains right now.
        # A private copy (not a mappingproxy, which deepcopy cannot take if a verifier keeps the context).
        self._canonical: dict[int, tuple[bytes, int]] = dict(canonical or {})

    def canonical_block(self, msg_id: int, digest: bytes) -> int | None:
        """The block of the source message with this id and exactly this digest; None if it was never
        sent, was sent with other content, or was reorged out. This is what a light client proves."""
        entry = self._canonical.get(msg_id)
        if entry is None or entry[0] != digest:
            return None
        return entry[1]
