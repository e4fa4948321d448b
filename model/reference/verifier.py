"""The shape of a trust model as the reference implementation sees it: parameters and a concrete verifier.

The objects themselves come from `model/trust`; these are structural types only, so the reference never
imports the symbolic half and the two stay independent (see SEMANTICS.md). They mirror the `Context`
and `Verifier` protocols of `model.trust.base`, which cannot be imported here without Z3.
"""

from typing import Any, Protocol


class Context(Protocol):
    """What a verifier may read of the world: the clock, the height, and canonical source messages."""

    now: int
    height: int

    def canonical_block(self, msg_id: int, digest: bytes) -> int | None:
        """The block of the canonical source message with this id and digest, else None."""


class Verifier(Protocol):
    """What the destination consults to decide whether a claim is genuine, with its evidence per message id."""

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        """Vouch honestly for a message really emitted on its source chain."""

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        """Record the best evidence the adversary can produce for a message it made up."""

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        """Whether the destination would execute this claim now; must have no side effects."""

    def evidence(self, msg_id: int) -> dict[str, Any]:
        """The observable evidence record for a claimed id."""

    def state(self) -> dict[str, Any]:
        """Verifier state that is not per message (the ITF `verifier` record); {} if none."""

    def challenge(self, msg_id: int, ctx: Context) -> None:
        """Dispute a claim; reverts when the trust model does not allow it."""

    def check_wait(self, ctx: Context, seconds: int, open_frauds: list[int]) -> None:
        """Revert when time may not pass, given the ids a watcher still has to challenge."""

    def upgrade(self) -> None:
        """The adversary's upgrade of the verifier contract; reverts when there is none."""


class Trust(Protocol):
    """A trust model's parameters: what the world needs to know to deploy it, and a verifier factory."""

    @property
    def id(self) -> str:
        """The registered snake_case id, e.g. "multisig"."""

    @property
    def concrete_actions(self) -> tuple[str, ...]:
        """The actions this trust model adds to the protocol's own, e.g. ("challenge", "wait")."""

    @property
    def timed(self) -> bool:
        """Whether the model needs the clock (then `wait` exists)."""

    @property
    def uses_blocks(self) -> bool:
        """Whether the model needs block heights (then `mine` and `reorg` exist)."""

    @property
    def reorg_bound(self) -> int:
        """How deep the adversary may reorganise home under this model (a light client's `reorg`)."""

    def verifier(self) -> Verifier:
        """A verifier with no evidence yet, for a newly deployed bridge."""
