"""Concrete reference implementation of the `lending` family (SEMANTICS.md, "Family `lending`").

Written as the real hub-and-spoke money market is (Folks Finance xChain: hub/LoanManager.sol,
hub/logic/LiquidationLogic.sol, spoke/SpokeToken.sol, bridge/BridgeRouter.sol; Aave v3
ValidationLogic.sol and LiquidationLogic.sol for the health checks), one contract per role:

- `Market`: the true price of the collateral token (the adversary moves it within the band);
- `Oracle`: the hub's price feed, its last report and when it was made;
- `Bridge`: the message layer between the spoke (chain A) and the hub (chain B): one collateral
  message (deposit, release, seize) and one repayment per position can be in flight, each
  deliverable `latency` seconds after it was sent;
- `Spoke`: holds the collateral lots (with the borrower, locked in the pool, or handed to the
  liquidator) and sends deposits and repayments;
- `Hub`: the loans (collateral credited or not, debt, totals), the health checks against the
  oracle, liquidations and the bad-debt ledger. With `manipulation_bps = M > 0` the price the hub
  reads can be pushed within the caller's transaction: `borrow` checks the LTV at the report up to
  `M` bps high, `liquidate` the threshold at the report up to `M` bps low (SEMANTICS.md,
  "Manipulable oracle"); the reports themselves, and the honest liquidator's urgency, are unchanged.

The observable `status` of a position is not stored anywhere: it is derived from the bridge (a
collateral message in flight) and the hub's loan (credited, seized), as an indexer would. What an
honest keeper, relayer or liquidator must do in time (SEMANTICS.md, Urgency) lives in
`LendingDeployment.check_wait`, outside the contracts.

Arithmetic is plain Python integers; every ratio is compared by cross-multiplying, and the one
division (what a seized lot fetches, less the bonus) rounds down, as the specification says. Every
refusal is a `Revert` raised by `require` before any write, and the driver restores the deployment.
This half is written from SEMANTICS.md alone, never from the symbolic half.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol

from bridgeproof.model.reference.guard import require

BPS: Final = 10_000
"""100 % in basis points."""

HUB_LOCAL: Final = "hub_local"
CROSS_CHAIN: Final = "cross_chain"

# Message kinds on the bridge.
DEPOSIT: Final = "deposit"  # spoke -> hub: credit the lot locked in the spoke pool
RELEASE: Final = "release"  # hub -> spoke: give the lot back to the borrower
SEIZE: Final = "seize"  # hub -> spoke: hand the lot to the liquidator (cross_chain liquidation)
MessageKind = Literal["deposit", "release", "seize"]

# Where the hub says a loan's collateral is.
NONE: Final = "none"  # nothing credited (never deposited, or debited for a withdrawal)
CREDITED: Final = "credited"  # the lot backs the loan
SEIZING: Final = "seizing"  # liquidated, seize command sent, debt still on the books
SEIZED: Final = "seized"  # the lot belongs to the liquidator; final
HubCollateral = Literal["none", "credited", "seizing", "seized"]

# Where the spoke says a lot is.
BORROWER: Final = "borrower"
POOL: Final = "pool"
LIQUIDATOR: Final = "liquidator"
LotHolder = Literal["borrower", "pool", "liquidator"]

STATUS_OF_MESSAGE: Final[dict[str, str]] = {DEPOSIT: "depositing", RELEASE: "withdrawing", SEIZE: "seizing"}


class Clock(Protocol):
    """The driver's clock (installed by the clock feature): the deployment only reads it."""

    now: int


def band_bps(volatility: int, heartbeat: int) -> int:
    """`D = V * H // 3600` (floor): how far, in bps of the last report, the market may stray from it."""
    return volatility * heartbeat // 3600


def proceeds(collateral: int, price: int, bonus_bps: int) -> int:
    """What the liquidator pays for the lot at market `price`: its value less the bonus, rounded down.

    `floor(C * price * 10000 / (10000 + bonus))`: the largest integer x with
    `x * (10000 + bonus) <= C * price * 10000`.
    """
    return collateral * price * BPS // (BPS + bonus_bps)


# ---------------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A message on the bridge. `amount` is the repayment's (0 for collateral messages)."""

    kind: str
    position: int
    sent_at: int
    amount: int = 0


@dataclass
class Loan:
    """The hub's record of one position (Folks `UserLoan`, one collateral and one borrow)."""

    collateral: str = NONE
    debt: int = 0
    borrowed: int = 0
    repaid: int = 0
    liq_price: int = 0
    liq_debt: int = 0


# ---------------------------------------------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------------------------------------------


class Market:
    """The true market price of one whole collateral token, in base units (1e-8 USD)."""

    def __init__(self, initial_price: int) -> None:
        self.price: int = initial_price

    def move(self, new_price: int, oracle: Oracle, band: int, now: int) -> None:
        """The market moves within the band around the last report, from the second after it on."""
        require(new_price >= 1, "price_move: price must be >= 1")
        require(now >= oracle.at + 1, "price_move: not in the second of an oracle report")
        # |new - reported| <= D * reported / 10000, cross-multiplied (exact, no rounding).
        require(
            abs(new_price - oracle.price) * BPS <= band * oracle.price,
            "price_move: outside the volatility band around the last report",
        )
        self.price = new_price


class Oracle:
    """The hub's price feed: Chainlink-style reports of the market price, one per heartbeat."""

    def __init__(self, initial_price: int, heartbeat: int) -> None:
        self.price: int = initial_price
        self.at: int = 0
        self.heartbeat: int = heartbeat

    def report(self, market_price: int, now: int) -> None:
        require(now >= self.at + self.heartbeat, "oracle_update: the heartbeat has not elapsed")
        self.price = market_price
        self.at = now


class Bridge:
    """Reliable delivery after exactly `latency` seconds; one collateral and one repayment slot per position.

    `last_*_sent_at` keep the time of the last message of each kind after delivery (the observable
    `sent_at` and `repay_sent_at`).
    """

    def __init__(self, positions: tuple[int, ...], latency: int) -> None:
        self.latency: int = latency
        self.collateral: dict[int, Message | None] = {p: None for p in positions}
        self.repayment: dict[int, Message | None] = {p: None for p in positions}
        self.last_collateral_sent_at: dict[int, int] = {p: 0 for p in positions}
        self.last_repay_sent_at: dict[int, int] = {p: 0 for p in positions}

    def send_collateral(self, kind: MessageKind, position: int, now: int) -> None:
        require(self.collateral[position] is None, f"bridge: a collateral message of position {position} is in flight")
        self.collateral[position] = Message(kind, position, now)
        self.last_collateral_sent_at[position] = now

    def send_repayment(self, position: int, amount: int, now: int) -> None:
        require(self.repayment[position] is None, f"bridge: a repayment of position {position} is in flight")
        self.repayment[position] = Message("repay", position, now, amount)
        self.last_repay_sent_at[position] = now

    def take_collateral(self, position: int, now: int) -> Message:
        """The collateral message of `position`, once it may be delivered (removed from the bridge)."""
        msg = self.collateral[position]
        require(msg is not None, f"deliver: no collateral message of position {position} in flight")
        assert msg is not None
        require(now >= msg.sent_at + self.latency, "deliver: the message has not arrived yet")
        self.collateral[position] = None
        return msg

    def take_repayment(self, position: int, now: int) -> Message:
        msg = self.repayment[position]
        require(msg is not None, f"deliver_repay: no repayment of position {position} in flight")
        assert msg is not None
        require(msg.amount >= 1, "deliver_repay: empty repayment")
        require(now >= msg.sent_at + self.latency, "deliver_repay: the repayment has not arrived yet")
        self.repayment[position] = None
        return msg

    def in_flight(self, position: int) -> Message | None:
        return self.collateral[position]

    def repaying(self, position: int) -> int:
        msg = self.repayment[position]
        return 0 if msg is None else msg.amount


class Spoke:
    """The spoke chain's pool (Folks `SpokeToken`): it holds the collateral lots and sends messages to the hub."""

    def __init__(self, positions: tuple[int, ...], bridge: Bridge) -> None:
        self.bridge = bridge
        self.lots: dict[int, str] = {p: BORROWER for p in positions}
        self.repayments_received: int = 0
        """Debt tokens paid in on the spoke (not observed: the debt asset is the unit, not a balance)."""

    def deposit(self, position: int, now: int) -> None:
        """Lock the borrower's lot in the pool and tell the hub (credited on arrival)."""
        require(self.lots[position] == BORROWER, "deposit_collateral: the lot is not in the borrower's wallet")
        self.lots[position] = POOL
        self.bridge.send_collateral(DEPOSIT, position, now)

    def repay(self, position: int, amount: int, now: int) -> None:
        """Take the repayment on the spoke and tell the hub (credited on arrival)."""
        require(amount >= 1, "repay: amount must be >= 1")
        require(self.bridge.repaying(position) == 0, "repay: a repayment is already in flight")
        self.bridge.send_repayment(position, amount, now)
        self.repayments_received += amount

    def release(self, position: int) -> None:
        """The hub debited the lot: give it back to the borrower."""
        require(self.lots[position] == POOL, "release: the lot is not in the pool")
        self.lots[position] = BORROWER

    def seize(self, position: int) -> None:
        """The hub liquidated the loan: hand the lot to the liquidator."""
        require(self.lots[position] == POOL, "seize: the lot is not in the pool")
        self.lots[position] = LIQUIDATOR


class Hub:
    """The hub's LoanManager: loans, health checks at the oracle price, liquidation and bad debt.

    Deposits and repayments are credited when their message arrives; borrows and withdrawals are
    debited here before anything is sent (protocols.md 9c).
    """

    def __init__(
        self,
        positions: tuple[int, ...],
        *,
        collateral: int,
        ltv_bps: int,
        lt_bps: int,
        bonus_bps: int,
        liquidation: str,
        oracle: Oracle,
        bridge: Bridge,
        manipulation_bps: int = 0,
    ) -> None:
        self.collateral_per_lot = collateral
        self.ltv_bps = ltv_bps
        self.lt_bps = lt_bps
        self.bonus_bps = bonus_bps
        self.manipulation_bps = manipulation_bps
        """`M`: how far, in bps of the last report, the caller can push the price the hub reads within its own
        transaction (a spot pool or a short TWAP): a borrower reads it up to `M` high, a liquidator up to
        `M` low. 0 is a feed nobody can move."""
        self.liquidation = liquidation
        self.oracle = oracle
        self.bridge = bridge
        self.loans: dict[int, Loan] = {p: Loan() for p in positions}
        self.bad_debt: int = 0
        self.refunded_excess: int = 0
        """Repayments beyond the debt, sent back to their payer (not observed)."""

    # --- views ---------------------------------------------------------------------------------------
    def lot_value_times_bps(self, price: int, factor_bps: int) -> int:
        """`C * price * factor_bps`: the lot's value weighted by a factor in bps (x 10000)."""
        return self.collateral_per_lot * price * factor_bps

    def liquidatable(self, position: int) -> bool:
        """HF < 1 at the oracle price: `C * oracle.price * LT < debt * 10000`, for a credited lot with debt.

        This is the report itself, what the honest liquidator's urgency watches (never the manipulated read).
        """
        loan = self.loans[position]
        return (
            loan.collateral == CREDITED
            and loan.debt >= 1
            and self.lot_value_times_bps(self.oracle.price, self.lt_bps) < loan.debt * BPS
        )

    def liquidatable_at_low_read(self, position: int) -> bool:
        """HF < 1 at the lowest price a liquidator can make the hub read, `oracle.price * (10000 - M) / 10000`:
        `C * oracle.price * (10000 - M) * LT < debt * 10000 * 10000` (cross-multiplied, exact), for a credited
        lot with debt. With `M = 0` this is `liquidatable`; with `M >= 10000` the read can reach 0 (the left
        side is then <= 0, below any debt >= 1), so every indebted credited lot qualifies.
        """
        loan = self.loans[position]
        return (
            loan.collateral == CREDITED
            and loan.debt >= 1
            and self.lot_value_times_bps(self.oracle.price, self.lt_bps) * (BPS - self.manipulation_bps)
            < loan.debt * BPS * BPS
        )

    # --- messages arriving from the spoke ------------------------------------------------------------
    def credit_collateral(self, position: int) -> None:
        loan = self.loans[position]
        require(loan.collateral == NONE, "deposit: the loan already has its lot")
        loan.collateral = CREDITED

    def credit_repayment(self, position: int, amount: int) -> None:
        """Credit `min(amount, debt)`; the excess (e.g. after a liquidation settled) goes back to the payer."""
        loan = self.loans[position]
        credited = min(amount, loan.debt)
        loan.debt -= credited
        loan.repaid += credited
        self.refunded_excess += amount - credited

    # --- user operations at the hub ------------------------------------------------------------------
    def borrow(self, position: int, amount: int) -> None:
        loan = self.loans[position]
        require(loan.collateral == CREDITED, "borrow: no credited collateral (status is not held)")
        require(amount >= 1, "borrow: amount must be >= 1")
        # The borrower reads the report up to M bps high: `(debt + amount) * 10000 * 10000 <=
        # C * oracle.price * (10000 + M) * LTV` (cross-multiplied, exact; with M = 0 it is the plain LTV check).
        require(
            (loan.debt + amount) * BPS * BPS
            <= self.lot_value_times_bps(self.oracle.price, self.ltv_bps) * (BPS + self.manipulation_bps),
            "borrow: the debt would exceed the loan-to-value limit at the (highest readable) oracle price",
        )
        loan.debt += amount
        loan.borrowed += amount

    def withdraw(self, position: int, now: int) -> None:
        """Debit the lot first, then send the release to the spoke."""
        loan = self.loans[position]
        require(loan.collateral == CREDITED, "withdraw_collateral: no credited collateral (status is not held)")
        require(loan.debt == 0, "withdraw_collateral: the loan still owes")
        loan.collateral = NONE
        self.bridge.send_collateral(RELEASE, position, now)

    # --- liquidation -----------------------------------------------------------------------------------
    def liquidate(self, position: int, market_price: int, now: int) -> None:
        """Full liquidation of an unhealthy loan: settled here at once (hub_local), or by a seize command."""
        # The liquidator reads the report up to M bps low (M = 0: the report itself).
        require(
            self.liquidatable_at_low_read(position),
            "liquidate: the position is not liquidatable at the (lowest readable) oracle price",
        )
        loan = self.loans[position]
        if self.liquidation == HUB_LOCAL:
            # Folks `LoanManager.liquidate`: the liquidator's own hub loan takes the collateral; no message,
            # the lot stays in the spoke pool, now owed to the liquidator.
            self.settle(position, market_price)
            loan.collateral = SEIZED
        else:
            # The debt stays on the books until the seize completes on the spoke.
            loan.collateral = SEIZING
            self.bridge.send_collateral(SEIZE, position, now)

    def complete_seize(self, position: int, market_price: int) -> None:
        loan = self.loans[position]
        require(loan.collateral == SEIZING, "seize: the loan is not being seized")
        self.settle(position, market_price)
        loan.collateral = SEIZED

    def settle(self, position: int, market_price: int) -> None:
        """The liquidation completes: the liquidator pays what the lot fetches at the market, less the bonus
        (rounded down), up to the debt; the rest of the debt is written off as bad debt."""
        loan = self.loans[position]
        covered = min(loan.debt, proceeds(self.collateral_per_lot, market_price, self.bonus_bps))
        loan.liq_price = market_price
        loan.liq_debt = loan.debt
        self.bad_debt += loan.debt - covered
        loan.debt = 0


# ---------------------------------------------------------------------------------------------------------------
# The deployment: the contracts of one scenario, and the honest parties' deadlines
# ---------------------------------------------------------------------------------------------------------------


class LendingDeployment:
    """A spoke, a hub, the bridge between them, the oracle and the market, for one `Lending` configuration."""

    def __init__(self, params: Any) -> None:
        self.positions: tuple[int, ...] = tuple(range(int(params.positions)))
        self.liquidation: str = params.liquidation
        if self.liquidation not in (HUB_LOCAL, CROSS_CHAIN):
            raise ValueError(f"lending: liquidation must be {HUB_LOCAL!r} or {CROSS_CHAIN!r}, not {self.liquidation!r}")
        self.heartbeat: int = int(params.heartbeat)
        self.latency: int = int(params.latency)
        self.band: int = band_bps(int(params.volatility), self.heartbeat)
        self.market = Market(int(params.initial_price))
        self.oracle = Oracle(int(params.initial_price), self.heartbeat)
        self.bridge = Bridge(self.positions, self.latency)
        self.spoke = Spoke(self.positions, self.bridge)
        self.hub = Hub(
            self.positions,
            collateral=int(params.collateral),
            ltv_bps=int(params.ltv_bps),
            lt_bps=int(params.lt_bps),
            bonus_bps=int(params.bonus_bps),
            liquidation=self.liquidation,
            oracle=self.oracle,
            bridge=self.bridge,
            manipulation_bps=int(params.manipulation_bps),
        )
        self.clock: Clock | None = None

    @property
    def now(self) -> int:
        if self.clock is None:
            raise RuntimeError("lending: the driver must install a clock before any action")
        return self.clock.now

    def status(self, position: int) -> str:
        """Where the lot is, as SEMANTICS.md names it, read off the bridge and the hub."""
        msg = self.bridge.in_flight(position)
        if msg is not None:
            return STATUS_OF_MESSAGE[msg.kind]
        collateral = self.hub.loans[position].collateral
        if collateral == SEIZED:
            return "seized"
        if collateral == CREDITED:
            return "held"
        return "wallet"

    def deadlines(self) -> list[tuple[str, int | None]]:
        """The honest parties' pending deadlines (None: due now, no time may pass at all)."""
        found: list[tuple[str, int | None]] = [("the oracle keeper reports", self.oracle.at + self.heartbeat)]
        for p in self.positions:
            if self.hub.liquidatable(p):
                found.append((f"the liquidator liquidates position {p}", None))
            msg = self.bridge.in_flight(p)
            if msg is not None:
                found.append((f"the relayer delivers the {msg.kind} of position {p}", msg.sent_at + self.latency))
            repayment = self.bridge.repayment[p]
            if repayment is not None and repayment.amount >= 1:
                found.append((f"the relayer delivers the repayment of position {p}", repayment.sent_at + self.latency))
        return found

    def check_wait(self, seconds: int) -> None:
        """Refuse a wait past an honest deadline (reaching one exactly is fine)."""
        require(seconds >= 1, "wait: seconds must be >= 1")
        until = self.now + seconds
        for obligation, due in self.deadlines():
            require(due is not None, f"{obligation} before any time passes")
            assert due is not None
            require(until <= due, f"{obligation} by {due}")

    def read(self) -> dict[str, Any]:
        """The observable fields, rebuilt from contract storage into fresh containers."""
        loans = self.hub.loans
        return {
            # The field is declared `market_price` (observable path `price`; see its NOTE(name-clash)).
            "market_price": self.market.price,
            "oracle_price": self.oracle.price,
            "oracle_at": self.oracle.at,
            "bad_debt": self.hub.bad_debt,
            "status": {p: self.status(p) for p in self.positions},
            "sent_at": {p: self.bridge.last_collateral_sent_at[p] for p in self.positions},
            "debt": {p: loans[p].debt for p in self.positions},
            "borrowed": {p: loans[p].borrowed for p in self.positions},
            "repaid": {p: loans[p].repaid for p in self.positions},
            "repaying": {p: self.bridge.repaying(p) for p in self.positions},
            "repay_sent_at": {p: self.bridge.last_repay_sent_at[p] for p in self.positions},
            "liq_price": {p: loans[p].liq_price for p in self.positions},
            "liq_debt": {p: loans[p].liq_debt for p in self.positions},
        }


# ---------------------------------------------------------------------------------------------------------------
# Actions (handlers called by the driver with checked arguments)
# ---------------------------------------------------------------------------------------------------------------


def deposit_collateral(dep: LendingDeployment, position: int) -> None:
    """The borrower locks its lot in the spoke pool; the deposit message leaves now."""
    dep.spoke.deposit(position, dep.now)


def deliver(dep: LendingDeployment, position: int) -> None:
    """The position's collateral message arrives: a deposit at the hub, a release or a seize at the spoke."""
    msg = dep.bridge.take_collateral(position, dep.now)
    if msg.kind == DEPOSIT:
        dep.hub.credit_collateral(position)
    elif msg.kind == RELEASE:
        dep.spoke.release(position)
    else:
        # The lot changes hands on the spoke at the current market price; the hub books the proceeds.
        dep.spoke.seize(position)
        dep.hub.complete_seize(position, dep.market.price)


def borrow(dep: LendingDeployment, position: int, amount: int) -> None:
    dep.hub.borrow(position, amount)


def repay(dep: LendingDeployment, position: int, amount: int) -> None:
    """The borrower pays on the spoke; the hub credits it on arrival."""
    # NOTE(spec): SEMANTICS.md guards `repay` with `amount <= debt`, the hub's debt when the payment is
    # sent. A spoke cannot read the hub (Folks' spoke just forwards the amount, and the hub refunds any
    # excess); here the borrower's wallet reads the hub's debt before paying, which gives the same guard.
    require(1 <= amount <= dep.hub.loans[position].debt, "repay: amount must be in 1..debt")
    dep.spoke.repay(position, amount, dep.now)


def deliver_repay(dep: LendingDeployment, position: int) -> None:
    msg = dep.bridge.take_repayment(position, dep.now)
    dep.hub.credit_repayment(position, msg.amount)


def withdraw_collateral(dep: LendingDeployment, position: int) -> None:
    dep.hub.withdraw(position, dep.now)


def liquidate(dep: LendingDeployment, position: int) -> None:
    dep.hub.liquidate(position, dep.market.price, dep.now)


def price_move(dep: LendingDeployment, price: int) -> None:
    dep.market.move(price, dep.oracle, dep.band, dep.now)


def oracle_update(dep: LendingDeployment) -> None:
    dep.oracle.report(dep.market.price, dep.now)


HANDLERS: Final = {
    "deposit_collateral": deposit_collateral,
    "deliver": deliver,
    "borrow": borrow,
    "repay": repay,
    "deliver_repay": deliver_repay,
    "withdraw_collateral": withdraw_collateral,
    "liquidate": liquidate,
    "price_move": price_move,
    "oracle_update": oracle_update,
}
