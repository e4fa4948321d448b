"""The contract every trust model meets: a symbolic half for Z3 and a concrete half for the reference.

NOTE(two-halves): the two halves of a trust model live in one file so a designer adds one file,
but they share no code: the symbolic half builds Z3 terms, the concrete half checks signatures,
windows and deadlines on plain values. Conformance tests compare them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol

import attrs
import z3

from model.symbolic import Case, EvidenceField, StepArgs, SymState


class Context(Protocol):
    """What a verifier may read of the world when it is called (built by the reference)."""

    now: int
    height: int

    def canonical_block(self, msg_id: int, digest: bytes) -> int | None:
        """The block of the source message with this id and exactly this digest, if it is on the
        canonical source chain now; None otherwise (never sent, other content, or reorged out)."""
        ...


class Verifier(Protocol):
    """The concrete half: what the reference implementation's destination chain calls."""

    def attest(self, msg_id: int, digest: bytes, ctx: Context) -> None: ...
    def forge(self, msg_id: int, digest: bytes, ctx: Context) -> None: ...
    def accepts(self, msg_id: int, digest: bytes, ctx: Context) -> bool: ...
    def evidence(self, msg_id: int) -> dict[str, int | bool]: ...
    def state(self) -> dict[str, int | bool]: ...
    def challenge(self, msg_id: int, ctx: Context) -> None: ...
    def check_wait(self, ctx: Context, seconds: int, open_frauds: list[int]) -> None: ...
    def upgrade(self) -> None: ...


Fraudulent = Callable[[SymState, int], z3.BoolRef]


class PlainVerifier:
    """Defaults for a concrete verifier with no state beyond its evidence and no extra actions."""

    name = "this verifier"

    def state(self) -> dict[str, int | bool]:
        return {}

    def challenge(self, msg_id: int, ctx: Context) -> None:
        from model.reference.revert import Revert

        raise Revert(f"{self.name}: there is no challenge")

    def check_wait(self, ctx: Context, seconds: int, open_frauds: list[int]) -> None:
        return None

    def upgrade(self) -> None:
        from model.reference.revert import Revert

        raise Revert(f"{self.name}: there is no upgrade")


def _faults(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    return frozenset(value or ())


def _check_faults(instance: Any, attribute: Any, value: frozenset[str]) -> None:
    unknown = sorted(value - type(instance).supported_faults)
    if unknown:
        known = ", ".join(sorted(type(instance).supported_faults)) or "none"
        err = ValueError(f"{type(instance).id} does not model the fault {unknown[0]!r} (it models: {known})")
        err.field = "faults"  # type: ignore[attr-defined]
        raise err


@attrs.frozen
class TrustModel:
    """Base for trust models. Subclasses are @attrs.frozen parameter records registered by id.

    `faults` are implementation faults of this verifier (SEMANTICS.md, trust-model faults); each
    model lists the ones it implements in `supported_faults`.
    """

    id: ClassVar[str]
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = ()
    supported_faults: ClassVar[frozenset[str]] = frozenset()
    timed: ClassVar[bool] = False
    """True when the model needs the clock (a `wait` action exists)."""
    uses_blocks: ClassVar[bool] = False
    """True when the model needs block heights (`mine`, and `reorg` up to `reorg_bound`)."""

    faults: frozenset[str] = attrs.field(
        factory=frozenset, converter=_faults, validator=_check_faults, kw_only=True, metadata={"param": False}
    )
    scope: str = attrs.field(default="", kw_only=True, metadata={"param": False, "internal": True})
    """Prefix of this model's parameter terms when it is nested (an aggregate's `v0.`)."""

    @property
    def evidence(self) -> tuple[EvidenceField, ...]:
        """Per-message evidence fields; a fault may add one (e.g. `bypassed`)."""
        return self.evidence_fields

    @property
    def globals(self) -> tuple[EvidenceField, ...]:
        """Verifier state that is not per message (the ITF `verifier` record)."""
        return ()

    @property
    def concrete_actions(self) -> tuple[str, ...]:
        """Extra actions this model adds (`challenge`, `wait`, `upgrade`)."""
        return ()

    @property
    def reorg_bound(self) -> int:
        return 0

    def reorg_term(self) -> z3.ArithRef:
        """The reorg depth this model grants the adversary, as a term (a parameter if it has one)."""
        return z3.IntVal(self.reorg_bound)

    def wait_guard(self, s: SymState, a: StepArgs, fraudulent: Fraudulent) -> z3.BoolRef:
        """What must hold for time to pass (an honest party's deadline); true by default."""
        return z3.BoolVal(True)

    def honest_evidence(self, s: SymState, i: int) -> dict[str, z3.ExprRef | int | bool]:
        raise NotImplementedError

    def forged_evidence(self, s: SymState, i: int) -> dict[str, z3.ExprRef | int | bool]:
        raise NotImplementedError

    def accepts(self, s: SymState, i: int) -> z3.BoolRef:
        raise NotImplementedError

    def cases(self, s: SymState, a: StepArgs, fraudulent: Fraudulent) -> list[Case]:
        """Extra actions (challenge, wait, ...). Most trust models have none."""
        return []

    def assumptions(self) -> dict[str, z3.BoolRef]:
        """Named trust assumptions over the parameter terms (e.g. `f_lt_k: f < k`).

        A proof is tried with the parameters left free under these named literals, so the unsat
        core says which assumptions the property needed.
        """
        raise NotImplementedError

    def domain(self) -> z3.BoolRef:
        """What any valid parameter setting satisfies (the validators' ranges, as a formula)."""
        return z3.BoolVal(True)

    def lemmas(self, s: SymState, fraudulent: Fraudulent) -> dict[str, z3.BoolRef]:
        """Strengthening invariants this trust model guarantees about its evidence (for induction)."""
        return {}

    def verifier(self) -> Verifier:
        raise NotImplementedError

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
