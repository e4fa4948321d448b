"""The observable state as properties see it, concrete or symbolic, with the matching logic.

NOTE(write-once): a property is one Python function over a `View` and an `Ops`. With Python values
and `CONCRETE` it is evaluated on a replayed or Hypothesis state; with Z3 terms and `SYMBOLIC` it
becomes a formula for the solver. Comparisons (`==`, `<=`) work on both; connectives go via `Ops`.
Values are in the canonical unit (SEMANTICS.md, Amounts), so properties never see decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import attrs
import z3

from model.vocabulary import DIRS, USERS, Amounts


class Ops(Protocol):
    def and_(self, *xs: Any) -> Any: ...
    def or_(self, *xs: Any) -> Any: ...
    def not_(self, x: Any) -> Any: ...
    def implies(self, a: Any, b: Any) -> Any: ...
    def ite(self, c: Any, a: Any, b: Any) -> Any: ...
    def sum(self, xs: Iterable[Any]) -> Any: ...


class _Concrete:
    def and_(self, *xs: Any) -> bool:
        return all(xs)

    def or_(self, *xs: Any) -> bool:
        return any(xs)

    def not_(self, x: Any) -> bool:
        return not x

    def implies(self, a: Any, b: Any) -> bool:
        return (not a) or bool(b)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        return a if c else b

    def sum(self, xs: Iterable[Any]) -> Any:
        return sum(xs)


class _Symbolic:
    def and_(self, *xs: Any) -> z3.BoolRef:
        return z3.And(*xs) if xs else z3.BoolVal(True)

    def or_(self, *xs: Any) -> z3.BoolRef:
        return z3.Or(*xs) if xs else z3.BoolVal(False)

    def not_(self, x: Any) -> z3.BoolRef:
        return z3.Not(x)

    def implies(self, a: Any, b: Any) -> z3.BoolRef:
        return z3.Implies(a, b)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        return z3.If(c, a, b)

    def sum(self, xs: Iterable[Any]) -> Any:
        items = list(xs)
        return z3.Sum(*items) if items else z3.IntVal(0)


CONCRETE: Ops = _Concrete()
SYMBOLIC: Ops = _Symbolic()


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

    `value`, `claim_value` and `credited_value` are canonical; the rest are raw observed values.
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
    adversary_funds: Any = 0
    """mallory's own initial holdings (canonical), which are not a loss to anyone."""

    def adversary_value(self, ops: Ops) -> Any:
        """What `mallory` gained, in canonical units: her holdings on every chain less her own funds.

        Wrapped tokens count at face value: a forged mint is value the adversary can sell, and the
        rate limits that cap it act per direction.
        """
        mallory = USERS.index("mallory")
        held = {"home": self.balance_home[mallory], "remote": self.balance_remote[mallory]}
        return ops.sum(held[c] for c in self.loss_chains) - self.adversary_funds


def _message(raw: dict[str, Any], scales: Scales, ops: Ops) -> MessageView:
    return MessageView(
        sent=raw["sent"],
        dir=raw["dir"],
        user=raw["user"],
        amount=raw["amount"],
        claimed=raw["claimed"],
        claim_dir=raw["claim_dir"],
        claim_user=raw["claim_user"],
        claim_amount=raw["claim_amount"],
        executions=raw["executions"],
        value=scales.message(raw["amount"], raw["dir"], ops),
        claim_value=scales.message(raw["claim_amount"], raw["claim_dir"], ops),
        credited=raw["credited"],
        credited_value=scales.credited(raw["credited"], raw["claim_dir"], ops),
        queued=raw["queued"],
        fork_executions=raw["fork_executions"],
        debited_value=scales.debited(raw["debited"], raw["dir"], ops),
    )


def _assemble(
    ledger: Mapping[str, Any],
    balances: tuple[tuple[Any, ...], tuple[Any, ...]],
    rows: tuple[MessageView, ...],
    scales: Scales,
    supply: int,
    loss_chains: tuple[str, ...],
    adversary_funds: int,
) -> View:
    """The View from raw ledger values (Python ints or Z3 terms), scaled to canonical units."""
    home, remote = balances
    return View(
        escrow=ledger["escrow"] * scales.home,
        supply_home=ledger["supply_home"] * scales.home,
        supply_remote=ledger["supply_remote"] * scales.remote,
        balance_home=tuple(b * scales.home for b in home),
        balance_remote=tuple(b * scales.remote for b in remote),
        messages=rows,
        supply=supply * scales.home,
        next_id=ledger["next_id"],
        now=ledger["now"],
        dust=ledger["dust"],
        loss_chains=loss_chains,
        adversary_funds=adversary_funds * scales.home,
    )


def concrete_view(
    observed: Mapping[str, Any],
    messages: int,
    supply: int,
    amounts: Amounts | None = None,
    loss_chains: tuple[str, ...] = ("home", "remote"),
    adversary_funds: int = 0,
) -> View:
    """A View of an observed dict (reference `observe()`, or a decoded / ITF state)."""
    scales = Scales.of(amounts or Amounts())
    sent = observed["sent"]
    claims = observed["claims"]
    rows = []
    for i in range(messages):
        s = sent.get(i)
        c = claims.get(i)
        raw = {
            "sent": s is not None,
            "dir": DIRS.index(s["dir"]) if s else 0,
            "user": USERS.index(s["user"]) if s else 0,
            "amount": s["amount"] if s else 0,
            "claimed": c is not None,
            "claim_dir": DIRS.index(c["dir"]) if c else 0,
            "claim_user": USERS.index(c["user"]) if c else 0,
            "claim_amount": c["amount"] if c else 0,
            "executions": c["executions"] if c else 0,
            "credited": c.get("credited", 0) if c else 0,
            "queued": bool(c.get("queued", False)) if c else False,
            "fork_executions": c.get("fork_executions", 0) if c else 0,
            "debited": s.get("debited", s["amount"]) if s else 0,
        }
        rows.append(_message(raw, scales, CONCRETE))
    ledger = {"now": 0, "dust": 0} | {k: v for k, v in observed.items() if not isinstance(v, dict)}
    balances = (
        tuple(observed["balance_home"][u] for u in USERS),
        tuple(observed["balance_remote"][u] for u in USERS),
    )
    return _assemble(ledger, balances, tuple(rows), scales, supply, loss_chains, adversary_funds)


def symbolic_view(
    s: Any,
    supply: int,
    amounts: Amounts | None = None,
    loss_chains: tuple[str, ...] = ("home", "remote"),
    adversary_funds: int = 0,
) -> View:
    """A View of a `model.symbolic.SymState`."""
    scales = Scales.of(amounts or Amounts())
    rows = tuple(
        _message(
            {
                "sent": s.slot("sent", i),
                "dir": s.slot("sent_dir", i),
                "user": s.slot("sent_user", i),
                "amount": s.slot("sent_amount", i),
                "claimed": s.slot("claimed", i),
                "claim_dir": s.slot("claim_dir", i),
                "claim_user": s.slot("claim_user", i),
                "claim_amount": s.slot("claim_amount", i),
                "executions": s.slot("executions", i),
                "credited": s.slot("credited", i),
                "queued": s.slot("queued", i),
                "fork_executions": s.slot("fork_executions", i),
                "debited": s.slot("sent_debited", i),
            },
            scales,
            SYMBOLIC,
        )
        for i in range(s.messages)
    )
    ledger = {name: s[name] for name in ("escrow", "supply_home", "supply_remote", "next_id", "now", "dust")}
    balances = (
        tuple(s.user("balance_home", u) for u in range(len(USERS))),
        tuple(s.user("balance_remote", u) for u in range(len(USERS))),
    )
    return _assemble(ledger, balances, rows, scales, supply, loss_chains, adversary_funds)
