"""The contract every protocol family meets: a component that owns the observable vocabulary.

A family declares its index domains, its ITF vars and fields, its actions, and both halves of their
meaning (`model.component.Component`). On top of that it says which features it switches on, how a
scenario configures it, what its properties see (`view`), and, if a trust model judges its claims,
where the verifier's evidence lives (the subject methods).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from bridgeproof.model.component import Component
from bridgeproof.model.declarations import Domain
from bridgeproof.model.errors import BadInput

if TYPE_CHECKING:
    import z3

    from bridgeproof.model.applicability import Option
    from bridgeproof.model.configuration import Configuration
    from bridgeproof.model.symbolic import SymState

TrustAdjust = Callable[[dict[str, Any]], dict[str, Any]]


def not_a_table_of(family: str, table: str) -> str:
    """Why a family refuses an option table, naming the families that read it."""
    from bridgeproof.model.applicability import table_owners

    owners = table_owners(table)
    if owners:
        return f"{family} takes no {table} table: {table} applies to {', '.join(owners)}"
    return f"{family} takes no {table} table"


class Family(Component):
    """Base for protocol families. Subclasses are @attrs.frozen records (their parameters) registered by id."""

    id: ClassVar[str]
    kinds: ClassVar[tuple[str, ...]] = ()
    """Tags properties and trust models select families by (e.g. `message_bridge`)."""
    trust: ClassVar[str] = "none"
    """`required`: the scenario names a trust model that judges this family's claims; `none`: it has none."""
    option_tables: ClassVar[tuple[str, ...]] = ()
    """Scenario tables this family reads (`faults`, `defences`, ...); any other is refused."""
    bounds_used: ClassVar[frozenset[str]] = frozenset({"depth"})
    """Which bounds this family reads; a scenario setting another is refused."""
    witness: ClassVar[str | None] = None
    """The witness that guards this family's proofs against vacuity."""
    verbs: ClassVar[dict[str, str]] = {}
    """What this family calls a trust model's actions (a liquidity network disputes, not challenges)."""
    evidence_path: ClassVar[tuple[str, ...]] = ("claims", "evidence")
    state_var: ClassVar[str] = "verifier"
    vocabulary: ClassVar[int] = 1
    """Version of this family's observable state in new counterexample files."""
    modelled_faults: ClassVar[frozenset[str]] = frozenset()
    """Faults its protocol table's `faults` list may name (the message bridges declare theirs as options)."""
    example: ClassVar[dict[str, Any]] = {}
    """Parameters of a small valid instance beyond the defaults (the combination test starts from it)."""

    # --- scenario --------------------------------------------------------------------------------
    def default_options(self) -> Any:
        return None

    def parse_options(self, raw: Mapping[str, Any], where: str, prefix: str = "") -> tuple[Any, TrustAdjust]:
        """The family's options from the scenario's option tables, and how they adjust the trust table."""
        for key in raw:
            raise BadInput(where, f"{prefix}{key}", not_a_table_of(self.id, key))
        return None, lambda table: table

    @classmethod
    def declared_options(cls) -> tuple[Option, ...]:
        """The options of this family's tables, each with where it applies (NOTE(options-apply))."""
        return ()

    @classmethod
    def fault_names(cls) -> frozenset[str]:
        """Every fault this family models, in its protocol table or its `faults` option."""
        from bridgeproof.model.applicability import family_fits

        declared = {o.name for o in cls.declared_options() if o.field == "faults" and family_fits(o.spec.families, cls)}
        return cls.modelled_faults | declared

    @classmethod
    def judged_by(cls, trust: type) -> bool:
        """Whether a trust model of this class can judge this family's claims (beyond its `subjects`)."""
        return True

    def options_table(self, options: Any) -> dict[str, Any]:
        """Options back in the scenario's table form (what `parse_options` reads), for `#meta.options`."""
        return {}

    def describe(self) -> dict[str, Any]:
        """The family's own parameters (its attrs fields), as data."""
        return {a.name: getattr(self, a.name) for a in attrs.fields(type(self))} if attrs.has(type(self)) else {}

    represented: ClassVar[str | None] = None
    """An index domain whose elements are interchangeable (message ids): a proof over a few of them
    as representatives covers any number, where the encoding allows it (model/engine/parametric.py)."""
    represented_noun: ClassVar[str] = "ids"
    """What the elements of `represented` are called in a proof's scope ("any number of message ids")."""

    def scope(self, bounds: Any) -> str:
        """What a proof of this family covers, in words (e.g. "with 2 message ids")."""
        return ""

    def features(self, cfg: Configuration) -> tuple[Component, ...]:
        """The feature components this configuration switches on (clock, blocks, rate limit, ...)."""
        return ()

    def check(self, cfg: Configuration) -> None:
        """Refuse a configuration whose options would have no effect here (ConfigurationError)."""

    # --- properties ------------------------------------------------------------------------------
    def view(self, fields: Any, ops: Any, cfg: Configuration) -> Any:
        """What this family's properties read: built from `properties.view.Fields`, concrete or symbolic."""
        return fields

    def adversary_value(self, view: Any, ops: Any) -> Any:
        """What the adversary holds beyond its own funds, for max_loss (a family that measures it says so)."""
        raise NotImplementedError(f"{self.id} has no measure of what the adversary gains")

    def loss_by_chain(self, view: Any, ops: Any) -> dict[str, Any]:
        """`adversary_value` broken down by where it was taken (a family with chains says which)."""
        return {"total": self.adversary_value(view, ops)}

    def measures_loss(self) -> bool:
        return type(self).adversary_value is not Family.adversary_value

    def explore(self, cfg: Configuration) -> dict[str, list[int]]:
        """Values of the non-index arguments that an exhaustive search over small domains should try
        (the explicit-state oracle): by argument name. Unnamed arguments get [1]."""
        return {}

    def time_params(self, cfg: Configuration) -> list[int]:
        """The configuration's own durations and deadlines (windows, delays, timeouts): tests wait around them."""
        return []

    def fair_calls(self, cfg: Configuration) -> list[tuple[str, dict[str, int]]]:
        """The calls liveness may assume are eventually taken when continuously enabled (weak fairness):
        by default every call of an action declared `fair` whose arguments are all indexes."""
        import itertools

        out = []
        for declared in cfg.actions:
            if not declared.fair or any(a.domain is None for a in declared.args):
                continue
            for combo in itertools.product(*(range(len(a.domain)) for a in declared.args)):  # type: ignore[arg-type]
                out.append((declared.name, dict(zip(declared.arg_names, combo, strict=True))))
        return out

    def progress(self, fields: Any, ops: Any, cfg: Configuration) -> tuple[Any, int]:
        """A measure every action but `wait` increases, and its bound (liveness proofs need one)."""
        raise NotImplementedError(f"{self.id} declares no progress measure, so its liveness cannot be proved")

    # --- the subject of a trust model ------------------------------------------------------------
    def claim_domain(self, cfg: Configuration) -> Domain:
        raise NotImplementedError(f"{self.id} has no claims for a trust model to judge")

    def claimed(self, s: SymState, i: int) -> z3.BoolRef:
        raise NotImplementedError

    def fraudulent(self, s: SymState, i: int) -> z3.BoolRef:
        raise NotImplementedError

    def executed(self, s: SymState, i: int) -> z3.BoolRef:
        raise NotImplementedError

    # --- counterexample files --------------------------------------------------------------------
    def vars_of_version(self, version: int, cfg: Configuration) -> list[str]:
        """The vars a file of this vocabulary version must hold."""
        return [v.name for v in cfg.vars]

    def upgrade_state(self, version: int, state: dict[str, Any]) -> dict[str, Any]:
        """A state of an older vocabulary version, as the same run observes today."""
        return state

    def summary(self, state: Mapping[str, Any]) -> str:
        """One line for `show`: the state's scalar vars, and its maps compactly."""
        parts = []
        for name, value in state.items():
            if isinstance(value, Mapping):
                if value and all(not isinstance(v, Mapping) for v in value.values()):
                    parts.append(f"{name}[" + ",".join(f"{k}:{v}" for k, v in value.items()) + "]")
                elif value:
                    parts.append(f"{name}{{{','.join(str(k) for k in value)}}}")
            else:
                parts.append(f"{name}={value}")
        return " ".join(parts)

    # --- pictures ------------------------------------------------------------------------------------
    def lifelines(self, cfg: Configuration) -> tuple[str, ...]:
        """The participants of this family's sequence diagrams, in the order they are drawn."""
        return ()

    main_lifelines: ClassVar[tuple[str, ...] | None] = None
    """The lifelines drawn even when no step uses them (None: only those a step uses)."""

    def arrows(self, action: str, args: Mapping[str, Any], actor: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Any]:
        """The arrows of one step of a counterexample (model/diagram.py); by default, actor -> protocol."""
        from bridgeproof.model.diagram import default_arrows

        return list(default_arrows(action, args, actor, self.id))

    # --- concrete half ---------------------------------------------------------------------------
    def deploy(self, cfg: Configuration) -> Any:
        """A fresh deployment: every contract and actor of this family, in its initial state."""
        raise NotImplementedError
