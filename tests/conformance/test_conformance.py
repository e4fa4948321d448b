"""Conformance: the Z3 transition system and the reference implementation agree, step by step.

Random action sequences run through both `model.engine.execute.run` and `model.reference.World`:
the same steps must be refused, and every accepted step must leave the same observable state.
Every protocol x trust x options configuration of the shipped scenarios is covered, with no
per-model code: a new trust model or scenario is picked up by `harness.configurations()`.

The default run shares a budget of random examples between the configurations (so it stays
around a minute however many scenarios there are); `make test-slow` runs many more per configuration.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from harness import (
    Config,
    Known,
    avoided,
    configurations,
    curated_files,
    disagreement,
    known,
    minimise,
    program,
    round_trip,
    set_aside,
    steps_strategy,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bridgeproof.model.reference import Revert
from bridgeproof.properties import PROPERTIES
from bridgeproof.properties.view import CONCRETE

CONFIGS = configurations()
# Configurations with a known disagreement in their very first state are set aside from the tests that
# compare states (test_known_disagreements_reproduce tracks them instead).
by_config = pytest.mark.parametrize(
    "cfg",
    [pytest.param(c, id=c.name, marks=[pytest.mark.skip(reason=r)] if (r := set_aside(c)) else []) for c in CONFIGS],
)

BUDGET = 700
"""Random sequences per run of the default suite, shared by all configurations."""
EXAMPLES = max(12, BUDGET // max(1, len(CONFIGS)))
SLOW_EXAMPLES = 200
# No Hypothesis shrinking: every shrink step reruns Z3, and a failure could take minutes to report;
# `harness.minimise` cuts the failing sequence down instead, in a few dozen runs.
RANDOM: dict[str, Any] = {
    "deadline": None,
    "phases": (Phase.explicit, Phase.reuse, Phase.generate),
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def test_scenarios_give_configurations() -> None:
    assert CONFIGS, "no configuration found in scenarios/"
    assert len({c.id for c in CONFIGS}) == len(CONFIGS)


@pytest.mark.parametrize("cfg", CONFIGS, ids=[c.name for c in CONFIGS])
def test_every_declared_action_has_both_halves(cfg: Config) -> None:
    """Each declared action has a concrete handler (the World refuses to deploy otherwise) and at least
    one symbolic branch, so neither semantics can leave an action out and call it a refusal."""
    system = cfg.system()
    assert cfg.world().available_actions() == cfg.actions
    branches = {case.action for case in system.cases(system.state(0), system.args(0))}
    assert set(cfg.actions) <= branches, f"declared without a symbolic branch: {sorted(set(cfg.actions) - branches)}"


KNOWN_CASES = [
    pytest.param(k, c, id=f"{k.name}-{c.name}", marks=pytest.mark.xfail(strict=True, reason=k.reason))
    for c in CONFIGS
    for k in known(c)
]


@pytest.mark.parametrize(("case", "cfg"), KNOWN_CASES)
def test_known_disagreements_reproduce(case: Known, cfg: Config) -> None:
    """One strict xfail per known disagreement and configuration (harness.KNOWN): once it is fixed this
    passes, so the suite fails until the entry is removed and the set-aside tests run again."""
    found = disagreement(cfg, list(case.steps))
    assert found is None, f"{found}\n{program(list(case.steps))}"


@by_config
def test_an_honest_round_trip_agrees(cfg: Config) -> None:
    """Not vacuous: both semantics agree on the shortest run to the family's witness (an honest round trip),
    the expected safety claims hold at every step, and where a scenario expects the witness, the run
    exists and every step is accepted."""
    steps = round_trip(cfg)
    if cfg.witnessed:
        assert steps, f"{cfg.id}: no run reaches {sorted(cfg.witnessed)} within depth {cfg.bounds.depth}"
    assert disagreement(cfg, steps) is None, program(steps)
    world, refused, view_of = cfg.world(), [], cfg.viewer()
    view = view_of(world.observe())
    for action, args in steps:
        try:
            world.apply(action, args)
        except Revert as e:
            refused.append(f"{action}{args}: {e}")
        view = view_of(world.observe())
        broken = [name for name in sorted(cfg.safe) if not PROPERTIES[name].holds(view, CONCRETE)]
        assert not broken, f"{cfg.id}: {broken} violated after {action}{args}\n{program(steps)}"
    if cfg.witnessed:
        assert not refused, f"{cfg.id}: honest steps refused: {refused}\n{program(steps)}"
        for name in cfg.witnessed:
            assert PROPERTIES[name].holds(view, CONCRETE), program(steps)


def _check_random(cfg: Config, data: st.DataObject) -> None:
    steps = data.draw(steps_strategy(cfg), label="steps")
    if disagreement(cfg, steps) is not None:
        short = minimise(cfg, steps)
        raise AssertionError(f"{cfg.id}: {disagreement(cfg, short)}\n{program(short)}")


@by_config
@settings(max_examples=EXAMPLES, **RANDOM)
@given(data=st.data())
def test_random_sequences_agree(cfg: Config, data: st.DataObject) -> None:
    _check_random(cfg, data)


@pytest.mark.slow
@by_config
@settings(max_examples=SLOW_EXAMPLES, **RANDOM)
@given(data=st.data())
def test_many_random_sequences_agree(cfg: Config, data: st.DataObject) -> None:
    _check_random(cfg, data)


def _family(cfg: Config) -> str:
    return cfg.name.split("/")[0]


def _curated_steps() -> list[Any]:
    """Each curated counterexample's action list, with the configurations of its scenario family."""
    out = []
    for path in curated_files():
        meta = json.loads(path.read_text())["#meta"]
        steps = [(step["action"], dict(step["args"])) for step in meta["steps"]]
        family = str(meta.get("scenario", "")).split("/")[0]
        cfgs = [
            c for c in CONFIGS if c.protocol.id == meta["protocol"] and (c.trust.id if c.trust else None) == meta["trust"]
        ]
        if family:  # files that name their scenario: its variants only (older files: same protocol and trust)
            cfgs = [c for c in cfgs if _family(c) == family]
        name = str(path.relative_to(path.parents[3])).removesuffix(".itf.json")
        out.append(pytest.param(steps, cfgs, id=name))
    return out


@pytest.mark.parametrize(("steps", "cfgs"), _curated_steps())
def test_curated_attacks_agree_across_the_variants(steps: list[tuple[str, dict[str, Any]]], cfgs: list[Config]) -> None:
    """The corpus' attacks (and their refusals) read the same in both semantics, under every variant of the
    scenario they were found in (so the attack on the defended variant too, and the other way round)."""
    for cfg in cfgs:
        if set_aside(cfg) or avoided(cfg).intersection(action for action, _ in steps):
            continue
        found = disagreement(cfg, steps)
        assert found is None, f"{cfg.id}: {found}\n{program(steps)}"


# --- calls outside the vocabulary --------------------------------------------------------------------------

# A plain lock_mint bridge: custodian trust, no scenario options.
PLAIN = next((c for c in CONFIGS if c.protocol.id == "lock_mint" and c.trust and c.trust.id == "custodian" and c.plain), None)
MINTED: list[tuple[str, dict[str, Any]]] = [
    ("lock", {"user": "alice", "amount": 3}),
    ("attest", {"id": 0}),
    ("mint", {"id": 0}),
]

MALFORMED = [
    pytest.param([("lock", {"user": "alice", "amount": 2, "id": 0})], id="unexpected-argument"),
    pytest.param([("lock", {"user": "alice"})], id="missing-argument"),
    pytest.param([("forge", {"id": -1, "dir": "out", "user": "alice", "amount": 1})], id="negative-id"),
    pytest.param([("forge", {"id": True, "dir": "out", "user": "alice", "amount": 1})], id="bool-id"),
    pytest.param([("lock", {"user": "bob", "amount": 1})], id="unknown-user"),
    pytest.param([("lock", {"user": "alice", "amount": "1"})], id="string-amount"),
    pytest.param([("frobnicate", {})], id="unknown-action"),
    pytest.param([*MINTED, ("burn", {"user": "alice", "amount": 1, "dir": "back"})], id="lock_mint-burn-with-dir"),
]


@pytest.mark.skipif(PLAIN is None, reason="no lock_mint x custodian scenario")
@pytest.mark.parametrize("steps", MALFORMED)
def test_calls_outside_the_vocabulary_are_refused_by_both(steps: list[tuple[str, dict[str, Any]]]) -> None:
    assert PLAIN is not None
    found = disagreement(PLAIN, steps)
    assert found is None, f"{PLAIN.id}: {found}\n{program(steps)}"
