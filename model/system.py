"""A transition system: a configuration's components as Z3 init and step relations.

States S@0..S@k; I(S@0); T(S@i, a@i, S@i+1) picks exactly one action branch (`case@i`) of some
component, which pins the action and its arguments and satisfies its guard; every field it does
not update stays. Nothing here knows a protocol: the layout, the actions and their arguments all
come from the components' declarations.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import attrs
import z3

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.declarations import Action
from bridgeproof.model.observable import assemble, observable_value
from bridgeproof.model.symbolic import Case, Layout, StepArgs, SymState, value_of
from bridgeproof.properties.view import concrete_view, symbolic_view


@attrs.frozen
class Step:
    """A decoded action: its name and its arguments by name (index arguments as their values)."""

    action: str
    args: dict[str, Any]


@attrs.frozen(eq=False)
class System:
    protocol: Any
    trust: Any
    bounds: Bounds
    options: Any = None
    represented: str | None = None
    """An index domain whose elements stand for any number of them (`model/representatives.py`)."""

    @cached_property
    def config(self) -> Configuration:
        return Configuration(self.protocol, self.trust, self.bounds, self.options)

    @cached_property
    def representatives(self) -> Any:
        """The representatives of `represented`, with every sum shape the lemmas and the family's
        properties build already registered (so initiation can say each remainder starts at 0)."""
        if self.represented is None:
            return None
        from bridgeproof.model.representatives import Representatives
        from bridgeproof.properties import PROPERTIES

        domain = self.config.domains[self.represented]
        keys = {
            f.key(p): (f.name, p)
            for f in self.config.fields
            if f.index is not None and f.index.name == domain.name
            for p in range(len(domain))
        }
        index_args = {a.name for action in self.config.actions for a in action.args if a.domain is not None and a.domain.name == domain.name}
        reps = Representatives(domain.name, len(domain), keys, self.layout.live, index_args)
        probe = SymState.fresh(self.layout, 0, self.sizes, reps)
        self.component_lemmas(probe)
        for prop in PROPERTIES.values():
            if prop.applies_to(self.protocol) and prop.kind == "safety":
                prop.holds(self.view(probe), reps.ops)
        return reps

    @property
    def ops(self) -> Any:
        """The connectives formulas over this system's states are built with."""
        from bridgeproof.properties.view import SYMBOLIC

        reps = self.representatives
        return SYMBOLIC if reps is None else reps.ops

    @cached_property
    def layout(self) -> Layout:
        return Layout(self.config.fields)

    @cached_property
    def sizes(self) -> dict[str, int]:
        return {name: len(d) for name, d in self.config.domains.items()}

    @cached_property
    def arg_union(self) -> tuple[str, ...]:
        """Every argument name of every action here: one Z3 integer each per step."""
        return tuple(dict.fromkeys(a for action in self.config.actions for a in action.arg_names))

    def state(self, step: int) -> SymState:
        return SymState.fresh(self.layout, step, self.sizes, self.representatives)

    def args(self, step: int) -> StepArgs:
        return StepArgs(step, self.arg_union)

    def actions(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.config.actions)

    def action(self, name: str) -> Action:
        return self.config.action[name]

    def init(self, s: SymState) -> z3.BoolRef:
        """I(S@0): the initial state, with the trust parameters pinned to their values."""
        return z3.And(self.initial_state(s), *self.pinned())

    def initial_state(self, s: SymState) -> z3.BoolRef:
        """I(S@0) without pinning the trust parameters (for parametric proofs)."""
        values: dict[str, Any] = self.layout.defaults()
        for c in self.config.components:
            for key, value in c.initial(self.config).items():
                if key not in s.terms:
                    raise KeyError(f"{type(c).__name__} sets the initial value of {key}, which this configuration does not have")
                values[key] = value
        reps = [self.representatives.initially()] if self.representatives is not None else []
        return z3.And(*(s[name] == value for name, value in values.items()), *reps)

    def cases(self, s: SymState, a: StepArgs) -> list[Case]:
        return [case for c in self.config.components for case in c.cases(s, a, self.config)]

    def urgency(self, s: SymState, a: StepArgs) -> z3.BoolRef:
        """What every component requires for `wait(a.seconds)`: no honest deadline is passed."""
        return z3.And(*(u for c in self.config.components for u in c.urgency(s, a, self.config)))

    def lemmas(self, s: SymState) -> dict[str, tuple[z3.BoolRef, str]]:
        """Every component's strengthening lemmas by name, with a one-line claim ("" for a formula);
        over representatives, also the sign of each remainder (`Representatives.sign_lemmas`)."""
        out = self.component_lemmas(s)
        if self.represented is not None:
            out |= self.representatives.sign_lemmas(s)
        return out

    def component_lemmas(self, s: SymState) -> dict[str, tuple[z3.BoolRef, str]]:
        out: dict[str, tuple[z3.BoolRef, str]] = {}
        for c in self.config.components:
            prefix = getattr(c, "id", None) or getattr(c, "feature", type(c).__name__)
            texts = getattr(c, "lemma_claims", lambda cfg: {})(self.config)
            for name, formula in c.lemmas(s, self.config).items():
                out[name if c is self.protocol else f"{prefix}.{name}"] = (formula, texts.get(name, ""))
        return out

    # --- the trust model's parameters, as the provers see them -------------------------------------------
    def judges(self) -> dict[str, Any]:
        """Every trust model whose parameters the provers see: the configuration's (its assumptions
        keep their names) and the ones components decide with (named `label.assumption`)."""
        out: dict[str, Any] = {"": self.trust} if self.trust is not None else {}
        for c in self.config.components:
            out |= c.judges(self.config)
        return out

    def assumptions(self) -> dict[str, z3.BoolRef]:
        return {_named(label, n): f for label, m in self.judges().items() for n, f in m.assumptions().items()}

    def domain(self) -> z3.BoolRef:
        """The trust parameters' domain, and the representatives' (distinct, non-negative ids)."""
        domains = [m.domain() for m in self.judges().values()]
        own = z3.And(*domains) if domains else z3.BoolVal(True)
        return own if self.representatives is None else z3.And(own, self.representatives.domain_constraint())

    def pinned(self) -> list[z3.BoolRef]:
        return [p for m in self.judges().values() for p in m.pinned()]

    def granted(self) -> dict[str, bool]:
        return {_named(label, n): g for label, m in self.judges().items() for n, g in m.granted().items()}

    def trans(self, s: SymState, a: StepArgs, s2: SymState, only: frozenset[str] | None = None) -> z3.BoolRef:
        """T(S@i, a@i, S@i+1); `only` keeps the branches of some actions (induction is per action)."""
        index = {name: i for i, name in enumerate(self.actions())}
        cases = [c for c in self.cases(s, a) if only is None or c.action in only]
        chosen = z3.Int(f"case@{a.step}")
        parts = [chosen >= 0, chosen < len(cases)]
        updated: dict[str, list[tuple[z3.BoolRef, Any]]] = {}
        for c, case in enumerate(cases):
            if case.action not in index:
                raise KeyError(f"a case of {case.action!r}, which no component declares")
            sel = chosen == c
            pins = [a.act == index[case.action], case.guard]
            for arg, term in a.named.items():
                value = case.args.get(arg)
                if value is None:
                    pins.append(term == 0)
                elif not (isinstance(value, z3.ExprRef) and value.eq(term)):
                    pins.append(term == value)
            parts.append(z3.Implies(sel, z3.And(*pins)))
            for name, value in case.updates.items():
                if name not in s.terms:
                    raise KeyError(f"action {case.action} updates {name}, which this configuration does not have")
                updated.setdefault(name, []).append((sel, value))
        for name, term in s.terms.items():
            nxt: Any = term
            for sel, value in reversed(updated.get(name, [])):
                nxt = z3.If(sel, value, nxt)
            parts.append(s2[name] == nxt)
        return z3.And(*parts)

    def enabled(self, s: SymState, action: str, values: dict[str, int]) -> z3.BoolRef:
        """Whether the call `action(values)` (arguments by position or value) can be taken in S: the
        disjunction of the guards of its branches, with the arguments substituted."""
        a = self.args(s.step)
        pins = [(a.named[n], z3.IntVal(v)) for n, v in values.items()]
        out = []
        for case in self.cases(s, a):
            if case.action != action:
                continue
            matches = [case.args[n] == v for n, v in values.items() if isinstance(case.args.get(n), int)]
            if not all(matches):
                continue
            out.append(z3.substitute(case.guard, *pins) if pins else case.guard)
        return z3.Or(*out) if out else z3.BoolVal(False)

    def arg_names(self, action: str) -> tuple[str, ...]:
        return self.config.action[action].arg_names

    def decode_step(self, model: z3.ModelRef, a: StepArgs) -> Step:
        declared = self.config.actions[int(value_of(model, a.act))]
        args: dict[str, Any] = {}
        for arg in declared.args:
            v = int(value_of(model, a.named[arg.name]))
            args[arg.name] = arg.domain.values[v] if arg.domain is not None and 0 <= v < len(arg.domain) else v
        return Step(declared.name, args)

    def decode_state(self, model: z3.ModelRef, s: SymState) -> dict[str, Any]:
        """The observable state of SEMANTICS.md, exactly as the reference implementation's `observe()`."""

        def read(f: Any, position: int | None) -> Any:
            return observable_value(f, value_of(model, s.at(f.name, position)))

        return assemble(self.config.vars, self.config.fields, read)

    def view(self, s: SymState) -> Any:
        """The properties' view of a symbolic state."""
        return symbolic_view(self.config, s)

    def concrete_view(self, observed: dict[str, Any]) -> Any:
        return concrete_view(self.config, observed)


def _named(label: str, assumption: str) -> str:
    return f"{label}.{assumption}" if label else assumption
