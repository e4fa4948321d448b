"""A liquidity network with optimistic repayment: a relayer pays the user at once, the pool repays it later.

In the style of Across: a user deposits on the origin chain; a relayer fills the deposit on the
destination chain from its own funds; a bundle proposed to the pool repays the relayer, or refunds
an unfilled deposit after its deadline, once nobody has disputed it for the liveness window. The
bundles are what a trust model judges (Across: UMA's optimistic oracle, one honest disputer), so any
trust model whose actors need no source blocks can stand behind them.
Adversary: a relayer that fills with the wrong amount or recipient, and a proposer whose bundles
repay fills that never happened, repay one twice, or refund a deposit that was filled.
Real parameters: liveness 7,200 s (across-protocol/contracts HubPool.sol `liveness`); the fill
deadline 3.25 h after the quote (across-protocol/frontend, DEFAULT_FILL_DEADLINE_BUFFER_SECONDS).

SEMANTICS.md, "Family `liquidity`", is the vocabulary both halves implement; `contracts.py` is the
concrete half.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.component import Component, Handler
from bridgeproof.model.configuration import ConfigurationError
from bridgeproof.model.declarations import Action, Arg, Domain, Field, Var, index_arg
from bridgeproof.model.errors import ParameterError
from bridgeproof.model.features.clock import ClockFeature
from bridgeproof.model.protocols import register
from bridgeproof.model.protocols.family import Family
from bridgeproof.model.protocols.parameters import boolean, int_in
from bridgeproof.model.symbolic import Case, StepArgs, SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

PARTIES = Domain("parties", ("alice", "rick", "mallory", "lp"))
ALICE, RICK, MALLORY, LP = range(4)
KINDS = Domain("kinds", ("repay", "refund"))
REPAY, REFUND = 0, 1
FAULTS = frozenset({"unchecked_fill_deadline"})


def deposits(cfg: Configuration) -> Domain:
    return Domain("deposits", tuple(range(cfg.bounds.messages)))


def _faults(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    return frozenset(value or ())


def _known_faults(_instance: Any, attribute: Any, value: frozenset[str]) -> None:
    unknown = sorted(value - FAULTS)
    if unknown:
        from bridgeproof.model.applicability import elsewhere

        also = elsewhere(unknown[0], "liquidity")
        known = ", ".join(sorted(FAULTS))
        raise ParameterError("faults", f"liquidity has no fault {unknown[0]!r} (it models: {known}){also}")


@attrs.frozen
class Deposit:
    """One deposit id as properties see it: the origin's record, the destination's fill, its settlements."""

    deposited: Any
    depositor: Any
    amount: Any
    deadline: Any
    filled: Any
    relayer: Any
    recipient: Any
    fill_amount: Any
    filled_at: Any
    repaid: Any
    refunded: Any

    def valid_fill(self, ops: Any) -> Any:
        """Filled to the depositor, for the deposit's amount, by the deadline (the dataworker's rule)."""
        return ops.and_(
            self.deposited,
            self.filled,
            self.recipient == self.depositor,
            self.fill_amount == self.amount,
            self.filled_at <= self.deadline,
        )

    def unsettled(self, ops: Any) -> Any:
        return ops.and_(self.repaid == 0, self.refunded == 0)


@attrs.frozen
class Bundle:
    proposed: Any
    kind: Any
    deposit: Any
    to: Any
    amount: Any
    executed: Any


@attrs.frozen
class LiquidityView:
    """What the liquidity properties read: per deposit, per bundle, and the pool."""

    deposits: tuple[Deposit, ...]
    bundles: tuple[Bundle, ...]
    pool: Any
    shares: tuple[Any, ...]
    now: Any

    def at(self, index: Any, ops: Any, pick: Any) -> Any:
        """`pick(deposit)` for the deposit at a (possibly symbolic) index."""
        out: Any = pick(self.deposits[-1])
        for i in range(len(self.deposits) - 2, -1, -1):
            out = ops.ite(index == i, pick(self.deposits[i]), out)
        return out


def valid_leaf(v: LiquidityView, kind: Any, deposit: Any, to: Any, amount: Any, ops: Any) -> Any:
    """SEMANTICS.md, "Valid leaves": judged now, against the deposits, the fills and the settlements."""
    options = []
    for i, d in enumerate(v.deposits):
        repay = ops.and_(d.valid_fill(ops), to == d.relayer, amount == d.amount, d.unsettled(ops))
        refund = ops.and_(
            d.deposited,
            v.now > d.deadline,
            ops.not_(d.valid_fill(ops)),
            to == d.depositor,
            amount == d.amount,
            d.unsettled(ops),
        )
        options.append(ops.and_(deposit == i, ops.ite(kind == REPAY, repay, refund)))
    return ops.or_(*options)


@register
@attrs.frozen
class Liquidity(Family):
    id: ClassVar[str] = "liquidity"
    kinds: ClassVar[tuple[str, ...]] = ("liquidity_network",)
    trust: ClassVar[str] = "required"
    bounds_used: ClassVar[frozenset[str]] = frozenset({"depth", "messages", "supply"})
    witness: ClassVar[str | None] = "fill_repaid"
    verbs: ClassVar[dict[str, str]] = {"challenge": "dispute"}
    evidence_path: ClassVar[tuple[str, ...]] = ("bundles", "evidence")
    modelled_faults: ClassVar[frozenset[str]] = FAULTS

    @classmethod
    def judged_by(cls, trust: type) -> bool:
        # A trust model that proves against source blocks has nothing to prove a bundle against.
        return getattr(trust, "uses_blocks", False) is not True

    fill_window: int = attrs.field(default=11700, validator=int_in(1), metadata=option(example=3600))
    adversary_relayer: bool = attrs.field(default=True, validator=boolean, metadata=option(example=False))
    bundles: int = attrs.field(default=2, validator=int_in(1), metadata=option(example=1))
    faults: frozenset[str] = attrs.field(factory=frozenset, converter=_faults, validator=_known_faults)

    def describe(self) -> dict[str, Any]:
        out = {a.name: getattr(self, a.name) for a in attrs.fields(type(self)) if a.name != "faults"}
        if self.faults:
            out["faults"] = sorted(self.faults)
        return out

    def scope(self, bounds: Any) -> str:
        return f"with {bounds.messages} deposit ids and {self.bundles} bundle slots"

    def check(self, cfg: Configuration) -> None:
        if cfg.options is not None:
            raise ConfigurationError("liquidity takes no scenario options beyond its protocol table")
        if cfg.trust is not None and cfg.trust.uses_blocks:
            raise ConfigurationError(f"{cfg.trust.id} proves against source blocks, which bundles do not have")

    def features(self, cfg: Configuration) -> tuple[Component, ...]:
        return (ClockFeature(),)

    def time_params(self, cfg: Configuration) -> list[int]:
        trust = cfg.trust
        params = [getattr(trust, n) for n in trust.param_names() if not isinstance(getattr(trust, n), bool)] if trust else []
        return [self.fill_window, *params]

    def explore(self, cfg: Configuration) -> dict[str, list[int]]:
        times = sorted({1, self.fill_window, self.fill_window + 1} | {p for p in self.time_params(cfg) if p > 0})
        return {"amount": [1, 2], "seconds": times}

    def bundle_domain(self) -> Domain:
        return Domain("bundles", tuple(range(self.bundles)))

    # --- declarations ----------------------------------------------------------------------------
    def domains(self, cfg: Configuration) -> tuple[Domain, ...]:
        return (PARTIES, KINDS, deposits(cfg), self.bundle_domain())

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        d, b = deposits(cfg), self.bundle_domain()
        return (
            Var("now", doc="seconds since the start"),
            Var("balance_origin", PARTIES, "balances on the origin chain"),
            Var("balance_destination", PARTIES, "balances on the destination chain"),
            Var("pool", doc="what the pool on origin holds"),
            Var("shares", PARTIES, "LP shares"),
            Var("next_deposit", doc="the next deposit id"),
            Var("deposits", d, "deposits made on origin"),
            Var("fills", d, "the fill recorded on destination for each deposit id"),
            Var("settled", d, "executed repayments and refunds per deposit id"),
            Var("bundles", b, "proposed bundles"),
            Var("verifier", doc="trust-model state that is not per bundle"),
        )

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        d, b = deposits(cfg), self.bundle_domain()
        return (
            Field("balance_origin", "int", ("balance_origin",), PARTIES, counts=True),
            Field("balance_destination", "int", ("balance_destination",), PARTIES, counts=True),
            Field("pool", "int", ("pool",), counts=True),
            Field("shares", "int", ("shares",), PARTIES, counts=True),
            Field("next_deposit", "int", ("next_deposit",), counts=True),
            Field("deposited", "bool", ("deposits",), d, False, presence=True),
            Field("deposit_depositor", PARTIES, ("deposits", "depositor"), d),
            Field("deposit_amount", "int", ("deposits", "amount"), d),
            Field("deposit_deadline", "int", ("deposits", "deadline"), d, time=True),
            Field("filled", "bool", ("fills",), d, False, presence=True),
            Field("fill_relayer", PARTIES, ("fills", "relayer"), d),
            Field("fill_recipient", PARTIES, ("fills", "recipient"), d),
            Field("fill_amount", "int", ("fills", "amount"), d),
            Field("fill_filled_at", "int", ("fills", "filled_at"), d, time=True),
            Field("settled_repaid", "int", ("settled", "repaid"), d, counts=True),
            Field("settled_refunded", "int", ("settled", "refunded"), d, counts=True),
            Field("proposed", "bool", ("bundles",), b, False, presence=True),
            Field("bundle_kind", KINDS, ("bundles", "kind"), b),
            Field("bundle_deposit", d, ("bundles", "deposit"), b),
            Field("bundle_to", PARTIES, ("bundles", "to"), b),
            Field("bundle_amount", "int", ("bundles", "amount"), b),
            Field("bundle_executed", "bool", ("bundles", "executed"), b, False),
        )

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        d, b = deposits(cfg), self.bundle_domain()
        party = lambda name: index_arg(name, PARTIES)  # noqa: E731
        return (
            Action("deposit", (Arg("amount"),), "user", "alice escrows on origin and asks to be paid on destination"),
            Action(
                "fill",
                (index_arg("id", d), party("relayer"), party("recipient"), Arg("amount")),
                "relayer",
                "a relayer pays the recipient on destination from its own funds",
            ),
            Action(
                "propose_bundle",
                (index_arg("bundle", b), index_arg("kind", KINDS), index_arg("deposit", d), party("to"), Arg("amount")),
                "anyone",
                "propose a repayment or refund leaf to the pool (the dataworker, or the adversary)",
            ),
            Action("execute_bundle", (index_arg("bundle", b),), "anyone", "pay a repayment leaf after the liveness"),
            Action("refund", (index_arg("bundle", b),), "anyone", "pay a refund leaf after the liveness"),
            Action("add_liquidity", (Arg("amount"),), "user", "the LP adds to the pool for shares"),
            Action("remove_liquidity", (Arg("amount"),), "user", "the LP redeems shares"),
        )

    def initial(self, cfg: Configuration) -> dict[str, int | bool]:
        supply = cfg.bounds.supply
        return {
            "balance_origin[alice]": supply,
            "balance_origin[lp]": supply,
            "balance_destination[rick]": supply,
            "balance_destination[mallory]": supply,
        }

    # --- the subject of the trust model ------------------------------------------------------------
    def claim_domain(self, cfg: Configuration) -> Domain:
        return self.bundle_domain()

    def claimed(self, s: SymState, i: int) -> z3.BoolRef:
        return s.at("proposed", i)

    def executed(self, s: SymState, i: int) -> z3.BoolRef:
        return s.at("bundle_executed", i)

    def fraudulent(self, s: SymState, i: int) -> z3.BoolRef:
        from bridgeproof.properties.view import SYMBOLIC, symbolic_fields

        v = self._view(symbolic_fields(self._cfg_of(s), s), SYMBOLIC)
        bundle = v.bundles[i]
        return z3.Not(valid_leaf(v, bundle.kind, bundle.deposit, bundle.to, bundle.amount, SYMBOLIC))

    def _cfg_of(self, s: SymState) -> Any:
        """A stand-in configuration for the field accessor: only its field table and domains are read."""
        return _FieldTable(s)

    # --- symbolic half ---------------------------------------------------------------------------------
    def pending(self, s: SymState, b: int, cfg: Configuration) -> z3.BoolRef:
        return z3.And(s.at("proposed", b), z3.Not(s.at("bundle_executed", b)), z3.Not(cfg.trust.voided(s, b, cfg)))

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        from bridgeproof.properties.view import SYMBOLIC, symbolic_fields

        n = cfg.bounds.messages
        now = s["now"]
        out: list[Case] = []
        # deposit
        bal = s.key("balance_origin", ALICE)
        upd: dict[str, Any] = {bal: s[bal] - a.amount, "pool": s["pool"] + a.amount, "next_deposit": s["next_deposit"] + 1}
        for d in range(n):
            here = s["next_deposit"] == d
            upd[s.key("deposited", d)] = z3.Or(s.at("deposited", d), here)
            upd[s.key("deposit_depositor", d)] = z3.If(here, ALICE, s.at("deposit_depositor", d))
            upd[s.key("deposit_amount", d)] = z3.If(here, a.amount, s.at("deposit_amount", d))
            upd[s.key("deposit_deadline", d)] = z3.If(here, now + self.fill_window, s.at("deposit_deadline", d))
        guard = z3.And(a.amount >= 1, s[bal] >= a.amount, s["next_deposit"] < n)
        out.append(Case("deposit", guard, upd, {"amount": a.amount}))
        # fill
        relayers = [RICK, MALLORY] if self.adversary_relayer else [RICK]
        for d in range(n):
            for r in relayers:
                pay = s.key("balance_destination", r)
                upd = {pay: s[pay] - a.amount}
                for p in range(len(PARTIES)):
                    key = s.key("balance_destination", p)
                    upd[key] = upd.get(key, s[key]) + z3.If(a.recipient == p, a.amount, 0)
                upd |= {
                    s.key("filled", d): True,
                    s.key("fill_relayer", d): r,
                    s.key("fill_recipient", d): a.recipient,
                    s.key("fill_amount", d): a.amount,
                    s.key("fill_filled_at", d): now,
                }
                in_time = z3.Implies(s.at("deposited", d), now <= s.at("deposit_deadline", d))
                guard = [
                    z3.Not(s.at("filled", d)),
                    a.amount >= 1,
                    a.recipient >= 0,
                    a.recipient < len(PARTIES),
                    s[pay] >= a.amount,
                ]
                if "unchecked_fill_deadline" not in self.faults:
                    guard.append(in_time)
                if r == RICK:
                    guard += [
                        s.at("deposited", d),
                        a.recipient == s.at("deposit_depositor", d),
                        a.amount == s.at("deposit_amount", d),
                        now <= s.at("deposit_deadline", d),
                    ]
                args = {"id": d, "relayer": r, "recipient": a.recipient, "amount": a.amount}
                out.append(Case("fill", z3.And(*guard), upd, args))
        # propose_bundle: honest evidence for a valid leaf, the adversary's best for any other
        v = self._view(symbolic_fields(cfg, s), SYMBOLIC)
        valid = valid_leaf(v, a.kind, a.deposit, a.to, a.amount, SYMBOLIC)
        quiet = z3.And(*(z3.Not(self.pending(s, b, cfg)) for b in range(self.bundles)))
        for b in range(self.bundles):
            upd = {
                s.key("proposed", b): True,
                s.key("bundle_kind", b): a.kind,
                s.key("bundle_deposit", b): a.deposit,
                s.key("bundle_to", b): a.to,
                s.key("bundle_amount", b): a.amount,
                s.key("bundle_executed", b): False,
            }
            honest, forged = cfg.trust.honest_evidence(s, b, cfg), cfg.trust.forged_evidence(s, b, cfg)
            for name in honest:
                upd[s.key(f"ev_{name}", b)] = z3.If(valid, honest[name], forged[name])
            guard = z3.And(
                z3.Not(s.at("proposed", b)),
                quiet,
                a.amount >= 1,
                a.kind >= 0,
                a.kind < len(KINDS),
                a.deposit >= 0,
                a.deposit < n,
                a.to >= 0,
                a.to < len(PARTIES),
            )
            args = {"bundle": b, "kind": a.kind, "deposit": a.deposit, "to": a.to, "amount": a.amount}
            out.append(Case("propose_bundle", guard, upd, args))
        # execute_bundle and refund
        for b in range(self.bundles):
            for action, kind, counter in (("execute_bundle", REPAY, "settled_repaid"), ("refund", REFUND, "settled_refunded")):
                amount, to, dep = s.at("bundle_amount", b), s.at("bundle_to", b), s.at("bundle_deposit", b)
                upd = {s.key("bundle_executed", b): True, "pool": s["pool"] - amount}
                for p in range(len(PARTIES)):
                    key = s.key("balance_origin", p)
                    upd[key] = s[key] + z3.If(to == p, amount, 0)
                for d in range(n):
                    key = s.key(counter, d)
                    upd[key] = s[key] + z3.If(dep == d, 1, 0)
                guard = z3.And(
                    s.at("proposed", b),
                    z3.Not(s.at("bundle_executed", b)),
                    s.at("bundle_kind", b) == kind,
                    cfg.trust.accepts(s, b, cfg),
                    s["pool"] >= amount,
                )
                out.append(Case(action, guard, upd, {"bundle": b}))
        # liquidity
        lp_bal, lp_shares = s.key("balance_origin", LP), s.key("shares", LP)
        add = {lp_bal: s[lp_bal] - a.amount, "pool": s["pool"] + a.amount, lp_shares: s[lp_shares] + a.amount}
        out.append(Case("add_liquidity", z3.And(a.amount >= 1, s[lp_bal] >= a.amount), add, {"amount": a.amount}))
        remove = {lp_bal: s[lp_bal] + a.amount, "pool": s["pool"] - a.amount, lp_shares: s[lp_shares] - a.amount}
        guard = z3.And(a.amount >= 1, s[lp_shares] >= a.amount, s["pool"] >= a.amount)
        out.append(Case("remove_liquidity", guard, remove, {"amount": a.amount}))
        return out

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """Bookkeeping facts of every reachable state that induction needs."""
        n, supply, now = cfg.bounds.messages, cfg.bounds.supply, s["now"]
        origin = [s.at("balance_origin", p) for p in range(len(PARTIES))]
        dest = [s.at("balance_destination", p) for p in range(len(PARTIES))]
        out: dict[str, z3.BoolRef] = {
            "origin_ledger": z3.And(z3.Sum(*origin) + s["pool"] == 2 * supply, *(x >= 0 for x in origin), s["pool"] >= 0),
            "destination_ledger": z3.And(z3.Sum(*dest) == 2 * supply, *(x >= 0 for x in dest)),
            "only_lp_holds_shares": z3.And(
                *(s.at("shares", p) == 0 for p in range(len(PARTIES)) if p != LP), s.at("shares", LP) >= 0
            ),
            "deposit_ids_in_order": z3.And(
                s["next_deposit"] >= 0,
                s["next_deposit"] <= n,
                *(s.at("deposited", d) == (s["next_deposit"] > d) for d in range(n)),
            ),
            "at_most_one_pending": z3.And(
                *(
                    z3.Not(z3.And(self.pending(s, b, cfg), self.pending(s, c, cfg)))
                    for b in range(self.bundles)
                    for c in range(b + 1, self.bundles)
                )
            ),
        }
        for d in range(n):
            out[f"deposit[{d}]_well_formed"] = z3.Implies(
                s.at("deposited", d),
                z3.And(
                    s.at("deposit_depositor", d) == ALICE,
                    s.at("deposit_amount", d) >= 1,
                    s.at("deposit_deadline", d) <= now + self.fill_window,
                ),
            )
            out[f"fill[{d}]_well_formed"] = z3.Implies(
                s.at("filled", d),
                z3.And(
                    s.at("fill_filled_at", d) <= now,
                    s.at("fill_amount", d) >= 1,
                    s.at("fill_relayer", d) >= 0,
                    s.at("fill_relayer", d) < len(PARTIES),
                    s.at("fill_recipient", d) >= 0,
                    s.at("fill_recipient", d) < len(PARTIES),
                ),
            )
            out[f"settled[{d}]_counts"] = z3.And(s.at("settled_repaid", d) >= 0, s.at("settled_refunded", d) >= 0)
        from bridgeproof.properties.view import SYMBOLIC, symbolic_fields

        v = self._view(symbolic_fields(cfg, s), SYMBOLIC)
        ops = SYMBOLIC
        for d, row in enumerate(v.deposits):
            if "unchecked_fill_deadline" not in self.faults:
                out[f"fill[{d}]_in_time"] = z3.Implies(z3.And(row.filled, row.deposited), row.filled_at <= row.deadline)
            out[f"settled[{d}]_once"] = row.repaid + row.refunded <= 1
            out[f"refund[{d}]_after_deadline_of_unfilled"] = z3.Implies(
                row.refunded >= 1, z3.And(row.deposited, v.now > row.deadline, z3.Not(row.valid_fill(ops)))
            )
            out[f"repaid[{d}]_for_a_valid_fill"] = z3.Implies(row.repaid >= 1, row.valid_fill(ops))
        for b in range(self.bundles):
            out[f"bundle[{b}]_well_formed"] = z3.Implies(
                s.at("proposed", b),
                z3.And(
                    s.at("bundle_amount", b) >= 1,
                    s.at("bundle_kind", b) >= 0,
                    s.at("bundle_kind", b) < len(KINDS),
                    s.at("bundle_deposit", b) >= 0,
                    s.at("bundle_deposit", b) < n,
                    s.at("bundle_to", b) >= 0,
                    s.at("bundle_to", b) < len(PARTIES),
                ),
            )
            out[f"bundle[{b}]_executed_only_if_proposed"] = z3.Implies(s.at("bundle_executed", b), s.at("proposed", b))
        return out

    # --- properties ---------------------------------------------------------------------------------
    def _view(self, f: Any, ops: Any) -> LiquidityView:
        n = f.size("deposits")
        rows = tuple(
            Deposit(
                deposited=f("deposited", d),
                depositor=f("deposit_depositor", d),
                amount=f("deposit_amount", d),
                deadline=f("deposit_deadline", d),
                filled=f("filled", d),
                relayer=f("fill_relayer", d),
                recipient=f("fill_recipient", d),
                fill_amount=f("fill_amount", d),
                filled_at=f("fill_filled_at", d),
                repaid=f("settled_repaid", d),
                refunded=f("settled_refunded", d),
            )
            for d in range(n)
        )
        bundles = tuple(
            Bundle(
                proposed=f("proposed", b),
                kind=f("bundle_kind", b),
                deposit=f("bundle_deposit", b),
                to=f("bundle_to", b),
                amount=f("bundle_amount", b),
                executed=f("bundle_executed", b),
            )
            for b in range(f.size("bundles"))
        )
        return LiquidityView(rows, bundles, f("pool"), f.row("shares"), f("now"))

    def view(self, fields: Any, ops: Any, cfg: Configuration) -> LiquidityView:
        return self._view(fields, ops)

    def summary(self, s: Any) -> str:
        origin = ",".join(f"{p}:{v}" for p, v in s["balance_origin"].items() if v)
        dest = ",".join(f"{p}:{v}" for p, v in s["balance_destination"].items() if v)
        fills = " ".join(f"fill{i}:{f['relayer']}->{f['recipient']}:{f['amount']}" for i, f in s["fills"].items())
        bundles = " ".join(
            f"b{b}:{x['kind']}({x['deposit']})->{x['to']}:{x['amount']}{'!' if x['executed'] else ''}" for b, x in s["bundles"].items()
        )
        return f"t={s['now']} origin[{origin}] dest[{dest}] pool={s['pool']} {fills} {bundles}".rstrip()

    # --- pictures ------------------------------------------------------------------------------------
    def lifelines(self, cfg: Configuration) -> tuple[str, ...]:
        return ("alice", "origin pool", "hub", "destination", "rick", "mallory", "lp", "watcher", "clock")

    def arrows(self, action: str, args: Any, actor: str, before: Any, after: Any) -> list[Any]:
        from bridgeproof.model.diagram import Arrow

        if action == "deposit":
            deadline = after["deposits"].get(after["next_deposit"] - 1, {}).get("deadline")
            return [Arrow("alice", "origin pool", f"deposit {args['amount']} (fill by t = {deadline})")]
        if action == "fill":
            return [Arrow(args["relayer"], "destination", f"fill #{args['id']}: pay {args['recipient']} {args['amount']}")]
        if action == "propose_bundle":
            who = "dataworker" if not self._forged(after, args["bundle"]) else "mallory"
            leaf = f"{args['kind']} #{args['deposit']} -> {args['to']} {args['amount']}"
            return [Arrow(who, "hub", f"propose bundle {args['bundle']}: {leaf}")]
        if action in ("execute_bundle", "refund"):
            bundle = after["bundles"][args["bundle"]]
            return [Arrow("origin pool", bundle["to"], f"{action} bundle {args['bundle']}: {bundle['amount']}")]
        if action == "dispute":
            return [Arrow("watcher", "hub", f"dispute bundle {args['bundle']}")]
        if action in ("add_liquidity", "remove_liquidity"):
            return [Arrow("lp", "origin pool", f"{action} {args['amount']}")]
        return [Arrow("clock", "clock", f"wait {args.get('seconds')} s (t = {after['now']})")]

    @staticmethod
    def _forged(state: Any, bundle: int) -> bool:
        """Whether a proposal came with the adversary's evidence rather than the dataworker's (where the
        trust model's evidence tells them apart; the optimistic model's does not)."""
        evidence = state["bundles"].get(bundle, {}).get("evidence", {})
        return evidence.get("sigs") == 0 or evidence.get("signed") is False

    # --- concrete half ---------------------------------------------------------------------------------
    def deploy(self, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.liquidity.contracts import LiquidityDeployment

        return LiquidityDeployment(self, cfg.bounds.messages, cfg.bounds.supply, cfg.trust.verifier())

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.liquidity import contracts as c

        return {
            "deposit": c.deposit,
            "fill": c.fill,
            "propose_bundle": c.propose_bundle,
            "execute_bundle": c.execute_bundle,
            "refund": c.refund,
            "add_liquidity": c.add_liquidity,
            "remove_liquidity": c.remove_liquidity,
        }

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return deployment.read()  # type: ignore[no-any-return]


class _FieldTable:
    """Enough of a configuration for `properties.view.Fields` over a symbolic state: its fields and sizes."""

    def __init__(self, s: SymState) -> None:
        self.field = {f.name: f for f in s.layout.fields}
        self.domains = {name: range(size) for name, size in s.sizes.items()}
