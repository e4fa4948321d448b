"""The generic reference driver: a family's deployment, driven by named actions, observed as SEMANTICS.md says.

No protocol is named here. The family deploys its contracts, each feature and the trust model
install theirs, and every component hands over the concrete handler of each action it declares.
Each `apply` is one transaction: the arguments are checked against the action's declaration (as a
contract's ABI decoder would), the handler runs, and on any failure the whole deployment is
restored, as the EVM rolls back a reverted call.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from bridgeproof.model import applicability
from bridgeproof.model.component import Handler
from bridgeproof.model.configuration import Bounds, Configuration, ConfigurationError
from bridgeproof.model.declarations import Action
from bridgeproof.model.observable import assemble, reader_of_readings
from bridgeproof.model.reference.guard import require


def _is_integer(value: object) -> bool:
    # bool is an int subclass, and True == 1 would silently match id 1 in a dict lookup.
    return isinstance(value, int) and not isinstance(value, bool)


def configuration(protocol: Any, trust: Any, messages: int, supply: int, options: Any = None) -> Configuration:
    """A checked configuration from loose parts (a family or its id); ValueError says what is wrong."""
    from bridgeproof.model.protocols import PROTOCOLS

    if isinstance(protocol, str):
        if protocol not in PROTOCOLS.ids():
            raise ValueError(f"protocol must be one of {list(PROTOCOLS.ids())}, got {protocol!r}")
        protocol = PROTOCOLS.get(protocol, "reference", "protocol")()
    for name, value in (("messages", messages), ("supply", supply)):
        if not _is_integer(value) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    cfg = Configuration(protocol, trust, Bounds(messages=messages, supply=supply), options)
    check(cfg)
    return cfg


def check(cfg: Configuration) -> None:
    """Refuse a configuration whose parts do not fit (ConfigurationError, a ValueError)."""
    family, trust = cfg.protocol, cfg.trust
    if family.trust == "none" and trust is not None:
        raise ConfigurationError(f"{family.id} has no claims for a trust model to judge; give no trust model")
    if family.trust == "required" and trust is None:
        raise ConfigurationError(f"{family.id} needs a trust model")
    subjects = getattr(trust, "subjects", None)
    if trust is not None and subjects is not None and not subjects & set(family.kinds):
        raise ConfigurationError(f"trust model {trust.id} judges only {', '.join(sorted(subjects))} claims, not {family.id}'s")
    family.check(cfg)
    applicability.check(cfg)
    cfg.fields  # noqa: B018  (merging the declarations checks them)
    cfg.actions  # noqa: B018


class World:
    """One deployed configuration. `World(config)`, or `World(protocol, trust, messages, supply, options)`."""

    def __init__(
        self, protocol: Any, trust: Any = None, messages: int = 3, supply: int = 100, options: Any = None
    ) -> None:
        if isinstance(protocol, Configuration):
            self.config = protocol
            check(self.config)
        else:
            self.config = configuration(protocol, trust, messages, supply, options)
        cfg = self.config
        self.protocol = cfg.protocol.id
        self.trust = cfg.trust
        self._deployment = cfg.protocol.deploy(cfg)
        for c in cfg.components[1:]:
            c.install(self._deployment, cfg)
        self._handlers: dict[str, Handler] = {}
        for c in cfg.components:
            self._handlers |= c.handlers(cfg)
        missing = [a.name for a in cfg.actions if a.name not in self._handlers]
        if missing:
            raise ConfigurationError(f"no concrete handler for the declared actions {missing}")

    def __deepcopy__(self, memo: dict[int, Any]) -> World:
        """A copy of the deployment only: the configuration and the handlers are immutable and shared."""
        clone = copy.copy(self)
        clone._deployment = copy.deepcopy(self._deployment, memo | {id(self.trust): self.trust})
        return clone

    def available_actions(self) -> tuple[str, ...]:
        """The action names that exist in this configuration, in declaration order."""
        return tuple(a.name for a in self.config.actions)

    @property
    def deployment(self) -> Any:
        return self._deployment

    def apply(self, action: str, args: Mapping[str, Any]) -> None:
        """Perform one action as a transaction; raises `Revert` and changes nothing when refused."""
        declared = self.config.action.get(action) if isinstance(action, str) else None
        require(declared is not None, f"action {action!r} not available in {self.protocol}")
        assert declared is not None
        require(isinstance(args, Mapping), "args must be a mapping of argument names to values")
        values = _decoded(declared, args)
        saved = copy.deepcopy(self._deployment, {id(self.trust): self.trust})
        try:
            self._handlers[action](self._deployment, **values)
        except BaseException:
            self._deployment = saved
            raise

    def observe(self) -> dict[str, Any]:
        """The observable state exactly as SEMANTICS.md's table, as fresh plain values the caller may keep."""
        readings: dict[str, Any] = {}
        for c in self.config.components:
            readings |= c.read(self._deployment, self.config)
        # Every component reads into fresh containers, so the caller may keep and change what it gets.
        return assemble(self.config.vars, self.config.fields, reader_of_readings(self.config.fields, readings))


def _decoded(action: Action, args: Mapping[str, Any]) -> dict[str, Any]:
    """The call's arguments checked against the declaration, as bad calldata would be refused."""
    names = action.arg_names
    missing = [name for name in names if name not in args]
    require(not missing, f"missing argument(s): {', '.join(missing)}")
    unexpected = sorted(repr(name) for name in args if name not in names)
    require(not unexpected, f"unexpected argument(s): {', '.join(unexpected)}")
    for arg in action.args:
        value = args[arg.name]
        if arg.domain is not None:
            require(arg.domain.position(value) is not None, f"unknown {arg.name} {value!r}")
        else:
            require(_is_integer(value), f"{arg.name} must be an integer")
    return dict(args)
