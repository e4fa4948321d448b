"""max_loss is exact within its bound: Z3's optimum equals brute-force enumeration of the reference.

Small bounds (supply 3, two message ids, amounts 1..4) so the reference's whole reachable state
space can be enumerated; the configurations are chosen so the loss is finite (limits cap forged
mints), and cover a per-transaction limit, a rate limit that fails, honest keys, and burn and mint.
"""

from __future__ import annotations

import pytest

from bridgeproof.model.engine.explicit import domains, max_value
from bridgeproof.model.engine.loss import max_loss
from bridgeproof.model.protocols import PROTOCOLS
from bridgeproof.model.reference import World
from bridgeproof.model.system import System
from bridgeproof.model.trust import TRUST_MODELS
from bridgeproof.model.configuration import Bounds
from bridgeproof.model.protocols.bridge.options import Options, RateLimit

CASES = {
    "lock_mint-stolen-keys-per-tx-2": ("lock_mint", {"k": 2, "n": 3, "f": 2}, Options(per_tx_limit=2)),
    "lock_mint-stolen-keys-rate-fail-2": (
        "lock_mint",
        {"k": 2, "n": 3, "f": 2},
        Options(rate_limit=RateLimit(capacity=2, refill=0, mode="fail", delay=0)),
    ),
    "lock_mint-honest-keys": ("lock_mint", {"k": 2, "n": 3, "f": 1}, Options(per_tx_limit=2)),
    "burn_mint-stolen-keys-per-tx-1": ("burn_mint", {"k": 2, "n": 3, "f": 2}, Options(per_tx_limit=1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("depth", [3])
def test_max_loss_equals_brute_force(name: str, depth: int) -> None:
    protocol, params, options = CASES[name]
    trust = TRUST_MODELS.build("multisig", params, "test", "trust")
    system = System(PROTOCOLS.build(protocol, {}, "test", "protocol"), trust, Bounds(depth=depth, messages=2, supply=3), options)
    table = domains(system) | {"amount": [1, 2, 3, 4], "seconds": [1]}
    world = World(protocol, trust, 2, 3, options)
    brute = max_value(system, world, depth, table)
    loss = max_loss(system, depth)
    assert loss.verdict == "exact", loss
    assert loss.value == brute, f"Z3 says {loss.value}, enumeration of the reference says {brute}"
