"""A threshold signature: k of n share holders jointly produce one signature under one group key.

Trust assumption: fewer than `k` shares are stolen (f < k), and the scheme's key generation and
signing never reveal the group key.
Adversary: signs anything once she holds the group key: with `f >= k` shares, or through a flaw of
the scheme (the faults), without any share being stolen. On-chain there is one key and one
signature, so the destination cannot tell an honest signing round from a forgery.
Faults:
- `nonce_reuse` (Anyswap, 2021-07-10, $7.9M): the MPC nodes signed two transactions with the same
  ECDSA nonce (R value), which gives away the group key to anyone who reads both. The model gives the
  adversary the key once the share holders have signed two claims (her worst case: the second
  round reuses the first's nonce).
- `share_extraction` (the GG18/GG20 implementations without range proofs, Fireblocks' "BitForge"
  disclosure, 2023-08; Verichains' "TSSHOCK", 2023-08): one malicious or stolen share extracts the
  group key during signing, so `f >= 1` is enough.
Real parameters: Anyswap's MPC network ran GG20 threshold ECDSA (Anyswap-MPCNode bug report,
2021-07); Fusion's DCRM network behind it started with 5 nodes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.errors import ParameterError
from bridgeproof.model.registry import in_range
from bridgeproof.model.symbolic import EvidenceField, SymState
from bridgeproof.model.trust import register
from bridgeproof.model.trust.base import Context, PlainVerifier, TrustModel

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

NONCE_REUSE_ROUNDS = 2
"""Two signatures under one nonce give the key away (two linear equations in the key and the nonce)."""


@register
@attrs.frozen
class Tss(TrustModel):
    id: ClassVar[str] = "tss"
    assumption: ClassVar[str] = "fewer than k shares are stolen (f < k) and the scheme never reveals the group key"
    adversary: ClassVar[str] = "signs any digest once she holds the group key: with k stolen shares, or through a flaw of the scheme"
    fault_notes: ClassVar[dict[str, str]] = {
        "nonce_reuse": "Anyswap 2021: two signatures under one ECDSA nonce give the group key away",
        "share_extraction": "BitForge and TSSHOCK 2023: one share extracts the group key (GG18/GG20 without range proofs)",
    }
    sources: ClassVar[tuple[str, ...]] = (
        "Anyswap Router V3, 2021-07-10: repeated R value, MPC key derived, $7.9M (Anyswap-MPCNode bug report)",
        "Fireblocks BitForge (2023-08) and Verichains TSSHOCK (2023-08): key extraction from GG18/GG20 implementations",
    )
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (
        EvidenceField("shares", "int", 0),
        EvidenceField("round", "bool", False),
    )
    supported_faults: ClassVar[frozenset[str]] = frozenset({"nonce_reuse", "share_extraction"})
    fault_bounds: ClassVar[dict[str, dict[str, int]]] = {"nonce_reuse": {"messages": NONCE_REUSE_ROUNDS + 1}}
    fault_context: ClassVar[dict[str, dict[str, Any]]] = {"share_extraction": {"f": 1}}

    example: ClassVar[dict[str, Any]] = {"k": 2, "n": 3}

    k: int = attrs.field(validator=in_range(1), metadata=option("shares a signing round needs", example=3))
    n: int = attrs.field(validator=in_range(1), metadata=option("shares", example=5))
    f: int = attrs.field(default=0, validator=in_range(0), metadata=option("shares the adversary holds copies of", example=1))

    def __attrs_post_init__(self) -> None:
        for name in ("k", "f"):
            if getattr(self, name) > self.n:
                raise ParameterError(name, f"{name} must be <= n ({self.n}), got {getattr(self, name)}")
        if "share_extraction" in self.faults and self.f < 1:
            why = "share_extraction takes effect only with f >= 1 (a share to extract the key with); set f, or drop share_extraction"
            raise ParameterError("faults", why)

    # --- symbolic half -------------------------------------------------------------------------
    def _rounds(self, s: SymState, cfg: Configuration) -> z3.ArithRef:
        """How many claims the share holders have signed in a round."""
        sub = cfg.protocol
        return z3.Sum(*(z3.If(z3.And(sub.claimed(s, j), s.ev("round", j)), 1, 0) for j in range(len(sub.claim_domain(cfg)))))

    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        """A copied share still signs for its owner, so all n take part in an honest round."""
        return {"shares": self.t("n"), "round": True}

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        """shares = n once the group key leaked (with `share_extraction` f >= 1; with `nonce_reuse`
        two rounds already signed), else the f stolen shares."""
        leaks = []
        if "share_extraction" in self.faults:
            leaks.append(self.t("f") >= 1)
        if "nonce_reuse" in self.faults:
            leaks.append(self._rounds(s, cfg) >= NONCE_REUSE_ROUNDS)
        shares = z3.If(z3.Or(*leaks), self.t("n"), self.t("f")) if leaks else self.t("f")
        return {"shares": shares, "round": False}

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        """One valid signature under the group key, which takes k shares (or the leaked key)."""
        return s.ev("shares", i) >= self.t("k")

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {"f_lt_k": self.t("f") < self.t("k")}

    def domain(self) -> z3.BoolRef:
        k, n, f = self.t("k"), self.t("n"), self.t("f")
        return z3.And(k >= 1, k <= n, f >= 0, f <= n)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        sub = cfg.protocol
        out = {}
        for i in range(len(sub.claim_domain(cfg))):
            claimed, fraud = sub.claimed(s, i), sub.fraudulent(s, i)
            out[f"round[{i}]_only_if_real"] = z3.Implies(z3.And(claimed, s.ev("round", i)), z3.Not(fraud))
            out[f"shares[{i}]_all_in_round_else_stolen"] = z3.Implies(
                claimed,
                z3.If(s.ev("round", i), s.ev("shares", i) == self.t("n"), s.ev("shares", i) == self.t("f")),
            )
        return out

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> GroupKey:
        return GroupKey(self.k, self.n, self.f, "nonce_reuse" in self.faults, "share_extraction" in self.faults)


class GroupKey(PlainVerifier):
    """One group public key on-chain; a signature over a digest is valid or not, whoever made it."""

    name = "tss"

    def __init__(self, k: int, n: int, f: int, nonce_reuse: bool, share_extraction: bool) -> None:
        self.k, self.n, self.f = k, n, f
        self.nonce_reuse, self.share_extraction = nonce_reuse, share_extraction
        self.shares: dict[bytes, int] = {}
        """The shares behind the one signature over each digest (the leaked key stands for all n)."""
        self.digest_of: dict[int, bytes] = {}
        self.in_round: set[int] = set()
        """Claim ids the share holders signed in a signing round (what a nonce reuse needs two of)."""

    def _group_key_leaked(self) -> bool:
        if self.share_extraction and self.f >= 1:
            return True
        # Anyswap: the second round reused the first's nonce, and the two signatures give the key away.
        return self.nonce_reuse and len(self.in_round) >= NONCE_REUSE_ROUNDS

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.digest_of[msg_id] = digest
        self.in_round.add(msg_id)
        self.shares[digest] = self.n

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.digest_of[msg_id] = digest
        self.shares[digest] = self.n if self._group_key_leaked() else self.f

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        return self.digest_of.get(msg_id) == digest and self.shares.get(digest, 0) >= self.k

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        return {"shares": self.shares.get(self.digest_of[msg_id], 0), "round": msg_id in self.in_round}
