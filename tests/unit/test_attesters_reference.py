"""The `attesters` trust model's concrete verifier: one eclipsed data source fools every attester behind it.

Each test fails if an eclipse fools too few or too many attesters, or if stolen keys and fooled
attesters are counted twice: the adversary's worst case is the largest sources, with her stolen keys
outside them.
"""

from __future__ import annotations

import pytest

from bridgeproof.model.errors import ParameterError
from bridgeproof.model.trust.attesters import Attesters, Observers
from harness import At


CTX = At()


def forged_sigs(v: Observers) -> int:
    v.forge(0, b"fake", CTX)
    return v.evidence(0)["sigs"]


def test_one_eclipse_fools_every_attester_behind_the_shared_source() -> None:
    v = Observers(k=3, n=5, f=0, per_source=(3, 1, 1), eclipsed=1)
    assert forged_sigs(v) == 3 and v.accepts(0, b"fake", CTX)


def test_with_its_own_node_each_attester_is_fooled_alone() -> None:
    v = Observers(k=3, n=5, f=0, per_source=(1, 1, 1, 1, 1), eclipsed=1)
    assert forged_sigs(v) == 1 and not v.accepts(0, b"fake", CTX)


def test_the_adversary_eclipses_the_largest_source_whatever_its_position() -> None:
    v = Observers(k=3, n=6, f=0, per_source=(1, 1, 4), eclipsed=1)
    assert forged_sigs(v) == 4


def test_stolen_keys_add_to_the_fooled_attesters_without_double_counting() -> None:
    assert forged_sigs(Observers(k=4, n=5, f=1, per_source=(3, 1, 1), eclipsed=1)) == 4
    assert forged_sigs(Observers(k=4, n=5, f=3, per_source=(3, 1, 1), eclipsed=1)) == 5  # capped at n


def test_every_attester_signs_a_real_message() -> None:
    v = Observers(k=5, n=5, f=2, per_source=(3, 2), eclipsed=2)
    v.attest(1, b"real", CTX)
    assert v.evidence(1) == {"sigs": 5} and v.accepts(1, b"real", CTX)
    assert not v.accepts(1, b"other", CTX)


def test_fooled_is_derived_from_the_largest_sources() -> None:
    assert Attesters(k=3, n=5, data_sources=[3, 1, 1], eclipsed=1).fooled == 3
    assert Attesters(k=3, n=5, data_sources=[1, 2, 2], eclipsed=2).fooled == 4
    assert Attesters(k=3, n=5).fooled == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"k": 3, "n": 5, "data_sources": [3, 1]}, "data_sources"),
        ({"k": 3, "n": 5, "data_sources": [5, 0]}, "data_sources"),
        ({"k": 3, "n": 5, "data_sources": "3,1,1"}, "data_sources"),
        ({"k": 3, "n": 5, "data_sources": [3, 2], "eclipsed": 3}, "eclipsed"),
        ({"k": 6, "n": 5}, "k"),
    ],
)
def test_bad_parameters_name_their_field(params: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ParameterError, match=field):
        Attesters(**params)


def test_shared_sources_without_an_eclipse_are_refused() -> None:
    with pytest.raises(ParameterError, match="eclipsed >= 1"):
        Attesters(k=3, n=5, data_sources=[3, 1, 1])
    assert Attesters(k=3, n=5, data_sources=[1, 1, 1, 1, 1]).fooled == 0  # the default, restated
