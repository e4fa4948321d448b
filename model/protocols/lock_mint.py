"""Lock and mint: the canonical token is escrowed in a vault on home, a wrapped token minted on remote.

Coming back, the wrapped token is burned on remote and the vault unlocks on home (Wormhole Token
Bridge, NTT hub-and-spoke locking mode, LayerZero OFTAdapter, the Ronin and Harmony bridges).
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

OUT, BACK = 0, 1


@register
@attrs.frozen
class LockMint(ProtocolFamily):
    id: ClassVar[str] = "lock_mint"
    actions: ClassVar[tuple[str, ...]] = ("lock", "burn", "attest", "forge", "mint", "unlock")

    def initial(self, supply: int) -> dict[str, int]:
        return {user_key("balance_home", 0): supply, "supply_home": supply}

    def sends(self, s: SymState, a: StepArgs) -> list[Case]:
        out = []
        for u in range(len(USERS)):
            guard, updates = emit(s, a, OUT, u)
            updates[user_key("balance_home", u)] = s.user("balance_home", u) - a.amount
            updates["escrow"] = s["escrow"] + a.amount
            guard = z3.And(guard, s.user("balance_home", u) >= a.amount)
            out.append(Case("lock", guard, updates, {"user": u, "amount": a.amount}))
        for u in range(len(USERS)):
            guard, updates = emit(s, a, BACK, u)
            updates[user_key("balance_remote", u)] = s.user("balance_remote", u) - a.amount
            updates["supply_remote"] = s["supply_remote"] - a.amount
            guard = z3.And(guard, s.user("balance_remote", u) >= a.amount)
            out.append(Case("burn", guard, updates, {"user": u, "amount": a.amount}))
        return out

    def executes(self, s: SymState, a: StepArgs, trust: TrustModel) -> list[Case]:
        out = []
        for i in range(s.messages):
            amount, user = s.slot("claim_amount", i), s.slot("claim_user", i)
            mint: Updates = {
                slot_key("executions", i): s.slot("executions", i) + 1,
                "supply_remote": s["supply_remote"] + amount,
            }
            for u in range(len(USERS)):
                mint[user_key("balance_remote", u)] = s.user("balance_remote", u) + z3.If(user == u, amount, 0)
            out.append(Case("mint", self.executable(s, trust, i, OUT), mint, {"id": i}))

            unlock: Updates = {
                slot_key("executions", i): s.slot("executions", i) + 1,
                "escrow": s["escrow"] - amount,
            }
            for u in range(len(USERS)):
                unlock[user_key("balance_home", u)] = s.user("balance_home", u) + z3.If(user == u, amount, 0)
            guard = z3.And(self.executable(s, trust, i, BACK), s["escrow"] >= amount)
            out.append(Case("unlock", guard, unlock, {"id": i}))
        return out
