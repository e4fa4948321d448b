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

GLOBAL_FIELDS: dict[str, Sort] = {
    "escrow": "int",
    "supply_home": "int",
    "supply_remote": "int",
    "next_id": "int",
}
USER_FIELDS: tuple[str, ...] = ("balance_home", "balance_remote")
SLOT_FIELDS: dict[str, Sort] = {
    "sent": "bool",
    "sent_dir": "int",
    "sent_user": "int",
    "sent_amount": "int",
    "sent_debited": "int",
    "claimed": "bool",
    "claim_dir": "int",
    "claim_user": "int",
    "claim_amount": "int",
    "executions": "int",
    "credited": "int",
}
FEATURE_GLOBALS: dict[str, dict[str, Sort]] = {
    "clock": {"now": "int"},
    "blocks": {"height": "int"},
    "pause": {"paused": "bool"},
    "forks": {"forked": "bool", "fork_escrow": "int"},
    "dust": {"dust": "int"},
    "rate": {
        "bucket_tokens[out]": "int",
        "bucket_tokens[back]": "int",
        "bucket_updated[out]": "int",
        "bucket_updated[back]": "int",
    },
}
FEATURE_SLOTS: dict[str, dict[str, Sort]] = {
    "clock": {"claimed_at": "int"},
    "blocks": {"sent_block": "int"},
    "forks": {"fork_executions": "int"},
    "rate": {"queued": "bool", "queued_at": "int"},
}
"""Fields that exist only when a feature is on. Absent fields read as their default constant, so
a plain bridge pays nothing for features it does not have."""


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


def global_key(field: str) -> str:
    return f"vg_{field}"


def fraudulent(s: SymState, i: int) -> z3.BoolRef:
    """A claim the source never emitted (or that was reorged out), or emitted with other content."""
    same = z3.And(
        s.slot("sent", i),
        s.slot("claim_dir", i) == s.slot("sent_dir", i),
        s.slot("claim_user", i) == s.slot("sent_user", i),
        s.slot("claim_amount", i) == s.slot("sent_amount", i),
    )
    return z3.Not(same)


@attrs.frozen
class Layout:
    """Which fields a state has: fixed by the bounds, the features on, and the trust model's evidence."""

    messages: int
    evidence: tuple[EvidenceField, ...]
    globals: tuple[EvidenceField, ...] = ()
    features: frozenset[str] = frozenset()

    def fields(self) -> dict[str, Sort]:
        out: dict[str, Sort] = dict(GLOBAL_FIELDS)
        for feature in sorted(self.features):
            out |= FEATURE_GLOBALS.get(feature, {})
        for g in self.globals:
            out[global_key(g.name)] = g.sort
        for f in USER_FIELDS:
            for u in range(len(USERS)):
                out[user_key(f, u)] = "int"
        slot_fields = dict(SLOT_FIELDS)
        for feature in sorted(self.features):
            slot_fields |= FEATURE_SLOTS.get(feature, {})
        for i in range(self.messages):
            for f, sort in slot_fields.items():
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
        for g in self.globals:
            out[global_key(g.name)] = g.default
        return out

    def default_of(self, name: str) -> int | bool:
        base = name.split("[")[0]
        sorts = (
            GLOBAL_FIELDS
            | SLOT_FIELDS
            | {k.split("[")[0]: v for f in FEATURE_GLOBALS.values() for k, v in f.items()}
            | {k: v for f in FEATURE_SLOTS.values() for k, v in f.items()}
        )
        return False if sorts.get(base) == "bool" else 0


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
        term = self.terms.get(name)
        if term is None:
            return z3.BoolVal(False) if self.layout.default_of(name) is False else z3.IntVal(0)
        return term

    def has(self, name: str) -> bool:
        return name in self.terms

    def slot(self, field: str, i: int) -> z3.ExprRef:
        return self[slot_key(field, i)]

    def user(self, field: str, u: int) -> z3.ExprRef:
        return self.terms[user_key(field, u)]

    def ev(self, field: str, i: int) -> z3.ExprRef:
        return self.terms[evidence_key(field, i)]

    def g(self, field: str) -> z3.ExprRef:
        """A trust model's global (non per-message) field."""
        return self.terms[global_key(field)]

    @property
    def messages(self) -> int:
        return self.layout.messages


ARG_NAMES: tuple[str, ...] = ("id", "user", "amount", "dir", "seconds", "blocks", "depth", "paid")


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
    blocks: z3.ArithRef
    depth: z3.ArithRef
    paid: z3.ArithRef

    @classmethod
    def fresh(cls, step: int) -> StepArgs:
        return cls(step, *(z3.Int(f"{a}@{step}") for a in ("act", *ARG_NAMES)))

    def named(self) -> dict[str, z3.ArithRef]:
        return {name: getattr(self, name) for name in ARG_NAMES}


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
    for name in ("escrow", "supply_home", "supply_remote", "next_id", "now", "height", "paused", "forked"):
        out[name] = val(s[name])
    out["fork_escrow"] = val(s["fork_escrow"])
    out["dust"] = val(s["dust"])
    out["buckets"] = (
        {
            d: {"tokens": val(s[f"bucket_tokens[{d}]"]), "updated_at": val(s[f"bucket_updated[{d}]"])}
            for d in DIRS
        }
        if "rate" in s.layout.features
        else {}
    )
    out["verifier"] = {g.name: val(s.g(g.name)) for g in s.layout.globals}
    sent: dict[int, dict[str, object]] = {}
    claims: dict[int, dict[str, object]] = {}
    for i in range(s.messages):
        if val(s.slot("sent", i)):
            sent[i] = {
                "dir": DIRS[int(val(s.slot("sent_dir", i)))],
                "user": USERS[int(val(s.slot("sent_user", i)))],
                "amount": val(s.slot("sent_amount", i)),
                "block": val(s.slot("sent_block", i)),
                "debited": val(s.slot("sent_debited", i)),
            }
        if val(s.slot("claimed", i)):
            claims[i] = {
                "dir": DIRS[int(val(s.slot("claim_dir", i)))],
                "user": USERS[int(val(s.slot("claim_user", i)))],
                "amount": val(s.slot("claim_amount", i)),
                "executions": val(s.slot("executions", i)),
                "queued": val(s.slot("queued", i)),
                "queued_at": val(s.slot("queued_at", i)),
                "credited": val(s.slot("credited", i)),
                "fork_executions": val(s.slot("fork_executions", i)),
                "claimed_at": val(s.slot("claimed_at", i)),
                "evidence": {ev.name: val(s.ev(ev.name, i)) for ev in s.layout.evidence},
            }
    out["sent"] = sent
    out["claims"] = claims
    return out


def value_of(model: z3.ModelRef, term: z3.ExprRef) -> int | bool:
    return _value(model, term)


class ScopedState:
    """A SymState seen by a nested trust model: its evidence and globals carry a prefix (`v0.`)."""

    def __init__(self, base: SymState, prefix: str) -> None:
        self.base = base
        self.prefix = prefix
        self.messages = base.messages
        self.layout = base.layout
        self.step = base.step

    def __getitem__(self, name: str) -> z3.ExprRef:
        if name.startswith("vg_"):
            return self.base[f"vg_{self.prefix}{name[3:]}"]
        return self.base[name]

    def has(self, name: str) -> bool:
        return self.base.has(name)

    def slot(self, field: str, i: int) -> z3.ExprRef:
        return self.base.slot(field, i)

    def user(self, field: str, u: int) -> z3.ExprRef:
        return self.base.user(field, u)

    def ev(self, field: str, i: int) -> z3.ExprRef:
        return self.base.ev(self.prefix + field, i)

    def g(self, field: str) -> z3.ExprRef:
        return self.base.g(self.prefix + field)

    def scoped_key(self, key: str) -> str:
        """The base state's name for a key a nested model writes (`ev_x[i]`, `vg_x`)."""
        if key.startswith("ev_"):
            return f"ev_{self.prefix}{key[3:]}"
        if key.startswith("vg_"):
            return f"vg_{self.prefix}{key[3:]}"
        return key
