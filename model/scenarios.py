"""Scenario files (TOML): a protocol, a trust model with parameters, bounds and expected verdicts.

A scenario may carry `[variants.NAME]` tables: the same bridge with some trust parameters or bounds
changed (the defence, or the counterfactual), each with its own expectations. Every error names
the file and the field, for a one-line message and exit code 2.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from bridgeproof.model import corpus
from bridgeproof.model.applicability import check_written, table_owners
from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.errors import BadInput
from bridgeproof.model.errors import integer as _int
from bridgeproof.model.errors import table as _table
from bridgeproof.model.protocols import PROTOCOLS
from bridgeproof.model.protocols.family import Family, TrustAdjust, not_a_table_of
from bridgeproof.model.trust import TRUST_MODELS
from bridgeproof.model.trust.base import TrustModel
from bridgeproof.properties import PROPERTIES, get

SAFETY_EXPECT = ("violated", "bounded", "proved")
WITNESS_EXPECT = ("witnessed", "vacuous")
MAX_LOSS = "max_loss"
BASE_KEYS = {"name", "description", "source", "protocol", "trust", "bounds", "expect", "seed", "timeout", "budget", "variants"}
BASE_VARIANT_KEYS = {"description", "protocol", "trust", "bounds", "expect"}
BOUND_KEYS = {"depth", "messages", "supply", "loss_depth"}
LOWS: dict[str, int] = {"depth": 0, "messages": 1, "supply": 1, "loss_depth": 0}
LIMITS: dict[str, int] = {"depth": 1000, "messages": 64, "supply": 2**128 - 1, "loss_depth": 1000}
"""Upper bounds (scenarios/README.md): past them a search never ends (every message id and step is
a copy of the state for the solver), or a number no longer fits a token's uint128 supply."""
MAX_DECIMALS = 77
"""10**77 is the largest power of ten below 2**256: no chain's representation has more decimals."""
MAX_DOMAIN = LIMITS["messages"]
"""The most members any index domain may have (message ids, deposits, bundle slots, keys)."""
MAX_SEED = 2**32 - 1
"""Z3's random_seed is an unsigned 32-bit parameter; a larger one is silently ignored."""
MAX_NAME = 120


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
    timeout: float = 1800.0
    """The wall-clock safety net per check, in seconds (the budget is what decides)."""
    budget: int | None = None
    """Z3 resource units per check (None: the default, model/engine/budget.py)."""
    description: str = ""
    base: str | None = None
    corpus: Path = corpus.ROOT
    """Where this scenario's traces go: `counterexamples/` next to the `scenarios/` folder it lives in."""

    def __attrs_post_init__(self) -> None:
        if self.options is None:
            object.__setattr__(self, "options", self.protocol.default_options())

    @property
    def slug(self) -> str:
        return corpus.slug(self.name)

    @property
    def config(self) -> Configuration:
        return Configuration(self.protocol, self.trust, self.bounds, self.options)


def _bounds(raw: dict[str, Any], family: Family, where: str, field: str) -> Bounds:
    for key in raw:
        if key not in BOUND_KEYS:
            raise BadInput(where, f"{field}.{key}", f"unknown bound (known: {', '.join(sorted(BOUND_KEYS))})")
        if key not in family.bounds_used:
            raise BadInput(where, f"{field}.{key}", f"{family.id} does not use this bound (it uses: {', '.join(sorted(family.bounds_used))})")
    return Bounds(**{k: _int(v, where, f"{field}.{k}", LOWS[k], LIMITS[k]) for k, v in raw.items()})


def default_corpus(path: Path) -> Path:
    """The corpus of a scenario file: `counterexamples/` in the repository root, which is the folder
    holding its `scenarios/` folder (a file elsewhere: the folder it is in). Never the current
    directory as such, so `verify` writes to the same place wherever it is started; relative when
    the file was named relatively, so the paths `verify` prints stay short."""
    folder = path.parent.resolve()
    root = folder.parent if folder.name == "scenarios" else folder
    if path.is_absolute():
        return root / corpus.ROOT
    return Path(os.path.relpath(root, Path.cwd())) / corpus.ROOT


def _name(value: Any, where: str, field: str, what: str = "the name") -> str:
    """A scenario or variant name: it labels rows and, sanitised (corpus.slug), names trace files."""
    if not isinstance(value, str):
        raise BadInput(where, field, f"must be a string, got {type(value).__name__}")
    problem = ""
    if not value:
        problem = "is empty"
    elif len(value) > MAX_NAME:
        problem = f"has {len(value)} characters (at most {MAX_NAME})"
    elif not value.isprintable():
        problem = "holds a control character (a NUL, a newline, ...)"
    elif "/" in value or "\\" in value:
        problem = "holds a path separator ('/' or '\\')"
    elif value.startswith("."):
        problem = "starts with '.' (as '.', '..' and hidden files do)"
    if problem:
        raise BadInput(where, field, f"{what} {problem}: give a short printable name without '/'")
    return value


def _text(raw: Mapping[str, Any], key: str, where: str, field: str) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise BadInput(where, field, f"must be a string, got {type(value).__name__}")
    return value


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
    return TRUST_MODELS.build(raw["model"], params, where, field, text=False)  # type: ignore[no-any-return]


def _protocol(raw: Any, where: str) -> tuple[str, dict[str, Any]]:
    """`protocol = "lock_mint"`, or `protocol = { model = "htlc", ...its parameters }`."""
    if isinstance(raw, str):
        return raw, {}
    if isinstance(raw, dict):
        if "model" not in raw:
            raise BadInput(where, "protocol.model", f"missing (known: {', '.join(PROTOCOLS.ids())})")
        return raw["model"], {k: v for k, v in raw.items() if k != "model"}
    raise BadInput(where, "protocol", f"must be a protocol id or a table with `model`, got {raw!r}")


def _family(ident: Any, params: dict[str, Any], where: str, field: str, model_field: str | None = None) -> Family:
    """The family, its id checked under `model_field` (`protocol.model` for the table form)."""
    model_field = model_field or field
    if not isinstance(ident, str):
        raise BadInput(where, model_field, f"must be a protocol id, got {ident!r}")
    PROTOCOLS.get(ident, where, model_field)
    return PROTOCOLS.build(ident, params, where, field, text=False)  # type: ignore[no-any-return]


def _leaves(table: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted paths of every value in a (nested) table."""
    for key, value in table.items():
        if isinstance(value, Mapping) and value:
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def option_field(message: str, table: Mapping[str, Any]) -> str | None:
    """The option a family's refusal is about: the one whose name the message starts with
    (`forks = true needs a home vault` is about `adversary.forks`), or whose dotted path it names."""
    for path in _leaves(table):
        leaf = path.rsplit(".", 1)[-1]
        if re.match(rf"{re.escape(leaf)}\b", message) or re.search(rf"\b{re.escape(path)}\b", message):
            return path
    return None


def check_limits(options_raw: Mapping[str, Any], where: str, prefix: str) -> None:
    """Decimals beyond MAX_DECIMALS in any option table (10**decimals is computed exactly)."""
    for path in _leaves(options_raw):
        node: Any = options_raw
        for part in path.split("."):
            node = node[part] if isinstance(node, Mapping) else None
        if path.endswith("decimals") and isinstance(node, int) and not isinstance(node, bool) and node > MAX_DECIMALS:
            raise BadInput(where, f"{prefix}{path}", f"must be <= {MAX_DECIMALS}, got {node}")


def fit(
    cfg: Configuration,
    where: str,
    protocol_field: str,
    trust_field: str,
    options_prefix: str,
    options_table: Mapping[str, Any] | None = None,
    params: tuple[str, str] | None = None,
) -> None:
    """Refuse a configuration whose parts do not fit together, naming the option, the trust model or
    the family at fault, or whose index domains are too large to search (a million bundle slots).

    `params` names where the family's and the trust model's parameters were given (by default the
    `protocol_field` and `trust_field` tables themselves).
    """
    from bridgeproof.model.reference.world import check

    try:
        check(cfg)
    except ValueError as e:
        message = str(e).split("\n")[0]
        written = cfg.protocol.options_table(cfg.options)
        option = getattr(e, "field", None) or option_field(message, written)
        option = option or option_field(message, options_table or {})
        if option is not None:
            raise BadInput(where, f"{options_prefix}{option}", message) from None
        raise BadInput(where, trust_field if cfg.trust is not None else protocol_field, message) from None
    for domain in cfg.domains.values():
        if len(domain) > MAX_DOMAIN:
            family_params, trust_params = params or (protocol_field, trust_field)
            sizes = [(family_params, cfg.protocol.describe())]
            if cfg.trust is not None:
                sizes.append((trust_params, cfg.trust.describe()))
            sized = (f"{owner}.{k}" for owner, values in sizes for k, v in values.items() if v == len(domain))
            field = next(sized, family_params)
            raise BadInput(where, field, f"{len(domain)} {domain.name} to search (at most {MAX_DOMAIN})")


def _configure(
    family: Family, trust_raw: Any, options_raw: dict[str, Any], bounds: Bounds, where: str, prefix: str
) -> tuple[TrustModel | None, Any]:
    """The trust model and options of one scenario (or variant), checked to fit the family."""
    check_limits(options_raw, where, prefix)
    options, adjust = family.parse_options(options_raw, where, prefix)
    named = trust_raw.get("model") if isinstance(trust_raw, dict) else None
    refused = check_written(family, named if isinstance(named, str) else None, options_raw)
    if refused is not None:
        raise BadInput(where, f"{prefix}{refused[0]}", refused[1])
    trust = None
    if family.trust == "none":
        if trust_raw is not None:
            judged = ", ".join(i for i, cls in PROTOCOLS.items() if cls.trust != "none")
            why = f"{family.id} has no claims for a trust model to judge; remove the table"
            why += f" (trust models apply to {judged})"
            raise BadInput(where, f"{prefix}trust", why)
    else:
        if trust_raw is None:
            raise BadInput(where, f"{prefix}trust", f"missing: {family.id} needs a trust model (known: {', '.join(TRUST_MODELS.ids())})")
        table = _table(trust_raw, where, f"{prefix}trust")
        try:
            trust = _trust(_adjusted(adjust, table, where, f"{prefix}trust"), where, f"{prefix}trust")
        except BadInput as e:
            raise relabel(e, table, options_raw, f"{prefix}trust", prefix) from None
    cfg = Configuration(family, trust, bounds, options)
    fit(cfg, where, f"{prefix}protocol", f"{prefix}trust", prefix, options_raw)
    return trust, options


def relabel(
    error: BadInput, trust_table: Mapping[str, Any], options_raw: Mapping[str, Any], trust: str, prefix: str
) -> BadInput:
    """An error in the trust table the family's options built, named where the input said it.

    A top-level `faults` entry the family does not model goes to the trust model, and a
    `defences.second_verifier` wraps the trust table in an aggregate: their errors come back as
    `trust.faults` and `trust.verifiers[1]`, which the file never wrote.
    """
    field = error.field
    if "second_verifier" in _table(options_raw.get("defences", {}), error.where, f"{prefix}defences"):
        for j, name in ((0, trust), (1, f"{prefix}defences.second_verifier")):
            head = f"{trust}.verifiers[{j}]"
            if field == head or field.startswith((f"{head}.", f"{head}[")):
                field = name + field[len(head) :]
                break
    own = trust_table.get("faults") or []
    if field == f"{trust}.faults" and "faults" in options_raw and not any(f in str(error.why) for f in own):
        field = f"{prefix}faults"
    return error if field == error.field else BadInput(error.where, field, error.why)


def _unknown_key(family: Family, key: str, allowed: set[str]) -> str:
    """A key the family does not read: another family's option table is named as such."""
    if table_owners(key):
        return not_a_table_of(family.id, key)
    return f"unknown key for {family.id} (known: {', '.join(sorted(allowed))})"


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
    return from_table(raw, path)


def from_table(raw: dict[str, Any], path: Path) -> list[Scenario]:
    """The scenario and its variants from a file's parsed tables (`path` names it in errors)."""
    where = str(path)
    name = _name(raw.get("name", path.name.removesuffix(".toml")), where, "name")
    if "protocol" not in raw:
        raise BadInput(where, "protocol", f"missing (known: {', '.join(PROTOCOLS.ids())})")
    ident, family_params = _protocol(raw["protocol"], where)
    model_field = "protocol.model" if isinstance(raw["protocol"], dict) else None
    family = _family(ident, family_params, where, "protocol", model_field)
    allowed = BASE_KEYS | set(family.option_tables)
    for key in raw:
        if key not in allowed:
            raise BadInput(where, key, _unknown_key(family, key, allowed))
    trust_raw = raw.get("trust")
    bounds_raw = _table(raw.get("bounds", {}), where, "bounds")
    seed = _int(raw.get("seed", 0), where, "seed", 0, MAX_SEED)
    description = _text(raw, "description", where, "description")
    _text(raw, "source", where, "source")
    timeout = raw.get("timeout", 1800)
    budget = _int(raw["budget"], where, "budget", 1000) if "budget" in raw else None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < 1e9:  # nan fails too
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
        budget=budget,
        description=description,
        corpus=default_corpus(path),
    )
    out = [base]
    variant_keys = BASE_VARIANT_KEYS | set(family.option_tables)
    for vname, vraw in _table(raw.get("variants", {}), where, "variants").items():
        field = f"variants.{vname}"
        _name(vname, where, "variants", f"the variant name {vname[:40]!r}{'...' if len(vname) > 40 else ''}")
        vraw = _table(vraw, where, field)
        if "expect" not in vraw:
            raise BadInput(where, f"{field}.expect", "missing: a variant states its own expected verdicts")
        for key in vraw:
            if key not in variant_keys:
                raise BadInput(where, f"{field}.{key}", _unknown_key(family, key, variant_keys))
        vfamily = family
        if "protocol" in vraw:
            vparams = _table(vraw["protocol"], where, f"{field}.protocol")
            if "model" in vparams:
                raise BadInput(where, f"{field}.protocol.model", "a variant changes parameters, not the family")
            vfamily = _family(ident, family_params | vparams, where, f"{field}.protocol")
        vtrust = None
        if trust_raw is not None or "trust" in vraw:
            own = _table(vraw.get("trust", {}), where, f"{field}.trust")
            # A variant that names a trust model states the whole table: another model's parameters
            # do not carry over (a multisig's k means nothing to a light client).
            vtrust = own if "model" in own else _table(trust_raw or {}, where, "trust") | own
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
                description=_text(vraw, "description", where, f"{field}.description"),
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


__all__ = ["Scenario", "load", "from_table", "discover", "PROPERTIES"]
