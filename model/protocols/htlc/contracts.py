"""Concrete reference implementation of the `htlc` family (SEMANTICS.md, "Family `htlc`").

The swap is played on contracts shaped like the on-chain ones: a token ledger per chain and one
`HashedTimelock` per chain that escrows a payer's coins under `H(s)` and a timeout. The contracts know
nothing of honesty; what an honest participant would or would not sign (the "(honest)" rules and the
urgency of `wait`) lives in the module-level actions and in `HtlcDeployment`, the way a participant's
wallet policy sits outside the chain. This half is written from the specification only, so that a
disagreement with the symbolic model points at a misreading on one side rather than a shared one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any, Final, Literal, Protocol

from bridgeproof.model.reference.guard import require

Party = Literal["alice", "bob"]
Chain = Literal["a", "b"]
Status = Literal["locked", "claimed", "refunded"]

PARTIES: Final[tuple[Party, Party]] = ("alice", "bob")
CHAINS: Final[tuple[Chain, Chain]] = ("a", "b")
LOCKED: Final = "locked"
CLAIMED: Final = "claimed"
REFUNDED: Final = "refunded"

# Any fixed bytes do: the model only needs a preimage alice has and bob lacks until a claim publishes it.
ALICE_SECRET: Final = b"bridgeproof/htlc/alice-secret"


class Clock(Protocol):
    """The driver's clock: the deployment only ever reads it, so time moves in one place."""

    now: int


def digest(preimage: bytes) -> bytes:
    """`H`, the hash both locks commit to (BIP-199 uses SHA-256)."""
    return hashlib.sha256(preimage).digest()


def payer_of(chain: Chain) -> Party:
    """Who funds the lock on `chain`: each party locks on the chain where it holds coins."""
    return "alice" if chain == "a" else "bob"


def payee_of(chain: Chain) -> Party:
    """Who the lock on `chain` pays on a claim: the counterparty of its payer."""
    return "bob" if chain == "a" else "alice"


def other_party(party: Party) -> Party:
    """The counterparty, so the honest side can be derived from the adversary's."""
    return "bob" if party == "alice" else "alice"


class TokenLedger:
    """The token on one chain; escrowed coins sit in the HTLC's own account, as with an ERC-20 `transferFrom`."""

    def __init__(self, chain: Chain, balances: dict[str, int]) -> None:
        self.chain: Chain = chain
        self._balances: dict[str, int] = dict(balances)

    def balance_of(self, account: str) -> int:
        """Unknown accounts hold nothing, as on a real ledger."""
        return self._balances.get(account, 0)

    def transfer(self, sender: str, recipient: str, amount: int) -> None:
        """Move coins or revert without touching either balance."""
        require(amount >= 1, "amount must be positive")
        require(self.balance_of(sender) >= amount, "insufficient balance")
        self._balances[sender] = self.balance_of(sender) - amount
        self._balances[recipient] = self.balance_of(recipient) + amount


@dataclass(frozen=True)
class LockRecord:
    """One swap leg; frozen so a settlement is a single replacement after every check has passed."""

    sender: Party
    receiver: Party
    amount: int
    hashlock: bytes
    timeout: int
    locked_at: int
    status: Status = LOCKED
    preimage: bytes | None = None
    claimed_at: int | None = None


class HashedTimelock:
    """The HTLC on one chain.

    It holds at most one lock over its whole life: SEMANTICS.md allows a single lock per chain (no re-lock after a
    refund), so a slot that was ever filled stays filled. `claim_expires` is the account-based variant (Solidity
    HTLCs stop claims at the timeout); without it the claim branch is unbounded, as in BIP-199's script, and races
    the refund. `refund_works = False` is the `no_refund` fault: the refund path exists but always reverts.
    """

    def __init__(self, chain: Chain, token: TokenLedger, *, claim_expires: bool, refund_works: bool) -> None:
        self.chain: Chain = chain
        self.token: TokenLedger = token
        self.claim_expires: bool = claim_expires
        self.refund_works: bool = refund_works
        self._lock: LockRecord | None = None

    @property
    def address(self) -> str:
        """The escrow account on the ledger, distinct from both parties so their balances exclude locked coins."""
        return f"htlc_{self.chain}"

    @property
    def current(self) -> LockRecord | None:
        """Public contract storage: anyone (in particular the counterparty) can read the lock and a revealed `s`."""
        return self._lock

    def lock(
        self, sender: Party, receiver: Party, amount: int, hashlock: bytes, timeout: int, now: int
    ) -> None:
        """Escrow `amount` of `sender` for `receiver` until `timeout`."""
        require(self._lock is None, "lock already made on this chain")
        require(amount >= 1, "amount must be positive")
        require(self.token.balance_of(sender) >= amount, "payer balance below the amount")
        self.token.transfer(sender, self.address, amount)
        self._lock = LockRecord(sender, receiver, amount, hashlock, timeout, locked_at=now)

    def claim(self, caller: Party, preimage: bytes, now: int) -> None:
        """Pay the receiver against a preimage of the hashlock; the preimage becomes public storage."""
        lock = self._lock
        require(lock is not None, "no lock on this chain")
        assert lock is not None
        require(lock.status == LOCKED, "lock is not locked")
        require(caller == lock.receiver, "only the receiver claims")
        require(digest(preimage) == lock.hashlock, "preimage does not match the hashlock")
        if self.claim_expires:
            require(now < lock.timeout, "claim after the timeout")
        self.token.transfer(self.address, lock.receiver, lock.amount)
        self._lock = replace(lock, status=CLAIMED, preimage=preimage, claimed_at=now)

    def refund(self, caller: Party, now: int) -> None:
        """Give the coins back to the sender once the timeout is reached."""
        lock = self._lock
        require(lock is not None, "no lock on this chain")
        assert lock is not None
        require(lock.status == LOCKED, "lock is not locked")
        require(caller == lock.sender, "only the sender refunds")
        require(now >= lock.timeout, "refund before the timeout")
        require(self.refund_works, "refund path is broken (no_refund)")
        self.token.transfer(self.address, lock.sender, lock.amount)
        self._lock = replace(lock, status=REFUNDED)


@dataclass(frozen=True)
class Participant:
    """A party's private knowledge; bob's copy of `s` is never stored, he reads it off the chains when published."""

    name: Party
    secret: bytes | None


class HtlcDeployment:
    """The two chains, their contracts and the two participants of one swap scenario."""

    def __init__(self, params: Any) -> None:
        contract = params.contract
        if contract not in ("account", "script"):
            raise ValueError(f"htlc: contract must be 'account' or 'script', not {contract!r}")
        if params.adversary not in PARTIES:
            raise ValueError(f"htlc: adversary must be 'alice' or 'bob', not {params.adversary!r}")
        if params.t_b < 1 or params.margin < 0 or params.delta < 0:
            raise ValueError("htlc: need t_b >= 1, margin >= 0 and delta >= 0")
        if params.amount_a < 1 or params.amount_b < 1:
            raise ValueError("htlc: amounts must be >= 1")
        self.contract: str = contract
        self.delta: int = int(params.delta)
        self.adversary: Party = params.adversary
        self.honest: Party = other_party(params.adversary)
        self.no_refund: bool = "no_refund" in params.faults
        self._timeouts: dict[Chain, int] = {"a": int(params.t_b) + int(params.margin), "b": int(params.t_b)}
        self._amounts: dict[Chain, int] = {"a": int(params.amount_a), "b": int(params.amount_b)}
        self.participants: dict[Party, Participant] = {
            "alice": Participant("alice", ALICE_SECRET),
            "bob": Participant("bob", None),
        }
        # Both parties agreed off-chain on H(s) and the timeouts; each lock is made against these terms.
        self.hashlock: bytes = digest(ALICE_SECRET)
        self.ledgers: dict[Chain, TokenLedger] = {
            "a": TokenLedger("a", {"alice": self._amounts["a"], "bob": 0}),
            "b": TokenLedger("b", {"alice": 0, "bob": self._amounts["b"]}),
        }
        self.htlcs: dict[Chain, HashedTimelock] = {
            chain: HashedTimelock(
                chain,
                self.ledgers[chain],
                claim_expires=contract == "account",
                refund_works=not (chain == "a" and self.no_refund),
            )
            for chain in CHAINS
        }
        self.clock: Clock | None = None

    @property
    def now(self) -> int:
        """Block time on both chains; one clock, since SEMANTICS.md has a single `now`."""
        if self.clock is None:
            raise RuntimeError("htlc: the driver must install a clock before any action")
        return self.clock.now

    def timeout(self, chain: Chain) -> int:
        """`T_chain` from the agreed terms."""
        return self._timeouts[chain]

    def amount(self, chain: Chain) -> int:
        """What the payer of `chain` swaps."""
        return self._amounts[chain]

    def lock_on(self, chain: Chain) -> LockRecord | None:
        """The public state of the lock on `chain`, if one was made."""
        return self.htlcs[chain].current

    def revelation(self) -> tuple[bool, int]:
        """Whether `s` is public and since when: the first claim on either chain publishes it."""
        times = [
            lock.claimed_at
            for lock in (self.lock_on(chain) for chain in CHAINS)
            if lock is not None and lock.preimage is not None and lock.claimed_at is not None
        ]
        return (True, min(times)) if times else (False, 0)

    def preimage_known_to(self, party: Party) -> bytes | None:
        """A party knows `s` if it always did, or once a claim has written it into public contract storage."""
        own = self.participants[party].secret
        if own is not None:
            return own
        for chain in CHAINS:
            lock = self.lock_on(chain)
            if lock is not None and lock.preimage is not None:
                return lock.preimage
        return None

    def deadlines(self) -> list[tuple[str, int]]:
        """The honest party's pending obligations that would still be valid at their deadline `D`.

        The adversary schedules time but can hold an honest transaction back by at most `delta`, so letting time
        run past such a `D` would model an honest party that missed an action it could and would have taken.
        """
        found: list[tuple[str, int]] = []
        lock_a, lock_b = self.lock_on("a"), self.lock_on("b")
        if self.honest == "bob":
            revealed, revealed_at = self.revelation()
            if revealed and lock_a is not None and lock_a.status == LOCKED:
                due = revealed_at + 1 + self.delta
                if self.contract == "script" or due < lock_a.timeout:
                    found.append(("honest bob must claim a", due))
        elif lock_b is not None and lock_b.status == LOCKED and lock_a is not None:
            due = lock_b.locked_at + 1 + self.delta
            if self.contract == "script" or due < lock_b.timeout:
                found.append(("honest alice must claim b", due))
        own: Chain = "a" if self.honest == "alice" else "b"
        own_lock = self.lock_on(own)
        if own_lock is not None and own_lock.status == LOCKED and self.htlcs[own].refund_works:
            found.append((f"honest {self.honest} must refund {own}", own_lock.timeout + self.delta))
        return found

    def check_wait(self, seconds: int) -> None:
        """Refuse a wait that would carry `now` past a deadline of the honest party (reaching it exactly is fine)."""
        require(seconds >= 1, "wait needs seconds >= 1")
        until = self.now + seconds
        for obligation, due in self.deadlines():
            require(until <= due, f"{obligation} by {due}")

    def read(self) -> dict[str, Any]:
        """The observable variables, rebuilt from contract storage so the caller can never alias it."""
        locks = {chain: lock for chain in CHAINS if (lock := self.lock_on(chain)) is not None}
        revealed, revealed_at = self.revelation()
        return {
            "balance_a": {party: self.ledgers["a"].balance_of(party) for party in PARTIES},
            "balance_b": {party: self.ledgers["b"].balance_of(party) for party in PARTIES},
            "lock_made": {chain: True for chain in locks},
            "lock_status": {chain: str(lock.status) for chain, lock in locks.items()},
            "lock_amount": {chain: lock.amount for chain, lock in locks.items()},
            "lock_timeout": {chain: lock.timeout for chain, lock in locks.items()},
            "lock_locked_at": {chain: lock.locked_at for chain, lock in locks.items()},
            "revealed": revealed,
            "revealed_at": revealed_at,
        }


def lock(dep: HtlcDeployment, chain: Chain) -> None:
    """The payer of `chain` escrows its coins under the agreed hashlock and `T_chain`."""
    payer = payer_of(chain)
    if payer == dep.honest:
        # An honest party does not open a swap whose lock would already have timed out.
        require(dep.now < dep.timeout(chain), "an honest party locks only before its lock's timeout")
    if chain == "b" and dep.honest == "bob":
        # Honest bob only commits against a live commitment of alice's, else he could lose his coins for nothing.
        lock_a = dep.lock_on("a")
        require(lock_a is not None and lock_a.status == LOCKED, "honest bob locks only after alice's live lock on a")
    dep.htlcs[chain].lock(payer, payee_of(chain), dep.amount(chain), dep.hashlock, dep.timeout(chain), dep.now)


def claim(dep: HtlcDeployment, chain: Chain) -> None:
    """The payee of `chain` takes the lock by submitting the preimage it knows."""
    payee = payee_of(chain)
    preimage = dep.preimage_known_to(payee)
    require(preimage is not None, f"{payee} does not know the secret")
    assert preimage is not None
    if chain == "a" and dep.honest == "bob":
        # He learns `s` from chain b's event, which he can act on only from the next second.
        _, revealed_at = dep.revelation()
        require(dep.now >= revealed_at + 1, "honest bob sees the secret only the second after it is revealed")
    if chain == "b" and dep.honest == "alice":
        # Claiming b without having locked a would take bob's coins for nothing: an honest party only swaps.
        require(dep.lock_on("a") is not None, "honest alice claims b only after locking a")
    dep.htlcs[chain].claim(payee, preimage, dep.now)


def refund(dep: HtlcDeployment, chain: Chain) -> None:
    """The payer of `chain` takes its coins back after the timeout."""
    dep.htlcs[chain].refund(payer_of(chain), dep.now)
