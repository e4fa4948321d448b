"""The destination's verifier keys as state: what a call message or an unprivileged initialiser may replace.

A bridge's configuration is storage like any other, so the question is who can write it. Three paths
reach the keys here: a call message the destination executes on any target (Poly Network 2021,
`calls.py`), an initialiser anyone may call (Wormhole's uninitialised implementation, 2022,
`initializer.py`), and governance, the path meant to (`governance.py`). All end the same way: the
destination checks claims against keys `mallory` holds. This component owns that state,
`replaced_keys`, and the lemma that only an open path reaches it; each path owns its own action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import z3

from bridgeproof.model.component import Component
from bridgeproof.model.declarations import Field, Var
from bridgeproof.model.protocols.bridge.family import DIR_DOMAIN
from bridgeproof.model.symbolic import SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

KEY_WRITERS = frozenset({"unrestricted_call_target", "unprotected_initializer"})
"""The faults that open a path to the keys; with none of them the keys are the deployment's for good."""


@attrs.frozen
class VerifierKeys(Component):
    """Whether each destination still checks claims against the keys it was deployed with."""

    feature = "keys"

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (Var("replaced_keys", DIR_DOMAIN, "the destination of each dir checks claims against keys mallory installed"),)

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        return (Field("replaced_keys", "bool", ("replaced_keys",), DIR_DOMAIN, False),)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """Behind a target allowlist and an initialise-once guard only governance writes the keys, and
        only if a proposal the adversary alone signed passes it."""
        if KEY_WRITERS & cfg.options.faults:
            return {}
        from bridgeproof.model.protocols.bridge.governance import forgery_passes

        passes = forgery_passes(s, cfg)
        return {f"keys[{d}]_replaced_only_by_governance": z3.Implies(s[f"replaced_keys[{d}]"], passes) for d in DIR_DOMAIN.values}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        return dep.read_keys(deployment)
