"""The concrete reference implementation of the bridges in SEMANTICS.md, written like the contracts themselves.

Counterexamples found by the symbolic model are replayed here; it never imports the symbolic half.
"""

from bridgeproof.model.reference.revert import Revert
from bridgeproof.model.reference.world import World

__all__ = ["Revert", "World"]
