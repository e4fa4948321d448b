"""A governance path with its own trust model: the one door to the verifier keys that is meant to open.

A target allowlist and an initialise-once guard shut the doors that should never have been there
(`calls.py`, `initializer.py`); the keys must still change sometimes, and whoever may change them is
the bridge's weakest verifier. NTT's owner may `setTransceiver` and `setThreshold`; Wormhole's
guardian set is replaced by a governance message the guardians sign; Harmony's Horizon bridge was
owned by a 2-of-5 multisig, and the two keys stolen in 2022-06 were enough. With
`defences.governance`, the keys change only by a proposal that the governance path's own trust model
accepts: `mallory`'s `govern` passes exactly when a forgery would pass that model (SEMANTICS.md,
Governance). The proofs name its assumptions `governance.<name>` beside the bridge's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import z3

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, index_arg
from bridgeproof.model.protocols.bridge.family import DIR_DOMAIN, DIR_NAMES
from bridgeproof.model.symbolic import Case, StepArgs, SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


class _Proposal:
    """What the governance model reads a proposal's evidence from: the evidence the adversary forged."""

    def __init__(self, evidence: Mapping[str, Any]) -> None:
        self.evidence = evidence

    def ev(self, name: str, i: int) -> Any:
        return self.evidence[name]


def forgery_passes(s: SymState, cfg: Configuration) -> z3.BoolRef:
    """accepts_gov(forged_evidence_gov): a proposal only the adversary signed passes governance."""
    gov = cfg.options.governance
    if gov is None:
        return z3.BoolVal(False)
    return gov.accepts(_Proposal(gov.forged_evidence(s, 0, cfg)), 0, cfg)  # type: ignore[no-any-return]


@attrs.frozen
class Governance(Component):
    """The governance path, as the adversary's attempt to pass a proposal that installs her keys."""

    feature = "governance"

    def judges(self, cfg: Configuration) -> dict[str, Any]:
        return {"governance": cfg.options.governance}

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (
            Action(
                "govern",
                (index_arg("dir", DIR_DOMAIN),),
                "adversary",
                "propose to governance that the destination of dir check claims against the adversary's keys",
            ),
        )

    # --- symbolic half -------------------------------------------------------------------------
    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        passes = forgery_passes(s, cfg)
        return [Case("govern", passes, {f"replaced_keys[{DIR_NAMES[d]}]": True}, {"dir": d}) for d in cfg.protocol.directions()]

    # --- concrete half -------------------------------------------------------------------------
    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        return {"govern": dep.govern}
