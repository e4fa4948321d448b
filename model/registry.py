"""Registration of extension points (trust models, protocol families), checked at import time.

A protocol designer adds one file; importing it registers it under a stable snake_case id. The
checks here fail loudly at import, saying what to do instead, so a half-defined model never
reaches a verdict.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import types
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from bridgeproof.model.errors import BadInput, ParameterError, short

T = TypeVar("T")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


class Registry:
    """Ids to classes for one kind of extension; `required` names the members each must define.

    The members are found on first use: every module of `package` (dropping in a file is enough),
    then every entry point of `group`, so a team can keep its own models in its own package.
    """

    def __init__(self, kind: str, required: tuple[str, ...], package: str = "", group: str = "") -> None:
        self.kind = kind
        self.required = required
        self.package = package
        self.group = group
        self._items: dict[str, type] = {}
        self._loaded = not (package or group)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.package:
            load_package(importlib.import_module(self.package))
        if self.group:
            load_entry_points(self.group, self)

    def register(self, cls: type[T]) -> type[T]:
        ident = getattr(cls, "id", None)
        where = f"{self.kind} {cls.__module__}.{cls.__name__}"
        if not isinstance(ident, str) or not SNAKE.match(ident):
            raise TypeError(f"{where}: set a class attribute `id` to a snake_case string, e.g. 'multisig'")
        if ident in self._items and self._items[ident] is not cls:
            raise TypeError(f"{where}: id {ident!r} is already taken by {self._items[ident].__module__}; ids are never reused")
        if not attrs.has(cls):
            raise TypeError(f"{where}: decorate it with @attrs.frozen so its parameters are typed and immutable")
        if getattr(cls.__setattr__, "__name__", "") != "_frozen_setattrs":
            raise TypeError(f"{where}: use @attrs.frozen (not @attrs.define) so parameters cannot change")
        for member in self.required:
            if not hasattr(cls, member):
                raise TypeError(f"{where}: define `{member}` (see the base class of this kind for the contract)")
        doc = (cls.__module__ and importlib.import_module(cls.__module__).__doc__) or ""
        if not doc.strip():
            raise TypeError(
                f"{where}: give the module a docstring: line 1 the mechanism, then the trust "
                "assumption, the adversary's powers and a source for real parameters"
            )
        self._items[ident] = cls
        return cls

    def ids(self) -> tuple[str, ...]:
        self._load()
        return tuple(sorted(self._items))

    def items(self) -> list[tuple[str, type]]:
        self._load()
        return sorted(self._items.items())

    def get(self, ident: str, where: str, field: str) -> type:
        self._load()
        if ident not in self._items:
            known = ", ".join(self.ids())
            raise BadInput(where, field, f"unknown {self.kind} {ident!r} (known: {known})")
        return self._items[ident]

    def build(self, ident: str, params: Mapping[str, Any], where: str, field: str, text: bool = True) -> Any:
        """Typed parameters from input, with field-named errors.

        With `text` (a command line, where every value is a string) an integer or a boolean may be
        written as text; the readers of files (TOML, JSON) pass `text=False`, so `k = "5"` is
        refused there, not read as 5.
        """
        from bridgeproof.model.applicability import param_refusal

        cls = self.get(ident, where, field)
        if hasattr(cls, "from_params"):
            built = cls.from_params(params, where, field)
            refused = param_refusal(built)
            if refused is not None:
                raise BadInput(where, f"{field}.{refused[0]}", refused[1])
            return built
        fields = {a.name: a for a in attrs.fields(cls) if not a.metadata.get("internal")}
        kwargs: dict[str, Any] = {}
        for name, raw in params.items():
            if name == "faults" and "faults" in fields:
                if isinstance(raw, str):
                    raw = [raw]
                if not isinstance(raw, (list, tuple)) or not all(isinstance(x, str) for x in raw):
                    raise BadInput(where, f"{field}.faults", f"expected a list of fault names, got {raw!r}")
                kwargs["faults"] = frozenset(raw)
                continue
            if name not in fields:
                raise BadInput(where, f"{field}.{name}", self.unknown(ident, name, fields))
            kwargs[name] = _coerce(raw, fields[name], where, f"{field}.{name}", text)
        missing = [n for n, a in fields.items() if a.default is attrs.NOTHING and n not in kwargs]
        if missing:
            raise BadInput(where, f"{field}.{missing[0]}", f"missing parameter for {ident}")
        try:
            built = cls(**kwargs)
        except ParameterError as e:
            raise BadInput(where, f"{field}.{e.field}", str(e)) from None
        except (ValueError, TypeError) as e:
            name = _field_from_message(str(e), fields)
            raise BadInput(where, f"{field}.{name}" if name else field, str(e).split("\n")[0]) from None
        refused = param_refusal(built)
        if refused is not None:
            raise BadInput(where, f"{field}.{refused[0]}", refused[1])
        return built

    def unknown(self, ident: str, name: str, fields: Mapping[str, Any]) -> str:
        """A parameter this member lacks, naming the members that have it (NOTE(options-apply))."""
        from bridgeproof.model.applicability import param_owners

        known = ", ".join(fields) or "none"
        owners = [o for o in param_owners(self, name) if o != ident]
        elsewhere = f"; {name} applies to {', '.join(owners)}" if owners else ""
        return f"unknown parameter for {ident} (known: {known}){elsewhere}"


def _field_from_message(message: str, fields: Mapping[str, Any]) -> str | None:
    for name in fields:
        if f"'{name}'" in message or message.startswith(f"{name} "):
            return name
    return None


def _coerce(raw: Any, attribute: Any, where: str, field: str, text: bool = False) -> Any:
    kind = attribute.type
    if kind in (int, "int", "int | None"):
        if isinstance(raw, bool):
            raise BadInput(where, field, f"expected an integer, got {raw!r}")
        if isinstance(raw, int):
            return raw
        if text and isinstance(raw, str) and re.fullmatch(r"-?\d{1,40}", raw.strip()):
            return int(raw)
        raise BadInput(where, field, f"expected an integer, got {short(raw)}")
    if kind in (bool, "bool"):
        if isinstance(raw, bool):
            return raw
        if text and isinstance(raw, str) and raw.lower() in ("true", "false", "1", "0"):
            return raw.lower() in ("true", "1")
        raise BadInput(where, field, f"expected true or false, got {short(raw)}")
    return raw


def in_range(low: int, high: int | None = None) -> Callable[[Any, Any, Any], None]:
    """An attrs validator whose error names the field and the allowed range."""

    def check(_instance: Any, attribute: Any, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ParameterError(attribute.name, f"{attribute.name} must be an integer, got {value!r}")
        if value < low or (high is not None and value > high):
            span = f">= {low}" if high is None else f"in {low}..{high}"
            raise ParameterError(attribute.name, f"{attribute.name} must be {span}, got {value}")

    return check


def load_package(package: types.ModuleType, skip: tuple[str, ...] = ("base",)) -> None:
    """Import every module of a package, so that dropping in a file is enough to register it."""
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_") and info.name not in skip:
            importlib.import_module(f"{package.__name__}.{info.name}")


def load_entry_points(group: str, registry: Registry | None) -> None:
    """Load the plug-ins of an entry-point group (`bridgeproof.protocols`, `bridgeproof.trust`, ...).

    An entry point names a module (importing it registers what it defines) or a class (registered
    here if it has not registered itself). A plug-in that fails to load is a tool error naming it.
    """
    from importlib.metadata import entry_points

    from bridgeproof.model.errors import ToolError

    for ep in entry_points(group=group):
        try:
            loaded = ep.load()
        except Exception as e:  # a broken plug-in must name itself, not crash the tool
            raise ToolError(f"plug-in {ep.name!r} ({ep.value}) in {group} failed to load: {e}") from None
        if registry is not None and isinstance(loaded, type) and getattr(loaded, "id", None) not in registry._items:
            registry.register(loaded)
