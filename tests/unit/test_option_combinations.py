"""Every option against every family and trust model: refused in one line naming its field, or in effect.

NOTE(options-apply): each option declares where it applies and a value that sets it (its example,
with what the example needs beside it). For every registered option and every family x trust model
that loads on its own, the scenario with the option set is either refused, with one line naming the
file and the option's field (exit 2 through the command line), or its configuration differs from
the same scenario without the option in something the checks see. A declaration that is too
generous (an option accepted where it changes nothing) fails here, and so does a refusal the
declarations do not account for (an option refused where its declaration says it applies). Where
an option needs something beside it (`unbound_chain_id` a fork), it is also tried without that.

"Differs" is read off the symbolic model without solving anything: the actions and their arguments,
the live fields, the initial state, the transition relation T(S@0, a@0, S@1) and every property of
the family over S@0, each with the trust parameters replaced by their values and simplified by Z3,
then compared as text. Simplification removes what a value switches off (`Implies(0 >= 1, ...)` for
no watcher, `x * 1`); a change it cannot see through would count as an effect, so this errs on the
side of accepting, never of refusing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import pytest
import z3
from z3 import z3core as C

from bridgeproof.model.applicability import OPTION, RECORD, Entry, catalogue, merge, nest
from bridgeproof.model.cli import main
from bridgeproof.model.errors import BadInput
from bridgeproof.model.protocols import PROTOCOLS
from bridgeproof.model.scenarios import Scenario, from_table
from bridgeproof.model.system import System
from bridgeproof.model.trust import TRUST_MODELS
from bridgeproof.properties import PROPERTIES
from bridgeproof.properties.view import SYMBOLIC

WHERE = Path("combination.toml")
ENTRIES = catalogue()


def _base(family: str, trust: str | None) -> dict[str, Any]:
    """The smallest scenario of a family and trust model: their declared examples, depth 1, one id."""
    cls = PROTOCOLS.get(family, "test", "family")
    raw: dict[str, Any] = {
        "protocol": {"model": family, **cls.example},
        "bounds": {"depth": 1} | ({"messages": 1} if "messages" in cls.bounds_used else {}),
        "expect": {cls.witness: "witnessed"},
    }
    if trust is not None:
        raw["trust"] = {"model": trust, **TRUST_MODELS.get(trust, "test", "trust").example}
    return raw


def _loads(raw: dict[str, Any]) -> Scenario | BadInput:
    try:
        return from_table(raw, WHERE)[0]
    except BadInput as e:
        return e


def _bases() -> list[tuple[str, str | None]]:
    """Every family with every trust model (or none), where that pair loads without any option."""
    out = []
    for family, cls in PROTOCOLS.items():
        trusts: list[str | None] = [None] if cls.trust == "none" else list(TRUST_MODELS.ids())
        out += [(family, t) for t in trusts if isinstance(_loads(_base(family, t)), Scenario)]
    return out


BASES = _bases()


def _with(entry: Entry, raw: dict[str, Any], context: bool = True, option: bool = True) -> dict[str, Any]:
    """The scenario with the option's example (and what it needs beside it) written where it belongs;
    the record an option is a field of is always written (`rate_limit` for `rate_limit.delay`)."""
    extra = merge(entry.within, entry.context) if context else dict(entry.within)
    if option:
        extra = merge(extra, nest(entry.path, entry.example))
    used = PROTOCOLS.get(raw["protocol"]["model"], "test", "family").bounds_used
    room = {name: value for name, value in entry.bounds.items() if name in used}
    if room:
        # A fault that acts across several claims needs room for them, with and without it alike.
        raw = merge(raw, {"bounds": room})
    if entry.table == "options":
        return merge(raw, extra)
    out = dict(raw)
    if entry.table == "trust" and "trust" not in raw:
        out["trust"] = {"model": entry.owner, **TRUST_MODELS.get(entry.owner, "test", "trust").example}
    out[entry.table] = merge(out[entry.table], extra)
    return out


def _written(entry: Entry, context: bool) -> list[str]:
    """The fields the scenario wrote for this option: a refusal must name one of them (or its table)."""
    prefix = "" if entry.table == "options" else f"{entry.table}."
    fields = [prefix + entry.path] + [prefix + path for path in _leaves(entry.within)]
    if context:
        fields += [prefix + path for path in _leaves(entry.context)]
    return fields


def _leaves(table: Any, prefix: str = "") -> list[str]:
    if not isinstance(table, dict):
        return [prefix.rstrip(".")]
    return [leaf for k, v in table.items() for leaf in _leaves(v, f"{prefix}{k}.")]


def _places(entry: Entry) -> set[str]:
    return {entry.owner, *entry.families, *(entry.trust_models or ())}


def _declared_here(entry: Entry, family: str, trust: str | None) -> bool:
    return family in entry.families and (entry.trust_models is None or trust in entry.trust_models)


# --- what the checks see of a configuration -------------------------------------------------------


COMMUTATIVE = frozenset(
    {z3.Z3_OP_AND, z3.Z3_OP_OR, z3.Z3_OP_ADD, z3.Z3_OP_MUL, z3.Z3_OP_EQ, z3.Z3_OP_DISTINCT, z3.Z3_OP_XOR}
)


def _text(value: Any, pins: list[tuple[z3.ExprRef, z3.ExprRef]]) -> Any:
    if isinstance(value, z3.ExprRef):
        return _shape(z3.simplify(z3.substitute(value, *pins) if pins else value), {})
    if isinstance(value, (list, tuple)):
        return tuple(_text(v, pins) for v in value)
    return repr(value)


def _shape(e: z3.ExprRef, memo: dict[int, int]) -> int:
    """A hash of the term with the arguments of commutative operators in a canonical order.

    Z3 orders those arguments by when their subterms were first created, so the same formula built
    after different other formulas prints differently; its shape does not. (Z3's C API directly:
    the Python wrappers would cost most of this test's time.)"""
    ctx = e.ctx.ref()

    def walk(a: Any) -> int:
        key = C.Z3_get_ast_id(ctx, a)
        found = memo.get(key)
        if found is not None:
            return found
        if C.Z3_get_ast_kind(ctx, a) != C.Z3_APP_AST:
            shape = hash(("leaf", C.Z3_ast_to_string(ctx, a)))
        else:
            app = C.Z3_to_app(ctx, a)
            decl = C.Z3_get_app_decl(ctx, app)
            kind = C.Z3_get_decl_kind(ctx, decl)
            kids = [walk(C.Z3_get_app_arg(ctx, app, i)) for i in range(C.Z3_get_app_num_args(ctx, app))]
            if kind in COMMUTATIVE:
                kids.sort()
            shape = hash((kind, C.Z3_get_symbol_string(ctx, C.Z3_get_decl_name(ctx, decl)), tuple(kids)))
        memo[key] = shape
        return shape

    return walk(e.as_ast())


PARTS = ("actions", "live fields", "initial state", "transition relation", "properties")


@cache
def _system(protocol: Any, trust: Any, bounds: Any, options: Any) -> System:
    return System(protocol, trust, bounds, options)


@cache
def _seen(protocol: Any, trust: Any, bounds: Any, options: Any, part: str) -> Any:
    """One part of what the checks read of this configuration, as text, with the trust parameters
    pinned (parts are built on demand: most options already show in the cheap ones)."""
    system = _system(protocol, trust, bounds, options)
    cfg = system.config
    s0 = system.state(0)
    pins = [(p.arg(0), p.arg(1)) for p in system.pinned()]
    if part == "actions":
        return tuple((x.name, x.arg_names) for x in cfg.actions)
    if part == "live fields":
        return tuple(f.name for f in cfg.fields if not f.fixed)
    if part == "initial state":
        return _text(system.initial_state(s0), pins)
    if part == "transition relation":
        return _text(system.trans(s0, system.args(0), system.state(1)), pins)
    view = system.view(s0)
    applicable = (prop for prop in PROPERTIES.values() if prop.applies_to(cfg.protocol))
    return tuple(sorted((prop.name, _text(prop.holds(view, SYMBOLIC), pins)) for prop in applicable))


def _differs(with_option: Scenario, without: Scenario) -> str | None:
    """The first part of the configuration the option changes, or None."""
    for part in PARTS:
        x = _seen(with_option.protocol, with_option.trust, with_option.bounds, with_option.options, part)
        y = _seen(without.protocol, without.trust, without.bounds, without.options, part)
        if x != y:
            return part
    return None


# --- the combinations ---------------------------------------------------------------------------------


def _cases() -> list[Any]:
    out = []
    for entry in ENTRIES:
        for family, trust in BASES:
            ident = f"{entry.label}-{family}-{trust or 'none'}"
            out.append(pytest.param(entry, family, trust, True, id=ident))
            if entry.context:
                # Alone, without what it needs: refused, or in effect even so.
                out.append(pytest.param(entry, family, trust, False, id=f"{ident}-alone"))
    return out


def test_every_option_declares_an_example_and_every_pair_is_tried() -> None:
    missing = [e.label for e in ENTRIES if e.example is None]
    assert not missing, f"declare an example value with each option (applicability.option(example=...)): {missing}"
    assert {f for f, _ in BASES} == set(PROTOCOLS.ids()), "a family with no trust model it loads with"
    assert {t for _, t in BASES if t is not None} == set(TRUST_MODELS.ids()), "a trust model no family loads with"


def test_every_field_of_an_options_record_is_a_declared_option() -> None:
    """A field added to a family's options record without a declaration would never be refused."""
    for family, cls in PROTOCOLS.items():
        record = cls(**cls.example).default_options()
        if not attrs.has(type(record)):
            continue
        declared = {o.field for o in cls.declared_options()}
        for name in _record_leaves(type(record)):
            assert name in declared, f"{family}: options field {name} declares no applicability"


def _record_leaves(cls: type) -> list[str]:
    out = []
    for a in attrs.fields(cls):
        spec = a.metadata.get(OPTION)
        path = spec.path if spec is not None and spec.path else a.name
        sub = a.metadata.get(RECORD)
        inside = [f"{path}.{leaf}" for leaf in _record_leaves(sub)] if sub is not None else []
        out += inside if spec is None and inside else [path, *inside]
    return out


@pytest.mark.parametrize(("entry", "family", "trust", "context"), _cases())
def test_option_is_refused_in_one_line_or_takes_effect(
    entry: Entry, family: str, trust: str | None, context: bool
) -> None:
    base = _base(family, trust)
    outcome = _loads(_with(entry, base, context))
    if isinstance(outcome, BadInput):
        line = outcome.line()
        assert "\n" not in line and line.startswith(f"{WHERE}: "), line
        fields = _written(entry, context)
        assert any(f == outcome.field or f.startswith(f"{outcome.field}.") for f in fields), (
            f"the refusal names {outcome.field!r}, not the option's field ({', '.join(fields)}): {line}"
        )
        if context:
            # Without what it needs, a value check of its owner may refuse it first (withheld > f).
            places = _places(entry)
            assert any(p in outcome.why for p in places) or (entry.needs and entry.needs in outcome.why), (
                f"the refusal does not say where {entry.label} applies ({', '.join(sorted(places))}): {line}"
            )
            assert not _declared_here(entry, family, trust), f"{entry.label} is declared to apply here, yet: {line}"
        return
    without = _loads(_with(entry, base, context, option=False))
    if isinstance(without, BadInput):
        # What the example needs cannot be written without it (compromised_operators needs operators).
        without = _loads(base)
    assert isinstance(without, Scenario), without
    here = f"{family} with {trust or 'no trust model'}"
    assert _differs(outcome, without), f"{entry.label} = {entry.example!r} is accepted for {here} but changes nothing"


# --- the same refusals through the command line: exit 2, one line on stderr ---------------------------------


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"


def _first_refusal(entry: Entry) -> tuple[dict[str, Any], BadInput] | None:
    for family, trust in BASES:
        raw = _with(entry, _base(family, trust))
        outcome = _loads(raw)
        if isinstance(outcome, BadInput):
            return raw, outcome
    return None


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.label for e in ENTRIES])
def test_a_refused_option_exits_2_with_one_line(
    entry: Entry, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _first_refusal(entry)
    if found is None:
        pytest.skip(f"{entry.label} applies to every family and trust model")
    raw, refusal = found
    monkeypatch.chdir(tmp_path)
    path = Path("scenario.toml")
    path.write_text("".join(f"{k} = {_toml(v)}\n" for k, v in raw.items()))
    assert main(["verify", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"bridgeproof: {path}: {refusal.field}: "), err
