"""Cross-VM amounts: how a transfer's amount is converted between the decimals of the two chains.

Two real designs (SEMANTICS.md, Amounts):
- `trim` (Wormhole NTT, LayerZero OFT): the source trims the amount to shared wire decimals before it
  is sent, keeps the trimmed-off dust with the sender (or reverts), and the wire amount is a u64;
- `truncate` (Hyperlane Warp, CCIP token pools): the message carries the source amount and the
  destination scales it, so whatever the division drops is stranded value (`dust`).
"""

from __future__ import annotations

import attrs

from bridgeproof.model.reference.guard import require
from bridgeproof.model.protocols.bridge.options import U64_MAX, Amounts

HOME = "home"
REMOTE = "remote"


@attrs.frozen
class Outbound:
    """What a send does at the source: the amount the message carries and what leaves the sender."""

    carried: int
    """Message units: `10^-w` under trim, the source's base units under truncate."""
    debited: int
    """Source base units taken from the sender."""


@attrs.frozen
class Conversion:
    """The decimal rules of one deployment; every method is pure, so a refused action changes nothing."""

    amounts: Amounts

    def decimals(self, chain: str) -> int:
        """Base-unit decimals of the token on `chain`."""
        return self.amounts.home_decimals if chain == HOME else self.amounts.remote_decimals

    @property
    def wire_decimals(self) -> int:
        """`w`: the shared decimals a trimmed amount travels in (never more than either chain has)."""
        a = self.amounts
        lowest = min(a.home_decimals, a.remote_decimals)
        wire = lowest if a.wire_decimals is None else a.wire_decimals
        return min(wire, lowest)

    @property
    def canonical_decimals(self) -> int:
        """`D = max(dh, dr, w)`; since `w <= min(dh, dr)` this is the finer of the two chains."""
        a = self.amounts
        return max(a.home_decimals, a.remote_decimals, self.wire_decimals)

    def message_decimals(self, source: str) -> int:
        """The unit a message from `source` counts in: wire decimals (trim) or the source's own (truncate)."""
        return self.wire_decimals if self.amounts.policy == "trim" else self.decimals(source)

    def send(self, source: str, amount: int) -> Outbound:
        """The source side of a transfer of `amount` source base units; reverts as the real contract does."""
        if self.amounts.policy == "truncate":
            return Outbound(carried=amount, debited=amount)
        unit = 10 ** (self.decimals(source) - self.wire_decimals)
        wire, dust = divmod(amount, unit)
        require(not (dust and self.amounts.dust == "revert"), "amount has dust below the wire decimals")
        require(wire >= 1, "amount trims to nothing on the wire")
        require(wire <= U64_MAX, "wire amount exceeds u64")
        return Outbound(carried=wire, debited=amount - dust)

    def credit(self, source: str, destination: str, carried: int) -> int:
        """Destination base units a message of `carried` units pays out (rounding up is a fault)."""
        if self.amounts.policy == "trim":
            return carried * 10 ** (self.decimals(destination) - self.wire_decimals)
        numerator = carried * 10 ** self.decimals(destination)
        denominator = 10 ** self.decimals(source)
        if self.amounts.rounding == "up":
            return -(-numerator // denominator)
        return numerator // denominator

    def value(self, decimals: int, units: int) -> int:
        """`units` of `10^-decimals` in canonical units."""
        return units * 10 ** (self.canonical_decimals - decimals)

    def message_value(self, source: str, carried: int) -> int:
        """What a message is worth in canonical units."""
        return self.value(self.message_decimals(source), carried)

    def stranded(self, source: str, destination: str, carried: int, credited: int) -> int:
        """Canonical units a delivery leaves behind: only truncation strands value, and never less than 0.

        NOTE(dust-up): rounding up credits more than the message is worth; that is value created, not
        negative dust, so it adds nothing here and shows up as broken conservation instead.
        """
        if self.amounts.policy != "truncate":
            return 0
        lost = self.message_value(source, carried) - self.value(self.decimals(destination), credited)
        return max(lost, 0)
