"""The `tss` trust model's concrete verifier: one group key, whoever holds it signs.

Each test fails if the verifier lets the adversary sign too early or not at all: with no fault only
k stolen shares give her the key; `nonce_reuse` gives it after two signing rounds (Anyswap 2021);
`share_extraction` after one stolen share (BitForge 2023).
"""

from __future__ import annotations

import pytest

from bridgeproof.model.errors import ParameterError
from bridgeproof.model.trust.tss import GroupKey, Tss
from harness import At


CTX = At()


def test_a_sound_scheme_below_threshold_never_signs_for_the_adversary() -> None:
    key = GroupKey(k=3, n=5, f=2, nonce_reuse=False, share_extraction=False)
    for i in range(4):
        key.attest(i, bytes([i]), CTX)
    key.forge(9, b"drain", CTX)
    assert not key.accepts(9, b"drain", CTX)
    assert key.evidence(9) == {"shares": 2, "round": False}
    assert key.accepts(0, bytes([0]), CTX) and key.evidence(0) == {"shares": 5, "round": True}


def test_k_stolen_shares_sign_anything() -> None:
    key = GroupKey(k=3, n=5, f=3, nonce_reuse=False, share_extraction=False)
    key.forge(0, b"drain", CTX)
    assert key.accepts(0, b"drain", CTX)


def test_nonce_reuse_gives_the_key_away_after_the_second_round_only() -> None:
    key = GroupKey(k=3, n=5, f=0, nonce_reuse=True, share_extraction=False)
    key.attest(0, b"a", CTX)
    key.forge(1, b"early", CTX)
    assert not key.accepts(1, b"early", CTX)  # one signature reveals nothing
    key.attest(2, b"b", CTX)
    key.forge(3, b"drain", CTX)
    assert key.accepts(3, b"drain", CTX)
    assert key.evidence(3) == {"shares": 5, "round": False}


def test_share_extraction_needs_one_share() -> None:
    none = GroupKey(k=3, n=5, f=0, nonce_reuse=False, share_extraction=True)
    none.forge(0, b"drain", CTX)
    assert not none.accepts(0, b"drain", CTX)
    one = GroupKey(k=3, n=5, f=1, nonce_reuse=False, share_extraction=True)
    one.forge(0, b"drain", CTX)
    assert one.accepts(0, b"drain", CTX)


def test_a_signature_covers_only_its_digest() -> None:
    key = GroupKey(k=2, n=3, f=0, nonce_reuse=False, share_extraction=False)
    key.attest(0, b"real", CTX)
    assert not key.accepts(0, b"other", CTX)
    assert not key.accepts(1, b"real", CTX)


def test_the_model_builds_the_verifier_its_faults_describe() -> None:
    v = Tss(k=3, n=5, f=1, faults=["share_extraction"]).verifier()
    assert (v.k, v.n, v.f, v.share_extraction, v.nonce_reuse) == (3, 5, 1, True, False)
    with pytest.raises(ParameterError):
        Tss(k=6, n=5)
