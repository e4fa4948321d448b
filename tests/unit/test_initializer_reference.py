"""Unit tests of the initialiser (`adversary.initialize`) in the message bridges' reference implementation, from
SEMANTICS.md ("Family `lock_mint` and `burn_mint`": the Configuration rows `adversary.initialize` and
`unprotected_initializer`, "Calls", and "Initialiser: configuration an unprivileged call may write") alone.

`initialize(dir)` is mallory's call to the initialiser of the destination of `dir` (remote for `out`, home for
`back`). Its only guard is `unprotected_initializer` (Wormhole 2022-02, Parity 2017-07); without it the contract is
already initialised and refuses. It is not stopped by `paused`. Its effect is `replaced_keys[dir] = true`, after
which the destination of that dir accepts every claim ("accepted" as under Calls); a second call changes nothing.
`adversary.initialize` together with `adversary.forks` is bad input.

What `initialize` shares with `govern` (where it exists, the keys of exactly that destination, the forged claims it
lets through, a second call, no message id, an unknown dir, the family's reading) is tested once for both in
test_key_writers_reference.py; this module holds what is the initialiser's alone.

The worlds are built from scenario tables, as a scenario file would state them: lock_mint under a 3-of-4 multisig
with no compromised key (`f = 0`), so a forged claim carries no signature and the trust model alone never accepts
it; alice holds the initial supply of 100 home units, 3 message ids, all decimals 0 (every credit equals the message
amount). Every expected number is worked out by hand in the comments, never computed by the code under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridgeproof.model.errors import BadInput
from bridgeproof.model.protocols.bridge import deployment as bridge
from bridgeproof.model.reference import Revert
from bridgeproof.model.reference.world import World
from bridgeproof.model.scenarios import from_table
from harness import KEYS_UNTOUCHED, refused, replaced_keys, run, scenario_table, scenario_world

FAULT = "unprotected_initializer"
BASE: dict[str, Any] = {
    "protocol": "lock_mint",
    "faults": [FAULT],
    "adversary": {"initialize": True},
    "trust": {"model": "multisig", "k": 3, "n": 4, "f": 0},
    "bounds": {"messages": 3},
    "expect": {"supply_conservation": "violated"},
}


def table(**overrides: Any) -> dict[str, Any]:
    """The base scenario table with whole top-level entries replaced (None drops one)."""
    return scenario_table(BASE, **overrides)


def world(**overrides: Any) -> World:
    """The world a scenario file with these tables would be checked on."""
    return scenario_world(table(**overrides), "initializer.toml")


# --- where the fault is ---------------------------------------------------------------------------------------


def test_the_fault_is_on_both_destinations_and_only_with_it() -> None:
    # Both destinations run the same contract, so both have (or lack) the initialise-once guard.
    faulty, guarded = world().deployment, world(faults=None).deployment
    assert [faulty.chains[c].endpoint.policy.unprotected_initializer for c in ("home", "remote")] == [True, True]
    assert [guarded.chains[c].endpoint.policy.unprotected_initializer for c in ("home", "remote")] == [False, False]


# --- without the fault: already initialised --------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["out", "back"])
def test_without_the_fault_it_is_refused(direction: str) -> None:
    w = run(world(faults=None), ("lock", {"user": "alice", "amount": 10}))
    refused(w, "initialize", dir=direction)
    assert replaced_keys(w) == KEYS_UNTOUCHED
    assert w.observe()["replaced_keys"] == KEYS_UNTOUCHED
    with pytest.raises(Revert, match="already initialised"):
        bridge.initialize(w.deployment, direction)


def test_without_the_fault_a_forgery_stays_refused() -> None:
    w = run(
        world(faults=None),
        ("lock", {"user": "alice", "amount": 10}),  # id 0, escrow 10
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 7}),  # 0 of 3 signatures
    )
    refused(w, "initialize", dir="back")
    refused(w, "unlock", id=2)


# --- with the fault ---------------------------------------------------------------------------------------------


# --- configuration ---------------------------------------------------------------------------------------------


def test_the_fault_without_the_option_is_bad_input() -> None:
    with pytest.raises(BadInput) as info:
        from_table(table(adversary=None), Path("initializer.toml"))
    assert info.value.field == "faults"
    assert FAULT in info.value.why
