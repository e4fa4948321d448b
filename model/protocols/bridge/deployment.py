"""The concrete message bridge: two chains, their contracts, the relayer and the verifier, and its handlers.

This is the executable reading of SEMANTICS.md that counterexamples found by the symbolic model are
replayed on. The generic driver (`model.reference.world.World`) checks each call's arguments against
the declarations, snapshots the deployment, and calls one of the handlers below; a handler either
completes or raises `Revert`, and the driver then restores the snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridgeproof.model.protocols.bridge.contracts.amounts import Conversion
from bridgeproof.model.protocols.bridge.contracts.chain import (
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
from bridgeproof.model.protocols.bridge.contracts.context import WorldContext
from bridgeproof.model.protocols.bridge.contracts.fork import HomeFork
from bridgeproof.model.protocols.bridge.contracts.guardian import Guardian
from bridgeproof.model.protocols.bridge.contracts.limiter import InboundBucket
from bridgeproof.model.protocols.bridge.contracts.payout import Minter, Unlocker
from bridgeproof.model.protocols.bridge.contracts.relayer import Ledger, Relayer, Watcher
from bridgeproof.model.protocols.bridge.contracts.vault import Vault
from bridgeproof.model.protocols.bridge.options import U64_MAX
from bridgeproof.model.reference.guard import require

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration


class BridgeDeployment:
    """Every contract and actor of one bridge, kept together so a revert can restore all of it at once."""

    def __init__(self, vault: bool, cfg: Configuration) -> None:
        options = cfg.options
        self.conversion = Conversion(options.amounts)
        self.clock: Any = None  # the clock and blocks features install theirs; without them time stands still
        self.blocks: Any = None
        # One verifier serves both directions: ids are global, so its evidence is keyed unambiguously.
        self.verifier = cfg.trust.verifier()
        messages = cfg.bounds.messages
        self.counter = MessageCounter(messages)
        self.guardian = Guardian(options.pause_reaction)
        self.fork = HomeFork()
        self.dust = 0
        self.unbound_chain_id = "unbound_chain_id" in options.faults
        limit = options.rate_limit
        noncanonical = "noncanonical_claim_id" in options.faults

        def endpoint(chain: str) -> Endpoint:
            # Each destination has its own inbound bucket: `out` is limited on remote, `back` on home.
            bucket = InboundBucket(limit) if limit is not None else None
            policy = Policy(
                per_tx_limit=options.per_tx_limit,
                bucket_mode=limit.mode if limit is not None else "queue",
                release_delay=limit.delay if limit is not None else 0,
                # `noncanonical_claim_id` is a bug of home's exit path only (Polygon Plasma: the Ethereum
                # exit): home's endpoint, which executes the `back` claims, keys replay on the claimant's
                # encoding; remote's, which executes the `out` claims, keeps the id (SEMANTICS.md).
                noncanonical_claim_id=noncanonical and chain == HOME,
            )
            return Endpoint(chain, self.verifier, self.guardian, self.conversion, policy, bucket)

        self.chains: dict[str, Chain] = {HOME: Chain(HOME, endpoint(HOME)), REMOTE: Chain(REMOTE, endpoint(REMOTE))}
        home, remote = self.chains[HOME], self.chains[REMOTE]
        self.vault = Vault(home.token) if vault else None
        home.endpoint.payout = Unlocker(self.vault) if self.vault is not None else Minter(home.token, None)
        remote_cap = U64_MAX if options.amounts.remote_vm == "svm" else None
        remote.endpoint.payout = Minter(remote.token, remote_cap)
        self.ledger = Ledger(self.chains)
        self.relayer = Relayer(self.ledger, self.verifier, messages, options.finality, self.context)
        self.watcher = Watcher(self.ledger)
        supply = cfg.bounds.supply
        if supply > 0:
            home.token.mint(USERS[0], supply)
        if options.adversary_funds > 0:
            # mallory's own coins: an attacker who double-spends by reorg or fork needs funds to lock.
            home.token.mint(USERS[1], options.adversary_funds)

    @property
    def now(self) -> int:
        return self.clock.now if self.clock is not None else 0

    @property
    def height(self) -> int:
        return self.blocks.height if self.blocks is not None else 0

    def context(self) -> WorldContext:
        """What the verifier may read right now: the clock, the height, and the canonical outboxes."""
        canonical = {
            msg_id: (sent.message.digest(), sent.block)
            for chain in self.chains.values()
            for msg_id, sent in chain.outbox.items()
        }
        return WorldContext(self.now, self.height, canonical)

    # --- the subject a trust model's actors read ------------------------------------------------------

    def claim_ids(self) -> list[int]:
        return [i for i, _ in self.ledger.claims()]

    def claim(self, msg_id: int) -> Claim:
        claim = self.ledger.claim_of(msg_id)
        require(claim is not None, "no claim for id")
        assert claim is not None
        return claim

    def is_fraudulent(self, msg_id: int) -> bool:
        return self.ledger.is_fraudulent(self.claim(msg_id))

    def is_executed(self, msg_id: int) -> bool:
        return self.claim(msg_id).executions >= 1

    # --- observable readings ------------------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        """The family's fields, as SEMANTICS.md names them (the driver lays them out as the ITF state)."""
        home, remote = self.chains[HOME], self.chains[REMOTE]
        sent = {**home.outbox, **remote.outbox}
        claims = dict(self.ledger.claims())
        out: dict[str, Any] = {
            "balance_home": {user: home.token.balance_of(user) for user in USERS},
            "balance_remote": {user: remote.token.balance_of(user) for user in USERS},
            "escrow": self.vault.escrow if self.vault is not None else 0,
            "supply_home": home.token.total_supply,
            "supply_remote": remote.token.total_supply,
            "next_id": self.counter.next_id,
            "dust": self.dust,
            "sent": {i: True for i in sent},
            "claimed": {i: True for i in claims},
        }
        for key, column in (("dir", "sent_dir"), ("user", "sent_user"), ("amount", "sent_amount")):
            out[column] = {i: getattr(s.message, key) for i, s in sent.items()}
        out["sent_block"] = {i: s.block for i, s in sent.items()}
        out["sent_debited"] = {i: s.debited for i, s in sent.items()}
        for key, column in (("dir", "claim_dir"), ("user", "claim_user"), ("amount", "claim_amount")):
            out[column] = {i: getattr(c.message, key) for i, c in claims.items()}
        for name in ("executions", "queued", "queued_at", "credited", "fork_executions", "claimed_at"):
            out[name] = {i: getattr(c, name) for i, c in claims.items()}
        return out

    # --- shared steps -----------------------------------------------------------------------------------

    def emit(self, source: str, message: Message, debited: int) -> None:
        self.chains[source].emit(Sent(message, block=self.height, debited=debited))

    def send(self, source: str, direction: str, user: str, amount: int) -> None:
        outbound = self.conversion.send(source, amount)
        require(self.counter.has_room(), "message bound exhausted")
        self.chains[source].token.burn(user, outbound.debited)
        self.emit(source, Message(self.counter.take(), direction, user, outbound.carried), outbound.debited)

    def destination(self, claim: Claim) -> Endpoint:
        _, destination = ROUTES[claim.message.dir]
        return self.chains[destination].endpoint

    def execute(self, claim: Claim) -> None:
        credit = self.destination(claim).execute(claim.message.id, self.context())
        if credit is not None:
            self.strand(claim, credit)

    def strand(self, claim: Claim, credit: int) -> None:
        """Book the value a truncating conversion left behind when this claim was credited."""
        source, destination = ROUTES[claim.message.dir]
        self.dust += self.conversion.stranded(source, destination, claim.message.amount, credit)


def _amount(amount: int) -> int:
    require(amount >= 1, "amount must be at least 1")
    return amount


# --- handlers: one per action, called with validated arguments ------------------------------------------


def lock(dep: BridgeDeployment, user: str, amount: int, paid: int | None = None) -> None:
    """lock_mint, home -> remote: escrow the canonical token and emit an `out` message.

    With `unchecked_deposit` the caller says what it paid and the bridge does not compare it with the
    amount it announces (Qubit 2022: a deposit of nothing emitted a full message).
    """
    outbound = dep.conversion.send(HOME, _amount(amount))
    debited = outbound.debited
    if paid is not None:
        require(0 <= paid <= amount, "paid must be between 0 and the amount")
        debited = paid
    require(dep.counter.has_room(), "message bound exhausted")
    assert dep.vault is not None
    dep.vault.deposit(user, debited)
    dep.emit(HOME, Message(dep.counter.take(), "out", user, outbound.carried), debited)


def burn_wrapped(dep: BridgeDeployment, user: str, amount: int) -> None:
    """lock_mint, remote -> home: burn the wrapped token and emit a `back` message (no `dir`: under
    lock_mint a burn has exactly one direction, and the wrapped token's bridge function has no such
    parameter)."""
    dep.send(REMOTE, "back", user, _amount(amount))


def burn_native(dep: BridgeDeployment, user: str, amount: int, dir: str) -> None:  # noqa: A002
    """burn_mint: burn on the source chain of `dir` and emit the message."""
    source, _ = ROUTES[dir]
    dep.send(source, dir, user, _amount(amount))


def emit_unauthorised(dep: BridgeDeployment, dir: str, user: str, amount: int) -> None:  # noqa: A002
    """`unauthorised_emitter` (adversary): a contract of the adversary's on the source chain of `dir`
    emits an event shaped like the bridge's, and the attesters read it as the bridge's.

    Why: pNetwork pBTC-on-BSC, 2021-09. The bridge's event extraction did not check which contract had
    emitted a log, so the peg-out events of an attacker's own contract were processed as real ones and
    paid out BTC that nobody had burned. Here the event lands in the source chain's outbox under the
    next id like any send, so honest attesters sign it; but its `debited` is 0: nothing was taken from
    the sender, escrowed or burned, and no supply changes.

    The attacker's contract reuses the bridge's event format, so its amount must be one a send from that
    source could announce: the same amount rules (SEMANTICS.md, Amounts) refuse what a send would refuse
    (a trimmed amount that is nothing on the wire or exceeds u64, dust under `dust = "revert"`), and the
    message carries what a send of `amount` would carry. The id bound refuses it as it refuses a send.
    """
    require(dir in ROUTES, "unknown direction")
    source, _ = ROUTES[dir]
    outbound = dep.conversion.send(source, _amount(amount))
    require(dep.counter.has_room(), "message bound exhausted")
    dep.emit(source, Message(dep.counter.take(), dir, user, outbound.carried), 0)


def attest(dep: BridgeDeployment, id: int) -> None:  # noqa: A002
    """Deliver a sent message with honest evidence (once it has `finality` confirmations)."""
    dep.relayer.attest(id)


def forge(dep: BridgeDeployment, id: int, dir: str, user: str, amount: int) -> None:  # noqa: A002
    """Deliver a message of the adversary's choosing with forged evidence."""
    dep.relayer.forge(Message(id, dir, user, _amount(amount)))


def mint(dep: BridgeDeployment, id: int) -> None:  # noqa: A002
    """Execute a claim by minting on its destination (burn_mint: either direction)."""
    dep.execute(dep.claim(id))


def mint_out(dep: BridgeDeployment, id: int) -> None:  # noqa: A002
    """lock_mint: execute an `out` claim by minting the wrapped token on remote."""
    claim = dep.claim(id)
    require(claim.message.dir == "out", "lock_mint mints only out claims")
    dep.execute(claim)


def unlock(dep: BridgeDeployment, id: int) -> None:  # noqa: A002
    """lock_mint: execute a `back` claim by releasing escrow on home."""
    claim = dep.claim(id)
    require(claim.message.dir == "back", "unlock executes only back claims")
    dep.execute(claim)
