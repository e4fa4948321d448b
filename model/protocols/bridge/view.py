"""What the message-bridge properties see: canonical values, and one row per message id.

Built from `properties.view.Fields`, so the same code gives the view of a replayed state and of a
symbolic one (NOTE(write-once)). Values are in the canonical unit (SEMANTICS.md, Amounts), so
properties never see decimals.
"""

from __future__ import annotations

from typing import Any

import attrs

from bridgeproof.model.protocols.bridge.options import Amounts
from bridgeproof.properties.view import Fields, Ops

USERS: tuple[str, ...] = ("alice", "mallory")
CALL = 1
"""The index of `call` among the message kinds (family.KINDS)."""
BYTES32 = 1
"""The index of `bytes32` among the recipient encodings (family.RECIPIENT_DOMAIN)."""


@attrs.frozen
class Scales:
    """How many canonical units one base unit of each chain, and of a message, is worth."""

    home: int = 1
    remote: int = 1
    wire: int | None = 1
    """Canonical units per message unit when messages carry trimmed amounts; None when they carry
    the source chain's own units (truncate policy)."""

    @classmethod
    def of(cls, a: Amounts) -> Scales:
        dh, dr = a.home_decimals, a.remote_decimals
        cap = a.wire_decimals if a.wire_decimals is not None else min(dh, dr)
        w = min(cap, dh, dr)
        d = max(dh, dr, w)
        return cls(10 ** (d - dh), 10 ** (d - dr), 10 ** (d - w) if a.policy == "trim" else None)

    def message(self, amount: Any, direction: Any, ops: Ops) -> Any:
        if self.wire is not None:
            return amount * self.wire
        return ops.ite(direction == 0, amount * self.home, amount * self.remote)

    def credited(self, credited: Any, direction: Any, ops: Ops) -> Any:
        """Destination units: remote for `out`, home for `back`."""
        return ops.ite(direction == 0, credited * self.remote, credited * self.home)

    def debited(self, debited: Any, direction: Any, ops: Ops) -> Any:
        """Source units: home for `out`, remote for `back`."""
        return ops.ite(direction == 0, debited * self.home, debited * self.remote)


@attrs.frozen
class MessageView:
    """One message id: the source's record (`sent`, ...) and the destination's claim on it.

    `value`, `claim_value`, `credited_value` and `debited_value` are canonical; the rest are raw.
    """

    sent: Any
    dir: Any
    user: Any
    amount: Any
    claimed: Any
    claim_dir: Any
    claim_user: Any
    claim_amount: Any
    executions: Any
    value: Any = 0
    claim_value: Any = 0
    credited: Any = 0
    credited_value: Any = 0
    queued: Any = False
    fork_executions: Any = 0
    debited_value: Any = 0
    id: Any = 0
    """The id's value (its position, or a representative's symbolic value)."""
    call: Any = False
    """The source sent a call, not a transfer (`adversary.calls`): it moved no value."""
    recipient: Any = 0
    claim_recipient: Any = 0
    """How the message and its claim encode the recipient (`amounts.recipients = "bytes32"`); 0, an address, otherwise."""
    lands_unowned: Any = False
    """A delivery of the claim credits an address nobody holds: a 32-byte recipient on a 20-byte destination."""


@attrs.frozen
class View:
    """Balances, escrow and supplies are canonical values; `supply` is the initial supply's value."""

    escrow: Any
    supply_home: Any
    supply_remote: Any
    balance_home: tuple[Any, ...]
    balance_remote: tuple[Any, ...]
    messages: tuple[MessageView, ...]
    supply: Any
    next_id: Any = 0
    now: Any = 0
    dust: Any = 0
    loss_chains: tuple[str, ...] = ("home", "remote")
    ids_bounded: bool = True
    """False when the message ids represent any number of them (so `next_id` has no upper bound)."""
    adversary_funds: Any = 0
    """mallory's own initial holdings (canonical), which are not a loss to anyone."""
    replaced_keys: tuple[Any, ...] = ()
    """Per dir, whether its destination checks claims against keys a call installed (`adversary.calls`)."""
    taken: tuple[Any, ...] = ()
    """Per user, the canonical value the router took on someone else's instruction (`adversary.approvals`)."""
    unowned: tuple[Any, ...] = ()
    """Per chain (home, remote), the canonical value credited to addresses nobody holds (32-byte recipients)."""

    def adversary_value(self, ops: Ops) -> Any:
        """What `mallory` gained, in canonical units: her holdings on every chain, and what her own
        claims paid on a fork of home, less her own funds.

        Wrapped tokens count at face value: a forged mint is value the adversary can sell, and the
        rate limits that cap it act per direction.
        """
        return ops.sum(self.loss_by_chain(ops).values())

    def loss_by_chain(self, ops: Ops) -> dict[str, Any]:
        """The gain on each chain: her own funds (held on home) count against home."""
        mallory = USERS.index("mallory")
        held = {"home": self.balance_home[mallory] - self.adversary_funds, "remote": self.balance_remote[mallory]}
        return {**{c: held[c] for c in self.loss_chains}, "fork": self.fork_taken(ops)}

    def fork_taken(self, ops: Ops) -> Any:
        """What `mallory` was paid on a forked copy of home: her back claims executed there, at the
        value they carry (the fork's ledger is not modelled beyond its vault)."""
        mallory = USERS.index("mallory")
        return ops.sum(ops.ite(m.claim_user == mallory, m.fork_executions * m.claim_value, 0) for m in self.messages)


def view(f: Fields, ops: Ops, amounts: Amounts, supply: int, loss_chains: tuple[str, ...], adversary_funds: int) -> View:
    """The bridge view from field values (Python ints or Z3 terms), scaled to canonical units."""
    scales = Scales.of(amounts)
    rows = []
    calls = f.has("sent_kind")
    recipients = f.has("sent_recipient")
    for i in range(f.size("ids")):
        direction, claim_dir = f("sent_dir", i), f("claim_dir", i)
        # A call carries a payload, not value: nothing is in flight for it, and a delivery may credit nothing.
        call = f("sent_kind", i) == CALL if calls else False
        value = scales.message(f("sent_amount", i), direction, ops)
        rows.append(
            MessageView(
                sent=f("sent", i),
                dir=direction,
                user=f("sent_user", i),
                amount=f("sent_amount", i),
                claimed=f("claimed", i),
                claim_dir=claim_dir,
                claim_user=f("claim_user", i),
                claim_amount=f("claim_amount", i),
                executions=f("executions", i),
                value=ops.ite(call, 0, value) if calls else value,
                claim_value=scales.message(f("claim_amount", i), claim_dir, ops),
                credited=f("credited", i),
                credited_value=scales.credited(f("credited", i), claim_dir, ops),
                queued=f("queued", i),
                fork_executions=f("fork_executions", i),
                debited_value=scales.debited(f("sent_debited", i), direction, ops),
                id=f.index("ids", i),
                call=call,
                recipient=f("sent_recipient", i) if recipients else 0,
                claim_recipient=f("claim_recipient", i) if recipients else 0,
                lands_unowned=_lands_unowned(f, ops, amounts, i, claim_dir) if recipients else False,
            )
        )
    return View(
        escrow=f("escrow") * scales.home,
        supply_home=f("supply_home") * scales.home,
        supply_remote=f("supply_remote") * scales.remote,
        balance_home=tuple(b * scales.home for b in f.row("balance_home")),
        balance_remote=tuple(b * scales.remote for b in f.row("balance_remote")),
        messages=tuple(rows),
        supply=supply * scales.home,
        next_id=f("next_id"),
        now=f("now"),
        dust=f("dust"),
        loss_chains=loss_chains,
        ids_bounded=f.bounded("ids"),
        adversary_funds=adversary_funds * scales.home,
        replaced_keys=f.row("replaced_keys") if f.has("replaced_keys") else (),
        taken=tuple(t * scales.home for t in f.row("taken")) if f.has("taken") else (),
        unowned=(f("unowned", 0) * scales.home, f("unowned", 1) * scales.remote) if f.has("unowned") else (),
    )


def _lands_unowned(f: Fields, ops: Ops, amounts: Amounts, i: int, claim_dir: Any) -> Any:
    """Claim i names 32 bytes and its destination keeps 20 (home always; remote on an EVM), so a
    delivery, where one is made (`truncating_address`), pays an address nobody holds."""
    foreign = f("claim_recipient", i) == BYTES32
    if amounts.remote_vm == "evm":
        return foreign
    return ops.and_(foreign, claim_dir == 1)
