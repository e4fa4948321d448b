"""Strengthening lemmas: invariants of every protocol family, used to make safety properties inductive.

Each is a claim over the observable state, true in every reachable state whatever the trust model
(they hold by construction of the ledgers, not by trust). Induction checks each of them per
action, so a wrong lemma is caught and named, never assumed.
"""

from __future__ import annotations

from typing import Any

from bridgeproof.model.protocols.bridge.view import MessageView, View
from bridgeproof.properties.view import Ops


def _matches(m: MessageView, ops: Ops) -> Any:
    return ops.and_(m.sent, m.claim_dir == m.dir, m.claim_user == m.user, m.claim_amount == m.amount)


def ids_in_order(v: View, ops: Ops) -> Any:
    """Only message ids below `next_id` have been sent (a reorg may remove some of those)."""
    bound = [v.next_id <= len(v.messages)] if v.ids_bounded else []
    return ops.and_(v.next_id >= 0, *bound, *(ops.implies(m.sent, v.next_id > m.id) for m in v.messages))


def well_formed_messages(v: View, ops: Ops) -> Any:
    """Sent and claimed messages have a direction and a user in range and a positive amount."""
    parts = []
    for m in v.messages:
        parts += [
            ops.implies(m.sent, ops.and_(m.amount >= 1, m.dir >= 0, m.dir <= 1, m.user >= 0, m.user <= 1)),
            ops.implies(
                m.claimed,
                ops.and_(m.claim_amount >= 1, m.claim_dir >= 0, m.claim_dir <= 1, m.claim_user >= 0, m.claim_user <= 1),
            ),
            ops.implies(ops.not_(m.claimed), ops.and_(m.executions == 0, m.credited == 0, ops.not_(m.queued))),
            ops.implies(m.queued, ops.and_(m.executions >= 1, m.credited == 0)),
            ops.implies(m.executions == 0, m.credited == 0),
            m.executions >= 0,
            m.fork_executions >= 0,
        ]
    return ops.and_(*parts)


def executed_at_most_once(v: View, ops: Ops) -> Any:
    """No id has executed twice (replay protection)."""
    return ops.and_(*(m.executions + m.fork_executions <= 1 for m in v.messages))


def credits_exact(v: View, ops: Ops) -> Any:
    """A delivered claim credited exactly its message's value (true when amounts are trimmed at the source)."""
    return ops.and_(
        *(ops.implies(ops.and_(m.executions >= 1, ops.not_(m.queued)), m.credited_value == m.claim_value) for m in v.messages)
    )


def executed_claims_are_real(v: View, ops: Ops) -> Any:
    """Every executed claim is the message its source emitted."""
    return ops.and_(
        *(ops.implies(ops.or_(m.executions >= 1, m.fork_executions >= 1), _matches(m, ops)) for m in v.messages)
    )


def ledgers_add_up(v: View, ops: Ops) -> Any:
    """Each chain's supply is the sum of its balances (home also counts the vault), none negative."""
    return ops.and_(
        v.supply_home == ops.sum(v.balance_home) + v.escrow,
        v.supply_remote == ops.sum(v.balance_remote),
        v.escrow >= 0,
        *(b >= 0 for b in v.balance_home + v.balance_remote),
    )


def debits_match_messages(v: View, ops: Ops) -> Any:
    """Every sent message carries exactly the value its sender was debited (false with unchecked deposits)."""
    return ops.and_(*(ops.implies(m.sent, m.debited_value == m.value) for m in v.messages))


def nothing_executed_on_a_fork(v: View, ops: Ops) -> Any:
    """No message has executed on a forked copy of home (true whenever messages bind the chain id)."""
    return ops.and_(*(m.fork_executions == 0 for m in v.messages))


GENERIC_LEMMAS = {
    f.__name__: f
    for f in (
        ids_in_order,
        well_formed_messages,
        executed_at_most_once,
        executed_claims_are_real,
        credits_exact,
        debits_match_messages,
        nothing_executed_on_a_fork,
        ledgers_add_up,
    )
}
