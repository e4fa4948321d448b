"""k of n signatures over a message digest; `f` of the keys are held by the adversary.

Trust assumption: fewer than `k` keys are compromised (`f < k`); honest keys sign only messages the
source really emitted. This also stands for MPC / threshold-signature schemes with threshold k.
Adversary: signs any digest with its `f` keys and withholds them from honest messages.
Real parameters: Ronin 2022, 5 of 9 validators with 5 keys stolen (Sky Mavis post-mortem,
roninblockchain.substack.com, 2022-03-29); Harmony Horizon 2022, 2 of 5 (Harmony incident report,
2022-06-23); Wormhole guardians 13 of 19, quorum floor(2n/3)+1 (wormhole Messages.sol quorum()).
Symmetry: keys are interchangeable here, so the symbolic half counts signatures instead of
tracking each key.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import z3

from model.reference.revert import Revert
from model.registry import in_range
from model.symbolic import EvidenceField, SymState
from model.trust import register
from model.trust.base import Fraudulent, TrustModel


def _check_counts(instance: Multisig) -> None:
    for name, value in (("k", instance.k), ("f", instance.f)):
        if value > instance.n:
            err = ValueError(f"{name} must be <= n ({instance.n}), got {value}")
            err.field = name  # type: ignore[attr-defined]
            raise err


@register
@attrs.frozen
class Multisig(TrustModel):
    id: ClassVar[str] = "multisig"
    evidence: ClassVar[tuple[EvidenceField, ...]] = (EvidenceField("sigs", "int", 0),)

    k: int = attrs.field(validator=in_range(1))
    n: int = attrs.field(validator=in_range(1))
    f: int = attrs.field(default=0, validator=in_range(0))

    def __attrs_post_init__(self) -> None:
        _check_counts(self)

    # --- symbolic half -------------------------------------------------------------------------
    def honest_evidence(self, s: SymState, i: int) -> dict[str, z3.ExprRef | int | bool]:
        return {"sigs": self.t("n") - self.t("f")}

    def forged_evidence(self, s: SymState, i: int) -> dict[str, z3.ExprRef | int | bool]:
        return {"sigs": self.t("f")}

    def accepts(self, s: SymState, i: int) -> z3.BoolRef:
        return s.ev("sigs", i) >= self.t("k")

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {"f_lt_k": self.t("f") < self.t("k")}

    def domain(self) -> z3.BoolRef:
        k, n, f = self.t("k"), self.t("n"), self.t("f")
        return z3.And(k >= 1, k <= n, f >= 0, f <= n)

    def lemmas(self, s: SymState, fraudulent: Fraudulent) -> dict[str, z3.BoolRef]:
        n, f = self.t("n"), self.t("f")
        return {
            f"sigs[{i}]_honest_or_stolen": z3.Implies(
                s.slot("claimed", i),
                z3.Or(z3.And(s.ev("sigs", i) == n - f, z3.Not(fraudulent(s, i))), s.ev("sigs", i) == f),
            )
            for i in range(s.messages)
        }

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> SignerSet:
        return SignerSet(threshold=self.k, size=self.n, compromised=self.f)


class SignerSet:
    """Validator keys 0..n-1, the last `compromised` of them stolen; signatures kept per digest."""

    def __init__(self, threshold: int, size: int, compromised: int) -> None:
        self.threshold = threshold
        self.members = frozenset(range(size))
        self.stolen = frozenset(range(size - compromised, size))
        self.signatures: dict[bytes, set[int]] = {}
        self.digest_of: dict[int, bytes] = {}

    def _sign(self, digest: bytes, keys: frozenset[int]) -> None:
        self.signatures.setdefault(digest, set()).update(keys)

    def attest(self, msg_id: int, digest: bytes, now: int) -> None:
        self.digest_of[msg_id] = digest
        self._sign(digest, self.members - self.stolen)

    def forge(self, msg_id: int, digest: bytes, now: int) -> None:
        self.digest_of[msg_id] = digest
        self._sign(digest, self.stolen)

    def accepts(self, msg_id: int, digest: bytes, now: int) -> bool:
        valid = self.signatures.get(digest, set()) & self.members
        return len(valid) >= self.threshold

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        return {"sigs": len(self.signatures.get(self.digest_of.get(msg_id, b""), set()))}

    def challenge(self, msg_id: int, now: int) -> None:
        raise Revert("multisig: there is no challenge")

    def check_wait(self, now: int, seconds: int, open_frauds: list[int]) -> None:
        return None
