"""The message-bridge family's scenario options: protocol faults, defences, the adversary, amounts.

Every default switches its feature off, so a scenario that names none gets the plain bridge. The
scenario tables (`faults`, `defences`, `adversary`, `amounts`) are read here and written back here
for `#meta.options`, so a counterexample file restates its configuration exactly. Each option also
says here where it takes effect (NOTE(options-apply)): `forks` only where there is a home vault to
copy, `unbound_chain_id` only on a fork, `dust` only where a chain has more decimals than the wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from bridgeproof.model.applicability import RECORD, Option, Spec, fault_options, option, record_options
from bridgeproof.model.errors import BadInput
from bridgeproof.model.errors import integer as _int
from bridgeproof.model.errors import table as _table

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

VM_KINDS: tuple[str, ...] = ("evm", "svm", "cosmwasm", "move")
RATE_LIMIT_MODES: tuple[str, ...] = ("queue", "fail")
AMOUNT_POLICIES: tuple[str, ...] = ("trim", "truncate")
RECIPIENT_ENCODINGS: tuple[str, ...] = ("address", "bytes32")
"""`address`: every recipient is an address of the destination's VM (the model's default). `bytes32`:
messages carry 32 bytes (Wormhole, LayerZero, CCTP, Hyperlane all do), and a sender may name 32 bytes
whose upper 12 are not zero: a Solana key, or an EVM address padded on the wrong end."""
U64_MAX = 2**64 - 1
OPTION_TABLES = ("faults", "defences", "adversary", "amounts")
DEFENCE_KEYS = {"rate_limit", "per_tx_limit", "pause", "finality", "second_verifier", "governance"}
ADVERSARY_KEYS = {"reorg", "reorg_remote", "forks", "funds", "calls", "approvals", "initialize"}
BRIDGES = ("message_bridge",)
QUEUE_DELAY = 86400
"""NTT's default outbound/inbound queue duration (24 h), the delay of a queueing rate limit unless given."""


def _queues(cfg: Configuration) -> bool:
    return bool(cfg.options.rate_limit.mode == "queue")


def _wire(a: Amounts) -> int:
    """The wire decimals `w` of SEMANTICS.md, Amounts (as `amounts.Conversion.w`)."""
    cap = a.wire_decimals if a.wire_decimals is not None else min(a.home_decimals, a.remote_decimals)
    return min(cap, a.home_decimals, a.remote_decimals)


def _trims_below_a_chain(cfg: Configuration) -> bool:
    a = cfg.options.amounts
    return a.policy == "trim" and max(a.home_decimals, a.remote_decimals) > _wire(a)


def _wire_below_both(cfg: Configuration) -> bool:
    a = cfg.options.amounts
    below = a.wire_decimals is not None and a.wire_decimals < min(a.home_decimals, a.remote_decimals)
    return a.policy == "trim" and below


def _truncates_unequal(cfg: Configuration) -> bool:
    a = cfg.options.amounts
    return a.policy == "truncate" and a.home_decimals != a.remote_decimals


def _with_adversary(flag: str, doc: str, why: str) -> Spec:
    """A fault of something only an adversary capability brings (`adversary.<flag>`): it needs that."""
    return Spec(
        doc=doc,
        needs=lambda cfg: bool(getattr(cfg.options, flag)),
        needs_text=f"adversary.{flag} = true",
        why=why,
        context={"adversary": {flag: True}},
    )


FAULTS: dict[str, Spec] = {
    "unchecked_deposit": Spec(
        doc="Qubit 2022: a send's event is recorded from the call's arguments, not from the balance change it made (every `lock` and `burn` gains `paid`, what really moved)",
    ),
    "unauthorised_emitter": Spec(
        doc="pNetwork 2021: the attesters read transfer events from any contract on the source chain (`emit` exists)",
    ),
    "noncanonical_claim_id": Spec(
        doc="Polygon Plasma 2021: home's exits key replay protection on an encoding of the id the claimant chooses (a back claim executes again)",
    ),
    "unrestricted_call_target": _with_adversary(
        "calls",
        "Poly Network 2021: the destination executes a call message on any target, its own verifier keys included (`execute` installs the caller's)",
        "without call messages there is no call to aim at the configuration",
    ),
    "message_type_confusion": _with_adversary(
        "calls",
        "Messina 2026: the destination's transfer path does not check a message's kind, so a call is paid out as a transfer",
        "without call messages every message is a transfer",
    ),
    "unprotected_initializer": _with_adversary(
        "initialize",
        "Wormhole 2022 (an uninitialised implementation), Parity 2017: the destination's initialiser has no initialise-once guard, so anyone sets the verifier keys (`initialize` installs the caller's)",
        "without the adversary's call to the initialiser nothing calls it after deployment",
    ),
    "arbitrary_router_call": _with_adversary(
        "approvals",
        "Socket 2024, LI.FI 2024: the router forwards a caller's calldata to any target, so it spends anyone's allowance (`router_call`)",
        "without allowances there is nothing for the router to spend",
    ),
    "truncating_address": Spec(
        doc="CCTP and LayerZero's bytes32ToAddress: an EVM destination keeps the low 20 bytes of a 32-byte recipient instead of reverting, so the value goes to an address nobody holds",
        needs=lambda cfg: cfg.options.amounts.recipients == "bytes32",
        needs_text='amounts.recipients = "bytes32"',
        why="without 32-byte recipients every recipient is already an address",
        context={"amounts": {"recipients": "bytes32"}},
    ),
    "unbound_chain_id": Spec(
        doc="messages do not bind the chain id, so a back message replays on a fork of home",
        families=("lock_mint",),
        needs=lambda cfg: bool(cfg.options.forks),
        needs_text="adversary.forks = true",
        why="without a fork there is no other chain for the message to replay on",
        context={"adversary": {"forks": True}},
    ),
}
PROTOCOL_FAULTS: frozenset[str] = frozenset(FAULTS)


@attrs.frozen
class RateLimit:
    """An inbound token bucket per direction: `capacity` message units, `refill` per second."""

    capacity: int = attrs.field(validator=attrs.validators.ge(1), metadata=option("tokens the bucket holds", example=7))
    refill: int = attrs.field(
        default=0, validator=attrs.validators.ge(0), metadata=option("tokens back per second", example=1)
    )
    mode: str = attrs.field(
        default="queue",
        validator=attrs.validators.in_(RATE_LIMIT_MODES),
        metadata=option("`queue` (NTT) holds an over-limit transfer, `fail` (CCIP) refuses it", example="fail"),
    )
    delay: int = attrs.field(
        default=attrs.Factory(lambda self: QUEUE_DELAY if self.mode == "queue" else 0, takes_self=True),
        validator=attrs.validators.ge(0),
        metadata=option(
            "seconds a queued transfer waits before `release`",
            example=600,
            off=0,
            needs=_queues,
            needs_text='defences.rate_limit.mode = "queue"',
            why="a failing bucket refuses at once and queues nothing to release",
        ),
    )


@attrs.frozen
class Amounts:
    """Decimals of each chain's representation and how a transfer converts between them."""

    home_decimals: int = attrs.field(
        default=0, validator=attrs.validators.ge(0), metadata=option("decimals on home", example=6)
    )
    remote_decimals: int = attrs.field(
        default=0, validator=attrs.validators.ge(0), metadata=option("decimals on remote", example=6)
    )
    remote_vm: str = attrs.field(
        default="evm",
        validator=attrs.validators.in_(VM_KINDS),
        metadata=option("remote's VM (`svm`: an SPL supply is a u64)", example="svm"),
    )
    policy: str = attrs.field(
        default="trim",
        validator=attrs.validators.in_(AMOUNT_POLICIES),
        metadata=option(
            "`trim` at the source (NTT, OFT) or `truncate` at the destination (Hyperlane, CCIP)", example="truncate"
        ),
    )
    wire_decimals: int | None = attrs.field(
        default=None,
        metadata=option(
            "decimals of the amount a message carries",
            example=2,
            needs=_wire_below_both,
            needs_text='amounts.policy = "trim" and fewer wire decimals than both chains have',
            why="otherwise the wire carries min(home, remote) decimals, its default",
            context={"amounts": {"home_decimals": 6, "remote_decimals": 6}},
        ),
    )
    dust: str = attrs.field(
        default="keep",
        validator=attrs.validators.in_(("keep", "revert")),
        metadata=option(
            "what a send does with the part below the wire's precision",
            example="revert",
            needs=_trims_below_a_chain,
            needs_text='amounts.policy = "trim" and a chain with more decimals than the wire',
            why="otherwise no send leaves dust",
            context={"amounts": {"home_decimals": 6}},
        ),
    )
    rounding: str = attrs.field(
        default="down",
        validator=attrs.validators.in_(("down", "up")),
        metadata=option(
            "how a truncating destination rounds (`up` is a fault)",
            example="up",
            needs=_truncates_unequal,
            needs_text='amounts.policy = "truncate" and chains of different decimals',
            why="otherwise every credit is exact",
            context={"amounts": {"policy": "truncate", "home_decimals": 6}},
        ),
    )
    recipients: str = attrs.field(
        default="address",
        validator=attrs.validators.in_(RECIPIENT_ENCODINGS),
        metadata=option(
            "`bytes32`: the wire carries 32-byte recipients, and a sender may name one that is no EVM address",
            example="bytes32",
            off="address",
        ),
    )


@attrs.frozen
class Options:
    """Scenario options beyond the trust model: protocol faults, defences, chain features, amounts."""

    faults: frozenset[str] = attrs.field(factory=frozenset, converter=frozenset)
    forks: bool = attrs.field(
        default=False,
        metadata=option(
            "a hard fork of home copies the vault (`fork`, `fork_unlock`)",
            path="adversary.forks",
            families=("lock_mint",),
            example=True,
            why="a fork copies the home vault, which only lock_mint has",
        ),
    )
    calls: bool = attrs.field(
        default=False,
        metadata=option(
            "messages have a kind, and mallory sends call messages at the destination's configuration (`call`, `execute`)",
            path="adversary.calls",
            example=True,
        ),
    )
    approvals: bool = attrs.field(
        default=False,
        metadata=option(
            "users grant the router on home allowances (`approve`), and anyone may call it (`router_call`)",
            path="adversary.approvals",
            example=True,
        ),
    )
    initialize: bool = attrs.field(
        default=False,
        metadata=option(
            "mallory may call the destination's initialiser with her keys (`initialize`)",
            path="adversary.initialize",
            example=True,
            # A fork taken after `initialize` would copy her keys, which the fork's own acceptance
            # (the trust model's alone, SEMANTICS.md, Calls) does not model: refused, not half-modelled.
            needs=lambda cfg: not cfg.options.forks,
            needs_text="adversary.forks = false",
            why="a fork of home would copy keys the initialiser installed, which this model does not carry over",
        ),
    )
    governance: Any = attrs.field(
        default=None,
        metadata=option(
            "the verifier keys change only through a governance path with its own trust model, a trust table (`govern`)",
            path="defences.governance",
            example={"model": "multisig", "k": 2, "n": 3, "f": 2},
            # As for `adversary.initialize`: a fork after `govern` would copy keys the model does not carry over.
            needs=lambda cfg: not cfg.options.forks,
            needs_text="adversary.forks = false",
            why="a fork of home would copy keys governance installed, which this model does not carry over",
        ),
    )
    """The governance path's trust model (scoped `gov_`), or None: the keys are the deployment's for good."""
    rate_limit: RateLimit | None = attrs.field(
        default=None,
        metadata={
            **option("an inbound token bucket per direction", path="defences.rate_limit", example={"capacity": 5}),
            RECORD: RateLimit,
        },
    )
    per_tx_limit: int | None = attrs.field(
        default=None, metadata=option("the largest message amount executed", path="defences.per_tx_limit", example=5)
    )
    pause_reaction: int | None = attrs.field(
        default=None,
        metadata=option(
            "a guardian pauses within this many seconds of a fraud", path="defences.pause.reaction", example=60
        ),
    )
    finality: int = attrs.field(
        default=0, metadata=option("confirmations honest attesters wait for", path="defences.finality", example=2)
    )
    reorg: int = attrs.field(
        default=0, metadata=option("blocks of home the adversary can reorganise", path="adversary.reorg", example=2)
    )
    reorg_remote: int = attrs.field(
        default=0,
        metadata=option("blocks of remote the adversary can reorganise (`reorg_remote`)", path="adversary.reorg_remote", example=2),
    )
    amounts: Amounts = attrs.field(factory=Amounts, metadata={RECORD: Amounts})
    adversary_funds: int = attrs.field(
        default=0, metadata=option("mallory's own coins on home", path="adversary.funds", example=5)
    )
    """mallory's own initial balance on home (an attacker who double-spends needs coins of its own)."""


SECOND_VERIFIER = Option(
    "defences.second_verifier",
    "defences.second_verifier",
    Spec(
        doc="a second, independent verifier that must also accept (the trust table becomes a 2-of-2 aggregate)",
        families=BRIDGES,
        except_trust=("aggregate",),
        why="an aggregate takes one more verifier in its own `verifiers`; aggregates do not nest",
        example={"model": "zk"},
    ),
    None,
)
"""Consumed while parsing (it wraps the trust table), so it is checked where it is written."""

OPTIONS: tuple[Option, ...] = (
    *fault_options("faults", FAULTS, lambda o: o.faults),
    *record_options(Options, inherited=Spec(families=BRIDGES)),
    SECOND_VERIFIER,
)
"""Every option of the message bridges' tables, with where it applies (NOTE(options-apply))."""


def _keys(raw: Mapping[str, Any], allowed: set[str], where: str, field: str) -> None:
    for key in raw:
        if key not in allowed:
            raise BadInput(where, f"{field}.{key}", f"unknown key (known: {', '.join(sorted(allowed))})")


def _record(cls: type, raw: Any, where: str, field: str) -> Any:
    table = _table(raw, where, field)
    _keys(table, {a.name for a in attrs.fields(cls)}, where, field)
    for a in attrs.fields(cls):
        if a.name in table and a.type in (int, "int", "int | None") and (
            isinstance(table[a.name], bool) or not isinstance(table[a.name], int)
        ):
            raise BadInput(where, f"{field}.{a.name}", f"expected an integer, got {table[a.name]!r}")
    try:
        return cls(**table)
    except (ValueError, TypeError) as e:
        message = str(e).split("\n")[0]
        name = next((a.name for a in attrs.fields(cls) if f"'{a.name}'" in message), None)
        raise BadInput(where, f"{field}.{name}" if name else field, message) from None


def parse(raw: Mapping[str, Any], where: str, prefix: str = "") -> tuple[Options, frozenset[str], dict[str, Any] | None]:
    """Options from the scenario tables; returns (options, trust faults, second verifier table)."""
    _keys(raw, set(OPTION_TABLES), where, prefix.rstrip(".") or "scenario")
    faults_raw = raw.get("faults", [])
    if isinstance(faults_raw, str):
        faults_raw = [faults_raw]
    if not isinstance(faults_raw, list) or not all(isinstance(f, str) for f in faults_raw):
        raise BadInput(where, f"{prefix}faults", "must be a list of fault names")
    protocol_faults = frozenset(f for f in faults_raw if f in PROTOCOL_FAULTS)
    trust_faults = frozenset(f for f in faults_raw if f not in PROTOCOL_FAULTS)
    defences = _table(raw.get("defences", {}), where, f"{prefix}defences")
    _keys(defences, DEFENCE_KEYS, where, f"{prefix}defences")
    adversary = _table(raw.get("adversary", {}), where, f"{prefix}adversary")
    _keys(adversary, ADVERSARY_KEYS, where, f"{prefix}adversary")
    rate = defences.get("rate_limit")
    pause = defences.get("pause")
    if pause is not None:
        pause = _table(pause, where, f"{prefix}defences.pause")
        _keys(pause, {"reaction"}, where, f"{prefix}defences.pause")
        if "reaction" not in pause:
            raise BadInput(where, f"{prefix}defences.pause.reaction", "missing (seconds the guardian needs to pause)")
    forks = adversary.get("forks", False)
    if not isinstance(forks, bool):
        raise BadInput(where, f"{prefix}adversary.forks", f"expected true or false, got {forks!r}")
    calls, approvals = adversary.get("calls", False), adversary.get("approvals", False)
    initialize = adversary.get("initialize", False)
    for name, flag in (("calls", calls), ("approvals", approvals), ("initialize", initialize)):
        if not isinstance(flag, bool):
            raise BadInput(where, f"{prefix}adversary.{name}", f"expected true or false, got {flag!r}")
    per_tx = defences.get("per_tx_limit")
    governance = defences.get("governance")
    options = Options(
        faults=protocol_faults,
        forks=forks,
        calls=calls,
        approvals=approvals,
        initialize=initialize,
        governance=_governance(governance, where, f"{prefix}defences.governance") if governance is not None else None,
        rate_limit=_record(RateLimit, rate, where, f"{prefix}defences.rate_limit") if rate is not None else None,
        per_tx_limit=_int(per_tx, where, f"{prefix}defences.per_tx_limit", 1) if per_tx is not None else None,
        pause_reaction=_int(pause["reaction"], where, f"{prefix}defences.pause.reaction", 0) if pause else None,
        finality=_int(defences.get("finality", 0), where, f"{prefix}defences.finality", 0),
        reorg=_int(adversary.get("reorg", 0), where, f"{prefix}adversary.reorg", 0),
        reorg_remote=_int(adversary.get("reorg_remote", 0), where, f"{prefix}adversary.reorg_remote", 0),
        adversary_funds=_int(adversary.get("funds", 0), where, f"{prefix}adversary.funds", 0),
        amounts=_record(Amounts, raw.get("amounts", {}), where, f"{prefix}amounts"),
    )
    second = defences.get("second_verifier")
    if second is not None:
        second = _table(second, where, f"{prefix}defences.second_verifier")
    return options, trust_faults, second


def table(options: Options) -> dict[str, Any]:
    """Options back in the scenario's table form (what `parse` reads), for `#meta.options`."""
    out: dict[str, Any] = {}
    if options.faults:
        out["faults"] = sorted(options.faults)
    defences: dict[str, Any] = {}
    if options.rate_limit is not None:
        defences["rate_limit"] = attrs.asdict(options.rate_limit)
    if options.per_tx_limit is not None:
        defences["per_tx_limit"] = options.per_tx_limit
    if options.pause_reaction is not None:
        defences["pause"] = {"reaction": options.pause_reaction}
    if options.finality:
        defences["finality"] = options.finality
    if options.governance is not None:
        defences["governance"] = {"model": options.governance.id, **options.governance.describe()}
    if defences:
        out["defences"] = defences
    adversary: dict[str, Any] = {}
    if options.reorg:
        adversary["reorg"] = options.reorg
    if options.reorg_remote:
        adversary["reorg_remote"] = options.reorg_remote
    if options.forks:
        adversary["forks"] = True
    if options.calls:
        adversary["calls"] = True
    if options.approvals:
        adversary["approvals"] = True
    if options.initialize:
        adversary["initialize"] = True
    if options.adversary_funds:
        adversary["funds"] = options.adversary_funds
    if adversary:
        out["adversary"] = adversary
    amounts = {k: v for k, v in attrs.asdict(options.amounts).items() if v != getattr(Amounts(), k)}
    if amounts:
        out["amounts"] = amounts
    return out


GOVERNANCE_MODELS = ("custodian", "multisig", "tss", "zk", "attesters")
"""Trust models whose verdict on a proposal is immediate and depends on their parameters alone: a
governance path judges one proposal at once, with no claims, clock or blocks of its own."""


def _governance(raw: Any, where: str, field: str) -> Any:
    """The governance path's trust model, scoped so that its parameters and assumptions are its own."""
    from bridgeproof.model.trust import TRUST_MODELS

    table = dict(_table(raw, where, field))
    ident = table.pop("model", None)
    if ident not in GOVERNANCE_MODELS:
        known = ", ".join(GOVERNANCE_MODELS)
        why = "a governance path judges one proposal at once, by its parameters alone"
        raise BadInput(where, f"{field}.model", f"a governance path takes one of {known}, not {ident!r} ({why})")
    if table.get("faults"):
        raise BadInput(where, f"{field}.faults", "faults of the governance path's verifier are not modelled; drop them")
    model = TRUST_MODELS.build(ident, table, where, field, text=False)
    return attrs.evolve(model, scope="gov_")


def adjust_trust(trust_faults: frozenset[str], second: dict[str, Any] | None) -> Any:
    """The trust table with the scenario's trust faults added, wrapped with a second verifier if asked."""

    def adjust(raw: dict[str, Any]) -> dict[str, Any]:
        raw = dict(raw)
        if trust_faults:
            raw["faults"] = sorted(set(raw.get("faults", [])) | trust_faults)
        if second is None:
            return raw
        return {"model": "aggregate", "m": 2, "verifiers": [raw, second]}

    return adjust
