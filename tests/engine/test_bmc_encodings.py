"""The strengthened BMC encoding against the plain one: the same verdict and the same shortest
length on safe and unsafe configurations, and Houdini keeps only lemmas that hold in every
reachable state (SEMANTICS.md, "BMC with reachable invariants")."""

from __future__ import annotations

import pytest
import z3

from bridgeproof.model.check import fresh_solver_context
from bridgeproof.model.configuration import Bounds
from bridgeproof.model.engine.bmc import bmc
from bridgeproof.model.engine.budget import Budget
from bridgeproof.model.engine.strengthening import reachable_lemmas
from bridgeproof.model.protocols import PROTOCOLS
from bridgeproof.model.system import System
from bridgeproof.model.trust import TRUST_MODELS
from bridgeproof.properties import PROPERTIES

# (family, trust model, its parameters, message ids, depth): Ronin's 5 of 9 (Sky Mavis post-mortem,
# 2022-03-29) with 4 and 5 keys stolen; a custodian that signs anything; Nomad-style optimistic
# acceptance with a watcher that is too slow (30 min window, Nomad docs).
CONFIGS = [
    ("lock_mint", "multisig", {"k": 5, "n": 9, "f": 4}, 2, 6),
    ("lock_mint", "multisig", {"k": 5, "n": 9, "f": 5}, 3, 6),
    ("burn_mint", "multisig", {"k": 2, "n": 3, "f": 1}, 2, 6),
    ("burn_mint", "custodian", {"compromised": 1}, 2, 6),
]
PROPS = ["supply_conservation", "no_unbacked_mint", "no_double_spend"]


def _system(family: str, trust: str, params: dict, messages: int, depth: int) -> System:
    fresh_solver_context()
    return System(
        PROTOCOLS.build(family, {}, "test", "protocol"),
        TRUST_MODELS.build(trust, dict(params), "test", "trust"),
        Bounds(depth=depth, messages=messages),
    )


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
@pytest.mark.parametrize("prop", PROPS)
def test_same_verdict_and_shortest_length(config: tuple, prop: str) -> None:
    found = {}
    for encoding in ("plain", "strengthened"):
        f = bmc(_system(*config), PROPERTIES[prop], config[4], encoding=encoding)
        found[encoding] = (f.verdict, f.depth if f.verdict in ("violated", "witnessed") else None, f.clean_below)
        if f.trace is not None:
            assert len(f.trace.steps) == f.depth
    assert found["plain"] == found["strengthened"]


def test_same_witness_length() -> None:
    """A witness (the transfer an honest user can complete) is found at the same depth."""
    found = {
        encoding: bmc(_system("burn_mint", "multisig", {"k": 2, "n": 3, "f": 1}, 2, 6), PROPERTIES["can_complete_transfer"], 6, encoding=encoding)
        for encoding in ("plain", "strengthened")
    }
    assert found["plain"].verdict == found["strengthened"].verdict == "witnessed"
    assert found["plain"].depth == found["strengthened"].depth


def test_the_safe_bridge_is_settled_without_unrolling() -> None:
    """5 of 9 with 4 stolen keys and 6 message ids: the plain encoding needs minutes here."""
    s = _system("lock_mint", "multisig", {"k": 5, "n": 9, "f": 4}, 6, 12)
    f = bmc(s, PROPERTIES["supply_conservation"], 12, budget=Budget(units=20_000_000))
    assert f.verdict == "bounded" and f.clean_below == 13


def test_houdini_drops_what_a_run_breaks() -> None:
    """A candidate that one send breaks (`next_id` stays 0) is dropped; the declared lemmas stay."""

    class WithFalseLemma(System):
        def lemmas(self, s):  # type: ignore[no-untyped-def]
            out = dict(super().lemmas(s))
            out["nothing_is_ever_sent"] = (s["next_id"] == 0, "")
            return out

    fresh_solver_context()
    base = _system("lock_mint", "multisig", {"k": 5, "n": 9, "f": 4}, 2, 6)
    s = WithFalseLemma(base.protocol, base.trust, base.bounds, base.options)
    kept = reachable_lemmas(s, Budget())
    assert "nothing_is_ever_sent" not in kept
    assert set(kept) == set(base.lemmas(base.state(0)))


def test_kept_lemmas_are_inductive() -> None:
    s = _system("lock_mint", "multisig", {"k": 5, "n": 9, "f": 5}, 2, 6)
    kept = reachable_lemmas(s, Budget())
    assert kept
    s0, s1 = s.state(0), s.state(1)
    before, after = s.lemmas(s0), s.lemmas(s1)
    sv = z3.Solver()
    sv.add(*s.pinned(), s.domain(), *(before[n][0] for n in kept), s.trans(s0, s.args(0), s1))
    sv.add(z3.Not(z3.And(*(after[n][0] for n in kept))))
    assert sv.check() == z3.unsat


def test_an_exhausted_budget_is_never_bounded() -> None:
    s = _system("lock_mint", "multisig", {"k": 5, "n": 9, "f": 4}, 3, 12)
    f = bmc(s, PROPERTIES["supply_conservation"], 12, budget=Budget(units=1))
    assert f.verdict == "unknown"
