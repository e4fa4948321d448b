"""A cross-chain hub-and-spoke money market: collateral on a spoke chain, positions and debt on the hub.

A borrower deposits one fixed lot of collateral on the spoke (chain A); a message credits it on the
hub (chain B) on arrival; the borrower borrows against it at the hub's oracle price, repays from the
spoke (credited on arrival at the hub, so a repayment in flight does not count), and withdraws once
the debt is zero. The oracle reports the market price once per heartbeat; the market moves at most
`volatility` bps per hour in between. An honest liquidator liquidates a position as soon as the hub's
oracle says it is under its liquidation threshold, either hub-locally (Folks Finance xChain:
`LoanManager.liquidate`, no message) or with a seize command that reaches the spoke `latency` seconds
later. Whatever the seized collateral fetches at the true market price, less the liquidation bonus,
and falls short of the debt is bad debt.
Trust: message delivery is reliable with a fixed latency (no trust model in this version; see
SEMANTICS.md, "Family `lending`", for why). Adversary: the market (the price path within the
volatility bound), the order of actions within a second, and with `manipulation_bps` the price a
borrower or liquidator reads (pushed within the reading transaction).
Real parameters: Aave v3 Ethereum WETH: LTV 80.5 %, liquidation threshold 83 %, bonus 5 % (Aave v3
Ethereum market reserve configuration, AaveProtocolDataProvider.getReserveConfigurationData);
Chainlink ETH/USD on Ethereum: heartbeat 3600 s, deviation 0.5 % (data.chain.link), 8-decimal
answers (Aave v3's base currency unit is 1e8 USD). Latency and volatility defaults are estimates.

SEMANTICS.md, "Family `lending`", is the vocabulary both halves implement, each written from it alone:
the symbolic half (`cases`, `urgency`, `lemmas`) in `symbolic.py`, the properties' view in `view.py`,
the concrete half in `contracts.py`. Properties: properties/lending.py; scenarios: scenarios/lending-*.toml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from bridgeproof.model.applicability import option
from bridgeproof.model.component import Component, Handler
from bridgeproof.model.configuration import ConfigurationError
from bridgeproof.model.declarations import Action, Arg, Domain, Field, Var, index_arg
from bridgeproof.model.errors import ParameterError
from bridgeproof.model.features.clock import ClockFeature
from bridgeproof.model.protocols import register
from bridgeproof.model.protocols.family import Family
from bridgeproof.model.protocols.parameters import choice, int_in

if TYPE_CHECKING:
    import z3

    from bridgeproof.model.configuration import Configuration
    from bridgeproof.model.symbolic import Case, StepArgs, SymState

BPS = 10_000
"""Basis points: 100 % (LTV, LT, bonus, volatility and tolerance are all in bps)."""
HOUR = 3600

STATUS = Domain("status", ("wallet", "depositing", "held", "withdrawing", "seizing", "seized"))
"""Where a position's collateral lot is (SEMANTICS.md, "Family `lending`", Observable state)."""
WALLET, DEPOSITING, HELD, WITHDRAWING, SEIZING, SEIZED = range(6)
IN_FLIGHT = (DEPOSITING, WITHDRAWING, SEIZING)
"""Statuses with a collateral message on its way (sent at `sent_at`, delivered by `deliver`)."""
LIQUIDATIONS = ("hub_local", "cross_chain")


def positions(n: int) -> Domain:
    return Domain("positions", tuple(range(n)))


@register
@attrs.frozen
class Lending(Family):
    id: ClassVar[str] = "lending"
    kinds: ClassVar[tuple[str, ...]] = ("money_market",)
    trust: ClassVar[str] = "none"
    bounds_used: ClassVar[frozenset[str]] = frozenset({"depth", "loss_depth"})
    witness: ClassVar[str | None] = "position_round_trip"

    positions: int = attrs.field(default=1, validator=int_in(1, 4), metadata=option(example=2))
    """How many positions (index domain `positions`, 0 .. positions-1); each has its own borrower."""
    liquidation: str = attrs.field(
        default="hub_local", validator=choice(LIQUIDATIONS), metadata=option(example="cross_chain")
    )
    """`hub_local`: settled at the hub at once (Folks Finance xChain LoanManager.liquidate);
    `cross_chain`: the hub sends a seize command that completes on the spoke after `latency`."""
    collateral: int = attrs.field(default=1, validator=int_in(1), metadata=option(example=2))
    """The one collateral lot each position deposits, in whole tokens (1 WETH)."""
    initial_price: int = attrs.field(default=3000 * 10**8, validator=int_in(1), metadata=option(example=2000 * 10**8))
    """Market and oracle price at time 0, base units (1e-8 USD, Chainlink's 8-decimal ETH/USD answer
    format and Aave v3's base currency unit) per whole collateral token. Illustrative level; a
    multiple of 10**8 keeps the worst case exact for up to two compounded falls (SEMANTICS.md)."""
    ltv_bps: int = attrs.field(default=8050, validator=int_in(0, BPS), metadata=option(example=7000))
    """Largest debt / collateral value at which a borrow is allowed. Aave v3 Ethereum WETH: 80.50 %."""
    lt_bps: int = attrs.field(default=8300, validator=int_in(1, BPS), metadata=option(example=8500))
    """Liquidation threshold. Aave v3 Ethereum WETH: 83.00 %."""
    bonus_bps: int = attrs.field(default=500, validator=int_in(0, BPS), metadata=option(example=300))
    """Liquidation bonus (the liquidator's discount on seized collateral). Aave v3 Ethereum WETH: 5 %."""
    heartbeat: int = attrs.field(default=3600, validator=int_in(1), metadata=option(example=1800))
    """Seconds between oracle reports. Chainlink ETH/USD on Ethereum: 3600 s heartbeat (data.chain.link)."""
    volatility: int = attrs.field(default=1000, validator=int_in(0, BPS), metadata=option(example=500))
    """Largest market move, bps of the last oracle price per hour (D = volatility * heartbeat // 3600
    per round). ESTIMATE: an illustrative stress value (ETH fell about 43 % over 12-13 March 2020)."""
    latency: int = attrs.field(default=900, validator=int_in(0), metadata=option(example=300))
    """Seconds from sending a cross-chain message to its delivery. ESTIMATE: Ethereum finality (two
    epochs, about 12.8 min) plus relaying, for Wormhole with finalized consistency."""
    tolerance_bps: int = attrs.field(default=0, validator=int_in(0), metadata=option(example=100))
    """How far above 1 the health factor at the market price may be when a liquidation completes
    before `no_unfair_liquidation` calls it unfair."""

    manipulation_bps: int = attrs.field(default=0, validator=int_in(0, 100 * BPS), metadata=option(example=50))
    """M: how far the price the hub reads can be pushed from the last report inside the reading
    transaction (a thin spot or short-TWAP source: Mango Markets and Inverse Finance, 2022), bps;
    borrowers read up to M high, liquidators up to M low. 0: a feed nobody can move (Chainlink)."""

    def __attrs_post_init__(self) -> None:
        if self.ltv_bps > self.lt_bps:
            raise ParameterError("ltv_bps", f"ltv_bps ({self.ltv_bps}) must not exceed lt_bps ({self.lt_bps})")

    # --- derived constants (SEMANTICS.md, "Family `lending`", Parameters) ---------------------------
    @property
    def band_bps(self) -> int:
        """D: the largest relative move of the market price away from the last oracle report."""
        return self.volatility * self.heartbeat // HOUR

    @property
    def falls(self) -> int:
        """n: compounded worst falls between the last healthy report and a liquidation's completion."""
        if self.liquidation == "hub_local":
            return 1
        return 1 + -(-self.latency // self.heartbeat)

    def max_safe_lt(self) -> int:
        """The largest lt_bps with no bad debt (SEMANTICS.md, "Family `lending`", Closed form)."""
        n, d, b = self.falls, self.band_bps, self.bonus_bps
        return (BPS - d) ** n * BPS // ((BPS + b) * BPS ** (n - 1))

    def position_domain(self) -> Domain:
        return positions(self.positions)

    def describe(self) -> dict[str, Any]:
        return {a.name: getattr(self, a.name) for a in attrs.fields(type(self))}

    def scope(self, bounds: Any) -> str:
        return f"with {self.positions} position(s), {self.liquidation} liquidation"

    def check(self, cfg: Configuration) -> None:
        if cfg.options is not None:
            raise ConfigurationError("lending takes no scenario options beyond its protocol table")

    def features(self, cfg: Configuration) -> tuple[Component, ...]:
        return (ClockFeature(),)

    def time_params(self, cfg: Configuration) -> list[int]:
        return [self.heartbeat, self.latency]

    def explore(self, cfg: Configuration) -> dict[str, list[int]]:
        p0, d = self.initial_price, self.band_bps
        debt = self.collateral * p0 * self.ltv_bps // BPS
        return {
            "amount": sorted({1, debt // 2, debt}),
            "price": sorted({p0, p0 - d * p0 // BPS, p0 + d * p0 // BPS}),
            "seconds": sorted({1, self.latency, self.heartbeat} - {0}),
        }

    # --- declarations --------------------------------------------------------------------------------
    def domains(self, cfg: Configuration) -> tuple[Domain, ...]:
        return (STATUS, self.position_domain())

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (
            Var("now", doc="seconds since the start"),
            Var("price", doc="the true market price, base units per whole collateral token"),
            Var("oracle", doc="the hub's last oracle report: {price, at}"),
            Var("bad_debt", doc="debt written off by completed liquidations, base units"),
            Var("positions", self.position_domain(), "each position's collateral, debt and messages in flight"),
        )

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        p = self.position_domain()
        return (
            # NOTE(name-clash): the field is `market_price`, not `price`: the solver names a field's constant
            # `field@step` and an argument's `arg@step`, so a field named like `price_move`'s argument
            # would be the same Z3 constant. The observable path (the ITF var `price`) is unchanged;
            # `read()` returns the market price under the key "market_price".
            Field("market_price", "int", ("price",), default=self.initial_price, counts=True),
            Field("oracle_price", "int", ("oracle", "price"), default=self.initial_price, counts=True),
            Field("oracle_at", "int", ("oracle", "at"), time=True),
            Field("bad_debt", "int", ("bad_debt",), counts=True),
            Field("status", STATUS, ("positions", "status"), p),
            Field("sent_at", "int", ("positions", "sent_at"), p, time=True),
            Field("debt", "int", ("positions", "debt"), p, counts=True),
            Field("borrowed", "int", ("positions", "borrowed"), p, counts=True),
            Field("repaid", "int", ("positions", "repaid"), p, counts=True),
            Field("repaying", "int", ("positions", "repaying"), p, counts=True),
            Field("repay_sent_at", "int", ("positions", "repay_sent_at"), p, time=True),
            Field("liq_price", "int", ("positions", "liq_price"), p, counts=True),
            Field("liq_debt", "int", ("positions", "liq_debt"), p, counts=True),
        )

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        pos = (index_arg("position", self.position_domain()),)
        return (
            Action(
                "deposit_collateral", pos, "user", "the borrower locks its lot on the spoke; a message tells the hub"
            ),
            Action(
                "deliver",
                pos,
                "relayer",
                "the position's collateral message arrives (deposit at the hub, release or seize at the spoke)",
                fair=True,
            ),
            Action(
                "borrow", (*pos, Arg("amount")), "user", "the hub lends against credited collateral at the oracle price"
            ),
            Action(
                "repay", (*pos, Arg("amount")), "user", "the borrower pays on the spoke; the hub credits it on arrival"
            ),
            Action("deliver_repay", pos, "relayer", "the repayment message arrives at the hub", fair=True),
            Action(
                "withdraw_collateral", pos, "user", "the hub releases debt-free collateral; a message tells the spoke"
            ),
            Action("liquidate", pos, "anyone", "liquidate a position the oracle shows under its threshold", fair=True),
            Action("price_move", (Arg("price"),), "market", "the market price moves within the volatility band"),
            Action("oracle_update", (), "nature", "the oracle reports the market price, once per heartbeat", fair=True),
        )

    def initial(self, cfg: Configuration) -> dict[str, int | bool]:
        return {}

    # --- symbolic half (phase 2: the symbolic engineer) ------------------------------------------------
    # (model/protocols/lending/symbolic.py and view.py: written from SEMANTICS.md, not from contracts.py)
    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        from bridgeproof.model.protocols.lending import symbolic

        return symbolic.cases(self, s, a, cfg)

    def urgency(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
        from bridgeproof.model.protocols.lending import symbolic

        return symbolic.urgency(self, s, a, cfg)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """The closed form's timing argument as facts of every reachable state (symbolic.py explains)."""
        from bridgeproof.model.protocols.lending import symbolic

        return symbolic.lemmas(self, s, cfg)

    def view(self, fields: Any, ops: Any, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.lending.view import lending_view

        return lending_view(self, fields)

    def adversary_value(self, view: Any, ops: Any) -> Any:
        """max_loss for lending is the worst bad debt (base units): what the protocol loses."""
        return view.bad_debt

    def summary(self, state: Any) -> str:
        from bridgeproof.model.protocols.lending.view import summary

        return summary(state)

    def lifelines(self, cfg: Configuration) -> tuple[str, ...]:
        from bridgeproof.model.protocols.lending.view import LIFELINES

        return LIFELINES

    def arrows(self, action: str, args: Any, actor: str, before: Any, after: Any) -> list[Any]:
        from bridgeproof.model.protocols.lending.view import arrows

        return arrows(action, args, before, after)

    # --- concrete half (phase 2: the contracts engineer, in contracts.py) ------------------------------
    def deploy(self, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.lending.contracts import LendingDeployment

        return LendingDeployment(self)

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.lending import contracts

        return dict(contracts.HANDLERS)

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return deployment.read()  # type: ignore[no-any-return]

    def check_wait(self, deployment: Any, seconds: int, cfg: Configuration) -> None:
        deployment.check_wait(seconds)
