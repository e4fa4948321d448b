"""Messages that are not transfers: a call names a target on the destination, here its own configuration.

A bridge's messaging carries calls as well as transfers, and a destination that executes a call on
whatever target it names lets any sender reach the bridge's own configuration. Poly Network,
2021-08-10: a cross-chain call whose method selector collided with the keeper-update function of
EthCrossChainData replaced the keepers with the attacker's key, and her own signatures then released
$611M from the lock proxies (Poly Network's and Kudelski Security's analyses). The fix was a target
allowlist: the manager refuses calls to its data contract.

With `adversary.calls`, every message has a `kind` (SEMANTICS.md, Calls): `mallory` sends calls
through the bridge's own endpoint, so honest attesters vouch for them; `execute` runs one only where
`unrestricted_call_target` leaves the configuration reachable. The family consults `replaced_keys`
(owned by `keys.py`) where it decides acceptance (`MessageBridge.accepted`) and the kind where it
pays out (`MessageBridge.transfer_guard`); this component owns the kinds and the two actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import z3

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, Arg, Domain, Field, index_arg
from bridgeproof.model.protocols.bridge.family import CALL, DIR_DOMAIN, DIR_NAMES, KIND_DOMAIN, TRANSFER, Updates, ids
from bridgeproof.model.protocols.bridge.view import USERS
from bridgeproof.model.symbolic import Case, StepArgs, SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

MALLORY = USERS.index("mallory")


@attrs.frozen
class Calls(Component):
    """Call messages at the destination's configuration, and the keys they may install."""

    feature = "calls"

    def domains(self, cfg: Configuration) -> tuple[Domain, ...]:
        return (KIND_DOMAIN,)

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        d = ids(cfg)
        return (
            Field("sent_kind", KIND_DOMAIN, ("sent", "kind"), d, TRANSFER),
            Field("claim_kind", KIND_DOMAIN, ("claims", "kind"), d, TRANSFER),
        )

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (
            Action(
                "call",
                (index_arg("dir", DIR_DOMAIN), Arg("amount")),
                "adversary",
                "send a call at the destination's configuration through the bridge's own endpoint",
            ),
            Action("execute", (index_arg("id", ids(cfg)),), "relayer", "execute a call claim on its target"),
        )

    # --- symbolic half -------------------------------------------------------------------------
    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        family = cfg.protocol
        out = []
        for d in family.directions():
            updates: Updates = {}
            emitted = family.append_sent(s, updates, d, MALLORY, a.amount, z3.IntVal(0), kind=CALL)
            out.append(Case("call", z3.And(a.amount >= 1, emitted), updates, {"dir": d, "amount": a.amount}))
        reachable = z3.BoolVal("unrestricted_call_target" in cfg.options.faults)
        for i in range(s.messages):
            for d in family.directions():
                guard = z3.And(
                    reachable,
                    s.slot("claimed", i),
                    s.slot("claim_dir", i) == d,
                    s.slot("claim_kind", i) == CALL,
                    family.accepted(s, cfg, i, d),
                    s.slot("executions", i) == 0,
                    z3.Not(s["paused"]),
                )
                updates = {s.key("executions", i): s.slot("executions", i) + 1, f"replaced_keys[{DIR_NAMES[d]}]": True}
                out.append(Case("execute", guard, updates, {"id": i}))
        return out

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """A call debits nothing, and a call claim credits nothing unless the transfer path takes it for a
        transfer."""
        out: dict[str, z3.BoolRef] = {}
        for i in range(s.messages):
            call = z3.And(s.slot("sent", i), s.slot("sent_kind", i) == CALL)
            out[f"call[{i}]_debits_nothing"] = z3.Implies(call, s.slot("sent_debited", i) == 0)
            if "message_type_confusion" not in cfg.options.faults:
                claimed_call = z3.And(s.slot("claimed", i), s.slot("claim_kind", i) == CALL)
                out[f"call_claim[{i}]_credits_nothing"] = z3.Implies(claimed_call, s.slot("credited", i) == 0)
        return out

    # --- concrete half -------------------------------------------------------------------------
    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        return {"call": dep.send_call, "execute": dep.execute_call}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        return dep.read_calls(deployment)
