"""Lock and mint: the canonical token is escrowed in a vault on home, a wrapped token minted on remote.

Coming back, the wrapped token is burned on remote and the vault unlocks on home (Wormhole Token
Bridge, NTT hub-and-spoke locking mode, LayerZero OFTAdapter, the Ronin and Harmony bridges).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs
import z3

from bridgeproof.model.component import Handler
from bridgeproof.model.declarations import Arg, index_arg
from bridgeproof.model.protocols import register
from bridgeproof.model.protocols.bridge import deployment as concrete
from bridgeproof.model.protocols.bridge.amounts import OUT
from bridgeproof.model.protocols.bridge.family import USER_DOMAIN, USERS, MessageBridge, Updates, add
from bridgeproof.model.symbolic import SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


@register
@attrs.frozen
class LockMint(MessageBridge):
    id: ClassVar[str] = "lock_mint"

    def send_actions(self) -> tuple[str, ...]:
        return ("lock", "burn")

    def execute_actions(self) -> tuple[str, ...]:
        return ("mint", "unlock")

    def send_args(self, cfg: Configuration, action: str) -> tuple[Arg, ...]:
        args = (index_arg("user", USER_DOMAIN), Arg("amount"))
        if "unchecked_deposit" in cfg.options.faults:
            # Qubit: the caller states what it paid (locked, or burned on the way back), separately
            # from the amount the event announces.
            args += (Arg("paid"),)
        return args + self.recipient_args(cfg)

    def send_action(self, direction: int) -> str:
        return "lock" if direction == OUT else "burn"

    def execute_action(self, direction: int) -> str:
        return "mint" if direction == OUT else "unlock"

    def debit(self, s: SymState, direction: int, user: int, debited: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        if direction == OUT:
            balance = s.key("balance_home", user)
            add(updates, s, balance, -debited)
            add(updates, s, "escrow", debited)
        else:
            balance = s.key("balance_remote", user)
            add(updates, s, balance, -debited)
            add(updates, s, "supply_remote", -debited)
        return s[balance] >= debited

    def credit(self, s: SymState, cfg: Configuration, direction: int, user: z3.ArithRef, credit: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        if direction == OUT:
            add(updates, s, "supply_remote", credit)
            for u in range(len(USERS)):
                add(updates, s, s.key("balance_remote", u), z3.If(user == u, credit, 0))
            return self.u64_guard(s, cfg, "supply_remote", credit)
        add(updates, s, "escrow", -credit)
        for u in range(len(USERS)):
            add(updates, s, s.key("balance_home", u), z3.If(user == u, credit, 0))
        return s["escrow"] >= credit

    def refund(self, s: SymState, user: int, amount: z3.ArithRef, updates: Updates) -> None:
        add(updates, s, s.key("balance_home", user), amount)
        add(updates, s, "escrow", -amount)

    def reorg_guard(self, s: SymState, refunded: z3.ArithRef) -> list[z3.BoolRef]:
        return [s["escrow"] >= refunded]

    def backing(self, s: SymState, direction: int, credit: z3.ArithRef) -> z3.BoolRef:
        return s["escrow"] >= credit if direction != OUT else z3.BoolVal(True)

    def concrete_handlers(self) -> dict[str, Handler]:
        return {"lock": concrete.lock, "burn": concrete.burn_wrapped, "mint": concrete.mint_out, "unlock": concrete.unlock}
