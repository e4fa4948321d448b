"""A hashed-timelock atomic swap between two chains and two parties (BIP-199; Herlihy, PODC 2018).

Alice locks on chain `a` for Bob, Bob locks on `b` for Alice, both under the hash of Alice's secret;
Alice claims on `b` and so reveals the secret, which lets Bob claim on `a`. Each lock has a timeout
after which its payer takes it back. The adversary controls one party and can delay the other's
transactions by up to `delta` seconds (finality, inclusion and clock skew). Safety needs
`T_a > T_b + delta` when a claim is only valid before its timeout (account-based contracts), and
more when the claim branch has no time bound (BIP-199 scripts), where claim and refund race.
Real parameters: the decred/atomicswap tool uses 48 h for the initiator and 24 h for the
participant (`locktime` in cmd/dcratomicswap); Bitcoin's 6-confirmation rule is about an hour.

There is no message and no verifier here, so this family takes no trust model. SEMANTICS.md,
"Family `htlc`", is the vocabulary both halves implement; `contracts.py` is the concrete half.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import z3

from bridgeproof.model.applicability import option
from bridgeproof.model.component import Component, Handler
from bridgeproof.model.configuration import ConfigurationError
from bridgeproof.model.declarations import Action, Domain, Field, Var, index_arg
from bridgeproof.model.errors import ParameterError
from bridgeproof.model.features.clock import ClockFeature
from bridgeproof.model.protocols import register
from bridgeproof.model.protocols.family import Family
from bridgeproof.model.protocols.parameters import choice, int_in
from bridgeproof.model.symbolic import Case, StepArgs, SymState

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

CHAINS = Domain("chains", ("a", "b"))
PARTIES = Domain("parties", ("alice", "bob"))
STATUS = Domain("status", ("locked", "claimed", "refunded"))
LOCKED, CLAIMED, REFUNDED = 0, 1, 2
A, B = 0, 1
ALICE, BOB = 0, 1
PAYER = {A: ALICE, B: BOB}
PAYEE = {A: BOB, B: ALICE}
CONTRACTS = ("account", "script")
FAULTS = frozenset({"no_refund"})


def _faults(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    return frozenset(value or ())


def _known_faults(_instance: Any, attribute: Any, value: frozenset[str]) -> None:
    unknown = sorted(value - FAULTS)
    if unknown:
        from bridgeproof.model.applicability import elsewhere

        also = elsewhere(unknown[0], "htlc")
        known = ", ".join(sorted(FAULTS))
        raise ParameterError("faults", f"htlc has no fault {unknown[0]!r} (it models: {known}){also}")


@attrs.frozen
class HtlcView:
    """What the HTLC properties read: per chain, whether it was locked and its status; the honest party."""

    made: tuple[Any, ...]
    status: tuple[Any, ...]
    timeout: tuple[Any, ...]
    balance_a: tuple[Any, ...]
    balance_b: tuple[Any, ...]
    revealed: Any
    now: Any
    honest: int
    """The party index the adversary does not control (0 alice, 1 bob)."""
    delta: int

    def own_chain(self, party: int) -> int:
        """The chain a party pays on (alice on a, bob on b)."""
        return A if party == ALICE else B

    def is_(self, chain: int, status: int, ops: Any) -> Any:
        return ops.and_(self.made[chain], self.status[chain] == status)


@register
@attrs.frozen
class Htlc(Family):
    id: ClassVar[str] = "htlc"
    kinds: ClassVar[tuple[str, ...]] = ("atomic_swap",)
    trust: ClassVar[str] = "none"
    bounds_used: ClassVar[frozenset[str]] = frozenset({"depth"})
    witness: ClassVar[str | None] = "swap_completes"
    modelled_faults: ClassVar[frozenset[str]] = FAULTS

    contract: str = attrs.field(default="account", validator=choice(CONTRACTS), metadata=option(example="script"))
    t_b: int = attrs.field(default=86400, validator=int_in(1), metadata=option(example=43200))
    margin: int = attrs.field(default=86400, validator=int_in(0), metadata=option(example=10800))
    delta: int = attrs.field(default=3600, validator=int_in(0), metadata=option(example=600))
    adversary: str = attrs.field(default="alice", validator=choice(("alice", "bob")), metadata=option(example="bob"))
    amount_a: int = attrs.field(default=1, validator=int_in(1), metadata=option(example=2))
    amount_b: int = attrs.field(default=1, validator=int_in(1), metadata=option(example=2))
    faults: frozenset[str] = attrs.field(factory=frozenset, converter=_faults, validator=_known_faults)

    @property
    def t_a(self) -> int:
        return self.t_b + self.margin

    def timeout(self, chain: int) -> int:
        return self.t_a if chain == A else self.t_b

    def amount(self, chain: int) -> int:
        return self.amount_a if chain == A else self.amount_b

    @property
    def honest(self) -> int:
        return BOB if self.adversary == "alice" else ALICE

    def describe(self) -> dict[str, Any]:
        out = {a.name: getattr(self, a.name) for a in attrs.fields(type(self)) if a.name != "faults"}
        if self.faults:
            out["faults"] = sorted(self.faults)
        return out

    def scope(self, bounds: Any) -> str:
        return f"for {self.contract}-based contracts with T_a - T_b = {self.margin} s and delta = {self.delta} s"

    def check(self, cfg: Configuration) -> None:
        if cfg.options is not None:
            raise ConfigurationError("htlc takes no scenario options beyond its protocol table")

    def features(self, cfg: Configuration) -> tuple[Component, ...]:
        return (ClockFeature(),)

    def time_params(self, cfg: Configuration) -> list[int]:
        return [self.t_a, self.t_b, self.delta, self.t_a + self.delta, self.t_b + self.delta, self.t_b + 2 * self.delta + 1]

    def explore(self, cfg: Configuration) -> dict[str, list[int]]:
        times = sorted({1, self.delta, self.delta + 1} | {t + d for t in (self.t_a, self.t_b) for d in (-1, 0, 1)})
        return {"seconds": [t for t in times if t >= 1]}

    # --- declarations ----------------------------------------------------------------------------
    def domains(self, cfg: Configuration) -> tuple[Domain, ...]:
        return (CHAINS, PARTIES, STATUS)

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (
            Var("now", doc="seconds since the start"),
            Var("balance_a", PARTIES, "balances on chain a"),
            Var("balance_b", PARTIES, "balances on chain b"),
            Var("locks", CHAINS, "the HTLC on each chain, once locked"),
            Var("secret", doc="whether the preimage is public, and since when"),
        )

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        return (
            Field("balance_a", "int", ("balance_a",), PARTIES, counts=True),
            Field("balance_b", "int", ("balance_b",), PARTIES, counts=True),
            Field("lock_made", "bool", ("locks",), CHAINS, False, presence=True),
            Field("lock_status", STATUS, ("locks", "status"), CHAINS),
            Field("lock_amount", "int", ("locks", "amount"), CHAINS),
            Field("lock_timeout", "int", ("locks", "timeout"), CHAINS, time=True),
            Field("lock_locked_at", "int", ("locks", "locked_at"), CHAINS, time=True),
            Field("revealed", "bool", ("secret", "revealed"), default=False),
            Field("revealed_at", "int", ("secret", "revealed_at"), time=True),
        )

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        chain = (index_arg("chain", CHAINS),)
        return (
            Action("lock", chain, "user", "the chain's payer locks its amount under H(s) until the chain's timeout", fair=True),
            Action("claim", chain, "user", "the chain's payee takes the lock by revealing s", fair=True),
            Action("refund", chain, "user", "the chain's payer takes the lock back after its timeout", fair=True),
        )

    def initial(self, cfg: Configuration) -> dict[str, int | bool]:
        return {"balance_a[alice]": self.amount_a, "balance_b[bob]": self.amount_b}

    # --- symbolic half ---------------------------------------------------------------------------
    @staticmethod
    def _balance(s: SymState, chain: int, party: int) -> str:
        return s.key("balance_a" if chain == A else "balance_b", party)

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        out = []
        now = s["now"]
        for c in (A, B):
            made, status = s.at("lock_made", c), s.at("lock_status", c)
            payer, payee, amount, timeout = PAYER[c], PAYEE[c], self.amount(c), self.timeout(c)
            pay_from, pay_to = self._balance(s, c, payer), self._balance(s, c, payee)
            locked = z3.And(made, status == LOCKED)
            # lock
            guard = [z3.Not(made), s[pay_from] >= amount]
            if payer == self.honest:
                guard.append(now < timeout)
            if c == B and self.honest == BOB:
                guard.append(z3.And(s.at("lock_made", A), s.at("lock_status", A) == LOCKED))
            updates = {
                pay_from: s[pay_from] - amount,
                s.key("lock_made", c): True,
                s.key("lock_status", c): LOCKED,
                s.key("lock_amount", c): amount,
                s.key("lock_timeout", c): timeout,
                s.key("lock_locked_at", c): now,
            }
            out.append(Case("lock", z3.And(*guard), updates, {"chain": c}))
            # claim
            knows = z3.BoolVal(True) if payee == ALICE else s["revealed"]
            guard = [locked, knows]
            if self.contract == "account":
                guard.append(now < timeout)
            if payee == self.honest == BOB:
                guard.append(now >= s["revealed_at"] + 1)
            if payee == self.honest == ALICE:
                guard.append(s.at("lock_made", A))
            updates = {
                s.key("lock_status", c): CLAIMED,
                pay_to: s[pay_to] + amount,
                "revealed": True,
                "revealed_at": z3.If(s["revealed"], s["revealed_at"], now),
            }
            out.append(Case("claim", z3.And(*guard), updates, {"chain": c}))
            # refund
            guard = [locked, now >= timeout, z3.BoolVal(not (c == A and "no_refund" in self.faults))]
            updates = {s.key("lock_status", c): REFUNDED, pay_from: s[pay_from] + amount}
            out.append(Case("refund", z3.And(*guard), updates, {"chain": c}))
        return out

    def deadlines(self, s: Any, now: Any, ops: Any) -> list[tuple[str, Any, Any]]:
        """The honest party's deadlines as (name, pending, D): time may not pass D while pending.

        Written over field accessors so the symbolic urgency and the liveness obligations share it.
        """
        out = []
        for c in (A, B):
            if PAYER[c] == self.honest and not (c == A and "no_refund" in self.faults):
                locked = ops.and_(s("lock_made", c), s("lock_status", c) == LOCKED)
                out.append((f"refund[{CHAINS.label(c)}]", locked, self.timeout(c) + self.delta))
        if self.honest == BOB:
            locked_a = ops.and_(s("lock_made", A), s("lock_status", A) == LOCKED)
            due = s("revealed_at") + 1 + self.delta
            applies = True if self.contract == "script" else due < self.t_a
            out.append(("claim[a]", ops.and_(s("revealed"), locked_a, applies), due))
        else:
            locked_b = ops.and_(s("lock_made", B), s("lock_status", B) == LOCKED)
            due = s("lock_locked_at", B) + 1 + self.delta
            applies = True if self.contract == "script" else due < self.t_b
            out.append(("claim[b]", ops.and_(locked_b, s("lock_made", A), applies), due))
        return out

    def urgency(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
        from bridgeproof.properties.view import SYMBOLIC

        get = lambda field, position=None: s.at(field, position)  # noqa: E731
        return [z3.Implies(pending, s["now"] + a.seconds <= due) for _, pending, due in self.deadlines(get, s["now"], SYMBOLIC)]

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """Facts of every reachable state, which induction needs to see the timing argument through."""
        from bridgeproof.properties.view import SYMBOLIC

        now = s["now"]
        out: dict[str, z3.BoolRef] = {}
        for c in (A, B):
            label = CHAINS.label(c)
            made, status = s.at("lock_made", c), s.at("lock_status", c)
            amount = self.amount(c)
            balances = [s[self._balance(s, c, p)] for p in (ALICE, BOB)]
            held = z3.If(z3.And(made, status == LOCKED), amount, 0)
            out[f"ledger[{label}]"] = z3.And(z3.Sum(*balances) + held == amount, *(b >= 0 for b in balances))
            out[f"lock[{label}]_as_made"] = z3.Implies(
                made,
                z3.And(
                    s.at("lock_amount", c) == amount,
                    s.at("lock_timeout", c) == self.timeout(c),
                    s.at("lock_locked_at", c) <= now,
                    s.at("lock_locked_at", c) >= 0,
                    status >= LOCKED,
                    status <= REFUNDED,
                ),
            )
            out[f"lock[{label}]_refunded_after_timeout"] = z3.Implies(z3.And(made, status == REFUNDED), now >= self.timeout(c))
        out["revealed_iff_b_claimed"] = s["revealed"] == z3.And(s.at("lock_made", B), s.at("lock_status", B) == CLAIMED)
        out["revealed_in_past"] = z3.Implies(s["revealed"], z3.And(s["revealed_at"] <= now, s["revealed_at"] >= 0))
        out["a_claimed_after_reveal"] = z3.Implies(
            z3.And(s.at("lock_made", A), s.at("lock_status", A) == CLAIMED), s["revealed"]
        )
        if self.contract == "account":
            out["b_claimed_before_its_timeout"] = z3.Implies(s["revealed"], s["revealed_at"] < self.t_b)
        # Script contracts: b can be claimed after its timeout, but not after its payer refunds it.
        out["b_claimed_before_its_refund_deadline"] = z3.Implies(s["revealed"], s["revealed_at"] <= self.t_b + self.delta)
        get = lambda field, position=None: s.at(field, position)  # noqa: E731
        for name, pending, due in self.deadlines(get, now, SYMBOLIC):
            out[f"deadline_{name}"] = z3.Implies(pending, now <= due)
        if self.honest == BOB:
            out["bob_locks_after_alice"] = z3.Implies(s.at("lock_made", B), s.at("lock_made", A))
        return out

    # --- properties ---------------------------------------------------------------------------------
    def view(self, fields: Any, ops: Any, cfg: Configuration) -> HtlcView:
        return HtlcView(
            made=fields.row("lock_made"),
            status=fields.row("lock_status"),
            timeout=fields.row("lock_timeout"),
            balance_a=fields.row("balance_a"),
            balance_b=fields.row("balance_b"),
            revealed=fields("revealed"),
            now=fields("now"),
            honest=self.honest,
            delta=self.delta,
        )

    def fair_calls(self, cfg: Configuration) -> list[tuple[str, dict[str, int]]]:
        """The honest party's own calls: it locks its chain, claims the other, refunds its own."""
        own = A if self.honest == ALICE else B
        return [("lock", {"chain": own}), ("claim", {"chain": 1 - own}), ("refund", {"chain": own})]

    def progress(self, fields: Any, ops: Any, cfg: Configuration) -> tuple[Any, int]:
        """Every action but `wait` moves some lock forward (none -> locked -> claimed or refunded)."""
        rank = [
            ops.ite(fields("lock_made", c), ops.ite(fields("lock_status", c) == LOCKED, 1, 2), 0) for c in (A, B)
        ]
        return ops.sum(rank), 4

    def summary(self, s: Any) -> str:
        locks = " ".join(f"{c}:{lk['status']}" for c, lk in s["locks"].items()) or "no locks"
        secret = f" secret@{s['secret']['revealed_at']}" if s["secret"]["revealed"] else ""
        return (
            f"t={s['now']} a[alice:{s['balance_a']['alice']},bob:{s['balance_a']['bob']}] "
            f"b[alice:{s['balance_b']['alice']},bob:{s['balance_b']['bob']}] {locks}{secret}"
        )

    # --- pictures ------------------------------------------------------------------------------------
    def lifelines(self, cfg: Configuration) -> tuple[str, ...]:
        return ("alice", "chain a", "clock", "chain b", "bob")

    def arrows(self, action: str, args: Any, actor: str, before: Any, after: Any) -> list[Any]:
        from bridgeproof.model.diagram import Arrow

        if action == "wait":
            return [Arrow("clock", "clock", f"wait {args['seconds']} s (t = {after['now']})")]
        c = CHAINS.position(args["chain"])
        payer, payee = PARTIES.label(PAYER[c]), PARTIES.label(PAYEE[c])
        chain = f"chain {args['chain']}"
        lock = after["locks"].get(args["chain"], {})
        if action == "lock":
            return [Arrow(payer, chain, f"lock {lock.get('amount')} until {lock.get('timeout')}")]
        if action == "claim":
            return [Arrow(payee, chain, f"claim {lock.get('amount')} (reveals s)")]
        return [Arrow(payer, chain, f"refund {lock.get('amount')}")]

    # --- concrete half ---------------------------------------------------------------------------
    def deploy(self, cfg: Configuration) -> Any:
        from bridgeproof.model.protocols.htlc.contracts import HtlcDeployment

        return HtlcDeployment(self)

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        from bridgeproof.model.protocols.htlc import contracts

        return {"lock": contracts.lock, "claim": contracts.claim, "refund": contracts.refund}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return deployment.read()  # type: ignore[no-any-return]

    def check_wait(self, deployment: Any, seconds: int, cfg: Configuration) -> None:
        deployment.check_wait(seconds)
