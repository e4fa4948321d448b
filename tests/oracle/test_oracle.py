"""The explicit-state oracle agrees with BMC on every shipped scenario, at bounds small enough to enumerate.

The oracle is a breadth-first search over the reference implementation (no Z3), so agreement on
the verdict and on the shortest counterexample's length checks the symbolic encoding against an
independent semantics. Depth: 3, or the BMC counterexample's length when that is at most 5.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from bridgeproof.model.check import fresh_solver_context, system_of
from bridgeproof.model.engine.bmc import bmc
from bridgeproof.model.engine.explicit import explore
from bridgeproof.model.reference import World
from bridgeproof.model.scenarios import discover
from bridgeproof.properties import PROPERTIES

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = discover([REPO / "scenarios"])
BASE_DEPTH = 3
MAX_DEPTH = 4
MAX_STATES = 1_500
SLOW_MAX_STATES = 40_000
"""The breadth-first search stops at the last level it can complete within this many states (a family
with many arguments per action, such as the liquidity network, branches too widely for depth 4)."""
"""The default run explores to the shortest counterexample when it is at most 4 steps long (3
otherwise); `make test-slow` goes to 5 for every scenario (the ETC reorg attack is 5 steps)."""


def _agree(scenario, max_depth: int, max_states: int = MAX_STATES) -> None:  # type: ignore[no-untyped-def]
    props = [PROPERTIES[p] for p in scenario.expect if PROPERTIES[p].kind != "liveness"]
    fresh_solver_context()
    depth = BASE_DEPTH
    for prop in props:
        if prop.kind != "safety":
            continue
        found = bmc(system_of(scenario), prop, max_depth)
        if found.verdict == "violated":
            depth = max(depth, found.depth)
    system = attrs.evolve(system_of(scenario), bounds=attrs.evolve(scenario.bounds, depth=depth))
    world = World(scenario.config)
    explicit = explore(system, props, depth, world, max_states)
    for prop in props:
        exp = explicit[prop.name]
        sym = bmc(system, prop, exp.depth if exp.verdict in ("bounded", "vacuous") else depth)
        exp = explicit[prop.name]
        assert (exp.verdict, exp.depth) == (sym.verdict, sym.depth), (
            f"{prop.name}: the reference BFS says {exp.verdict} at depth {exp.depth} "
            f"(via {list(exp.path)}), BMC says {sym.verdict} at depth {sym.depth}"
        )


BASES = [sc for sc in SCENARIOS if sc.base is None]
"""The default run checks each scenario file's own configuration; `make test-slow` checks every variant
too, deeper (test_oracle_agrees_with_bmc_deeper). Conformance covers every variant in both runs."""


@pytest.mark.parametrize("scenario", BASES, ids=[sc.name for sc in BASES])
def test_oracle_agrees_with_bmc(scenario) -> None:  # type: ignore[no-untyped-def]
    _agree(scenario, MAX_DEPTH)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_oracle_agrees_with_bmc_deeper(scenario) -> None:  # type: ignore[no-untyped-def]
    _agree(scenario, 5, SLOW_MAX_STATES)
