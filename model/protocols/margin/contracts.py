"""Concrete reference implementation of the `margin` family (SEMANTICS.md, "Family `margin`").

A unified cross-chain margin account written as the real hub-and-spoke money market is (Folks Finance
xChain: hub/LoanManager.sol, hub/logic/LiquidationLogic.sol, spoke/SpokeToken.sol,
bridge/BridgeRouter.sol; Aave v3 GenericLogic.calculateUserAccountData for the weighted health
factor), one contract per role:

- `Market` (one per asset): the true market price of the asset (the adversary moves it within its
  report band, and within its seize band while a seize of it travels);
- `PriceFeed` (one per asset, read on the hub): its last report and when it was made;
- `Messenger` (one per spoke): the messaging layer between spoke `k` and the hub, delivering each
  message exactly `latency_k` seconds after it was sent; one collateral message (deposit, release or
  seize) per position can be in flight on a spoke;
- `SpokePool` (one per spoke): holds the lots of its asset (with the borrower, locked in the pool, or
  handed to the liquidator) and sends deposit messages to the hub;
- `LoanManager` (the hub): the loans (per asset: credited or not, being seized, seized), the weighted
  health checks at the oracle prices, liquidations, settlement and the bad-debt ledger.

The observable `status` of a lot is not stored anywhere: it is derived from the messenger (a message
in flight) and the hub's loan, as an indexer would. What an honest keeper, relayer or liquidator must
do in time (SEMANTICS.md, Urgency) lives in `MarginDeployment.check_wait`, outside the contracts.

Arithmetic is plain Python integers; every ratio is compared by cross-multiplying; the one division
(what the seized lots fetch, less each asset's bonus) is done once, after summing over a common
denominator, and rounds down, as the specification says. Every refusal is a `Revert` raised by
`require` before any write (and the driver restores the deployment in any case).
This half is written from SEMANTICS.md alone, never from the symbolic half.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

from bridgeproof.model.reference.guard import require

BPS: Final = 10_000
"""100 % in basis points."""
HOUR: Final = 3600

SPOKE_IDS: Final[tuple[str, ...]] = ("a", "b", "c")
"""The three spoke chains, each with its collateral asset of the same name."""

HUB_LOCAL: Final = "hub_local"
CROSS_CHAIN: Final = "cross_chain"

# Message kinds on a spoke's messenger.
DEPOSIT: Final = "deposit"  # spoke -> hub: credit the lot locked in the spoke pool
RELEASE: Final = "release"  # hub -> spoke: give the lot back to the borrower
SEIZE: Final = "seize"  # hub -> spoke: hand the lot to the liquidator (cross_chain liquidation)
MessageKind = Literal["deposit", "release", "seize"]

# Where the hub says a position's lot of one asset is.
NONE: Final = "none"  # not credited (never deposited, deposit in flight, or debited for a withdrawal)
CREDITED: Final = "credited"  # the lot backs the loan
SEIZING: Final = "seizing"  # liquidated, seize command sent, the proceeds not booked yet
SEIZED: Final = "seized"  # taken by the liquidation; final
HubCollateral = Literal["none", "credited", "seizing", "seized"]

# Where a spoke pool says a lot is.
BORROWER: Final = "borrower"
POOL: Final = "pool"
LIQUIDATOR: Final = "liquidator"

STATUS_OF_MESSAGE: Final[dict[str, str]] = {DEPOSIT: "depositing", RELEASE: "withdrawing", SEIZE: "seizing"}


class Clock(Protocol):
    """The driver's clock (installed by the clock feature): the deployment only reads it."""

    now: int


def band_bps(volatility: int, seconds: int) -> int:
    """`V * t // 3600` (floor): the largest relative move, in bps, of a market over `t` seconds."""
    return volatility * seconds // HOUR


def within(price: int, anchor: int, band: int) -> bool:
    """`|price - anchor| <= band * anchor / 10000`, cross-multiplied (exact, no rounding)."""
    return abs(price - anchor) * BPS <= band * anchor


# ---------------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A collateral message between the hub and one spoke.

    `market_price` is the asset's market price when the message was sent: not part of the payload, but
    what the market is anchored to while a seize travels (SEMANTICS.md: the seize band), and observed
    as the lot's `sent_price`.
    """

    kind: str
    position: int
    sent_at: int
    market_price: int = 0


@dataclass
class AssetRisk:
    """One collateral asset's risk parameters on the hub (Aave's ReserveConfiguration), in bps."""

    lot: int
    ltv: int
    lt: int
    bonus: int


@dataclass
class Loan:
    """The hub's record of one position: a lot of each asset, one debt (Folks `UserLoan`)."""

    collateral: dict[str, str] = field(default_factory=lambda: {k: NONE for k in SPOKE_IDS})
    liq_price: dict[str, int] = field(default_factory=lambda: {k: 0 for k in SPOKE_IDS})
    debt: int = 0
    borrowed: int = 0
    repaid: int = 0
    liq_debt: int = 0

    def liquidated(self) -> bool:
        """Some lot is being seized or was seized (SEMANTICS.md's *liquidated*)."""
        return any(c in (SEIZING, SEIZED) for c in self.collateral.values())

    def seizing(self) -> bool:
        return any(c == SEIZING for c in self.collateral.values())


# ---------------------------------------------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------------------------------------------


class PriceFeed:
    """The hub's feed of one asset: Chainlink-style reports of its market price, one per heartbeat."""

    def __init__(self, initial_price: int, heartbeat: int) -> None:
        self.price: int = initial_price
        self.at: int = 0
        self.heartbeat: int = heartbeat

    def next_report_due(self) -> int:
        return self.at + self.heartbeat

    def report(self, market_price: int, now: int) -> None:
        require(now >= self.at + self.heartbeat, "oracle_update: the heartbeat has not elapsed")
        self.price = market_price
        self.at = now


class Market:
    """The true market price of one whole token of an asset, in base units (1e-8 USD)."""

    def __init__(self, initial_price: int, band: int, seize_band: int) -> None:
        self.price: int = initial_price
        self.band: int = band
        """D_k: how far, in bps of the last report, the market may stray from it."""
        self.seize_band: int = seize_band
        """S_k: how far, in bps of its price at a seize's sending, the market may move while it travels."""

    def move(self, new_price: int, feed: PriceFeed, seizes_in_flight: list[Message], now: int) -> None:
        require(new_price >= 1, "price_move: price must be >= 1")
        require(now >= feed.at + 1, "price_move: not in the second of this asset's oracle report")
        require(within(new_price, feed.price, self.band), "price_move: outside the band around the last report")
        for msg in seizes_in_flight:
            require(
                within(new_price, msg.market_price, self.seize_band),
                f"price_move: outside the seize band of position {msg.position}'s seize in flight",
            )
        self.price = new_price


class Messenger:
    """The messaging layer between the hub and one spoke: reliable delivery after exactly `latency` seconds.

    One collateral message per position can be in flight (a position has one lot on the spoke). The
    time and the market price of each position's last message are kept after delivery (the observable
    `sent_at` and `sent_price`).
    """

    def __init__(self, positions: tuple[int, ...], latency: int) -> None:
        self.latency: int = latency
        self.in_flight: dict[int, Message | None] = {p: None for p in positions}
        self.last_sent_at: dict[int, int] = {p: 0 for p in positions}
        self.last_seize_price: dict[int, int] = {p: 0 for p in positions}

    def send(self, kind: MessageKind, position: int, now: int, market_price: int = 0) -> None:
        require(self.in_flight[position] is None, f"messenger: a message of position {position} is in flight")
        self.in_flight[position] = Message(kind, position, now, market_price)
        self.last_sent_at[position] = now
        if kind == SEIZE:
            self.last_seize_price[position] = market_price

    def take(self, position: int, now: int) -> Message:
        """The message of `position`, once it may be delivered (removed from the messenger)."""
        msg = self.in_flight[position]
        require(msg is not None, f"deliver: no message of position {position} in flight")
        assert msg is not None
        require(now >= msg.sent_at + self.latency, "deliver: the message has not arrived yet")
        self.in_flight[position] = None
        return msg

    def seizes(self) -> list[Message]:
        return [m for m in self.in_flight.values() if m is not None and m.kind == SEIZE]


class SpokePool:
    """A spoke chain's pool of its collateral asset (Folks `SpokeToken`): holds the lots, sends deposits."""

    def __init__(self, name: str, positions: tuple[int, ...], messenger: Messenger) -> None:
        self.name = name
        self.messenger = messenger
        self.lots: dict[int, str] = {p: BORROWER for p in positions}

    def deposit(self, position: int, now: int) -> None:
        """Lock the borrower's lot in the pool and tell the hub (credited on arrival)."""
        require(self.lots[position] == BORROWER, "deposit_collateral: the lot is not in the borrower's wallet")
        require(self.messenger.in_flight[position] is None, "deposit_collateral: a message of the lot is in flight")
        self.lots[position] = POOL
        self.messenger.send(DEPOSIT, position, now)

    def release(self, position: int) -> None:
        """The hub debited the lot: give it back to the borrower."""
        require(self.lots[position] == POOL, "release: the lot is not in the pool")
        self.lots[position] = BORROWER

    def seize(self, position: int) -> None:
        """The hub liquidated the loan: hand the lot to the liquidator."""
        require(self.lots[position] == POOL, "seize: the lot is not in the pool")
        self.lots[position] = LIQUIDATOR


class LoanManager:
    """The hub: loans, the weighted health checks at the oracle prices, liquidation, settlement, bad debt.

    Deposits are credited when their message arrives; borrows and withdrawals are checked and debited
    here before anything is sent; repayments are made here and count at once (protocols.md 9c).
    """

    def __init__(
        self,
        positions: tuple[int, ...],
        *,
        risk: dict[str, AssetRisk],
        liquidation: str,
        feeds: dict[str, PriceFeed],
        messengers: dict[str, Messenger],
    ) -> None:
        self.risk = risk
        self.liquidation = liquidation
        self.feeds = feeds
        self.messengers = messengers
        self.loans: dict[int, Loan] = {p: Loan() for p in positions}
        self.bad_debt: int = 0
        # The common denominator of the proceeds: PI = lcm_k (10000 + b_k), Q_k = PI / (10000 + b_k).
        self.pi: int = math.lcm(*(BPS + risk[k].bonus for k in SPOKE_IDS))
        self.q: dict[str, int] = {k: self.pi // (BPS + risk[k].bonus) for k in SPOKE_IDS}

    # --- views ---------------------------------------------------------------------------------------
    def lot_value_times_bps(self, k: str, weight_bps: int) -> int:
        """`lot_k * oracle_k * weight`: one lot's value at its feed, weighted by a factor in bps (x 10000)."""
        return self.risk[k].lot * self.feeds[k].price * weight_bps

    def collateral_value(self, position: int, weight: str, *, excluding: str | None = None) -> int:
        """Sum over the credited lots (not `excluding`) of their weighted value at the oracle (x 10000).

        `weight` is "ltv" (the borrow limit) or "lt" (the liquidation threshold).
        """
        loan = self.loans[position]
        return sum(
            self.lot_value_times_bps(k, getattr(self.risk[k], weight))
            for k in SPOKE_IDS
            if loan.collateral[k] == CREDITED and k != excluding
        )

    def liquidatable(self, position: int) -> bool:
        """Never liquidated, owes something, and HF < 1 at the oracle prices: `sum LT-weighted < debt * 10000`."""
        loan = self.loans[position]
        return not loan.liquidated() and loan.debt >= 1 and self.collateral_value(position, "lt") < loan.debt * BPS

    # --- messages arriving from a spoke --------------------------------------------------------------
    def credit_collateral(self, position: int, k: str) -> None:
        loan = self.loans[position]
        require(loan.collateral[k] == NONE, "deposit: the loan already has this lot")
        loan.collateral[k] = CREDITED

    # --- user operations at the hub ------------------------------------------------------------------
    def borrow(self, position: int, amount: int) -> None:
        loan = self.loans[position]
        require(not loan.liquidated(), "borrow: the position was liquidated")
        require(amount >= 1, "borrow: amount must be >= 1")
        require(
            (loan.debt + amount) * BPS <= self.collateral_value(position, "ltv"),
            "borrow: the debt would exceed the borrow limit of the credited lots at the oracle prices",
        )
        loan.debt += amount
        loan.borrowed += amount

    def repay(self, position: int, amount: int) -> None:
        loan = self.loans[position]
        require(1 <= amount <= loan.debt, "repay: amount must be in 1..debt")
        loan.debt -= amount
        loan.repaid += amount

    def withdraw(self, position: int, k: str, now: int) -> None:
        """Check what stays credited covers the debt at the borrow limit, debit the lot, then send the release."""
        loan = self.loans[position]
        require(loan.collateral[k] == CREDITED, "withdraw_collateral: the lot is not credited (status is not held)")
        require(not loan.seizing(), "withdraw_collateral: a seize of the position is in flight")
        require(
            loan.debt * BPS <= self.collateral_value(position, "ltv", excluding=k),
            "withdraw_collateral: the lots that stay would not cover the debt at the borrow limit",
        )
        loan.collateral[k] = NONE
        self.messengers[k].send(RELEASE, position, now)

    # --- liquidation -----------------------------------------------------------------------------------
    def liquidate(self, position: int, market_prices: dict[str, int], now: int) -> None:
        """Full liquidation of every credited lot of an unhealthy position, at once."""
        require(self.liquidatable(position), "liquidate: the position is not liquidatable at the oracle prices")
        loan = self.loans[position]
        credited = [k for k in SPOKE_IDS if loan.collateral[k] == CREDITED]
        if self.liquidation == HUB_LOCAL:
            # Folks `LoanManager.liquidate`: the liquidator's own hub loan takes the collateral at once; no
            # message, the lots stay in their spoke pools, now owed to the liquidator.
            for k in credited:
                loan.collateral[k] = SEIZED
                loan.liq_price[k] = market_prices[k]
            self.settle(position)
        else:
            # One seize command per credited lot; the debt stays on the books until the last completes.
            for k in credited:
                loan.collateral[k] = SEIZING
                self.messengers[k].send(SEIZE, position, now, market_prices[k])
            if not credited:
                self.settle(position)

    def complete_seize(self, position: int, k: str, market_price: int) -> None:
        """A seize completed on spoke `k` at the market price then; the last one settles the position."""
        loan = self.loans[position]
        require(loan.collateral[k] == SEIZING, "seize: the lot is not being seized")
        loan.collateral[k] = SEIZED
        loan.liq_price[k] = market_price
        if not loan.seizing():
            self.settle(position)

    def proceeds(self, position: int) -> int:
        """What the seized lots fetch at their market prices less each bonus, as one fraction rounded down once.

        `floor(sum_k lot_k * liq_price_k * 10000 / (10000 + b_k))
          = (sum_k lot_k * liq_price_k * 10000 * Q_k) // PI`.
        """
        loan = self.loans[position]
        numerator = sum(
            self.risk[k].lot * loan.liq_price[k] * BPS * self.q[k] for k in SPOKE_IDS if loan.collateral[k] == SEIZED
        )
        return numerator // self.pi

    def settle(self, position: int) -> None:
        """The liquidation completes: the proceeds cover the debt up to what they fetch; the rest is bad debt."""
        loan = self.loans[position]
        covered = min(loan.debt, self.proceeds(position))
        self.bad_debt += loan.debt - covered
        loan.liq_debt = loan.debt
        loan.debt = 0


# ---------------------------------------------------------------------------------------------------------------
# The deployment: the contracts of one scenario, and the honest parties' deadlines
# ---------------------------------------------------------------------------------------------------------------


class MarginDeployment:
    """Three spokes (pool, messenger), three assets (market, feed) and the hub, for one `Margin` configuration."""

    def __init__(self, params: Any) -> None:
        self.positions: tuple[int, ...] = tuple(range(int(params.positions)))
        self.liquidation: str = params.liquidation
        if self.liquidation not in (HUB_LOCAL, CROSS_CHAIN):
            raise ValueError(f"margin: liquidation must be {HUB_LOCAL!r} or {CROSS_CHAIN!r}, not {self.liquidation!r}")
        self.markets: dict[str, Market] = {}
        self.feeds: dict[str, PriceFeed] = {}
        self.messengers: dict[str, Messenger] = {}
        self.pools: dict[str, SpokePool] = {}
        risk: dict[str, AssetRisk] = {}
        for k in SPOKE_IDS:

            def param(name: str, k: str = k) -> int:
                return int(getattr(params, f"{name}_{k}"))

            price, heartbeat, volatility, latency = (
                param("price"),
                param("heartbeat"),
                param("volatility"),
                param("latency"),
            )
            self.markets[k] = Market(price, band_bps(volatility, heartbeat), band_bps(volatility, latency))
            self.feeds[k] = PriceFeed(price, heartbeat)
            self.messengers[k] = Messenger(self.positions, latency)
            self.pools[k] = SpokePool(k, self.positions, self.messengers[k])
            risk[k] = AssetRisk(lot=param("lot"), ltv=param("ltv"), lt=param("lt"), bonus=param("bonus"))
        self.hub = LoanManager(
            self.positions, risk=risk, liquidation=self.liquidation, feeds=self.feeds, messengers=self.messengers
        )
        self.clock: Clock | None = None

    @property
    def now(self) -> int:
        if self.clock is None:
            raise RuntimeError("margin: the driver must install a clock before any action")
        return self.clock.now

    def market_prices(self) -> dict[str, int]:
        return {k: m.price for k, m in self.markets.items()}

    def status(self, position: int, k: str) -> str:
        """Where position's lot of asset `k` is, as SEMANTICS.md names it, read off the messenger and the hub."""
        msg = self.messengers[k].in_flight[position]
        if msg is not None:
            return STATUS_OF_MESSAGE[msg.kind]
        collateral = self.hub.loans[position].collateral[k]
        if collateral == SEIZED:
            return "seized"
        if collateral == CREDITED:
            return "held"
        return "wallet"

    def deadlines(self) -> list[tuple[str, int | None]]:
        """The honest parties' pending deadlines (None: due now, no time may pass at all)."""
        found: list[tuple[str, int | None]] = [
            (f"the keeper of feed {k} reports", feed.next_report_due()) for k, feed in self.feeds.items()
        ]
        for p in self.positions:
            if self.hub.liquidatable(p):
                found.append((f"the liquidator liquidates position {p}", None))
            for k, messenger in self.messengers.items():
                msg = messenger.in_flight[p]
                if msg is not None:
                    found.append(
                        (
                            f"the relayer delivers the {msg.kind} of position {p} on spoke {k}",
                            msg.sent_at + messenger.latency,
                        )
                    )
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
        out: dict[str, Any] = {
            # The field is declared `market_price` (observed at `spokes[k].price`; NOTE(name-clash)).
            "market_price": {k: m.price for k, m in self.markets.items()},
            "oracle_price": {k: f.price for k, f in self.feeds.items()},
            "oracle_at": {k: f.at for k, f in self.feeds.items()},
            "bad_debt": self.hub.bad_debt,
            "debt": {p: loans[p].debt for p in self.positions},
            "borrowed": {p: loans[p].borrowed for p in self.positions},
            "repaid": {p: loans[p].repaid for p in self.positions},
            "liq_debt": {p: loans[p].liq_debt for p in self.positions},
        }
        for k in SPOKE_IDS:
            messenger = self.messengers[k]
            out[f"status_{k}"] = {p: self.status(p, k) for p in self.positions}
            out[f"sent_at_{k}"] = {p: messenger.last_sent_at[p] for p in self.positions}
            out[f"sent_price_{k}"] = {p: messenger.last_seize_price[p] for p in self.positions}
            out[f"liq_price_{k}"] = {p: loans[p].liq_price[k] for p in self.positions}
        return out


# ---------------------------------------------------------------------------------------------------------------
# Actions (handlers called by the driver with checked arguments)
# ---------------------------------------------------------------------------------------------------------------


def deposit_collateral(dep: MarginDeployment, position: int, spoke: str) -> None:
    """The borrower locks its lot in spoke `spoke`'s pool; the deposit message leaves now."""
    require(dep.status(position, spoke) == "wallet", "deposit_collateral: the lot is not in the wallet")
    dep.pools[spoke].deposit(position, dep.now)


def deliver(dep: MarginDeployment, position: int, spoke: str) -> None:
    """The lot's message arrives: a deposit at the hub, a release or a seize at the spoke."""
    msg = dep.messengers[spoke].take(position, dep.now)
    if msg.kind == DEPOSIT:
        dep.hub.credit_collateral(position, spoke)
    elif msg.kind == RELEASE:
        dep.pools[spoke].release(position)
    else:
        # The lot changes hands on the spoke at the asset's market price now; the hub books it.
        dep.pools[spoke].seize(position)
        dep.hub.complete_seize(position, spoke, dep.markets[spoke].price)


def borrow(dep: MarginDeployment, position: int, amount: int) -> None:
    dep.hub.borrow(position, amount)


def repay(dep: MarginDeployment, position: int, amount: int) -> None:
    """The borrower repays at the hub, where the debt is: no message."""
    dep.hub.repay(position, amount)


def withdraw_collateral(dep: MarginDeployment, position: int, spoke: str) -> None:
    dep.hub.withdraw(position, spoke, dep.now)


def liquidate(dep: MarginDeployment, position: int) -> None:
    dep.hub.liquidate(position, dep.market_prices(), dep.now)


def price_move(dep: MarginDeployment, spoke: str, price: int) -> None:
    dep.markets[spoke].move(price, dep.feeds[spoke], dep.messengers[spoke].seizes(), dep.now)


def oracle_update(dep: MarginDeployment, spoke: str) -> None:
    dep.feeds[spoke].report(dep.markets[spoke].price, dep.now)


HANDLERS: Final = {
    "deposit_collateral": deposit_collateral,
    "deliver": deliver,
    "borrow": borrow,
    "repay": repay,
    "withdraw_collateral": withdraw_collateral,
    "liquidate": liquidate,
    "price_move": price_move,
    "oracle_update": oracle_update,
}
