"""Trust models, one file each, registered by a stable snake_case id (`multisig`, ...)."""

from __future__ import annotations

from bridgeproof.model.registry import Registry

TRUST_MODELS = Registry(
    "trust model",
    required=("evidence", "honest_evidence", "forged_evidence", "accepts", "assumptions", "verifier"),
    package="bridgeproof.model.trust",
    group="bridgeproof.trust",
)
register = TRUST_MODELS.register
