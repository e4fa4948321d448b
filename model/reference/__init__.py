"""The concrete reference implementation of the bridges in SEMANTICS.md, written like the contracts themselves.

Counterexamples found by the symbolic model are replayed here; it never imports the symbolic half.
"""

from model.reference.revert import Revert
from model.reference.world import World

__all__ = ["Revert", "World"]
