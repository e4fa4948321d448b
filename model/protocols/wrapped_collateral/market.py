"""The money market on remote: pledges of the bridge's wrapped token, and loans against them.

A component beside the lock_mint bridge (the family switches it on): it declares the market's state
and actions and gives their symbolic half here, written from SEMANTICS.md ("Family
`wrapped_collateral`"); the concrete half is `contracts.py`. Every product has one constant factor
(`price * collateral_factor_bps`), so the relation stays linear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import z3

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, Arg, Field, Var, index_arg
from bridgeproof.model.protocols.bridge.family import USER_DOMAIN
from bridgeproof.model.protocols.bridge.view import Scales
from bridgeproof.model.symbolic import Case

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration
    from bridgeproof.model.symbolic import StepArgs, SymState

BPS = 10_000


@attrs.frozen
class Market(Component):
    family: Any
    feature = "money_market"

    @property
    def factor(self) -> int:
        """price * collateral factor: debt * 10000 may reach pledged times this."""
        return self.family.price * self.family.collateral_factor_bps

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (
            Var("pledged", USER_DOMAIN, "wrapped tokens each user pledged to the money market on remote"),
            Var("debt", USER_DOMAIN, "what each user owes the money market, 1e-8 USD"),
            Var("pool", doc="the debt asset the money market can still lend, 1e-8 USD"),
        )

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        return (
            Field("pledged", "int", ("pledged",), USER_DOMAIN, counts=True),
            Field("debt", "int", ("debt",), USER_DOMAIN, counts=True),
            Field("pool", "int", ("pool",), default=self.family.pool, counts=True),
        )

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        args = (index_arg("user", USER_DOMAIN), Arg("amount"))
        return (
            Action("deposit_collateral", args, "user", "pledge wrapped tokens to the money market"),
            Action("borrow", args, "user", "borrow the debt asset against pledged wrapped tokens"),
            Action("repay", args, "user", "repay debt"),
            Action("withdraw_collateral", args, "user", "take pledged wrapped tokens back, keeping the loan covered"),
        )

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        out = []
        amount = a.amount
        scales = Scales.of(cfg.options.amounts)
        reserve = s["supply_remote"] * scales.remote <= s["escrow"] * scales.home
        backed = reserve if self.family.proof_of_reserve else z3.BoolVal(True)
        for u in range(len(USER_DOMAIN)):
            at = {"user": u, "amount": amount}
            wallet, pledged, debt = s.key("balance_remote", u), s.key("pledged", u), s.key("debt", u)
            out.append(
                Case(
                    "deposit_collateral",
                    z3.And(amount >= 1, s[wallet] >= amount, backed),
                    {wallet: s[wallet] - amount, pledged: s[pledged] + amount},
                    at,
                )
            )
            out.append(
                Case(
                    "borrow",
                    z3.And(amount >= 1, s["pool"] >= amount, (s[debt] + amount) * BPS <= s[pledged] * self.factor, backed),
                    {debt: s[debt] + amount, "pool": s["pool"] - amount},
                    at,
                )
            )
            out.append(
                Case(
                    "repay",
                    z3.And(amount >= 1, amount <= s[debt]),
                    {debt: s[debt] - amount, "pool": s["pool"] + amount},
                    at,
                )
            )
            out.append(
                Case(
                    "withdraw_collateral",
                    z3.And(amount >= 1, amount <= s[pledged], s[debt] * BPS <= (s[pledged] - amount) * self.factor),
                    {pledged: s[pledged] - amount, wallet: s[wallet] + amount},
                    at,
                )
            )
        return out

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """Every position within its collateral factor (`debt * 10000 <= pledged * price * factor`,
        both counts non-negative), and the bridge backing its wrapped token: `escrow == wrapped supply
        + in flight` in canonical units (home's supply never changes under lock_mint), so
        `supply_remote <= escrow`. What a sound trust model and a vault that counts what it receives
        give; Houdini drops it where they fail."""
        from bridgeproof.properties.conservation import supply_conservation
        from bridgeproof.properties.view import SYMBOLIC, symbolic_view

        out: dict[str, z3.BoolRef] = {}
        for u in range(len(USER_DOMAIN)):
            debt, pledged = s[s.key("debt", u)], s[s.key("pledged", u)]
            out[f"covered[{u}]"] = z3.And(debt >= 0, pledged >= 0, debt * BPS <= pledged * self.factor)
        # Over representative ids the in-flight sum takes their ops (the remainder stands for the rest).
        ops = SYMBOLIC if s.representatives is None else s.representatives.ops
        v = symbolic_view(cfg, s)
        conserved = z3.And(supply_conservation(v, ops), v.supply_home == v.supply)
        out["backed"] = z3.And(conserved, v.supply_remote <= v.escrow)
        return out

    # --- concrete half (contracts.py, written from SEMANTICS.md alone) ---------------------------------
    def install(self, deployment: Any, cfg: Configuration) -> None:
        from bridgeproof.model.protocols.wrapped_collateral import contracts

        contracts.install(deployment, self.family)

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.wrapped_collateral import contracts

        return dict(contracts.HANDLERS)

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        from bridgeproof.model.protocols.wrapped_collateral import contracts

        return contracts.read(deployment)
