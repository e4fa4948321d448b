"""The observable state as properties see it, concrete or symbolic, with the matching logic.

NOTE(write-once): a property is one Python function over a `View` and an `Ops`. With Python values
and `CONCRETE` it is evaluated on a replayed or Hypothesis state; with Z3 terms and `SYMBOLIC` it
becomes a formula for the solver. Comparisons (`==`, `<=`) work on both; connectives go via `Ops`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import attrs
import z3

from model.vocabulary import DIRS, USERS


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
class MessageView:
    """One message id: the source's record (`sent`, ...) and the destination's claim on it."""

    sent: Any
    dir: Any
    user: Any
    amount: Any
    claimed: Any
    claim_dir: Any
    claim_user: Any
    claim_amount: Any
    executions: Any


@attrs.frozen
class View:
    escrow: Any
    supply_home: Any
    supply_remote: Any
    balance_home: tuple[Any, ...]
    balance_remote: tuple[Any, ...]
    messages: tuple[MessageView, ...]
    supply: int
    """The initial supply (a bound), the conserved quantity in the canonical unit."""
    next_id: Any = 0
    now: Any = 0


def concrete_view(observed: Mapping[str, Any], messages: int, supply: int) -> View:
    """A View of an observed dict (reference `observe()`, or a decoded / ITF state)."""
    sent = observed["sent"]
    claims = observed["claims"]
    rows = []
    for i in range(messages):
        s = sent.get(i)
        c = claims.get(i)
        rows.append(
            MessageView(
                sent=s is not None,
                dir=DIRS.index(s["dir"]) if s else 0,
                user=USERS.index(s["user"]) if s else 0,
                amount=s["amount"] if s else 0,
                claimed=c is not None,
                claim_dir=DIRS.index(c["dir"]) if c else 0,
                claim_user=USERS.index(c["user"]) if c else 0,
                claim_amount=c["amount"] if c else 0,
                executions=c["executions"] if c else 0,
            )
        )
    return View(
        escrow=observed["escrow"],
        supply_home=observed["supply_home"],
        supply_remote=observed["supply_remote"],
        balance_home=tuple(observed["balance_home"][u] for u in USERS),
        balance_remote=tuple(observed["balance_remote"][u] for u in USERS),
        messages=tuple(rows),
        supply=supply,
        next_id=observed["next_id"],
        now=observed["now"],
    )


def symbolic_view(s: Any, supply: int) -> View:
    """A View of a `model.symbolic.SymState`."""
    rows = tuple(
        MessageView(
            sent=s.slot("sent", i),
            dir=s.slot("sent_dir", i),
            user=s.slot("sent_user", i),
            amount=s.slot("sent_amount", i),
            claimed=s.slot("claimed", i),
            claim_dir=s.slot("claim_dir", i),
            claim_user=s.slot("claim_user", i),
            claim_amount=s.slot("claim_amount", i),
            executions=s.slot("executions", i),
        )
        for i in range(s.messages)
    )
    return View(
        escrow=s["escrow"],
        supply_home=s["supply_home"],
        supply_remote=s["supply_remote"],
        balance_home=tuple(s.user("balance_home", u) for u in range(len(USERS))),
        balance_remote=tuple(s.user("balance_remote", u) for u in range(len(USERS))),
        messages=rows,
        supply=supply,
        next_id=s["next_id"],
        now=s["now"],
    )
