"""What every protocol family shares in the symbolic model: claims, attestation, forgery, delivery,
rate limits, pauses, blocks and reorgs, forks. A family says how value leaves a source chain and
arrives on a destination chain; the trust model decides acceptance and the adversary's evidence.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import z3

from model.protocols.amounts import BACK, OUT, Conversion
from model.symbolic import (
    Case,
    StepArgs,
    SymState,
    evidence_key,
    fraudulent,
    slot_key,
    user_key,
)
from model.trust.base import TrustModel
from model.vocabulary import U64_MAX, USERS, Options

Updates = dict[str, "z3.ExprRef | int | bool"]
DIR_NAMES = {OUT: "out", BACK: "back"}

__all__ = ["Env", "ProtocolFamily", "Updates", "fraudulent", "features_of"]


def features_of(trust: TrustModel, options: Options) -> frozenset[str]:
    """Which optional parts of the state exist for this configuration (SEMANTICS.md, Configuration)."""
    out = set()
    if trust.timed or options.rate_limit is not None or options.pause_reaction is not None:
        out.add("clock")
    if options.finality > 0 or options.reorg > 0 or trust.uses_blocks or trust.reorg_bound > 0:
        out.add("blocks")
    if options.pause_reaction is not None:
        out.add("pause")
    if options.forks:
        out.add("forks")
    if options.amounts.policy == "truncate":
        out.add("dust")
    if options.rate_limit is not None:
        out.add("rate")
    return frozenset(out)


@attrs.frozen
class Env:
    """Everything an action's encoding may consult besides the state."""

    trust: TrustModel
    options: Options
    features: frozenset[str]

    @property
    def conv(self) -> Conversion:
        return Conversion(self.options.amounts)

    def reorg_bound(self) -> z3.ArithRef | int:
        mine = self.options.reorg
        if self.trust.reorg_bound > 0 or self.trust.uses_blocks:
            term = self.trust.reorg_term()
            return z3.If(term >= mine, term, mine) if mine else term
        return mine


def add(updates: Updates, s: SymState, key: str, delta: z3.ArithRef | int) -> None:
    updates[key] = updates.get(key, s[key]) + delta  # type: ignore[operator]


class ProtocolFamily:
    """Base for protocol families. Subclasses are @attrs.frozen records registered by id."""

    id: ClassVar[str]
    actions: ClassVar[tuple[str, ...]]
    loss_chains: ClassVar[tuple[str, ...]]
    """Chains whose balances count as value the adversary extracted (max_loss)."""

    def initial(self, supply: int, adversary_funds: int = 0) -> dict[str, int]:
        """Fields whose initial value differs from the layout default (0 / false)."""
        return {
            user_key("balance_home", 0): supply,
            user_key("balance_home", 1): adversary_funds,
            "supply_home": supply + adversary_funds,
        }

    # --- what a family defines --------------------------------------------------------------------
    def send_action(self, direction: int) -> str:
        raise NotImplementedError

    def execute_action(self, direction: int) -> str:
        raise NotImplementedError

    def debit(self, s: SymState, direction: int, user: int, debited: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        """Take `debited` from `user` on the source chain of `direction`; returns the guard."""
        raise NotImplementedError

    def credit(self, s: SymState, env: Env, direction: int, user: z3.ArithRef, credit: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        """Pay `credit` to `user` on the destination chain of `direction`; returns the guard."""
        raise NotImplementedError

    def refund(self, s: SymState, user: int, amount: z3.ArithRef, updates: Updates) -> None:
        """Undo a home-chain send that a reorg removed."""
        raise NotImplementedError

    def directions(self) -> tuple[int, ...]:
        return (OUT, BACK)

    # --- every action, for one step ---------------------------------------------------------------
    def cases(self, s: SymState, a: StepArgs, env: Env) -> list[Case]:
        out = self.sends(s, a, env)
        for i in range(s.messages):
            out.append(self._attest(s, env, i))
            out.append(self._forge(s, a, env, i))
        for i in range(s.messages):
            for d in self.directions():
                out += self._deliveries(s, env, i, d)
        out += self._chain_actions(s, a, env)
        out += env.trust.cases(s, a, fraudulent)
        return out

    def sends(self, s: SymState, a: StepArgs, env: Env) -> list[Case]:
        out = []
        unchecked = "unchecked_deposit" in env.options.faults
        for d in self.directions():
            for u in range(len(USERS)):
                guard, wire, debited = env.conv.send(a.amount, d)
                action = self.send_action(d)
                args: dict[str, z3.ExprRef | int] = {"user": u, "amount": a.amount}
                if action == "burn" and self.id == "burn_mint":
                    args["dir"] = d
                if unchecked and action == "lock":
                    # Qubit: the event says `amount`, the vault receives `paid`.
                    guard = z3.And(guard, a.paid >= 0, a.paid <= a.amount)
                    debited = a.paid
                    args["paid"] = a.paid
                updates: Updates = {}
                emit_guard = self._emit(s, updates, d, u, wire, debited)
                guard = z3.And(a.amount >= 1, guard, emit_guard, self.debit(s, d, u, debited, updates))
                out.append(Case(action, guard, updates, args))
        return out

    def _emit(self, s: SymState, updates: Updates, direction: int, user: int, wire: z3.ArithRef, debited: z3.ArithRef) -> z3.BoolRef:
        """Append a message to the source outbox under the next id (guard: the id bound is not spent)."""
        updates["next_id"] = s["next_id"] + 1
        for i in range(s.messages):
            here = s["next_id"] == i
            updates[slot_key("sent", i)] = z3.Or(s.slot("sent", i), here)
            updates[slot_key("sent_dir", i)] = z3.If(here, direction, s.slot("sent_dir", i))
            updates[slot_key("sent_user", i)] = z3.If(here, user, s.slot("sent_user", i))
            updates[slot_key("sent_amount", i)] = z3.If(here, wire, s.slot("sent_amount", i))
            updates[slot_key("sent_debited", i)] = z3.If(here, debited, s.slot("sent_debited", i))
            if s.has(slot_key("sent_block", i)):
                updates[slot_key("sent_block", i)] = z3.If(here, s["height"], s.slot("sent_block", i))
        return s["next_id"] < s.messages

    def _new_claim(self, s: SymState, i: int, dir_: z3.ExprRef, user: z3.ExprRef, amount: z3.ExprRef) -> Updates:
        updates: Updates = {
            slot_key("claimed", i): True,
            slot_key("claim_dir", i): dir_,
            slot_key("claim_user", i): user,
            slot_key("claim_amount", i): amount,
        }
        if s.has(slot_key("claimed_at", i)):
            updates[slot_key("claimed_at", i)] = s["now"]
        return updates

    def _attest(self, s: SymState, env: Env, i: int) -> Case:
        updates = self._new_claim(s, i, s.slot("sent_dir", i), s.slot("sent_user", i), s.slot("sent_amount", i))
        for name, value in env.trust.honest_evidence(s, i).items():
            updates[evidence_key(name, i)] = value
        guard = z3.And(s.slot("sent", i), z3.Not(s.slot("claimed", i)))
        if env.options.finality > 0:
            guard = z3.And(guard, s["height"] - s.slot("sent_block", i) + 1 >= env.options.finality)
        return Case("attest", guard, updates, {"id": i})

    def _forge(self, s: SymState, a: StepArgs, env: Env, i: int) -> Case:
        updates = self._new_claim(s, i, a.dir, a.user, a.amount)
        for name, value in env.trust.forged_evidence(s, i).items():
            updates[evidence_key(name, i)] = value
        guard = z3.And(
            z3.Not(s.slot("claimed", i)),
            a.amount >= 1,
            a.dir >= 0,
            a.dir <= 1,
            a.user >= 0,
            a.user < len(USERS),
        )
        return Case("forge", guard, updates, {"id": i, "dir": a.dir, "user": a.user, "amount": a.amount})

    def _executable(self, s: SymState, env: Env, i: int, direction: int) -> z3.BoolRef:
        parts = [
            s.slot("claimed", i),
            s.slot("claim_dir", i) == direction,
            env.trust.accepts(s, i),
            z3.Not(s["paused"]),
        ]
        if env.options.per_tx_limit is not None:
            parts.append(s.slot("claim_amount", i) <= env.options.per_tx_limit)
        return z3.And(*parts)

    def _pay(self, s: SymState, env: Env, i: int, direction: int, updates: Updates) -> z3.BoolRef:
        """Credit claim i's value on its destination; record `credited` and stranded dust."""
        amount, user = s.slot("claim_amount", i), s.slot("claim_user", i)
        credit = env.conv.credit(amount, direction)
        updates[slot_key("credited", i)] = credit
        if "dust" in env.features:
            add(updates, s, "dust", env.conv.dust(amount, direction))
        return self.credit(s, env, direction, user, credit, updates)

    def replay_guard(self, s: SymState, i: int) -> z3.BoolRef:
        """The destination's replay protection: an id executes only if it never has."""
        return s.slot("executions", i) == 0

    def _deliveries(self, s: SymState, env: Env, i: int, direction: int) -> list[Case]:
        action = self.execute_action(direction)
        ready = z3.And(self._executable(s, env, i, direction), self.replay_guard(s, i))
        executed = s.slot("executions", i) + 1
        rate = env.options.rate_limit
        out = []
        pay: Updates = {slot_key("executions", i): executed}
        guard = z3.And(ready, self._pay(s, env, i, direction, pay))
        if rate is None:
            return [Case(action, guard, pay, {"id": i})]
        name = DIR_NAMES[direction]
        tokens, updated = s[f"bucket_tokens[{name}]"], s[f"bucket_updated[{name}]"]
        refilled = tokens + rate.refill * (s["now"] - updated)
        level = z3.If(refilled <= rate.capacity, refilled, rate.capacity)
        amount = s.slot("claim_amount", i)
        pay[f"bucket_tokens[{name}]"] = level - amount
        pay[f"bucket_updated[{name}]"] = s["now"]
        out.append(Case(action, z3.And(guard, amount <= level), pay, {"id": i}))
        if rate.mode == "queue":
            queue: Updates = {
                slot_key("executions", i): executed,
                slot_key("queued", i): True,
                slot_key("queued_at", i): s["now"],
            }
            backed = self.backing(s, direction, env.conv.credit(amount, direction))
            out.append(Case(action, z3.And(ready, amount > level, backed), queue, {"id": i}))
            release: Updates = {slot_key("queued", i): False}
            release_guard = z3.And(
                s.slot("queued", i),
                s.slot("claim_dir", i) == direction,
                s["now"] >= s.slot("queued_at", i) + rate.delay,
                z3.Not(s["paused"]),
                self._pay(s, env, i, direction, release),
            )
            out.append(Case("release", release_guard, release, {"id": i}))
        return out

    def _chain_actions(self, s: SymState, a: StepArgs, env: Env) -> list[Case]:
        out = []
        if "clock" in env.features:
            guard = z3.And(a.seconds >= 1, env.trust.wait_guard(s, a, fraudulent))
            if "pause" in env.features:
                reaction = env.options.pause_reaction or 0
                urgent = [
                    z3.Implies(
                        z3.And(z3.Not(s["paused"]), s.slot("claimed", i), fraudulent(s, i)),
                        s["now"] + a.seconds <= s.slot("claimed_at", i) + reaction,
                    )
                    for i in range(s.messages)
                ]
                guard = z3.And(guard, *urgent)
            out.append(Case("wait", guard, {"now": s["now"] + a.seconds}, {"seconds": a.seconds}))
        if "blocks" in env.features:
            out.append(Case("mine", a.blocks >= 1, {"height": s["height"] + a.blocks}, {"blocks": a.blocks}))
            out.append(self._reorg(s, a, env))
        if "pause" in env.features:
            seen = z3.Or(*(z3.And(s.slot("claimed", i), fraudulent(s, i)) for i in range(s.messages)))
            out.append(Case("pause", z3.And(z3.Not(s["paused"]), seen), {"paused": True}, {}))
        if "forks" in env.features and self.id == "lock_mint":
            no_unlock_yet = z3.And(
                *(z3.Or(s.slot("executions", i) == 0, s.slot("claim_dir", i) != BACK) for i in range(s.messages))
            )
            out.append(
                Case("fork", z3.And(z3.Not(s["forked"]), no_unlock_yet), {"forked": True, "fork_escrow": s["escrow"]}, {})
            )
            bound = "unbound_chain_id" not in env.options.faults
            for i in range(s.messages):
                credit = env.conv.credit(s.slot("claim_amount", i), BACK)
                guard = z3.And(
                    # With messages bound to home's chain id, the fork refuses every one of them.
                    z3.BoolVal(not bound),
                    s["forked"],
                    s.slot("claimed", i),
                    s.slot("claim_dir", i) == BACK,
                    env.trust.accepts(s, i),
                    z3.Not(s["paused"]),
                    s.slot("fork_executions", i) == 0,
                    s["fork_escrow"] >= credit,
                )
                updates: Updates = {
                    "fork_escrow": s["fork_escrow"] - credit,
                    slot_key("fork_executions", i): s.slot("fork_executions", i) + 1,
                }
                out.append(Case("fork_unlock", guard, updates, {"id": i}))
        return out

    def _reorg(self, s: SymState, a: StepArgs, env: Env) -> Case:
        updates: Updates = {}
        total = []
        for i in range(s.messages):
            drop = z3.And(s.slot("sent", i), s.slot("sent_dir", i) == OUT, s.slot("sent_block", i) > s["height"] - a.depth)
            updates[slot_key("sent", i)] = z3.And(s.slot("sent", i), z3.Not(drop))
            amount = z3.If(drop, s.slot("sent_debited", i), 0)
            total.append(amount)
            for u in range(len(USERS)):
                self.refund(s, u, z3.If(s.slot("sent_user", i) == u, amount, 0), updates)
        guard = z3.And(a.depth >= 1, a.depth <= env.reorg_bound(), *self.reorg_guard(s, z3.Sum(*total)))
        return Case("reorg", guard, updates, {"depth": a.depth})

    def reorg_guard(self, s: SymState, refunded: z3.ArithRef) -> list[z3.BoolRef]:
        return []

    def backing(self, s: SymState, direction: int, credit: z3.ArithRef) -> z3.BoolRef:
        """What the destination must hold before it takes a claim, even into a queue (the escrow)."""
        return z3.BoolVal(True)

    def u64_guard(self, s: SymState, env: Env, supply_key: str, credit: z3.ArithRef) -> z3.BoolRef:
        if supply_key == "supply_remote" and env.options.amounts.remote_vm == "svm":
            return s["supply_remote"] + credit <= U64_MAX
        return z3.BoolVal(True)
