"""`reorg_remote` on the reference: remote's burns in the replaced blocks never happened.

Each test fails if the handler drops too much (home's messages, older burns), too little, or
forgets to give the burned tokens back; or if a destination's past deliveries are undone.
"""

from __future__ import annotations

from typing import Any

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.bridge.options import Options
from bridgeproof.model.protocols.burn_mint import BurnMint
from bridgeproof.model.protocols.lock_mint import LockMint
from bridgeproof.model.reference.world import World
from bridgeproof.model.trust.light_client import LightClient
from harness import refused, run


def world(family: Any = None, reorg_remote: int = 5) -> World:
    cfg = Configuration(
        family or LockMint(), LightClient(confirmations=2), Bounds(messages=3, supply=100), Options(reorg_remote=reorg_remote)
    )
    return World(cfg)


def test_the_return_leg_burn_vanishes_after_its_unlock() -> None:
    w = run(
        world(),
        ("lock", {"user": "alice", "amount": 10}),
        ("mine", {"blocks": 1}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 4}),
        ("mine", {"blocks": 1}),
        ("attest", {"id": 1}),
        ("unlock", {"id": 1}),
        ("reorg_remote", {"depth": 2}),  # height 2: blocks 1 and 2 go, with the burn at block 1
    )
    s = w.observe()
    assert 1 not in s["sent"] and 0 in s["sent"]  # home's lock is not remote's to reorganise
    assert s["balance_remote"]["alice"] == 10 and s["supply_remote"] == 10  # the burn is undone
    assert s["balance_home"]["alice"] == 94 and s["escrow"] == 6  # the unlock stays done
    assert s["claims"][1]["executions"] == 1


def test_a_burn_below_the_reorganised_blocks_stays() -> None:
    w = run(
        world(family=BurnMint()),
        ("burn", {"user": "alice", "amount": 10, "dir": "out"}),
        ("mine", {"blocks": 1}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 3, "dir": "back"}),
        ("mine", {"blocks": 3}),
        ("reorg_remote", {"depth": 3}),  # the burn sits at block 1, and 4 - 3 = 1 is not above it
    )
    s = w.observe()
    assert 1 in s["sent"] and s["balance_remote"]["alice"] == 7
    run(w, ("reorg_remote", {"depth": 4}))
    s = w.observe()
    assert 1 not in s["sent"] and s["balance_remote"]["alice"] == 10 and s["supply_remote"] == 10


def test_the_depth_is_bounded_by_the_option() -> None:
    w = world(reorg_remote=2)
    refused(w, "reorg_remote", depth=3)
    refused(w, "reorg_remote", depth=0)
    run(w, ("reorg_remote", {"depth": 2}))
