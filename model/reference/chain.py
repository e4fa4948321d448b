"""A chain as the bridge sees it: its token, the outbox of messages it emitted, and its receiving endpoint.

Message ids are global (SEMANTICS.md): both sources draw them from one counter, and a claimed id is
unique across both destinations.
"""

import hashlib
import json

import attrs

from model.reference.context import WorldContext
from model.reference.guard import require
from model.reference.token import Token
from model.reference.verifier import Verifier

HOME = "home"
REMOTE = "remote"
USERS: tuple[str, ...] = ("alice", "mallory")
# dir -> (source chain, destination chain)
ROUTES: dict[str, tuple[str, str]] = {"out": (HOME, REMOTE), "back": (REMOTE, HOME)}

_DIGEST_DOMAIN = "bridgeproof/message/v1"


@attrs.frozen
class Message:
    """A transfer message: the sender is paid on the other chain in its own account, so `user` is both ends."""

    id: int
    dir: str
    user: str
    amount: int

    def digest(self) -> bytes:
        """The hash a verifier signs; it binds all four fields so evidence for one claim never fits another."""
        encoded = json.dumps([_DIGEST_DOMAIN, self.id, self.dir, self.user, self.amount], separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).digest()

    def fields(self) -> dict[str, object]:
        """The record as it appears in the observable state, without the id that keys it."""
        return {"dir": self.dir, "user": self.user, "amount": self.amount}


@attrs.frozen
class Claim:
    """What a destination was shown for an id and how often it executed it; evidence lives in the verifier."""

    message: Message
    executions: int = 0


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


class Endpoint:
    """The destination side of a chain: the claims it has been shown and its replay protection."""

    def __init__(self, verifier: Verifier) -> None:
        self.verifier = verifier
        self.claims: dict[int, Claim] = {}

    def record(self, claim: Claim) -> None:
        """Take a delivered claim; an id is shown at most once."""
        require(claim.message.id not in self.claims, "id already claimed")
        self.claims[claim.message.id] = claim

    def admit(self, msg_id: int, now: int) -> Message:
        """Check, without changing anything, that a claim may execute now; returns the message to execute."""
        claim = self.claims.get(msg_id)
        require(claim is not None, "no claim for id")
        assert claim is not None
        require(claim.executions == 0, "already executed (replay)")
        message = claim.message
        require(self.verifier.accepts(msg_id, message.digest(), WorldContext(now)), "claim not accepted by verifier")
        return message

    def mark_executed(self, msg_id: int) -> None:
        """Count an execution; called only after `admit` and the payout's own checks passed."""
        claim = self.claims[msg_id]
        self.claims[msg_id] = attrs.evolve(claim, executions=claim.executions + 1)


class Chain:
    """One chain: its token, what it emitted (source truth for watchers), and what it was asked to execute."""

    def __init__(self, name: str, verifier: Verifier) -> None:
        self.name = name
        self.token = Token(name)
        self.outbox: dict[int, Message] = {}
        self.endpoint = Endpoint(verifier)

    def emit(self, message: Message) -> None:
        """Append a message to the outbox; the outbox is append-only and ids never repeat."""
        require(message.id not in self.outbox, "id already emitted")
        self.outbox[message.id] = message
