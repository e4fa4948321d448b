"""Configuration: the bridge's own settings change only through its governance, never by a message."""

from __future__ import annotations

from typing import Any

from bridgeproof.model.protocols.bridge.view import View
from bridgeproof.properties import prop
from bridgeproof.properties.view import Ops


@prop("safety")
def verifier_keys_unchanged(v: View, ops: Ops) -> Any:
    """No destination checks claims against verifier keys that a message installed.

    Poly Network 2021, at the step where the configuration changed: a call executed on the
    keepers' own data contract. The drain that follows is `no_unauthorised_unlock`'s. Holds behind a
    target allowlist, whatever the trust model; without call messages there is nothing to install.
    """
    return ops.and_(*(ops.not_(replaced) for replaced in v.replaced_keys))

