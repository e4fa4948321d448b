"""Properties over the observable state, one module per property family, registered by name.

Safety properties must hold in every reachable state; witnesses must be reachable (they guard
against vacuous results: a model that cannot complete a transfer proves everything); liveness
properties say that every obligation an honest party has is eventually met, under fairness.
Each property names the families it is about (a family id or a kind such as `message_bridge`);
a scenario asking for it on any other family is refused. Modules dropped into this package register
themselves; a package outside the repository registers through the `bridgeproof.properties` entry
point group.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Literal

import attrs

from bridgeproof.model.errors import BadInput
from bridgeproof.model.registry import load_entry_points, load_package
from bridgeproof.properties.view import Ops

Kind = Literal["safety", "witness", "liveness"]
KINDS: tuple[str, ...] = ("safety", "witness", "liveness")


@attrs.frozen
class Property:
    name: str
    kind: Kind
    holds: Callable[[Any, Ops], Any]
    families: tuple[str, ...]
    """Family ids or kinds this property is about."""

    @property
    def claim(self) -> str:
        return (self.holds.__doc__ or "").strip().splitlines()[0]

    def applies_to(self, family: Any) -> bool:
        return bool({family.id, *family.kinds} & set(self.families))


class _Properties(dict[str, Property]):
    """Name -> Property, found on first read: the modules of this package, then the entry points.

    Loading waits for the first read so a family's view module may import `properties.view` without
    a cycle (the property modules import the family views they read).
    """

    loaded = False

    def _load(self) -> None:
        if not self.loaded:
            self.loaded = True
            load_package(sys.modules[__name__], skip=("view", "lemmas"))
            load_entry_points("bridgeproof.properties", None)

    def __getitem__(self, name: str) -> Property:
        self._load()
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        self._load()
        return super().__contains__(name)

    def __iter__(self) -> Any:
        self._load()
        return super().__iter__()

    def __len__(self) -> int:
        self._load()
        return super().__len__()

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self._load()
        return super().get(name, default)

    def items(self) -> Any:
        self._load()
        return super().items()

    def keys(self) -> Any:
        self._load()
        return super().keys()

    def values(self) -> Any:
        self._load()
        return super().values()


PROPERTIES = _Properties()


def prop(kind: Kind, families: tuple[str, ...] = ("message_bridge",)) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a property: its docstring is the claim, in one sentence, naming the assumption it needs."""
    if kind not in KINDS:
        raise TypeError(f"property kind must be one of {', '.join(KINDS)}, got {kind!r}")

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        if not (fn.__doc__ or "").strip():
            raise TypeError(f"property {fn.__name__}: its docstring is the claim, in one sentence")
        old = dict.get(PROPERTIES, fn.__name__)
        if old is not None and old.holds is not fn:
            raise TypeError(f"property {fn.__name__}: the name is already taken by {old.holds.__module__}")
        dict.__setitem__(PROPERTIES, fn.__name__, Property(fn.__name__, kind, fn, tuple(families)))
        return fn

    return wrap


def get(name: str, where: str, field: str) -> Property:
    if name not in PROPERTIES:
        raise BadInput(where, field, f"unknown property {name!r} (known: {', '.join(sorted(PROPERTIES))})")
    return PROPERTIES[name]

