"""Every registered extension is exercised: a family, trust model or property with no scenario fails here.

The generic conformance, stateful, replay and oracle tests cover exactly what the shipped scenarios
use, so an extension that no scenario names would otherwise go untested in silence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bridgeproof.model.protocols import PROTOCOLS
from bridgeproof.model.scenarios import discover
from bridgeproof.model.trust import TRUST_MODELS
from bridgeproof.properties import PROPERTIES

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = discover([REPO / "scenarios"])


def _trust_ids(model: Any) -> set[str]:
    if model is None:
        return set()
    return {model.id} | {i for sub in getattr(model, "verifiers", ()) for i in _trust_ids(sub)}


@pytest.mark.parametrize("ident", PROTOCOLS.ids())
def test_every_family_has_a_scenario(ident: str) -> None:
    used = {sc.protocol.id for sc in SCENARIOS}
    assert ident in used, f"protocol family {ident!r} is registered but no scenario in scenarios/ uses it"


@pytest.mark.parametrize("ident", TRUST_MODELS.ids())
def test_every_trust_model_has_a_scenario(ident: str) -> None:
    used = {i for sc in SCENARIOS for i in _trust_ids(sc.trust)}
    assert ident in used, f"trust model {ident!r} is registered but no scenario in scenarios/ uses it"


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_every_property_is_expected_somewhere(name: str) -> None:
    expected = {p for sc in SCENARIOS for p in sc.expect}
    assert name in expected, f"property {name!r} is registered but no scenario states its expected verdict"


def test_every_family_declares_both_halves() -> None:
    """A family's declared actions all have concrete handlers and symbolic branches (checked per configuration
    in tests/conformance); here: each family names its witness, and that witness is one of its properties."""
    for ident, cls in PROTOCOLS.items():
        if cls.witness is not None:
            assert cls.witness in PROPERTIES, f"{ident}: witness {cls.witness!r} is not a registered property"
            assert PROPERTIES[cls.witness].kind == "witness"
