"""The whole concrete bridge: two chains, their contracts, the relayer and watcher, driven by named actions.

This is the executable reading of SEMANTICS.md that counterexamples found by the symbolic model are
replayed on. Each `apply` is one transaction: either every guard holds and the effect happens, or it
raises `Revert` and the world is exactly as before.
"""

import copy
from collections.abc import Callable, Mapping
from typing import Any

from model.reference.context import WorldContext
from model.reference.chain import HOME, REMOTE, ROUTES, USERS, Chain, Claim, Message, MessageCounter
from model.reference.clock import Clock
from model.reference.guard import require
from model.reference.relayer import Relayer, Watcher
from model.reference.vault import Vault
from model.reference.verifier import Trust

PROTOCOL_ACTIONS: dict[str, tuple[str, ...]] = {
    "lock_mint": ("lock", "burn", "attest", "forge", "mint", "unlock"),
    "burn_mint": ("burn", "attest", "forge", "mint"),
}
# Trust-model actions this implementation knows how to perform; a trust model naming any other is rejected
# at construction, so a missing implementation cannot look like a refusal.
TRUST_ACTIONS: frozenset[str] = frozenset({"challenge", "wait"})


class _Deployment:
    """Every contract and actor of one bridge, kept together so a revert can restore all of it at once."""

    def __init__(self, protocol: str, trust: Trust, messages: int, supply: int) -> None:
        self.clock = Clock()
        # One verifier serves both directions: ids are global, so its evidence is keyed unambiguously.
        self.verifier = trust.verifier()
        self.counter = MessageCounter(messages)
        self.chains: dict[str, Chain] = {HOME: Chain(HOME, self.verifier), REMOTE: Chain(REMOTE, self.verifier)}
        self.vault = Vault(self.chains[HOME].token) if protocol == "lock_mint" else None
        self.relayer = Relayer(self.chains, self.verifier, self.clock, messages)
        self.watcher = Watcher(self.chains, self.verifier, self.clock)
        if supply > 0:
            self.chains[HOME].token.mint(USERS[0], supply)


class World:
    """A bridge of one protocol family under one trust model, with the model's bounds.

    `trust` is a trust-model parameter object from `model/trust` (see `model.reference.verifier.Trust`).
    """

    def __init__(self, protocol: str, trust: Trust, messages: int, supply: int) -> None:
        if protocol not in PROTOCOL_ACTIONS:
            raise ValueError(f"protocol must be one of {sorted(PROTOCOL_ACTIONS)}, got {protocol!r}")
        for name, value in (("messages", messages), ("supply", supply)):
            if not _is_integer(value) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
        extra = tuple(trust.concrete_actions)
        unknown = [a for a in extra if a not in TRUST_ACTIONS]
        if unknown:
            raise ValueError(
                f"trust model {trust.id!r} adds actions {unknown} the reference cannot perform; "
                f"implement them in model/reference/world.py or use only {sorted(TRUST_ACTIONS)}"
            )
        self.protocol = protocol
        self.trust = trust
        self.messages = messages
        self.supply = supply
        self._actions = tuple(dict.fromkeys(PROTOCOL_ACTIONS[protocol] + extra))
        self._deployment = _Deployment(protocol, trust, messages, supply)
        handlers: dict[str, Callable[[Mapping[str, Any]], None]] = {
            "lock": self._lock,
            "burn": self._burn_wrapped if protocol == "lock_mint" else self._burn_native,
            "attest": self._attest,
            "forge": self._forge,
            "mint": self._mint,
            "unlock": self._unlock,
            "challenge": self._challenge,
            "wait": self._wait,
        }
        self._handlers = {name: handlers[name] for name in self._actions}

    def available_actions(self) -> tuple[str, ...]:
        """The action names that exist for this protocol and trust model, protocol actions first."""
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
        claims: dict[int, Claim] = {**home.endpoint.claims, **remote.endpoint.claims}
        return {
            "balance_home": {user: home.token.balance_of(user) for user in USERS},
            "balance_remote": {user: remote.token.balance_of(user) for user in USERS},
            "escrow": d.vault.escrow if d.vault is not None else 0,
            "supply_home": home.token.total_supply,
            "supply_remote": remote.token.total_supply,
            "next_id": d.counter.next_id,
            "now": d.clock.now,
            "sent": {msg_id: sent[msg_id].fields() for msg_id in sorted(sent)},
            "claims": {
                msg_id: {
                    **claims[msg_id].message.fields(),
                    "executions": claims[msg_id].executions,
                    "evidence": copy.deepcopy(dict(d.verifier.evidence(msg_id))),
                }
                for msg_id in sorted(claims)
            },
        }

    # --- sources -------------------------------------------------------------------------------------

    def _lock(self, args: Mapping[str, Any]) -> None:
        """lock_mint, home -> remote: escrow the canonical token and emit an `out` message."""
        values = _arguments(args, ("user", "amount"))
        user, amount = _user(values["user"]), _amount(values["amount"])
        d = self._deployment
        require(d.counter.has_room(), "message bound exhausted")
        assert d.vault is not None
        d.vault.deposit(user, amount)
        d.chains[HOME].emit(Message(d.counter.take(), "out", user, amount))

    def _burn_wrapped(self, args: Mapping[str, Any]) -> None:
        """lock_mint, remote -> home: burn the wrapped token and emit a `back` message.

        `dir` may be passed, but only as "back": under lock_mint a burn has exactly that direction.
        """
        values = _arguments(args, ("user", "amount"), optional=("dir",))
        user, amount = _user(values["user"]), _amount(values["amount"])
        if "dir" in values:
            require(_direction(values["dir"]) == "back", "lock_mint burns only go back")
        self._send(REMOTE, "back", user, amount)

    def _burn_native(self, args: Mapping[str, Any]) -> None:
        """burn_mint: burn on the source chain of `dir` and emit the message."""
        values = _arguments(args, ("user", "amount", "dir"))
        user, amount, direction = _user(values["user"]), _amount(values["amount"]), _direction(values["dir"])
        source, _ = ROUTES[direction]
        self._send(source, direction, user, amount)

    def _send(self, source: str, direction: str, user: str, amount: int) -> None:
        d = self._deployment
        require(d.counter.has_room(), "message bound exhausted")
        chain = d.chains[source]
        chain.token.burn(user, amount)
        chain.emit(Message(d.counter.take(), direction, user, amount))

    # --- delivery ------------------------------------------------------------------------------------

    def _attest(self, args: Mapping[str, Any]) -> None:
        """Deliver a sent message with honest evidence."""
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
        d = self._deployment
        message = self._claimed(args)
        if self.protocol == "lock_mint":
            require(message.dir == "out", "lock_mint mints only out claims")
        _, destination = ROUTES[message.dir]
        chain = d.chains[destination]
        chain.endpoint.admit(message.id, d.clock.now)
        chain.token.mint(message.user, message.amount)
        chain.endpoint.mark_executed(message.id)

    def _unlock(self, args: Mapping[str, Any]) -> None:
        """lock_mint: execute a `back` claim by releasing escrow on home."""
        d = self._deployment
        message = self._claimed(args)
        require(message.dir == "back", "unlock executes only back claims")
        endpoint = d.chains[HOME].endpoint
        endpoint.admit(message.id, d.clock.now)
        assert d.vault is not None
        d.vault.withdraw(message.user, message.amount)
        endpoint.mark_executed(message.id)

    def _claimed(self, args: Mapping[str, Any]) -> Message:
        values = _arguments(args, ("id",))
        claim = self._deployment.relayer.claim_of(_integer(values["id"], "id"))
        require(claim is not None, "no claim for id")
        assert claim is not None
        return claim.message

    # --- optimistic ----------------------------------------------------------------------------------

    def _challenge(self, args: Mapping[str, Any]) -> None:
        """A watcher disputes a fraudulent claim."""
        values = _arguments(args, ("id",))
        self._deployment.watcher.challenge(_integer(values["id"], "id"))

    def _wait(self, args: Mapping[str, Any]) -> None:
        """Let time pass, unless that would carry it past a live watcher's deadline."""
        values = _arguments(args, ("seconds",))
        seconds = _integer(values["seconds"], "seconds")
        require(seconds >= 1, "wait must be at least 1 second")
        d = self._deployment
        d.verifier.check_wait(WorldContext(d.clock.now), seconds, d.watcher.open_frauds())
        d.clock.advance(seconds)


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
