"""Scenario files load, and bad ones fail as one BadInput naming the file and the field; registry checks."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from bridgeproof.model.errors import BadInput
from bridgeproof.model.protocols import PROTOCOLS
from bridgeproof.model.registry import Registry
from bridgeproof.model.scenarios import SAFETY_EXPECT, WITNESS_EXPECT, Scenario, discover, load
from bridgeproof.model.trust import TRUST_MODELS
from bridgeproof.properties import PROPERTIES

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "scenarios").glob("*.toml"))


# --- the shipped scenarios -----------------------------------------------------------------------


def test_there_are_shipped_scenarios() -> None:
    assert SHIPPED, "no scenarios/*.toml in the repository"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenario_loads(path: Path) -> None:
    scenarios = load(path)
    assert scenarios
    base, *variants = scenarios
    assert base.base is None and base.path == str(path)
    assert base.name == path.name.removesuffix(".toml")
    for sc in scenarios:
        assert isinstance(sc, Scenario)
        assert sc.protocol.id in PROTOCOLS.ids()
        if sc.protocol.trust == "required":
            assert sc.trust is not None and sc.trust.id in TRUST_MODELS.ids()
        else:
            assert sc.trust is None, f"{sc.name}: {sc.protocol.id} takes no trust model"
        assert sc.expect, f"{sc.name}: no expectations"
        for prop, verdict in sc.expect.items():
            allowed = WITNESS_EXPECT if PROPERTIES[prop].kind == "witness" else SAFETY_EXPECT
            assert verdict in allowed
    for v in variants:
        assert v.base == base.name and v.name.startswith(f"{base.name}/")
        assert "/" not in v.slug


def test_discover_shipped_folder_has_unique_names() -> None:
    scenarios = discover([REPO / "scenarios"])
    names = [sc.name for sc in scenarios]
    assert len(names) == len(set(names))
    assert len(scenarios) == sum(len(load(p)) for p in SHIPPED)


def test_variant_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "base.toml"
    path.write_text(GOOD + '\n[variants.four-keys]\ntrust = { f = 4 }\nexpect = { supply_conservation = "bounded" }\n')
    base, four = load(path)
    assert (base.name, four.name, four.base) == ("base", "base/four-keys", "base")
    assert (base.trust.k, base.trust.n, base.trust.f) == (5, 9, 5)
    assert (four.trust.k, four.trust.n, four.trust.f) == (5, 9, 4)
    assert four.bounds == base.bounds and four.protocol.id == base.protocol.id
    assert (base.expect, four.expect) == ({"supply_conservation": "violated"}, {"supply_conservation": "bounded"})


def test_a_variant_naming_a_trust_model_switches_it(tmp_path: Path) -> None:
    """`trust.model` in a variant replaces the base's table: no multisig parameter reaches the custodian."""
    path = tmp_path / "base.toml"
    path.write_text(
        GOOD + '\n[variants.custodian]\ntrust = { model = "custodian", compromised = 0 }\n'
        'expect = { supply_conservation = "bounded" }\n'
        '\n[variants.same-model]\ntrust = { model = "multisig", k = 7, n = 10 }\nexpect = { supply_conservation = "bounded" }\n'
    )
    base, custodian, same = load(path)
    assert base.trust.id == "multisig" and custodian.trust.id == "custodian"
    assert custodian.trust.describe() == {"compromised": 0}
    assert (same.trust.k, same.trust.n, same.trust.f) == (7, 10, 0)  # f is not carried over either


# --- bad scenario files --------------------------------------------------------------------------

GOOD = """\
protocol = "lock_mint"
trust = { model = "multisig", k = 5, n = 9, f = 5 }
bounds = { depth = 12, messages = 2 }

[expect]
supply_conservation = "violated"
"""


def _error(tmp_path: Path, text: str) -> BadInput:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(BadInput) as info:
        load(path)
    e = info.value
    assert e.where == str(path), "the error must name the scenario file"
    assert e.line().startswith(f"{path}: {e.field}: ")
    assert "\n" not in e.line()
    return e


def test_good_base_loads(tmp_path: Path) -> None:
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    (sc,) = load(path)
    assert (sc.name, sc.protocol.id, sc.trust.id) == ("good", "lock_mint", "multisig")


def _with_trust(trust: str) -> str:
    return GOOD.replace('{ model = "multisig", k = 5, n = 9, f = 5 }', trust)


CASES: list[tuple[str, str, str | tuple[str, ...], str]] = [
    # (id, toml text, the field (or the acceptable fields), a word the reason must contain)
    ("invalid-toml", GOOD + "\nthis is = = not toml\n", "file", "TOML"),
    ("unknown-top-level-key", "colour = 'red'\n" + GOOD, "colour", "unknown key"),
    ("missing-protocol", GOOD.replace('protocol = "lock_mint"\n', ""), "protocol", "missing"),
    ("unknown-protocol", GOOD.replace('"lock_mint"', '"teleport"'), "protocol", "teleport"),
    ("missing-trust-model", _with_trust("{ k = 5, n = 9, f = 5 }"), "trust.model", "missing"),
    ("unknown-trust-model", _with_trust('{ model = "nosuch", k = 5 }'), ("trust", "trust.model"), "nosuch"),
    (
        "unknown-trust-parameter",
        _with_trust('{ model = "multisig", k = 5, n = 9, m = 1 }'),
        "trust.m",
        "unknown parameter",
    ),
    ("missing-trust-parameter", _with_trust('{ model = "multisig", n = 9 }'), "trust.k", "missing"),
    ("k-greater-than-n", _with_trust('{ model = "multisig", k = 10, n = 9, f = 0 }'), "trust.k", "10"),
    ("f-greater-than-n", _with_trust('{ model = "multisig", k = 5, n = 9, f = 10 }'), "trust.f", "10"),
    ("f-minus-two", _with_trust('{ model = "multisig", k = 5, n = 9, f = -2 }'), "trust.f", "-2"),
    ("k-zero", _with_trust('{ model = "multisig", k = 0, n = 9, f = 0 }'), "trust.k", "0"),
    ("k-wrong-type", _with_trust('{ model = "multisig", k = "five", n = 9, f = 5 }'), "trust.k", "five"),
    ("k-bool", _with_trust('{ model = "multisig", k = true, n = 9, f = 5 }'), "trust.k", "integer"),
    ("custodian-compromised-2", _with_trust('{ model = "custodian", compromised = 2 }'), "trust.compromised", "2"),
    ("optimistic-window-0", _with_trust('{ model = "optimistic", window = 0 }'), "trust.window", "0"),
    ("trust-not-a-table", _with_trust('"multisig"'), "trust", "table"),
    ("unknown-bound", GOOD.replace("messages = 2", "width = 2"), "bounds.width", "unknown bound"),
    ("negative-depth", GOOD.replace("depth = 12", "depth = -1"), "bounds.depth", "-1"),
    ("unknown-property", GOOD + 'no_such_property = "bounded"\n', "expect.no_such_property", "unknown property"),
    ("safety-expected-witnessed", GOOD.replace('"violated"', '"witnessed"'), "expect.supply_conservation", "witnessed"),
    (
        "witness-expected-violated",
        GOOD + 'can_complete_transfer = "violated"\n',
        "expect.can_complete_transfer",
        "violated",
    ),
    ("no-expectations", GOOD.replace('supply_conservation = "violated"\n', ""), "expect", "at least one"),
    ("zero-timeout", "timeout = 0\n" + GOOD, "timeout", "positive"),
    (
        "variant-unknown-key",
        GOOD + '\n[variants.v]\ncolour = "red"\nexpect = { supply_conservation = "bounded" }\n',
        "variants.v.colour",
        "unknown key",
    ),
    (
        "variant-out-of-range",
        GOOD + '\n[variants.v]\ntrust = { f = 10 }\nexpect = { supply_conservation = "bounded" }\n',
        "variants.v.trust.f",
        "10",
    ),
    (
        "variant-unknown-property",
        GOOD + '\n[variants.v]\ntrust = { f = 4 }\nexpect = { nosuch = "bounded" }\n',
        "variants.v.expect.nosuch",
        "unknown property",
    ),
    (
        "variant-bad-bound",
        GOOD + '\n[variants.v]\nbounds = { depth = "deep" }\nexpect = { supply_conservation = "bounded" }\n',
        "variants.v.bounds.depth",
        "integer",
    ),
]


@pytest.mark.parametrize(("text", "field", "word"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_scenario(tmp_path: Path, text: str, field: str | tuple[str, ...], word: str) -> None:
    e = _error(tmp_path, text)
    fields = (field,) if isinstance(field, str) else field
    assert e.field in fields, f"field {e.field!r}, want {' or '.join(fields)} ({e.line()})"
    assert word in e.why, e.line()


def test_non_utf8_scenario_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfeprotocol = 1\n")
    with pytest.raises(BadInput) as info:
        load(path)
    assert (info.value.where, info.value.field) == (str(path), "file")


def test_f_minus_one_is_out_of_range(tmp_path: Path) -> None:
    e = _error(tmp_path, _with_trust('{ model = "multisig", k = 5, n = 9, f = -1 }'))
    assert e.field == "trust.f" and "-1" in e.why


def test_known_values_are_listed_in_the_error(tmp_path: Path) -> None:
    """An unknown name says what is known, so the user can fix it without reading the source."""
    e = _error(tmp_path, _with_trust('{ model = "nosuch", k = 5 }'))
    assert all(t in e.why for t in TRUST_MODELS.ids())
    e = _error(tmp_path, GOOD.replace('"lock_mint"', '"teleport"'))
    assert all(p in e.why for p in PROTOCOLS.ids())
    e = _error(tmp_path, GOOD + 'no_such_property = "bounded"\n')
    assert all(p in e.why for p in PROPERTIES)


def test_discover_names_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as info:
        discover([tmp_path / "nope.toml"])
    assert info.value.where == str(tmp_path / "nope.toml") and info.value.field == "path"


def test_discover_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as info:
        discover([tmp_path])
    assert info.value.field == "path"


def test_discover_duplicate_names(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('name = "same"\n' + GOOD)
    (tmp_path / "b.toml").write_text('name = "same"\n' + GOOD)
    with pytest.raises(BadInput) as info:
        discover([tmp_path])
    assert info.value.where == str(tmp_path / "b.toml") and info.value.field == "name"
    assert str(tmp_path / "a.toml") in info.value.why


# --- registry: import-time checks, on a fresh Registry so the real ones stay clean -----------------


def _registry() -> Registry:
    return Registry("trust model", required=("accepts",))


def test_registry_accepts_a_good_definition() -> None:
    reg = _registry()

    @attrs.frozen
    class Good:
        id: ClassVar[str] = "good_model"
        k: int = 1

        def accepts(self) -> bool:
            return True

    assert reg.register(Good) is Good
    assert reg.register(Good) is Good, "registering the same class twice is harmless"
    assert reg.ids() == ("good_model",)
    assert reg.build("good_model", {"k": "3"}, "w", "f").k == 3
    assert "good_model" not in TRUST_MODELS.ids(), "a fresh Registry must not touch the real one"


def _register_error(reg: Registry, cls: type) -> str:
    with pytest.raises(TypeError) as info:
        reg.register(cls)
    message = str(info.value)
    assert cls.__name__ in message, "the error must name the class"
    assert cls.__name__ not in reg.ids()
    return message


def test_registry_class_without_id() -> None:
    @attrs.frozen
    class NoId:
        def accepts(self) -> bool:
            return True

    message = _register_error(_registry(), NoId)
    assert "`id`" in message and "snake_case" in message


@pytest.mark.parametrize("ident", ["MultiSig", "multi-sig", "2of3", "", "multisig ", 5])
def test_registry_non_snake_id(ident: Any) -> None:
    @attrs.frozen
    class BadId:
        id: ClassVar[Any] = ident

        def accepts(self) -> bool:
            return True

    message = _register_error(_registry(), BadId)
    assert "snake_case" in message and "e.g." in message


def test_registry_non_frozen_attrs_class() -> None:
    @attrs.define
    class Mutable:
        id: ClassVar[str] = "mutable"
        k: int = 1

        def accepts(self) -> bool:
            return True

    message = _register_error(_registry(), Mutable)
    assert "@attrs.frozen" in message


def test_registry_plain_class() -> None:
    class Plain:
        id = "plain"

        def accepts(self) -> bool:
            return True

    message = _register_error(_registry(), Plain)
    assert "@attrs.frozen" in message


def test_registry_reused_id() -> None:
    reg = _registry()

    @attrs.frozen
    class First:
        id: ClassVar[str] = "taken"

        def accepts(self) -> bool:
            return True

    @attrs.frozen
    class Second:
        id: ClassVar[str] = "taken"

        def accepts(self) -> bool:
            return True

    reg.register(First)
    message = _register_error(reg, Second)
    assert "'taken'" in message and "already taken" in message and "never reused" in message
    assert reg.get("taken", "w", "f") is First


def test_registry_missing_required_member() -> None:
    @attrs.frozen
    class Incomplete:
        id: ClassVar[str] = "incomplete"

    message = _register_error(_registry(), Incomplete)
    assert "`accepts`" in message


def test_registry_module_without_docstring(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("fake_trust_without_doc")
    monkeypatch.setitem(sys.modules, module.__name__, module)

    @attrs.frozen
    class Undocumented:
        id: ClassVar[str] = "undocumented"

        def accepts(self) -> bool:
            return True

    Undocumented.__module__ = module.__name__
    message = _register_error(_registry(), Undocumented)
    assert "docstring" in message


def test_registry_unknown_id_is_bad_input() -> None:
    reg = _registry()
    with pytest.raises(BadInput) as info:
        reg.get("nosuch", "file.toml", "trust")
    assert (info.value.where, info.value.field) == ("file.toml", "trust")


def test_real_registries_hold_the_shipped_models() -> None:
    assert set(TRUST_MODELS.ids()) >= {"custodian", "multisig", "optimistic"}
    assert set(PROTOCOLS.ids()) >= {"lock_mint", "burn_mint"}
