"""The reference driver refuses what cannot be deployed, before any call (model/reference/world.py).

Found by mutation testing (make mutation-tool): no test built a World from loose parts with a bad bound
or with a trust model that cannot judge the family's claims.
"""

from __future__ import annotations

from typing import Any

import pytest

from bridgeproof.model.configuration import Bounds
from bridgeproof.model.reference import World
from bridgeproof.model.trust.light_client import LightClient
from bridgeproof.model.trust.multisig import Multisig


@pytest.mark.parametrize("bad", [0, -1, True, "2", 2.0])
@pytest.mark.parametrize("bound", ["messages", "supply"])
def test_messages_and_supply_must_be_integers_of_at_least_one(bound: str, bad: Any) -> None:
    given = {"messages": 2, "supply": 100, bound: bad}
    with pytest.raises(ValueError, match=f"{bound} must be an integer >= 1"):
        World("lock_mint", Multisig(k=2, n=3, f=0), given["messages"], given["supply"])


def test_a_trust_model_that_judges_only_message_bridges_refuses_a_liquidity_network() -> None:
    """The light client proves that a message is on the source chain's canonical chain: it judges message
    bridges only (its `subjects`), so it cannot stand behind a liquidity network's repayment bundles."""
    with pytest.raises(ValueError, match="judges only message_bridge claims"):
        World("liquidity", LightClient(confirmations=400, reorg=3693), 2, 100)
    World("lock_mint", LightClient(confirmations=400, reorg=3693), 2, 100)  # the family it does judge


def test_a_world_without_bounds_gets_the_scenario_defaults() -> None:
    """`World(protocol, trust)` deploys what a scenario without a `bounds` table gets (`Bounds()`: README,
    scenarios/README.md): the same message ids and alice's same initial balance."""
    world = World("lock_mint", Multisig(k=2, n=3, f=0))
    assert world.config.bounds == Bounds()
    assert world.observe()["balance_home"]["alice"] == Bounds().supply
