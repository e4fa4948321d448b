"""Stateful tests of the reference implementation: one rule per declared action, the safety claims as invariants.

A machine class is made for every configuration of the shipped scenarios (`machine_for`), with one
rule per action the configuration declares, named after it and taking its declared arguments, so a
failure prints a program a person can paste and a new family, trust model or scenario is covered
with no test code. A refused action is a no-op, and must change nothing.

Invariants, after every step: each safety property some scenario of this configuration expects to hold
(`bounded` or `proved`), and every declared count (balances, supplies, ...) is never negative.
"""

from __future__ import annotations

from typing import Any

import pytest
from harness import Config, arg_strategy, configurations, nonnegative, set_aside, usable_actions
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bridgeproof.model.reference import Revert
from bridgeproof.properties import PROPERTIES
from bridgeproof.properties.view import CONCRETE

TRIES = 4
SETTINGS = settings(
    max_examples=50,
    stateful_step_count=16,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _rule(cfg: Config, action: str) -> Any:
    """The rule for one declared action: each argument drawn from its declaration, leaning on the values
    the current state makes meaningful (the ids it holds, its amounts, its deadlines); the draws are
    printed with the argument's name, so a failing program reads as the calls it made."""
    declared = cfg.config.action[action]

    def take(self: Any, data: st.DataObject) -> None:
        # A few tries, keeping the first the reference accepts: a refusal is a no-op, and without this
        # most calls would be refused and deep states rare.
        observed = self.world.observe()
        for _ in range(TRIES):
            args = {a.name: data.draw(arg_strategy(cfg, a, observed), label=a.name) for a in declared.args}
            if self.act(action, args, observed) or not declared.args:
                return

    take.__name__ = take.__qualname__ = action
    take.__doc__ = declared.doc
    return rule(data=st.data())(take)


def machine_for(cfg: Config) -> type[RuleBasedStateMachine]:
    """A rule-based state machine driving the reference World of one configuration."""
    safe = sorted(cfg.safe)
    view_of = cfg.viewer()

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.world = cfg.world()
            self.accepted: list[tuple[str, dict[str, Any]]] = []

        def act(self, action: str, args: dict[str, Any], before: dict[str, Any] | None = None) -> bool:
            """Apply one action; True if it was accepted. A refusal must leave the world as it was."""
            before = self.world.observe() if before is None else before
            try:
                self.world.apply(action, args)
            except Revert:
                assert self.world.observe() == before, f"refused {action}{args} changed the world"
                return False
            self.accepted.append((action, dict(args)))
            return True

        @precondition(lambda self: bool(self.accepted))
        @rule(k=st.integers(0, 64))
        def again(self, k: int) -> None:
            """Repeat the k-th accepted call (modulo how many there were) with the very same arguments."""
            action, args = self.accepted[k % len(self.accepted)]
            self.act(action, args)

        @invariant()
        def safety_claims_hold(self) -> None:
            observed = self.world.observe()
            view = view_of(observed)
            broken = [name for name in safe if not PROPERTIES[name].holds(view, CONCRETE)]
            assert not broken, f"{cfg.name}: {', '.join(broken)} violated in {observed}"

        @invariant()
        def counts_are_never_negative(self) -> None:
            negative = nonnegative(cfg, self.world.observe())
            assert not negative, f"negative: {negative}"

    for action in usable_actions(cfg):  # less any action of a known, reported disagreement
        setattr(Machine, action, _rule(cfg, action))
    Machine.__name__ = Machine.__qualname__ = cfg.class_name
    Machine.TestCase.settings = SETTINGS
    return Machine


def _install() -> None:
    for cfg in configurations():
        test_case = machine_for(cfg).TestCase
        test_case.__name__ = test_case.__qualname__ = f"Test{cfg.class_name}"
        test_case.__module__ = __name__
        assert test_case.__name__ not in globals(), f"two configurations are both called {test_case.__name__}"
        reason = set_aside(cfg)
        if reason:
            test_case = pytest.mark.skip(reason=reason)(test_case)
        globals()[test_case.__name__] = test_case


_install()
