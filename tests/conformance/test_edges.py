"""Guards at their exact boundaries, in both semantics: the cases mutation testing (make mutation-tool) found
that no test reached (a `<=` turned into `<` survived every run).

Each test writes a small scenario with the parameters the guard needs, runs an explicit action list through
the Z3 relation and the reference (`harness.disagreement`), and checks the outcome on both sides against
SEMANTICS.md: the value exactly at the boundary passes, one unit past it is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness import Config, Step, disagreement, program

from bridgeproof.model.engine import execute
from bridgeproof.model.protocols.bridge.options import U64_MAX
from bridgeproof.model.reference import Revert
from bridgeproof.model.scenarios import load


def config_of(tmp_path: Path, text: str) -> Config:
    """The harness configuration of the base scenario in `text` (a scenario file's contents)."""
    path = tmp_path / "edge.toml"
    path.write_text(text)
    sc = load(path)[0]
    return Config(sc.name, sc.protocol, sc.trust, sc.bounds, frozenset(), frozenset(), sc.options)


def outcomes(cfg: Config, steps: list[Step]) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """For each step, the state after it in the model and in the reference (None where refused); the two
    semantics must agree on every step first."""
    found = disagreement(cfg, steps)
    assert found is None, f"{found}\n{program(steps)}"
    model = execute.run(cfg.system(), steps).states
    world, ref = cfg.world(), []
    for action, args in steps:
        try:
            world.apply(action, dict(args))
            ref.append(world.observe())
        except Revert:
            ref.append(None)
    return list(zip(model, ref, strict=True))


def test_an_svm_mint_may_fill_the_u64_supply_exactly(tmp_path: Path) -> None:
    """SEMANTICS.md (Amounts): on an SVM remote, `mint` needs `supply_remote + credit <= 2^64 - 1`. A mint
    that brings the supply to exactly u64::MAX passes; one more unit is refused."""
    cfg = config_of(tmp_path, f"""
        description = "an SPL mint filled to u64::MAX"
        protocol = "lock_mint"
        trust = {{ model = "custodian", compromised = 0 }}
        amounts = {{ remote_vm = "svm" }}
        bounds = {{ depth = 6, messages = 2, supply = {U64_MAX + 1} }}
        [expect]
        supply_conservation = "bounded"
    """)
    steps: list[Step] = [
        ("lock", {"user": "alice", "amount": U64_MAX}), ("attest", {"id": 0}), ("mint", {"id": 0}),
        ("lock", {"user": "alice", "amount": 1}), ("attest", {"id": 1}), ("mint", {"id": 1}),
    ]
    states = outcomes(cfg, steps)
    for side in states[2]:
        assert side is not None and side["supply_remote"] == U64_MAX, "the mint up to u64::MAX was refused"
    assert states[5] == (None, None), "a mint past u64::MAX was accepted"



REORG = 3693
"""The ETC 51% attack of 2020-08-01 reorganised 3,693 blocks (scenarios/etc-51-2020.toml)."""


def test_a_reorg_of_depth_d_drops_exactly_the_last_d_blocks(tmp_path: Path) -> None:
    """SEMANTICS.md (reorg): `1 <= depth <= reorg`; every `out` message with `block > height - depth` leaves
    `sent` and its debit goes back to the sender; one sent at block `height - depth` is older than the
    reorganised blocks and stays. A reorg of depth 1 takes the tip block only."""
    cfg = config_of(tmp_path, f"""
        description = "an adversary who can reorganise as many blocks of home as the ETC attacker"
        protocol = "lock_mint"
        trust = {{ model = "custodian", compromised = 0 }}
        adversary = {{ reorg = {REORG} }}
        bounds = {{ depth = 8, messages = 3, supply = 100 }}
        [expect]
        supply_conservation = "bounded"
    """)
    steps: list[Step] = [
        ("lock", {"user": "alice", "amount": 5}), ("mine", {"blocks": REORG}),  # id 0 at block 0
        ("lock", {"user": "alice", "amount": 3}), ("reorg", {"depth": 1}),  # id 1 in the tip block, dropped
        ("lock", {"user": "alice", "amount": 4}), ("reorg", {"depth": REORG}),  # id 2 dropped, id 0 stays
        ("reorg", {"depth": REORG + 1}),  # deeper than the adversary can go: refused
    ]
    states = outcomes(cfg, steps)
    for side in states[3]:
        assert side is not None, "a reorg of depth 1 was refused"
        assert sorted(side["sent"]) == [0] and side["balance_home"]["alice"] == 95 and side["escrow"] == 5
    for side in states[5]:
        assert side is not None, f"a reorg of depth {REORG} was refused"
        assert sorted(side["sent"]) == [0], f"kept {sorted(side['sent'])}, expected only the message of block 0"
        assert side["balance_home"]["alice"] == 95 and side["escrow"] == 5
    assert states[6] == (None, None), f"a reorg deeper than {REORG} was accepted"


PER_TX = 4000
"""Ronin's per-transfer ceiling of 4,000 ETH, enforced by 2024 (scenarios/ronin-2022.toml)."""


def test_the_per_transaction_limit_admits_exactly_the_limit(tmp_path: Path) -> None:
    """SEMANTICS.md (mint): `amount <= per_tx_limit`. A transfer of exactly the limit executes; one unit more
    is refused."""
    cfg = config_of(tmp_path, f"""
        description = "a destination that executes at most {PER_TX} per message"
        protocol = "lock_mint"
        trust = {{ model = "custodian", compromised = 0 }}
        defences = {{ per_tx_limit = {PER_TX} }}
        bounds = {{ depth = 6, messages = 2, supply = {2 * PER_TX + 1} }}
        [expect]
        supply_conservation = "bounded"
    """)
    steps: list[Step] = [
        ("lock", {"user": "alice", "amount": PER_TX}), ("attest", {"id": 0}), ("mint", {"id": 0}),
        ("lock", {"user": "alice", "amount": PER_TX + 1}), ("attest", {"id": 1}), ("mint", {"id": 1}),
    ]
    states = outcomes(cfg, steps)
    for side in states[2]:
        assert side is not None and side["balance_remote"]["alice"] == PER_TX, "a transfer of the limit was refused"
    assert states[5] == (None, None), "a transfer over the limit was accepted"


def test_an_unlock_truncated_to_nothing_still_completes(tmp_path: Path) -> None:
    """SEMANTICS.md (Amounts, truncate): the destination credits `amount * 10^dd // 10^ds`, which can be 0;
    such a delivery still executes (credits 0, the rest is dust) and the vault pays out nothing. USDC has
    6 decimals on Ethereum and 18 as Binance-Peg USDC on BNB Smart Chain: 1 base unit burnt on BSC is worth
    10^-12 of Ethereum's smallest unit."""
    cfg = config_of(tmp_path, """
        description = "USDC: 6 decimals on home, 18 on remote, truncated at the destination"
        protocol = "lock_mint"
        trust = { model = "custodian", compromised = 0 }
        amounts = { home_decimals = 6, remote_decimals = 18, policy = "truncate" }
        bounds = { depth = 6, messages = 2, supply = 100 }
        [expect]
        supply_conservation = "bounded"
    """)
    steps: list[Step] = [
        ("lock", {"user": "alice", "amount": 1}), ("attest", {"id": 0}), ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 1}), ("attest", {"id": 1}), ("unlock", {"id": 1}),
    ]
    states = outcomes(cfg, steps)
    for side in states[2]:
        assert side is not None and side["balance_remote"]["alice"] == 10**12
    for side in states[5]:
        assert side is not None, "an unlock that credits 0 was refused"
        assert side["claims"][1]["executions"] == 1 and side["claims"][1]["credited"] == 0
        assert side["escrow"] == 1 and side["balance_home"]["alice"] == 99
