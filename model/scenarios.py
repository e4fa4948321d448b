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
from model.vocabulary import Bounds
from properties import PROPERTIES, get

SAFETY_EXPECT = ("violated", "bounded", "proved")
WITNESS_EXPECT = ("witnessed", "vacuous")
TOP_KEYS = {"name", "description", "source", "protocol", "trust", "bounds", "expect", "seed", "timeout", "variants"}
VARIANT_KEYS = {"description", "trust", "bounds", "expect"}
BOUND_KEYS = {"depth", "messages", "supply"}


@attrs.frozen
class Scenario:
    """One configuration to check. `base` names the scenario a variant was derived from."""

    name: str
    path: str
    protocol: ProtocolFamily
    trust: TrustModel
    bounds: Bounds
    expect: dict[str, str]
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
    lows = {"depth": 0, "messages": 1, "supply": 1}
    return Bounds(**{k: _int(v, where, f"{field}.{k}", lows[k]) for k, v in raw.items()})


def _expect(raw: dict[str, Any], where: str, field: str) -> dict[str, str]:
    if not raw:
        raise BadInput(where, field, "list at least one property with its expected verdict")
    out = {}
    for name, verdict in raw.items():
        prop = get(name, where, f"{field}.{name}")
        allowed = WITNESS_EXPECT if prop.kind == "witness" else SAFETY_EXPECT
        if verdict not in allowed:
            raise BadInput(where, f"{field}.{name}", f"expected verdict must be one of {', '.join(allowed)}, got {verdict!r}")
        out[name] = verdict
    return out


def _trust(raw: dict[str, Any], where: str, field: str) -> TrustModel:
    if "model" not in raw:
        raise BadInput(where, f"{field}.model", f"missing (known: {', '.join(TRUST_MODELS.ids())})")
    params = {k: v for k, v in raw.items() if k != "model"}
    return TRUST_MODELS.build(raw["model"], params, where, field)  # type: ignore[no-any-return]


def load(path: Path) -> list[Scenario]:
    """The scenario in a file and its variants, in file order."""
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise BadInput(where, "file", "no such file") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(where, "file", f"not valid TOML: {e}") from None
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
    base = Scenario(
        name=name,
        path=where,
        protocol=protocol,
        trust=_trust(trust_raw, where, "trust"),
        bounds=_bounds(bounds_raw, where, "bounds"),
        expect=_expect(_table(raw.get("expect"), where, "expect"), where, "expect"),
        seed=seed,
        timeout=float(timeout),
        description=str(raw.get("description", "")),
    )
    out = [base]
    for vname, vraw in _table(raw.get("variants", {}), where, "variants").items():
        field = f"variants.{vname}"
        vraw = _table(vraw, where, field)
        for key in vraw:
            if key not in VARIANT_KEYS:
                raise BadInput(where, f"{field}.{key}", f"unknown key (known: {', '.join(sorted(VARIANT_KEYS))})")
        vtrust = trust_raw | _table(vraw.get("trust", {}), where, f"{field}.trust")
        vbounds = bounds_raw | _table(vraw.get("bounds", {}), where, f"{field}.bounds")
        out.append(
            attrs.evolve(
                base,
                name=f"{name}/{vname}",
                trust=_trust(vtrust, where, f"{field}.trust"),
                bounds=_bounds(vbounds, where, f"{field}.bounds"),
                expect=_expect(_table(vraw.get("expect"), where, f"{field}.expect"), where, f"{field}.expect"),
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
