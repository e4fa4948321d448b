"""Properties over the observable state, one module per family, registered by name.

Safety properties must hold in every reachable state; witnesses must be reachable (they guard
against vacuous results: a model that cannot complete a transfer proves everything).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import attrs

from model.errors import BadInput
from properties.view import Ops, View

Kind = Literal["safety", "witness"]


@attrs.frozen
class Property:
    name: str
    kind: Kind
    holds: Callable[[View, Ops], Any]

    @property
    def claim(self) -> str:
        return (self.holds.__doc__ or "").strip().splitlines()[0]


PROPERTIES: dict[str, Property] = {}


def prop(kind: Kind) -> Callable[[Callable[[View, Ops], Any]], Callable[[View, Ops], Any]]:
    def wrap(fn: Callable[[View, Ops], Any]) -> Callable[[View, Ops], Any]:
        if not (fn.__doc__ or "").strip():
            raise TypeError(f"property {fn.__name__}: its docstring is the claim, in one sentence")
        PROPERTIES[fn.__name__] = Property(fn.__name__, kind, fn)
        return fn

    return wrap


def get(name: str, where: str, field: str) -> Property:
    if name not in PROPERTIES:
        raise BadInput(where, field, f"unknown property {name!r} (known: {', '.join(sorted(PROPERTIES))})")
    return PROPERTIES[name]


from properties import backing, conservation, double_spend, witnesses  # noqa: E402,F401
