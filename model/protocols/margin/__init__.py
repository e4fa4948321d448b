"""A unified cross-chain margin account: collateral on three spoke chains, the debt on a fourth (the hub).

One account (a position) deposits one fixed lot of asset `k` on each spoke `k` in `a, b, c`; a message
credits it at the hub on arrival, after that spoke's settlement latency. The hub values everything
credited at its oracle feeds, one per asset with its own heartbeat, weighted per asset (Aave v3's
weighted liquidation threshold), lends against it, takes repayments at once (the debt lives on the
hub), and releases a lot only if what stays credited still covers the debt at the borrow limit (the
hub debits first, then sends the release). An honest liquidator liquidates a position as soon as its
health factor at the oracle prices is below 1: every credited lot at once, either at the hub at once
(`hub_local`, Folks Finance xChain's `LoanManager.liquidate`) or by one seize command per lot that
settles on its spoke after that spoke's latency (`cross_chain`), at that asset's market price then.
What the seized lots fetch at the market, less each asset's bonus, and falls short of the debt is
bad debt.
Trust: message delivery is reliable with a fixed latency per spoke (no trust model, as `lending`).
Adversary: the three markets (each within its band of its last report, and within its seize band
while a seize of it travels) and the order of actions within a second.
Real parameters: Aave v3 risk parameters per asset (WETH on Ethereum, WBTC on Arbitrum, LINK), Chainlink
heartbeats, finality times from Wormhole's consistency-level table and Circle's CCTP attestation
times; latencies and volatilities are estimates (see each field).

SEMANTICS.md, "Family `margin`", is the vocabulary both halves implement, each written from it alone:
the symbolic half (`cases`, `urgency`, `lemmas`) in `symbolic.py`, the properties' view in `view.py`,
the concrete half in `contracts.py`. Properties: properties/lending.py (the same four apply);
scenario: scenarios/margin-three-chains.toml.
"""

from __future__ import annotations

import math
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
"""Basis points: 100 % (LTV, LT, bonus, volatility, bands and tolerance are all in bps)."""
HOUR = 3600

SPOKE_NAMES: tuple[str, ...] = ("a", "b", "c")
"""The three spoke chains (and their collateral assets); the hub is the fourth chain."""
SPOKES = Domain("spokes", SPOKE_NAMES)
STATUS = Domain("status", ("wallet", "depositing", "held", "withdrawing", "seizing", "seized"))
"""Where a lot is (SEMANTICS.md, "Family `margin`", Observable state)."""
WALLET, DEPOSITING, HELD, WITHDRAWING, SEIZING, SEIZED = range(6)
LIQUIDATIONS = ("hub_local", "cross_chain")
LOT_FIELDS = ("status", "sent_at", "sent_price", "liq_price")
"""Each lot's record, `positions[p].lots.<k>.<name>`; the field is `<name>_<k>`."""


def positions(n: int) -> Domain:
    return Domain("positions", tuple(range(n)))


def lot_field(name: str, k: str) -> str:
    """The field of one lot column: `status_a`, `liq_price_c`, ..."""
    return f"{name}_{k}"


def _param(default: int, low: int, high: int | None, example: int) -> Any:
    return attrs.field(default=default, validator=int_in(low, high), metadata=option(example=example))


@attrs.frozen
class Spoke:
    """One spoke's parameters and derived constants (SEMANTICS.md, "Family `margin`", Parameters)."""

    name: str
    index: int
    lot: int
    price: int
    ltv: int
    lt: int
    bonus: int
    heartbeat: int
    volatility: int
    latency: int
    band: int
    """D_k = volatility * heartbeat // 3600: the largest move of the market away from the last report."""
    seize_band: int
    """S_k = volatility * latency // 3600: the largest move while a seize of this asset travels."""
    q: int
    """Q_k = PI / (10000 + bonus_k): this asset's cofactor in the common denominator PI."""


@register
@attrs.frozen
class Margin(Family):
    id: ClassVar[str] = "margin"
    kinds: ClassVar[tuple[str, ...]] = ("money_market",)
    trust: ClassVar[str] = "none"
    bounds_used: ClassVar[frozenset[str]] = frozenset({"depth", "loss_depth"})
    witness: ClassVar[str | None] = "position_round_trip"

    positions: int = _param(1, 1, 4, 2)
    """How many accounts (index domain `positions`, 0 .. positions-1); each has its own borrower."""
    liquidation: str = attrs.field(
        default="hub_local", validator=choice(LIQUIDATIONS), metadata=option(example="cross_chain")
    )
    """`hub_local` (the default, as `lending`): every credited lot seized at the hub at once (Folks Finance
    xChain LoanManager.liquidate); `cross_chain`: one seize per credited lot, each settling on its spoke
    after that spoke's latency."""
    tolerance_bps: int = _param(0, 0, None, 100)
    """How far above 1 the market health factor of a completed liquidation may be before
    `no_unfair_liquidation` calls it unfair."""

    # --- spoke a: Ethereum, WETH ------------------------------------------------------------------
    lot_a: int = _param(1, 1, None, 2)
    """Lot of asset a, whole tokens (1 WETH)."""
    price_a: int = _param(3000 * 10**8, 1, None, 2000 * 10**8)
    """Initial market and oracle price of asset a, base units (1e-8 USD) per token. Illustrative level
    (3,000 USD); a multiple of 10**8 keeps the worst case exact (SEMANTICS.md, Closed form)."""
    ltv_a: int = _param(8050, 0, BPS, 7500)
    """Borrow limit of asset a, bps. Aave v3 Ethereum WETH: 80.50 % (getReserveConfigurationData)."""
    lt_a: int = _param(8300, 1, BPS, 8500)
    """Liquidation threshold of asset a, bps. Aave v3 Ethereum WETH: 83.00 %."""
    bonus_a: int = _param(500, 0, BPS, 300)
    """Liquidation bonus of asset a, bps. Aave v3 Ethereum WETH: 5 %."""
    heartbeat_a: int = _param(3600, 1, None, 1800)
    """Seconds between reports of asset a's feed. Chainlink ETH/USD: 3,600 s (data.chain.link)."""
    volatility_a: int = _param(1000, 0, BPS, 500)
    """Largest market move of asset a, bps per hour. ESTIMATE: the lending family's stress value
    (ETH fell about 43 % over 12-13 March 2020)."""
    latency_a: int = _param(1200, 0, None, 600)
    """Seconds for a message between the hub and spoke a. ESTIMATE: Ethereum finality (Wormhole's
    `finalized` level, "~19 min", wormhole.com/docs consistency levels) plus relaying."""

    # --- spoke b: Arbitrum One, WBTC --------------------------------------------------------------
    lot_b: int = _param(1, 1, None, 2)
    """Lot of asset b, whole tokens (1 WBTC)."""
    price_b: int = _param(60000 * 10**8, 1, None, 50000 * 10**8)
    """Initial price of asset b, base units per token. Illustrative level (60,000 USD)."""
    ltv_b: int = _param(7000, 0, BPS, 6500)
    """Borrow limit of asset b, bps. Aave v3 Arbitrum WBTC: 70 % (2024 ARFC "Adjusting WBTC parameters
    to address BitGo transition risks": 73 -> 70 %)."""
    lt_b: int = _param(7700, 1, BPS, 7500)
    """Liquidation threshold of asset b, bps. Aave v3 Arbitrum WBTC: 77 % (same ARFC: 78 -> 77 %)."""
    bonus_b: int = _param(500, 0, BPS, 700)
    """Liquidation bonus of asset b, bps. ESTIMATE: 5 %, as Aave's WBTC reserves; check the live value."""
    heartbeat_b: int = _param(3600, 1, None, 1800)
    """Seconds between reports of asset b's feed. Chainlink BTC/USD: 3,600 s (data.chain.link)."""
    volatility_b: int = _param(1000, 0, BPS, 500)
    """Largest market move of asset b, bps per hour. ESTIMATE: a stress value."""
    latency_b: int = _param(1140, 0, None, 600)
    """Seconds for a message between the hub and spoke b. ESTIMATE: Arbitrum's hard finality (its batch
    final on Ethereum, Wormhole "~18 min") plus relaying."""

    # --- spoke c: Polygon PoS, LINK ---------------------------------------------------------------
    lot_c: int = _param(100, 1, None, 50)
    """Lot of asset c, whole tokens (100 LINK)."""
    price_c: int = _param(15 * 10**8, 1, None, 20 * 10**8)
    """Initial price of asset c, base units per token. Illustrative level (15 USD)."""
    ltv_c: int = _param(6600, 0, BPS, 6000)
    """Borrow limit of asset c, bps. Aave LINK: 66 % (2024 ARFC "Chaos Labs risk parameter updates:
    LTV and LT alignment")."""
    lt_c: int = _param(7100, 1, BPS, 7000)
    """Liquidation threshold of asset c, bps. Aave LINK: 71 % (same ARFC)."""
    bonus_c: int = _param(700, 0, BPS, 500)
    """Liquidation bonus of asset c, bps. ESTIMATE: 7 %, as Aave's LINK reserves; check the live value."""
    heartbeat_c: int = _param(3600, 1, None, 1800)
    """Seconds between reports of asset c's feed. Chainlink LINK/USD: 3,600 s (data.chain.link)."""
    volatility_c: int = _param(1500, 0, BPS, 1000)
    """Largest market move of asset c, bps per hour. ESTIMATE: a stress value for a more volatile asset."""
    latency_c: int = _param(120, 0, None, 60)
    """Seconds for a message between the hub and spoke c. ESTIMATE: Polygon PoS finality (Circle CCTP:
    "~33 blocks, 75 to 120 seconds") plus relaying."""

    def __attrs_post_init__(self) -> None:
        for k in SPOKE_NAMES:
            ltv, lt = getattr(self, f"ltv_{k}"), getattr(self, f"lt_{k}")
            if ltv > lt:
                raise ParameterError(f"ltv_{k}", f"ltv_{k} ({ltv}) must not exceed lt_{k} ({lt})")
            band = getattr(self, f"volatility_{k}") * getattr(self, f"heartbeat_{k}") // HOUR
            if band > BPS:
                raise ParameterError(
                    f"volatility_{k}",
                    f"volatility_{k} * heartbeat_{k} / 3600 must be at most 10000 (a band of {band} bps is over 100 %)",
                )

    # --- derived constants (SEMANTICS.md, "Family `margin`", Parameters) ---------------------------
    @property
    def pi(self) -> int:
        """PI = lcm over the spokes of (10000 + bonus): the common denominator of the proceeds."""
        return math.lcm(*(BPS + getattr(self, f"bonus_{k}") for k in SPOKE_NAMES))

    @property
    def spokes(self) -> tuple[Spoke, ...]:
        out = []
        for i, k in enumerate(SPOKE_NAMES):
            v, h, lat = (getattr(self, f"{n}_{k}") for n in ("volatility", "heartbeat", "latency"))
            out.append(
                Spoke(
                    name=k,
                    index=i,
                    lot=getattr(self, f"lot_{k}"),
                    price=getattr(self, f"price_{k}"),
                    ltv=getattr(self, f"ltv_{k}"),
                    lt=getattr(self, f"lt_{k}"),
                    bonus=getattr(self, f"bonus_{k}"),
                    heartbeat=h,
                    volatility=v,
                    latency=lat,
                    band=v * h // HOUR,
                    seize_band=v * lat // HOUR,
                    q=self.pi // (BPS + getattr(self, f"bonus_{k}")),
                )
            )
        return tuple(out)

    def spoke(self, k: str | int) -> Spoke:
        return self.spokes[k if isinstance(k, int) else SPOKE_NAMES.index(k)]

    def effective_seize_band(self, k: str | int) -> int:
        """S'_k: the seize band in `cross_chain`, 0 in `hub_local` (nothing travels)."""
        return self.spoke(k).seize_band if self.liquidation == "cross_chain" else 0

    def max_safe_lt(self, k: str | int) -> int:
        """LT_max_k: the largest lt_k with no bad debt from asset k (SEMANTICS.md, "Family `margin`",
        Closed form): floor((10000 - D_k) * (10000 - S'_k) / (10000 + b_k))."""
        sp = self.spoke(k)
        return (BPS - sp.band) * (BPS - self.effective_seize_band(k)) // (BPS + sp.bonus)

    def is_safe(self) -> bool:
        """Every asset within its closed-form margin: no bad debt (exact when latency_k <= heartbeat_k)."""
        return all(sp.lt <= self.max_safe_lt(sp.index) for sp in self.spokes)

    def position_domain(self) -> Domain:
        return positions(self.positions)

    def describe(self) -> dict[str, Any]:
        return {a.name: getattr(self, a.name) for a in attrs.fields(type(self))}

    def scope(self, bounds: Any) -> str:
        return f"with {self.positions} position(s) over three spokes, {self.liquidation} liquidation"

    def check(self, cfg: Configuration) -> None:
        if cfg.options is not None:
            raise ConfigurationError("margin takes no scenario options beyond its protocol table")

    def features(self, cfg: Configuration) -> tuple[Component, ...]:
        return (ClockFeature(),)

    def time_params(self, cfg: Configuration) -> list[int]:
        return sorted({v for sp in self.spokes for v in (sp.heartbeat, sp.latency)})

    def explore(self, cfg: Configuration) -> dict[str, list[int]]:
        amounts = {1}
        prices: set[int] = set()
        seconds = {1}
        for sp in self.spokes:
            limit = sp.lot * sp.price * sp.ltv // BPS
            amounts |= {limit // 2, limit} - {0}
            p0, d, s = sp.price, sp.band, sp.seize_band
            low = p0 - d * p0 // BPS
            prices |= {p0, low, p0 + d * p0 // BPS, low - s * low // BPS} - {0}
            seconds |= {sp.latency, sp.heartbeat} - {0}
        return {"amount": sorted(amounts), "price": sorted(prices), "seconds": sorted(seconds)}

    # --- declarations --------------------------------------------------------------------------------
    def domains(self, cfg: Configuration) -> tuple[Domain, ...]:
        return (STATUS, SPOKES, self.position_domain())

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (
            Var("now", doc="seconds since the start"),
            Var("spokes", SPOKES, "per spoke: its asset's market price and the hub's last report of its feed"),
            Var("bad_debt", doc="debt written off by settled liquidations, base units"),
            Var("positions", self.position_domain(), "each account's debt and its lot on every spoke"),
        )

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        p = self.position_domain()
        out = [
            # NOTE(name-clash): the field is `market_price`, not `price` (`price_move`'s argument would be
            # the same Z3 constant); observed at `spokes[k].price`, read() returns it as "market_price".
            Field("market_price", "int", ("spokes", "price"), SPOKES, counts=True),
            Field("oracle_price", "int", ("spokes", "oracle", "price"), SPOKES, counts=True),
            Field("oracle_at", "int", ("spokes", "oracle", "at"), SPOKES, time=True),
            Field("bad_debt", "int", ("bad_debt",), counts=True),
            Field("debt", "int", ("positions", "debt"), p, counts=True),
            Field("borrowed", "int", ("positions", "borrowed"), p, counts=True),
            Field("repaid", "int", ("positions", "repaid"), p, counts=True),
            Field("liq_debt", "int", ("positions", "liq_debt"), p, counts=True),
        ]
        for k in SPOKE_NAMES:
            lots = ("positions", "lots", k)
            out += [
                Field(lot_field("status", k), STATUS, (*lots, "status"), p),
                Field(lot_field("sent_at", k), "int", (*lots, "sent_at"), p, time=True),
                Field(lot_field("sent_price", k), "int", (*lots, "sent_price"), p, counts=True),
                Field(lot_field("liq_price", k), "int", (*lots, "liq_price"), p, counts=True),
            ]
        return tuple(out)

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        pos = index_arg("position", self.position_domain())
        spoke = index_arg("spoke", SPOKES)
        return (
            Action(
                "deposit_collateral",
                (pos, spoke),
                "user",
                "the borrower locks its lot on a spoke; a message tells the hub",
            ),
            Action(
                "deliver",
                (pos, spoke),
                "relayer",
                "a lot's message arrives (deposit at the hub, release or seize at its spoke)",
                fair=True,
            ),
            Action(
                "borrow", (pos, Arg("amount")), "user", "the hub lends against the credited lots at the oracle prices"
            ),
            Action("repay", (pos, Arg("amount")), "user", "the borrower repays at the hub, where the debt is"),
            Action(
                "withdraw_collateral",
                (pos, spoke),
                "user",
                "the hub releases a lot if the lots that stay cover the debt; a message tells the spoke",
            ),
            Action(
                "liquidate",
                (pos,),
                "anyone",
                "seize every credited lot of an account the oracles show under water",
                fair=True,
            ),
            Action("price_move", (spoke, Arg("price")), "market", "an asset's market price moves within its bands"),
            Action(
                "oracle_update",
                (spoke,),
                "nature",
                "an asset's feed reports its market price, once per heartbeat",
                fair=True,
            ),
        )

    def initial(self, cfg: Configuration) -> dict[str, int | bool]:
        out: dict[str, int | bool] = {}
        for sp in self.spokes:
            out[f"market_price[{sp.name}]"] = sp.price
            out[f"oracle_price[{sp.name}]"] = sp.price
        return out

    # --- symbolic half (symbolic.py and view.py: written from SEMANTICS.md, not from contracts.py) ---
    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        from bridgeproof.model.protocols.margin import symbolic

        return symbolic.cases(self, s, a, cfg)

    def urgency(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
        from bridgeproof.model.protocols.margin import symbolic

        return symbolic.urgency(self, s, a, cfg)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """The closed form's argument as facts of every reachable state (symbolic.py explains)."""
        from bridgeproof.model.protocols.margin import symbolic

        return symbolic.lemmas(self, s, cfg)

    def view(self, fields: Any, ops: Any, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.margin.view import margin_view

        return margin_view(self, fields, ops)

    def adversary_value(self, view: Any, ops: Any) -> Any:
        """max_loss for margin is the worst bad debt (base units): what the protocol loses."""
        return view.bad_debt

    def summary(self, state: Any) -> str:
        from bridgeproof.model.protocols.margin.view import summary

        return summary(state)

    def lifelines(self, cfg: Configuration) -> tuple[str, ...]:
        from bridgeproof.model.protocols.margin.view import LIFELINES

        return LIFELINES

    def arrows(self, action: str, args: Any, actor: str, before: Any, after: Any) -> list[Any]:
        from bridgeproof.model.protocols.margin.view import arrows

        return arrows(action, args, before, after)

    # --- concrete half (contracts.py, written from SEMANTICS.md by another engineer) ------------------
    def deploy(self, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.margin.contracts import MarginDeployment

        return MarginDeployment(self)

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.margin import contracts

        return dict(contracts.HANDLERS)

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return deployment.read()  # type: ignore[no-any-return]

    def check_wait(self, deployment: Any, seconds: int, cfg: Configuration) -> None:
        deployment.check_wait(seconds)
