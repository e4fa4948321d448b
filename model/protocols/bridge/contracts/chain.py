"""A chain as the bridge sees it: its token, the outbox of messages it emitted, and its receiving endpoint.

Message ids are global (SEMANTICS.md): both sources draw them from one counter, and a claimed id is
unique across both destinations.
"""

from __future__ import annotations

import hashlib
import json

import attrs

from bridgeproof.model.protocols.bridge.contracts.amounts import Conversion
from bridgeproof.model.protocols.bridge.contracts.context import WorldContext
from bridgeproof.model.reference.guard import require
from bridgeproof.model.protocols.bridge.contracts.guardian import Guardian
from bridgeproof.model.protocols.bridge.contracts.limiter import InboundBucket
from bridgeproof.model.protocols.bridge.contracts.payout import Payout
from bridgeproof.model.protocols.bridge.contracts.token import Token
from bridgeproof.model.trust.contract import Verifier

HOME = "home"
REMOTE = "remote"
USERS: tuple[str, ...] = ("alice", "mallory")
# dir -> (source chain, destination chain)
ROUTES: dict[str, tuple[str, str]] = {"out": (HOME, REMOTE), "back": (REMOTE, HOME)}

_DIGEST_DOMAIN = "bridgeproof/message/v1"


@attrs.frozen
class Message:
    """A transfer message: the sender is paid on the other chain in its own account, so `user` is both ends.

    `amount` is in message units (SEMANTICS.md, Amounts): what the wire carries, not what was debited.
    """

    id: int
    dir: str
    user: str
    amount: int

    def digest(self) -> bytes:
        """The hash a verifier signs; it binds all four fields so evidence for one claim never fits another.

        It binds no chain id: each destination accepts only its own `dir`, and whether a forked copy of
        home honours it is decided by the `unbound_chain_id` fault, not by this hash.
        """
        encoded = json.dumps([_DIGEST_DOMAIN, self.id, self.dir, self.user, self.amount], separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).digest()

    def fields(self) -> dict[str, object]:
        """The record as it appears in the observable state, without the id that keys it."""
        return {"dir": self.dir, "user": self.user, "amount": self.amount}


@attrs.frozen
class Sent:
    """A message in a source outbox, with the block it was included in and what it took from the sender."""

    message: Message
    block: int
    debited: int

    def fields(self) -> dict[str, object]:
        return {**self.message.fields(), "block": self.block, "debited": self.debited}


@attrs.frozen
class Claim:
    """What a destination was shown for an id and what it did with it; evidence lives in the verifier."""

    message: Message
    claimed_at: int
    executions: int = 0
    queued: bool = False
    queued_at: int = 0
    credited: int = 0
    fork_executions: int = 0

    def fields(self) -> dict[str, object]:
        """The observable record, without `evidence` (the verifier's to give)."""
        return {
            **self.message.fields(),
            "executions": self.executions,
            "queued": self.queued,
            "queued_at": self.queued_at,
            "credited": self.credited,
            "fork_executions": self.fork_executions,
            "claimed_at": self.claimed_at,
        }


class MessageCounter:
    """The source-side id sequence, shared by both chains, with the model's bound on how many ids exist."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.next_id = 0

    def has_room(self) -> bool:
        """Whether another message can be sent within the bound."""
        return self.next_id < self.limit

    def take(self) -> int:
        """Hand out the next id; running out is a modelling limit, reported as a refusal."""
        require(self.has_room(), "message bound exhausted")
        msg_id = self.next_id
        self.next_id += 1
        return msg_id


@attrs.frozen
class Policy:
    """The destination's defences, as configured by its owner: what it may execute and how fast."""

    per_tx_limit: int | None = None
    bucket_mode: str = "queue"
    release_delay: int = 0
    # The `noncanonical_claim_id` fault (Polygon Plasma, 2021): replay protection is keyed on an encoding
    # of the id that the claimant chooses, not on the id itself (see `Endpoint.replay_key`). It is a bug
    # of home's exits only: the deployment sets it on home's endpoint (the `back` claims), never on
    # remote's (the `out` claims, which keep `executions == 0`).
    noncanonical_claim_id: bool = False


class Endpoint:
    """The destination side of a chain: its claims, replay protection, defences and payout.

    NOTE(deliver): `execute` is SEMANTICS.md's *deliver*. Each public method checks everything first
    and mutates last, so a refusal changes nothing even before the world's snapshot restores it.
    """

    def __init__(
        self,
        chain: str,
        verifier: Verifier,
        guardian: Guardian,
        conversion: Conversion,
        policy: Policy,
        bucket: InboundBucket | None,
    ) -> None:
        self.chain = chain
        self.verifier = verifier
        self.guardian = guardian
        self.conversion = conversion
        self.policy = policy
        self.bucket = bucket
        self.payout: Payout | None = None  # wired by the deployment once the vault or token exists
        self.claims: dict[int, Claim] = {}
        # Replay keys consumed by executions under `noncanonical_claim_id`: (id, encoding). Internal, not
        # observable. Without the fault the key is the id itself and `executions` already records it.
        self.consumed: set[tuple[int, int]] = set()

    def record(self, claim: Claim) -> None:
        """Take a delivered claim; an id is shown at most once."""
        require(claim.message.id not in self.claims, "id already claimed")
        self.claims[claim.message.id] = claim

    def credit_of(self, message: Message) -> int:
        """What a message pays here, in this chain's base units."""
        source, _ = ROUTES[message.dir]
        return self.conversion.credit(source, self.chain, message.amount)

    def replay_key(self, msg_id: int) -> tuple[int, int] | None:
        """The key the next execution of `msg_id` would consume, or None when replay is keyed on the id.

        With `noncanonical_claim_id` the key is (id, encoding): the claimant picks the encoding, and she
        always has one not yet used, so each call takes the first encoding of the id not yet consumed and
        the check never stops her (SEMANTICS.md: executions of `back` claims, `unlock` for lock_mint and
        the `back` mint for burn_mint, lose their `executions == 0` guard). Only home's endpoint, which
        executes the `back` claims, has the fault in its policy; remote's keys replay on the id.
        """
        if not self.policy.noncanonical_claim_id:
            return None
        encoding = 0
        while (msg_id, encoding) in self.consumed:
            encoding += 1
        return (msg_id, encoding)

    def admit(self, msg_id: int, ctx: WorldContext) -> Claim:
        """Check, without changing anything, that a claim may execute now; returns it."""
        claim = self.claims.get(msg_id)
        require(claim is not None, "no claim for id")
        assert claim is not None
        key = self.replay_key(msg_id)
        if key is None:
            require(claim.executions == 0, "already executed (replay)")
        else:
            require(key not in self.consumed, "encoding already used (replay)")
        message = claim.message
        require(self.verifier.accepts(msg_id, message.digest(), ctx), "claim not accepted by verifier")
        require(not self.guardian.paused, "destination is paused")
        limit = self.policy.per_tx_limit
        require(limit is None or message.amount <= limit, "amount exceeds the per-transaction limit")
        return claim

    def execute(self, msg_id: int, ctx: WorldContext) -> int | None:
        """Deliver an admitted claim: credit it now, or queue it behind the rate limit.

        Returns the credit paid, or None when the transfer was queued.
        """
        payout = self._payout()
        claim = self.admit(msg_id, ctx)
        key = self.replay_key(msg_id)
        credit = self.credit_of(claim.message)
        payout.check_backing(credit)
        amount = claim.message.amount
        if self.bucket is None or self.bucket.covers(amount, ctx.now):
            payout.check_pay(credit)
            if self.bucket is not None:
                self.bucket.take(amount, ctx.now)
            self._consume(key)
            self.claims[msg_id] = attrs.evolve(claim, executions=claim.executions + 1, credited=credit)
            payout.pay(claim.message.user, credit)
            return credit
        require(self.policy.bucket_mode == "queue", "rate limit exceeded")
        self._consume(key)
        self.claims[msg_id] = attrs.evolve(claim, executions=claim.executions + 1, queued=True, queued_at=ctx.now)
        return None

    def _consume(self, key: tuple[int, int] | None) -> None:
        """Record the replay key an execution used (only under `noncanonical_claim_id`; else `executions` is it)."""
        if key is not None:
            self.consumed.add(key)

    def release(self, msg_id: int, now: int) -> int:
        """Complete a queued transfer once its delay has passed; the bucket is not charged again."""
        payout = self._payout()
        require(self.bucket is not None and self.policy.bucket_mode == "queue", "no inbound queue")
        claim = self.claims.get(msg_id)
        require(claim is not None, "no claim for id")
        assert claim is not None
        require(claim.queued, "transfer is not queued")
        require(now >= claim.queued_at + self.policy.release_delay, "queued transfer is still delayed")
        require(not self.guardian.paused, "destination is paused")
        credit = self.credit_of(claim.message)
        payout.check_backing(credit)
        payout.check_pay(credit)
        self.claims[msg_id] = attrs.evolve(claim, queued=False, credited=credit)
        payout.pay(claim.message.user, credit)
        return credit

    def _payout(self) -> Payout:
        assert self.payout is not None, "endpoint deployed without a payout"
        return self.payout


class Chain:
    """One chain: its token, what it emitted (source truth for watchers), and what it was asked to execute."""

    def __init__(self, name: str, endpoint: Endpoint) -> None:
        self.name = name
        self.token = Token(name)
        self.outbox: dict[int, Sent] = {}
        self.endpoint = endpoint

    def emit(self, sent: Sent) -> None:
        """Append a message to the outbox; ids never repeat, even after a reorg drops one."""
        require(sent.message.id not in self.outbox, "id already emitted")
        self.outbox[sent.message.id] = sent

    def retract(self, msg_id: int) -> Sent:
        """Drop a message a reorg took off the canonical chain."""
        return self.outbox.pop(msg_id)
