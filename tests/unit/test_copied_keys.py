"""A stolen key is a copied key (issue 9): its owner still signs honest messages, and honest and
stolen signatures add up on one real message; withholding keys is a separate parameter; and a file
written under the old meaning (stolen keys withheld, `#meta.semantics` 1 or absent) still reads and
replays the old way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridgeproof.model import itf, semantics
from bridgeproof.model.errors import BadInput
from bridgeproof.model.protocols import PROTOCOLS
from bridgeproof.model.reference import World
from bridgeproof.model.trust.multisig import Multisig

REPO = Path(__file__).resolve().parents[2]


def _attested_sigs(trust: Multisig) -> int:
    world = World(PROTOCOLS.get("lock_mint", "test", "protocol")(), trust, messages=1, supply=100)
    world.apply("lock", {"user": "alice", "amount": 1})
    world.apply("attest", {"id": 0})
    return world.observe()["claims"][0]["evidence"]["sigs"]


@pytest.mark.parametrize(("k", "n", "f", "withheld", "sigs"), [(7, 10, 4, 0, 10), (7, 10, 4, 4, 6), (5, 9, 5, 2, 7), (2, 5, 0, 0, 5)])
def test_honest_messages_carry_every_signature_not_withheld(k: int, n: int, f: int, withheld: int, sigs: int) -> None:
    assert _attested_sigs(Multisig(k=k, n=n, f=f, withheld=withheld)) == sigs


def test_stolen_and_honest_signatures_add_up_on_a_real_message() -> None:
    """The keys' owners sign a real withdrawal; the thief's copies sign it too: one signer set."""
    signers = Multisig(k=7, n=10, f=4).verifier()
    signers.attest(0, b"real", None)
    signers.forge(0, b"real", None)
    assert len(signers.signatures[b"real"]) == 10  # not 14: a copied key is still one key
    assert signers.accepts(0, b"real", None)


def test_withheld_is_at_most_the_stolen_keys() -> None:
    with pytest.raises(Exception, match="withheld"):
        Multisig(k=7, n=10, f=4, withheld=5)


def test_old_files_read_stolen_keys_as_withheld() -> None:
    with semantics.reading(1):
        assert Multisig(k=5, n=9, f=5).withheld == 5
    assert Multisig(k=5, n=9, f=5).withheld == 0
    assert Multisig(k=5, n=9, f=5, withheld=1).withheld == 1


def test_a_file_states_the_semantics_it_was_written_under(tmp_path: Path) -> None:
    old = REPO / "counterexamples/lock_mint/multisig/supply_conservation/ronin-2022--delegation-revoked.fixed.itf.json"
    raw = json.loads(old.read_text())
    assert "semantics" not in raw["#meta"]
    assert itf.load(old)["config"].trust.withheld == raw["#meta"]["params"]["f"]
    raw["#meta"]["semantics"] = semantics.VERSION + 1
    bad = tmp_path / "future.itf.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(BadInput, match="#meta.semantics"):
        itf.load(bad)
