"""A claim becomes executable `window` seconds after it is posted, unless a watcher challenges it.

Trust assumption: at least one honest, live watcher (`watchers >= 1`) whose challenge lands inside
the window: the adversary can hold it back by at most `delay` seconds, so safety needs
`delay < window`.
Adversary: posts any claim (no key needed), and delays or censors watchers up to `delay` seconds.
Real parameters: Nomad 30 min optimistic window (docs.nomad.xyz, "Optimistic verification");
NEAR Rainbow Bridge 4 h challenge period, the 2022 fake block was challenged in about 31 s
(Aurora post-mortem, 2022-08); OP Stack 7 d proof maturity (604800 s, OptimismPortal2).
Time is in seconds; `wait` moves the clock by any amount in one step.
Faults: `zero_root` (Nomad 2022: an upgrade marked the zero root as confirmed, so any message that
was never proven is executable at once, with nothing for a watcher to challenge).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.component import Handler
from bridgeproof.model.declarations import Action, index_arg
from bridgeproof.model.reference.guard import require
from bridgeproof.model.reference.revert import Revert
from bridgeproof.model.registry import in_range
from bridgeproof.model.symbolic import Case, EvidenceField, StepArgs, SymState, evidence_key
from bridgeproof.model.trust import register
from bridgeproof.model.trust.base import Context, TrustModel

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


ZERO_ROOT = EvidenceField("zero_root", "bool", False)


@register
@attrs.frozen
class Optimistic(TrustModel):
    id: ClassVar[str] = "optimistic"
    assumption: ClassVar[str] = "at least one honest, live watcher whose challenge lands inside the window (delay < window)"
    adversary: ClassVar[str] = "posts any claim (no key needed) and delays or censors watchers up to `delay` seconds"
    fault_notes: ClassVar[dict[str, str]] = {
        "zero_root": "Nomad 2022: the zero root was pre-confirmed, so an unproven message executes at once",
    }
    sources: ClassVar[tuple[str, ...]] = (
        "Nomad: 30 min optimistic window (docs.nomad.xyz, Optimistic verification)",
        "NEAR Rainbow Bridge: 4 h challenge period, fake block challenged in about 31 s (Aurora, 2022-08)",
        "OP Stack: 7 d proof maturity, 604800 s (OptimismPortal2)",
        "Across: 7200 s liveness for root bundles (HubPool.sol liveness)",
    )
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (
        EvidenceField("posted_at", "int", 0, time=True),
        EvidenceField("challenged", "bool", False),
    )
    supported_faults: ClassVar[frozenset[str]] = frozenset({"zero_root"})
    timed: ClassVar[bool] = True

    example: ClassVar[dict[str, Any]] = {"window": 1800}

    window: int = attrs.field(validator=in_range(1), metadata=option("seconds before a claim executes", example=600))
    watchers: int = attrs.field(
        default=1, validator=in_range(0), metadata=option("live honest watchers (0: none)", example=0)
    )
    delay: int = attrs.field(
        default=0, validator=in_range(0), metadata=option("seconds the adversary holds a watcher back", example=600)
    )

    @property
    def evidence(self) -> tuple[EvidenceField, ...]:
        return self.evidence_fields + ((ZERO_ROOT,) if "zero_root" in self.faults else ())

    @property
    def adds_actions(self) -> tuple[str, ...]:
        return ("challenge",)

    def own_actions(self, cfg: Configuration) -> tuple[Action, ...]:
        claims = cfg.protocol.claim_domain(cfg)
        return (Action("challenge", (index_arg("id", claims),), "watcher", "dispute a fraudulent claim inside its window"),)

    # --- symbolic half -------------------------------------------------------------------------
    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        out: dict[str, z3.ExprRef | int | bool] = {"posted_at": s["now"], "challenged": False}
        return out | ({"zero_root": False} if "zero_root" in self.faults else {})

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        out: dict[str, z3.ExprRef | int | bool] = {"posted_at": s["now"], "challenged": False}
        return out | ({"zero_root": True} if "zero_root" in self.faults else {})

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        matured = z3.And(z3.Not(s.ev("challenged", i)), s["now"] >= s.ev("posted_at", i) + self.t("window"))
        return z3.Or(matured, s.ev("zero_root", i)) if "zero_root" in self.faults else matured

    def voided(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        return s.ev("challenged", i)

    def _open_fraud(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        sub = cfg.protocol
        return z3.And(
            sub.claimed(s, i),
            sub.fraudulent(s, i),
            z3.Not(s.ev("challenged", i)),
            z3.Not(sub.executed(s, i)),
            s["now"] < s.ev("posted_at", i) + self.t("window"),
        )

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        live = self.t("watchers") >= 1
        return [
            Case(
                self.verb(cfg, "challenge"),
                z3.And(live, self._open_fraud(s, i, cfg)),
                {evidence_key("challenged", i): True},
                {"id": i},
            )
            for i in range(len(cfg.protocol.claim_domain(cfg)))
        ]

    def urgency(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
        live = self.t("watchers") >= 1
        return [
            z3.Implies(
                z3.And(live, self._open_fraud(s, i, cfg)),
                s["now"] + a.seconds <= s.ev("posted_at", i) + self.t("delay"),
            )
            for i in range(len(cfg.protocol.claim_domain(cfg)))
        ]

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {
            "live_watcher": self.t("watchers") >= 1,
            "delay_lt_window": self.t("delay") < self.t("window"),
        }

    def domain(self) -> z3.BoolRef:
        return z3.And(self.t("window") >= 1, self.t("watchers") >= 0, self.t("delay") >= 0)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        out: dict[str, z3.BoolRef] = {}
        live = self.t("watchers") >= 1
        sub = cfg.protocol
        for i in range(len(sub.claim_domain(cfg))):
            out[f"posted_at[{i}]_in_past"] = z3.Implies(sub.claimed(s, i), s.ev("posted_at", i) <= s["now"])
            unchallenged_fraud = z3.And(
                sub.claimed(s, i),
                sub.fraudulent(s, i),
                z3.Not(s.ev("challenged", i)),
                z3.Not(sub.executed(s, i)),
            )
            out[f"fraud[{i}]_within_watcher_deadline"] = z3.Implies(
                z3.And(live, self.t("delay") < self.t("window"), unchallenged_fraud),
                s["now"] <= s.ev("posted_at", i) + self.t("delay"),
            )
        return out

    # --- concrete half -------------------------------------------------------------------------
    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        def challenge(dep: Any, id: int) -> None:  # noqa: A002
            """A watcher disputes a fraudulent, unexecuted claim; the verifier decides whether the window
            still allows it."""
            require(id in dep.claim_ids(), "no claim for id")
            require(dep.is_fraudulent(id), "claim is not fraudulent")
            require(not dep.is_executed(id), "claim already executed")
            dep.verifier.challenge(id, dep.context())

        return {self.verb(cfg, "challenge"): challenge}

    def verifier(self) -> FraudWindow:
        return FraudWindow(self.window, self.watchers, self.delay, zero_root="zero_root" in self.faults)


class FraudWindow:
    """Posted claims with their time; a challenge inside the window voids a claim for good.

    With the zero-root fault, the acceptance check looks up `confirm_at` of the root a message is
    proven against; a message that was never proven has root 0, and the buggy initialisation
    confirmed root 0 at time 0, so it passes.
    """

    def __init__(self, window: int, watchers: int, delay: int, zero_root: bool) -> None:
        self.window = window
        self.watchers = watchers
        self.delay = delay
        self.zero_root = zero_root
        self.posted: dict[int, tuple[bytes, int]] = {}
        self.unproven: set[int] = set()
        self.challenged: set[int] = set()
        self.confirm_at: dict[int, int] = {0: 0} if zero_root else {}

    def _post(self, msg_id: int, digest: bytes, now: int) -> None:
        if msg_id in self.posted:
            raise Revert("optimistic: a claim for this id is already posted")
        self.posted[msg_id] = (digest, now)

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self._post(msg_id, digest, ctx.now)

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        self._post(msg_id, digest, ctx.now)
        if self.zero_root:
            self.unproven.add(msg_id)

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        if msg_id not in self.posted:
            return False
        posted_digest, posted_at = self.posted[msg_id]
        if posted_digest != digest:
            return False
        if msg_id in self.unproven and 0 in self.confirm_at and ctx.now >= self.confirm_at[0]:
            return True
        return msg_id not in self.challenged and ctx.now - posted_at >= self.window

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        out: dict[str, int | bool] = {"posted_at": self.posted[msg_id][1], "challenged": msg_id in self.challenged}
        if self.zero_root:
            out["zero_root"] = msg_id in self.unproven
        return out

    def state(self) -> dict[str, int | bool]:
        return {}

    def challenge(self, msg_id: int, ctx: Context) -> None:
        if self.watchers < 1:
            raise Revert("optimistic: no live watcher")
        if msg_id not in self.posted:
            raise Revert("optimistic: nothing posted under this id")
        if msg_id in self.challenged:
            raise Revert("optimistic: already challenged")
        if ctx.now - self.posted[msg_id][1] >= self.window:
            raise Revert("optimistic: the challenge window has closed")
        self.challenged.add(msg_id)

    def check_wait(self, ctx: Context, seconds: int, open_frauds: list[int]) -> None:
        if seconds < 1:
            raise Revert("wait: seconds must be >= 1")
        if self.watchers < 1:
            return
        for msg_id in open_frauds:
            posted_at = self.posted[msg_id][1]
            window_open = ctx.now < posted_at + self.window
            if window_open and ctx.now + seconds > posted_at + self.delay:
                raise Revert(f"wait: a live watcher challenges claim {msg_id} by {posted_at + self.delay}")

