"""Stateful tests of the reference implementation: one rule per action, the safety claims as invariants.

A machine class is made for every protocol x trust x options configuration of the shipped scenarios
(`machine_for`), so a new scenario or trust model is covered with no test code. Rules are named after
the actions, so a failure prints a program a person can paste; a rule whose action does not exist in
the configuration is switched off by a precondition. A refused action is a no-op (and must change
nothing), except `replay`: executing an already executed id again must always be refused.

Invariants, after every step: each safety property some scenario of this configuration expects to hold
(`bounded` or `proved`), and ledger sanity (no negative balance, supply, escrow or counter).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from harness import Config, amount_strategy, configurations, seconds_of_interest, set_aside, usable_actions
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, precondition, rule

from model.reference import Revert
from model.vocabulary import DIRS, USERS
from properties import PROPERTIES
from properties.view import CONCRETE

SETTINGS = settings(
    max_examples=100,
    stateful_step_count=16,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Counts in the observable state that can never be negative (balances are checked per user).
COUNTS = ("escrow", "supply_home", "supply_remote", "next_id", "now", "height", "fork_escrow", "dust")


def machine_for(cfg: Config) -> type[RuleBasedStateMachine]:
    """A rule-based state machine driving the reference World of one configuration."""
    messages = cfg.bounds.messages
    actions = frozenset(usable_actions(cfg))  # less any action of a known, reported disagreement
    safe = sorted(cfg.safe)
    view_of = cfg.viewer()
    ids = st.integers(0, messages)  # `messages` itself is out of range
    users = st.sampled_from(USERS)
    dirs = st.sampled_from(DIRS)
    amounts = amount_strategy(cfg)
    longest = max(cfg.int_params(), default=1)
    # Mostly waits that can succeed (up to and past every window and deadline); refusals are the
    # conformance tests' job.
    waits = st.one_of(
        st.sampled_from([s for s in seconds_of_interest(cfg) if s >= 1]), st.integers(1, 2 * longest + 2), st.just(0)
    )
    counts = st.integers(0, 4)
    burn_dirs = dirs if "dir" in cfg.args_of("burn") else st.just("back")
    burn_chains = ("home", "remote") if "dir" in cfg.args_of("burn") else ("remote",)

    def has(action: str) -> Callable[[Any], Any]:
        return precondition(lambda self: action in actions)

    class Machine(RuleBasedStateMachine):
        # Ids flow through bundles (sent -> claimed -> executed), so a rule runs only once there is an id
        # it can mean something for; `forge` takes any id in 0..messages (the last is out of range).
        # Arbitrary ids and refusals are the conformance tests' job.
        sent = Bundle("sent")
        claimed = Bundle("claimed")
        executed = Bundle("executed")

        def __init__(self) -> None:
            super().__init__()
            self.world = cfg.world()

        def act(self, action: str, **given: Any) -> bool:
            """Apply one action; True if it was accepted. A refusal must leave the world as it was."""
            args = {k: v for k, v in given.items() if k in cfg.args_of(action)}
            before = self.world.observe()
            try:
                self.world.apply(action, args)
            except Revert:
                assert self.world.observe() == before, f"refused {action}{args} changed the world"
                return False
            return True

        def send(self, action: str, **given: Any) -> Any:
            return self.world.observe()["next_id"] - 1 if self.act(action, **given) else multiple()

        def holds_some(self) -> bool:
            s = self.world.observe()
            return any(s[f"balance_{chain}"][u] for chain in burn_chains for u in USERS)

        @has("lock")
        @rule(target=sent, user=users, amount=amounts, paid=amounts)
        def lock(self, user: str, amount: int, paid: int) -> Any:
            return self.send("lock", user=user, amount=amount, paid=paid)

        @has("burn")
        @precondition(holds_some)
        @rule(target=sent, user=users, amount=amounts, dir=burn_dirs)
        def burn(self, user: str, amount: int, dir: str) -> Any:
            return self.send("burn", user=user, amount=amount, dir=dir)

        @has("attest")
        @rule(target=claimed, id=sent)
        def attest(self, id: int) -> Any:
            return id if self.act("attest", id=id) else multiple()

        @has("forge")
        @rule(target=claimed, id=ids, dir=dirs, user=users, amount=amounts)
        def forge(self, id: int, dir: str, user: str, amount: int) -> Any:
            return id if self.act("forge", id=id, dir=dir, user=user, amount=amount) else multiple()

        @has("mint")
        @rule(target=executed, id=claimed)
        def mint(self, id: int) -> Any:
            return id if self.act("mint", id=id) else multiple()

        @has("unlock")
        @rule(target=executed, id=claimed)
        def unlock(self, id: int) -> Any:
            return id if self.act("unlock", id=id) else multiple()

        @has("challenge")
        @rule(id=claimed)
        def challenge(self, id: int) -> None:
            self.act("challenge", id=id)

        @has("wait")
        @rule(seconds=waits)
        def wait(self, seconds: int) -> None:
            self.act("wait", seconds=seconds)

        # --- actions of scenario options and faults (blocks, rate-limit queue, pause, upgrade, forks) ----

        @has("mine")
        @rule(blocks=st.one_of(st.sampled_from(sorted({p + 1 for p in cfg.int_params()} | {1})), counts))
        def mine(self, blocks: int) -> None:
            self.act("mine", blocks=blocks)

        @has("reorg")
        @rule(depth=st.one_of(st.sampled_from(sorted(set(cfg.int_params()) | {1})), counts))
        def reorg(self, depth: int) -> None:
            self.act("reorg", depth=depth)

        @has("release")
        @rule(id=executed)
        def release(self, id: int) -> None:
            self.act("release", id=id)

        @has("pause")
        @rule()
        def pause(self) -> None:
            self.act("pause")

        @has("upgrade")
        @rule()
        def upgrade(self) -> None:
            self.act("upgrade")

        @has("fork")
        @rule()
        def fork(self) -> None:
            self.act("fork")

        @has("fork_unlock")
        @rule(id=claimed)
        def fork_unlock(self, id: int) -> None:
            self.act("fork_unlock", id=id)

        # --- replay protection and invariants -------------------------------------------------------

        @rule(id=executed)
        def replay(self, id: int) -> None:
            """Replay protection: an executed id is never executed again, by mint or by unlock."""
            for action in ("mint", "unlock"):
                if action in actions:
                    assert not self.act(action, id=id), f"{action}(id={id}) executed id {id} a second time"

        @invariant()
        def safety_claims_hold(self) -> None:
            observed = self.world.observe()
            view = view_of(observed)
            broken = [name for name in safe if not PROPERTIES[name].holds(view, CONCRETE)]
            assert not broken, f"{cfg.name}: {', '.join(broken)} violated in {observed}"

        @invariant()
        def ledger_is_sane(self) -> None:
            s = self.world.observe()
            counts = {f"balance_{chain}[{u}]": s[f"balance_{chain}"][u] for chain in ("home", "remote") for u in USERS}
            counts |= {k: s[k] for k in COUNTS if k in s}
            counts |= {f"buckets[{d}].tokens": b["tokens"] for d, b in s.get("buckets", {}).items()}
            counts |= {f"claims[{i}].executions": c["executions"] for i, c in s["claims"].items()}
            negative = {k: v for k, v in counts.items() if v < 0}
            assert not negative, f"negative: {negative}"
            assert s["next_id"] <= messages

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
            # The invariants read states through the model's view of the configuration, which the
            # reference does not match from the first state on (tracked in tests/conformance).
            test_case = pytest.mark.skip(reason=reason)(test_case)
        globals()[test_case.__name__] = test_case


_install()
