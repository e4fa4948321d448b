"""A configuration: a protocol family x an optional trust model x the family's options x bounds.

It gathers the components (the family, the features it switches on, the trust model) and merges
their declarations: index domains, fields, ITF vars and actions. Both semantics are built from one
Configuration: `model.system.System` (Z3) and `model.reference.world.World` (concrete).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import attrs

from bridgeproof.model.component import Component
from bridgeproof.model.declarations import Action, Domain, Field, Var

if TYPE_CHECKING:
    from bridgeproof.model.protocols.family import Family
    from bridgeproof.model.trust.base import TrustModel


@attrs.frozen
class Bounds:
    """How far the search looks: transitions, ids (message ids, deposits, ...), and the initial supply."""

    depth: int = attrs.field(default=12, validator=attrs.validators.ge(0))
    messages: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    supply: int = attrs.field(default=100, validator=attrs.validators.ge(1))
    loss_depth: int = attrs.field(default=6, validator=attrs.validators.ge(0))
    """Steps within which max_loss is computed exactly (the search for the worst extraction is
    costlier than BMC, and real drains take a handful of steps)."""


class ConfigurationError(ValueError):
    """Declarations that do not fit together (two live fields of one name, an unknown var, ...)."""


@attrs.frozen(eq=False)
class Configuration:
    protocol: Family
    trust: TrustModel | None
    bounds: Bounds
    options: Any = None

    def __attrs_post_init__(self) -> None:
        if self.options is None:
            object.__setattr__(self, "options", self.protocol.default_options())

    @cached_property
    def components(self) -> tuple[Component, ...]:
        """The family first, then the features it switches on, then the trust model."""
        out: list[Component] = [self.protocol, *self.protocol.features(self)]
        if self.trust is not None:
            out.append(self.trust)
        return tuple(out)

    def has(self, feature_id: str) -> bool:
        return any(getattr(c, "feature", None) == feature_id for c in self.components)

    @cached_property
    def domains(self) -> dict[str, Domain]:
        out: dict[str, Domain] = {}
        for c in self.components:
            for d in c.domains(self):
                if d.name in out and out[d.name] != d:
                    raise ConfigurationError(f"domain {d.name!r} is declared twice with different values")
                out[d.name] = d
        return out

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        """Every field, in declaration order; a live field replaces a fixed placeholder of its name."""
        merged: dict[str, Field] = {}
        owner: dict[str, Component] = {}
        for c in self.components:
            for f in c.fields(self):
                old = merged.get(f.name)
                if old is None or (old.fixed and not f.fixed):
                    if old is not None and (old.path != f.path or old.index != f.index):
                        raise ConfigurationError(f"field {f.name!r}: {type(c).__name__} places it differently")
                    merged[f.name] = f
                    owner[f.name] = c
                elif not f.fixed and not old.fixed:
                    raise ConfigurationError(
                        f"field {f.name!r} is declared live by both {type(owner[f.name]).__name__} and {type(c).__name__}"
                    )
        vars_ = {v.name for v in self.vars}
        for f in merged.values():
            if f.path[0] not in vars_:
                raise ConfigurationError(f"field {f.name!r} belongs to var {f.path[0]!r}, which nothing declares")
        clocks = [f.name for f in merged.values() if f.clock]
        if len(clocks) > 1:
            raise ConfigurationError(f"more than one clock field: {clocks}")
        return tuple(merged.values())

    @cached_property
    def field(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def vars(self) -> tuple[Var, ...]:
        out: dict[str, Var] = {}
        for c in self.components:
            for v in c.vars(self):
                out.setdefault(v.name, v)
        return tuple(out.values())

    @cached_property
    def actions(self) -> tuple[Action, ...]:
        """Every action of this configuration, in component order (an action is declared once)."""
        out: dict[str, Action] = {}
        for c in self.components:
            for a in c.actions(self):
                if a.name in out:
                    raise ConfigurationError(f"action {a.name!r} is declared twice")
                out[a.name] = a
        return tuple(out.values())

    @cached_property
    def action(self) -> dict[str, Action]:
        return {a.name: a for a in self.actions}

    @property
    def clock(self) -> Field | None:
        return next((f for f in self.fields if f.clock and not f.fixed), None)

    def describe(self) -> dict[str, Any]:
        """The family's and the trust model's parameters, as data."""
        out = {"protocol": self.protocol.id, "protocol_params": self.protocol.describe()}
        if self.trust is not None:
            out |= {"trust": self.trust.id, "params": self.trust.describe()}
        return out
