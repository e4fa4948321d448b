"""Typed reading by another tool: every curated file decodes with itf-py, records into its typed
record classes and declared maps into maps, and a var has one shape in every file of its family's
current vocabulary (a typed reader such as itf-rs or Apalache's needs exactly that). Files of an
older vocabulary stay as they were and still replay; each has a migrated twin in today's vocabulary
(`bridgeproof migrate`)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import itf_py
import pytest

from bridgeproof.model import corpus
from bridgeproof.model.protocols import PROTOCOLS

REPO = Path(__file__).resolve().parents[2]
FILES = corpus.curated(REPO / "counterexamples")


def _current(raw: dict[str, Any]) -> bool:
    return raw["#meta"].get("vocabulary", 1) == PROTOCOLS.get(raw["#meta"]["protocol"], "test", "protocol").vocabulary


def shape(value: Any) -> str:
    """The ITF kind of a value as itf-py decodes it (a record is a namedtuple of its own class)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        return "str"
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return "record"
    if isinstance(value, dict):
        inner = {shape(v) for v in value.values()}
        return f"map[{'|'.join(sorted(inner))}]"
    if isinstance(value, (set, frozenset)):
        return "set"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def _shapes(path: Path) -> dict[str, set[str]]:
    trace = itf_py.trace_from_json(json.loads(path.read_text()))
    out: dict[str, set[str]] = defaultdict(set)
    for state in trace.states:
        for var in trace.vars:
            out[var].add(shape(state.values[var]))
    return out


def test_one_shape_per_var_across_the_current_vocabulary() -> None:
    seen: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in FILES:
        raw = json.loads(path.read_text())
        if not _current(raw):
            continue
        for var, kinds in _shapes(path).items():
            for kind in kinds:
                seen[(raw["#meta"]["protocol"], var)][kind.replace("map[]", "map[*]")].add(path.name)
    mixed = {}
    for key, kinds in seen.items():
        filled = {k for k in kinds if k != "map[*]"}  # an empty map fits any map
        if len(filled) > 1 or ("map[*]" in kinds and any(not k.startswith("map[") for k in filled)):
            mixed[key] = {k: sorted(v)[:2] for k, v in kinds.items()}
    assert not mixed, f"vars written in more than one shape: {mixed}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO / "counterexamples")))
def test_records_decode_into_typed_classes(path: Path) -> None:
    """Every record (a dict without an ITF tag) comes back from itf-py as an instance of a record
    class with its field names; every declared map as a map."""
    raw = json.loads(path.read_text())
    trace = itf_py.trace_from_json(raw)
    for state_raw, state in zip(raw["states"], trace.states, strict=True):
        for var in trace.vars:
            _same_kind(state_raw[var], state.values[var], f"{path.name}:{var}")


def _same_kind(expr: Any, value: Any, where: str) -> None:
    if isinstance(expr, dict) and not any(k.startswith("#") for k in expr):
        assert hasattr(value, "_fields") and set(value._fields) == set(expr), where
        for k, inner in expr.items():
            _same_kind(inner, getattr(value, k), f"{where}.{k}")
    elif isinstance(expr, dict) and "#map" in expr:
        assert isinstance(value, dict), where
        for (_, inner), decoded in zip(expr["#map"], value.values(), strict=True):
            _same_kind(inner, decoded, f"{where}[]")


def test_every_older_file_has_a_migrated_twin() -> None:
    missing = []
    for path in FILES:
        raw = json.loads(path.read_text())
        if not _current(raw):
            twin = corpus.migrated_name(path, PROTOCOLS.get(raw["#meta"]["protocol"], "test", "protocol").vocabulary)
            if not twin.exists():
                missing.append(str(path.relative_to(REPO)))
    assert not missing, f"run `bridgeproof migrate`: {missing[:5]}"
