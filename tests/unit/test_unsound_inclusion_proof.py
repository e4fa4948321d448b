"""The light client's `unsound_inclusion_proof` fault on the reference side (BNB Token Hub, 2022).

The fault lets a proof of a message that is in no block pass against a real header; without it, a
forged claim is never accepted however deep the chain grows. Each test fails if the verifier
accepts too much or too little.
"""

from __future__ import annotations

import attrs

from bridgeproof.model.trust.light_client import HeaderChain, LightClient


@attrs.define
class Chain:
    """A source chain as a verifier sees it: the canonical messages and the current height."""

    height: int = 0
    now: int = 0
    blocks: dict[tuple[int, bytes], int] = attrs.Factory(dict)

    def canonical_block(self, msg_id: int, digest: bytes) -> int | None:
        return self.blocks.get((msg_id, digest))


def test_a_sound_client_never_accepts_a_forged_claim() -> None:
    client, chain = HeaderChain(confirmations=1), Chain(height=50)
    client.forge(0, b"mint 1,000,000 to the attacker", chain)
    assert not client.accepts(0, b"mint 1,000,000 to the attacker", chain)
    chain.height = 10_000
    assert not client.accepts(0, b"mint 1,000,000 to the attacker", chain)
    assert client.evidence(0) == {"block": 50}


def test_the_unsound_client_accepts_a_forged_proof_against_the_oldest_header() -> None:
    client, chain = HeaderChain(confirmations=1, unsound=True), Chain(height=0)
    client.forge(0, b"forged", chain)
    assert client.accepts(0, b"forged", chain)
    assert client.evidence(0) == {"block": 0, "forged_proof": True}


def test_the_forged_proof_covers_only_the_digest_it_was_made_for() -> None:
    client, chain = HeaderChain(confirmations=1, unsound=True), Chain(height=3)
    client.forge(0, b"forged", chain)
    assert not client.accepts(0, b"other content", chain)
    assert not client.accepts(1, b"forged", chain)


def test_the_forged_proof_still_waits_for_the_confirmations() -> None:
    client, chain = HeaderChain(confirmations=4, unsound=True), Chain(height=2)
    client.forge(0, b"forged", chain)
    assert not client.accepts(0, b"forged", chain)  # block 0 has 3 confirmations at height 2
    chain.height = 3
    assert client.accepts(0, b"forged", chain)


def test_honest_claims_are_judged_as_before_under_the_fault() -> None:
    client, chain = HeaderChain(confirmations=2, unsound=True), Chain(height=5, blocks={(0, b"real"): 5})
    client.attest(0, b"real", chain)
    assert not client.accepts(0, b"real", chain)
    chain.height = 6
    assert client.accepts(0, b"real", chain)
    assert client.evidence(0) == {"block": 5, "forged_proof": False}
    chain.blocks.clear()  # reorganised away: an honest proof no longer holds
    assert not client.accepts(0, b"real", chain)


def test_the_model_adds_the_evidence_field_only_with_the_fault() -> None:
    assert [f.name for f in LightClient(confirmations=1).evidence] == ["block"]
    faulty = LightClient(confirmations=1, faults=["unsound_inclusion_proof"])
    assert [f.name for f in faulty.evidence] == ["block", "forged_proof"]
    assert faulty.verifier().unsound
