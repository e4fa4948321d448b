"""The symbolic state: one Z3 constant per observable field per step, named `field@step`.

This is the single narrow crossing between Z3 terms and Python values (as in CrossHair): states
are built here, and models are decoded back into the observable dict of SEMANTICS.md here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs
import z3

from model.vocabulary import DIRS, USERS

Sort = Literal["int", "bool"]

GLOBAL_FIELDS: tuple[str, ...] = ("escrow", "supply_home", "supply_remote", "next_id", "now")
USER_FIELDS: tuple[str, ...] = ("balance_home", "balance_remote")
SLOT_FIELDS: dict[str, Sort] = {
    "sent": "bool",
    "sent_dir": "int",
    "sent_user": "int",
    "sent_amount": "int",
    "claimed": "bool",
    "claim_dir": "int",
    "claim_user": "int",
    "claim_amount": "int",
    "executions": "int",
}


@attrs.frozen
class EvidenceField:
    """One per-message field a trust model keeps; `observe` is its name in the ITF evidence record."""

    name: str
    sort: Sort
    default: int | bool = 0


def _const(name: str, sort: Sort) -> z3.ExprRef:
    return z3.Bool(name) if sort == "bool" else z3.Int(name)


def slot_key(field: str, i: int) -> str:
    return f"{field}[{i}]"


def user_key(field: str, u: int) -> str:
    return f"{field}[{USERS[u]}]"


def evidence_key(field: str, i: int) -> str:
    return f"ev_{field}[{i}]"


@attrs.frozen
class Layout:
    """Which fields a state has: fixed by the bounds and the trust model's evidence."""

    messages: int
    evidence: tuple[EvidenceField, ...]

    def fields(self) -> dict[str, Sort]:
        out: dict[str, Sort] = {name: "int" for name in GLOBAL_FIELDS}
        for f in USER_FIELDS:
            for u in range(len(USERS)):
                out[user_key(f, u)] = "int"
        for i in range(self.messages):
            for f, sort in SLOT_FIELDS.items():
                out[slot_key(f, i)] = sort
            for ev in self.evidence:
                out[evidence_key(ev.name, i)] = ev.sort
        return out

    def defaults(self) -> dict[str, int | bool]:
        out: dict[str, int | bool] = {}
        for name, sort in self.fields().items():
            out[name] = False if sort == "bool" else 0
        for i in range(self.messages):
            for ev in self.evidence:
                out[evidence_key(ev.name, i)] = ev.default
        return out


@attrs.frozen
class SymState:
    """The state at one step, as Z3 terms keyed by field name."""

    step: int
    terms: Mapping[str, z3.ExprRef]
    layout: Layout

    @classmethod
    def fresh(cls, layout: Layout, step: int) -> SymState:
        terms = {name: _const(f"{name}@{step}", sort) for name, sort in layout.fields().items()}
        return cls(step, terms, layout)

    def __getitem__(self, name: str) -> z3.ExprRef:
        return self.terms[name]

    def slot(self, field: str, i: int) -> z3.ExprRef:
        return self.terms[slot_key(field, i)]

    def user(self, field: str, u: int) -> z3.ExprRef:
        return self.terms[user_key(field, u)]

    def ev(self, field: str, i: int) -> z3.ExprRef:
        return self.terms[evidence_key(field, i)]

    @property
    def messages(self) -> int:
        return self.layout.messages


@attrs.frozen
class StepArgs:
    """The action chosen at one step and its arguments, as Z3 integers named `arg@step`."""

    step: int
    act: z3.ArithRef
    id: z3.ArithRef
    user: z3.ArithRef
    amount: z3.ArithRef
    dir: z3.ArithRef
    seconds: z3.ArithRef

    @classmethod
    def fresh(cls, step: int) -> StepArgs:
        return cls(
            step,
            *(z3.Int(f"{a}@{step}") for a in ("act", "id", "user", "amount", "dir", "seconds")),
        )

    def named(self) -> dict[str, z3.ArithRef]:
        return {
            "id": self.id,
            "user": self.user,
            "amount": self.amount,
            "dir": self.dir,
            "seconds": self.seconds,
        }


@attrs.frozen
class Case:
    """One branch of one action: when `guard` holds, the fields in `updates` change; all others stay.

    `args` pins every argument the branch uses (the rest are pinned to 0 by the system, so a
    decoded trace is canonical).
    """

    action: str
    guard: z3.BoolRef
    updates: Mapping[str, z3.ExprRef | int | bool]
    args: Mapping[str, z3.ExprRef | int]


def _value(model: z3.ModelRef, term: z3.ExprRef) -> int | bool:
    v = model.eval(term, model_completion=True)
    if z3.is_bool(v):
        return bool(z3.is_true(v))
    return v.as_long()  # type: ignore[attr-defined, no-any-return]


def decode_state(model: z3.ModelRef, s: SymState) -> dict[str, object]:
    """The observable dict of SEMANTICS.md, exactly as the reference implementation's `observe()`."""

    def val(term: z3.ExprRef) -> int | bool:
        return _value(model, term)

    out: dict[str, object] = {
        "balance_home": {USERS[u]: val(s.user("balance_home", u)) for u in range(len(USERS))},
        "balance_remote": {USERS[u]: val(s.user("balance_remote", u)) for u in range(len(USERS))},
    }
    for name in ("escrow", "supply_home", "supply_remote", "next_id", "now"):
        out[name] = val(s[name])
    sent: dict[int, dict[str, object]] = {}
    claims: dict[int, dict[str, object]] = {}
    for i in range(s.messages):
        if val(s.slot("sent", i)):
            sent[i] = {
                "dir": DIRS[int(val(s.slot("sent_dir", i)))],
                "user": USERS[int(val(s.slot("sent_user", i)))],
                "amount": val(s.slot("sent_amount", i)),
            }
        if val(s.slot("claimed", i)):
            claims[i] = {
                "dir": DIRS[int(val(s.slot("claim_dir", i)))],
                "user": USERS[int(val(s.slot("claim_user", i)))],
                "amount": val(s.slot("claim_amount", i)),
                "executions": val(s.slot("executions", i)),
                "evidence": {ev.name: val(s.ev(ev.name, i)) for ev in s.layout.evidence},
            }
    out["sent"] = sent
    out["claims"] = claims
    return out


def value_of(model: z3.ModelRef, term: z3.ExprRef) -> int | bool:
    return _value(model, term)


def global_key(field: str) -> str:
    return f"vg_{field}"
