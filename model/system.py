"""A transition system: protocol family x trust model x bounds, as Z3 init and step relations.

States S@0..S@k; I(S@0); T(S@i, a@i, S@i+1) is a disjunction of action branches, each pinning the
action index and its arguments, guarded, with every field it does not update framed unchanged.
"""

from __future__ import annotations

from typing import Any

import attrs
import z3

from model.protocols.base import ProtocolFamily
from model.symbolic import Case, Layout, StepArgs, SymState, decode_state, value_of
from model.trust.base import TrustModel
from model.vocabulary import ACTION_ARGS, ACTIONS, DIRS, USERS, Bounds

ARG_NAMES = ("id", "user", "amount", "dir", "seconds")


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

    @property
    def layout(self) -> Layout:
        return Layout(self.bounds.messages, self.trust.evidence)

    def state(self, step: int) -> SymState:
        return SymState.fresh(self.layout, step)

    def actions(self) -> tuple[str, ...]:
        return self.protocol.actions + self.trust.concrete_actions

    def init(self, s: SymState) -> z3.BoolRef:
        """I(S@0): the layout defaults, with the protocol's initial holdings."""
        return z3.And(self.initial_state(s), *self.trust.pinned())

    def initial_state(self, s: SymState) -> z3.BoolRef:
        """I(S@0) without pinning the trust parameters (for parametric proofs)."""
        values = self.layout.defaults() | self.protocol.initial(self.bounds.supply)
        return z3.And(*(s[name] == value for name, value in values.items()))

    def cases(self, s: SymState, a: StepArgs) -> list[Case]:
        return self.protocol.cases(s, a, self.trust)

    def trans(self, s: SymState, a: StepArgs, s2: SymState, only: frozenset[str] | None = None) -> z3.BoolRef:
        """T(S@i, a@i, S@i+1): exactly one branch c is taken (`case@i == c`); it pins the action and its
        arguments and satisfies its guard; each field is the If-chain of the branches that update it.
        `only` restricts T to the branches of some actions (induction is checked per action)."""
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
                updated.setdefault(name, []).append((sel, value))
        for name, term in s.terms.items():
            nxt: z3.ExprRef | int | bool = term
            for sel, value in reversed(updated.get(name, [])):
                nxt = z3.If(sel, value, nxt)
            parts.append(s2[name] == nxt)
        return z3.And(*parts)

    def decode_step(self, model: z3.ModelRef, a: StepArgs) -> Step:
        name = ACTIONS[int(value_of(model, a.act))]
        names = ACTION_ARGS[name]
        if name == "burn" and self.protocol.id != "burn_mint":
            names = ("user", "amount")
        named = a.named()
        args: dict[str, Any] = {}
        for arg in names:
            v = int(value_of(model, named[arg]))
            args[arg] = USERS[v] if arg == "user" else DIRS[v] if arg == "dir" else v
        return Step(name, args)

    def decode_state(self, model: z3.ModelRef, s: SymState) -> dict[str, object]:
        return decode_state(model, s)
