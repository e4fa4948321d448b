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

from model.configuration import Bounds, Configuration
from model.errors import BadInput
from model.errors import integer as _int
from model.errors import table as _table
from model.protocols import PROTOCOLS
from model.protocols.family import Family, TrustAdjust
from model.trust import TRUST_MODELS
from model.trust.base import TrustModel
from properties import PROPERTIES, get

SAFETY_EXPECT = ("violated", "bounded", "proved")
WITNESS_EXPECT = ("witnessed", "vacuous")
MAX_LOSS = "max_loss"
BASE_KEYS = {"name", "description", "source", "protocol", "trust", "bounds", "expect", "seed", "timeout", "variants"}
BASE_VARIANT_KEYS = {"description", "protocol", "trust", "bounds", "expect"}
BOUND_KEYS = {"depth", "messages", "supply", "loss_depth"}


@attrs.frozen
class Scenario:
    """One configuration to check. `base` names the scenario a variant was derived from."""

    name: str
    path: str
    protocol: Family
    trust: TrustModel | None
    bounds: Bounds
    expect: dict[str, str]
    options: Any = None
    max_loss: int | None = None
    """An upper bound the adversary's extraction must respect (`max_loss <= X`), if asserted."""
    seed: int = 0
    timeout: float = 60.0
    description: str = ""
    base: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.options is None:
            object.__setattr__(self, "options", self.protocol.default_options())

    @property
    def slug(self) -> str:
        return self.name.replace("/", "--")

    @property
    def config(self) -> Configuration:
        return Configuration(self.protocol, self.trust, self.bounds, self.options)


def _bounds(raw: dict[str, Any], family: Family, where: str, field: str) -> Bounds:
    for key in raw:
        if key not in BOUND_KEYS:
            raise BadInput(where, f"{field}.{key}", f"unknown bound (known: {', '.join(sorted(BOUND_KEYS))})")
        if key not in family.bounds_used:
            raise BadInput(where, f"{field}.{key}", f"{family.id} does not use this bound (it uses: {', '.join(sorted(family.bounds_used))})")
    lows = {"depth": 0, "messages": 1, "supply": 1, "loss_depth": 0}
    return Bounds(**{k: _int(v, where, f"{field}.{k}", lows[k]) for k, v in raw.items()})


def _max_loss(raw: dict[str, Any], where: str, field: str) -> int | None:
    if MAX_LOSS not in raw:
        return None
    return _int(raw[MAX_LOSS], where, f"{field}.{MAX_LOSS}", 0)


def _expect(raw: dict[str, Any], family: Family, where: str, field: str) -> dict[str, str]:
    if not raw:
        raise BadInput(where, field, "list at least one property with its expected verdict")
    if MAX_LOSS in raw and not family.measures_loss():
        raise BadInput(where, f"{field}.{MAX_LOSS}", f"{family.id} has no measure of what the adversary gains")
    raw = {k: v for k, v in raw.items() if k != MAX_LOSS}
    out = {}
    for name, verdict in raw.items():
        prop = get(name, where, f"{field}.{name}")
        if not prop.applies_to(family):
            raise BadInput(where, f"{field}.{name}", f"{name} is a property of {', '.join(prop.families)}, not of {family.id}")
        allowed = WITNESS_EXPECT if prop.kind == "witness" else SAFETY_EXPECT
        if verdict not in allowed:
            raise BadInput(where, f"{field}.{name}", f"expected verdict must be one of {', '.join(allowed)}, got {verdict!r}")
        out[name] = verdict
    return out


def _trust(raw: Any, where: str, field: str) -> TrustModel:
    if not isinstance(raw, dict):
        raise BadInput(where, field, "must be a table with `model` and its parameters")
    if "model" not in raw:
        raise BadInput(where, f"{field}.model", f"missing (known: {', '.join(TRUST_MODELS.ids())})")
    params = {k: v for k, v in raw.items() if k != "model"}
    TRUST_MODELS.get(raw["model"], where, f"{field}.model")
    return TRUST_MODELS.build(raw["model"], params, where, field)  # type: ignore[no-any-return]


def _protocol(raw: Any, where: str) -> tuple[str, dict[str, Any]]:
    """`protocol = "lock_mint"`, or `protocol = { model = "htlc", ...its parameters }`."""
    if isinstance(raw, str):
        return raw, {}
    if isinstance(raw, dict):
        if "model" not in raw:
            raise BadInput(where, "protocol.model", f"missing (known: {', '.join(PROTOCOLS.ids())})")
        return raw["model"], {k: v for k, v in raw.items() if k != "model"}
    raise BadInput(where, "protocol", f"must be a protocol id or a table with `model`, got {raw!r}")


def _family(ident: Any, params: dict[str, Any], where: str, field: str) -> Family:
    if not isinstance(ident, str):
        raise BadInput(where, field, f"must be a protocol id, got {ident!r}")
    PROTOCOLS.get(ident, where, field if field.endswith("protocol") and "model" not in field else field)
    return PROTOCOLS.build(ident, params, where, field)  # type: ignore[no-any-return]


def _configure(
    family: Family, trust_raw: Any, options_raw: dict[str, Any], bounds: Bounds, where: str, prefix: str
) -> tuple[TrustModel | None, Any]:
    """The trust model and options of one scenario (or variant), checked to fit the family."""
    from model.reference.world import check

    options, adjust = family.parse_options(options_raw, where, prefix)
    trust = None
    if family.trust == "none":
        if trust_raw is not None:
            raise BadInput(where, f"{prefix}trust", f"{family.id} has no claims for a trust model to judge; remove the table")
    else:
        if trust_raw is None:
            raise BadInput(where, f"{prefix}trust", f"missing: {family.id} needs a trust model (known: {', '.join(TRUST_MODELS.ids())})")
        trust = _trust(_adjusted(adjust, trust_raw, where, f"{prefix}trust"), where, f"{prefix}trust")
    try:
        check(Configuration(family, trust, bounds, options))
    except ValueError as e:
        raise BadInput(where, f"{prefix}trust" if trust is not None else f"{prefix}protocol", str(e)) from None
    return trust, options


def _adjusted(adjust: TrustAdjust, raw: Any, where: str, field: str) -> dict[str, Any]:
    return adjust(dict(_table(raw, where, field)))


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
    name = raw.get("name", path.name.removesuffix(".toml"))
    if not isinstance(name, str) or not name or "/" in name or "\x00" in name or len(name) > 120:
        raise BadInput(where, "name", "must be a non-empty string of at most 120 characters, without '/'")
    if "protocol" not in raw:
        raise BadInput(where, "protocol", f"missing (known: {', '.join(PROTOCOLS.ids())})")
    ident, family_params = _protocol(raw["protocol"], where)
    family = _family(ident, family_params, where, "protocol")
    allowed = BASE_KEYS | set(family.option_tables)
    for key in raw:
        if key not in allowed:
            raise BadInput(where, key, f"unknown key for {family.id} (known: {', '.join(sorted(allowed))})")
    trust_raw = raw.get("trust")
    bounds_raw = _table(raw.get("bounds", {}), where, "bounds")
    seed = _int(raw.get("seed", 0), where, "seed", 0)
    timeout = raw.get("timeout", 60)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < 1e9:
        raise BadInput(where, "timeout", f"must be a positive number of seconds, got {timeout!r}")
    options_raw = {k: raw[k] for k in family.option_tables if k in raw}
    bounds = _bounds(bounds_raw, family, where, "bounds")
    trust, options = _configure(family, trust_raw, options_raw, bounds, where, "")
    expect_raw = _table(raw.get("expect"), where, "expect")
    base = Scenario(
        name=name,
        path=where,
        protocol=family,
        trust=trust,
        bounds=bounds,
        expect=_expect(expect_raw, family, where, "expect"),
        options=options,
        max_loss=_max_loss(expect_raw, where, "expect"),
        seed=seed,
        timeout=float(timeout),
        description=str(raw.get("description", "")),
    )
    out = [base]
    variant_keys = BASE_VARIANT_KEYS | set(family.option_tables)
    for vname, vraw in _table(raw.get("variants", {}), where, "variants").items():
        field = f"variants.{vname}"
        vraw = _table(vraw, where, field)
        if "expect" not in vraw:
            raise BadInput(where, f"{field}.expect", "missing: a variant states its own expected verdicts")
        for key in vraw:
            if key not in variant_keys:
                raise BadInput(where, f"{field}.{key}", f"unknown key (known: {', '.join(sorted(variant_keys))})")
        vfamily = family
        if "protocol" in vraw:
            vparams = _table(vraw["protocol"], where, f"{field}.protocol")
            if "model" in vparams:
                raise BadInput(where, f"{field}.protocol.model", "a variant changes parameters, not the family")
            vfamily = _family(ident, family_params | vparams, where, f"{field}.protocol")
        vtrust = None
        if trust_raw is not None or "trust" in vraw:
            vtrust = _table(trust_raw or {}, where, "trust") | _table(vraw.get("trust", {}), where, f"{field}.trust")
        vbounds = _bounds(bounds_raw | _table(vraw.get("bounds", {}), where, f"{field}.bounds"), vfamily, where, f"{field}.bounds")
        # `trust`, `protocol` and `bounds` merge (a variant changes a parameter); the option tables
        # replace the base's when the variant gives them (a variant states its configuration).
        merged: dict[str, Any] = {key: vraw.get(key, raw.get(key)) for key in family.option_tables if key in vraw or key in raw}
        trust_v, options_v = _configure(vfamily, vtrust, merged, vbounds, where, f"{field}.")
        vexpect = _table(vraw.get("expect"), where, f"{field}.expect")
        out.append(
            attrs.evolve(
                base,
                name=f"{name}/{vname}",
                protocol=vfamily,
                trust=trust_v,
                bounds=vbounds,
                expect=_expect(vexpect, vfamily, where, f"{field}.expect"),
                options=options_v,
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
