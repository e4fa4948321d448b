"""Burn and mint: the token is native on both chains; it is burned on the source, minted on the destination.

As in Wormhole NTT's burning mode and Circle's CCTP. There is no vault: conservation is the sum of
both chains' supplies plus what is in flight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs
import z3

from bridgeproof.model.component import Handler
from bridgeproof.model.declarations import Arg, index_arg
from bridgeproof.model.protocols import register
from bridgeproof.model.protocols.bridge import deployment as concrete
from bridgeproof.model.protocols.bridge.family import DIR_DOMAIN, USER_DOMAIN, USERS, MessageBridge, Updates, add
from bridgeproof.model.symbolic import SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

CHAIN_OF = {0: ("balance_home", "supply_home"), 1: ("balance_remote", "supply_remote")}
"""Source chain of each direction (out: home, back: remote); the destination is the other one."""


@register
@attrs.frozen
class BurnMint(MessageBridge):
    id: ClassVar[str] = "burn_mint"

    def send_actions(self) -> tuple[str, ...]:
        return ("burn",)

    def execute_actions(self) -> tuple[str, ...]:
        return ("mint",)

    def send_args(self, cfg: Configuration, action: str) -> tuple[Arg, ...]:
        # Qubit's bug on a burn: the caller states what was burned, apart from the amount announced.
        paid = (Arg("paid"),) if "unchecked_deposit" in cfg.options.faults else ()
        return (index_arg("user", USER_DOMAIN), Arg("amount"), *paid, index_arg("dir", DIR_DOMAIN), *self.recipient_args(cfg))

    def send_action(self, direction: int) -> str:
        return "burn"

    def execute_action(self, direction: int) -> str:
        return "mint"

    def debit(self, s: SymState, direction: int, user: int, debited: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        balance, supply = CHAIN_OF[direction]
        add(updates, s, s.key(balance, user), -debited)
        add(updates, s, supply, -debited)
        return s.user(balance, user) >= debited

    def credit(self, s: SymState, cfg: Configuration, direction: int, user: z3.ArithRef, credit: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        balance, supply = CHAIN_OF[1 - direction]
        add(updates, s, supply, credit)
        for u in range(len(USERS)):
            add(updates, s, s.key(balance, u), z3.If(user == u, credit, 0))
        return self.u64_guard(s, cfg, supply, credit)

    def refund(self, s: SymState, user: int, amount: z3.ArithRef, updates: Updates) -> None:
        add(updates, s, s.key("balance_home", user), amount)
        add(updates, s, "supply_home", amount)

    def concrete_handlers(self) -> dict[str, Handler]:
        return {"burn": concrete.burn_native, "mint": concrete.mint}
