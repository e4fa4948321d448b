"""The contract every trust model meets: a component with a symbolic half for Z3 and a concrete verifier.

NOTE(two-halves): the two halves of a trust model live in one file so a designer adds one file,
but they share no code: the symbolic half builds Z3 terms, the concrete half checks signatures,
windows and deadlines on plain values. Conformance tests compare them.

A trust model judges the claims of its *subject*, the family it is deployed with: message claims
for a bridge, repayment bundles for a liquidity network. The family tells it where its evidence
lives, which claims exist, which are fraudulent and which have executed (`Family` subject methods).
Like Slither's detectors, a trust model states what it is as structured fields (`assumption`,
`adversary`, `fault_notes`, `sources`), which `bridgeproof list` prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, Field
from bridgeproof.model.errors import ParameterError
from bridgeproof.model.symbolic import Case, EvidenceField, StepArgs, SymState, evidence_name, global_name
from bridgeproof.model.trust.contract import Context, Subject

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

__all__ = ["Context", "PlainVerifier", "Subject", "TrustModel"]


class PlainVerifier:
    """Defaults for a concrete verifier with no state beyond its evidence and no extra actions."""

    name = "this verifier"

    def state(self) -> dict[str, int | bool]:
        return {}

    def check_wait(self, ctx: Context, seconds: int, open_frauds: list[int]) -> None:
        return None


def _faults(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    return frozenset(value or ())


def _check_faults(instance: Any, attribute: Any, value: frozenset[str]) -> None:
    from bridgeproof.model.applicability import elsewhere

    unknown = sorted(value - type(instance).supported_faults)
    if unknown:
        known = ", ".join(sorted(type(instance).supported_faults)) or "none"
        also = elsewhere(unknown[0], type(instance).id)
        why = f"{type(instance).id} does not model the fault {unknown[0]!r} (it models: {known}){also}"
        raise ParameterError("faults", why)


def _challenged(evidence: Mapping[str, object]) -> bool:
    """Whether some verifier records a challenge (an aggregate prefixes the field, e.g. `v1_challenged`)."""
    return any(v is True for k, v in evidence.items() if k == "challenged" or k.endswith("_challenged"))


@attrs.frozen
class TrustModel(Component):
    """Base for trust models. Subclasses are @attrs.frozen parameter records registered by id.

    `faults` are implementation faults of this verifier (SEMANTICS.md, trust-model faults); each
    model lists the ones it implements in `supported_faults`.
    """

    id: ClassVar[str]
    assumption: ClassVar[str] = ""
    """The trust assumption, in one sentence (what must hold for the bridge to be safe)."""
    adversary: ClassVar[str] = ""
    """What the adversary may do under this model."""
    fault_notes: ClassVar[dict[str, str]] = {}
    """Each supported fault and the incident it stands for."""
    fault_bounds: ClassVar[dict[str, dict[str, int]]] = {}
    """Bounds a fault needs before it can act (e.g. several claims); the combination test uses them."""
    fault_context: ClassVar[dict[str, dict[str, Any]]] = {}
    """Parameters a fault needs beside it to act (e.g. a stolen share), in this model's table."""
    sources: ClassVar[tuple[str, ...]] = ()
    """Where the real parameters come from."""
    subjects: ClassVar[frozenset[str] | None] = None
    """Family kinds whose claims this model can judge (None: any family with claims)."""
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = ()
    supported_faults: ClassVar[frozenset[str]] = frozenset()
    timed: ClassVar[bool] = False
    """True when the model needs the clock (a `wait` action exists)."""
    uses_blocks: ClassVar[bool] = False
    """True when the model needs block heights (`mine`, and `reorg` up to `reorg_bound`)."""
    example: ClassVar[dict[str, Any]] = {}
    """Parameters of a small valid instance (the combination test and the documentation start from it)."""

    faults: frozenset[str] = attrs.field(
        factory=frozenset, converter=_faults, validator=_check_faults, kw_only=True, metadata={"param": False}
    )
    scope: str = attrs.field(default="", kw_only=True, metadata={"param": False, "internal": True})
    """Prefix of this model's parameter terms when it is nested (an aggregate's `v0_`)."""

    @property
    def evidence(self) -> tuple[EvidenceField, ...]:
        """Per-claim evidence fields; a fault may add one (e.g. `bypassed`)."""
        return self.evidence_fields

    @property
    def globals(self) -> tuple[EvidenceField, ...]:
        """Verifier state that is not per claim (the ITF `verifier` record)."""
        return ()

    @property
    def reorg_bound(self) -> int:
        return 0

    @property
    def adds_actions(self) -> tuple[str, ...]:
        """The names of the actions this model adds in any configuration (its `own_actions`)."""
        return ()

    def explored_amounts(self) -> tuple[int, ...]:
        """`amount` values the reference's exhaustive search must try for this model's own actions to
        matter (a stake bond that reaches the quorum); the family's amounts cover everything else."""
        return ()

    def reorg_term(self) -> z3.ArithRef:
        """The reorg depth this model grants the adversary, as a term (a parameter if it has one)."""
        return z3.IntVal(self.reorg_bound)

    # --- declarations, derived from the evidence and the subject ---------------------------------
    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        sub = cfg.protocol
        domain = sub.claim_domain(cfg)
        out = [
            Field(evidence_name(ev.name), ev.sort, (*sub.evidence_path, ev.name), domain, ev.default, time=ev.time)  # type: ignore[arg-type]
            for ev in self.evidence
        ]
        out += [Field(global_name(g.name), g.sort, (sub.state_var, g.name), None, g.default) for g in self.globals]  # type: ignore[arg-type]
        return tuple(out)

    def own_actions(self, cfg: Configuration) -> tuple[Action, ...]:
        """Actions this model adds (a challenge, an upgrade, a key rotation)."""
        return ()

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        verbs = cfg.protocol.verbs
        return tuple(attrs.evolve(a, name=verbs.get(a.name, a.name)) for a in self.own_actions(cfg))

    def verb(self, cfg: Configuration, name: str) -> str:
        """What the subject family calls this model's action `name` (Across calls a challenge a dispute)."""
        return cfg.protocol.verbs.get(name, name)  # type: ignore[no-any-return]

    # --- symbolic half, per claim ------------------------------------------------------------------
    def honest_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, Any]:
        raise NotImplementedError

    def forged_evidence(self, s: SymState, i: int, cfg: Configuration) -> dict[str, Any]:
        raise NotImplementedError

    def accepts(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        raise NotImplementedError

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        """Extra actions (challenge, upgrade, ...). Most trust models have none."""
        return []

    def voided(self, s: SymState, i: int, cfg: Configuration) -> z3.BoolRef:
        """Whether claim i was struck down for good (a successful dispute); most models never do that."""
        return z3.BoolVal(False)

    def assumptions(self) -> dict[str, z3.BoolRef]:
        """Named trust assumptions over the parameter terms (e.g. `f_lt_k: f < k`).

        A proof is tried with the parameters left free under these named literals, so the unsat
        core says which assumptions the property needed.
        """
        raise NotImplementedError

    def domain(self) -> z3.BoolRef:
        """What any valid parameter setting satisfies (the validators' ranges, as a formula)."""
        return z3.BoolVal(True)

    # --- concrete half -----------------------------------------------------------------------------
    def verifier(self) -> Any:
        raise NotImplementedError

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        """Evidence of every claimed id, and the verifier's own state, from the deployed verifier."""
        v = deployment.verifier
        evidence = {i: v.evidence(i) for i in deployment.claim_ids()}
        out: dict[str, Any] = {evidence_name(ev.name): {i: e[ev.name] for i, e in evidence.items()} for ev in self.evidence}
        state = v.state()
        out |= {global_name(g.name): state[g.name] for g in self.globals}
        return out

    def check_wait(self, deployment: Any, seconds: int, cfg: Configuration) -> None:
        open_frauds = [
            i
            for i in deployment.claim_ids()
            if deployment.is_fraudulent(i)
            and not deployment.is_executed(i)
            and not _challenged(deployment.verifier.evidence(i))
        ]
        check = getattr(deployment.verifier, "check_wait", None)
        if check is not None:
            check(deployment.context(), seconds, open_frauds)

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        return {}

    # --- parameters as terms -------------------------------------------------------------------
    def t(self, name: str) -> z3.ExprRef:
        """The Z3 constant standing for parameter `name` (pinned to its value by `pinned`)."""
        value = getattr(self, name)
        key = f"{self.scope}{self.id}.{name}"
        return z3.Bool(key) if isinstance(value, bool) else z3.Int(key)

    def param_names(self) -> tuple[str, ...]:
        return tuple(
            a.name
            for a in attrs.fields(type(self))
            if a.metadata.get("param", True) and isinstance(getattr(self, a.name), (int, bool))
        )

    def pinned(self) -> list[z3.BoolRef]:
        return [self.t(name) == getattr(self, name) for name in self.param_names()]

    def granted(self) -> dict[str, bool]:
        """Which named assumptions these concrete parameters satisfy (decided by Z3 under `pinned`)."""
        out = {}
        for name, formula in self.assumptions().items():
            solver = z3.Solver()
            solver.add(*self.pinned(), z3.Not(formula))
            out[name] = solver.check() == z3.unsat
        return out

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for a in attrs.fields(type(self)):
            value = getattr(self, a.name)
            if a.metadata.get("internal"):
                continue
            if a.name == "faults":
                if value:
                    out["faults"] = sorted(value)
            elif isinstance(value, TrustModel):
                out[a.name] = {"model": value.id, **value.describe()}
            elif isinstance(value, tuple):
                out[a.name] = [{"model": v.id, **v.describe()} if isinstance(v, TrustModel) else v for v in value]
            else:
                out[a.name] = value
        return out

    @classmethod
    def card(cls) -> dict[str, Any]:
        """What this model is, as data: for `bridgeproof list`."""
        from bridgeproof.model.applicability import catalogue

        params = [
            a.name for a in attrs.fields(cls) if a.metadata.get("param", True) and not a.metadata.get("internal")
        ]
        mine = [e for e in catalogue() if e.table == "trust" and e.owner == cls.id]
        return {
            "id": cls.id,
            "summary": _summary(cls),
            "assumption": cls.assumption,
            "adversary": cls.adversary,
            "faults": dict(sorted(cls.fault_notes.items())) or {f: "" for f in sorted(cls.supported_faults)},
            "sources": list(cls.sources),
            "parameters": params,
            "applies_to": sorted({f for e in mine for f in e.families}),
            "needs": {e.name: e.needs for e in mine if e.needs},
        }


def _summary(cls: type) -> str:
    import sys

    doc = sys.modules[cls.__module__].__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""
