"""Lock and mint: the canonical token is escrowed in a vault on home, a wrapped token minted on remote.

Coming back, the wrapped token is burned on remote and the vault unlocks on home (Wormhole Token
Bridge, NTT hub-and-spoke locking mode, LayerZero OFTAdapter, the Ronin and Harmony bridges).
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


@register
@attrs.frozen
class LockMint(ProtocolFamily):
    id: ClassVar[str] = "lock_mint"
    actions: ClassVar[tuple[str, ...]] = ("lock", "burn", "attest", "forge", "mint", "unlock")
    loss_chains: ClassVar[tuple[str, ...]] = ("home", "remote")

    def send_action(self, direction: int) -> str:
        return "lock" if direction == OUT else "burn"

    def execute_action(self, direction: int) -> str:
        return "mint" if direction == OUT else "unlock"

    def debit(self, s: SymState, direction: int, user: int, debited: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        if direction == OUT:
            balance = user_key("balance_home", user)
            add(updates, s, balance, -debited)
            add(updates, s, "escrow", debited)
        else:
            balance = user_key("balance_remote", user)
            add(updates, s, balance, -debited)
            add(updates, s, "supply_remote", -debited)
        return s[balance] >= debited

    def credit(self, s: SymState, env: Env, direction: int, user: z3.ArithRef, credit: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        if direction == OUT:
            add(updates, s, "supply_remote", credit)
            for u in range(len(USERS)):
                add(updates, s, user_key("balance_remote", u), z3.If(user == u, credit, 0))
            return self.u64_guard(s, env, "supply_remote", credit)
        add(updates, s, "escrow", -credit)
        for u in range(len(USERS)):
            add(updates, s, user_key("balance_home", u), z3.If(user == u, credit, 0))
        return s["escrow"] >= credit

    def refund(self, s: SymState, user: int, amount: z3.ArithRef, updates: Updates) -> None:
        add(updates, s, user_key("balance_home", user), amount)
        add(updates, s, "escrow", -amount)

    def reorg_guard(self, s: SymState, refunded: z3.ArithRef) -> list[z3.BoolRef]:
        return [s["escrow"] >= refunded]

    def backing(self, s: SymState, direction: int, credit: z3.ArithRef) -> z3.BoolRef:
        return s["escrow"] >= credit if direction != OUT else z3.BoolVal(True)
