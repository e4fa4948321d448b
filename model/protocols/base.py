"""What every protocol family shares in the symbolic model: claims, attestation and forgery.

A family adds how value leaves the source (`sends`) and how a claim is executed on the destination
(`executes`). The trust model decides acceptance and the adversary's evidence.
"""

from __future__ import annotations

from typing import ClassVar

import z3

from model.symbolic import Case, StepArgs, SymState, evidence_key, slot_key, user_key
from model.trust.base import TrustModel
from model.vocabulary import USERS

Updates = dict[str, "z3.ExprRef | int | bool"]


def fraudulent(s: SymState, i: int) -> z3.BoolRef:
    """A claim the source never emitted, or emitted with other content (what a watcher looks for)."""
    same = z3.And(
        s.slot("sent", i),
        s.slot("claim_dir", i) == s.slot("sent_dir", i),
        s.slot("claim_user", i) == s.slot("sent_user", i),
        s.slot("claim_amount", i) == s.slot("sent_amount", i),
    )
    return z3.Not(same)


def emit(s: SymState, a: StepArgs, direction: int, user: int) -> tuple[z3.BoolRef, Updates]:
    """Append a message to the source outbox under the next id (guard: the id bound is not spent)."""
    guard = z3.And(a.amount >= 1, s["next_id"] < s.messages)
    updates: Updates = {"next_id": s["next_id"] + 1}
    for i in range(s.messages):
        here = s["next_id"] == i
        updates[slot_key("sent", i)] = z3.Or(s.slot("sent", i), here)
        updates[slot_key("sent_dir", i)] = z3.If(here, direction, s.slot("sent_dir", i))
        updates[slot_key("sent_user", i)] = z3.If(here, user, s.slot("sent_user", i))
        updates[slot_key("sent_amount", i)] = z3.If(here, a.amount, s.slot("sent_amount", i))
    return guard, updates


def credit(updates: Updates, s: SymState, field: str, user: int, delta: z3.ArithRef) -> None:
    key = user_key(field, user)
    updates[key] = updates.get(key, s.user(field, user)) + delta  # type: ignore[operator]


class ProtocolFamily:
    """Base for protocol families. Subclasses are @attrs.frozen records registered by id."""

    id: ClassVar[str]
    actions: ClassVar[tuple[str, ...]]

    def initial(self, supply: int) -> dict[str, int]:
        """Fields whose initial value differs from the layout default (0 / false)."""
        raise NotImplementedError

    def sends(self, s: SymState, a: StepArgs) -> list[Case]:
        raise NotImplementedError

    def executes(self, s: SymState, a: StepArgs, trust: TrustModel) -> list[Case]:
        raise NotImplementedError

    def cases(self, s: SymState, a: StepArgs, trust: TrustModel) -> list[Case]:
        """Every branch of every action, for one step."""
        out = self.sends(s, a)
        for i in range(s.messages):
            out.append(self._attest(s, trust, i))
            out.append(self._forge(s, a, trust, i))
        out += self.executes(s, a, trust)
        out += trust.cases(s, a, fraudulent)
        return out

    def _attest(self, s: SymState, trust: TrustModel, i: int) -> Case:
        updates: Updates = {
            slot_key("claimed", i): True,
            slot_key("claim_dir", i): s.slot("sent_dir", i),
            slot_key("claim_user", i): s.slot("sent_user", i),
            slot_key("claim_amount", i): s.slot("sent_amount", i),
            slot_key("executions", i): 0,
        }
        for name, value in trust.honest_evidence(s, i).items():
            updates[evidence_key(name, i)] = value
        guard = z3.And(s.slot("sent", i), z3.Not(s.slot("claimed", i)))
        return Case("attest", guard, updates, {"id": i})

    def _forge(self, s: SymState, a: StepArgs, trust: TrustModel, i: int) -> Case:
        updates: Updates = {
            slot_key("claimed", i): True,
            slot_key("claim_dir", i): a.dir,
            slot_key("claim_user", i): a.user,
            slot_key("claim_amount", i): a.amount,
            slot_key("executions", i): 0,
        }
        for name, value in trust.forged_evidence(s, i).items():
            updates[evidence_key(name, i)] = value
        guard = z3.And(
            z3.Not(s.slot("claimed", i)),
            a.amount >= 1,
            a.dir >= 0,
            a.dir <= 1,
            a.user >= 0,
            a.user < len(USERS),
        )
        return Case("forge", guard, updates, {"id": i, "dir": a.dir, "user": a.user, "amount": a.amount})

    def executable(self, s: SymState, trust: TrustModel, i: int, direction: int) -> z3.BoolRef:
        """Guard shared by mint and unlock: a claim in this direction, accepted, not yet executed."""
        return z3.And(
            s.slot("claimed", i),
            s.slot("claim_dir", i) == direction,
            trust.accepts(s, i),
            s.slot("executions", i) == 0,
        )
