"""Trust models, one file each, registered by a stable snake_case id (`multisig`, ...)."""

from __future__ import annotations

import sys

from model.registry import Registry, load_package

TRUST_MODELS = Registry(
    "trust model",
    required=("evidence", "honest_evidence", "forged_evidence", "accepts", "assumptions", "verifier"),
)
register = TRUST_MODELS.register
load_package(sys.modules[__name__])
