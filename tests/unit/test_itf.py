"""Counterexample files: ITF round trip, atomic never-overwrite writes, field-naming load errors, the corpus."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bridgeproof.model import corpus, itf
from bridgeproof.model.errors import BadInput, ToolError
from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.bridge.family import V1_DEFAULTS
from bridgeproof.model.protocols.lock_mint import LockMint
from bridgeproof.model.system import Step
from bridgeproof.model.trace import Trace
from bridgeproof.model.trust.multisig import Multisig

CFG = Configuration(LockMint(), Multisig(k=2, n=3, f=1), Bounds(depth=4, messages=2, supply=100))
VARS = [v.name for v in CFG.vars]
META = {
    "scenario": "unit",
    "protocol": "lock_mint",
    "trust": "multisig",
    "params": {"k": 2, "n": 3, "f": 1, "operators": [], "compromised_operators": [], "withheld": 0},
    "bounds": {"depth": 4, "messages": 2, "supply": 100, "loss_depth": 6},
    "property": "supply_conservation",
    "expect": "violation",
    "z3_version": "test",
    "seed": 0,
}

BIG = 10**30  # beyond 64 bits: ITF writes integers as decimal strings exactly so that this survives


def _state(**over: Any) -> dict[str, Any]:
    s: dict[str, Any] = {
        "balance_home": {"alice": 100, "mallory": 0},
        "balance_remote": {"alice": 0, "mallory": 0},
        "escrow": 0,
        "supply_home": 100,
        "supply_remote": 0,
        "next_id": 0,
        "now": 0,
        "sent": {},
        "claims": {},
    }
    s.update(over)
    for var in VARS:  # vars added to the vocabulary later: any ITF value will do for these file-level tests
        s.setdefault(var, 0)
    return s


def _trace() -> Trace:
    s0 = _state()
    s1 = _state(
        balance_home={"alice": 95, "mallory": 0},
        escrow=5,
        next_id=1,
        sent={0: {"dir": "out", "user": "alice", "amount": 5}},
    )
    s2 = _state(
        balance_home={"alice": 95, "mallory": 0},
        escrow=5,
        next_id=1,
        supply_remote=BIG,
        now=1800,
        sent={0: {"dir": "out", "user": "alice", "amount": 5}},
        claims={
            0: {"dir": "out", "user": "alice", "amount": 5, "executions": 0, "evidence": {"sigs": 2}},
            1: {
                "dir": "back",
                "user": "mallory",
                "amount": BIG,
                "executions": 1,
                "evidence": {"posted_at": 0, "challenged": False},
            },
        },
    )
    steps = (
        Step("lock", {"user": "alice", "amount": 5}),
        Step("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": BIG}),
    )
    return Trace(steps, (s0, s1, s2))


def _document(**meta: Any) -> dict[str, Any]:
    run = {k: v for k, v in META.items() if k not in ("protocol", "trust", "params", "bounds")}
    return itf.to_itf(_trace(), CFG, {**run, **meta})


def _numbers_outside_meta(value: Any, path: str = "") -> list[str]:
    """Plain JSON numbers anywhere but in #meta (ITF wants {"#bigint": "..."})."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [path]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _numbers_outside_meta(v, f"{path}[{i}]")]
    if isinstance(value, dict):
        return [p for k, v in value.items() if k != "#meta" for p in _numbers_outside_meta(v, f"{path}.{k}")]
    return []


# --- round trip -----------------------------------------------------------------------------------


def test_round_trip(tmp_path: Path) -> None:
    trace = _trace()
    path = tmp_path / "a" / "b" / "t.itf.json"  # write_new makes the folders
    itf.write_new(path, _document())
    raw = json.loads(path.read_text())
    assert raw["vars"] == list(VARS)
    assert _numbers_outside_meta(raw) == [], "every integer in vars/states must be a #bigint"
    assert raw["states"][2]["supply_remote"] == {"#bigint": str(BIG)}

    loaded = itf.load(path)
    assert loaded["path"] == str(path)
    assert loaded["states"] == list(trace.states)
    assert loaded["meta"]["steps"] == [{"action": s.action, "args": s.args} for s in trace.steps]
    for key, value in META.items():
        assert loaded["meta"][key] == value
    last = loaded["states"][2]
    assert type(last["supply_remote"]) is int and last["supply_remote"] == BIG
    assert type(last["claims"][1]["evidence"]["challenged"]) is bool
    assert set(last["sent"]) == {0} and all(type(k) is int for k in last["claims"])


def test_round_trip_of_every_curated_file(tmp_path: Path) -> None:
    """Re-encoding what `load` decoded gives back the same states (older files come back in today's vocabulary)."""
    root = Path(__file__).resolve().parents[2] / corpus.ROOT
    files = corpus.curated(root)
    assert files
    for p in files:
        doc = itf.load(p)
        declared = [v.name for v in doc["config"].vars]
        assert all(set(s) == set(declared) for s in doc["states"]), f"{p}: load must give every var of today"
        steps = tuple(Step(s["action"], s["args"]) for s in doc["meta"]["steps"])[: len(doc["states"]) - 1]
        meta = {k: v for k, v in doc["meta"].items() if k not in ("steps", "params", "semantics")}
        out = itf.to_itf(Trace(steps, tuple(doc["states"])), doc["config"], meta)
        out["#meta"]["steps"] = doc["meta"]["steps"]
        target = tmp_path / p.relative_to(root)
        itf.write_new(target, out)
        again = itf.load(target)
        assert again["states"] == doc["states"], p
        # Written today, a file states today's semantics and spells out what an older one implied
        # (model/semantics.py): the configuration it describes is the same.
        same = ("vocabulary", "options", "protocol_params", "semantics", "params")
        assert {k: v for k, v in again["meta"].items() if k not in same} == {
            k: v for k, v in doc["meta"].items() if k not in same
        }, p
        assert again["config"].trust == doc["config"].trust, p
        # Today's encoding is stable: writing what was read gives the very same JSON.
        twice = itf.to_itf(Trace(steps, tuple(again["states"])), again["config"], meta)
        assert [{k: v for k, v in st.items() if k != "#meta"} for st in twice["states"]] == [
            {k: v for k, v in st.items() if k != "#meta"} for st in json.loads(target.read_text())["states"]
        ], p


def test_version_1_file_is_read_in_todays_vocabulary(tmp_path: Path) -> None:
    """A file without `#meta.vocabulary` and without the vars added since still loads, every var filled in."""
    doc = _document()
    doc["#meta"].pop("vocabulary", None)
    extra = set(V1_DEFAULTS)
    doc["vars"] = [v for v in doc["vars"] if v not in extra]
    for state in doc["states"]:
        for var in extra:
            state.pop(var, None)
    path = tmp_path / "v1.itf.json"
    path.write_text(json.dumps(doc))
    loaded = itf.load(path)
    for state in loaded["states"]:
        assert set(state) == set(VARS)
        for var, default in V1_DEFAULTS.items():
            assert state[var] == default
    assert loaded["states"][2]["supply_remote"] == BIG


def test_unknown_vocabulary_version(tmp_path: Path) -> None:
    doc = _document()
    doc["#meta"]["vocabulary"] = 99
    path = tmp_path / "v99.itf.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(BadInput) as info:
        itf.load(path)
    assert (info.value.where, info.value.field) == (str(path), "#meta.vocabulary")


# --- never overwrite ------------------------------------------------------------------------------


def test_write_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "t.itf.json"
    itf.write_new(path, _document())
    before = path.read_text()
    with pytest.raises(ToolError, match="already exists") as info:
        itf.write_new(path, _document(seed=7))
    assert str(path) in str(info.value)
    assert path.read_text() == before, "the existing file was changed"


def test_refused_write_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "t.itf.json"
    itf.write_new(path, _document())
    for _ in range(3):
        with pytest.raises(ToolError):
            itf.write_new(path, _document(seed=7))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.itf.json"]


def test_successful_write_leaves_no_temp_files(tmp_path: Path) -> None:
    itf.write_new(tmp_path / "t.itf.json", _document())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.itf.json"]


# --- load errors: BadInput naming the file and the field -------------------------------------------


def _write_raw(tmp_path: Path, raw: Any, name: str = "bad.itf.json") -> Path:
    path = tmp_path / name
    path.write_text(raw if isinstance(raw, str) else json.dumps(raw))
    return path


def _load_error(path: Path) -> BadInput:
    with pytest.raises(BadInput) as info:
        itf.load(path)
    e = info.value
    assert e.where == str(path)
    assert str(path) in e.line() and e.field in e.line()
    assert "\n" not in e.line()
    return e


def _edited(edit: Any) -> dict[str, Any]:
    raw = copy.deepcopy(_document())
    edit(raw)
    return raw


def test_load_not_json(tmp_path: Path) -> None:
    e = _load_error(_write_raw(tmp_path, '{"vars": [}'))
    assert e.field == "file" and "not JSON" in e.why


def test_load_no_such_file(tmp_path: Path) -> None:
    e = _load_error(tmp_path / "missing.itf.json")
    assert e.field == "file"


def test_load_top_level_not_an_object(tmp_path: Path) -> None:
    assert _load_error(_write_raw(tmp_path, [1, 2])).field == "file"


def test_load_missing_vars(tmp_path: Path) -> None:
    e = _load_error(_write_raw(tmp_path, _edited(lambda r: r.pop("vars"))))
    assert e.field == "vars"


def test_load_vars_missing_one(tmp_path: Path) -> None:
    e = _load_error(_write_raw(tmp_path, _edited(lambda r: r["vars"].remove("escrow"))))
    assert e.field == "vars" and "escrow" in e.why


def test_load_plain_json_integer_in_a_state(tmp_path: Path) -> None:
    def edit(r: dict[str, Any]) -> None:
        r["states"][1]["escrow"] = 5

    e = _load_error(_write_raw(tmp_path, _edited(edit)))
    assert e.field == "states[1].escrow"
    assert "#bigint" in e.why


def test_load_plain_json_integer_inside_a_map(tmp_path: Path) -> None:
    def edit(r: dict[str, Any]) -> None:
        r["states"][0]["balance_home"]["#map"][0][1] = 100

    e = _load_error(_write_raw(tmp_path, _edited(edit)))
    assert e.field.startswith("states[0].balance_home")


def test_load_missing_state_var(tmp_path: Path) -> None:
    e = _load_error(_write_raw(tmp_path, _edited(lambda r: r["states"][2].pop("claims"))))
    assert e.field == "states[2].claims"


def test_load_missing_meta_expect(tmp_path: Path) -> None:
    e = _load_error(_write_raw(tmp_path, _edited(lambda r: r["#meta"].pop("expect"))))
    assert e.field == "#meta.expect" and "missing" in e.why


def test_load_bad_meta_expect(tmp_path: Path) -> None:
    def edit(r: dict[str, Any]) -> None:
        r["#meta"]["expect"] = "maybe"

    e = _load_error(_write_raw(tmp_path, _edited(edit)))
    assert e.field == "#meta.expect" and "maybe" in e.why


def test_load_unknown_action(tmp_path: Path) -> None:
    def edit(r: dict[str, Any]) -> None:
        r["#meta"]["steps"][1]["action"] = "teleport"

    e = _load_error(_write_raw(tmp_path, _edited(edit)))
    assert e.field == "#meta.steps[1].action"


def test_load_unknown_argument(tmp_path: Path) -> None:
    def edit(r: dict[str, Any]) -> None:
        r["#meta"]["steps"][0]["args"]["colour"] = "red"

    e = _load_error(_write_raw(tmp_path, _edited(edit)))
    assert e.field == "#meta.steps[0].args.colour"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("user", "eve"),
        ("dir", "sideways"),
        ("amount", "5"),
        ("amount", True),
        ("amount", 1.5),
        ("amount", {"#bigint": "5"}),
    ],
    ids=["user-eve", "dir-sideways", "amount-string", "amount-bool", "amount-float", "amount-bigint"],
)
def test_load_bad_arg_value(tmp_path: Path, name: str, value: Any) -> None:
    def edit(r: dict[str, Any]) -> None:
        r["#meta"]["steps"][1]["args"][name] = value

    e = _load_error(_write_raw(tmp_path, _edited(edit)))
    assert e.field == f"#meta.steps[1].args.{name}"
    assert "bad value" in e.why


def test_load_violation_needs_one_state_more_than_steps(tmp_path: Path) -> None:
    e = _load_error(_write_raw(tmp_path, _edited(lambda r: r["states"].pop())))
    assert e.field == "states"


@pytest.mark.parametrize("raw", ["12a", "", "1.5", 7, None])
def test_load_malformed_bigint(tmp_path: Path, raw: Any) -> None:
    def edit(r: dict[str, Any]) -> None:
        r["states"][0]["escrow"] = {"#bigint": raw}

    e = _load_error(_write_raw(tmp_path, _edited(edit)))
    assert e.field == "states[0].escrow"


@pytest.mark.parametrize("raw", ["--5", "\u00b2"], ids=["double-minus", "superscript-two"])
def test_load_malformed_bigint_that_passes_isdigit(tmp_path: Path, raw: str) -> None:
    def edit(r: dict[str, Any]) -> None:
        r["states"][0]["escrow"] = {"#bigint": raw}

    e = _load_error(_write_raw(tmp_path, _edited(edit)))
    assert e.field == "states[0].escrow"


# --- the corpus ----------------------------------------------------------------------------------

REL = corpus.relative("lock_mint", "multisig", "supply_conservation", "unit", "violation")


def test_relative_layout() -> None:
    assert REL == Path("lock_mint/multisig/supply_conservation/unit.itf.json")
    fixed = corpus.relative("lock_mint", "multisig", "supply_conservation", "unit", "fixed")
    assert fixed.name == "unit.fixed.itf.json"


def test_save_identical_trace_reuses_the_curated_file(tmp_path: Path) -> None:
    root = tmp_path / "counterexamples"
    curated = root / REL
    itf.write_new(curated, _document())
    before = curated.read_text()
    # a re-run on another z3 build is still the same trace: the tool and solver versions are not compared
    path, known = corpus.save(_document(z3_version="other"), REL, root)
    assert (path, known) == (curated, True)
    assert curated.read_text() == before
    assert not (root / corpus.INBOX).exists(), "an identical trace must not be written again"
    assert corpus.curated(root) == [curated]


def test_save_different_trace_goes_to_a_numbered_inbox_file(tmp_path: Path) -> None:
    root = tmp_path / "counterexamples"
    curated = root / REL
    itf.write_new(curated, _document())
    before = curated.read_text()

    first = _document(params={"k": 2, "n": 3, "f": 2})
    path1, known1 = corpus.save(first, REL, root)
    assert known1 is False
    assert path1 == root / corpus.INBOX / REL
    assert json.loads(path1.read_text()) == first

    second = _document(bounds={"depth": 4, "messages": 3, "supply": 100})
    path2, known2 = corpus.save(second, REL, root)
    assert known2 is False
    assert path2 == root / corpus.INBOX / REL.with_name("unit-2.itf.json")
    assert json.loads(path2.read_text()) == second

    # the same new trace again reuses its inbox file instead of numbering another one
    assert corpus.save(second, REL, root) == (path2, False)
    assert curated.read_text() == before, "the curated file was changed"
    inbox = sorted(p.name for p in (root / corpus.INBOX / REL.parent).iterdir())
    assert inbox == ["unit-2.itf.json", "unit.itf.json"]
    assert corpus.curated(root) == [curated], "inbox files are not curated"


def test_save_without_curated_file_writes_to_inbox(tmp_path: Path) -> None:
    root = tmp_path / "counterexamples"
    path, known = corpus.save(_document(), REL, root)
    assert (path, known) == (root / corpus.INBOX / REL, False)
    assert itf.load(path)["states"] == list(_trace().states)
