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

TRANSFER = "transfer"
CALL = "call"
KINDS: tuple[str, ...] = (TRANSFER, CALL)
"""A message's kind (SEMANTICS.md, Calls): a transfer pays `amount` to `user`; a call names a target on
the destination (here always its own configuration) and carries a payload for it."""

ADDRESS = "address"
BYTES32 = "bytes32"
RECIPIENTS: tuple[str, ...] = (ADDRESS, BYTES32)
"""How a message names its recipient (SEMANTICS.md, Recipients, `amounts.recipients = "bytes32"`): `address`
is the sender's own address as the destination expects it; `bytes32` is 32 bytes whose upper 12 are not zero
(a Solana key, or her EVM address padded on the wrong end), which an EVM destination cannot take as is."""

_UNOWNED_PREFIX = "bytes32ToAddress:"


def truncated_address(user: str) -> str:
    """The account an EVM destination pays when it keeps the low 20 bytes of `user`'s 32-byte recipient.

    Balancer, 2024: 2,000 USDC sent through CCTP with a `mintRecipient` padded on the wrong end; CCTP's
    `Message.bytes32ToAddress` kept its low 20 bytes and minted to an address nobody holds the key of. The
    name marks the account as that sink, so `unowned_account` tells it from every user's and the vault's.
    """
    return _UNOWNED_PREFIX + user


def unowned_account(account: str) -> bool:
    """Whether nobody holds `account`: only a truncated recipient is such an address here."""
    return account.startswith(_UNOWNED_PREFIX)


@attrs.frozen
class Message:
    """A bridge message: the sender is paid on the other chain in its own account, so `user` is both ends.

    `amount` is in message units (SEMANTICS.md, Amounts): what the wire carries, not what was debited.
    `kind` is `call` only for `mallory`'s call messages (`adversary.calls`); a call's payload, decoded
    as a transfer, reads as `amount` to `user`, which is all `message_type_confusion` needs.
    `recipient` is how the wire names `user` on the destination; it is `bytes32` only when a send under
    `amounts.recipients = "bytes32"` chose it, and is message content like every other field.
    """

    id: int
    dir: str
    user: str
    amount: int
    kind: str = attrs.field(default=TRANSFER, validator=attrs.validators.in_(KINDS))
    recipient: str = attrs.field(default=ADDRESS, validator=attrs.validators.in_(RECIPIENTS))

    def digest(self) -> bytes:
        """The hash a verifier signs; it binds every field so evidence for one claim never fits another.

        The kind is bound too, so evidence for a call never fits the transfer with the same other fields
        (Poly Network 2021 and Messina 2026 both turned on one kind of message being taken for another).
        A transfer's digest leaves the kind out and is exactly what it was before messages had kinds, so
        every configuration without calls signs the same bytes; a call's list is one element longer, so
        the two encodings can never coincide.

        A `bytes32` recipient is bound the same way, so evidence for a message paying her address never
        fits one paying 32 bytes an EVM chain would truncate (Balancer 2024), and the reverse. It is
        appended as a one-element list after the kind: no kind is a list, so a call, a bytes32 transfer and
        a bytes32 call all hash distinct lists, and an `address` recipient leaves the bytes as they were.

        It binds no chain id: each destination accepts only its own `dir`, and whether a forked copy of
        home honours it is decided by the `unbound_chain_id` fault, not by this hash.
        """
        parts: list[object] = [_DIGEST_DOMAIN, self.id, self.dir, self.user, self.amount]
        if self.kind != TRANSFER:
            parts.append(self.kind)
        if self.recipient != ADDRESS:
            parts.append([self.recipient])
        encoded = json.dumps(parts, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).digest()

    def fields(self) -> dict[str, object]:
        """The record as it appears in the observable state, without the id that keys it.

        Without the kind: it exists only with `adversary.calls`, whose reading adds it as its own field
        (`deployment.read_calls`), so the layout of every other configuration is unchanged. The recipient
        likewise exists only with `amounts.recipients = "bytes32"` (`deployment.read_recipients`).
        """
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
    # `adversary.calls`: messages have a kind, and `execute` runs call messages (SEMANTICS.md, Calls).
    calls: bool = False
    # Poly Network 2021: EthCrossChainManager executed a message on whatever contract it named, its own
    # keeper contract included, so a call replaced the verifier keys. Without the fault the target
    # allowlist leaves the configuration out and `execute` of such a call is refused.
    unrestricted_call_target: bool = False
    # Messina 2026: the transfer path did not check a message's kind, so a call's payload was paid out
    # as a transfer of its amount to its user.
    message_type_confusion: bool = False
    # `truncating_address`: this destination makes an address of a 32-byte recipient by keeping its low 20
    # bytes (CCTP's `Message.bytes32ToAddress`; Balancer 2024 lost 2,000 USDC to it) instead of reverting
    # as Wormhole's `fromWormholeFormat` does. It matters only where addresses are 20 bytes (`Endpoint.evm`).
    truncating_address: bool = False
    # `unprotected_initializer`: the initialiser has no initialise-once guard (Parity multisig 2017-07, the
    # unprotected `initWallet`), or the deployed contract was never initialised (Wormhole 2022-02), so an
    # unprivileged call to it sets the verifier keys. Both destinations run the same contract.
    unprotected_initializer: bool = False


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
        evm: bool = True,
    ) -> None:
        self.chain = chain
        # Whether this chain's addresses are 20 bytes (an EVM chain: home always, remote with `remote_vm =
        # "evm"`), so a 32-byte recipient must be made into one; elsewhere a key is 32 bytes and is hers.
        self.evm = evm
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
        # SEMANTICS.md `replaced_keys[dir]` for the dir this endpoint receives: it checks claims against
        # keys a call installed (Poly Network 2021: the keeper was replaced by mallory's) or an unguarded
        # initialiser took (Wormhole 2022). Only an executed call or `initialize` sets it; nothing clears it.
        self.replaced_keys = False

    def record(self, claim: Claim) -> None:
        """Take a delivered claim; an id is shown at most once."""
        require(claim.message.id not in self.claims, "id already claimed")
        self.claims[claim.message.id] = claim

    def credit_of(self, message: Message) -> int:
        """What a message pays here, in this chain's base units."""
        source, _ = ROUTES[message.dir]
        return self.conversion.credit(source, self.chain, message.amount)

    def payee(self, message: Message) -> str:
        """The account a delivery of `message` pays here; refuses a recipient this chain cannot make an address of.

        A `bytes32` recipient on an EVM chain (SEMANTICS.md, Recipients): a checked conversion reverts
        (Wormhole's `fromWormholeFormat`), and the value stays in flight with nothing to refund it; with
        `truncating_address` the low 20 bytes are kept (CCTP's `bytes32ToAddress`, Balancer 2024) and the
        credit lands on an address nobody holds. On a chain with 32-byte keys it is the user's own account.
        """
        if message.recipient == ADDRESS or not self.evm:
            return message.user
        require(self.policy.truncating_address, "a 32-byte recipient is not an address on this chain")
        return truncated_address(message.user)

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
        self.check_transfer(message)
        self.payee(message)
        require(self.accepts(claim, ctx), "claim not accepted by verifier")
        require(not self.guardian.paused, "destination is paused")
        limit = self.policy.per_tx_limit
        require(limit is None or message.amount <= limit, "amount exceeds the per-transaction limit")
        return claim

    def accepts(self, claim: Claim, ctx: WorldContext) -> bool:
        """Whether this destination takes the claim's evidence: the trust model's keys, or mallory's.

        Once a call has replaced the keys (Poly Network 2021: `putCurEpochConPubKeyBytes` installed the
        attacker's keeper), the adversary signs whatever she likes with the keys she installed, so every
        claim this endpoint receives is accepted, whatever the trust model says.
        """
        return self.replaced_keys or self.verifier.accepts(claim.message.id, claim.message.digest(), ctx)

    def check_transfer(self, message: Message) -> None:
        """The transfer path takes only transfers, unless `message_type_confusion` (Messina 2026): then it
        decodes a call's payload as a transfer of `amount` to `user` and pays it like any other."""
        require(
            message.kind == TRANSFER or self.policy.message_type_confusion,
            "a call message is not a transfer",
        )

    def execute_call(self, msg_id: int, ctx: WorldContext) -> None:
        """Run a call message on its target, the destination's own verifier configuration.

        Why it exists: Poly Network 2021. EthCrossChainManager let a cross-chain message call any contract
        with any method, including EthCrossChainData, which holds the keepers' public keys; one call
        replaced them with the attacker's, and every later withdrawal she signed was accepted. A call
        carries no value, so no rate limit, per-transaction limit, payout, credit or dust applies; it
        executes at most once (`executions == 0`, even on home's exits under `noncanonical_claim_id`,
        whose lost guard is the transfer path's). Without `unrestricted_call_target` the target
        allowlist leaves the configuration out, and the call is refused.
        """
        claim = self.claims.get(msg_id)
        require(claim is not None, "no claim for id")
        assert claim is not None
        require(self.policy.calls, "this bridge carries no call messages")
        require(claim.message.kind == CALL, "execute runs call messages only; a transfer is delivered")
        require(self.accepts(claim, ctx), "claim not accepted by verifier")
        require(claim.executions == 0, "already executed (replay)")
        require(not self.guardian.paused, "destination is paused")
        require(self.policy.unrestricted_call_target, "call target is not on the destination's allowlist")
        self.claims[msg_id] = attrs.evolve(claim, executions=claim.executions + 1)
        self.install_keys()

    def initialize(self) -> None:
        """An unprivileged call to this destination's initialiser, with keys the caller holds.

        Why it exists: a proxied bridge takes its configuration from an `initialize` meant to run once, by
        the deployer. Wormhole, 2022-02: the implementation behind the proxy was left uninitialised, so anyone
        could call `initialize` with a guardian set of their own; Parity, 2017-07: the multisig's `initWallet`
        had no guard and a stranger made herself its owner. With the guard in place (no
        `unprotected_initializer`) the contract is already initialised and refuses. An initialiser is not a
        paused entry point, so `paused` does not stop it; a second call installs the same keys again.
        """
        require(self.policy.unprotected_initializer, "already initialised")
        self.install_keys()

    def install_keys(self) -> None:
        """From now on this destination checks claims against keys the adversary holds (SEMANTICS.md
        `replaced_keys`): the one effect of an executed call, an unguarded `initialize` and a passed `govern`."""
        self.replaced_keys = True

    def execute(self, msg_id: int, ctx: WorldContext) -> int | None:
        """Deliver an admitted claim: credit it now, or queue it behind the rate limit.

        Returns the credit paid, or None when the transfer was queued.
        """
        payout = self._payout()
        claim = self.admit(msg_id, ctx)
        payee = self.payee(claim.message)
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
            payout.pay(payee, credit)
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
        self.check_transfer(claim.message)
        payee = self.payee(claim.message)
        require(now >= claim.queued_at + self.policy.release_delay, "queued transfer is still delayed")
        require(not self.guardian.paused, "destination is paused")
        credit = self.credit_of(claim.message)
        payout.check_backing(credit)
        payout.check_pay(credit)
        self.claims[msg_id] = attrs.evolve(claim, queued=False, credited=credit)
        payout.pay(payee, credit)
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
