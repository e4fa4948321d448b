"""Protocol families, one module or package each, registered by a stable snake_case id (`lock_mint`, ...)."""

from __future__ import annotations

from bridgeproof.model.registry import Registry

PROTOCOLS = Registry(
    "protocol",
    required=("vars", "fields", "actions", "cases", "deploy", "handlers", "read", "view"),
    package="bridgeproof.model.protocols",
    group="bridgeproof.protocols",
)
register = PROTOCOLS.register
