"""The concrete reference implementation of the `liquidity` family (SEMANTICS.md, "# Family `liquidity`").

Written as the on-chain system is: one token ledger per chain, a SpokePool on `origin` that escrows deposits, holds
the LPs' liquidity and pays out executed bundle leaves, a SpokePool on `destination` that records fills, a HubPool
that holds proposed bundles and asks the trust model whether one may execute, and the dataworker's validity rules
(UMIP-179) as the single place that says what a valid leaf is. Everything here is plain Python so that the symbolic
Z3 half can be checked against it; the two are written independently from SEMANTICS.md.

Every refusal is a `Revert` raised by `require` before anything is mutated, so a refused action leaves the world
exactly as it was, as a reverted transaction does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from bridgeproof.model.reference.guard import require

PARTIES: tuple[str, ...] = ("alice", "rick", "mallory", "lp")
DEPOSITOR = "alice"
HONEST_RELAYER = "rick"
ADVERSARY = "mallory"
LIQUIDITY_PROVIDER = "lp"
KINDS: tuple[str, ...] = ("repay", "refund")
UNCHECKED_FILL_DEADLINE = "unchecked_fill_deadline"

# The origin SpokePool's own account in the origin token ledger: the pool is its balance, so funds can only move
# by transfers and the pool can never pay out more than it holds.
ORIGIN_SPOKE_POOL = "origin_spoke_pool"


# ---------------------------------------------------------------------------------------------------------------
# Records (immutable, so a snapshot handed out can never be changed behind the contract's back)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deposit:
    """A deposit's relay data as emitted on `origin`; the deadline travels with it to the destination."""

    depositor: str
    amount: int
    deadline: int


@dataclass(frozen=True)
class Fill:
    """What the destination recorded for a deposit id: the relay data the relayer claimed it filled."""

    relayer: str
    recipient: str
    amount: int
    filled_at: int


@dataclass(frozen=True)
class Leaf:
    """The one leaf a bundle carries; its digest binds the trust model's evidence to exactly this content."""

    kind: str
    deposit: int
    to: str
    amount: int

    def digest(self) -> bytes:
        """A canonical hash of the leaf, so evidence posted for one leaf never verifies a different one."""
        encoded = f"liquidity-leaf|kind={self.kind}|deposit={self.deposit}|to={self.to}|amount={self.amount}"
        return hashlib.sha256(encoded.encode("utf-8")).digest()


@dataclass
class ProposedBundle:
    """A bundle slot in the HubPool; `executed` flips once, when its leaf has been paid out."""

    leaf: Leaf
    executed: bool = False


@dataclass(frozen=True)
class LiquidityContext:
    """What the verifier may read of the world: a by-value snapshot, like a view call at one block."""

    now: int
    height: int = 0

    def canonical_block(self, msg_id: int, digest: bytes) -> int | None:
        """Bundles are judged optimistically, never proven against a source block, so nothing is ever canonical."""
        return None


# ---------------------------------------------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------------------------------------------


class Token:
    """An ERC-20 ledger on one chain: the only place balances live, so value can only move, never appear."""

    def __init__(self, chain: str, balances: dict[str, int]) -> None:
        self.chain = chain
        self._balances: dict[str, int] = dict(balances)

    def balance_of(self, account: str) -> int:
        return self._balances.get(account, 0)

    def transfer(self, sender: str, receiver: str, amount: int) -> None:
        """Move `amount`; the balance check precedes both writes, so a failed transfer changes nothing."""
        require(amount >= 0, f"{self.chain} token: negative transfer")
        require(self.balance_of(sender) >= amount, f"{self.chain} token: {sender} has insufficient balance")
        self._balances[sender] = self.balance_of(sender) - amount
        self._balances[receiver] = self.balance_of(receiver) + amount


class OriginSpokePool:
    """The origin chain's SpokePool: escrows deposits, holds LP liquidity and shares, and pays executed leaves.

    Across splits LP liquidity (HubPool on L1) from deposit escrow (SpokePool); SEMANTICS has a single pool on
    `origin`, so both live here and the pool is this contract's token balance.
    """

    def __init__(self, token: Token, fill_window: int, max_deposits: int) -> None:
        self.token = token
        self.fill_window = fill_window
        self.max_deposits = max_deposits
        self.next_deposit = 0
        self.deposits: dict[int, Deposit] = {}
        self.shares: dict[str, int] = {party: 0 for party in PARTIES}
        # Settlement counters exist for every id, deposited or not: a bundle may settle an id nobody deposited.
        self.repaid: dict[int, int] = {d: 0 for d in range(max_deposits)}
        self.refunded: dict[int, int] = {d: 0 for d in range(max_deposits)}

    def pool(self) -> int:
        return self.token.balance_of(ORIGIN_SPOKE_POOL)

    def deposit(self, depositor: str, amount: int, now: int) -> int:
        """Escrow the depositor's funds and fix the fill deadline; the id is the one a relayer will fill."""
        require(amount >= 1, "deposit: amount must be >= 1")
        require(self.token.balance_of(depositor) >= amount, "deposit: insufficient balance")
        require(self.next_deposit < self.max_deposits, "deposit: deposit ids exhausted")
        deposit_id = self.next_deposit
        self.token.transfer(depositor, ORIGIN_SPOKE_POOL, amount)
        self.deposits[deposit_id] = Deposit(depositor=depositor, amount=amount, deadline=now + self.fill_window)
        self.next_deposit = deposit_id + 1
        return deposit_id

    def add_liquidity(self, provider: str, amount: int) -> None:
        """One share per unit: there are no fees, so a share is always redeemable at face value while solvent."""
        require(amount >= 1, "add_liquidity: amount must be >= 1")
        require(self.token.balance_of(provider) >= amount, "add_liquidity: insufficient balance")
        self.token.transfer(provider, ORIGIN_SPOKE_POOL, amount)
        self.shares[provider] += amount

    def remove_liquidity(self, provider: str, amount: int) -> None:
        """Redeeming needs both the shares and the cash: a drained pool cannot honour its shares."""
        require(amount >= 1, "remove_liquidity: amount must be >= 1")
        require(self.shares.get(provider, 0) >= amount, "remove_liquidity: insufficient shares")
        require(self.pool() >= amount, "remove_liquidity: pool cannot cover the withdrawal")
        self.shares[provider] -= amount
        self.token.transfer(ORIGIN_SPOKE_POOL, provider, amount)

    def execute_leaf(self, leaf: Leaf, action: str) -> None:
        """Pay a leaf the HubPool has cleared (Across `executeRelayerRefundLeaf`); the spoke trusts the root, not
        the leaf's validity, which is exactly why a fraudulent bundle that is never disputed drains the pool."""
        require(self.pool() >= leaf.amount, f"{action}: pool cannot cover the leaf")
        self.token.transfer(ORIGIN_SPOKE_POOL, leaf.to, leaf.amount)
        if leaf.kind == "repay":
            self.repaid[leaf.deposit] += 1
        else:
            self.refunded[leaf.deposit] += 1


class DestinationSpokePool:
    """The destination chain's SpokePool: a relayer's own funds go straight to the recipient, and the fill is
    recorded under the deposit id so it can be filled only once and later judged by the dataworker."""

    def __init__(self, token: Token, check_fill_deadline: bool) -> None:
        self.token = token
        self.check_fill_deadline = check_fill_deadline
        self.fills: dict[int, Fill] = {}

    def fill_relay(
        self, deposit_id: int, relayer: str, recipient: str, amount: int, fill_deadline: int | None, now: int
    ) -> None:
        """`fill_deadline` is the deadline from the deposit's relay data, or None when no deposit with this id
        exists on origin (then there is nothing to check it against, and the fill is simply a gift)."""
        require(amount >= 1, "fill: amount must be >= 1")
        require(deposit_id not in self.fills, "fill: deposit id already filled")
        require(self.token.balance_of(relayer) >= amount, "fill: relayer has insufficient balance")
        if self.check_fill_deadline and fill_deadline is not None:
            require(now <= fill_deadline, "fill: the fill deadline has passed")
        self.token.transfer(relayer, recipient, amount)
        self.fills[deposit_id] = Fill(relayer=relayer, recipient=recipient, amount=amount, filled_at=now)


class Dataworker:
    """The validity rules of UMIP-179: the single source of truth both the honest proposer and disputers read.

    It only reads the two spoke pools, judged at the moment it is asked; a leaf valid at proposal can become
    invalid later (its deposit gets settled), which is what "judged now" means.
    """

    def __init__(self, origin: OriginSpokePool, destination: DestinationSpokePool) -> None:
        self.origin = origin
        self.destination = destination

    def has_valid_fill(self, deposit_id: int) -> bool:
        deposit = self.origin.deposits.get(deposit_id)
        fill = self.destination.fills.get(deposit_id)
        if deposit is None or fill is None:
            return False
        return (
            fill.recipient == deposit.depositor
            and fill.amount == deposit.amount
            and fill.filled_at <= deposit.deadline
        )

    def is_unsettled(self, deposit_id: int) -> bool:
        return self.origin.repaid.get(deposit_id, 0) == 0 and self.origin.refunded.get(deposit_id, 0) == 0

    def leaf_is_valid(self, leaf: Leaf, now: int) -> bool:
        deposit = self.origin.deposits.get(leaf.deposit)
        if deposit is None:
            return False
        if not self.is_unsettled(leaf.deposit) or leaf.amount != deposit.amount:
            return False
        if leaf.kind == "repay":
            return self.has_valid_fill(leaf.deposit) and leaf.to == self.destination.fills[leaf.deposit].relayer
        if leaf.kind == "refund":
            return now > deposit.deadline and not self.has_valid_fill(leaf.deposit) and leaf.to == deposit.depositor
        return False


class HubPool:
    """Holds proposed bundles and defers to the trust model for which may execute (Across `proposeRootBundle`,
    `executeRootBundle`). It never judges a leaf itself: that is the disputers' job, through the verifier."""

    def __init__(self, verifier: Any, slots: int) -> None:
        self.verifier = verifier
        self.slots = slots
        self.bundles: dict[int, ProposedBundle] = {}

    def is_disputed(self, bundle_id: int) -> bool:
        """A dispute is whatever the trust model's evidence says; aggregate models prefix the field (`v0_...`)."""
        if bundle_id not in self.bundles:
            return False
        evidence = self.verifier.evidence(bundle_id)
        return any(
            value is True and (key == "challenged" or key.endswith("_challenged")) for key, value in evidence.items()
        )

    def is_pending(self, bundle_id: int) -> bool:
        bundle = self.bundles.get(bundle_id)
        return bundle is not None and not bundle.executed and not self.is_disputed(bundle_id)

    def propose_root_bundle(self, bundle_id: int, leaf: Leaf, honest: bool, ctx: LiquidityContext) -> None:
        """Only one bundle may be pending at a time, as in Across; the evidence the proposer can produce depends on
        whether its leaf is true, which only the caller (who consulted the dataworker) knows."""
        require(0 <= bundle_id < self.slots, "propose: no such bundle slot")
        require(bundle_id not in self.bundles, "propose: bundle slot already used")
        require(not any(self.is_pending(b) for b in self.bundles), "propose: another bundle is pending")
        require(leaf.amount >= 1, "propose: amount must be >= 1")
        # The verifier may itself refuse; it goes first so a refusal there leaves the hub untouched.
        if honest:
            self.verifier.attest(bundle_id, leaf.digest(), ctx)
        else:
            self.verifier.forge(bundle_id, leaf.digest(), ctx)
        self.bundles[bundle_id] = ProposedBundle(leaf=leaf)

    def execute_root_bundle(self, bundle_id: int, kind: str, ctx: LiquidityContext, spoke: OriginSpokePool) -> None:
        """Whether the bundle may execute is the trust model's call alone (a dispute counts only through it); the
        spoke then pays the leaf. Repayments and refunds are separate entry points, so each names its kind."""
        action = "execute_bundle" if kind == "repay" else "refund"
        require(bundle_id in self.bundles, f"{action}: bundle not proposed")
        bundle = self.bundles[bundle_id]
        require(not bundle.executed, f"{action}: bundle already executed")
        require(bundle.leaf.kind == kind, f"{action}: bundle is not a {kind} bundle")
        require(self.verifier.accepts(bundle_id, bundle.leaf.digest(), ctx), f"{action}: trust model does not accept")
        spoke.execute_leaf(bundle.leaf, action)  # checks the pool before it moves anything
        bundle.executed = True


# ---------------------------------------------------------------------------------------------------------------
# The deployment the generic driver talks to
# ---------------------------------------------------------------------------------------------------------------


class LiquidityDeployment:
    """Both chains, their contracts and the off-chain actors' policies, wired together for one scenario.

    It is also the trust model's "subject": the watcher reads the proposed bundles and asks the dataworker which
    are fraudulent.
    """

    def __init__(self, params: Any, messages: int, supply: int, verifier: Any) -> None:
        self.params = params
        self.messages = messages
        self.supply = supply
        self.verifier = verifier
        self.clock: Any = None
        self.fill_window: int = params.fill_window
        self.adversary_relayer: bool = params.adversary_relayer
        self.faults: frozenset[str] = frozenset(params.faults)
        origin_token = Token("origin", {DEPOSITOR: supply, LIQUIDITY_PROVIDER: supply})
        destination_token = Token("destination", {HONEST_RELAYER: supply, ADVERSARY: supply})
        self.origin = OriginSpokePool(origin_token, self.fill_window, messages)
        self.destination = DestinationSpokePool(
            destination_token, check_fill_deadline=UNCHECKED_FILL_DEADLINE not in self.faults
        )
        self.dataworker = Dataworker(self.origin, self.destination)
        self.hub = HubPool(verifier, params.bundles)

    # -- the world as the verifier sees it ------------------------------------------------------------------------

    def _now(self) -> int:
        return self.clock.now

    def context(self) -> LiquidityContext:
        return LiquidityContext(now=self._now(), height=0)

    # -- the trust model's subject ----------------------------------------------------------------------------------

    def claim_ids(self) -> list[int]:
        return sorted(self.hub.bundles)

    def is_fraudulent(self, bundle: int) -> bool:
        """An unproposed slot has no leaf to be wrong about, so it is not fraudulent."""
        proposed = self.hub.bundles.get(bundle)
        if proposed is None:
            return False
        return not self.dataworker.leaf_is_valid(proposed.leaf, self._now())

    def is_executed(self, bundle: int) -> bool:
        proposed = self.hub.bundles.get(bundle)
        return proposed is not None and proposed.executed

    # -- actions ------------------------------------------------------------------------------------------------------

    def deposit(self, amount: int) -> None:
        self.origin.deposit(DEPOSITOR, amount, self._now())

    def fill(self, deposit_id: int, relayer: str, recipient: str, amount: int) -> None:
        """Who may relay is an actor rule (only rick, and mallory when the adversary relays); what rick fills is an
        honest relayer's policy, applied whatever the destination contract would let through."""
        now = self._now()
        require(
            relayer == HONEST_RELAYER or (relayer == ADVERSARY and self.adversary_relayer),
            "fill: this party does not relay",
        )
        deposit = self.origin.deposits.get(deposit_id)
        if relayer == HONEST_RELAYER:
            self._honest_relayer_would_fill(deposit, recipient, amount, now)
        self.destination.fill_relay(
            deposit_id, relayer, recipient, amount, None if deposit is None else deposit.deadline, now
        )

    @staticmethod
    def _honest_relayer_would_fill(deposit: Deposit | None, recipient: str, amount: int, now: int) -> None:
        """Rick fills only what the dataworker will repay: a real deposit, exactly, in time. This holds even under
        `unchecked_fill_deadline`, which weakens the contract, not rick."""
        require(deposit is not None, "fill: honest relayer fills only deposited ids")
        if deposit is not None:
            require(recipient == deposit.depositor, "fill: honest relayer pays only the depositor")
            require(amount == deposit.amount, "fill: honest relayer pays exactly the deposit's amount")
            require(now <= deposit.deadline, "fill: honest relayer does not fill after the deadline")

    def propose_bundle(self, bundle: int, kind: str, deposit: int, to: str, amount: int) -> None:
        require(kind in KINDS, "propose: unknown leaf kind")
        leaf = Leaf(kind=kind, deposit=deposit, to=to, amount=amount)
        honest = self.dataworker.leaf_is_valid(leaf, self._now())
        self.hub.propose_root_bundle(bundle, leaf, honest, self.context())

    def execute_bundle(self, bundle: int) -> None:
        self.hub.execute_root_bundle(bundle, "repay", self.context(), self.origin)

    def refund(self, bundle: int) -> None:
        self.hub.execute_root_bundle(bundle, "refund", self.context(), self.origin)

    def add_liquidity(self, amount: int) -> None:
        self.origin.add_liquidity(LIQUIDITY_PROVIDER, amount)

    def remove_liquidity(self, amount: int) -> None:
        self.origin.remove_liquidity(LIQUIDITY_PROVIDER, amount)

    # -- observation --------------------------------------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        deposits = self.origin.deposits
        fills = self.destination.fills
        bundles = self.hub.bundles
        return {
            "balance_origin": {p: self.origin.token.balance_of(p) for p in PARTIES},
            "balance_destination": {p: self.destination.token.balance_of(p) for p in PARTIES},
            "pool": self.origin.pool(),
            "shares": {p: self.origin.shares.get(p, 0) for p in PARTIES},
            "next_deposit": self.origin.next_deposit,
            "deposited": {d: True for d in sorted(deposits)},
            "deposit_depositor": {d: deposits[d].depositor for d in sorted(deposits)},
            "deposit_amount": {d: deposits[d].amount for d in sorted(deposits)},
            "deposit_deadline": {d: deposits[d].deadline for d in sorted(deposits)},
            "filled": {d: True for d in sorted(fills)},
            "fill_relayer": {d: fills[d].relayer for d in sorted(fills)},
            "fill_recipient": {d: fills[d].recipient for d in sorted(fills)},
            "fill_amount": {d: fills[d].amount for d in sorted(fills)},
            "fill_filled_at": {d: fills[d].filled_at for d in sorted(fills)},
            "settled_repaid": {d: self.origin.repaid[d] for d in range(self.messages)},
            "settled_refunded": {d: self.origin.refunded[d] for d in range(self.messages)},
            "proposed": {b: True for b in sorted(bundles)},
            "bundle_kind": {b: bundles[b].leaf.kind for b in sorted(bundles)},
            "bundle_deposit": {b: bundles[b].leaf.deposit for b in sorted(bundles)},
            "bundle_to": {b: bundles[b].leaf.to for b in sorted(bundles)},
            "bundle_amount": {b: bundles[b].leaf.amount for b in sorted(bundles)},
            "bundle_executed": {b: bundles[b].executed for b in sorted(bundles)},
        }


# ---------------------------------------------------------------------------------------------------------------
# The actions as the generic driver calls them
# ---------------------------------------------------------------------------------------------------------------


def deposit(dep: LiquidityDeployment, amount: int) -> None:
    dep.deposit(amount)


def fill(dep: LiquidityDeployment, id: int, relayer: str, recipient: str, amount: int) -> None:  # noqa: A002
    dep.fill(id, relayer, recipient, amount)


def propose_bundle(dep: LiquidityDeployment, bundle: int, kind: str, deposit: int, to: str, amount: int) -> None:
    dep.propose_bundle(bundle, kind, deposit, to, amount)


def execute_bundle(dep: LiquidityDeployment, bundle: int) -> None:
    dep.execute_bundle(bundle)


def refund(dep: LiquidityDeployment, bundle: int) -> None:
    dep.refund(bundle)


def add_liquidity(dep: LiquidityDeployment, amount: int) -> None:
    dep.add_liquidity(amount)


def remove_liquidity(dep: LiquidityDeployment, amount: int) -> None:
    dep.remove_liquidity(amount)
