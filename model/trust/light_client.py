"""A light client of the source chain accepts a message once its block has `confirmations` confirmations.

Trust assumption: the source chain does not reorganise deeper than the confirmations the light
client waits for (`reorg < confirmations`); headers are otherwise verified, so no message that is
not on the canonical source chain can be proven.
Adversary: reorganises up to `reorg` blocks of home, so a lock that was seen can vanish (its funds
return to the sender) after the destination has already minted against it.
Real parameters: Ethereum Classic, August 2020: 51% attacks reorganised 3,693 blocks (Aug 1),
about 4,000 (Aug 6) and 7,000 (Aug 29) blocks (Bitquery and Coinbase analyses); exchanges then raised
ETC deposit confirmations to tens of thousands of blocks. A confirmation count includes the
message's own block (a message in the tip block has 1).
Fault `unsound_inclusion_proof` (BNB Chain Token Hub, 2022-10-06): the inclusion-proof check accepts
a proof of a message that is in no block, checked against a real header's root. The headers stay
sound; the proof of membership is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.registry import in_range
from bridgeproof.model.symbolic import EvidenceField, SymState
from bridgeproof.model.trust import register
from bridgeproof.model.trust.base import Context, PlainVerifier, TrustModel

FORGED_PROOF = EvidenceField("forged_proof", "bool", False)

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


@register
@attrs.frozen
class LightClient(TrustModel):
    id: ClassVar[str] = "light_client"
    assumption: ClassVar[str] = "the source chain does not reorganise deeper than the confirmations waited for (reorg < confirmations)"
    adversary: ClassVar[str] = "reorganises up to `reorg` blocks of home, so a lock that was seen can vanish"
    fault_notes: ClassVar[dict[str, str]] = {
        "unsound_inclusion_proof": "BNB Chain Token Hub 2022: a forged IAVL proof of a message in no block, against a real header",
    }
    sources: ClassVar[tuple[str, ...]] = (
        "Ethereum Classic, August 2020: reorgs of 3,693, about 4,000 and 7,000 blocks (Bitquery, Coinbase)",
        "BNB Chain Token Hub, 2022-10-06: two forged proofs against block 110217401 released 2,000,000 BNB (BNB Chain post-mortem)",
    )
    supported_faults: ClassVar[frozenset[str]] = frozenset({"unsound_inclusion_proof"})
    subjects: ClassVar[frozenset[str] | None] = frozenset({"message_bridge"})
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (EvidenceField("block", "int", 0),)
    uses_blocks: ClassVar[bool] = True

    example: ClassVar[dict[str, Any]] = {"confirmations": 2}

    confirmations: int = attrs.field(validator=in_range(1), metadata=option("confirmations a message needs", example=3))
    reorg: int = attrs.field(
        default=0, validator=in_range(0), metadata=option("blocks of home the adversary can reorganise", example=1)
    )

    @property
    def evidence(self) -> tuple[EvidenceField, ...]:
        return self.evidence_fields + ((FORGED_PROOF,) if self.unsound else ())

    @property
    def unsound(self) -> bool:
        return "unsound_inclusion_proof" in self.faults

    @property
    def reorg_bound(self) -> int:
        return self.reorg

    def reorg_term(self) -> z3.ArithRef:
        return self.t("reorg")  # type: ignore[return-value]

    # --- symbolic half -------------------------------------------------------------------------
    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        return {"block": s.slot("sent_block", i)} | ({"forged_proof": False} if self.unsound else {})

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        """With `unsound_inclusion_proof` the forged proof names the oldest header (block 0): real,
        canonical (a reorg never reaches it) and the deepest, so it dominates every other choice."""
        if self.unsound:
            return {"block": 0, "forged_proof": True}
        return {"block": s["height"]}

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        """accepted = (not fraudulent now and height - sent.block + 1 >= confirmations)
        or (forged_proof and height - block + 1 >= confirmations)"""
        deep = s["height"] - s.slot("sent_block", i) + 1 >= self.t("confirmations")
        real = z3.And(z3.Not(cfg.protocol.fraudulent(s, i)), deep)
        if not self.unsound:
            return real
        forged = z3.And(s.ev("forged_proof", i), s["height"] - s.ev("block", i) + 1 >= self.t("confirmations"))
        return z3.Or(real, forged)

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {"reorg_lt_confirmations": self.t("reorg") < self.t("confirmations")}

    def domain(self) -> z3.BoolRef:
        return z3.And(self.t("confirmations") >= 1, self.t("reorg") >= 0)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        out = {}
        safe = self.t("reorg") < self.t("confirmations")
        for i in range(s.messages):
            executed = s.slot("executions", i) >= 1
            out[f"block[{i}]_in_past"] = z3.Implies(s.slot("sent", i), s.slot("sent_block", i) <= s["height"])
            out[f"executed[{i}]_beyond_reorg"] = z3.Implies(
                z3.And(safe, executed, s.slot("sent_dir", i) == 0),
                z3.And(s.slot("sent", i), s["height"] - s.slot("sent_block", i) + 1 >= self.t("confirmations")),
            )
            # Remote reorganises too (`adversary.reorg_remote`): the same, for messages remote sent.
            remote_safe = getattr(cfg.options, "reorg_remote", 0) < self.t("confirmations")
            out[f"executed[{i}]_beyond_remote_reorg"] = z3.Implies(
                z3.And(remote_safe, executed, s.slot("sent_dir", i) == 1),
                z3.And(s.slot("sent", i), s["height"] - s.slot("sent_block", i) + 1 >= self.t("confirmations")),
            )
        return out

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> HeaderChain:
        return HeaderChain(self.confirmations, self.unsound)


class HeaderChain(PlainVerifier):
    """Verifies an inclusion proof against the current canonical header chain, once deep enough."""

    name = "light client"

    def __init__(self, confirmations: int, unsound: bool = False) -> None:
        self.confirmations = confirmations
        self.unsound = unsound
        self.proven_block: dict[int, int] = {}
        self.forged_proofs: dict[int, bytes] = {}
        """Digests an unsound membership check was talked into, by claim id (BNB Token Hub)."""

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        block = ctx.canonical_block(msg_id, digest)
        self.proven_block[msg_id] = block if block is not None else ctx.height

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        if self.unsound:
            # The genesis header is as real as any, and the deepest one the client holds.
            self.proven_block[msg_id] = 0
            self.forged_proofs[msg_id] = digest
        else:
            self.proven_block[msg_id] = ctx.height

    def _confirmed(self, block: int, ctx: Context) -> bool:
        return ctx.height - block + 1 >= self.confirmations

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        block = ctx.canonical_block(msg_id, digest)
        if block is not None and self._confirmed(block, ctx):
            return True
        forged = self.unsound and self.forged_proofs.get(msg_id) == digest
        return forged and self._confirmed(self.proven_block[msg_id], ctx)

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        out: dict[str, int | bool] = {"block": self.proven_block[msg_id]}
        if self.unsound:
            out["forged_proof"] = msg_id in self.forged_proofs
        return out
