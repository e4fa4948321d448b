"""A stake-weighted committee: a claim is accepted when members holding a quorum of the active stake sign it.

Trust assumption: the adversary cannot hold a quorum of the active stake. Either the stake she can
acquire, bought or borrowed, stays below the quorum (`stake_below_quorum`), or what she can get is
borrowed and must be returned before it activates (`loan_ends_before_activation`).
Adversary: bonds up to `acquirable` stake once (`bond`), at the current height. Bonded stake counts
after `activation_delay` blocks. Borrowed stake (`borrowed`) counts only until `loan_blocks` blocks
after it was bonded, when the loan is repaid. With her stake active she signs anything, and honest
members sign only real messages. Her stake also signs real messages (a copied key, issue 9 item 1),
so it never stops an honest transfer.
Evidence: each claim records the stake that signed it and the active stake then (a signature set is
checked against the committee of its epoch); a claim is accepted when
`signed * 10000 >= quorum_bps * active`.
Real parameters: two-thirds of the voting power (6667 bps) is the quorum of Tendermint light clients
(IBC), Polygon PoS checkpoints and Axelar's validators. Beanstalk, 2022-04-17, $182M: voting power
counted the moment tokens were deposited, so a flash loan bought about 79% of it and passed an
`emergencyCommit` (two-thirds) in the same transaction (Beanstalk's post-mortem, 2022-04; Omniscia's
analysis). Compound's Governor Bravo counts votes at a snapshot at least one block old
(`MIN_VOTING_DELAY = 1`), which no flash loan can reach.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.component import Handler
from bridgeproof.model.declarations import Action, Arg
from bridgeproof.model.errors import ParameterError
from bridgeproof.model.reference.revert import Revert
from bridgeproof.model.registry import in_range
from bridgeproof.model.symbolic import Case, EvidenceField, StepArgs, SymState, global_key
from bridgeproof.model.trust import register
from bridgeproof.model.trust.base import Context, PlainVerifier, TrustModel

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

BPS = 10000
BONDED = EvidenceField("bonded", "int", 0)
BONDED_AT = EvidenceField("bonded_at", "int", 0)


@register
@attrs.frozen
class Stake(TrustModel):
    id: ClassVar[str] = "stake"
    assumption: ClassVar[str] = "the adversary never holds a quorum of the active stake: what she can acquire stays below it, or is borrowed and repaid before it activates"
    adversary: ClassVar[str] = "bonds up to `acquirable` stake, bought or borrowed, and signs anything once it is active and a quorum"
    sources: ClassVar[tuple[str, ...]] = (
        "Beanstalk, 2022-04-17: flash-loaned voting power (about 79%) passed a two-thirds emergencyCommit in one transaction, $182M",
        "two-thirds quorums: Tendermint light clients (IBC), Polygon PoS checkpoints, Axelar validators",
        "Compound Governor Bravo: votes counted at a snapshot at least one block old (MIN_VOTING_DELAY = 1)",
    )
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (
        EvidenceField("signed", "int", 0),
        EvidenceField("active", "int", 0),
    )
    uses_blocks: ClassVar[bool] = True
    example: ClassVar[dict[str, Any]] = {"honest": 21, "acquirable": 79}

    honest: int = attrs.field(validator=in_range(1), metadata=option("stake held by honest members", example=60))
    acquirable: int = attrs.field(
        default=0, validator=in_range(0), metadata=option("stake the adversary can buy or borrow", example=30)
    )
    quorum_bps: int = attrs.field(
        default=6667, validator=in_range(1, BPS), metadata=option("share of the active stake a claim needs, in basis points", example=5001)
    )
    activation_delay: int = attrs.field(
        default=0, validator=in_range(0), metadata=option("blocks before bonded stake counts", example=1)
    )
    borrowed: bool = attrs.field(
        default=True,
        metadata=option("the adversary's stake is a loan she repays after `loan_blocks` (false: she bought it)", example=False),
    )
    loan_blocks: int = attrs.field(
        default=0,
        validator=in_range(0),
        metadata=option("blocks after bonding when a borrowed stake is repaid (0: a flash loan, within its block)", example=5),
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.borrowed, bool):
            raise ParameterError("borrowed", f"borrowed must be true or false, got {self.borrowed!r}")
        if self.acquirable == 0:
            idle = [n for n, v, off in (("quorum_bps", self.quorum_bps, 6667), ("activation_delay", self.activation_delay, 0),
                                        ("borrowed", self.borrowed, True), ("loan_blocks", self.loan_blocks, 0)) if v != off]
            if idle:
                why = f"{idle[0]} takes effect only with acquirable >= 1 (stake the adversary can get); set acquirable, or drop {idle[0]}"
                raise ParameterError(idle[0], why)
        if not self.borrowed and self.loan_blocks:
            raise ParameterError("loan_blocks", "loan_blocks takes effect only with borrowed = true (bought stake is never repaid); drop loan_blocks")

    @property
    def globals(self) -> tuple[EvidenceField, ...]:
        return (BONDED, BONDED_AT)

    @property
    def adds_actions(self) -> tuple[str, ...]:
        return ("bond",)

    def explored_amounts(self) -> tuple[int, ...]:
        return (self.acquirable,) if self.acquirable else ()

    def own_actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (Action("bond", (Arg("amount"),), "adversary", "bond stake the adversary bought or borrowed"),)

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        return {"bond": lambda dep, amount: dep.verifier.bond(amount, dep.context())}

    # --- symbolic half -------------------------------------------------------------------------
    def _hers(self, s: SymState) -> z3.ArithRef:
        """Her active stake: bonded, at least `activation_delay` blocks ago, and (borrowed) not yet repaid."""
        bonded, at = s[global_key("bonded")], s[global_key("bonded_at")]
        live = s["height"] >= at + self.t("activation_delay")
        if self.borrowed:
            live = z3.And(live, s["height"] <= at + self.t("loan_blocks"))
        return z3.If(z3.And(bonded >= 1, live), bonded, 0)

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        bonded = global_key("bonded")
        guard = z3.And(s[bonded] == 0, a.amount >= 1, a.amount <= self.t("acquirable"))
        return [Case("bond", guard, {bonded: a.amount, global_key("bonded_at"): s["height"]}, {"amount": a.amount})]

    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, Any]:
        """Every active member signs a real message, her stake included."""
        active = self.t("honest") + self._hers(s)
        return {"signed": active, "active": active}

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, Any]:
        """Only her active stake signs a forgery."""
        hers = self._hers(s)
        return {"signed": hers, "active": self.t("honest") + hers}

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        """signed * 10000 >= quorum_bps * active (the quorum a constant, so the rule stays linear)."""
        return s.ev("signed", i) * BPS >= self.quorum_bps * s.ev("active", i)

    def assumptions(self) -> dict[str, z3.BoolRef]:
        stake_below = self.t("acquirable") * (BPS - self.quorum_bps) < self.quorum_bps * self.t("honest")
        out = {"stake_below_quorum": stake_below}
        if self.borrowed:
            out["loan_ends_before_activation"] = self.t("loan_blocks") < self.t("activation_delay")
        return out

    def domain(self) -> z3.BoolRef:
        return z3.And(
            self.t("honest") >= 1, self.t("acquirable") >= 0, self.t("activation_delay") >= 0, self.t("loan_blocks") >= 0
        )

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """Her bond is within what she can acquire; a real message is signed by all the active stake,
        a forgery by hers alone, which was active when it signed."""
        sub = cfg.protocol
        bonded, at = s[global_key("bonded")], s[global_key("bonded_at")]
        out = {
            "bond_within_reach": z3.And(bonded >= 0, bonded <= self.t("acquirable"), at >= 0, at <= s["height"]),
        }
        for i in range(len(sub.claim_domain(cfg))):
            signed, active = s.ev("signed", i), s.ev("active", i)
            honest = z3.And(z3.Not(sub.fraudulent(s, i)), signed == active, active >= self.t("honest"))
            hers = [active == self.t("honest") + signed, signed >= 0, signed <= bonded]
            if self.borrowed:
                # A loan that ends before activation never signs anything.
                hers.append(z3.Or(signed == 0, self.t("loan_blocks") >= self.t("activation_delay")))
            out[f"signed[{i}]_all_or_hers"] = z3.Implies(sub.claimed(s, i), z3.Or(honest, z3.And(*hers)))
        return out

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> Committee:
        loan = self.loan_blocks if self.borrowed else None
        return Committee(self.honest, self.acquirable, self.quorum_bps, self.activation_delay, loan)


class Committee(PlainVerifier):
    """A validator set weighted by stake: the honest members' stake, and the adversary's bond."""

    name = "stake"

    def __init__(self, honest: int, acquirable: int, quorum_bps: int, delay: int, loan: int | None) -> None:
        self.honest, self.acquirable, self.quorum_bps = honest, acquirable, quorum_bps
        self.delay, self.loan = delay, loan
        self.bonded = 0
        self.bonded_at = 0
        self.signatures: dict[int, tuple[bytes, int, int]] = {}
        """Per claim id: the digest signed, the stake behind the signatures, the active stake of the epoch."""

    def bond(self, amount: int, ctx: Context) -> None:
        if self.bonded:
            raise Revert("stake: already bonded")
        if not 1 <= amount <= self.acquirable:
            raise Revert("stake: more than the adversary can acquire")
        self.bonded, self.bonded_at = amount, ctx.height

    def hers(self, height: int) -> int:
        if not self.bonded or height < self.bonded_at + self.delay:
            return 0
        if self.loan is not None and height > self.bonded_at + self.loan:
            return 0  # the loan is repaid; the stake is gone
        return self.bonded

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        active = self.honest + self.hers(ctx.height)
        self.signatures[msg_id] = (digest, active, active)

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        hers = self.hers(ctx.height)
        self.signatures[msg_id] = (digest, hers, self.honest + hers)

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        signed_digest, signed, active = self.signatures.get(msg_id, (b"", 0, 0))
        return signed_digest == digest and active > 0 and signed * 10000 >= self.quorum_bps * active

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        _, signed, active = self.signatures.get(msg_id, (b"", 0, 0))
        return {"signed": signed, "active": active}

    def state(self) -> dict[str, int | bool]:
        return {"bonded": self.bonded, "bonded_at": self.bonded_at}
