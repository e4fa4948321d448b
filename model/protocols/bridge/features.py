"""The message bridge's optional features: reorgs, the inbound rate limit, the pause guardian, forks.

Each declares the state and actions it brings and gives both halves of them; the bridge's own
delivery reads their options (a paused destination executes nothing, a rate-limited one may queue).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import z3

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, Arg, Field, index_arg
from bridgeproof.model.protocols.bridge.amounts import BACK, OUT
from bridgeproof.model.protocols.bridge.contracts.chain import HOME, REMOTE
from bridgeproof.model.protocols.bridge.family import DIR_DOMAIN, DIR_NAMES, USERS, Updates, fraudulent, ids
from bridgeproof.model.protocols.bridge.options import RateLimit
from bridgeproof.model.reference.guard import require
from bridgeproof.model.symbolic import Case

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration
    from bridgeproof.model.symbolic import StepArgs, SymState


class Reorg(Component):
    """The adversary replaces the last `depth` blocks of a source chain with a chain of the same length.

    On home (`reorg`) the `out` messages in them vanish from the canonical outbox and their debits are
    back with the senders; on remote (`reorg_remote`, with `adversary.reorg_remote`) the `back`
    messages do, and the burned tokens are back with their holders. Whatever a destination already
    did on the strength of them stays done: a burn on remote, an unlock on home, then a reorg of
    remote that removes the burn.
    """

    feature = "reorg"

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        out = (Action("reorg", (Arg("depth", "count"),), "adversary", "reorganise the last blocks of home"),)
        if cfg.options.reorg_remote > 0:
            out += (Action("reorg_remote", (Arg("depth", "count"),), "adversary", "reorganise the last blocks of remote"),)
        return out

    @staticmethod
    def bound(cfg: Configuration) -> int:
        return max(cfg.options.reorg, int(cfg.trust.reorg_bound))

    def _bound_term(self, cfg: Configuration) -> Any:
        mine, trust = cfg.options.reorg, cfg.trust
        if trust.reorg_bound > 0 or trust.uses_blocks:
            term = trust.reorg_term()
            return z3.If(term >= mine, term, mine) if mine else term
        return mine

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        family = cfg.protocol
        out = []
        chains = [("reorg", OUT, self._bound_term(cfg), family.refund)]
        if cfg.options.reorg_remote > 0:
            chains.append(("reorg_remote", BACK, cfg.options.reorg_remote, family.refund_remote))
        for action, source_dir, bound, refund in chains:
            updates: Updates = {}
            total = []
            for i in range(s.messages):
                drop = z3.And(
                    s.slot("sent", i), s.slot("sent_dir", i) == source_dir, s.slot("sent_block", i) > s["height"] - a.depth
                )
                updates[s.key("sent", i)] = z3.And(s.slot("sent", i), z3.Not(drop))
                amount = z3.If(drop, s.slot("sent_debited", i), 0)
                total.append(amount)
                for u in range(len(USERS)):
                    refund(s, u, z3.If(s.slot("sent_user", i) == u, amount, 0), updates)
            guard = z3.And(a.depth >= 1, a.depth <= bound)
            if source_dir == OUT:
                guard = z3.And(guard, *family.reorg_guard(s, z3.Sum(*total)))
            out.append(Case(action, guard, updates, {"depth": a.depth}))
        return out

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        bound, remote_bound = self.bound(cfg), cfg.options.reorg_remote

        def reorg(dep: Any, depth: int) -> None:
            require(1 <= depth <= bound, f"reorg depth must be 1..{bound}")
            home = dep.chains[HOME]
            cut = dep.height - depth
            dropped = [home.outbox[i] for i in sorted(home.outbox) if home.outbox[i].block > cut]
            refund = sum(sent.debited for sent in dropped)
            if dep.vault is not None:
                require(dep.vault.escrow >= refund, "reorg would return more than the escrow holds")
            for sent in dropped:
                home.retract(sent.message.id)
                if dep.vault is not None:
                    dep.vault.withdraw(sent.message.user, sent.debited)
                elif sent.debited:
                    home.token.mint(sent.message.user, sent.debited)

        def reorg_remote(dep: Any, depth: int) -> None:
            """Remote's last `depth` blocks are replaced: its burns in them never happened."""
            require(1 <= depth <= remote_bound, f"reorg_remote depth must be 1..{remote_bound}")
            remote = dep.chains[REMOTE]
            cut = dep.height - depth
            for msg_id in [i for i in sorted(remote.outbox) if remote.outbox[i].block > cut]:
                sent = remote.retract(msg_id)
                if sent.debited:
                    remote.token.mint(sent.message.user, sent.debited)

        return {"reorg": reorg, "reorg_remote": reorg_remote} if remote_bound > 0 else {"reorg": reorg}


@attrs.frozen
class RateLimiter(Component):
    """An inbound token bucket per direction on the destination (Wormhole NTT queues, CCIP refuses)."""

    limit: RateLimit
    feature = "rate_limit"

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        d = ids(cfg)
        return (
            Field("bucket_tokens", "int", ("buckets", "tokens"), DIR_DOMAIN, counts=True),
            Field("bucket_updated", "int", ("buckets", "updated_at"), DIR_DOMAIN, time=True),
            Field("queued", "bool", ("claims", "queued"), d, False),
            Field("queued_at", "int", ("claims", "queued_at"), d, time=True),
        )

    def initial(self, cfg: Configuration) -> dict[str, int | bool]:
        return {f"bucket_tokens[{d}]": self.limit.capacity for d in DIR_DOMAIN.values}

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        if self.limit.mode != "queue":
            return ()
        return (Action("release", (index_arg("id", ids(cfg)),), "anyone", "complete a queued transfer after its delay"),)

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        if self.limit.mode != "queue":
            return []
        family = cfg.protocol
        out = []
        for i in range(s.messages):
            for direction in family.directions():
                release: Updates = {s.key("queued", i): False}
                guard = z3.And(
                    s.slot("queued", i),
                    s.slot("claim_dir", i) == direction,
                    s["now"] >= s.slot("queued_at", i) + self.limit.delay,
                    z3.Not(s["paused"]),
                    family.pay(s, cfg, i, direction, release),
                )
                out.append(Case("release", guard, release, {"id": i}))
        return out

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        def release(dep: Any, id: int) -> None:  # noqa: A002
            """Complete a transfer the rate limit queued, once its delay has passed (anyone may call it)."""
            claim = dep.claim(id)
            credit = dep.destination(claim).release(claim.message.id, dep.now)
            dep.strand(claim, credit)

        return {"release": release} if self.limit.mode == "queue" else {}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        buckets = {}
        for direction in DIR_DOMAIN.values:
            _, destination = ("home", "remote") if direction == "out" else ("remote", "home")
            bucket = deployment.chains[destination].endpoint.bucket
            buckets[direction] = bucket.fields()
        return {
            "bucket_tokens": {d: b["tokens"] for d, b in buckets.items()},
            "bucket_updated": {d: b["updated_at"] for d, b in buckets.items()},
        }


@attrs.frozen
class Pause(Component):
    """A guardian pauses the destinations within `reaction` seconds of a fraudulent claim.

    Real bridges pair their verifier with one (Wormhole's Governor and guardian pause, NTT's pauser,
    CCIP's Risk Management Network curse); its trust assumption is liveness.
    """

    reaction: int
    feature = "pause"

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        return (Field("paused", "bool", ("paused",), default=False),)

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (Action("pause", (), "governance", "the guardian halts the destinations after seeing fraud"),)

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        seen = z3.Or(*(z3.And(s.slot("claimed", i), fraudulent(s, i)) for i in range(s.messages)))
        return [Case("pause", z3.And(z3.Not(s["paused"]), seen), {"paused": True}, {})]

    def urgency(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
        return [
            z3.Implies(
                z3.And(z3.Not(s["paused"]), s.slot("claimed", i), fraudulent(s, i)),
                s["now"] + a.seconds <= s.slot("claimed_at", i) + self.reaction,
            )
            for i in range(s.messages)
        ]

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        def pause(dep: Any) -> None:
            dep.guardian.pause(bool(dep.watcher.frauds()))

        return {"pause": pause}

    def check_wait(self, deployment: Any, seconds: int, cfg: Configuration) -> None:
        for msg_id, claim in deployment.watcher.frauds():
            deadline = deployment.guardian.deadline(claim.claimed_at)
            if deadline is not None:
                reason = f"wait: the guardian pauses for claim {msg_id} by {deadline}"
                require(deployment.now + seconds <= deadline, reason)

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return {"paused": deployment.guardian.paused}


class Forks(Component):
    """A hard fork of home copies the vault; messages that do not bind the chain id replay on the copy.

    The fork happens only before any `back` claim has executed (SEMANTICS.md), so both copies start
    with empty replay records for `back`.
    """

    feature = "forks"

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        return (
            Field("forked", "bool", ("forked",), default=False),
            Field("fork_escrow", "int", ("fork_escrow",), counts=True),
            Field("fork_executions", "int", ("claims", "fork_executions"), ids(cfg), counts=True),
        )

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (
            Action("fork", (), "nature", "home splits in two; the copy keeps the vault's balance"),
            Action("fork_unlock", (index_arg("id", ids(cfg)),), "adversary", "unlock a back claim on the fork"),
        )

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        family, trust = cfg.protocol, cfg.trust
        conv = family.conversion(cfg)
        no_unlock_yet = z3.And(
            *(z3.Or(s.slot("executions", i) == 0, s.slot("claim_dir", i) != BACK) for i in range(s.messages))
        )
        out = [Case("fork", z3.And(z3.Not(s["forked"]), no_unlock_yet), {"forked": True, "fork_escrow": s["escrow"]}, {})]
        bound = "unbound_chain_id" not in cfg.options.faults
        for i in range(s.messages):
            credit = conv.credit(s.slot("claim_amount", i), BACK)
            guard = z3.And(
                # With messages bound to home's chain id, the fork refuses every one of them.
                z3.BoolVal(not bound),
                s["forked"],
                s.slot("claimed", i),
                s.slot("claim_dir", i) == BACK,
                family.transfer_guard(s, cfg, i),
                trust.accepts(s, i, cfg),
                z3.Not(s["paused"]),
                s.slot("fork_executions", i) == 0,
                s["fork_escrow"] >= credit,
            )
            updates: Updates = {
                "fork_escrow": s["fork_escrow"] - credit,
                s.key("fork_executions", i): s.slot("fork_executions", i) + 1,
            }
            out.append(Case("fork_unlock", guard, updates, {"id": i}))
        return out

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        def fork(dep: Any) -> None:
            require(dep.vault is not None, "forks need a home vault (lock_mint)")
            executed = any(c.message.dir == "back" and c.executions >= 1 for _, c in dep.ledger.claims())
            require(not executed, "a back claim has already executed")
            dep.fork.split(dep.vault.escrow)

        def fork_unlock(dep: Any, id: int) -> None:  # noqa: A002
            """Unlock a `back` claim on the forked copy of home; only if messages do not bind home's chain id."""
            claim = dep.claim(id)
            require(dep.fork.forked, "home has not forked")
            require(claim.message.dir == "back", "fork_unlock executes only back claims")
            dep.check_transfer(claim)
            message = claim.message
            require(dep.verifier.accepts(message.id, message.digest(), dep.context()), "claim not accepted by verifier")
            require(claim.fork_executions == 0, "already executed on the fork (replay)")
            require(not dep.guardian.paused, "destination is paused")
            credit = dep.chains[HOME].endpoint.credit_of(message)
            require(dep.fork.escrow >= credit, "insufficient escrow on the fork")
            require(dep.unbound_chain_id, "the message is bound to home's chain id, not the fork's")
            dep.fork.withdraw(credit)
            claims = dep.chains[HOME].endpoint.claims
            claims[message.id] = attrs.evolve(claim, fork_executions=claim.fork_executions + 1)

        return {"fork": fork, "fork_unlock": fork_unlock}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return {"forked": deployment.fork.forked, "fork_escrow": deployment.fork.escrow}


__all__ = ["Forks", "Pause", "RateLimiter", "Reorg", "DIR_NAMES"]
