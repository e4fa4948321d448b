"""The `require` check every reference contract uses, so a failed guard always reverts the same way."""

from bridgeproof.model.reference.revert import Revert


def require(condition: bool, reason: str) -> None:
    """Revert with `reason` unless `condition` holds, as Solidity's `require` does."""
    if not condition:
        raise Revert(reason)
