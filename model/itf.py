"""Counterexample files in the Informal Trace Format (Apalache ADR-015): write, read, show.

Every integer is `{"#bigint": "..."}`; user-keyed and id-keyed tables are `#map`s; records are plain
objects. Our additions live in `#meta` (top level and per state), so itf-py, itf-rs and Apalache
read the files unchanged. Writes are atomic and never replace an existing file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from model.errors import BadInput, ToolError
from model.trace import Trace
from model.vocabulary import ACTION_ARGS, ACTIONS, DIRS, USERS, VARS

FORMAT_URL = "https://apalache-mc.org/docs/adr/015adr-trace.html"
EXPECTS = ("violation", "fixed")
VOCABULARY = 2
"""Version of the observable state in new files. Version 1 files (no `#meta.vocabulary`) predate
blocks, clocks for every model, rate limits, forks and decimals; they are read by filling in those
fields with their defaults, so every curated counterexample stays a test forever."""

V1_DEFAULTS: dict[str, Any] = {
    "height": 0,
    "paused": False,
    "forked": False,
    "fork_escrow": 0,
    "dust": 0,
    "buckets": {},
    "verifier": {},
}


def upgrade_v1(state: dict[str, Any]) -> dict[str, Any]:
    """A version 1 state in the version 2 vocabulary (what the same run observes today)."""
    out = dict(V1_DEFAULTS) | state
    out["sent"] = {i: {"block": 0, "debited": m["amount"]} | m for i, m in state["sent"].items()}
    out["claims"] = {
        i: {
            "queued": False,
            "queued_at": 0,
            "credited": c["amount"] if c["executions"] >= 1 else 0,
            "fork_executions": 0,
            "claimed_at": 0,
        }
        | c
        for i, c in state["claims"].items()
    }
    return out


def _big(n: int) -> dict[str, str]:
    return {"#bigint": str(int(n))}


def encode_value(value: Any) -> Any:
    """Python value -> ITF expression; dicts with non-string or user keys become #map."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _big(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and k not in USERS for k in value) and value:
            return {k: encode_value(v) for k, v in value.items()}
        return {"#map": [[encode_value(k), encode_value(v)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]}
    raise TypeError(f"cannot write {value!r} to ITF")


def decode_value(expr: Any, where: str, field: str) -> Any:
    if isinstance(expr, bool) or isinstance(expr, str):
        return expr
    if isinstance(expr, list):
        return [decode_value(e, where, field) for e in expr]
    if isinstance(expr, dict):
        if "#bigint" in expr:
            raw = expr["#bigint"]
            if not isinstance(raw, str) or not re.fullmatch(r"-?[0-9]+", raw):
                raise BadInput(where, field, f"#bigint must be a decimal string, got {raw!r}")
            return int(raw)
        if "#map" in expr:
            pairs = expr["#map"]
            if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
                raise BadInput(where, field, "#map must be a list of [key, value] pairs")
            return {decode_value(k, where, field): decode_value(v, where, field) for k, v in pairs}
        if "#set" in expr or "#tup" in expr:
            return [decode_value(e, where, field) for e in expr.get("#set", expr.get("#tup"))]
        return {k: decode_value(v, where, f"{field}.{k}") for k, v in expr.items() if not k.startswith("#")}
    if isinstance(expr, (int, float)):
        raise BadInput(where, field, f"plain JSON number {expr!r}: ITF integers are written {{\"#bigint\": \"...\"}}")
    raise BadInput(where, field, f"not an ITF expression: {expr!r}")


def to_itf(trace: Trace, meta: dict[str, Any]) -> dict[str, Any]:
    states = []
    for i, state in enumerate(trace.states):
        step_meta: dict[str, Any] = {"index": i}
        if i == 0:
            step_meta["action"] = "init"
        else:
            step = trace.steps[i - 1]
            step_meta["action"] = step.action
            step_meta["args"] = dict(step.args)
        states.append({"#meta": step_meta, **{v: encode_value(state[v]) for v in VARS}})
    steps = [{"action": s.action, "args": dict(s.args)} for s in trace.steps]
    head = {
        "format": "ITF",
        "format-description": FORMAT_URL,
        "description": "Created by bridgeproof",
        "vocabulary": VOCABULARY,
    }
    return {"#meta": {**head, **meta, "steps": steps}, "vars": list(VARS), "states": states}


def write_new(path: Path, document: dict[str, Any]) -> None:
    """Write atomically, refusing to replace anything: a temp file in the same folder, then link()."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=1, sort_keys=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".itf.json", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise ToolError(f"{path}: already exists; counterexample files are never overwritten") from None
    finally:
        os.unlink(tmp)


def load(path: Path) -> dict[str, Any]:
    """Read and validate a counterexample file; errors name the file and the field."""
    where = str(path)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise BadInput(where, "file", "no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(where, "file", f"not JSON: {e}") from None
    if not isinstance(raw, dict):
        raise BadInput(where, "file", "the top level must be an object")
    if not isinstance(raw.get("vars"), list) or not all(isinstance(v, str) for v in raw["vars"]):
        raise BadInput(where, "vars", "must be a list of variable names")
    meta_raw = raw.get("#meta") if isinstance(raw.get("#meta"), dict) else {}
    version = meta_raw.get("vocabulary", 1)
    if version not in (1, VOCABULARY):
        raise BadInput(where, "#meta.vocabulary", f"unknown vocabulary version {version!r}")
    required = [v for v in VARS if version == VOCABULARY or v not in V1_DEFAULTS]
    missing = [v for v in required if v not in raw["vars"]]
    if missing:
        raise BadInput(where, "vars", f"missing {missing[0]!r}")
    states = raw.get("states")
    if not isinstance(states, list) or not states:
        raise BadInput(where, "states", "must be a non-empty list")
    meta = raw.get("#meta")
    if not isinstance(meta, dict):
        raise BadInput(where, "#meta", "must be an object with the protocol, trust model and steps")
    for key in ("protocol", "trust", "params", "bounds", "property", "expect", "steps"):
        if key not in meta:
            raise BadInput(where, f"#meta.{key}", "missing")
    if meta["expect"] not in EXPECTS:
        raise BadInput(where, "#meta.expect", f"must be one of {', '.join(EXPECTS)}, got {meta['expect']!r}")
    steps = meta["steps"]
    if not isinstance(steps, list):
        raise BadInput(where, "#meta.steps", "must be a list")
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or step.get("action") not in ACTIONS or not isinstance(step.get("args"), dict):
            raise BadInput(where, f"#meta.steps[{i}]", "needs an action from the vocabulary and an args object")
        allowed = ACTION_ARGS[step["action"]]
        for name, value in step["args"].items():
            if name not in allowed:
                raise BadInput(where, f"#meta.steps[{i}].args.{name}", f"not an argument of {step['action']}")
            ok = value in USERS if name == "user" else value in DIRS if name == "dir" else type(value) is int
            if not ok:
                raise BadInput(where, f"#meta.steps[{i}].args.{name}", f"bad value {value!r}")
    decoded = []
    for i, state in enumerate(states):
        if not isinstance(state, dict):
            raise BadInput(where, f"states[{i}]", "must be an object")
        row = {}
        for v in required:
            if v not in state:
                raise BadInput(where, f"states[{i}].{v}", "missing")
            row[v] = decode_value(state[v], where, f"states[{i}].{v}")
        decoded.append(row if version == VOCABULARY else upgrade_v1(row))
    if meta["expect"] == "violation" and len(decoded) != len(steps) + 1:
        raise BadInput(where, "states", f"{len(decoded)} states for {len(steps)} steps (want one more state than steps)")
    return {"meta": meta, "states": decoded, "path": where}


def show(document: dict[str, Any]) -> str:
    """A trace as a short program: one action per line, with balances, escrow and supplies after it."""
    meta = document["meta"]
    params = " ".join(f"{k}={v}" for k, v in meta["params"].items())
    lines = [
        f"# {meta['protocol']} / {meta['trust']} {params} / {meta['property']} (expect {meta['expect']})",
        f"# {len(meta['steps'])} steps; z3 {meta.get('z3_version', '?')}, seed {meta.get('seed', '?')}",
    ]
    if meta.get("refused_at") is not None:
        lines.append(f"# the model refuses step {meta['refused_at']}: the attack is fixed here")
    states = document["states"]

    def ledger(s: dict[str, Any]) -> str:
        home = ",".join(f"{u}:{s['balance_home'][u]}" for u in USERS)
        remote = ",".join(f"{u}:{s['balance_remote'][u]}" for u in USERS)
        inflight = sum(
            m["amount"] for i, m in s["sent"].items() if s["claims"].get(i, {}).get("executions", 0) == 0
        )
        clock = f" t={s['now']}" if s["now"] else ""
        return (
            f"home[{home}] remote[{remote}] escrow={s['escrow']} "
            f"supply home={s['supply_home']} remote={s['supply_remote']} inflight={inflight}{clock}"
        )

    lines.append(f"{'':>3}  {'init':<42} # {ledger(states[0])}")
    for i, step in enumerate(meta["steps"]):
        call = f"{step['action']}(" + ", ".join(f"{k}={v}" for k, v in step["args"].items()) + ")"
        refused = meta.get("refused_at")
        if i + 1 < len(states):
            after = f"# {ledger(states[i + 1])}"
        else:
            after = "# refused" if refused == i + 1 else "# not reached"
        lines.append(f"{i + 1:>3}. {call:<42} {after}")
    return "\n".join(lines)
