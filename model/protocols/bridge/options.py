"""The message-bridge family's scenario options: protocol faults, defences, the adversary, amounts.

Every default switches its feature off, so a scenario that names none gets the plain bridge. The
scenario tables (`faults`, `defences`, `adversary`, `amounts`) are read here and written back here
for `#meta.options`, so a counterexample file restates its configuration exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from bridgeproof.model.errors import BadInput
from bridgeproof.model.errors import integer as _int
from bridgeproof.model.errors import table as _table

VM_KINDS: tuple[str, ...] = ("evm", "svm", "cosmwasm", "move")
RATE_LIMIT_MODES: tuple[str, ...] = ("queue", "fail")
AMOUNT_POLICIES: tuple[str, ...] = ("trim", "truncate")
PROTOCOL_FAULTS: frozenset[str] = frozenset({"unchecked_deposit", "unbound_chain_id"})
U64_MAX = 2**64 - 1
OPTION_TABLES = ("faults", "defences", "adversary", "amounts")
DEFENCE_KEYS = {"rate_limit", "per_tx_limit", "pause", "finality", "second_verifier"}
ADVERSARY_KEYS = {"reorg", "forks", "funds"}


@attrs.frozen
class RateLimit:
    """An inbound token bucket per direction: `capacity` message units, `refill` per second."""

    capacity: int = attrs.field(validator=attrs.validators.ge(1))
    refill: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    mode: str = attrs.field(default="queue", validator=attrs.validators.in_(RATE_LIMIT_MODES))
    delay: int = attrs.field(default=86400, validator=attrs.validators.ge(0))


@attrs.frozen
class Amounts:
    """Decimals of each chain's representation and how a transfer converts between them."""

    home_decimals: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    remote_decimals: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    remote_vm: str = attrs.field(default="evm", validator=attrs.validators.in_(VM_KINDS))
    policy: str = attrs.field(default="trim", validator=attrs.validators.in_(AMOUNT_POLICIES))
    wire_decimals: int | None = None
    dust: str = attrs.field(default="keep", validator=attrs.validators.in_(("keep", "revert")))
    rounding: str = attrs.field(default="down", validator=attrs.validators.in_(("down", "up")))


@attrs.frozen
class Options:
    """Scenario options beyond the trust model: protocol faults, defences, chain features, amounts."""

    faults: frozenset[str] = attrs.field(factory=frozenset, converter=frozenset)
    forks: bool = False
    rate_limit: RateLimit | None = None
    per_tx_limit: int | None = None
    pause_reaction: int | None = None
    finality: int = 0
    reorg: int = 0
    amounts: Amounts = attrs.field(factory=Amounts)
    adversary_funds: int = 0
    """mallory's own initial balance on home (an attacker who double-spends needs coins of its own)."""


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
    per_tx = defences.get("per_tx_limit")
    options = Options(
        faults=protocol_faults,
        forks=forks,
        rate_limit=_record(RateLimit, rate, where, f"{prefix}defences.rate_limit") if rate is not None else None,
        per_tx_limit=_int(per_tx, where, f"{prefix}defences.per_tx_limit", 1) if per_tx is not None else None,
        pause_reaction=_int(pause["reaction"], where, f"{prefix}defences.pause.reaction", 0) if pause else None,
        finality=_int(defences.get("finality", 0), where, f"{prefix}defences.finality", 0),
        reorg=_int(adversary.get("reorg", 0), where, f"{prefix}adversary.reorg", 0),
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
    if defences:
        out["defences"] = defences
    adversary: dict[str, Any] = {}
    if options.reorg:
        adversary["reorg"] = options.reorg
    if options.forks:
        adversary["forks"] = True
    if options.adversary_funds:
        adversary["funds"] = options.adversary_funds
    if adversary:
        out["adversary"] = adversary
    amounts = {k: v for k, v in attrs.asdict(options.amounts).items() if v != getattr(Amounts(), k)}
    if amounts:
        out["amounts"] = amounts
    return out


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
