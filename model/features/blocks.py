"""Block height of the source chains, and `mine`, which appends blocks.

Finality waits and light clients count confirmations against it; the message-bridge family adds
the adversary's `reorg` on top (what a reorganisation undoes is the family's business).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, Arg, Field, Var
from bridgeproof.model.reference.guard import require
from bridgeproof.model.symbolic import Case

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration
    from bridgeproof.model.symbolic import StepArgs, SymState


class Blocks:
    """The height of the source chains; only `mine` moves it (a reorg swaps blocks, it never shortens)."""

    def __init__(self) -> None:
        self.height = 0

    def mine(self, blocks: int) -> None:
        """Append `blocks` blocks; at least one."""
        require(blocks >= 1, "mine at least 1 block")
        self.height += blocks

    def confirmations(self, block: int) -> int:
        """How many blocks, counting its own, are on top of a message sent at `block`."""
        return self.height - block + 1


class BlocksFeature(Component):
    feature = "blocks"

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (Var("height", doc="block height of the source chains"),)

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        return (Field("height", "int", ("height",), counts=True),)

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (Action("mine", (Arg("blocks", "count"),), "nature", "new blocks on the source chains"),)

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        return [Case("mine", a.blocks >= 1, {"height": s["height"] + a.blocks}, {"blocks": a.blocks})]

    def install(self, deployment: Any, cfg: Configuration) -> None:
        if getattr(deployment, "blocks", None) is None:
            deployment.blocks = Blocks()

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        return {"mine": lambda dep, blocks: dep.blocks.mine(blocks)}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return {"height": deployment.blocks.height}
