"""The rate limit's untested paths: a bucket that refills, transfers above the capacity, a queued transfer.

Every shipped rate limit but one has `refill = 0`, and the random conformance runs rarely send more than
the capacity, so a refill that is not capped at the capacity, or a queued delivery that does not count
as an execution (and so can be delivered, and credited, twice), went unnoticed in both semantics. These
tests run explicit action lists on the configurations of scenarios/ccip-token-bucket.toml (CCIP's
documented 18-decimal inbound bucket: capacity 11 tokens, refill 0.11 token/s; its `queued` variant
queues over-limit transfers for 24 h as NTT does) through the Z3 relation and the reference side by
side (`harness.disagreement`), and check each side's observable state against SEMANTICS.md's
formulas (Deliver: `level = min(capacity, tokens + refill * (now - updated_at))`), computed from the
scenario's own parameters.
"""

from __future__ import annotations

from typing import Any

import pytest
import z3
from harness import Config, Step, configurations, disagreement, program

from bridgeproof.model.engine import execute
from bridgeproof.model.engine.execute import _pins
from bridgeproof.model.observable import solver_values
from bridgeproof.model.reference import Revert
from bridgeproof.properties import PROPERTIES
from bridgeproof.properties.view import CONCRETE

SCENARIO = "ccip-token-bucket"
CONFIGS = {c.name: c for c in configurations() if c.name.split("/")[0] == SCENARIO}
FAIL, QUEUE = SCENARIO, f"{SCENARIO}/queued"


def config(name: str) -> Config:
    assert name in CONFIGS, f"{name}: no such configuration in scenarios/{SCENARIO}.toml"
    return CONFIGS[name]


def limit(cfg: Config) -> Any:
    rate = cfg.options.rate_limit
    assert rate is not None and rate.refill > 0, f"{cfg.name}: these tests need a bucket that refills"
    return rate


def both(cfg: Config, steps: list[Step]) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """For each step, the state after it in the model and in the reference (None where refused).

    Fails first if the two semantics disagree anywhere on the list."""
    found = disagreement(cfg, steps)
    assert found is None, f"{cfg.name}: {found}\n{program(steps)}"
    outcome = execute.run(cfg.system(), steps)
    world = cfg.world()
    ref: list[dict[str, Any] | None] = []
    for action, args in steps:
        try:
            world.apply(action, dict(args))
            ref.append(world.observe())
        except Revert:
            ref.append(None)
    only_successors(cfg, steps, ref)
    return list(zip(outcome.states, ref, strict=True))


def only_successors(cfg: Config, steps: list[Step], ref: list[dict[str, Any] | None]) -> None:
    """The model allows no other successor than the reference's state at any accepted step: where two
    branches overlap (a transfer that fits the bucket exactly, but may also be queued), the step
    is not a function of the state, and the conformance run, which follows one model, could miss it."""
    system, c = cfg.system(), cfg.config
    solver = z3.Solver()
    state = system.state(0)
    solver.add(system.init(state))
    k = 0
    for i, ((action, args), after_step) in enumerate(zip(steps, ref, strict=True), 1):
        if after_step is None:
            continue
        a, nxt = system.args(k), system.state(k + 1)
        step = [system.trans(state, a, nxt), *_pins(system, a, action, args)]
        expected = {key: v for key, v in solver_values(c.vars, c.fields, after_step).items() if key in nxt.terms}
        other = z3.Or(*(nxt.terms[key] != v for key, v in expected.items()))
        assert solver.check(*step, other) == z3.unsat, f"{cfg.name}: step {i} {action}{args} has another successor"
        solver.add(*step, *(nxt.terms[key] == v for key, v in expected.items()))
        state, k = nxt, k + 1


def after(states: list[Any], step: int) -> list[dict[str, Any]]:
    """The model's and the reference's state after step `step` (1-based); both must have accepted it."""
    model, ref = states[step - 1]
    where = f"step {step} refused (model {model is not None}, reference {ref is not None})"
    assert model is not None and ref is not None, where
    return [model, ref]


def refused(states: list[Any], step: int) -> None:
    model, ref = states[step - 1]
    where = f"step {step} accepted (model {model is not None}, reference {ref is not None})"
    assert model is None and ref is None, where


def safe_throughout(cfg: Config, states: list[Any]) -> None:
    view_of = cfg.viewer()
    for i, (_, ref) in enumerate(states, 1):
        if ref is not None:
            broken = [p for p in sorted(cfg.safe) if not PROPERTIES[p].holds(view_of(ref), CONCRETE)]
            assert not broken, f"{cfg.name}: {broken} violated after step {i}"


def lock(amount: int) -> Step:
    return ("lock", {"user": "alice", "amount": amount})


def test_the_scenario_gives_a_refilling_bucket_in_both_modes() -> None:
    assert limit(config(FAIL)).mode == "fail"
    assert limit(config(QUEUE)).mode == "queue"
    for name in (FAIL, QUEUE):
        rate = limit(config(name))
        # alice can send more than one bucket holds, and a bucket drained by a quarter refills in seconds
        assert config(name).bounds.supply > rate.capacity + 1
        assert rate.capacity // 4 // rate.refill >= 1


@pytest.mark.parametrize("name", [FAIL, QUEUE])
def test_refill_is_capped_at_the_capacity(name: str) -> None:
    """Drain a quarter, wait twice as long as the refill needs: the bucket holds exactly the capacity, so a
    transfer of exactly the capacity empties it (an uncapped refill would leave tokens over)."""
    cfg = config(name)
    rate = limit(cfg)
    first = rate.capacity // 4
    wait = 2 * (first // rate.refill + 1)
    assert rate.capacity - first + rate.refill * wait > rate.capacity  # uncapped, the level would exceed it
    steps = [lock(first), ("attest", {"id": 0}), ("mint", {"id": 0}), lock(rate.capacity), ("attest", {"id": 1}),
             ("wait", {"seconds": wait}), ("mint", {"id": 1})]
    states = both(cfg, steps)
    for s in after(states, 3):
        assert s["buckets"]["out"] == {"tokens": rate.capacity - first, "updated_at": 0}
    for s in after(states, 7):
        assert s["buckets"]["out"] == {"tokens": 0, "updated_at": wait}
        assert s["buckets"]["back"] == {"tokens": rate.capacity, "updated_at": 0}  # the other direction's bucket
        assert s["balance_remote"]["alice"] == first + rate.capacity
        assert s["claims"][1]["executions"] == 1 and s["claims"][1]["queued"] is False
    safe_throughout(cfg, states)


@pytest.mark.parametrize("name", [FAIL, QUEUE])
def test_a_transfer_above_the_capacity_never_fits_however_long_the_wait(name: str) -> None:
    """CCIP: "a transfer larger than the capacity is rejected even when the bucket is full". A day of refill
    does not change that: fail mode refuses it, queue mode queues it and credits nothing."""
    cfg = config(name)
    rate = limit(cfg)
    steps = [lock(rate.capacity + 1), ("attest", {"id": 0}), ("wait", {"seconds": 86400}), ("mint", {"id": 0})]
    states = both(cfg, steps)
    if rate.mode == "fail":
        refused(states, 4)
        return
    for s in after(states, 4):
        assert s["buckets"]["out"] == {"tokens": rate.capacity, "updated_at": 0}  # a queued transfer takes nothing
        assert s["claims"][0]["queued"] is True and s["claims"][0]["queued_at"] == 86400
        assert s["claims"][0]["executions"] == 1 and s["claims"][0]["credited"] == 0
        assert s["balance_remote"]["alice"] == 0 and s["supply_remote"] == 0
    safe_throughout(cfg, states)


def test_a_partial_refill_covers_exactly_its_level() -> None:
    """Empty the bucket at t = 1, wait 10 s: it holds 10 * refill (the time since it was last touched, not
    since 0), one unit short of the next transfer (refused); one second more and it covers it, leaving
    11 * refill minus the amount, stamped with the time."""
    cfg = config(FAIL)
    rate = limit(cfg)
    second = 10 * rate.refill + 1
    steps = [lock(rate.capacity), ("attest", {"id": 0}), ("wait", {"seconds": 1}), ("mint", {"id": 0}), lock(second),
             ("attest", {"id": 1}), ("wait", {"seconds": 10}), ("mint", {"id": 1}), ("wait", {"seconds": 1}),
             ("mint", {"id": 1})]
    states = both(cfg, steps)
    for s in after(states, 4):
        assert s["buckets"]["out"] == {"tokens": 0, "updated_at": 1}
    refused(states, 8)
    for s in after(states, 10):
        assert s["buckets"]["out"] == {"tokens": 11 * rate.refill - second, "updated_at": 12}
        assert s["balance_remote"]["alice"] == rate.capacity + second
        assert s["claims"][1]["credited"] == second
    safe_throughout(cfg, states)


def test_each_direction_has_its_own_bucket() -> None:
    """`out` is limited on remote and `back` on home: an unlock draws on the home bucket only."""
    cfg = config(FAIL)
    rate = limit(cfg)
    back = rate.capacity // 2
    steps = [lock(rate.capacity), ("attest", {"id": 0}), ("mint", {"id": 0}),
             ("burn", {"user": "alice", "amount": back}), ("attest", {"id": 1}), ("wait", {"seconds": 1}),
             ("unlock", {"id": 1})]
    states = both(cfg, steps)
    for s in after(states, 7):
        assert s["buckets"]["out"] == {"tokens": 0, "updated_at": 0}
        assert s["buckets"]["back"] == {"tokens": rate.capacity - back, "updated_at": 1}
        assert s["claims"][1]["credited"] == back and s["escrow"] == rate.capacity - back
    safe_throughout(cfg, states)


def test_queue_then_release_then_a_second_delivery_credits_once() -> None:
    """An over-limit transfer is queued (that is its execution), released once its delay has passed, and
    never delivered again: neither a second `mint` nor a second `release` credits it twice."""
    cfg = config(QUEUE)
    rate = limit(cfg)
    amount = rate.capacity + 1
    steps = [
        lock(amount), ("attest", {"id": 0}), ("mint", {"id": 0}),  # 3: queued at t = 0
        ("mint", {"id": 0}),  # 4: refused, the queued claim has executed
        ("wait", {"seconds": rate.delay - 1}), ("release", {"id": 0}),  # 6: refused, still delayed
        ("wait", {"seconds": 1}), ("release", {"id": 0}),  # 8: released, credited once
        ("mint", {"id": 0}), ("release", {"id": 0}),  # 9, 10: refused, both
        lock(rate.capacity), ("attest", {"id": 1}), ("mint", {"id": 1}),  # 13: the release took nothing from the bucket
    ]
    states = both(cfg, steps)
    for s in after(states, 3):
        assert s["claims"][0]["queued"] is True and s["claims"][0]["executions"] == 1
        assert s["balance_remote"]["alice"] == 0
    refused(states, 4)
    refused(states, 6)
    for s in after(states, 8):
        assert s["claims"][0]["queued"] is False and s["claims"][0]["executions"] == 1
        assert s["claims"][0]["credited"] == amount
        assert s["balance_remote"]["alice"] == amount and s["supply_remote"] == amount
        assert s["buckets"]["out"] == {"tokens": rate.capacity, "updated_at": 0}
    refused(states, 9)
    refused(states, 10)
    for s in after(states, 13):
        assert s["buckets"]["out"] == {"tokens": 0, "updated_at": rate.delay}
        assert s["balance_remote"]["alice"] == amount + rate.capacity
        assert s["supply_remote"] == amount + rate.capacity
    safe_throughout(cfg, states)
