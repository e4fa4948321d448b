"""An initialiser anyone may call: the verifier keys set by whoever calls it first, or again.

Upgradeable bridges take their configuration from an `initialize` function rather than a
constructor, so the guard that it runs once, and only by the deployer, is code that can be missing.
Wormhole, 2022-02-24: after an upgrade the core bridge's implementation contract was left
uninitialised, so anyone could call its `initialize` with a guardian set of their own and then pass
a governance message signed by that set (the bug-bounty report paid $10M; Immunefi's write-up,
2022-05). The same class emptied the Parity multisig wallets in 2017-07 (an unprotected `initWallet`
made the caller owner; 153,037 ETH).

With `adversary.initialize`, `mallory` may call the destination's initialiser with her keys;
only `unprotected_initializer` lets the call through (SEMANTICS.md, Initialiser). The keys it
writes are `keys.py`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import z3

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, index_arg
from bridgeproof.model.protocols.bridge.family import DIR_DOMAIN, DIR_NAMES
from bridgeproof.model.symbolic import Case, StepArgs, SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


@attrs.frozen
class Initializer(Component):
    """The destination's initialiser, as an action of the adversary's."""

    feature = "initialize"

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (
            Action(
                "initialize",
                (index_arg("dir", DIR_DOMAIN),),
                "adversary",
                "call the initialiser of the destination of dir with the adversary's keys",
            ),
        )

    # --- symbolic half -------------------------------------------------------------------------
    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        open_ = z3.BoolVal("unprotected_initializer" in cfg.options.faults)
        return [
            Case("initialize", open_, {f"replaced_keys[{DIR_NAMES[d]}]": True}, {"dir": d})
            for d in cfg.protocol.directions()
        ]

    # --- concrete half -------------------------------------------------------------------------
    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        return {"initialize": dep.initialize}
