"""Mutation tests: break the reference implementation on purpose and check that our checks notice.

Each break is a monkeypatch made inside the test only. The detectors are the suite's own shared
helpers, so a break caught here is caught by the real tests too:
- the replay of the curated corpus (`harness.failing_replays`, i.e. `replay(itf.load(path)).ok`, as
  in tests/replay), which must stop being ok for the files that guard against the broken defence;
- the conformance check against the Z3 system (`harness.disagreement`, as in tests/conformance), on a
  short action sequence, and the random conformance search (`harness.steps_strategy`);
- the stateful machine of tests/stateful (its invariants and its `replay` rule).
Each test first checks that the detector is quiet on the unbroken reference, so a detection means
the break, not a broken detector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from harness import (
    COUNTEREXAMPLES,
    Config,
    Step,
    configurations,
    curated_files,
    disagreement,
    failing_replays,
    program,
    round_trip,
    set_aside,
    steps_strategy,
)
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample
from hypothesis.stateful import run_state_machine_as_test
from test_stateful import machine_for

from bridgeproof.model import itf
from bridgeproof.model.protocols.bridge.contracts.chain import Endpoint
from bridgeproof.model.trust.custodian import CustodianKey
from bridgeproof.model.trust.multisig import SignerSet
from bridgeproof.model.trust.optimistic import FraudWindow

# A detector only means something where it is quiet on the unbroken reference: configurations with a known
# (reported) disagreement between the two semantics are left out here.
CONFIGS = [c for c in configurations() if not set_aside(c)]
# Detection only: derandomized (the same examples every run, so never flaky), no shrinking (each
# shrink step would rerun Z3), no example database.
QUIET: dict[str, Any] = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "report_multiple_bugs": False,
    "phases": (Phase.explicit, Phase.reuse, Phase.generate),
    "suppress_health_check": list(HealthCheck),
}
SEARCH = settings(max_examples=300, **QUIET)
STATEFUL = settings(max_examples=200, stateful_step_count=12, **QUIET)


# --- the breaks ------------------------------------------------------------------------------------------


def remove_replay_protection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Destinations forget that an id was executed: `admit` sees every claim as never executed."""
    original = Endpoint.admit

    def admit(self: Endpoint, msg_id: int, *args: Any, **kwargs: Any) -> Any:
        claim = self.claims.get(msg_id)
        if claim is None or claim.executions == 0:
            return original(self, msg_id, *args, **kwargs)
        self.claims[msg_id] = attrs.evolve(claim, executions=0)
        try:
            return original(self, msg_id, *args, **kwargs)
        finally:
            self.claims[msg_id] = claim

    monkeypatch.setattr(Endpoint, "admit", admit)


def lower_multisig_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `SignerSet` verifier accepts k-1 signatures."""
    original = SignerSet.__init__

    def init(self: SignerSet, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.threshold -= 1

    monkeypatch.setattr(SignerSet, "__init__", init)


def ignore_watcher_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Time may pass a live watcher's deadline: `FraudWindow.check_wait` never refuses."""
    monkeypatch.setattr(FraudWindow, "check_wait", lambda self, *args, **kwargs: None)


def honest_custodian_signs_forgeries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The custodian key signs whatever the adversary forges, compromised or not."""
    original = CustodianKey.forge

    def forge(self: CustodianKey, msg_id: int, digest: bytes, *args: Any, **kwargs: Any) -> None:
        original(self, msg_id, digest, *args, **kwargs)
        self.signatures.add(digest)

    monkeypatch.setattr(CustodianKey, "forge", forge)


# --- detectors -----------------------------------------------------------------------------------------


def _meta(path: Path) -> dict[str, Any]:
    return itf.load(path)["meta"]  # type: ignore[no-any-return]


def _rel(path: Path) -> str:
    return str(path.relative_to(COUNTEREXAMPLES))


EXECUTE = frozenset({"mint", "unlock"})


def fixed_files(trust: str, guarded: Callable[[dict[str, Any]], bool], refused: frozenset[str]) -> list[str]:
    """Curated `expect: fixed` files that the removed defence is what fixes: of this trust model, with
    parameters that hold the defence, and refused by the reference at one of the `refused` actions;
    where that is an execution, the attack is a forgery (the defences broken here judge evidence)."""
    out = []
    for path in curated_files():
        meta = _meta(path)
        if meta["expect"] != "fixed" or meta["trust"] != trust or not guarded(meta["params"]):
            continue
        at = meta.get("refused_at")
        actions = [step["action"] for step in meta["steps"]]
        if at is None or actions[at - 1] not in refused:
            continue
        if actions[at - 1] in EXECUTE and "forge" not in actions[: at - 1]:
            continue
        out.append(_rel(path))
    return out


def random_disagreement(cfg: Config) -> list[Step] | None:
    """The random conformance search of tests/conformance, run until it finds a disagreement (or gives up)."""
    try:
        return find(steps_strategy(cfg), lambda steps: disagreement(cfg, steps) is not None, settings=SEARCH)
    except NoSuchExample:
        return None


def stateful_failure(cfg: Config) -> str | None:
    """The stateful machine of tests/stateful on this configuration; the failure it reports, if any."""
    try:
        run_state_machine_as_test(machine_for(cfg), settings=STATEFUL)
    except AssertionError as e:
        return str(e) or type(e).__name__
    return None


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Callable[[pytest.MonkeyPatch], None]], None]]:
    """Apply a break for the rest of the test; monkeypatch undoes it afterwards."""
    yield lambda brk: brk(monkeypatch)


@pytest.mark.slow
def test_the_unbroken_reference_passes_every_detector() -> None:
    """The baseline every break below is measured against. The default suite runs the same two checks
    one case at a time (test_replay.py replays every curated file, test_conformance.py's honest round
    trip checks every configuration), so this serial copy of them runs with `make test-slow`."""
    assert failing_replays() == {}
    for cfg in CONFIGS:
        assert disagreement(cfg, round_trip(cfg)) is None, cfg.id


# --- (a) replay protection -----------------------------------------------------------------------------


def executed_twice(cfg: Config) -> list[Step]:
    """The honest round trip up to its first mint, and that mint again."""
    steps = round_trip(cfg)
    first_mint = next(i for i, (action, _) in enumerate(steps) if action == "mint")
    return [*steps[: first_mint + 1], steps[first_mint]]


# Configurations where an honest claim executes at all (a scenario expects a completed round trip).
HONEST = [c for c in CONFIGS if "can_complete_transfer" in c.witnessed]


def test_honest_configurations_exist() -> None:
    assert HONEST, "no scenario expects can_complete_transfer: the replay-protection break is not checked"


@pytest.mark.parametrize("cfg", HONEST, ids=[c.name for c in HONEST])
def test_removed_replay_protection_is_caught_by_conformance(cfg: Config, broken: Any) -> None:
    # No curated counterexample executes an id twice on the same chain (the fork double spend in the
    # corpus goes through fork_unlock's own replay record), so replaying the corpus does not notice this
    # break (checked when this test was written); conformance with the Z3 system does.
    steps = executed_twice(cfg)
    assert disagreement(cfg, steps) is None, program(steps)
    broken(remove_replay_protection)
    found = disagreement(cfg, steps)
    assert found is not None, f"{cfg.id}: a second mint of the same id went unnoticed\n{program(steps)}"
    assert f"step {len(steps)} " in found and "model refuses" in found, found


def test_removed_replay_protection_is_caught_by_the_random_search_and_the_stateful_machine(broken: Any) -> None:
    # A configuration that claims no_double_spend, the property this break violates at its first
    # step; elsewhere the machine must stumble on a double execution that also unbalances the supply
    # (anyswap-2021/fresh-nonces: found within 2,000 examples, not within this test's 200).
    cfg = next(c for c in HONEST if "no_double_spend" in c.safe)
    broken(remove_replay_protection)
    assert random_disagreement(cfg) is not None, f"{cfg.id}: the random conformance search missed it"
    failure = stateful_failure(cfg)
    assert failure is not None, f"{cfg.id}: the stateful machine missed it"


# --- (b) multisig threshold lowered by one ------------------------------------------------------------------


def _one_below(params: dict[str, Any]) -> bool:
    return params.get("f") == params.get("k", 0) - 1


ONE_BELOW = [c for c in CONFIGS if c.trust is not None and c.trust.id == "multisig" and _one_below(c.trust.describe())]


def test_lowered_multisig_threshold_is_caught_by_the_corpus(broken: Any) -> None:
    guarded = fixed_files("multisig", _one_below, EXECUTE)
    assert guarded, "no curated fixed multisig counterexample with f = k - 1"
    assert failing_replays() == {}
    broken(lower_multisig_threshold)
    failing = failing_replays()
    missed = [f for f in guarded if f not in failing]
    assert not missed, f"the replay of these files still passes with k-1 signatures: {missed}"


@pytest.mark.parametrize("cfg", ONE_BELOW, ids=[c.name for c in ONE_BELOW])
def test_lowered_multisig_threshold_is_caught_by_conformance(cfg: Config, broken: Any) -> None:
    steps: list[Step] = [("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 1}), ("mint", {"id": 0})]
    assert disagreement(cfg, steps) is None, program(steps)
    broken(lower_multisig_threshold)
    found = disagreement(cfg, steps)
    assert found is not None and found.startswith("step 2 "), f"{cfg.id}: {found}\n{program(steps)}"


def test_lowered_multisig_threshold_is_caught_by_the_random_search_and_the_stateful_machine(broken: Any) -> None:
    assert ONE_BELOW, "no multisig configuration with f = k - 1"
    cfg = ONE_BELOW[0]
    broken(lower_multisig_threshold)
    assert random_disagreement(cfg) is not None, f"{cfg.id}: the random conformance search missed it"
    failure = stateful_failure(cfg)
    assert failure is not None, f"{cfg.id}: the stateful machine missed it"


# --- (c) watcher deadline ignored, (d) honest custodian signs forgeries ----------------------------------


def _live_watcher(params: dict[str, Any]) -> bool:
    return params.get("watchers", 0) >= 1 and params.get("delay", 0) < params.get("window", 0)


def _honest_key(params: dict[str, Any]) -> bool:
    return params.get("compromised") == 0


@pytest.mark.parametrize(
    ("brk", "trust", "guarded", "refused"),
    [
        pytest.param(
            ignore_watcher_deadline, "optimistic", _live_watcher, frozenset({"wait"}), id="watcher-deadline-ignored"
        ),
        pytest.param(
            honest_custodian_signs_forgeries, "custodian", _honest_key, EXECUTE, id="custodian-signs-forgeries"
        ),
    ],
)
def test_other_breaks_are_caught_by_the_corpus_and_conformance(
    brk: Callable[[pytest.MonkeyPatch], None],
    trust: str,
    guarded: Callable[[dict[str, Any]], bool],
    refused: frozenset[str],
    broken: Any,
) -> None:
    files = fixed_files(trust, guarded, refused)
    assert files, f"no curated fixed {trust} counterexample guards against this break"
    # Plain configurations of the defended kind (no faults or options that would change what the attack does).
    cfgs = [
        c
        for c in CONFIGS
        if c.trust is not None and c.trust.id == trust and guarded(c.trust.describe()) and c.plain and not c.trust.faults
    ]
    assert cfgs, f"no plain {trust} configuration holds the defence"
    attacks = {f: [(s["action"], dict(s["args"])) for s in _meta(COUNTEREXAMPLES / f)["steps"]] for f in files}
    broken(brk)
    failing = failing_replays()
    missed = [f for f in files if f not in failing]
    assert not missed, f"the replay of these files still passes: {missed}"
    # The same attack, run through both semantics, now splits them.
    for cfg in cfgs:
        for f, steps in attacks.items():
            if _meta(COUNTEREXAMPLES / f)["protocol"] == cfg.protocol.id:
                assert disagreement(cfg, steps) is not None, f"{cfg.id}: {f}\n{program(steps)}"
