"""k of n attesters that read the source chain through data sources, some of them shared.

Trust assumption: fewer than `k` attesters sign a message the source never emitted: the keys the
adversary stole (`f`) plus the attesters whose data source she fools (`fooled`) stay below `k`.
Adversary: holds copies of `f` keys, and eclipses `eclipsed` data sources: every attester reading
through an eclipsed source sees her fake events beside the real chain, and signs them as real.
Attesters that share an RPC provider are one point of failure however independent their keys: one
eclipse (a BGP or DNS hijack of the provider, a provider following a minority fork) fools all of
them at once. The independence of data sources is the parameter `data_sources`: attesters per
source, summing to `n` (default: each its own).
Worst case: she eclipses the largest sources, and her stolen keys belong to attesters outside them,
so `fooled` is the sum of the `eclipsed` largest sources and a forgery carries `min(n, f + fooled)`
signatures. A fooled attester still sees and signs the real chain, and a stolen key still signs for
its owner, so every real message carries all `n`.
Real parameters and sources: Infura, 2020-11-11: Infura's nodes ran a Geth release that followed a
chain split, so every service reading Ethereum through it saw blocks the rest of the network did
not (Binance and others halted ETH withdrawals; Infura's post-mortem, 2020-11). MyEtherWallet,
2018-04-24: a BGP hijack of Amazon Route 53 answered DNS for a whole provider's customers. Chainlink
CCIP's Risk Management Network re-verifies with a separate implementation and separate nodes, and
Wormhole's guardians each run their own full nodes: diverse data sources as a defence.
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


def _counts(value: Any) -> tuple[int, ...]:
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value)
    raise ParameterError("data_sources", f"data_sources must be a list of integers (attesters per source), got {value!r}")


@register
@attrs.frozen
class Attesters(TrustModel):
    id: ClassVar[str] = "attesters"
    assumption: ClassVar[str] = "the stolen keys and the attesters behind eclipsed data sources together stay below k (f + fooled < k)"
    adversary: ClassVar[str] = "signs with f stolen keys, and eclipses data sources so that every attester reading through one signs her fake events"
    sources: ClassVar[tuple[str, ...]] = (
        "Infura, 2020-11-11: one provider on a minority fork showed its customers blocks the network did not have",
        "MyEtherWallet, 2018-04-24: a BGP hijack of Route 53 answered for every customer of one DNS provider",
        "Chainlink CCIP's Risk Management Network and Wormhole's guardians: separate nodes and clients per verifier",
    )
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (EvidenceField("sigs", "int", 0),)
    example: ClassVar[dict[str, Any]] = {"k": 2, "n": 3}

    k: int = attrs.field(validator=in_range(1), metadata=option("signatures a claim needs", example=3))
    n: int = attrs.field(validator=in_range(1), metadata=option("attesters", example=4))
    f: int = attrs.field(default=0, validator=in_range(0), metadata=option("attester keys the adversary holds copies of", example=2))
    data_sources: tuple[int, ...] = attrs.field(
        default=(),
        converter=lambda v: _counts(v) if v != () else (),
        metadata=option(
            "attesters per data source, summing to n (default: each attester its own)", example=[2, 1], context={"eclipsed": 1}
        ),
    )
    eclipsed: int = attrs.field(
        default=0, validator=in_range(0), metadata=option("data sources the adversary eclipses", example=1)
    )
    fooled: int = attrs.field(init=False, default=0, metadata={"internal": True})
    """Attesters behind the eclipsed sources (the largest ones): derived, a parameter term of the proofs."""

    def __attrs_post_init__(self) -> None:
        for name in ("k", "f"):
            if getattr(self, name) > self.n:
                raise ParameterError(name, f"{name} must be <= n ({self.n}), got {getattr(self, name)}")
        per_source = self.data_sources or (1,) * self.n
        if any(c < 1 for c in per_source) or sum(per_source) != self.n:
            raise ParameterError("data_sources", f"data_sources must be counts >= 1 summing to n ({self.n}), got {list(per_source)}")
        if self.eclipsed == 0 and any(c > 1 for c in per_source):
            why = "data_sources takes effect only with eclipsed >= 1 (a source to fool); set eclipsed, or drop data_sources"
            raise ParameterError("data_sources", why)
        if self.eclipsed > len(per_source):
            raise ParameterError("eclipsed", f"eclipsed must be <= the number of data sources ({len(per_source)}), got {self.eclipsed}")
        object.__setattr__(self, "fooled", sum(sorted(per_source, reverse=True)[: self.eclipsed]))

    # --- symbolic half -------------------------------------------------------------------------
    def _forged(self) -> z3.ArithRef:
        reach = self.t("f") + self.t("fooled")
        return z3.If(reach > self.t("n"), self.t("n"), reach)

    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, Any]:
        """Fooled attesters still see the real chain, and stolen keys still sign for their owners."""
        return {"sigs": self.t("n")}

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, Any]:
        """min(n, f + fooled): her keys, and every attester behind an eclipsed source."""
        return {"sigs": self._forged()}

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        return s.ev("sigs", i) >= self.t("k")

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {"f_plus_fooled_lt_k": self.t("f") + self.t("fooled") < self.t("k")}

    def domain(self) -> z3.BoolRef:
        k, n, f, fooled = self.t("k"), self.t("n"), self.t("f"), self.t("fooled")
        return z3.And(k >= 1, k <= n, f >= 0, f <= n, fooled >= 0, fooled <= n)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        sub = cfg.protocol
        out = {}
        for i in range(len(sub.claim_domain(cfg))):
            honest = z3.And(s.ev("sigs", i) == self.t("n"), z3.Not(sub.fraudulent(s, i)))
            out[f"sigs[{i}]_all_or_hers"] = z3.Implies(sub.claimed(s, i), z3.Or(honest, s.ev("sigs", i) == self._forged()))
        return out

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> Observers:
        return Observers(self.k, self.n, self.f, self.data_sources or (1,) * self.n, self.eclipsed)


class Observers(PlainVerifier):
    """Attesters 0..n-1, each reading the source through one data source; signatures kept per digest."""

    name = "attesters"

    def __init__(self, k: int, n: int, f: int, per_source: tuple[int, ...], eclipsed: int) -> None:
        self.k = k
        source_of = [j for j, count in enumerate(per_source) for _ in range(count)]
        # She eclipses the sources with the most attesters behind them.
        dark = set(sorted(range(len(per_source)), key=lambda j: (-per_source[j], j))[:eclipsed])
        self.fooled = frozenset(a for a in range(n) if source_of[a] in dark)
        # Her stolen keys are attesters she has not fooled already: the union is largest that way.
        self.stolen = frozenset([a for a in range(n) if a not in self.fooled][:f])
        self.everyone = frozenset(range(n))
        self.signers: dict[int, tuple[bytes, frozenset[int]]] = {}

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.signers[msg_id] = (digest, self.everyone)

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.signers[msg_id] = (digest, self.stolen | self.fooled)

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        signed, who = self.signers.get(msg_id, (b"", frozenset()))
        return signed == digest and len(who) >= self.k

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        return {"sigs": len(self.signers.get(msg_id, (b"", frozenset()))[1])}
