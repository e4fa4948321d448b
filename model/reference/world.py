"""The whole concrete bridge: two chains, their contracts, the relayer, watcher and guardian, driven by named actions.

This is the executable reading of SEMANTICS.md that counterexamples found by the symbolic model are
replayed on. Each `apply` is one transaction: either every guard holds and the effect happens, or it
raises `Revert` and the world is exactly as before.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from model.reference.amounts import Conversion
from model.reference.chain import (
    HOME,
    REMOTE,
    ROUTES,
    USERS,
    Chain,
    Claim,
    Endpoint,
    Message,
    MessageCounter,
    Policy,
    Sent,
)
from model.reference.clock import Blocks, Clock
from model.reference.context import WorldContext
from model.reference.fork import HomeFork
from model.reference.guard import require
from model.reference.guardian import Guardian
from model.reference.limiter import InboundBucket
from model.reference.payout import Minter, Unlocker
from model.reference.relayer import Ledger, Relayer, Watcher
from model.reference.vault import Vault
from model.reference.verifier import Trust
from model.vocabulary import PROTOCOL_FAULTS, U64_MAX, Options

PROTOCOL_ACTIONS: dict[str, tuple[str, ...]] = {
    "lock_mint": ("lock", "burn", "attest", "forge", "mint", "unlock"),
    "burn_mint": ("burn", "attest", "forge", "mint"),
}
# Trust-model actions this implementation knows how to perform; a trust model naming any other is rejected
# at construction, so a missing implementation cannot look like a refusal. A trust model naming `wait`,
# `mine` or `reorg` switches the clock or the blocks on.
TRUST_ACTIONS: frozenset[str] = frozenset({"challenge", "upgrade", "wait", "mine", "reorg"})
# Options that only make sense where home holds a vault.
LOCK_MINT_ONLY = "forks = true and the unchecked_deposit fault need a home vault (protocol lock_mint)"


@attrs.frozen
class Features:
    """Which optional parts of the world exist in one configuration (SEMANTICS.md, Configuration)."""

    clock: bool
    blocks: bool
    reorg_bound: int
    queue: bool
    pause: bool
    forks: bool
    paid: bool
    unbound_chain_id: bool

    @classmethod
    def of(cls, trust: Trust, options: Options) -> Features:
        extra = set(trust.concrete_actions)
        reorg_bound = max(options.reorg, int(trust.reorg_bound))
        rate_limit = options.rate_limit
        return cls(
            clock=bool(trust.timed) or rate_limit is not None or options.pause_reaction is not None or "wait" in extra,
            blocks=options.finality > 0
            or reorg_bound > 0
            or bool(trust.uses_blocks)
            or bool({"mine", "reorg"} & extra),
            reorg_bound=reorg_bound,
            queue=rate_limit is not None and rate_limit.mode == "queue",
            pause=options.pause_reaction is not None,
            forks=options.forks,
            paid="unchecked_deposit" in options.faults,
            unbound_chain_id="unbound_chain_id" in options.faults,
        )

    def actions(self, protocol: str, trust: Trust) -> tuple[str, ...]:
        """Protocol actions, then the trust model's, then the world's optional ones, without repeats."""
        optional = (
            ("wait",) * self.clock
            + ("mine", "reorg") * self.blocks
            + ("release",) * self.queue
            + ("pause",) * self.pause
            + ("fork", "fork_unlock") * self.forks
        )
        return tuple(dict.fromkeys(PROTOCOL_ACTIONS[protocol] + tuple(trust.concrete_actions) + optional))


class _Deployment:
    """Every contract and actor of one bridge, kept together so a revert can restore all of it at once."""

    def __init__(
        self, protocol: str, trust: Trust, messages: int, supply: int, options: Options, conversion: Conversion
    ) -> None:
        self.clock = Clock()
        self.blocks = Blocks()
        # One verifier serves both directions: ids are global, so its evidence is keyed unambiguously.
        self.verifier = trust.verifier()
        self.counter = MessageCounter(messages)
        self.guardian = Guardian(options.pause_reaction)
        self.fork = HomeFork()
        self.dust = 0
        limit = options.rate_limit
        policy = Policy(
            per_tx_limit=options.per_tx_limit,
            bucket_mode=limit.mode if limit is not None else "queue",
            release_delay=limit.delay if limit is not None else 0,
        )

        def endpoint(chain: str) -> Endpoint:
            # Each destination has its own inbound bucket: `out` is limited on remote, `back` on home.
            bucket = InboundBucket(limit) if limit is not None else None
            return Endpoint(chain, self.verifier, self.guardian, conversion, policy, bucket)

        self.chains: dict[str, Chain] = {HOME: Chain(HOME, endpoint(HOME)), REMOTE: Chain(REMOTE, endpoint(REMOTE))}
        home, remote = self.chains[HOME], self.chains[REMOTE]
        self.vault = Vault(home.token) if protocol == "lock_mint" else None
        home.endpoint.payout = Unlocker(self.vault) if self.vault is not None else Minter(home.token, None)
        remote_cap = U64_MAX if options.amounts.remote_vm == "svm" else None
        remote.endpoint.payout = Minter(remote.token, remote_cap)
        self.ledger = Ledger(self.chains)
        self.relayer = Relayer(self.ledger, self.verifier, messages, options.finality, self.context)
        self.watcher = Watcher(self.ledger, self.verifier, self.context)
        if supply > 0:
            home.token.mint(USERS[0], supply)
        if options.adversary_funds > 0:
            # mallory's own coins: an attacker who double-spends by reorg or fork needs funds to lock.
            home.token.mint(USERS[1], options.adversary_funds)

    def context(self) -> WorldContext:
        """What the verifier may read right now: the clock, the height, and the canonical outboxes."""
        canonical = {
            msg_id: (sent.message.digest(), sent.block)
            for chain in self.chains.values()
            for msg_id, sent in chain.outbox.items()
        }
        return WorldContext(self.clock.now, self.blocks.height, canonical)


class World:
    """A bridge of one protocol family under one trust model, with the model's bounds and scenario options.

    `trust` is a trust-model parameter object from `model/trust` (see `model.reference.verifier.Trust`);
    `options` the scenario's `model.vocabulary.Options` (None: every feature off).
    """

    def __init__(
        self, protocol: str, trust: Trust, messages: int, supply: int, options: Options | None = None
    ) -> None:
        options = Options() if options is None else options
        _validate(protocol, trust, messages, supply, options)
        self.protocol = protocol
        self.trust = trust
        self.messages = messages
        self.supply = supply
        self.options = options
        self.conversion = Conversion(options.amounts)
        self.features = Features.of(trust, options)
        self._actions = self.features.actions(protocol, trust)
        self._deployment = _Deployment(protocol, trust, messages, supply, options, self.conversion)
        handlers: dict[str, Callable[[Mapping[str, Any]], None]] = {
            "lock": self._lock,
            "burn": self._burn_wrapped if protocol == "lock_mint" else self._burn_native,
            "attest": self._attest,
            "forge": self._forge,
            "mint": self._mint,
            "unlock": self._unlock,
            "release": self._release,
            "challenge": self._challenge,
            "upgrade": self._upgrade,
            "wait": self._wait,
            "mine": self._mine,
            "reorg": self._reorg,
            "pause": self._pause,
            "fork": self._fork,
            "fork_unlock": self._fork_unlock,
        }
        self._handlers = {name: handlers[name] for name in self._actions}

    def available_actions(self) -> tuple[str, ...]:
        """The action names that exist in this configuration, protocol actions first."""
        return self._actions

    def apply(self, action: str, args: Mapping[str, Any]) -> None:
        """Perform one action as a transaction; raises `Revert` and changes nothing when refused.

        Handlers check before they mutate, but the verifier is someone else's code, so the whole
        deployment is also snapshotted and restored, as the EVM rolls back a reverted call.
        """
        handler = self._handlers.get(action) if isinstance(action, str) else None
        require(handler is not None, f"action {action!r} not available for {self.protocol} x {self.trust.id}")
        assert handler is not None
        require(isinstance(args, Mapping), "args must be a mapping of argument names to values")
        saved = copy.deepcopy(self._deployment, {id(self.trust): self.trust})
        try:
            handler(args)
        except BaseException:
            self._deployment = saved
            raise

    def observe(self) -> dict[str, Any]:
        """The observable state exactly as SEMANTICS.md's table, as fresh plain values the caller may keep."""
        d = self._deployment
        home, remote = d.chains[HOME], d.chains[REMOTE]
        sent = {**home.outbox, **remote.outbox}
        buckets: dict[str, dict[str, int]] = {}
        for direction, (_, destination) in ROUTES.items():
            bucket = d.chains[destination].endpoint.bucket
            if bucket is not None:
                buckets[direction] = bucket.fields()
        return {
            "balance_home": {user: home.token.balance_of(user) for user in USERS},
            "balance_remote": {user: remote.token.balance_of(user) for user in USERS},
            "escrow": d.vault.escrow if d.vault is not None else 0,
            "supply_home": home.token.total_supply,
            "supply_remote": remote.token.total_supply,
            "next_id": d.counter.next_id,
            "now": d.clock.now,
            "height": d.blocks.height,
            "paused": d.guardian.paused,
            "forked": d.fork.forked,
            "fork_escrow": d.fork.escrow,
            "dust": d.dust,
            "buckets": buckets,
            "verifier": copy.deepcopy(dict(d.verifier.state())),
            "sent": {msg_id: sent[msg_id].fields() for msg_id in sorted(sent)},
            "claims": {
                msg_id: {**claim.fields(), "evidence": copy.deepcopy(dict(d.verifier.evidence(msg_id)))}
                for msg_id, claim in d.ledger.claims()
            },
        }

    # --- sources -------------------------------------------------------------------------------------

    def _lock(self, args: Mapping[str, Any]) -> None:
        """lock_mint, home -> remote: escrow the canonical token and emit an `out` message.

        With `unchecked_deposit` the caller says what it paid and the bridge does not compare it with the
        amount it announces (Qubit 2022: a deposit of nothing emitted a full message).
        """
        names = ("user", "amount", "paid") if self.features.paid else ("user", "amount")
        values = _arguments(args, names)
        user, amount = _user(values["user"]), _amount(values["amount"])
        outbound = self.conversion.send(HOME, amount)
        debited = outbound.debited
        if self.features.paid:
            paid = _integer(values["paid"], "paid")
            require(0 <= paid <= amount, "paid must be between 0 and the amount")
            debited = paid
        d = self._deployment
        require(d.counter.has_room(), "message bound exhausted")
        assert d.vault is not None
        d.vault.deposit(user, debited)
        self._emit(HOME, Message(d.counter.take(), "out", user, outbound.carried), debited)

    def _burn_wrapped(self, args: Mapping[str, Any]) -> None:
        """lock_mint, remote -> home: burn the wrapped token and emit a `back` message.

        It takes no `dir`: under lock_mint a burn has exactly one direction, and the wrapped token's
        bridge function has no such parameter (SEMANTICS.md's action table).
        """
        values = _arguments(args, ("user", "amount"))
        self._send(REMOTE, "back", _user(values["user"]), _amount(values["amount"]))

    def _burn_native(self, args: Mapping[str, Any]) -> None:
        """burn_mint: burn on the source chain of `dir` and emit the message."""
        values = _arguments(args, ("user", "amount", "dir"))
        user, amount, direction = _user(values["user"]), _amount(values["amount"]), _direction(values["dir"])
        source, _ = ROUTES[direction]
        self._send(source, direction, user, amount)

    def _send(self, source: str, direction: str, user: str, amount: int) -> None:
        d = self._deployment
        outbound = self.conversion.send(source, amount)
        require(d.counter.has_room(), "message bound exhausted")
        d.chains[source].token.burn(user, outbound.debited)
        self._emit(source, Message(d.counter.take(), direction, user, outbound.carried), outbound.debited)

    def _emit(self, source: str, message: Message, debited: int) -> None:
        d = self._deployment
        d.chains[source].emit(Sent(message, block=d.blocks.height, debited=debited))

    # --- delivery ------------------------------------------------------------------------------------

    def _attest(self, args: Mapping[str, Any]) -> None:
        """Deliver a sent message with honest evidence (once it has `finality` confirmations)."""
        values = _arguments(args, ("id",))
        self._deployment.relayer.attest(_integer(values["id"], "id"))

    def _forge(self, args: Mapping[str, Any]) -> None:
        """Deliver a message of the adversary's choosing with forged evidence."""
        values = _arguments(args, ("id", "dir", "user", "amount"))
        message = Message(
            _integer(values["id"], "id"),
            _direction(values["dir"]),
            _user(values["user"]),
            _amount(values["amount"]),
        )
        self._deployment.relayer.forge(message)

    # --- destinations --------------------------------------------------------------------------------

    def _mint(self, args: Mapping[str, Any]) -> None:
        """Execute a claim by minting on its destination (lock_mint: only `out` claims, on remote)."""
        claim = self._claimed(args)
        if self.protocol == "lock_mint":
            require(claim.message.dir == "out", "lock_mint mints only out claims")
        self._execute(claim)

    def _unlock(self, args: Mapping[str, Any]) -> None:
        """lock_mint: execute a `back` claim by releasing escrow on home."""
        claim = self._claimed(args)
        require(claim.message.dir == "back", "unlock executes only back claims")
        self._execute(claim)

    def _execute(self, claim: Claim) -> None:
        d = self._deployment
        endpoint = self._destination(claim)
        credit = endpoint.execute(claim.message.id, d.context())
        if credit is not None:
            self._strand(claim, credit)

    def _release(self, args: Mapping[str, Any]) -> None:
        """Complete a transfer the rate limit queued, once its delay has passed (anyone may call it)."""
        claim = self._claimed(args)
        d = self._deployment
        credit = self._destination(claim).release(claim.message.id, d.clock.now)
        self._strand(claim, credit)

    def _strand(self, claim: Claim, credit: int) -> None:
        """Book the value a truncating conversion left behind when this claim was credited."""
        source, destination = ROUTES[claim.message.dir]
        self._deployment.dust += self.conversion.stranded(source, destination, claim.message.amount, credit)

    def _destination(self, claim: Claim) -> Endpoint:
        _, destination = ROUTES[claim.message.dir]
        return self._deployment.chains[destination].endpoint

    def _claimed(self, args: Mapping[str, Any]) -> Claim:
        values = _arguments(args, ("id",))
        claim = self._deployment.ledger.claim_of(_integer(values["id"], "id"))
        require(claim is not None, "no claim for id")
        assert claim is not None
        return claim

    # --- trust-model actions -------------------------------------------------------------------------

    def _challenge(self, args: Mapping[str, Any]) -> None:
        """A watcher disputes a fraudulent claim."""
        values = _arguments(args, ("id",))
        self._deployment.watcher.challenge(_integer(values["id"], "id"))

    def _upgrade(self, args: Mapping[str, Any]) -> None:
        """The adversary upgrades the verifier contract; what that does is the trust model's business."""
        _arguments(args, ())
        self._deployment.verifier.upgrade()

    # --- time, blocks, guardian ----------------------------------------------------------------------

    def _wait(self, args: Mapping[str, Any]) -> None:
        """Let time pass, unless that would carry it past an honest party's deadline.

        The honest parties are the guardian (it pauses within `reaction` of every fraudulent claim) and
        the trust model's own (an optimistic watcher challenges within its `delay`).
        """
        values = _arguments(args, ("seconds",))
        seconds = _integer(values["seconds"], "seconds")
        require(seconds >= 1, "wait must be at least 1 second")
        d = self._deployment
        for msg_id, claim in d.watcher.frauds():
            deadline = d.guardian.deadline(claim.claimed_at)
            if deadline is not None:
                reason = f"wait: the guardian pauses for claim {msg_id} by {deadline}"
                require(d.clock.now + seconds <= deadline, reason)
        d.verifier.check_wait(d.context(), seconds, d.watcher.open_frauds())
        d.clock.advance(seconds)

    def _mine(self, args: Mapping[str, Any]) -> None:
        """New blocks on the source chains."""
        values = _arguments(args, ("blocks",))
        self._deployment.blocks.mine(_integer(values["blocks"], "blocks"))

    def _reorg(self, args: Mapping[str, Any]) -> None:
        """The adversary replaces the last `depth` blocks of home with a chain of the same length.

        The `out` messages in them vanish from the canonical outbox and their debits are back with the
        senders; whatever a destination already did on the strength of them stays done. A vault that
        already paid the escrow out elsewhere cannot be rewound, so that reorg is refused.
        """
        values = _arguments(args, ("depth",))
        depth = _integer(values["depth"], "depth")
        require(1 <= depth <= self.features.reorg_bound, f"reorg depth must be 1..{self.features.reorg_bound}")
        d = self._deployment
        home = d.chains[HOME]
        cut = d.blocks.height - depth
        dropped = [home.outbox[i] for i in sorted(home.outbox) if home.outbox[i].block > cut]
        refund = sum(sent.debited for sent in dropped)
        if d.vault is not None:
            require(d.vault.escrow >= refund, "reorg would return more than the escrow holds")
        for sent in dropped:
            home.retract(sent.message.id)
            if d.vault is not None:
                d.vault.withdraw(sent.message.user, sent.debited)
            elif sent.debited:
                home.token.mint(sent.message.user, sent.debited)

    def _pause(self, args: Mapping[str, Any]) -> None:
        """The guardian pauses the destinations after it has seen a fraudulent claim."""
        _arguments(args, ())
        d = self._deployment
        d.guardian.pause(bool(d.watcher.frauds()))

    # --- forks ---------------------------------------------------------------------------------------

    def _fork(self, args: Mapping[str, Any]) -> None:
        """Home splits in two; the copy keeps the vault's balance of that moment.

        SEMANTICS.md lets it happen only before any `back` claim has executed (queued counts), so both
        copies start with empty replay records for `back` and `fork_executions` starts at 0 everywhere.
        """
        _arguments(args, ())
        d = self._deployment
        assert d.vault is not None
        executed = any(c.message.dir == "back" and c.executions >= 1 for _, c in d.ledger.claims())
        require(not executed, "a back claim has already executed")
        d.fork.split(d.vault.escrow)

    def _fork_unlock(self, args: Mapping[str, Any]) -> None:
        """Unlock a `back` claim on the forked copy of home; only possible if messages do not bind home's chain id."""
        claim = self._claimed(args)
        d = self._deployment
        require(d.fork.forked, "home has not forked")
        require(claim.message.dir == "back", "fork_unlock executes only back claims")
        message = claim.message
        require(d.verifier.accepts(message.id, message.digest(), d.context()), "claim not accepted by verifier")
        require(claim.fork_executions == 0, "already executed on the fork (replay)")
        require(not d.guardian.paused, "destination is paused")
        credit = d.chains[HOME].endpoint.credit_of(message)
        require(d.fork.escrow >= credit, "insufficient escrow on the fork")
        require(self.features.unbound_chain_id, "the message is bound to home's chain id, not the fork's")
        d.fork.withdraw(credit)
        claims = d.chains[HOME].endpoint.claims
        claims[message.id] = attrs.evolve(claim, fork_executions=claim.fork_executions + 1)


def _validate(protocol: str, trust: Trust, messages: int, supply: int, options: Options) -> None:
    """Reject a configuration the reference cannot deploy, with what to do instead (ValueError, not Revert)."""
    if protocol not in PROTOCOL_ACTIONS:
        raise ValueError(f"protocol must be one of {sorted(PROTOCOL_ACTIONS)}, got {protocol!r}")
    for name, value in (("messages", messages), ("supply", supply)):
        if not _is_integer(value) or value < 0:
            raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    unknown = [a for a in trust.concrete_actions if a not in TRUST_ACTIONS]
    if unknown:
        raise ValueError(
            f"trust model {trust.id!r} adds actions {unknown} the reference cannot perform; "
            f"implement them in model/reference/world.py or use only {sorted(TRUST_ACTIONS)}"
        )
    if not isinstance(options, Options):
        raise ValueError(f"options must be a model.vocabulary.Options, got {type(options).__name__}")
    faults = sorted(options.faults - PROTOCOL_FAULTS)
    if faults:
        raise ValueError(f"unknown protocol fault {faults[0]!r} (known: {', '.join(sorted(PROTOCOL_FAULTS))})")
    if protocol != "lock_mint" and (options.forks or "unchecked_deposit" in options.faults):
        raise ValueError(f"{LOCK_MINT_ONLY}; got protocol {protocol!r}")
    bounds = {
        "per_tx_limit": options.per_tx_limit,
        "pause_reaction": options.pause_reaction,
        "finality": options.finality,
        "reorg": options.reorg,
        "adversary_funds": options.adversary_funds,
        "amounts.wire_decimals": options.amounts.wire_decimals,
    }
    for name, value in bounds.items():
        if value is not None and (not _is_integer(value) or value < 0):
            raise ValueError(f"{name} must be an integer >= 0, got {value!r}")


def _is_integer(value: object) -> bool:
    # bool is an int subclass, and True == 1 would silently match id 1 in a dict lookup.
    return isinstance(value, int) and not isinstance(value, bool)


def _arguments(args: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """The action's arguments by name; a missing or unexpected name is refused, as bad calldata would be."""
    missing = [name for name in required if name not in args]
    require(not missing, f"missing argument(s): {', '.join(missing)}")
    unexpected = sorted(repr(name) for name in args if name not in required and name not in optional)
    require(not unexpected, f"unexpected argument(s): {', '.join(unexpected)}")
    return dict(args)


def _integer(value: object, name: str) -> int:
    require(_is_integer(value), f"{name} must be an integer")
    assert isinstance(value, int)
    return value


def _amount(value: object) -> int:
    amount = _integer(value, "amount")
    require(amount >= 1, "amount must be at least 1")
    return amount


def _user(value: object) -> str:
    require(isinstance(value, str) and value in USERS, f"unknown user {value!r}")
    assert isinstance(value, str)
    return value


def _direction(value: object) -> str:
    require(isinstance(value, str) and value in ROUTES, f"unknown dir {value!r}")
    assert isinstance(value, str)
    return value
