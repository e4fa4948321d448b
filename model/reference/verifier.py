"""The shape of a trust model as the reference implementation sees it: parameters and a concrete verifier.

The objects themselves come from `model/trust`; these are structural types only, so the reference never
imports the symbolic half and the two stay independent (see SEMANTICS.md).
"""

from typing import Any, Protocol


class Verifier(Protocol):
    """What the destination consults to decide whether a claim is genuine, with its evidence per message id."""

    def attest(self, msg_id: int, digest: bytes, now: int) -> None:
        """Vouch honestly for a message really emitted on its source chain."""

    def forge(self, msg_id: int, digest: bytes, now: int) -> None:
        """Record the best evidence the adversary can produce for a message it made up."""

    def accepts(self, msg_id: int, digest: bytes, now: int) -> bool:
        """Whether the destination would execute this claim now; must have no side effects."""

    def evidence(self, msg_id: int) -> dict[str, Any]:
        """The observable evidence record for a claimed id."""

    def challenge(self, msg_id: int, now: int) -> None:
        """Dispute a claim; reverts when the trust model does not allow it."""

    def check_wait(self, now: int, seconds: int, open_frauds: list[int]) -> None:
        """Revert when time may not pass, given the ids a watcher still has to challenge."""


class Trust(Protocol):
    """A trust model's parameters: its id, the extra actions it adds, and a factory for fresh verifiers."""

    @property
    def id(self) -> str:
        """The registered snake_case id, e.g. "multisig"."""

    @property
    def concrete_actions(self) -> tuple[str, ...]:
        """The actions this trust model adds to the protocol's own, e.g. ("challenge", "wait")."""

    def verifier(self) -> Verifier:
        """A verifier with no evidence yet, for a newly deployed bridge."""
