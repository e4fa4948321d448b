"""The `stake` trust model's concrete verifier: a quorum of the active stake, and the adversary's bond.

Each test fails if borrowed or bought stake counts when it should not, or not when it should:
Beanstalk 2022 (a flash loan counted at once) against a one-block activation delay, and bought stake
that the same delay cannot stop.
"""

from __future__ import annotations

import pytest

from bridgeproof.model.errors import ParameterError
from bridgeproof.model.reference.revert import Revert
from bridgeproof.model.trust.stake import Committee, Stake
from harness import At


def committee(delay: int = 0, loan: int | None = 0, honest: int = 21, acquirable: int = 79) -> Committee:
    return Committee(honest, acquirable, 6667, delay, loan)


def test_without_a_bond_only_honest_stake_signs_and_a_forgery_fails() -> None:
    c = committee()
    c.attest(0, b"real", At(0))
    c.forge(1, b"drain", At(0))
    assert c.accepts(0, b"real", At(0)) and c.evidence(0) == {"signed": 21, "active": 21}
    assert not c.accepts(1, b"drain", At(0)) and c.evidence(1) == {"signed": 0, "active": 21}


def test_a_flash_loan_counted_at_once_signs_a_forgery_in_its_own_block() -> None:
    c = committee(delay=0, loan=0)
    c.bond(79, At(5))
    c.forge(0, b"drain", At(5))
    assert c.accepts(0, b"drain", At(5))
    assert c.evidence(0) == {"signed": 79, "active": 100}
    c.forge(1, b"later", At(6))  # the loan is repaid after its block
    assert not c.accepts(1, b"later", At(6))


def test_an_activation_delay_longer_than_the_loan_keeps_it_from_ever_signing() -> None:
    c = committee(delay=1, loan=0)
    c.bond(79, At(5))
    for height in (5, 6, 7, 100):
        c.forge(height, b"drain", At(height))
        assert not c.accepts(height, b"drain", At(height)), height


def test_bought_stake_signs_once_the_delay_has_passed() -> None:
    c = committee(delay=3, loan=None)
    c.bond(79, At(10))
    c.forge(0, b"early", At(12))
    assert not c.accepts(0, b"early", At(12))
    c.forge(1, b"drain", At(13))
    assert c.accepts(1, b"drain", At(13))


def test_the_quorum_is_a_share_of_the_active_stake_her_bond_included() -> None:
    # 42 of 63 is 66.67%: one short of two-thirds at 6667 bps; 43 of 64 is enough.
    short, enough = committee(), committee()
    short.bond(42, At(0))
    enough.bond(43, At(0))
    short.forge(0, b"d", At(0))
    enough.forge(0, b"d", At(0))
    assert not short.accepts(0, b"d", At(0))
    assert enough.accepts(0, b"d", At(0))


def test_her_active_stake_also_signs_real_messages() -> None:
    c = committee()
    c.bond(79, At(0))
    c.attest(0, b"real", At(0))
    assert c.evidence(0) == {"signed": 100, "active": 100} and c.accepts(0, b"real", At(0))


def test_a_claim_is_checked_against_its_own_digest() -> None:
    c = committee()
    c.attest(0, b"real", At(0))
    assert not c.accepts(0, b"other", At(0))


def test_one_bond_within_reach() -> None:
    c = committee(acquirable=10)
    with pytest.raises(Revert):
        c.bond(11, At(0))
    with pytest.raises(Revert):
        c.bond(0, At(0))
    c.bond(10, At(0))
    with pytest.raises(Revert):
        c.bond(1, At(0))
    assert c.state() == {"bonded": 10, "bonded_at": 0}


def test_a_loan_length_without_a_loan_is_refused() -> None:
    with pytest.raises(ParameterError, match="loan_blocks"):
        Stake(honest=21, acquirable=79, borrowed=False, loan_blocks=5)
    with pytest.raises(ParameterError, match="quorum_bps"):
        Stake(honest=21, quorum_bps=0)


def test_stake_parameters_without_stake_to_acquire_are_refused() -> None:
    with pytest.raises(ParameterError, match="activation_delay takes effect only with acquirable >= 1"):
        Stake(honest=21, activation_delay=1)
    with pytest.raises(ParameterError, match="quorum_bps"):
        Stake(honest=21, quorum_bps=5001)
    assert Stake(honest=21, quorum_bps=6667, activation_delay=0).acquirable == 0  # defaults restated
