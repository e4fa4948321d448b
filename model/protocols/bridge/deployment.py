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
    ADDRESS,
    BYTES32,
    CALL,
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
    RECIPIENTS,
    Sent,
    TRANSFER,
    unowned_account,
)
from bridgeproof.model.protocols.bridge.contracts.context import WorldContext
from bridgeproof.model.protocols.bridge.contracts.fork import HomeFork
from bridgeproof.model.protocols.bridge.contracts.guardian import Guardian
from bridgeproof.model.protocols.bridge.contracts.limiter import InboundBucket
from bridgeproof.model.protocols.bridge.contracts.payout import Minter, Unlocker
from bridgeproof.model.protocols.bridge.contracts.relayer import Ledger, Relayer, Watcher
from bridgeproof.model.protocols.bridge.contracts.router import Router
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
        # `defences.governance`: the path that may change the keys has a trust model of its own, so its own
        # verifier, a separate instance: evidence forged for a proposal never counts for a bridge claim.
        self.governance = options.governance.verifier() if options.governance is not None else None
        messages = cfg.bounds.messages
        self.counter = MessageCounter(messages)
        self.guardian = Guardian(options.pause_reaction)
        self.fork = HomeFork()
        self.dust = 0
        self.unbound_chain_id = "unbound_chain_id" in options.faults
        limit = options.rate_limit
        noncanonical = "noncanonical_claim_id" in options.faults
        self.calls = bool(options.calls)
        self.unrestricted_call_target = "unrestricted_call_target" in options.faults
        # `adversary.initialize`: without it nobody but the deployer ever reaches the initialiser.
        self.initialize_reachable = bool(options.initialize)
        unprotected_initializer = "unprotected_initializer" in options.faults
        # `amounts.recipients = "bytes32"`: the wire carries 32-byte recipients, so a send may name one
        # that is no EVM address (Balancer 2024's wrongly padded `mintRecipient`).
        self.bytes32_recipients = options.amounts.recipients == BYTES32
        truncating_address = "truncating_address" in options.faults

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
                # The call faults are bugs of the messaging contract both destinations run (Poly Network's
                # EthCrossChainManager, Messina's), so both endpoints have them.
                calls=self.calls,
                unrestricted_call_target=self.unrestricted_call_target,
                message_type_confusion="message_type_confusion" in options.faults,
                # Both destinations are deployments of one contract, so both share its initialiser's guard.
                unprotected_initializer=unprotected_initializer,
                # CCTP's `bytes32ToAddress` is the destination's own conversion; both endpoints run it, and
                # it matters only on the one whose addresses are 20 bytes (`evm` below).
                truncating_address=truncating_address,
            )
            # Home is always an EVM chain; remote is one unless `remote_vm` says otherwise (SEMANTICS.md,
            # Recipients: on an SVM, CosmWasm or Move chain a 32-byte recipient is her own key).
            evm = chain == HOME or options.amounts.remote_vm == "evm"
            return Endpoint(chain, self.verifier, self.guardian, self.conversion, policy, bucket, evm=evm)

        self.chains: dict[str, Chain] = {HOME: Chain(HOME, endpoint(HOME)), REMOTE: Chain(REMOTE, endpoint(REMOTE))}
        home, remote = self.chains[HOME], self.chains[REMOTE]
        self.vault = Vault(home.token) if vault else None
        home.endpoint.payout = Unlocker(self.vault) if self.vault is not None else Minter(home.token, None)
        # `adversary.approvals`: the router exists only where users grant it allowances, so a bridge without the
        # option has no contract that could move a user's home tokens on someone else's instruction.
        self.router = Router(home.token, "arbitrary_router_call" in options.faults) if options.approvals else None
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

    def recipient_of(self, recipient: str | None) -> str:
        """The encoding a send names its recipient in; `address` unless the wire carries 32 bytes.

        Without `amounts.recipients = "bytes32"` the action never passes one, and a 32-byte recipient cannot
        be expressed on the wire, so it is refused rather than silently taken for an address.
        """
        if recipient is None:
            return ADDRESS
        require(recipient in RECIPIENTS, "unknown recipient encoding")
        require(recipient == ADDRESS or self.bytes32_recipients, "this bridge carries only address recipients")
        return recipient

    def send(
        self,
        source: str,
        direction: str,
        user: str,
        amount: int,
        recipient: str | None = None,
        paid: int | None = None,
    ) -> None:
        """Burn on `source` and announce the burn; `paid` as for `lock`.

        With `unchecked_deposit` the message is built from the call's `amount`, not from what the burn
        destroyed (Qubit 2022's unchecked deposit event, on the burn side): a burn of `paid` units still
        announces the full amount, and the other chain pays that out. A burn of nothing makes no token call
        (the token refuses a burn of 0), as a deposit of nothing moves nothing in `Vault.deposit`.
        """
        encoding = self.recipient_of(recipient)
        outbound = self.conversion.send(source, amount)
        debited = outbound.debited
        if paid is not None:
            require(0 <= paid <= amount, "paid must be between 0 and the amount")
            debited = paid
        require(self.counter.has_room(), "message bound exhausted")
        if paid is None or debited:
            self.chains[source].token.burn(user, debited)
        message = Message(self.counter.take(), direction, user, outbound.carried, recipient=encoding)
        self.emit(source, message, debited)

    def check_transfer(self, claim: Claim) -> None:
        """A transfer path outside the endpoints (the fork's `fork_unlock`) pays only what the claim's
        destination would pay as a transfer: its own check, `Endpoint.check_transfer`."""
        self.destination(claim).check_transfer(claim.message)

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


def lock(
    dep: BridgeDeployment, user: str, amount: int, paid: int | None = None, recipient: str | None = None
) -> None:
    """lock_mint, home -> remote: escrow the canonical token and emit an `out` message.

    With `unchecked_deposit` the caller says what it paid and the bridge does not compare it with the
    amount it announces (Qubit 2022: a deposit of nothing emitted a full message). With
    `amounts.recipients = "bytes32"` the caller also names her recipient's encoding; the source does not
    judge it (CCTP's `depositForBurn` took Balancer's wrongly padded `mintRecipient` as given).
    """
    encoding = dep.recipient_of(recipient)
    outbound = dep.conversion.send(HOME, _amount(amount))
    debited = outbound.debited
    if paid is not None:
        require(0 <= paid <= amount, "paid must be between 0 and the amount")
        debited = paid
    require(dep.counter.has_room(), "message bound exhausted")
    assert dep.vault is not None
    dep.vault.deposit(user, debited)
    dep.emit(HOME, Message(dep.counter.take(), "out", user, outbound.carried, recipient=encoding), debited)


def burn_wrapped(
    dep: BridgeDeployment, user: str, amount: int, paid: int | None = None, recipient: str | None = None
) -> None:
    """lock_mint, remote -> home: burn the wrapped token and emit a `back` message (no `dir`: under
    lock_mint a burn has exactly one direction, and the wrapped token's bridge function has no such
    parameter). `recipient` as for `lock`; `paid` too: the return leg of Qubit 2022, a burn that destroyed
    less than it announces, so home's vault releases escrow that backed someone else's wrapped tokens."""
    dep.send(REMOTE, "back", user, _amount(amount), recipient, paid)


def burn_native(
    dep: BridgeDeployment,
    user: str,
    amount: int,
    dir: str,  # noqa: A002
    recipient: str | None = None,
    paid: int | None = None,
) -> None:
    """burn_mint: burn on the source chain of `dir` and emit the message (CCTP's `depositForBurn`, whose
    32-byte `mintRecipient` is what `recipient` names under `amounts.recipients = "bytes32"`). `paid` as
    for lock_mint's `burn`: with `unchecked_deposit` the announced amount is not checked against the burn,
    so the destination mints tokens that were never destroyed (Qubit 2022)."""
    source, _ = ROUTES[dir]
    dep.send(source, dir, user, _amount(amount), recipient, paid)


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


def send_call(dep: BridgeDeployment, dir: str, amount: int) -> None:  # noqa: A002
    """`call` (adversary, `adversary.calls`): mallory sends a call message through the bridge's own
    endpoint on the source chain of `dir`, aimed at the destination's verifier configuration.

    Why: Poly Network 2021. The attacker did not forge anything at the source: she sent an ordinary
    cross-chain message through the bridge, and it was the destination that ran it on the contract that
    holds the keepers' keys. The message is really in the outbox, so honest attesters sign it. A call
    moves no value: nothing is debited, escrowed or burned (`debited` 0). Its amount is what the payload
    reads as when decoded as a transfer (`message_type_confusion`), in message units as given: no token
    leaves the sender, so no conversion applies to it.
    """
    require(dep.calls, "this bridge carries no call messages")
    require(dir in ROUTES, "unknown direction")
    source, _ = ROUTES[dir]
    _amount(amount)
    require(dep.counter.has_room(), "message bound exhausted")
    dep.emit(source, Message(dep.counter.take(), dir, USERS[1], amount, kind=CALL), 0)


def execute_call(dep: BridgeDeployment, id: int) -> None:  # noqa: A002
    """`execute` (relayer): run a call claim on the destination of its dir (see `Endpoint.execute_call`)."""
    claim = dep.claim(id)
    dep.destination(claim).execute_call(claim.message.id, dep.context())


def initialize(dep: BridgeDeployment, dir: str) -> None:  # noqa: A002
    """`initialize` (adversary, `adversary.initialize`): mallory calls the initialiser of the destination of
    `dir` with keys she holds (see `Endpoint.initialize`).

    Why: Wormhole, 2022-02. The implementation contract behind the proxy had never been initialised, so anyone
    could call its `initialize` with a guardian set of their own and sign whatever they liked; the Parity
    multisig, 2017-07, the same through an unprotected `initWallet`. No message is involved: nothing is sent,
    claimed, debited or paid, and the id counter does not move.
    """
    require(dep.initialize_reachable, "this bridge's initialiser is not reachable")
    require(dir in ROUTES, "unknown direction")
    _, destination = ROUTES[dir]
    dep.chains[destination].endpoint.initialize()


GOVERNANCE_PROPOSALS: dict[str, int] = {"out": 0, "back": 1}
"""The governance verifier's own proposal ids, one per dir whose destination's keys a proposal installs. They
live in the governance verifier alone, which judges nothing else, so they never meet the bridge's message ids."""


def govern(dep: BridgeDeployment, dir: str) -> None:  # noqa: A002
    """`govern` (adversary, `defences.governance`): mallory puts to the governance path a proposal that installs
    keys she holds on the destination of `dir`, carrying the governance trust model's forged evidence.

    Why: whoever may change the verifier keys is a verifier of the bridge too. Harmony's Horizon bridge,
    2022-06-23: its owner was a 2-of-5 multisig, two of whose keys were stolen, and that was enough to take the
    bridge (about $100M). NTT's owner may `setTransceiver` and `setThreshold`; Wormhole's guardian-set upgrades
    are governance messages signed by the guardians. The bridge's own trust model may hold while this weaker
    path does not. Honest governance installs only keys the bridge's trust model already describes, so only
    the forged proposal is modelled; no message is sent, claimed or paid, and the id counter does not move.
    """
    governance = dep.governance
    require(governance is not None, "this bridge has no governance path (defences.governance)")
    assert governance is not None
    require(dir in ROUTES, "unknown direction")
    proposal = GOVERNANCE_PROPOSALS[dir]
    digest = b"governance:install-keys:" + dir.encode()
    ctx = dep.context()
    governance.forge(proposal, digest, ctx)
    require(governance.accepts(proposal, digest, ctx), "governance did not pass the proposal")
    _, destination = ROUTES[dir]
    dep.chains[destination].endpoint.install_keys()


def read_calls(dep: BridgeDeployment) -> dict[str, Any]:
    """The calls' observable fields (SEMANTICS.md, Calls): each message's kind.

    Read apart from `read()`, so a configuration without `adversary.calls` reads exactly as it did.
    """
    home, remote = dep.chains[HOME], dep.chains[REMOTE]
    sent = {**home.outbox, **remote.outbox}
    return {
        "sent_kind": {i: s.message.kind for i, s in sent.items()},
        "claim_kind": {i: c.message.kind for i, c in dep.ledger.claims()},
    }


def read_keys(dep: BridgeDeployment) -> dict[str, Any]:
    """`replaced_keys` (SEMANTICS.md, Calls and Initialiser), keyed by the dir whose destination checks
    against the installed keys: remote receives `out`, home receives `back`."""
    home, remote = dep.chains[HOME], dep.chains[REMOTE]
    return {"replaced_keys": {"out": remote.endpoint.replaced_keys, "back": home.endpoint.replaced_keys}}


def read_recipients(dep: BridgeDeployment) -> dict[str, Any]:
    """The recipients' observable fields (SEMANTICS.md, Recipients): each message's encoding and `unowned`.

    Read apart from `read()`, so a configuration with address recipients reads exactly as it did.
    `unowned[chain]` is what that chain's token holds on addresses nobody holds, in its base units: the
    sink a truncating EVM destination paid (Balancer 2024: CCTP minted 2,000 USDC to the low 20 bytes of a
    wrongly padded `mintRecipient`). It is read off the token, not kept as a counter, so it is exactly
    the value that left every user's reach.
    """
    home, remote = dep.chains[HOME], dep.chains[REMOTE]
    sent = {**home.outbox, **remote.outbox}
    return {
        "sent_recipient": {i: s.message.recipient for i, s in sent.items()},
        "claim_recipient": {i: c.message.recipient for i, c in dep.ledger.claims()},
        "unowned": {
            name: sum(amount for account, amount in chain.token.balances.items() if unowned_account(account))
            for name, chain in ((HOME, home), (REMOTE, remote))
        },
    }


def _router(dep: BridgeDeployment) -> Router:
    require(dep.router is not None, "this bridge has no router (adversary.approvals)")
    assert dep.router is not None
    return dep.router


def _user(user: str) -> str:
    require(user in USERS, "unknown user")
    return user


def approve(dep: BridgeDeployment, user: str, amount: int) -> None:
    """`approve` (user, `adversary.approvals`): `user` sets her allowance to the router on home.

    Aggregators ask for unlimited approvals so that later routes need no second transaction; the allowance
    then outlives the route it was granted for, which is what Socket (2024-01-16) and LI.FI (2024-07-16) lost:
    allowances granted long before the faulty route was added. Like every amount it is at least 1 (revoking is
    not modelled), and it replaces the last allowance.
    """
    _router(dep).approve(_user(user), amount)


def router_call(dep: BridgeDeployment, user: str, amount: int) -> None:
    """`router_call` (adversary, `adversary.approvals`): mallory calls the router with calldata that pulls
    `amount` of `user`'s home tokens to herself through `user`'s allowance.

    Why: Socket/Bungee, 2024-01-16, about $3.3M: a newly added route of SocketGateway performed a call with
    user-supplied calldata, so anyone could make it call `transferFrom` on users who had granted it unlimited
    approvals; LI.FI, 2024-07-16, about $10M, the same class through a new facet. Only `arbitrary_router_call`
    lets it through; an honest router refuses (it moves only a caller's own tokens, or calls allowlisted targets).
    No message is sent, nothing is escrowed, minted or burned: supplies and escrow are untouched and only home
    balances move, so the bridge's backing properties cannot see this loss; `taken` records it for
    `no_unauthorised_debit`.
    """
    _router(dep).forward(USERS[1], _user(user), amount)


def read_approvals(dep: BridgeDeployment) -> dict[str, Any]:
    """The approvals' observable fields (SEMANTICS.md, Approvals): `allowance` and `taken`, per user.

    Read apart from `read()`, so a configuration without `adversary.approvals` reads exactly as it did. Without
    a router nobody has granted or lost anything, so every user reads 0.
    """
    router = dep.router
    return {
        "allowance": {user: router.allowance(user) if router is not None else 0 for user in USERS},
        "taken": {user: router.taken_from(user) if router is not None else 0 for user in USERS},
    }


def attest(dep: BridgeDeployment, id: int) -> None:  # noqa: A002
    """Deliver a sent message with honest evidence (once it has `finality` confirmations)."""
    dep.relayer.attest(id)


def forge(dep: BridgeDeployment, id: int, dir: str, user: str, amount: int) -> None:  # noqa: A002
    """Deliver a message of the adversary's choosing with forged evidence.

    Always a transfer (SEMANTICS.md, Calls): a forged call could only replace keys the adversary can
    already forge past.
    """
    dep.relayer.forge(Message(id, dir, user, _amount(amount), kind=TRANSFER))


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
