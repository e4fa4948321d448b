"""The version of the model's meaning that a counterexample file was written under.

When the meaning of a parameter changes, a file written before the change must still replay as it
was found. Files record the version (`#meta.semantics`); while one is read, `current()` is its
version, and a component whose meaning changed reads its old parameters the old way.

Versions:
1. a stolen key was also kept from its owner: `f` compromised keys signed no honest message.
2. a stolen key is a copied key (issue 9): its owner still signs honest messages, and keeping keys
   from their owners is a separate parameter (`multisig.withheld`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

VERSION = 2
_reading: ContextVar[int] = ContextVar("semantics", default=VERSION)


def current() -> int:
    """The version of what is being read (today's, unless a file of an older one is being read)."""
    return _reading.get()


@contextlib.contextmanager
def reading(version: int) -> Iterator[None]:
    token = _reading.set(version)
    try:
        yield
    finally:
        _reading.reset(token)
