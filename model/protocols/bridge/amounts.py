"""Cross-VM amounts in the symbolic model: trimming, truncation and canonical values as Z3 terms.

NTT and OFT trim at the source (the dust stays with the sender, or the send reverts); Hyperlane
Warp and CCIP pools truncate at the destination (the dust is stranded on the source). Values are
compared in the canonical unit 10^-D, D the largest decimals in play, so no conversion can hide a
created or destroyed unit.
"""

from __future__ import annotations

import attrs
import z3

from bridgeproof.model.protocols.bridge.options import U64_MAX, Amounts

OUT, BACK = 0, 1


@attrs.frozen
class Conversion:
    a: Amounts

    @property
    def dh(self) -> int:
        return self.a.home_decimals

    @property
    def dr(self) -> int:
        return self.a.remote_decimals

    @property
    def w(self) -> int:
        cap = self.a.wire_decimals if self.a.wire_decimals is not None else min(self.dh, self.dr)
        return min(cap, self.dh, self.dr)

    @property
    def D(self) -> int:  # noqa: N802  (the canonical exponent, as in SEMANTICS.md)
        return max(self.dh, self.dr, self.w)

    def src(self, direction: int) -> int:
        return self.dh if direction == OUT else self.dr

    def dst(self, direction: int) -> int:
        return self.dr if direction == OUT else self.dh

    @property
    def trim(self) -> bool:
        return self.a.policy == "trim"

    def send(self, amount: z3.ArithRef, direction: int) -> tuple[z3.BoolRef, z3.ArithRef, z3.ArithRef]:
        """(guard, message amount, debited) for sending `amount` source base units."""
        if not self.trim:
            return z3.BoolVal(True), amount, amount
        scale = 10 ** (self.src(direction) - self.w)
        wire = amount if scale == 1 else amount / scale
        debited = wire * scale
        guard = z3.And(wire >= 1, wire <= U64_MAX)
        if self.a.dust == "revert":
            guard = z3.And(guard, debited == amount)
        return guard, wire, debited

    def credit(self, amount: z3.ArithRef, direction: int) -> z3.ArithRef:
        """Destination base units credited for a message amount."""
        if self.trim:
            return amount * 10 ** (self.dst(direction) - self.w)
        ds, dd = self.src(direction), self.dst(direction)
        if dd >= ds:
            return amount * 10 ** (dd - ds)
        scale = 10 ** (ds - dd)
        return (amount + scale - 1) / scale if self.a.rounding == "up" else amount / scale

    def message_value(self, amount: z3.ArithRef, direction: z3.ArithRef | int) -> z3.ArithRef:
        """Canonical value of a message amount (the dir may be symbolic)."""
        if self.trim:
            return amount * 10 ** (self.D - self.w)
        out, back = amount * 10 ** (self.D - self.dh), amount * 10 ** (self.D - self.dr)
        if isinstance(direction, int):
            return out if direction == OUT else back
        return z3.If(direction == OUT, out, back)

    def home_value(self, x: z3.ArithRef) -> z3.ArithRef:
        return x * 10 ** (self.D - self.dh)

    def remote_value(self, x: z3.ArithRef) -> z3.ArithRef:
        return x * 10 ** (self.D - self.dr)

    def credited_value(self, credited: z3.ArithRef, direction: z3.ArithRef | int) -> z3.ArithRef:
        if isinstance(direction, int):
            return self.remote_value(credited) if direction == OUT else self.home_value(credited)
        return z3.If(direction == OUT, self.remote_value(credited), self.home_value(credited))

    def dust(self, amount: z3.ArithRef, direction: int) -> z3.ArithRef:
        """Value stranded by one delivery: max(0, message value - credited value)."""
        if self.trim:
            return z3.IntVal(0)
        loss = self.message_value(amount, direction) - self.credited_value(self.credit(amount, direction), direction)
        return z3.If(loss >= 0, loss, 0)
