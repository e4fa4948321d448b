"""A validity proof (ZK) that the message is in the source chain's committed state.

Trust assumption: the proof system is sound (no proof exists for a false statement).
Adversary: with `soundness_bug`, it proves any message it likes, as with a verifier-key or circuit
bug (e.g. under-constrained circuits reported in zkBridge audits).
Real parameters: there are no thresholds; what matters is soundness, which is a flag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.symbolic import EvidenceField, SymState
from bridgeproof.model.trust import register
from bridgeproof.model.trust.base import Context, PlainVerifier, TrustModel

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


@register
@attrs.frozen
class Zk(TrustModel):
    id: ClassVar[str] = "zk"
    assumption: ClassVar[str] = "the proof system is sound: no proof exists for a false statement"
    adversary: ClassVar[str] = "with soundness_bug it proves any message it likes (a circuit or verifier-key bug)"
    sources: ClassVar[tuple[str, ...]] = ("under-constrained circuits reported in zkBridge audits",)
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (EvidenceField("proof", "bool", False),)

    example: ClassVar[dict[str, Any]] = {}

    soundness_bug: bool = attrs.field(
        default=False,
        validator=attrs.validators.instance_of(bool),
        metadata=option("a proof of anything exists", example=True),
    )

    # --- symbolic half -------------------------------------------------------------------------
    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        return {"proof": True}

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        return {"proof": self.t("soundness_bug")}

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        return s.ev("proof", i) == True  # noqa: E712  (a Z3 equation)

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {"sound_proof_system": z3.Not(self.t("soundness_bug"))}

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        sub = cfg.protocol
        return {
            f"proof[{i}]_only_if_real_or_unsound": z3.Implies(
                z3.And(sub.claimed(s, i), s.ev("proof", i)),
                z3.Or(z3.Not(sub.fraudulent(s, i)), self.t("soundness_bug")),
            )
            for i in range(len(sub.claim_domain(cfg)))
        }

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> ProofVerifier:
        return ProofVerifier(self.soundness_bug)


class ProofVerifier(PlainVerifier):
    """Accepts a message iff a valid proof for its exact digest was submitted."""

    name = "zk"

    def __init__(self, soundness_bug: bool) -> None:
        self.soundness_bug = soundness_bug
        self.proofs: dict[int, bytes] = {}
        self.valid: set[bytes] = set()

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.proofs[msg_id] = digest
        self.valid.add(digest)

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.proofs[msg_id] = digest
        if self.soundness_bug:
            self.valid.add(digest)

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        return self.proofs.get(msg_id) == digest and digest in self.valid

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        return {"proof": self.proofs.get(msg_id) in self.valid}
