"""Contagion from the bridge: a money market on remote that takes a lock_mint bridge's wrapped token as collateral.

The bridge is `lock_mint` unchanged (its options, faults, trust models, features and properties); the
market is one more component beside it (`market.py`), reading the bridge's wrapped balances and, for
Proof of Reserve, its escrow. The market prices the wrapped token with the canonical token's feed,
as bridged collateral is priced in practice, so an unbacked mint on the bridge becomes bad debt in
the market with no market move at all: one counterexample that crosses both families.

Real parameters: Qubit Finance, 2022-01-27. QBridge minted 77,162 qXETH on BNB Chain against deposits
of nothing; the attacker pledged them in Qubit's own money market and borrowed 206,809 BNB, about
$80M (Qubit Finance post-mortem, medium.com/@QubitFin, 2022-01-28; CertiK's analysis). ETH traded
near $2,400 that day. Proof of Reserve: Aave v3 on Avalanche pairs bridged assets with Chainlink
Proof of Reserve feeds and freezes them when a bridge's reserve falls short (Aave governance,
"Chainlink Proof of Reserve" integration, ProofOfReserveExecutor).

SEMANTICS.md, "Family `wrapped_collateral`", is the vocabulary both halves implement: the symbolic
half of the market in `market.py`, its concrete half in `contracts.py` (written from SEMANTICS.md
alone), the properties' view in `view.py`. Properties: properties/lending.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from bridgeproof.model.applicability import option
from bridgeproof.model.protocols import register
from bridgeproof.model.protocols.bridge.view import Scales
from bridgeproof.model.protocols.lock_mint import LockMint
from bridgeproof.model.protocols.parameters import boolean, int_in

if TYPE_CHECKING:
    from bridgeproof.model.component import Component
    from bridgeproof.model.configuration import Configuration

BPS = 10_000


@register
@attrs.frozen
class WrappedCollateral(LockMint):
    id: ClassVar[str] = "wrapped_collateral"
    kinds: ClassVar[tuple[str, ...]] = ("message_bridge", "lock_mint", "money_market")
    witness: ClassVar[str | None] = "loan_on_wrapped_collateral"

    price: int = attrs.field(default=2400 * 10**8, validator=int_in(1), metadata=option(example=2000 * 10**8))
    """The oracle's price of one wrapped base unit (one whole xETH in the Qubit scenario, whose
    amounts are whole tokens), in debt base units of 1e-8 USD. ETH near $2,400 on 2022-01-27 (the Qubit exploit)."""
    collateral_factor_bps: int = attrs.field(default=7000, validator=int_in(0, BPS - 1), metadata=option(example=5000))
    """Largest debt, in bps of the pledged collateral's value, a borrow or a withdrawal may leave.
    ESTIMATE: Qubit's factor for qXETH is not in its post-mortem; 70 % is typical of Compound forks
    for ETH. Below 100 %, so an honest position is always over-collateralised."""
    pool: int = attrs.field(default=80_000_000 * 10**8, validator=int_in(0), metadata=option(example=10**12))
    """The debt asset the market can lend, in 1e-8 USD: at least the ~$80M (206,809 BNB) the Qubit
    attacker borrowed, which was the market's available BNB."""
    proof_of_reserve: bool = attrs.field(default=False, validator=boolean, metadata=option(example=True))
    """Refuse deposits and borrows while the wrapped supply exceeds the vault's reserve (Aave v3
    Avalanche with Chainlink Proof of Reserve feeds)."""

    def describe(self) -> dict[str, Any]:
        return {a.name: getattr(self, a.name) for a in attrs.fields(type(self))}

    def scope(self, bounds: Any) -> str:
        return f"{super().scope(bounds)}, 2 borrowers"

    def features(self, cfg: Configuration) -> tuple[Component, ...]:
        from bridgeproof.model.protocols.wrapped_collateral.market import Market

        return (*super().features(cfg), Market(self))

    def explore(self, cfg: Configuration) -> dict[str, list[int]]:
        """Bridge amounts, and the borrows that reach a lot's limit and pass it by one."""
        out = super().explore(cfg)
        limit = self.price * self.collateral_factor_bps // BPS
        out["amount"] = sorted(set(out["amount"]) | {limit, limit + 1})
        return out

    # --- properties ------------------------------------------------------------------------------------
    def view(self, fields: Any, ops: Any, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.wrapped_collateral.view import wrapped_view

        return wrapped_view(super().view(fields, ops, cfg), fields, ops, self.price, Scales.of(cfg.options.amounts).remote)

    def adversary_value(self, view: Any, ops: Any) -> Any:
        """max_loss here is the market's worst bad debt (1e-8 USD), taken on remote."""
        return view.bad_debt

    def loss_by_chain(self, view: Any, ops: Any) -> dict[str, Any]:
        return {"remote": view.bad_debt}

    def summary(self, s: Any) -> str:
        market = " ".join(f"{u}:pledged={s['pledged'][u]},debt={s['debt'][u]}" for u in s["pledged"])
        return f"{super().summary(s)} market[{market} pool={s['pool']}]"

    def lifelines(self, cfg: Configuration) -> tuple[str, ...]:
        return (*super().lifelines(cfg), "market")

    main_lifelines = ("alice", "mallory", "home", "verifier", "remote", "market")

    def arrows(self, action: str, args: Any, actor: str, before: Any, after: Any) -> list[Any]:
        from bridgeproof.model.diagram import Arrow

        verbs = {"deposit_collateral": "pledge", "borrow": "borrow", "repay": "repay", "withdraw_collateral": "withdraw"}
        if action in verbs:
            user = args["user"]
            return [Arrow(user, "market", f"{verbs[action]} {args['amount']} (debt {after['debt'][user]})")]
        return super().arrows(action, args, actor, before, after)

    # --- concrete half ---------------------------------------------------------------------------------
    def deploy(self, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.bridge.deployment import BridgeDeployment

        return BridgeDeployment(True, cfg)
