"""Message bridges: value leaves a source chain as a message and a destination executes a claim on it.

What lock_mint and burn_mint share, in both halves: the vocabulary (balances, supplies, the outbox
`sent` and the destination's `claims`), sending, attesting and forging claims, and delivery
(replay protection, per-transaction limit, rate-limit queue, pause). A family says how value leaves
a source chain (`debit`) and arrives on a destination (`credit`); the trust model decides which
claims are accepted and what evidence the adversary can produce. The features a scenario switches
on (clock, blocks and reorgs, rate limit, pause, forks) live beside this file, each declaring its
own state and actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import z3

from bridgeproof.model.applicability import Option
from bridgeproof.model.component import Component, Handler
from bridgeproof.model.configuration import ConfigurationError
from bridgeproof.model.declarations import Action, Arg, Domain, Field, Var, index_arg
from bridgeproof.model.features.blocks import BlocksFeature
from bridgeproof.model.features.clock import ClockFeature
from bridgeproof.model.protocols.bridge import options as bridge_options
from bridgeproof.model.protocols.bridge.amounts import BACK, OUT, Conversion
from bridgeproof.model.protocols.bridge.options import PROTOCOL_FAULTS, U64_MAX, Options
from bridgeproof.model.protocols.bridge.view import USERS
from bridgeproof.model.protocols.bridge.view import view as bridge_view
from bridgeproof.model.protocols.family import Family, TrustAdjust
from bridgeproof.model.symbolic import Case, StepArgs, SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

Updates = dict[str, Any]
DIRS: tuple[str, ...] = ("out", "back")
DIR_NAMES = {OUT: "out", BACK: "back"}
USER_DOMAIN = Domain("users", USERS)
NOBODY = -1
"""A user index no account has: a credit to it lands on no user's balance."""
DIR_DOMAIN = Domain("dirs", DIRS)
KINDS: tuple[str, ...] = ("transfer", "call")
KIND_DOMAIN = Domain("kinds", KINDS)
TRANSFER, CALL = 0, 1
RECIPIENT_DOMAIN = Domain("recipients", ("address", "bytes32"))
ADDRESS, BYTES32 = 0, 1
OPTIONAL_CONTENT: dict[str, int] = {"kind": TRANSFER, "recipient": ADDRESS}
"""Message content that exists only with a feature (`adversary.calls`, `amounts.recipients`), and
the value of every message that does not say otherwise. Each is `sent_<name>` and `claim_<name>`."""


V1_DEFAULTS: dict[str, Any] = {
    "height": 0,
    "paused": False,
    "forked": False,
    "fork_escrow": 0,
    "dust": 0,
    "buckets": {},
    "verifier": {},
}
"""Vars added after vocabulary version 1, with the value a version 1 run observes."""


def ids(cfg: Configuration) -> Domain:
    return Domain("ids", tuple(range(cfg.bounds.messages)))


def fraudulent(s: SymState, i: int) -> z3.BoolRef:
    """A claim the source never emitted (or that was reorged out), or emitted with other content
    (its kind included, where messages have one)."""
    same = [
        s.slot("sent", i),
        s.slot("claim_dir", i) == s.slot("sent_dir", i),
        s.slot("claim_user", i) == s.slot("sent_user", i),
        s.slot("claim_amount", i) == s.slot("sent_amount", i),
    ]
    for name in OPTIONAL_CONTENT:
        if s.declares(f"claim_{name}"):
            same.append(s.slot(f"claim_{name}", i) == s.slot(f"sent_{name}", i))
    return z3.Not(z3.And(*same))


def add(updates: Updates, s: SymState, key: str, delta: Any) -> None:
    updates[key] = updates.get(key, s[key]) + delta


class MessageBridge(Family):
    """Base for message-bridge families (lock_mint, burn_mint)."""

    kinds: ClassVar[tuple[str, ...]] = ("message_bridge",)
    trust: ClassVar[str] = "required"
    option_tables: ClassVar[tuple[str, ...]] = bridge_options.OPTION_TABLES
    bounds_used: ClassVar[frozenset[str]] = frozenset({"depth", "messages", "supply", "loss_depth"})
    witness: ClassVar[str | None] = "can_complete_transfer"
    loss_chains: ClassVar[tuple[str, ...]] = ("home", "remote")
    """Chains whose balances count as value the adversary extracted (max_loss)."""
    represented: ClassVar[str | None] = "ids"
    """Message ids are interchangeable: proofs cover any number of them where the encoding allows."""
    represented_noun: ClassVar[str] = "message ids"
    vocabulary: ClassVar[int] = 3
    """1: before blocks, clocks for every model, rate limits, forks and decimals (read by filling in
    those fields with their defaults, so every curated counterexample stays a test forever); 2: maps
    and records were told apart by their keys; 3: maps and records as declared (same states)."""

    # --- scenario --------------------------------------------------------------------------------
    def default_options(self) -> Options:
        return Options()

    def parse_options(self, raw: Mapping[str, Any], where: str, prefix: str = "") -> tuple[Options, TrustAdjust]:
        options, trust_faults, second = bridge_options.parse(raw, where, prefix)
        return options, bridge_options.adjust_trust(trust_faults, second)

    @classmethod
    def declared_options(cls) -> tuple[Option, ...]:
        return bridge_options.OPTIONS

    def options_table(self, options: Options) -> dict[str, Any]:
        return bridge_options.table(options)

    def describe(self) -> dict[str, Any]:
        return {}

    def scope(self, bounds: Any) -> str:
        return f"with {bounds.messages} {self.represented_noun}"

    def check(self, cfg: Configuration) -> None:
        o = cfg.options
        if not isinstance(o, Options):
            raise ConfigurationError(f"options must be a {Options.__module__}.Options, got {type(o).__name__}")
        if cfg.trust is None:
            raise ConfigurationError(f"{self.id} needs a trust model to judge its claims")
        unknown = sorted(o.faults - PROTOCOL_FAULTS)
        if unknown:
            raise ConfigurationError(f"unknown protocol fault {unknown[0]!r} (known: {', '.join(sorted(PROTOCOL_FAULTS))})")
        counts = {
            "per_tx_limit": o.per_tx_limit,
            "pause_reaction": o.pause_reaction,
            "finality": o.finality,
            "reorg": o.reorg,
            "reorg_remote": o.reorg_remote,
            "adversary_funds": o.adversary_funds,
            "amounts.wire_decimals": o.amounts.wire_decimals,
        }
        for name, value in counts.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ConfigurationError(f"{name} must be an integer >= 0, got {value!r}")

    def features(self, cfg: Configuration) -> tuple[Component, ...]:
        from bridgeproof.model.protocols.bridge.approvals import Approvals
        from bridgeproof.model.protocols.bridge.calls import Calls
        from bridgeproof.model.protocols.bridge.features import Forks, Pause, RateLimiter, Reorg
        from bridgeproof.model.protocols.bridge.governance import Governance
        from bridgeproof.model.protocols.bridge.initializer import Initializer
        from bridgeproof.model.protocols.bridge.keys import VerifierKeys
        from bridgeproof.model.protocols.bridge.recipients import Recipients

        o, trust = cfg.options, cfg.trust
        out: list[Component] = []
        if trust.timed or o.rate_limit is not None or o.pause_reaction is not None:
            out.append(ClockFeature())
        if o.finality > 0 or o.reorg > 0 or o.reorg_remote > 0 or trust.uses_blocks or trust.reorg_bound > 0:
            out += [BlocksFeature(), Reorg()]
        if o.rate_limit is not None:
            out.append(RateLimiter(o.rate_limit))
        if o.pause_reaction is not None:
            out.append(Pause(o.pause_reaction))
        if o.forks:
            out.append(Forks())
        if o.calls:
            out.append(Calls())
        if o.calls or o.initialize or o.governance is not None:
            out.append(VerifierKeys())
        if o.initialize:
            out.append(Initializer())
        if o.governance is not None:
            out.append(Governance())
        if o.amounts.recipients == "bytes32":
            out.append(Recipients())
        if o.approvals:
            out.append(Approvals())
        return tuple(out)

    # --- declarations ----------------------------------------------------------------------------
    def domains(self, cfg: Configuration) -> tuple[Domain, ...]:
        return (USER_DOMAIN, DIR_DOMAIN, ids(cfg))

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        d = ids(cfg)
        return (
            Var("balance_home", USER_DOMAIN, "token balance on home (home base units)"),
            Var("balance_remote", USER_DOMAIN, "token balance on remote (remote base units)"),
            Var("escrow", doc="the vault's balance on home; 0 for burn_mint"),
            Var("supply_home", doc="total supply on home"),
            Var("supply_remote", doc="total supply on remote"),
            Var("next_id", doc="the next message id the sources will use"),
            Var("now", doc="the clock in seconds"),
            Var("height", doc="block height of the source chains"),
            Var("paused", doc="the destination is paused"),
            Var("forked", doc="home has forked"),
            Var("fork_escrow", doc="the vault's balance on the forked copy of home"),
            Var("dust", doc="value stranded by conversions, canonical units"),
            Var("buckets", DIR_DOMAIN, "rate-limit buckets per direction"),
            Var("verifier", doc="trust-model state that is not per message"),
            Var("sent", d, "messages emitted by a source and still on its canonical chain"),
            Var("claims", d, "what the destination has been shown for each id"),
        )

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        d = ids(cfg)
        blocks, clock = cfg.has("blocks"), cfg.has("clock")
        truncating = cfg.options.amounts.policy == "truncate"
        return (
            Field("balance_home", "int", ("balance_home",), USER_DOMAIN, counts=True),
            Field("balance_remote", "int", ("balance_remote",), USER_DOMAIN, counts=True),
            Field("escrow", "int", ("escrow",), counts=True),
            Field("supply_home", "int", ("supply_home",), counts=True),
            Field("supply_remote", "int", ("supply_remote",), counts=True),
            Field("next_id", "int", ("next_id",), counts=True),
            # Placeholders: the clock, blocks, pause and forks features bring these to life.
            Field("now", "int", ("now",), fixed=True),
            Field("height", "int", ("height",), fixed=True),
            Field("paused", "bool", ("paused",), default=False, fixed=True),
            Field("forked", "bool", ("forked",), default=False, fixed=True),
            Field("fork_escrow", "int", ("fork_escrow",), fixed=True),
            Field("dust", "int", ("dust",), fixed=not truncating, counts=True),
            Field("sent", "bool", ("sent",), d, False, presence=True),
            Field("sent_dir", DIR_DOMAIN, ("sent", "dir"), d),
            Field("sent_user", USER_DOMAIN, ("sent", "user"), d),
            Field("sent_amount", "int", ("sent", "amount"), d),
            Field("sent_block", "int", ("sent", "block"), d, fixed=not blocks),
            Field("sent_debited", "int", ("sent", "debited"), d),
            Field("claimed", "bool", ("claims",), d, False, presence=True),
            Field("claim_dir", DIR_DOMAIN, ("claims", "dir"), d),
            Field("claim_user", USER_DOMAIN, ("claims", "user"), d),
            Field("claim_amount", "int", ("claims", "amount"), d),
            Field("executions", "int", ("claims", "executions"), d, counts=True),
            Field("queued", "bool", ("claims", "queued"), d, False, fixed=True),
            Field("queued_at", "int", ("claims", "queued_at"), d, fixed=True, time=True),
            Field("credited", "int", ("claims", "credited"), d),
            Field("fork_executions", "int", ("claims", "fork_executions"), d, fixed=True),
            Field("claimed_at", "int", ("claims", "claimed_at"), d, fixed=not clock, time=True),
        )

    def send_args(self, cfg: Configuration, action: str) -> tuple[Arg, ...]:
        return (index_arg("user", USER_DOMAIN), Arg("amount", "amount"), *self.recipient_args(cfg))

    def recipient_args(self, cfg: Configuration) -> tuple[Arg, ...]:
        """With 32-byte recipients a sender names the encoding of hers (SEMANTICS.md, Recipients)."""
        return (index_arg("recipient", RECIPIENT_DOMAIN),) if cfg.options.amounts.recipients == "bytes32" else ()

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        d = ids(cfg)
        out = [Action(name, self.send_args(cfg, name), "user", "send value to the other chain") for name in self.send_actions()]
        out += [
            Action("attest", (index_arg("id", d),), "relayer", "deliver a sent message with honest evidence"),
            Action(
                "forge",
                (index_arg("id", d), index_arg("dir", DIR_DOMAIN), index_arg("user", USER_DOMAIN), Arg("amount")),
                "adversary",
                "deliver a made-up message with the adversary's best evidence",
            ),
        ]
        out += [Action(name, (index_arg("id", d),), "relayer", "execute a claim") for name in self.execute_actions()]
        if "unauthorised_emitter" in cfg.options.faults:
            emitted = (index_arg("dir", DIR_DOMAIN), index_arg("user", USER_DOMAIN), Arg("amount"))
            out.append(Action("emit", emitted, "adversary", "an event shaped like the bridge's, from the adversary's own contract"))
        return tuple(out)

    def initial(self, cfg: Configuration) -> dict[str, int | bool]:
        supply, funds = cfg.bounds.supply, cfg.options.adversary_funds
        return {"balance_home[alice]": supply, "balance_home[mallory]": funds, "supply_home": supply + funds}

    # --- what a family defines ---------------------------------------------------------------------
    def send_actions(self) -> tuple[str, ...]:
        raise NotImplementedError

    def execute_actions(self) -> tuple[str, ...]:
        raise NotImplementedError

    def send_action(self, direction: int) -> str:
        raise NotImplementedError

    def execute_action(self, direction: int) -> str:
        raise NotImplementedError

    def debit(self, s: SymState, direction: int, user: int, debited: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        """Take `debited` from `user` on the source chain of `direction`; returns the guard."""
        raise NotImplementedError

    def credit(self, s: SymState, cfg: Configuration, direction: int, user: z3.ArithRef, credit: z3.ArithRef, updates: Updates) -> z3.BoolRef:
        """Pay `credit` to `user` on the destination chain of `direction`; returns the guard."""
        raise NotImplementedError

    def refund(self, s: SymState, user: int, amount: z3.ArithRef, updates: Updates) -> None:
        """Undo a home-chain send that a reorg removed."""
        raise NotImplementedError

    def directions(self) -> tuple[int, ...]:
        return (OUT, BACK)

    def refund_remote(self, s: SymState, user: int, amount: z3.ArithRef, updates: Updates) -> None:
        """Undo a remote-chain send that a reorg removed: both families burned on remote, so the
        tokens come back to their holder and to remote's supply."""
        add(updates, s, s.key("balance_remote", user), amount)
        add(updates, s, "supply_remote", amount)

    def reorg_guard(self, s: SymState, refunded: z3.ArithRef) -> list[z3.BoolRef]:
        return []

    def backing(self, s: SymState, direction: int, credit: z3.ArithRef) -> z3.BoolRef:
        """What the destination must hold before it takes a claim, even into a queue (the escrow)."""
        return z3.BoolVal(True)

    def explore(self, cfg: Configuration) -> dict[str, list[int]]:
        trust, o = cfg.trust, cfg.options
        a = o.amounts
        unit = 10 ** max(a.home_decimals - min(a.home_decimals, a.remote_decimals, a.wire_decimals if a.wire_decimals is not None else 99), 0)
        amounts = sorted({1, unit, unit + 1} | ({o.per_tx_limit, o.per_tx_limit + 1} if o.per_tx_limit else set()))
        if o.rate_limit is not None:
            amounts = sorted(set(amounts) | {o.rate_limit.capacity, o.rate_limit.capacity + 1})
        for model in (trust, *getattr(trust, "verifiers", ())):
            amounts = sorted(set(amounts) | set(model.explored_amounts()))
        times = sorted({1} | {v for v in self.time_params(cfg) if v > 0})
        # `paid` 0 is the unchecked send that moved nothing; 1 pays an amount of 1 in full, the real
        # deposit a drain on the other leg needs first (unchecked_deposit gives every send a `paid`).
        return {"amount": amounts, "paid": [0, 1], "seconds": times, "blocks": times, "depth": times}

    def time_params(self, cfg: Configuration) -> list[int]:
        trust, o = cfg.trust, cfg.options
        params: list[int] = []
        for model in (trust, *getattr(trust, "verifiers", ())):
            params += [getattr(model, n) for n in model.param_names() if not isinstance(getattr(model, n), bool)]
        timing = [o.pause_reaction or 0, o.finality, o.reorg, o.reorg_remote]
        if o.rate_limit is not None:
            timing += [o.rate_limit.delay]
        return [v for v in params + timing if isinstance(v, int)]

    # --- the subject of the trust model --------------------------------------------------------------
    def claim_domain(self, cfg: Configuration) -> Domain:
        return ids(cfg)

    def claimed(self, s: SymState, i: int) -> z3.BoolRef:
        return s.slot("claimed", i)

    def fraudulent(self, s: SymState, i: int) -> z3.BoolRef:
        return fraudulent(s, i)

    def executed(self, s: SymState, i: int) -> z3.BoolRef:
        return s.slot("executions", i) >= 1

    # --- properties ---------------------------------------------------------------------------------
    def view(self, fields: Any, ops: Any, cfg: Configuration) -> Any:
        o = cfg.options
        return bridge_view(fields, ops, o.amounts, cfg.bounds.supply + o.adversary_funds, self.loss_chains, o.adversary_funds)

    def adversary_value(self, view: Any, ops: Any) -> Any:
        return view.adversary_value(ops)

    def loss_by_chain(self, view: Any, ops: Any) -> dict[str, Any]:
        return view.loss_by_chain(ops)

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        from bridgeproof.properties.lemmas import GENERIC_LEMMAS
        from bridgeproof.properties.view import SYMBOLIC, symbolic_view

        v = symbolic_view(cfg, s)
        return {name: lemma(v, SYMBOLIC) for name, lemma in GENERIC_LEMMAS.items()}

    def lemma_claims(self, cfg: Configuration) -> dict[str, str]:
        from bridgeproof.properties.lemmas import GENERIC_LEMMAS

        return {name: (lemma.__doc__ or "").strip().splitlines()[0] for name, lemma in GENERIC_LEMMAS.items()}

    # --- every action of the family, for one step -----------------------------------------------------
    def conversion(self, cfg: Configuration) -> Conversion:
        return Conversion(cfg.options.amounts)

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        out = self.sends(s, a, cfg)
        if "unauthorised_emitter" in cfg.options.faults:
            out += self._emitted(s, a, cfg)
        for i in range(s.messages):
            out.append(self._attest(s, cfg, i))
            out.append(self._forge(s, a, cfg, i))
        for i in range(s.messages):
            for d in self.directions():
                out += self._deliveries(s, cfg, i, d)
        return out

    def sends(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        out = []
        unchecked = "unchecked_deposit" in cfg.options.faults
        conv = self.conversion(cfg)
        for d in self.directions():
            action = self.send_action(d)
            recipients = range(2) if "recipient" in cfg.action[action].arg_names else (ADDRESS,)
            for u, r in ((u, r) for u in range(len(USERS)) for r in recipients):
                guard, wire, debited = conv.send(a.amount, d)
                args: dict[str, Any] = {name: a.named[name] for name in cfg.action[action].arg_names}
                args["user"] = u
                if "dir" in args:
                    args["dir"] = d
                if "recipient" in args:
                    args["recipient"] = r
                if unchecked:
                    # Qubit: the event says `amount`; the vault receives, or the burn destroys, `paid`.
                    guard = z3.And(guard, a.paid >= 0, a.paid <= a.amount)
                    debited = a.paid
                updates: Updates = {}
                emit_guard = self.append_sent(s, updates, d, u, wire, debited, recipient=r)
                guard = z3.And(a.amount >= 1, guard, emit_guard, self.debit(s, d, u, debited, updates))
                out.append(Case(action, guard, updates, args))
        return out

    def _emitted(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        """pNetwork 2021: an event in the bridge's shape from the adversary's contract, which moved nothing."""
        out = []
        conv = self.conversion(cfg)
        for d in self.directions():
            for u in range(len(USERS)):
                guard, wire, _ = conv.send(a.amount, d)
                updates: Updates = {}
                emit_guard = self.append_sent(s, updates, d, u, wire, z3.IntVal(0))
                args = {"dir": d, "user": u, "amount": a.amount}
                out.append(Case("emit", z3.And(a.amount >= 1, guard, emit_guard), updates, args))
        return out

    def append_sent(
        self, s: SymState, updates: Updates, direction: int, user: int, wire: z3.ArithRef, debited: z3.ArithRef, **content: int
    ) -> z3.BoolRef:
        """Append a message to the source outbox under the next id (guard: the id bound is not spent);
        `content` sets optional content (OPTIONAL_CONTENT) where the configuration has it."""
        updates["next_id"] = s["next_id"] + 1
        for i in range(s.messages):
            here = s["next_id"] == s.index_value("ids", i)
            for name, default in OPTIONAL_CONTENT.items():
                if s.declares(f"sent_{name}"):
                    value = content.get(name, default)
                    updates[s.key(f"sent_{name}", i)] = z3.If(here, value, s.slot(f"sent_{name}", i))
            updates[s.key("sent", i)] = z3.Or(s.slot("sent", i), here)
            updates[s.key("sent_dir", i)] = z3.If(here, direction, s.slot("sent_dir", i))
            updates[s.key("sent_user", i)] = z3.If(here, user, s.slot("sent_user", i))
            updates[s.key("sent_amount", i)] = z3.If(here, wire, s.slot("sent_amount", i))
            updates[s.key("sent_debited", i)] = z3.If(here, debited, s.slot("sent_debited", i))
            if s.has(s.key("sent_block", i)):
                updates[s.key("sent_block", i)] = z3.If(here, s["height"], s.slot("sent_block", i))
        return s.index_bound("ids", s["next_id"])

    def _new_claim(self, s: SymState, i: int, dir_: Any, user: Any, amount: Any, **content: Any) -> Updates:
        updates: Updates = {
            s.key("claimed", i): True,
            s.key("claim_dir", i): dir_,
            s.key("claim_user", i): user,
            s.key("claim_amount", i): amount,
        }
        for name, default in OPTIONAL_CONTENT.items():
            if s.declares(f"claim_{name}"):
                updates[s.key(f"claim_{name}", i)] = content.get(name, default)
        if s.has(s.key("claimed_at", i)):
            updates[s.key("claimed_at", i)] = s["now"]
        return updates

    def _evidence(self, s: SymState, i: int, evidence: Mapping[str, Any], updates: Updates) -> None:
        for name, value in evidence.items():
            updates[s.key(f"ev_{name}", i)] = value

    def _attest(self, s: SymState, cfg: Configuration, i: int) -> Case:
        content = {name: s.slot(f"sent_{name}", i) for name in OPTIONAL_CONTENT if s.declares(f"sent_{name}")}
        updates = self._new_claim(s, i, s.slot("sent_dir", i), s.slot("sent_user", i), s.slot("sent_amount", i), **content)
        self._evidence(s, i, cfg.trust.honest_evidence(s, i, cfg), updates)
        guard = z3.And(s.slot("sent", i), z3.Not(s.slot("claimed", i)))
        if cfg.options.finality > 0:
            guard = z3.And(guard, s["height"] - s.slot("sent_block", i) + 1 >= cfg.options.finality)
        return Case("attest", guard, updates, {"id": i})

    def _forge(self, s: SymState, a: StepArgs, cfg: Configuration, i: int) -> Case:
        updates = self._new_claim(s, i, a.dir, a.user, a.amount)
        self._evidence(s, i, cfg.trust.forged_evidence(s, i, cfg), updates)
        guard = z3.And(
            z3.Not(s.slot("claimed", i)),
            a.amount >= 1,
            a.dir >= 0,
            a.dir <= 1,
            a.user >= 0,
            a.user < len(USERS),
        )
        return Case("forge", guard, updates, {"id": i, "dir": a.dir, "user": a.user, "amount": a.amount})

    def accepted(self, s: SymState, cfg: Configuration, i: int, direction: int) -> z3.BoolRef:
        """The destination takes the claim: its trust model accepts it, or (Poly Network, Wormhole's
        initialiser) it checks claims against keys the adversary installed, and she signs with them."""
        trusted = cfg.trust.accepts(s, i, cfg)
        if cfg.has("keys"):
            return z3.Or(trusted, s[f"replaced_keys[{DIR_NAMES[direction]}]"])
        return trusted

    def transfer_guard(self, s: SymState, cfg: Configuration, i: int) -> z3.BoolRef:
        """A transfer path executes transfers only, unless it never checks the kind (Messina 2026)."""
        if not cfg.options.calls or "message_type_confusion" in cfg.options.faults:
            return z3.BoolVal(True)
        return s.slot("claim_kind", i) == TRANSFER

    def executable(self, s: SymState, cfg: Configuration, i: int, direction: int) -> z3.BoolRef:
        parts = [
            s.slot("claimed", i),
            s.slot("claim_dir", i) == direction,
            self.accepted(s, cfg, i, direction),
            z3.Not(s["paused"]),
        ]
        if cfg.options.per_tx_limit is not None:
            parts.append(s.slot("claim_amount", i) <= cfg.options.per_tx_limit)
        return z3.And(*parts)

    def pay(self, s: SymState, cfg: Configuration, i: int, direction: int, updates: Updates) -> z3.BoolRef:
        """Credit claim i's value on its destination; record `credited` and stranded dust."""
        amount, user = s.slot("claim_amount", i), s.slot("claim_user", i)
        conv = self.conversion(cfg)
        credit = conv.credit(amount, direction)
        updates[s.key("credited", i)] = credit
        if s.has("dust"):
            add(updates, s, "dust", conv.dust(amount, direction))
        guard = z3.BoolVal(True)
        if s.declares("claim_recipient") and self.evm_destination(cfg, direction):
            foreign = s.slot("claim_recipient", i) == BYTES32
            if "truncating_address" in cfg.options.faults:
                # bytes32ToAddress keeps the low 20 bytes: the credit lands on an address nobody holds.
                add(updates, s, f"unowned[{'remote' if direction == OUT else 'home'}]", z3.If(foreign, credit, 0))
                user = z3.If(foreign, NOBODY, user)
            else:
                guard = z3.Not(foreign)  # a checked conversion reverts: the value stays in flight
        return z3.And(guard, self.credit(s, cfg, direction, user, credit, updates))

    def evm_destination(self, cfg: Configuration, direction: int) -> bool:
        """Whether the destination of `direction` has 20-byte addresses (home always; remote on an EVM)."""
        return direction == BACK or cfg.options.amounts.remote_vm == "evm"

    def replay_guard(self, s: SymState, cfg: Configuration, i: int, direction: int) -> z3.BoolRef:
        """The destination's replay protection: an id executes only if it never has. With
        `noncanonical_claim_id`, home's exits (`back`) key it on an encoding of the id the claimant
        chooses, and she always has one not yet used (Polygon's Plasma exits, 2021): no guard is left."""
        if direction == BACK and "noncanonical_claim_id" in cfg.options.faults:
            return z3.BoolVal(True)
        return s.slot("executions", i) == 0

    def _deliveries(self, s: SymState, cfg: Configuration, i: int, direction: int) -> list[Case]:
        action = self.execute_action(direction)
        ready = z3.And(
            self.executable(s, cfg, i, direction), self.transfer_guard(s, cfg, i), self.replay_guard(s, cfg, i, direction)
        )
        executed = s.slot("executions", i) + 1
        pay: Updates = {s.key("executions", i): executed}
        guard = z3.And(ready, self.pay(s, cfg, i, direction, pay))
        rate = cfg.options.rate_limit
        if rate is None:
            return [Case(action, guard, pay, {"id": i})]
        name = DIR_NAMES[direction]
        tokens, updated = s[f"bucket_tokens[{name}]"], s[f"bucket_updated[{name}]"]
        refilled = tokens + rate.refill * (s["now"] - updated)
        level = z3.If(refilled <= rate.capacity, refilled, rate.capacity)
        amount = s.slot("claim_amount", i)
        pay[f"bucket_tokens[{name}]"] = level - amount
        pay[f"bucket_updated[{name}]"] = s["now"]
        out = [Case(action, z3.And(guard, amount <= level), pay, {"id": i})]
        if rate.mode == "queue":
            queue: Updates = {
                s.key("executions", i): executed,
                s.key("queued", i): True,
                s.key("queued_at", i): s["now"],
            }
            backed = self.backing(s, direction, self.conversion(cfg).credit(amount, direction))
            out.append(Case(action, z3.And(ready, amount > level, backed), queue, {"id": i}))
        return out

    def u64_guard(self, s: SymState, cfg: Configuration, supply_key: str, credit: z3.ArithRef) -> z3.BoolRef:
        if supply_key == "supply_remote" and cfg.options.amounts.remote_vm == "svm":
            return s["supply_remote"] + credit <= U64_MAX
        return z3.BoolVal(True)

    # --- counterexample files --------------------------------------------------------------------------
    def vars_of_version(self, version: int, cfg: Configuration) -> list[str]:
        names = [v.name for v in cfg.vars]
        return [v for v in names if v not in V1_DEFAULTS] if version == 1 else names

    def upgrade_state(self, version: int, state: dict[str, Any]) -> dict[str, Any]:
        if version >= 2:
            return state
        out = dict(V1_DEFAULTS) | state
        out["sent"] = {i: {"block": 0, "debited": m["amount"]} | m for i, m in state["sent"].items()}
        out["claims"] = {
            i: {
                "queued": False,
                "queued_at": 0,
                "credited": c["amount"] if c["executions"] >= 1 else 0,
                "fork_executions": 0,
                "claimed_at": 0,
            }
            | c
            for i, c in state["claims"].items()
        }
        return out

    def summary(self, s: Mapping[str, Any]) -> str:
        home = ",".join(f"{u}:{s['balance_home'][u]}" for u in USERS)
        remote = ",".join(f"{u}:{s['balance_remote'][u]}" for u in USERS)
        inflight = sum(
            m["amount"]
            for i, m in s["sent"].items()
            if s["claims"].get(i, {}).get("executions", 0) == 0 and m.get("kind", "transfer") == "transfer"
        )
        clock = f" t={s['now']}" if s["now"] else ""
        unowned = s.get("unowned", {})
        if any(unowned.values()):
            clock += " unowned " + ",".join(f"{c}:{v}" for c, v in unowned.items())
        return (
            f"home[{home}] remote[{remote}] escrow={s['escrow']} "
            f"supply home={s['supply_home']} remote={s['supply_remote']} inflight={inflight}{clock}"
        )

    # --- pictures ------------------------------------------------------------------------------------------
    def lifelines(self, cfg: Configuration) -> tuple[str, ...]:
        return ("alice", "mallory", "relayer", "home", "verifier", "remote", "watcher", "governance", "clock")

    main_lifelines = ("alice", "mallory", "home", "verifier", "remote")
    """Drawn in every diagram, used or not: the two chains, the verifier between them, a user and the
    adversary (the issue's picture of an attack); the rest appear when a step uses them."""

    def arrows(self, action: str, args: Mapping[str, Any], actor: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Any]:
        from bridgeproof.model.diagram import Arrow, default_arrows

        destination = {"out": "remote", "back": "home"}
        claim = after["claims"].get(args.get("id"), {})
        sent = after["sent"].get(args.get("id"), {})
        if action in ("lock", "burn"):
            source = "home" if action == "lock" or args.get("dir") == "out" else "remote"
            paid = f" (paid {args['paid']})" if "paid" in args else ""
            return [Arrow(args["user"], source, f"{action} {args['amount']}{paid}")]
        if action == "emit":
            source = "home" if args["dir"] == "out" else "remote"
            return [Arrow("mallory", source, f"emit a {args['dir']} event for {args['user']}: {args['amount']} (nothing moved)")]
        if action == "call":
            source = "home" if args["dir"] == "out" else "remote"
            text = f"call: set {destination[args['dir']]}'s verifier keys to mallory's (as a transfer it reads {args['amount']})"
            return [Arrow("mallory", source, text)]
        if action == "execute":
            target = destination.get(claim.get("dir"), "remote")
            return [Arrow("relayer", target, f"execute call #{args['id']}: the configuration takes mallory's keys")]
        if action == "attest":
            target = destination.get(sent.get("dir", claim.get("dir")), "remote")
            return [
                Arrow("relayer", "verifier", f"attest #{args['id']}: {claim.get('user')} {claim.get('amount')}"),
                Arrow("verifier", target, f"claim #{args['id']} accepted"),
            ]
        if action == "forge":
            return [
                Arrow("mallory", "verifier", f"forge #{args['id']}: pay {args['user']} {args['amount']}"),
                Arrow("verifier", destination[args["dir"]], f"forged claim #{args['id']} accepted"),
            ]
        if action in ("mint", "unlock", "release", "fork_unlock"):
            where = "home" if action in ("unlock", "fork_unlock") else destination.get(claim.get("dir"), "remote")
            if action == "fork_unlock":
                where = "home (fork)"
            queued = " (queued)" if claim.get("queued") else ""
            lost = " (to its bytes32 recipient)" if claim.get("recipient") == "bytes32" else ""
            return [Arrow(where, claim.get("user", "alice"), f"{action} #{args['id']}: {claim.get('credited', 0)}{queued}{lost}")]
        if action == "wait":
            return [Arrow("clock", "clock", f"wait {args['seconds']} s (t = {after['now']})")]
        if action == "challenge":
            return [Arrow("watcher", "verifier", f"challenge #{args['id']}")]
        if action in ("upgrade",):
            return [Arrow("mallory", "verifier", "upgrade")]
        if action == "rotate":
            return [Arrow("governance", "verifier", "rotate the keys")]
        if action == "pause":
            return [Arrow("governance", "remote", "pause")]
        if action == "approve":
            return [Arrow(args["user"], "home", f"approve the router for {args['amount']}")]
        if action == "router_call":
            return [Arrow("mallory", "home", f"router call: transferFrom({args['user']}, mallory, {args['amount']})")]
        if action == "reorg_remote":
            return [Arrow("mallory", "remote", f"reorg_remote(depth={args['depth']})")]
        if action in ("reorg", "mine", "fork"):
            return [Arrow("mallory" if action != "mine" else "clock", "home", f"{action}({', '.join(f'{k}={v}' for k, v in args.items())})")]
        return list(default_arrows(action, args, actor, "verifier"))

    # --- concrete half -------------------------------------------------------------------------------
    def deploy(self, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.bridge.deployment import BridgeDeployment

        return BridgeDeployment(self.id == "lock_mint", cfg)

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.bridge import deployment as dep

        table: dict[str, Handler] = {"attest": dep.attest, "forge": dep.forge}
        table |= self.concrete_handlers()
        if "unauthorised_emitter" in cfg.options.faults:
            table["emit"] = dep.emit_unauthorised
        return table

    def concrete_handlers(self) -> dict[str, Handler]:
        raise NotImplementedError

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return deployment.read()
