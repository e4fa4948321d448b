"""A single custodian key signs every message the destination will execute.

Trust assumption: the custodian key is honest (it signs only messages the source really emitted).
Adversary: with `compromised = 1` it holds the key and signs any message it likes.
Real parameters: centralised custodial bridges (e.g. the BNB Bridge's single relayer key, or any
custodial wrapped asset) use one signer; `compromised` is 0 or 1.
Faults: `signature_bypass` (the destination can be handed a spoofed "signature verified" record).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.registry import in_range
from bridgeproof.model.symbolic import EvidenceField, SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration
from bridgeproof.model.trust import register
from bridgeproof.model.trust.base import Context, PlainVerifier, TrustModel

BYPASSED = EvidenceField("bypassed", "bool", False)


@register
@attrs.frozen
class Custodian(TrustModel):
    id: ClassVar[str] = "custodian"
    assumption: ClassVar[str] = "the custodian key is honest: it signs only messages the source really emitted"
    adversary: ClassVar[str] = "with compromised = 1 it holds the key and signs any message it likes"
    fault_notes: ClassVar[dict[str, str]] = {
        "signature_bypass": "the destination accepts a spoofed 'signature verified' record",
    }
    sources: ClassVar[tuple[str, ...]] = ("custodial bridges and wrapped assets with one signer (e.g. BNB Bridge's relayer key)",)
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (EvidenceField("signed", "bool", False),)
    supported_faults: ClassVar[frozenset[str]] = frozenset({"signature_bypass"})

    example: ClassVar[dict[str, Any]] = {}

    compromised: int = attrs.field(
        default=0, validator=in_range(0, 1), metadata=option("1: the adversary holds the key", example=1)
    )

    @property
    def evidence(self) -> tuple[EvidenceField, ...]:
        return self.evidence_fields + ((BYPASSED,) if "signature_bypass" in self.faults else ())

    # --- symbolic half -------------------------------------------------------------------------
    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        return {"signed": True} | ({"bypassed": False} if "signature_bypass" in self.faults else {})

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        out: dict[str, z3.ExprRef | int | bool] = {"signed": self.t("compromised") == 1}
        if "signature_bypass" in self.faults:
            out["bypassed"] = True
        return out

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        ok = s.ev("signed", i) == True  # noqa: E712  (a Z3 equation, not a Python comparison)
        return z3.Or(ok, s.ev("bypassed", i)) if "signature_bypass" in self.faults else ok

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {"custodian_honest": self.t("compromised") == 0}

    def domain(self) -> z3.BoolRef:
        c = self.t("compromised")
        return z3.And(c >= 0, c <= 1)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        sub = cfg.protocol
        return {
            f"signed[{i}]_only_if_real_or_compromised": z3.Implies(
                z3.And(sub.claimed(s, i), s.ev("signed", i)),
                z3.Or(z3.Not(sub.fraudulent(s, i)), self.t("compromised") == 1),
            )
            for i in range(len(sub.claim_domain(cfg)))
        }

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> CustodianKey:
        return CustodianKey(compromised=bool(self.compromised), bypassable="signature_bypass" in self.faults)


class CustodianKey(PlainVerifier):
    """The one key: it signs digests; the destination checks a signature over the exact digest."""

    name = "custodian"

    def __init__(self, compromised: bool, bypassable: bool) -> None:
        self.compromised = compromised
        self.bypassable = bypassable
        self.signatures: set[bytes] = set()
        self.spoofed: set[bytes] = set()
        self.digest_of: dict[int, bytes] = {}

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.digest_of[msg_id] = digest
        self.signatures.add(digest)

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.digest_of[msg_id] = digest
        if self.compromised:
            self.signatures.add(digest)
        if self.bypassable:
            # The attacker hands over a forged "already verified" record instead of a signature.
            self.spoofed.add(digest)

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        return digest in self.signatures or (self.bypassable and digest in self.spoofed)

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        digest = self.digest_of.get(msg_id)
        out: dict[str, int | bool] = {"signed": digest in self.signatures}
        if self.bypassable:
            out["bypassed"] = digest in self.spoofed
        return out
