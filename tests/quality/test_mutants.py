"""The mutation suite: seeded faults in the symbolic model and in the reference, each caught.

Every mutant is a patch that lives only inside its test. Detection runs the suite's own checks,
cheapest first, and stops at the first that notices: (1) the replay of every curated
counterexample on the reference, (2) targeted conformance runs (the same action list through the
reference and through the Z3 relation), (3) shipped scenarios' expected verdicts. The score must be
100%: `make mutation` prints the list.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest
import z3

from bridgeproof.model import corpus, itf
from bridgeproof.model.check import check, fresh_solver_context, system_of
from bridgeproof.model.engine import execute
from bridgeproof.model.reference import Revert, World
from bridgeproof.model.replay import replay
from bridgeproof.model.scenarios import Scenario, load

REPO = Path(__file__).resolve().parents[2]


def scenario(name: str) -> Scenario:
    file, _, variant = name.partition("/")
    for sc in load(REPO / "scenarios" / f"{file}.toml"):
        if sc.name == name:
            return sc
    raise KeyError(name)


# --- detectors ------------------------------------------------------------------------------------
def replay_detects() -> str | None:
    for path in corpus.curated(REPO / "counterexamples"):
        result = replay(itf.load(path))
        if not result.ok:
            return f"replay of {path.name}: {result.summary()}"
    return None


SEQUENCES: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    ("ronin-2022/delegation-revoked", [
        ("lock", {"user": "alice", "amount": 5}), ("attest", {"id": 0}), ("mint", {"id": 0}), ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 2}), ("attest", {"id": 1}), ("unlock", {"id": 1}), ("unlock", {"id": 1}),
    ]),
    ("ronin-2022/delegation-revoked", [("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 1}), ("mint", {"id": 0})]),
    ("optimistic/live-watcher", [
        ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 1}), ("wait", {"seconds": 600}),
        ("challenge", {"id": 0}), ("wait", {"seconds": 1800}), ("mint", {"id": 0}),
    ]),
    ("optimistic/live-watcher", [("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 1}), ("wait", {"seconds": 601})]),
    ("etc-51-2020/deep-confirmations", [
        ("lock", {"user": "alice", "amount": 1}), ("mine", {"blocks": 9998}), ("attest", {"id": 0}), ("mint", {"id": 0}),
        ("mine", {"blocks": 1}), ("mint", {"id": 0}),
    ]),
    ("cross-vm-truncate", [
        ("lock", {"user": "alice", "amount": 1500000001}), ("attest", {"id": 0}), ("mint", {"id": 0}),
    ]),
    ("custodian/honest", [("forge", {"id": 0, "dir": "back", "user": "mallory", "amount": 1}), ("unlock", {"id": 0})]),
]


def _bucket_sequences() -> list[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """A refilling bucket (scenarios/ccip-token-bucket.toml, its own numbers): drain a quarter, wait until the
    refill would pass the capacity, send exactly the capacity; and, queued, an over-limit transfer that is
    delivered again after its release."""
    rate = scenario("ccip-token-bucket").options.rate_limit
    quarter = rate.capacity // 4
    wait = 2 * (quarter // rate.refill + 1)
    capped = [
        ("lock", {"user": "alice", "amount": quarter}), ("attest", {"id": 0}), ("mint", {"id": 0}),
        ("lock", {"user": "alice", "amount": rate.capacity}), ("attest", {"id": 1}), ("wait", {"seconds": wait}),
        ("mint", {"id": 1}),
    ]
    queued = [
        ("lock", {"user": "alice", "amount": rate.capacity + 1}), ("attest", {"id": 0}), ("mint", {"id": 0}),
        ("wait", {"seconds": 86400}), ("release", {"id": 0}), ("mint", {"id": 0}), ("release", {"id": 0}),
    ]
    return [("ccip-token-bucket", capped), ("ccip-token-bucket/queued", queued)]


SEQUENCES += _bucket_sequences()


def conformance_detects() -> str | None:
    for name, steps in SEQUENCES:
        sc = scenario(name)
        fresh_solver_context()
        outcome = execute.run(system_of(sc), steps)
        world = World(sc.config)
        for i, (action, args) in enumerate(steps):
            try:
                world.apply(action, dict(args))
                concrete: dict[str, Any] | None = world.observe()
            except Revert:
                concrete = None
            symbolic = outcome.states[i]
            if (concrete is None) != (symbolic is None) or (concrete is not None and concrete != symbolic):
                return f"{name}: step {i + 1} {action}{args}: reference {concrete is not None}, model {symbolic is not None}"
    return None


EXPECTATIONS = [
    ("ronin-2022/delegation-revoked", "supply_conservation"),
    ("optimistic/live-watcher", "no_unbacked_mint"),
    ("etc-51-2020/deep-confirmations", "no_unbacked_mint"),
    ("cross-vm-truncate", "no_unbacked_mint"),
    ("wormhole-guardians", "no_double_spend"),
    ("custodian/honest", "no_unbacked_mint"),
    ("qubit-2022/balance-checked", "supply_conservation"),
]


def expectations_detect() -> str | None:
    for name, prop in EXPECTATIONS:
        sc = attrs.evolve(scenario(name), timeout=30.0)
        result = check(sc, prop, save=False, prove=True)
        if not result.ok:
            return f"{name} {prop}: expected {result.expected}, got {result.verdict}"
    return None


def caught() -> str | None:
    for detector in (replay_detects, conformance_detects, expectations_detect):
        try:
            found = detector()
        except Exception as e:  # a mutant that crashes a check is caught too, loudly
            found = f"{detector.__name__} raised {type(e).__name__}: {e}"
        if found:
            return found
    return None


# --- mutants --------------------------------------------------------------------------------------
Patch = Callable[[pytest.MonkeyPatch], None]


def _wrap(target: Any, name: str, make: Callable[[Any], Any]) -> Patch:
    def apply(mp: pytest.MonkeyPatch) -> None:
        mp.setattr(target, name, make(getattr(target, name)))

    return apply


def _reference_replay(mp: pytest.MonkeyPatch) -> None:
    from bridgeproof.model.protocols.bridge.contracts import chain

    def admit(self: Any, msg_id: int, ctx: Any) -> Any:
        claim = self.claims[msg_id] if msg_id in self.claims else None
        chain.require(claim is not None, "no claim for id")
        message = claim.message
        chain.require(self.verifier.accepts(msg_id, message.digest(), ctx), "claim not accepted by verifier")
        return claim  # replay protection dropped

    mp.setattr(chain.Endpoint, "admit", admit)


def _symbolic(module: str, cls: str, name: str, make: Callable[[Any], Any]) -> Patch:
    def apply(mp: pytest.MonkeyPatch) -> None:
        import importlib

        target = getattr(importlib.import_module(module), cls)
        mp.setattr(target, name, make(getattr(target, name)))

    return apply


def _concrete(module: str, cls: str, name: str, make: Callable[[Any], Any]) -> Patch:
    return _symbolic(module, cls, name, make)


def _uncounted_queue(orig: Any) -> Any:
    """Endpoint.execute, but a transfer it queues keeps its old execution count (so it can be delivered again)."""

    def execute(self: Any, msg_id: int, ctx: Any) -> Any:
        before = self.claims[msg_id].executions if msg_id in self.claims else 0
        credit = orig(self, msg_id, ctx)
        if credit is None:
            self.claims[msg_id] = attrs.evolve(self.claims[msg_id], executions=before)
        return credit

    return execute


def _bucket_terms(s: Any, cfg: Any, direction: int) -> tuple[Any, Any]:
    """The refilled and the capped level of a direction's bucket, as family._deliveries builds them."""
    from bridgeproof.model.protocols.bridge.family import DIR_NAMES

    rate, name = cfg.options.rate_limit, DIR_NAMES[direction]
    refilled = s[f"bucket_tokens[{name}]"] + rate.refill * (s["now"] - s[f"bucket_updated[{name}]"])
    return refilled, z3.If(refilled <= rate.capacity, refilled, rate.capacity)


def _uncapped_refill(orig: Any) -> Any:
    """family._deliveries with the bucket's level left uncapped (every use of the capped level replaced)."""

    def deliveries(self: Any, s: Any, cfg: Any, i: int, direction: int) -> Any:
        cases = orig(self, s, cfg, i, direction)
        if cfg.options.rate_limit is None:
            return cases
        refilled, level = _bucket_terms(s, cfg, direction)

        def swap(term: Any) -> Any:
            return z3.substitute(term, (level, refilled)) if isinstance(term, z3.ExprRef) else term

        return [attrs.evolve(c, guard=swap(c.guard), updates={k: swap(v) for k, v in c.updates.items()}) for c in cases]

    return deliveries


def _uncounted_queue_cases(orig: Any) -> Any:
    """family._deliveries whose queueing branch does not count the delivery as an execution."""

    def deliveries(self: Any, s: Any, cfg: Any, i: int, direction: int) -> Any:
        cases = orig(self, s, cfg, i, direction)
        queued, executions = s.key("queued", i), s.key("executions", i)
        return [
            attrs.evolve(c, updates={k: v for k, v in c.updates.items() if k != executions})
            if queued in c.updates
            else c
            for c in cases
        ]

    return deliveries


MUTANTS: dict[str, Patch] = {
    # the reference implementation
    "reference: replay protection dropped": _reference_replay,
    "reference: multisig threshold lowered by one": _concrete(
        "bridgeproof.model.trust.multisig", "SignerSet", "accepts",
        lambda orig: lambda self, i, d, ctx: len(self.signatures.get(d, set()) & self.members) >= self.threshold - 1,
    ),
    "reference: a challenge is ignored": _concrete(
        "bridgeproof.model.trust.optimistic", "FraudWindow", "accepts",
        lambda orig: lambda self, i, d, ctx: i in self.posted and self.posted[i][0] == d and ctx.now - self.posted[i][1] >= self.window,
    ),
    "reference: finality off by one": _concrete(
        "bridgeproof.model.trust.light_client", "HeaderChain", "accepts",
        lambda orig: lambda self, i, d, ctx: (b := ctx.canonical_block(i, d)) is not None and ctx.height - b + 1 >= self.confirmations - 1,
    ),
    "reference: conversion rounds up": _concrete(
        "bridgeproof.model.protocols.bridge.contracts.amounts", "Conversion", "credit", lambda orig: lambda self, *a: orig(self, *a) + 1
    ),
    "reference: the bucket's refill is not capped at its capacity": _concrete(
        "bridgeproof.model.protocols.bridge.contracts.limiter", "InboundBucket", "level",
        lambda orig: lambda self, now: self.tokens + self.limit.refill * (now - self.updated_at),
    ),
    "reference: a queued delivery is not counted as an execution": _concrete(
        "bridgeproof.model.protocols.bridge.contracts.chain", "Endpoint", "execute", lambda orig: _uncounted_queue(orig)
    ),
    "reference: burn does not burn (unlock without a burn)": _concrete(
        "bridgeproof.model.protocols.bridge.contracts.token", "Token", "burn", lambda orig: lambda self, account, amount: None
    ),
    # the symbolic model
    "model: replay guard dropped": _symbolic(
        "bridgeproof.model.protocols.bridge.family", "MessageBridge", "replay_guard", lambda orig: lambda self, s, i: z3.BoolVal(True)
    ),
    "model: multisig threshold lowered by one": _symbolic(
        "bridgeproof.model.trust.multisig", "Multisig", "accepts", lambda orig: lambda self, s, i, cfg: s.ev("sigs", i) >= self.t("k") - 1
    ),
    "model: a challenge is ignored": _symbolic(
        "bridgeproof.model.trust.optimistic", "Optimistic", "accepts",
        lambda orig: lambda self, s, i, cfg: s["now"] >= s.ev("posted_at", i) + self.t("window"),
    ),
    "model: the watcher's deadline is ignored": _symbolic(
        "bridgeproof.model.trust.optimistic", "Optimistic", "urgency", lambda orig: lambda self, s, a, cfg: []
    ),
    "model: finality off by one": _symbolic(
        "bridgeproof.model.trust.light_client", "LightClient", "accepts",
        lambda orig: lambda self, s, i, cfg: z3.And(
            z3.Not(cfg.protocol.fraudulent(s, i)),
            s["height"] - s.slot("sent_block", i) + 1 >= self.t("confirmations") - 1,
        ),
    ),
    "model: the bucket's refill is not capped at its capacity": _symbolic(
        "bridgeproof.model.protocols.bridge.family", "MessageBridge", "_deliveries", lambda orig: _uncapped_refill(orig)
    ),
    "model: a queued delivery is not counted as an execution": _symbolic(
        "bridgeproof.model.protocols.bridge.family", "MessageBridge", "_deliveries", lambda orig: _uncounted_queue_cases(orig)
    ),
    "model: truncation rounds up": _symbolic(
        "bridgeproof.model.protocols.bridge.amounts", "Conversion", "credit",
        lambda orig: lambda self, amount, direction: orig(self, amount, direction) + (0 if self.trim else 1),
    ),
    "model: unlock without a burn": _symbolic(
        "bridgeproof.model.protocols.lock_mint", "LockMint", "debit",
        lambda orig: lambda self, s, direction, user, debited, updates: (
            orig(self, s, direction, user, debited, updates) if direction == 0 else z3.BoolVal(True)
        ),
    ),
    "model: an honest custodian signs forgeries": _symbolic(
        "bridgeproof.model.trust.custodian", "Custodian", "forged_evidence", lambda orig: lambda self, s, i, cfg: {"signed": True}
    ),
}


def test_the_unmutated_suite_passes() -> None:
    assert caught() is None


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_mutant_is_caught(mutant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    MUTANTS[mutant](monkeypatch)
    assert caught() is not None, f"the mutant '{mutant}' survived every check"
