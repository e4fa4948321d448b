"""Burn and mint: the token is native on both chains; it is burned on the source, minted on the destination.

As in Wormhole NTT's burning mode and Circle's CCTP. There is no vault: conservation is the sum of
both chains' supplies plus what is in flight.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import z3

from model.protocols import register
from model.protocols.base import ProtocolFamily, Updates, emit
from model.symbolic import Case, StepArgs, SymState, slot_key, user_key
from model.trust.base import TrustModel
from model.vocabulary import USERS

CHAIN_OF = {0: ("balance_home", "supply_home"), 1: ("balance_remote", "supply_remote")}
"""Source chain of each direction (out: home, back: remote); the destination is the other one."""


@register
@attrs.frozen
class BurnMint(ProtocolFamily):
    id: ClassVar[str] = "burn_mint"
    actions: ClassVar[tuple[str, ...]] = ("burn", "attest", "forge", "mint")

    def initial(self, supply: int) -> dict[str, int]:
        return {user_key("balance_home", 0): supply, "supply_home": supply}

    def sends(self, s: SymState, a: StepArgs) -> list[Case]:
        out = []
        for direction, (balance, supply) in CHAIN_OF.items():
            for u in range(len(USERS)):
                guard, updates = emit(s, a, direction, u)
                updates[user_key(balance, u)] = s.user(balance, u) - a.amount
                updates[supply] = s[supply] - a.amount
                guard = z3.And(guard, s.user(balance, u) >= a.amount)
                out.append(Case("burn", guard, updates, {"user": u, "amount": a.amount, "dir": direction}))
        return out

    def executes(self, s: SymState, a: StepArgs, trust: TrustModel) -> list[Case]:
        out = []
        for i in range(s.messages):
            amount, user = s.slot("claim_amount", i), s.slot("claim_user", i)
            for direction in CHAIN_OF:
                balance, supply = CHAIN_OF[1 - direction]
                mint: Updates = {
                    slot_key("executions", i): s.slot("executions", i) + 1,
                    supply: s[supply] + amount,
                }
                for u in range(len(USERS)):
                    mint[user_key(balance, u)] = s.user(balance, u) + z3.If(user == u, amount, 0)
                out.append(Case("mint", self.executable(s, trust, i, direction), mint, {"id": i}))
        return out
