"""Burn and mint: the token is native on both chains; it is burned on the source, minted on the destination.

As in Wormhole NTT's burning mode and Circle's CCTP. There is no vault: conservation is the sum of
both chains' supplies plus what is in flight.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import z3

from model.protocols import register
from model.protocols.amounts import OUT
from model.protocols.base import Env, ProtocolFamily, Updates, add
from model.symbolic import SymState, user_key
from model.vocabulary import USERS

CHAIN_OF = {0: ("balance_home", "supply_home"), 1: ("balance_remote", "supply_remote")}
"""Source chain of each direction (out: home, back: remote); the destination is the other one."""


@register
@attrs.frozen
class BurnMint(ProtocolFamily):
    id: ClassVar[str] = "burn_mint"
    actions: ClassVar[tuple[str, ...]] = ("burn", "attest", "forge", "mint")
    loss_chains: ClassVar[tuple[str, ...]] = ("home", "remote")

    def send_action(self, direction: int) -> str:
        return "burn"

    def execute_action(self, direction: int) -> str:
        return "mint"

    def debit(self, s: SymState, direction: int, user: int, debited: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        balance, supply = CHAIN_OF[direction]
        add(updates, s, user_key(balance, user), -debited)
        add(updates, s, supply, -debited)
        return s[user_key(balance, user)] >= debited

    def credit(self, s: SymState, env: Env, direction: int, user: z3.ArithRef, credit: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        balance, supply = CHAIN_OF[1 - direction]
        add(updates, s, supply, credit)
        for u in range(len(USERS)):
            add(updates, s, user_key(balance, u), z3.If(user == u, credit, 0))
        return self.u64_guard(s, env, supply, credit)

    def refund(self, s: SymState, user: int, amount: z3.ArithRef, updates: Updates) -> None:
        add(updates, s, user_key("balance_home", user), amount)
        add(updates, s, "supply_home", amount)


__all__ = ["BurnMint", "OUT"]
