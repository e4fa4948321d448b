"""Every curated counterexample replays, step by step, on the reference implementation.

The corpus is discovered, not listed: a new file under counterexamples/ is covered with no test code.
An `expect: violation` file must reproduce (every recorded state matched, the property violated at
the end); an `expect: fixed` file must be refused at the recorded step, or run to the end with the
property holding. Every file must also be readable, unchanged, by another ITF tool (itf-py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import itf_py
import pytest

from bridgeproof.model import corpus, itf
from bridgeproof.model.replay import replay

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / corpus.ROOT  # corpus.ROOT is relative to the working directory; pin it to the repository
FILES = corpus.curated(CORPUS)


def _id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


def test_corpus_is_not_empty() -> None:
    # Parametrising over an empty list silently passes; this test makes an empty corpus fail the suite.
    assert FILES, f"no curated counterexamples under {CORPUS} (the replay tests would check nothing)"
    assert all(corpus.INBOX not in p.parts for p in FILES), "inbox files must not count as curated"


def test_corpus_has_both_kinds() -> None:
    expects = {json.loads(p.read_text())["#meta"]["expect"] for p in FILES}
    assert expects == {"violation", "fixed"}, f"curated corpus holds only {sorted(expects)}"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_replays_on_reference(path: Path) -> None:
    document = itf.load(path)
    meta = document["meta"]
    r = replay(document)
    where = f"{_id(path)} ({meta['expect']}): {r.summary()}"
    assert r.ok, where
    assert r.mismatch is None, where
    if meta["expect"] == "violation":
        assert r.refused_at is None, where
        assert r.executed == r.steps == len(meta["steps"]), where
        assert len(document["states"]) == r.steps + 1, where
        assert not r.holds_at_end, f"{where}: the property {meta['property']} holds at the end"
    else:
        recorded = meta.get("refused_at")
        if recorded is not None:
            assert r.refused_at == recorded, f"{where}: refused at {r.refused_at}, recorded {recorded}"
            assert r.executed == recorded - 1, where
            # the file holds the states up to the refused step: init plus one per executed step
            assert len(document["states"]) == recorded, where
        else:
            assert r.refused_at is None, where
            assert r.holds_at_end, f"{where}: ran to the end but {meta['property']} is violated"


def _walk(value: Any, path: str) -> list[str]:
    """Problems in a value decoded by itf-py: leftover ITF encodings, or numbers that are not ints."""
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        return []
    if isinstance(value, int):
        return [] if type(value) is int else [f"{path}: {type(value).__name__}, not int"]
    if isinstance(value, float):
        return [f"{path}: float {value!r}"]
    if isinstance(value, dict):
        bad = [f"{path}: undecoded {k!r}" for k in value if isinstance(k, str) and k.startswith("#")]
        for k, v in value.items():
            bad += _walk(k, f"{path}[key {k!r}]") + _walk(v, f"{path}[{k!r}]")
        return bad
    if hasattr(value, "_asdict"):  # records decode as namedtuples
        return [p for k, v in value._asdict().items() for p in _walk(v, f"{path}.{k}")]
    if isinstance(value, (list, tuple, frozenset, set)):
        return [p for i, v in enumerate(value) for p in _walk(v, f"{path}[{i}]")]
    return [f"{path}: unexpected {type(value).__name__}"]


def _plain(value: Any) -> Any:
    """An itf-py value as plain Python: records (namedtuples) and maps as dicts."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_readable_by_itf_py(path: Path) -> None:
    """Another ITF tool reads every file unchanged, to the very values we read (integers as ints)."""
    raw = json.loads(path.read_text())
    trace = itf_py.trace_from_json(raw)
    assert list(trace.vars) == list(raw["vars"])
    document = itf.load(path)
    declared = [v.name for v in document["config"].vars]
    version = raw["#meta"].get("vocabulary", 1)
    assert set(document["config"].protocol.vars_of_version(version, document["config"])) <= set(raw["vars"]) <= set(declared)
    assert len(trace.states) == len(raw["states"]) >= 1
    if raw["#meta"]["expect"] == "violation":
        assert len(trace.states) == len(raw["#meta"]["steps"]) + 1
    # What we read from the file itself, before an older vocabulary is brought up to today's.
    ours = [{var: itf.decode_value(st[var], str(path), var) for var in raw["vars"]} for st in raw["states"]]
    for i, state in enumerate(trace.states):
        for var in trace.vars:
            assert var in state.values, f"{_id(path)}: states[{i}] lacks {var}"
        problems = [p for var in trace.vars for p in _walk(state.values[var], f"states[{i}].{var}")]
        assert not problems, f"{_id(path)}: {problems}"
        for var in trace.vars:
            theirs = _plain(state.values[var])
            if theirs == [] and ours[i][var] == {}:
                continue  # an empty #map of an older file: itf-py cannot tell its key type
            assert theirs == ours[i][var], f"{_id(path)}: states[{i}].{var}"


def _tampered(path: Path, tmp_path: Path, edit: Any) -> dict[str, Any]:
    raw = json.loads(path.read_text())
    edit(raw)
    copy = tmp_path / path.name
    copy.write_text(json.dumps(raw))
    return itf.load(copy)


def test_replay_is_not_vacuous_a_wrong_state_disagrees(tmp_path: Path) -> None:
    """A violation file whose last recorded state was edited must be reported as a disagreement."""
    path = next(p for p in FILES if json.loads(p.read_text())["#meta"]["expect"] == "violation")

    def edit(raw: dict[str, Any]) -> None:
        raw["states"][-1]["supply_remote"] = {"#bigint": "999999"}

    r = replay(_tampered(path, tmp_path, edit))
    assert not r.ok
    assert r.mismatch is not None and "supply_remote" in r.mismatch, r.summary()
    assert r.summary().startswith("DISAGREES")


def test_replay_is_not_vacuous_a_wrong_refusal_step_fails(tmp_path: Path) -> None:
    """A fixed file claiming a refusal at a different step than the reference's must not pass."""
    path = next(p for p in FILES if json.loads(p.read_text())["#meta"].get("refused_at"))

    def edit(raw: dict[str, Any]) -> None:
        raw["#meta"]["refused_at"] += 1

    r = replay(_tampered(path, tmp_path, edit))
    assert not r.ok, r.summary()
