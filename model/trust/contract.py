"""What a concrete verifier is and what it may read of the world: the reference's side of a trust model.

No Z3 here: the reference implementation imports this, never the symbolic half. Declared once, for
every trust model's concrete half and every family that deploys one.
"""

from __future__ import annotations

from typing import Any, Protocol


class Context(Protocol):
    """What a verifier may read of the world when it is called (a snapshot, like a view call)."""

    now: int
    height: int

    def canonical_block(self, msg_id: int, digest: bytes) -> int | None:
        """The block of the source message with this id and exactly this digest, if it is on the
        canonical source chain now; None otherwise (never sent, other content, or reorged out)."""
        ...


class Verifier(Protocol):
    """The concrete half of a trust model: what a destination consults, with its evidence per claim id."""

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        """Vouch honestly for a claim that is true on its source."""

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        """Record the best evidence the adversary can produce for a claim it made up."""

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        """Whether the destination would execute this claim now; no side effects."""

    def evidence(self, msg_id: int) -> dict[str, Any]:
        """The observable evidence record of a claimed id."""

    def state(self) -> dict[str, Any]:
        """Verifier state that is not per claim (the ITF `verifier` record); {} if none."""


class Subject(Protocol):
    """What a family's deployment offers the trust model's actors (watchers, upgraders).

    The claims a verifier judges are the family's: messages for a bridge, repayment bundles for a
    liquidity network. Fraud is judged now, against the family's own source of truth.
    """

    verifier: Any

    def context(self) -> Context: ...
    def claim_ids(self) -> list[int]: ...
    def is_fraudulent(self, claim_id: int) -> bool: ...
    def is_executed(self, claim_id: int) -> bool: ...
