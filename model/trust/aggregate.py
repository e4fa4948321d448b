"""At least `m` of several independent verifiers must accept; each verifier is itself a trust model.

Trust assumption: fewer than `m` of the verifiers are broken (each verifier's own assumption holds
for at least `len(verifiers) - m + 1` of them), and their failures are independent.
Adversary: whatever each verifier's model grants it, verifier by verifier.
Real parameters: LayerZero v2 DVNs (all required DVNs plus X of the optional ones; production
guidance "2 required + 1 of N optional", docs.layerzero.network security-stack-dvns); Chainlink CCIP
(commit DON F+1 signatures AND an independent Risk Management Network blessing, fSign+1 of
2fSign+1); Hyperlane aggregation ISM (exactly m of n modules).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.component import Handler
from bridgeproof.model.declarations import Action
from bridgeproof.model.errors import BadInput, ParameterError
from bridgeproof.model.reference.revert import Revert
from bridgeproof.model.registry import in_range
from bridgeproof.model.symbolic import Case, EvidenceField, ScopedState, StepArgs, SymState
from bridgeproof.model.trust import TRUST_MODELS, register
from bridgeproof.model.trust.base import Context, TrustModel

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


def _prefix(j: int) -> str:
    return f"v{j}_"


@register
@attrs.frozen
class Aggregate(TrustModel):
    id: ClassVar[str] = "aggregate"
    assumption: ClassVar[str] = "fewer than m of the verifiers are broken, and their failures are independent"
    adversary: ClassVar[str] = "whatever each verifier's model grants it, verifier by verifier"
    sources: ClassVar[tuple[str, ...]] = (
        "LayerZero v2 DVNs: required plus X of optional (docs.layerzero.network security-stack-dvns)",
        "Chainlink CCIP: commit DON F+1 and an independent Risk Management Network",
        "Hyperlane aggregation ISM: exactly m of n modules",
    )

    example: ClassVar[dict[str, Any]] = {"m": 1, "verifiers": [{"model": "custodian"}, {"model": "zk"}]}

    m: int = attrs.field(validator=in_range(1), metadata=option("verifiers that must accept", example=2))
    verifiers: tuple[TrustModel, ...] = attrs.field(
        default=(),
        converter=tuple,
        metadata=option(
            "the verifiers, each a trust table", example=[{"model": "custodian", "compromised": 1}, {"model": "zk"}]
        ),
    )

    def __attrs_post_init__(self) -> None:
        if self.m > len(self.verifiers):
            raise ParameterError("m", f"m must be <= the number of verifiers ({len(self.verifiers)}), got {self.m}")

    @classmethod
    def from_params(cls, params: Mapping[str, Any], where: str, field: str) -> Aggregate:
        from bridgeproof.model.applicability import elsewhere, param_owners

        for key in params:
            if key not in ("m", "verifiers", "faults"):
                why = TRUST_MODELS.unknown("aggregate", key, {"m": None, "verifiers": None})
                if param_owners(TRUST_MODELS, key):
                    why += ", in that verifier's table"
                raise BadInput(where, f"{field}.{key}", why)
        faults = params.get("faults")
        if faults:
            names = [faults] if isinstance(faults, str) else faults
            first = sorted(names)[0] if isinstance(names, list) and all(isinstance(f, str) for f in names) else None
            also = elsewhere(first, "aggregate") if first else ""
            raise BadInput(where, f"{field}.faults", f"give faults to the verifier they belong to{also}")
        raw = params.get("verifiers")
        if not isinstance(raw, list) or not raw:
            raise BadInput(where, f"{field}.verifiers", "must be a non-empty list of trust tables")
        subs = []
        for j, table in enumerate(raw):
            sub_field = f"{field}.verifiers[{j}]"
            if not isinstance(table, dict) or "model" not in table:
                raise BadInput(where, sub_field, "must be a table with `model` and its parameters")
            if table["model"] == "aggregate":
                raise BadInput(where, f"{sub_field}.model", "nested aggregates are not supported; flatten them")
            sub = TRUST_MODELS.build(table["model"], {k: v for k, v in table.items() if k != "model"}, where, sub_field)
            subs.append(attrs.evolve(sub, scope=_prefix(j)))
        if sum(1 for sub in subs if sub.adds_actions) > 1:
            raise BadInput(where, f"{field}.verifiers", "at most one verifier may have actions of its own (challenge, upgrade)")
        m = params.get("m")
        if isinstance(m, bool) or not isinstance(m, int):
            raise BadInput(where, f"{field}.m", f"expected an integer, got {m!r}")
        try:
            return cls(m=m, verifiers=tuple(subs))
        except ValueError as e:
            raise BadInput(where, f"{field}.{getattr(e, 'field', 'm')}", str(e)) from None

    def _scoped(self, s: SymState) -> list[tuple[TrustModel, ScopedState]]:
        return [(sub, ScopedState(s, _prefix(j))) for j, sub in enumerate(self.verifiers)]

    @property
    def evidence(self) -> tuple[EvidenceField, ...]:  # type: ignore[override]
        return tuple(
            attrs.evolve(ev, name=_prefix(j) + ev.name) for j, sub in enumerate(self.verifiers) for ev in sub.evidence
        )

    @property
    def globals(self) -> tuple[EvidenceField, ...]:
        return tuple(
            attrs.evolve(g, name=_prefix(j) + g.name) for j, sub in enumerate(self.verifiers) for g in sub.globals
        )

    @property
    def adds_actions(self) -> tuple[str, ...]:
        return tuple(a for sub in self.verifiers for a in sub.adds_actions)

    @property
    def subjects(self) -> frozenset[str] | None:  # type: ignore[override]
        kinds = [sub.subjects for sub in self.verifiers if sub.subjects is not None]
        return frozenset.intersection(*kinds) if kinds else None

    def own_actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return tuple(a for sub in self.verifiers for a in sub.own_actions(cfg))

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        out: dict[str, Handler] = {}
        for sub in self.verifiers:
            out |= sub.handlers(cfg)
        return out

    @property
    def timed(self) -> bool:  # type: ignore[override]
        return any(sub.timed for sub in self.verifiers)

    @property
    def uses_blocks(self) -> bool:  # type: ignore[override]
        return any(sub.uses_blocks for sub in self.verifiers)

    @property
    def reorg_bound(self) -> int:
        return max((sub.reorg_bound for sub in self.verifiers), default=0)

    def reorg_term(self) -> z3.ArithRef:
        terms = [sub.reorg_term() for sub in self.verifiers if sub.uses_blocks or sub.reorg_bound]
        if not terms:
            return z3.IntVal(0)
        out = terms[0]
        for t in terms[1:]:
            out = z3.If(t >= out, t, out)
        return out

    # --- symbolic half -------------------------------------------------------------------------
    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        out: dict[str, z3.ExprRef | int | bool] = {}
        for j, (sub, scoped) in enumerate(self._scoped(s)):
            out |= {_prefix(j) + k: v for k, v in sub.honest_evidence(scoped, i, cfg).items()}  # type: ignore[arg-type]
        return out

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, z3.ExprRef | int | bool]:
        out: dict[str, z3.ExprRef | int | bool] = {}
        for j, (sub, scoped) in enumerate(self._scoped(s)):
            out |= {_prefix(j) + k: v for k, v in sub.forged_evidence(scoped, i, cfg).items()}  # type: ignore[arg-type]
        return out

    def voided(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        return z3.Or(*(sub.voided(scoped, i, cfg) for sub, scoped in self._scoped(s)))  # type: ignore[arg-type]

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        votes = [z3.If(sub.accepts(scoped, i, cfg), 1, 0) for sub, scoped in self._scoped(s)]  # type: ignore[arg-type]
        return z3.Sum(*votes) >= self.t("m")

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        out = []
        for sub, scoped in self._scoped(s):
            for case in sub.cases(scoped, a, cfg):  # type: ignore[arg-type]
                updates = {scoped.scoped_key(k): v for k, v in case.updates.items()}
                out.append(attrs.evolve(case, updates=updates))
        return out

    def urgency(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
        return [u for sub, scoped in self._scoped(s) for u in sub.urgency(scoped, a, cfg)]  # type: ignore[arg-type]

    def assumptions(self) -> dict[str, z3.BoolRef]:
        out = {}
        broken = []
        for j, sub in enumerate(self.verifiers):
            own = sub.assumptions()
            out |= {_prefix(j) + name: f for name, f in own.items()}
            broken.append(z3.If(z3.And(*own.values()) if own else z3.BoolVal(True), 0, 1))
        out["fewer_than_m_broken"] = z3.Sum(*broken) < self.t("m")
        return out

    def domain(self) -> z3.BoolRef:
        m = self.t("m")
        return z3.And(m >= 1, m <= len(self.verifiers), *(sub.domain() for sub in self.verifiers))

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        out = {}
        for j, (sub, scoped) in enumerate(self._scoped(s)):
            out |= {_prefix(j) + k: v for k, v in sub.lemmas(scoped, cfg).items()}  # type: ignore[arg-type]
        return out

    def pinned(self) -> list[z3.BoolRef]:
        return [self.t("m") == self.m, *(p for sub in self.verifiers for p in sub.pinned())]

    # --- concrete half -------------------------------------------------------------------------
    def verifier(self) -> Quorum:
        return Quorum(self.m, [sub.verifier() for sub in self.verifiers], [bool(s.adds_actions) for s in self.verifiers])


class Quorum:
    """Calls every verifier and counts the ones that accept."""

    def __init__(self, m: int, verifiers: list[Any], active: list[bool]) -> None:
        self.m = m
        self.verifiers = verifiers
        self.active = active

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        for v in self.verifiers:
            v.attest(msg_id, digest, ctx)

    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None:
        for v in self.verifiers:
            v.forge(msg_id, digest, ctx)

    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool:
        return sum(1 for v in self.verifiers if v.accepts(msg_id, digest, ctx)) >= self.m

    def evidence(self, msg_id: int) -> dict[str, int | bool]:
        out: dict[str, int | bool] = {}
        for j, v in enumerate(self.verifiers):
            out |= {_prefix(j) + k: x for k, x in v.evidence(msg_id).items()}
        return out

    def state(self) -> dict[str, int | bool]:
        out: dict[str, int | bool] = {}
        for j, v in enumerate(self.verifiers):
            out |= {_prefix(j) + k: x for k, x in v.state().items()}
        return out

    def _active(self) -> Any:
        for v, active in zip(self.verifiers, self.active, strict=True):
            if active:
                return v
        return None

    def challenge(self, msg_id: int, ctx: Context) -> None:
        v = self._active()
        if v is None:
            raise Revert("aggregate: no verifier takes challenges")
        v.challenge(msg_id, ctx)

    def check_wait(self, ctx: Context, seconds: int, open_frauds: list[int]) -> None:
        for v in self.verifiers:
            check = getattr(v, "check_wait", None)
            if check is not None:
                check(ctx, seconds, open_frauds)

    def upgrade(self) -> None:
        v = self._active()
        if v is None:
            raise Revert("aggregate: no verifier can be upgraded")
        v.upgrade()
