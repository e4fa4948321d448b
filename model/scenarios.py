"""Scenario files (TOML): a protocol, a trust model with parameters, bounds and expected verdicts.

A scenario may carry `[variants.NAME]` tables: the same bridge with some trust parameters or bounds
changed (the defence, or the counterfactual), each with its own expectations. Every error names
the file and the field, for a one-line message and exit code 2.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import attrs

from model.errors import BadInput
from model.protocols import PROTOCOLS
from model.protocols.base import ProtocolFamily
from model.trust import TRUST_MODELS
from model.trust.base import TrustModel
from model.vocabulary import PROTOCOL_FAULTS, Amounts, Bounds, Options, RateLimit
from properties import PROPERTIES, get

SAFETY_EXPECT = ("violated", "bounded", "proved")
WITNESS_EXPECT = ("witnessed", "vacuous")
MAX_LOSS = "max_loss"
OPTION_TABLES = ("faults", "defences", "adversary", "amounts")
TOP_KEYS = {"name", "description", "source", "protocol", "trust", "bounds", "expect", "seed", "timeout", "variants", *OPTION_TABLES}
VARIANT_KEYS = {"description", "trust", "bounds", "expect", *OPTION_TABLES}
BOUND_KEYS = {"depth", "messages", "supply", "loss_depth"}
DEFENCE_KEYS = {"rate_limit", "per_tx_limit", "pause", "finality", "second_verifier"}
ADVERSARY_KEYS = {"reorg", "forks", "funds"}


@attrs.frozen
class Scenario:
    """One configuration to check. `base` names the scenario a variant was derived from."""

    name: str
    path: str
    protocol: ProtocolFamily
    trust: TrustModel
    bounds: Bounds
    expect: dict[str, str]
    options: Options = attrs.field(factory=Options)
    max_loss: int | None = None
    """An upper bound the adversary's extraction must respect (`max_loss <= X`), if asserted."""
    seed: int = 0
    timeout: float = 60.0
    description: str = ""
    base: str | None = None

    @property
    def slug(self) -> str:
        return self.name.replace("/", "--")


def _table(value: Any, where: str, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(where, field, f"must be a table, got {type(value).__name__}")
    return value


def _int(value: Any, where: str, field: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(where, field, f"expected an integer, got {value!r}")
    if value < low:
        raise BadInput(where, field, f"must be >= {low}, got {value}")
    return value


def _bounds(raw: dict[str, Any], where: str, field: str) -> Bounds:
    for key in raw:
        if key not in BOUND_KEYS:
            raise BadInput(where, f"{field}.{key}", f"unknown bound (known: {', '.join(sorted(BOUND_KEYS))})")
    lows = {"depth": 0, "messages": 1, "supply": 1, "loss_depth": 0}
    return Bounds(**{k: _int(v, where, f"{field}.{k}", lows[k]) for k, v in raw.items()})


def _max_loss(raw: dict[str, Any], where: str, field: str) -> int | None:
    if MAX_LOSS not in raw:
        return None
    return _int(raw[MAX_LOSS], where, f"{field}.{MAX_LOSS}", 0)


def _expect(raw: dict[str, Any], where: str, field: str) -> dict[str, str]:
    if not raw:
        raise BadInput(where, field, "list at least one property with its expected verdict")
    raw = {k: v for k, v in raw.items() if k != MAX_LOSS}
    out = {}
    for name, verdict in raw.items():
        prop = get(name, where, f"{field}.{name}")
        allowed = WITNESS_EXPECT if prop.kind == "witness" else SAFETY_EXPECT
        if verdict not in allowed:
            raise BadInput(where, f"{field}.{name}", f"expected verdict must be one of {', '.join(allowed)}, got {verdict!r}")
        out[name] = verdict
    return out


def _trust(raw: dict[str, Any], where: str, field: str) -> TrustModel:
    if not isinstance(raw, dict):
        raise BadInput(where, field, "must be a table with `model` and its parameters")
    if "model" not in raw:
        raise BadInput(where, f"{field}.model", f"missing (known: {', '.join(TRUST_MODELS.ids())})")
    params = {k: v for k, v in raw.items() if k != "model"}
    return TRUST_MODELS.build(raw["model"], params, where, field)  # type: ignore[no-any-return]


def _keys(raw: dict[str, Any], allowed: set[str], where: str, field: str) -> None:
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


def parse_options(raw: dict[str, Any], where: str, prefix: str = "") -> tuple[Options, frozenset[str], dict[str, Any] | None]:
    """Options from the scenario tables; returns (options, trust faults, second verifier table)."""
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


def options_table(options: Options) -> dict[str, Any]:
    """Options back in the scenario's table form (what `parse_options` reads), for `#meta.options`."""
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


def _configured_trust(
    trust_raw: dict[str, Any], faults: frozenset[str], second: dict[str, Any] | None, where: str, field: str
) -> TrustModel:
    """The trust table with the scenario's trust faults added, wrapped with a second verifier if asked."""
    raw = dict(_table(trust_raw, where, field))
    if faults:
        raw["faults"] = sorted(set(raw.get("faults", [])) | faults)
    if second is None:
        return _trust(raw, where, field)
    wrapped = {"model": "aggregate", "m": 2, "verifiers": [raw, second]}
    return _trust(wrapped, where, field)


def load(path: Path) -> list[Scenario]:
    """The scenario in a file and its variants, in file order."""
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise BadInput(where, "file", "no such file") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(where, "file", f"not valid TOML: {e}") from None
    except UnicodeDecodeError as e:
        raise BadInput(where, "file", f"not UTF-8 text: {e.reason} at byte {e.start}") from None
    except OSError as e:
        raise BadInput(where, "file", f"cannot read: {e.strerror}") from None
    for key in raw:
        if key not in TOP_KEYS:
            raise BadInput(where, key, f"unknown key (known: {', '.join(sorted(TOP_KEYS))})")
    name = raw.get("name", path.name.removesuffix(".toml"))
    if not isinstance(name, str) or not name or "/" in name:
        raise BadInput(where, "name", "must be a non-empty string without '/'")
    if "protocol" not in raw:
        raise BadInput(where, "protocol", f"missing (known: {', '.join(PROTOCOLS.ids())})")
    protocol = PROTOCOLS.build(raw["protocol"], {}, where, "protocol")
    trust_raw = _table(raw.get("trust"), where, "trust")
    bounds_raw = _table(raw.get("bounds", {}), where, "bounds")
    seed = _int(raw.get("seed", 0), where, "seed", 0)
    timeout = raw.get("timeout", 60)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise BadInput(where, "timeout", f"must be a positive number of seconds, got {timeout!r}")
    options, trust_faults, second = parse_options(raw, where)
    expect_raw = _table(raw.get("expect"), where, "expect")
    base = Scenario(
        name=name,
        path=where,
        protocol=protocol,
        trust=_configured_trust(trust_raw, trust_faults, second, where, "trust"),
        bounds=_bounds(bounds_raw, where, "bounds"),
        expect=_expect(expect_raw, where, "expect"),
        options=options,
        max_loss=_max_loss(expect_raw, where, "expect"),
        seed=seed,
        timeout=float(timeout),
        description=str(raw.get("description", "")),
    )
    out = [base]
    for vname, vraw in _table(raw.get("variants", {}), where, "variants").items():
        field = f"variants.{vname}"
        vraw = _table(vraw, where, field)
        if "expect" not in vraw:
            raise BadInput(where, f"{field}.expect", "missing: a variant states its own expected verdicts")
        for key in vraw:
            if key not in VARIANT_KEYS:
                raise BadInput(where, f"{field}.{key}", f"unknown key (known: {', '.join(sorted(VARIANT_KEYS))})")
        vtrust = trust_raw | _table(vraw.get("trust", {}), where, f"{field}.trust")
        vbounds = bounds_raw | _table(vraw.get("bounds", {}), where, f"{field}.bounds")
        # `trust` and `bounds` merge (a variant changes a parameter); the option tables replace the
        # base's when the variant gives them (a variant states its configuration).
        merged: dict[str, Any] = {key: vraw.get(key, raw.get(key)) for key in OPTION_TABLES if key in vraw or key in raw}
        voptions, vfaults, vsecond = parse_options(merged, where, f"{field}.")
        vexpect = _table(vraw.get("expect"), where, f"{field}.expect")
        out.append(
            attrs.evolve(
                base,
                name=f"{name}/{vname}",
                trust=_configured_trust(vtrust, vfaults, vsecond, where, f"{field}.trust"),
                bounds=_bounds(vbounds, where, f"{field}.bounds"),
                expect=_expect(vexpect, where, f"{field}.expect"),
                options=voptions,
                max_loss=_max_loss(vexpect, where, f"{field}.expect"),
                description=str(vraw.get("description", "")),
                base=name,
            )
        )
    return out


def discover(paths: list[Path]) -> list[Scenario]:
    """Scenarios from files and folders (folders: every *.toml inside, sorted)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(p.glob("*.toml"))
        elif p.exists():
            files.append(p)
        else:
            raise BadInput(str(p), "path", "no such file or folder")
    if not files:
        raise BadInput(", ".join(map(str, paths)), "path", "no scenario files (*.toml) found")
    out: list[Scenario] = []
    seen: dict[str, str] = {}
    for f in files:
        for sc in load(f):
            if sc.name in seen:
                raise BadInput(str(f), "name", f"scenario {sc.name!r} is also defined in {seen[sc.name]}")
            seen[sc.name] = str(f)
            out.append(sc)
    return out


__all__ = ["Scenario", "load", "discover", "PROPERTIES"]
