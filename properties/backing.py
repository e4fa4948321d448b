"""Authorisation: nothing is minted, unlocked or debited without its owner's real act behind it."""

from __future__ import annotations

from typing import Any

from bridgeproof.properties import prop
from bridgeproof.model.protocols.bridge.amounts import BACK
from bridgeproof.model.protocols.bridge.view import View
from bridgeproof.properties.view import Ops


@prop("safety")
def no_unbacked_mint(v: View, ops: Ops) -> Any:
    """Every executed claim matches a message the source chain really emitted, and credits no more value than it carries.

    Depends on the trust model (f < k, an honest custodian, a live and timely watcher), and on
    conversions rounding down.
    """
    return ops.and_(
        *(
            ops.implies(
                m.executions >= 1,
                ops.and_(
                    m.sent,
                    m.claim_dir == m.dir,
                    m.claim_user == m.user,
                    m.claim_amount == m.amount,
                    m.credited_value <= m.value,
                ),
            )
            for m in v.messages
        )
    )


@prop("safety", families=("lock_mint",))
def no_unauthorised_unlock(v: View, ops: Ops) -> Any:
    """Every unlock from the home vault pays out a burn that really happened on remote, for no more than it burned.

    The vault drain, on the leg where the value leaves (Ronin and Nomad emptied the Ethereum
    vault): `no_unbacked_mint` sees both legs, so its shortest trace may show a forged mint on
    remote instead. Depends on the trust model, as `no_unbacked_mint` does.
    """
    return ops.and_(
        *(
            ops.implies(
                ops.and_(m.claim_dir == BACK, m.executions + m.fork_executions >= 1),
                ops.and_(
                    m.sent,
                    m.dir == BACK,
                    m.claim_user == m.user,
                    m.claim_amount == m.amount,
                    m.credited_value <= m.value,
                    m.credited_value <= m.debited_value,
                ),
            )
            for m in v.messages
        )
    )


@prop("safety")
def adversary_profit(v: View, ops: Ops) -> Any:
    """The adversary never holds more canonical value, on home, remote and a fork of home together, than her own funds.

    What an attacker is after, whatever the leg: a forged mint she sells, a vault she drains, her
    own transfer replayed on a fork. Depends on the trust model and on replay protection.
    """
    return v.adversary_value(ops) <= 0


@prop("safety")
def no_unauthorised_debit(v: View, ops: Ops) -> Any:
    """No user's balance falls except by her own action, or by a permission she granted used on her own instruction.

    The approvals drain (Socket and LI.FI, 2024): a router that forwards calldata spends any
    user's allowance for whoever calls it. Holds behind a router that moves only its caller's
    tokens; without `adversary.approvals` no one holds a permission to misuse.
    """
    return ops.and_(*(taken == 0 for taken in v.taken))
