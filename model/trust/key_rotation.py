"""k of n signatures, a withdrawal timelock, and a governance key rotation that retires stolen keys.

Trust assumption: either fewer than `k` keys are stolen, or governance reacts to the first forged
claim within `reaction` seconds and its rotation takes effect `delay` seconds later, before the
claim's `timelock` runs out (`reaction + delay <= timelock`). Honest keys sign only messages the
source emitted, and there are enough of them to reach `k` (`n - f >= k`).
Adversary: signs any digest with its `f` stolen keys; the stolen signatures count until the
rotation takes effect, whenever the claim was signed.
Real parameters: Harmony Horizon 2022, 2 of 5 keys stolen (Harmony incident report, 2022-06-23);
Ronin's validator-set changes and withdrawal delay after 2022 (a 24 h timelock on large withdrawals,
Ronin bridge v2 announcement, 2022-06); governance reaction in about an hour (Harmony paused the
bridge hours after the drain, a faster reaction is the defence modelled here).
This model adds its own action, `rotate` (governance), and its own urgency: it is the worked
example of docs/extending.md, "A trust model with an action of its own".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.component import Handler
from bridgeproof.model.declarations import Action
from bridgeproof.model.errors import ParameterError
from bridgeproof.model.reference.guard import require
from bridgeproof.model.registry import in_range
from bridgeproof.model.symbolic import Case, EvidenceField, StepArgs, SymState, global_key
from bridgeproof.model.trust import register
from bridgeproof.model.trust.base import Context, TrustModel

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

STARTED = EvidenceField("rotation_started", "bool", False)
STARTED_AT = EvidenceField("rotation_started_at", "int", 0, time=True)


@register
@attrs.frozen
class KeyRotation(TrustModel):
    id: ClassVar[str] = "key_rotation"
    assumption: ClassVar[str] = (
        "f < k, or governance rotates the keys within `reaction` of a forged claim and the rotation takes "
        "effect before the claim's timelock ends (reaction + delay <= timelock); n - f >= k"
    )
    adversary: ClassVar[str] = "signs any digest with its f stolen keys, which count until the rotation takes effect"
    sources: ClassVar[tuple[str, ...]] = (
        "Harmony Horizon 2022: 2 of 5, 2 keys stolen (Harmony incident report, 2022-06-23)",
        "Ronin bridge v2, 2022-06: a 24 h delay on large withdrawals",
    )
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (
        EvidenceField("honest_sigs", "int", 0),
        EvidenceField("stolen_sigs", "int", 0),
        EvidenceField("signed_at", "int", 0, time=True),
    )
    timed: ClassVar[bool] = True

    example: ClassVar[dict[str, Any]] = {"k": 2, "n": 3}

    k: int = attrs.field(validator=in_range(1), metadata=option("signatures needed", example=3))
    n: int = attrs.field(validator=in_range(1), metadata=option("keys", example=4))
    f: int = attrs.field(default=0, validator=in_range(0), metadata=option("keys stolen", example=1))
    timelock: int = attrs.field(
        default=0, validator=in_range(0), metadata=option("seconds before a signed claim executes", example=600)
    )
    reaction: int = attrs.field(
        default=3600, validator=in_range(0), metadata=option("seconds governance needs to start a rotation", example=60)
    )
    delay: int = attrs.field(
        default=3600, validator=in_range(0), metadata=option("seconds before a rotation takes effect", example=60)
    )

    def __attrs_post_init__(self) -> None:
        for name in ("k", "f"):
            if getattr(self, name) > self.n:
                raise ParameterError(name, f"{name} must be <= n ({self.n}), got {getattr(self, name)}")

    @property
    def globals(self) -> tuple[EvidenceField, ...]:
        return (STARTED, STARTED_AT)

    @property
    def adds_actions(self) -> tuple[str, ...]:
        return ("rotate",)

    def own_actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (Action("rotate", (), "governance", "replace the validator set; stolen keys stop counting after the delay"),)

    # --- symbolic half -------------------------------------------------------------------------
    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, Any]:
        return {"honest_sigs": self.t("n") - self.t("f"), "stolen_sigs": 0, "signed_at": s["now"]}

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, Any]:
        return {"honest_sigs": 0, "stolen_sigs": self.t("f"), "signed_at": s["now"]}

    def _rotated(self, s: SymState) -> z3.BoolRef:
        return z3.And(s[global_key("rotation_started")], s["now"] >= s[global_key("rotation_started_at")] + self.t("delay"))

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        counted = s.ev("honest_sigs", i) + z3.If(self._rotated(s), 0, s.ev("stolen_sigs", i))
        return z3.And(counted >= self.t("k"), s["now"] >= s.ev("signed_at", i) + self.t("timelock"))

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        started, at = global_key("rotation_started"), global_key("rotation_started_at")
        return [Case("rotate", z3.Not(s[started]), {started: True, at: s["now"]}, {})]

    def _open_fraud(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        sub = cfg.protocol
        return z3.And(sub.claimed(s, i), sub.fraudulent(s, i), z3.Not(sub.executed(s, i)))

    def urgency(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
        """Governance starts the rotation within `reaction` seconds of a forged claim appearing."""
        idle = z3.Not(s[global_key("rotation_started")])
        return [
            z3.Implies(z3.And(idle, self._open_fraud(s, i, cfg)), s["now"] + a.seconds <= s.ev("signed_at", i) + self.t("reaction"))
            for i in range(len(cfg.protocol.claim_domain(cfg)))
        ]

    def assumptions(self) -> dict[str, z3.BoolRef]:
        k, n, f = self.t("k"), self.t("n"), self.t("f")
        return {
            "f_lt_k_or_rotation_beats_timelock": z3.Or(f < k, self.t("reaction") + self.t("delay") <= self.t("timelock")),
            "honest_quorum": n - f >= k,
        }

    def domain(self) -> z3.BoolRef:
        k, n, f = self.t("k"), self.t("n"), self.t("f")
        times = [self.t(x) >= 0 for x in ("timelock", "reaction", "delay")]
        return z3.And(k >= 1, k <= n, f >= 0, f <= n, *times)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        sub, n, f = cfg.protocol, self.t("n"), self.t("f")
        started, at = s[global_key("rotation_started")], s[global_key("rotation_started_at")]
        out: dict[str, z3.BoolRef] = {"rotation_in_past": z3.Implies(started, z3.And(at <= s["now"], at >= 0))}
        for i in range(len(sub.claim_domain(cfg))):
            claimed, fraud = sub.claimed(s, i), sub.fraudulent(s, i)
            honest = z3.And(s.ev("honest_sigs", i) == n - f, s.ev("stolen_sigs", i) == 0, z3.Not(fraud))
            forged = z3.And(s.ev("honest_sigs", i) == 0, s.ev("stolen_sigs", i) == f)
            signed = s.ev("signed_at", i)
            out[f"sigs[{i}]_honest_or_stolen"] = z3.Implies(claimed, z3.Or(honest, forged))
            out[f"signed_at[{i}]_in_past"] = z3.Implies(claimed, z3.And(signed <= s["now"], signed >= 0))
            out[f"fraud[{i}]_met_by_rotation"] = z3.Implies(
                z3.And(claimed, fraud, z3.Not(sub.executed(s, i))),
                z3.Or(z3.And(started, at <= signed + self.t("reaction")), z3.And(z3.Not(started), s["now"] <= signed + self.t("reaction"))),
            )
        return out

    # --- concrete half -------------------------------------------------------------------------
    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        return {"rotate": lambda dep: dep.verifier.rotate(dep.context())}

    def verifier(self) -> RotatingSignerSet:
        return RotatingSignerSet(self.k, self.n, frozenset(range(self.n - self.f, self.n)), self.timelock, self.reaction, self.delay)


class RotatingSignerSet:
    """A validator set whose governance can replace it: signatures are kept per digest with the time the
    claim was signed; once a rotation has taken effect, signatures by retired keys no longer count."""

    def __init__(self, k: int, n: int, stolen: frozenset[int], timelock: int, reaction: int, delay: int) -> None:
        self.threshold = k
        self.members = frozenset(range(n))
        self.stolen = stolen
        self.timelock, self.reaction, self.delay = timelock, reaction, delay
        self.signatures: dict[bytes, set[int]] = {}
        self.signed_at: dict[int, int] = {}
        self.digest_of: dict[int, bytes] = {}
        self.rotation_started_at: int | None = None

    def _record(self, msg_id: int, digest: bytes, keys: frozenset[int], now: int) -> None:
        self.digest_of[msg_id] = digest
        self.signed_at[msg_id] = now
        self.signatures.setdefault(digest, set()).update(keys)

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self._record(msg_id, digest, self.members - self.stolen, ctx.now)

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self._record(msg_id, digest, self.stolen, ctx.now)

    def retired(self, now: int) -> frozenset[int]:
        """The keys that no longer count: the stolen ones, once the rotation has taken effect."""
        started = self.rotation_started_at
        return self.stolen if started is not None and now >= started + self.delay else frozenset()

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        if self.digest_of.get(msg_id) != digest:
            return False
        counted = self.signatures.get(digest, set()) & (self.members - self.retired(ctx.now))
        return len(counted) >= self.threshold and ctx.now >= self.signed_at[msg_id] + self.timelock

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        signers = self.signatures.get(self.digest_of[msg_id], set())
        return {
            "honest_sigs": len(signers - self.stolen),
            "stolen_sigs": len(signers & self.stolen),
            "signed_at": self.signed_at[msg_id],
        }

    def state(self) -> dict[str, int | bool]:
        started = self.rotation_started_at
        return {"rotation_started": started is not None, "rotation_started_at": started or 0}

    def rotate(self, ctx: Context) -> None:
        require(self.rotation_started_at is None, "key rotation: already under way")
        self.rotation_started_at = ctx.now

    def check_wait(self, ctx: Context, seconds: int, open_frauds: list[int]) -> None:
        if self.rotation_started_at is not None:
            return
        for msg_id in open_frauds:
            deadline = self.signed_at[msg_id] + self.reaction
            require(ctx.now + seconds <= deadline, f"wait: governance rotates the keys for claim {msg_id} by {deadline}")
