"""A transition system: protocol family x trust model x options x bounds, as Z3 init and step relations.

States S@0..S@k; I(S@0); T(S@i, a@i, S@i+1) picks exactly one action branch (`case@i`), which pins
the action and its arguments and satisfies its guard; every field it does not update stays.
"""

from __future__ import annotations

from typing import Any

import attrs
import z3

from model.protocols.base import Env, ProtocolFamily, features_of
from model.symbolic import ARG_NAMES, Case, Layout, StepArgs, SymState, decode_state, value_of
from model.trust.base import TrustModel
from model.vocabulary import ACTION_ARGS, ACTIONS, DIRS, USERS, Bounds, Options
from properties.view import View, concrete_view, symbolic_view


@attrs.frozen
class Step:
    """A decoded action: its name and its arguments by name (users and dirs as strings)."""

    action: str
    args: dict[str, Any]


@attrs.frozen
class System:
    protocol: ProtocolFamily
    trust: TrustModel
    bounds: Bounds
    options: Options = attrs.field(factory=Options)

    @property
    def env(self) -> Env:
        return Env(self.trust, self.options, features_of(self.trust, self.options))

    @property
    def layout(self) -> Layout:
        return Layout(self.bounds.messages, self.trust.evidence, self.trust.globals, self.env.features)

    def state(self, step: int) -> SymState:
        return SymState.fresh(self.layout, step)

    def actions(self) -> tuple[str, ...]:
        """The actions that exist in this configuration, read off the encoding itself."""
        names = {c.action for c in self.cases(self.state(0), StepArgs.fresh(0))}
        return tuple(a for a in ACTIONS if a in names)

    def init(self, s: SymState) -> z3.BoolRef:
        """I(S@0): the layout defaults, with the protocol's initial holdings and the parameters pinned."""
        return z3.And(self.initial_state(s), *self.trust.pinned())

    def initial_state(self, s: SymState) -> z3.BoolRef:
        """I(S@0) without pinning the trust parameters (for parametric proofs)."""
        values = self.layout.defaults() | self.protocol.initial(self.bounds.supply, self.options.adversary_funds)
        rate = self.options.rate_limit
        if rate is not None:
            for d in DIRS:
                values[f"bucket_tokens[{d}]"] = rate.capacity
        return z3.And(*(s[name] == value for name, value in values.items()))

    def cases(self, s: SymState, a: StepArgs) -> list[Case]:
        return self.protocol.cases(s, a, self.env)

    def trans(self, s: SymState, a: StepArgs, s2: SymState, only: frozenset[str] | None = None) -> z3.BoolRef:
        """T(S@i, a@i, S@i+1); `only` keeps the branches of some actions (induction is per action)."""
        cases = [c for c in self.cases(s, a) if only is None or c.action in only]
        chosen = z3.Int(f"case@{a.step}")
        named = a.named()
        parts = [chosen >= 0, chosen < len(cases)]
        updated: dict[str, list[tuple[z3.BoolRef, z3.ExprRef | int | bool]]] = {}
        for c, case in enumerate(cases):
            sel = chosen == c
            pins = [a.act == ACTIONS.index(case.action), case.guard]
            for arg in ARG_NAMES:
                value = case.args.get(arg)
                if value is None:
                    pins.append(named[arg] == 0)
                elif not (isinstance(value, z3.ExprRef) and value.eq(named[arg])):
                    pins.append(named[arg] == value)
            parts.append(z3.Implies(sel, z3.And(*pins)))
            for name, value in case.updates.items():
                if name not in s.terms:
                    raise KeyError(f"action {case.action} updates {name}, which this configuration does not have")
                updated.setdefault(name, []).append((sel, value))
        for name, term in s.terms.items():
            nxt: z3.ExprRef | int | bool = term
            for sel, value in reversed(updated.get(name, [])):
                nxt = z3.If(sel, value, nxt)
            parts.append(s2[name] == nxt)
        return z3.And(*parts)

    def arg_names(self, action: str) -> tuple[str, ...]:
        names = ACTION_ARGS[action]
        if action == "burn" and self.protocol.id != "burn_mint":
            names = ("user", "amount")
        if action == "lock" and "unchecked_deposit" not in self.options.faults:
            names = ("user", "amount")
        return names

    def decode_step(self, model: z3.ModelRef, a: StepArgs) -> Step:
        name = ACTIONS[int(value_of(model, a.act))]
        named = a.named()
        args: dict[str, Any] = {}
        for arg in self.arg_names(name):
            v = int(value_of(model, named[arg]))
            args[arg] = USERS[v] if arg == "user" else DIRS[v] if arg == "dir" else v
        return Step(name, args)

    def decode_state(self, model: z3.ModelRef, s: SymState) -> dict[str, object]:
        return decode_state(model, s)

    def view(self, s: SymState) -> View:
        """The properties' view of a symbolic state (canonical values)."""
        return symbolic_view(s, self.total_supply, self.options.amounts, self.protocol.loss_chains, self.options.adversary_funds)

    def concrete_view(self, observed: dict[str, Any]) -> View:
        return concrete_view(
            observed,
            self.bounds.messages,
            self.total_supply,
            self.options.amounts,
            self.protocol.loss_chains,
            self.options.adversary_funds,
        )

    @property
    def total_supply(self) -> int:
        """The conserved quantity: alice's supply plus the adversary's own funds, in home units."""
        return self.bounds.supply + self.options.adversary_funds
