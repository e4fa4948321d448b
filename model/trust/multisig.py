"""k of n signatures over a message digest; `f` of the keys are held by the adversary.

Trust assumption: fewer than `k` keys are compromised (`f < k`); honest keys sign only messages the
source really emitted. This also stands for MPC / threshold-signature schemes with threshold k.
Adversary: holds copies of `f` keys and signs any digest with them. A copied key still signs honest
messages for its owner, so honest and stolen signatures add up on a real message (as at Ronin, where
the validators kept signing while the attacker signed with the same keys). Keeping keys from their
owners is a separate, liveness attack: `withheld` of the stolen keys sign nothing honest.
Operators: keys can be grouped by operator (`operators`, keys per operator), and compromise counted
per operator (`compromised_operators`); at Ronin one organisation ran 4 of the 9 validators and had
a stale delegation for a fifth.
Real parameters: Ronin 2022, 5 of 9 validators with 5 keys stolen (Sky Mavis post-mortem,
roninblockchain.substack.com, 2022-03-29); Harmony Horizon 2022, 2 of 5 (Harmony incident report,
2022-06-23); Wormhole guardians 13 of 19, quorum floor(2n/3)+1 (wormhole Messages.sol quorum()).
Faults: `signature_bypass` (Wormhole 2022), `unchecked_membership` (ChainSwap 2021: any key's
signature counts), `zero_threshold_upgrade` (Ronin 2024: an upgrade left the vote threshold at 0).
Symmetry: keys are interchangeable here, so the symbolic half counts signatures instead of
tracking each key; per-key identities live in the concrete half, where operators matter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model import semantics
from bridgeproof.model.component import Handler
from bridgeproof.model.declarations import Action
from bridgeproof.model.errors import ParameterError
from bridgeproof.model.reference.revert import Revert
from bridgeproof.model.registry import in_range
from bridgeproof.model.symbolic import Case, EvidenceField, StepArgs, SymState, global_key
from bridgeproof.model.trust import register
from bridgeproof.model.trust.base import Context, TrustModel

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

BYPASSED = EvidenceField("bypassed", "bool", False)
ZEROED = EvidenceField("threshold_zeroed", "bool", False)


def _ints(value: Any) -> tuple[int, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    raise ValueError(f"expected a list of integers, got {value!r}")


def _bad(field: str, message: str) -> ParameterError:
    return ParameterError(field, message)


@register
@attrs.frozen
class Multisig(TrustModel):
    id: ClassVar[str] = "multisig"
    assumption: ClassVar[str] = "fewer than k keys are compromised (f < k); honest keys sign only messages the source emitted"
    adversary: ClassVar[str] = (
        "signs any digest with copies of f keys, whose owners still sign honest messages; "
        "withheld of them sign nothing honest (a liveness attack)"
    )
    fault_notes: ClassVar[dict[str, str]] = {
        "signature_bypass": "Wormhole 2022: a spoofed 'signatures verified' account",
        "unchecked_membership": "ChainSwap 2021: a signature from any key counts",
        "zero_threshold_upgrade": "Ronin 2024: an upgrade left the vote threshold at 0",
    }
    sources: ClassVar[tuple[str, ...]] = (
        "Ronin 2022: 5 of 9, 5 keys stolen (Sky Mavis post-mortem, 2022-03-29)",
        "Harmony Horizon 2022: 2 of 5 (Harmony incident report, 2022-06-23)",
        "Wormhole guardians: 13 of 19, quorum floor(2n/3)+1 (wormhole Messages.sol quorum())",
    )
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (EvidenceField("sigs", "int", 0),)
    supported_faults: ClassVar[frozenset[str]] = frozenset(
        {"signature_bypass", "unchecked_membership", "zero_threshold_upgrade"}
    )

    example: ClassVar[dict[str, Any]] = {"k": 2, "n": 3}

    k: int = attrs.field(validator=in_range(1), metadata=option("signatures needed", example=3))
    n: int = attrs.field(validator=in_range(1), metadata=option("keys", example=4))
    f: int | None = attrs.field(default=None, metadata=option("keys the adversary holds copies of", example=1))
    operators: tuple[int, ...] = attrs.field(
        default=(),
        converter=_ints,
        metadata=option(
            "keys per operator (summing to n)",
            example=[2, 1],
            needs=lambda self: bool(self.compromised_operators),
            needs_text="compromised_operators",
            why="grouping keys by operator only serves to count compromise per operator",
            context={"compromised_operators": [1]},
        ),
    )
    compromised_operators: tuple[int, ...] = attrs.field(
        default=(),
        converter=_ints,
        metadata=option(
            "operators whose keys the adversary holds (f is their keys)", example=[1], context={"operators": [2, 1]}
        ),
    )
    withheld: int | None = attrs.field(
        default=None, metadata=option("stolen keys kept from their owners", example=1, context={"f": 1})
    )
    """Stolen keys kept from their owners, which then sign no honest message (default 0; a file of
    semantics version 1 read them all as withheld: model/semantics.py)."""

    def __attrs_post_init__(self) -> None:
        derived = None
        if self.operators:
            if any(not isinstance(x, int) or isinstance(x, bool) or x < 1 for x in self.operators):
                raise _bad("operators", f"operators must list key counts >= 1, got {list(self.operators)}")
            if sum(self.operators) != self.n:
                raise _bad("operators", f"operators hold {sum(self.operators)} keys but n = {self.n}")
            for j in self.compromised_operators:
                if not isinstance(j, int) or not 0 <= j < len(self.operators):
                    raise _bad("compromised_operators", f"no operator {j!r} (there are {len(self.operators)})")
            if len(set(self.compromised_operators)) != len(self.compromised_operators):
                raise _bad("compromised_operators", "an operator is listed twice")
            derived = sum(self.operators[j] for j in self.compromised_operators)
        elif self.compromised_operators:
            raise _bad("compromised_operators", "give `operators` (keys per operator) first")
        if self.f is None:
            object.__setattr__(self, "f", derived or 0)
        elif derived is not None and self.f != derived:
            raise _bad("f", f"f = {self.f} but the compromised operators hold {derived} keys")
        if isinstance(self.f, bool) or not isinstance(self.f, int):
            raise _bad("f", f"f must be an integer, got {self.f!r}")
        in_range(0)(self, attrs.fields(Multisig).f, self.f)
        for name, value in (("k", self.k), ("f", self.f)):
            if value > self.n:
                raise _bad(name, f"{name} must be <= n ({self.n}), got {value}")
        if self.withheld is None:
            object.__setattr__(self, "withheld", self.f if semantics.current() < 2 else 0)
        if isinstance(self.withheld, bool) or not isinstance(self.withheld, int) or not 0 <= self.withheld <= self.f:
            raise _bad("withheld", f"withheld must be an integer from 0 to f ({self.f}), got {self.withheld!r}")

    @property
    def evidence(self) -> tuple[EvidenceField, ...]:
        return self.evidence_fields + ((BYPASSED,) if "signature_bypass" in self.faults else ())

    @property
    def globals(self) -> tuple[EvidenceField, ...]:
        return (ZEROED,) if "zero_threshold_upgrade" in self.faults else ()

    @property
    def adds_actions(self) -> tuple[str, ...]:
        return ("upgrade",) if "zero_threshold_upgrade" in self.faults else ()

    def own_actions(self, cfg: Configuration) -> tuple[Action, ...]:
        if "zero_threshold_upgrade" not in self.faults:
            return ()
        return (Action("upgrade", (), "adversary", "upgrade the verifier contract (Ronin 2024: threshold left at 0)"),)

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        if "zero_threshold_upgrade" not in self.faults:
            return {}
        return {"upgrade": lambda dep: dep.verifier.upgrade()}

    # --- symbolic half -------------------------------------------------------------------------
    def _forged_sigs(self) -> z3.ArithRef:
        extra = self.t("k") if "unchecked_membership" in self.faults else 0
        return self.t("f") + extra  # type: ignore[no-any-return]

    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        out: dict[str, z3.ExprRef | int | bool] = {"sigs": self.t("n") - self.t("withheld")}
        if "signature_bypass" in self.faults:
            out["bypassed"] = False
        return out

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        out: dict[str, z3.ExprRef | int | bool] = {"sigs": self._forged_sigs()}
        if "signature_bypass" in self.faults:
            out["bypassed"] = True
        return out

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        ways = [s.ev("sigs", i) >= self.t("k")]
        if "signature_bypass" in self.faults:
            ways.append(s.ev("bypassed", i))
        if "zero_threshold_upgrade" in self.faults:
            ways.append(s[global_key("threshold_zeroed")])
        return z3.Or(*ways) if len(ways) > 1 else ways[0]

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        if "zero_threshold_upgrade" not in self.faults:
            return []
        zeroed = global_key("threshold_zeroed")
        return [Case("upgrade", z3.Not(s[zeroed]), {zeroed: True}, {})]

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {"f_lt_k": self.t("f") < self.t("k")}

    def domain(self) -> z3.BoolRef:
        k, n, f, w = self.t("k"), self.t("n"), self.t("f"), self.t("withheld")
        return z3.And(k >= 1, k <= n, f >= 0, f <= n, w >= 0, w <= f)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        n, w = self.t("n"), self.t("withheld")
        sub = cfg.protocol
        out = {}
        for i in range(len(sub.claim_domain(cfg))):
            honest = [s.ev("sigs", i) == n - w, z3.Not(sub.fraudulent(s, i))]
            if "signature_bypass" in self.faults:
                honest.append(z3.Not(s.ev("bypassed", i)))
            out[f"sigs[{i}]_honest_or_stolen"] = z3.Implies(
                sub.claimed(s, i), z3.Or(z3.And(*honest), s.ev("sigs", i) == self._forged_sigs())
            )
        return out

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> SignerSet:
        owners: list[int] = []
        for j, count in enumerate(self.operators or (1,) * self.n):
            owners += [j] * count
        if self.operators:
            stolen = frozenset(key for key, j in enumerate(owners) if j in self.compromised_operators)
        else:
            stolen = frozenset(range(self.n - self.f, self.n))
        withheld = frozenset(sorted(stolen)[: self.withheld])
        return SignerSet(self.k, self.n, stolen, self.faults, withheld)


class SignerSet:
    """Validator keys 0..n-1 (grouped by operator), some stolen; signatures kept per digest."""

    def __init__(
        self, threshold: int, size: int, stolen: frozenset[int], faults: frozenset[str], withheld: frozenset[int] = frozenset()
    ) -> None:
        self.threshold = threshold
        self.members = frozenset(range(size))
        self.stolen = stolen
        self.withheld = withheld
        """Stolen keys the owners no longer have: they sign no honest message."""
        self.faults = faults
        self.zeroed = False
        self.signatures: dict[bytes, set[int]] = {}
        self.spoofed: set[bytes] = set()
        self.digest_of: dict[int, bytes] = {}

    def _sign(self, digest: bytes, keys: frozenset[int]) -> None:
        self.signatures.setdefault(digest, set()).update(keys)

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.digest_of[msg_id] = digest
        self._sign(digest, self.members - self.withheld)

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self.digest_of[msg_id] = digest
        self._sign(digest, self.stolen)
        if "unchecked_membership" in self.faults:
            # Fresh keys of the attacker's own, never in the validator set.
            outsiders = frozenset(range(len(self.members), len(self.members) + self.threshold))
            self._sign(digest, outsiders)
        if "signature_bypass" in self.faults:
            self.spoofed.add(digest)

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        if self.zeroed:
            return True
        if digest in self.spoofed:
            return True
        signers = self.signatures.get(digest, set())
        counted = signers if "unchecked_membership" in self.faults else signers & self.members
        return len(counted) >= self.threshold

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        digest = self.digest_of.get(msg_id, b"")
        out: dict[str, int | bool] = {"sigs": len(self.signatures.get(digest, set()))}
        if "signature_bypass" in self.faults:
            out["bypassed"] = digest in self.spoofed
        return out

    def state(self) -> dict[str, int | bool]:
        return {"threshold_zeroed": self.zeroed} if "zero_threshold_upgrade" in self.faults else {}

    def upgrade(self) -> None:
        if "zero_threshold_upgrade" not in self.faults:
            raise Revert("multisig: no upgrade")
        if self.zeroed:
            raise Revert("multisig: already upgraded")
        self.zeroed = True
