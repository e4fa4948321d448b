"""The contract every trust model meets: a symbolic half for Z3 and a concrete half for the reference.

NOTE(two-halves): the two halves of a trust model live in one file so a designer adds one file,
but they share no code: the symbolic half builds Z3 terms, the concrete half checks signatures,
windows and deadlines on plain values. Conformance tests compare them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol

import z3

from model.symbolic import Case, EvidenceField, StepArgs, SymState


class Verifier(Protocol):
    """The concrete half: what the reference implementation's destination chain calls."""

    def attest(self, msg_id: int, digest: bytes, now: int) -> None: ...
    def forge(self, msg_id: int, digest: bytes, now: int) -> None: ...
    def accepts(self, msg_id: int, digest: bytes, now: int) -> bool: ...
    def evidence(self, msg_id: int) -> dict[str, int | bool]: ...
    def challenge(self, msg_id: int, now: int) -> None: ...
    def check_wait(self, now: int, seconds: int, open_frauds: list[int]) -> None: ...


Fraudulent = Callable[[SymState, int], z3.BoolRef]


class TrustModel:
    """Base for trust models. Subclasses are @attrs.frozen parameter records registered by id."""

    id: ClassVar[str]
    evidence: ClassVar[tuple[EvidenceField, ...]]
    concrete_actions: ClassVar[tuple[str, ...]] = ()
    timed: ClassVar[bool] = False
    """True when the model needs the clock (a `wait` action exists)."""

    def honest_evidence(self, s: SymState, i: int) -> dict[str, z3.ExprRef | int | bool]:
        raise NotImplementedError

    def forged_evidence(self, s: SymState, i: int) -> dict[str, z3.ExprRef | int | bool]:
        raise NotImplementedError

    def accepts(self, s: SymState, i: int) -> z3.BoolRef:
        raise NotImplementedError

    def cases(self, s: SymState, a: StepArgs, fraudulent: Fraudulent) -> list[Case]:
        """Extra actions (challenge, wait, ...). Most trust models have none."""
        return []

    def assumptions(self) -> dict[str, bool]:
        """Named trust assumptions and whether these parameters grant them (used to explain proofs)."""
        raise NotImplementedError

    def verifier(self) -> Verifier:
        raise NotImplementedError

    def describe(self) -> dict[str, int | bool]:
        import attrs

        return attrs.asdict(self)  # type: ignore[arg-type]
