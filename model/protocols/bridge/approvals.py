"""Allowances a router may spend: the approvals users grant the bridge's entry contract on home.

Bridges and aggregators take a user's tokens with `transferFrom`, so users approve their router,
often without limit. A router that forwards caller-supplied calldata to any target lets anyone make
it call `transferFrom(victim, attacker, amount)` with the victim's allowance: Socket's SocketGateway,
2024-01-16, about $3.3M (a newly added route); LI.FI, 2024-07-16, about $10M (a new facet). No
message is forged and no key stolen; what breaks is authorisation of a debit on the source chain.

With `adversary.approvals` users `approve` the router and `mallory` may call it (`router_call`);
only `arbitrary_router_call` lets that call spend someone else's allowance (SEMANTICS.md, Approvals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import z3

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, Arg, Field, Var, index_arg
from bridgeproof.model.protocols.bridge.family import USER_DOMAIN, Updates, add
from bridgeproof.model.protocols.bridge.view import USERS
from bridgeproof.model.symbolic import Case, StepArgs, SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

MALLORY = USERS.index("mallory")


@attrs.frozen
class Approvals(Component):
    """Each user's allowance to the router on home, and what the router took on others' say."""

    feature = "approvals"

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (
            Var("allowance", USER_DOMAIN, "what each user let the router on home take (home base units)"),
            Var("taken", USER_DOMAIN, "what the router took from each user on someone else's instruction"),
        )

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        return (
            Field("allowance", "int", ("allowance",), USER_DOMAIN, counts=True),
            Field("taken", "int", ("taken",), USER_DOMAIN, counts=True),
        )

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (
            Action("approve", (index_arg("user", USER_DOMAIN), Arg("amount")), "user", "let the router take up to amount"),
            Action(
                "router_call",
                (index_arg("user", USER_DOMAIN), Arg("amount")),
                "adversary",
                "call the router with calldata of the adversary's: transferFrom(user, mallory, amount)",
            ),
        )

    # --- symbolic half -------------------------------------------------------------------------
    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        out = []
        arbitrary = z3.BoolVal("arbitrary_router_call" in cfg.options.faults)
        for u in range(len(USERS)):
            out.append(Case("approve", a.amount >= 1, {f"allowance[{USERS[u]}]": a.amount}, {"user": u, "amount": a.amount}))
            if u == MALLORY:
                continue  # her own tokens she may move herself; the router's bug is spending others'
            victim = USERS[u]
            updates: Updates = {f"allowance[{victim}]": s[f"allowance[{victim}]"] - a.amount}
            add(updates, s, s.key("balance_home", u), -a.amount)
            add(updates, s, s.key("balance_home", MALLORY), a.amount)
            add(updates, s, f"taken[{victim}]", a.amount)
            guard = z3.And(
                arbitrary,
                a.amount >= 1,
                a.amount <= s[f"allowance[{victim}]"],
                a.amount <= s.user("balance_home", u),
            )
            out.append(Case("router_call", guard, updates, {"user": u, "amount": a.amount}))
        return out

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """Behind a router that moves only its caller's tokens, nothing is ever taken."""
        if "arbitrary_router_call" in cfg.options.faults:
            return {}
        return {f"nothing_taken_from[{u}]": s[f"taken[{u}]"] == 0 for u in USERS}

    # --- concrete half -------------------------------------------------------------------------
    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        return {"approve": dep.approve, "router_call": dep.router_call}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        return dep.read_approvals(deployment)
