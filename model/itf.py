"""Counterexample files in the Informal Trace Format (Apalache ADR-015): write, read, show.

Every integer is `{"#bigint": "..."}`; a var declared as a map over an index (users, ids, ...) is a
`#map`, every record is a plain object. Our additions live in `#meta` (top level and per state),
so itf-py, itf-rs and Apalache read the files unchanged; a liveness counterexample (a lasso) has the
ITF `loop` index. Writes are atomic and never replace an existing file. What the state holds is
the file's family's business: its vars, the version of its vocabulary, and how an older version
reads today.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bridgeproof.model import meta as meta_of
from bridgeproof.model.configuration import Configuration
from bridgeproof.model.declarations import Domain, Field
from bridgeproof.model.errors import BadInput, ToolError, integer, short
from bridgeproof.model.trace import Trace

FORMAT_URL = "https://apalache-mc.org/docs/adr/015adr-trace.html"
EXPECTS = ("violation", "fixed")


def _big(n: int) -> dict[str, str]:
    return {"#bigint": str(int(n))}


def encode_value(value: Any, as_map: bool = False) -> Any:
    """Python value -> ITF expression. A declared map (an indexed var) is a `#map`, even when empty;
    every other dict is a record, even when empty, so typed readers see one shape per var."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _big(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        if as_map:
            pairs = sorted(value.items(), key=lambda kv: (str(type(kv[0])), kv[0]))
            return {"#map": [[encode_value(k), encode_value(v)] for k, v in pairs]}
        return {str(k): encode_value(v) for k, v in value.items()}
    raise TypeError(f"cannot write {value!r} to ITF")


def encode_state(cfg: Configuration, state: dict[str, Any]) -> dict[str, Any]:
    return {v.name: encode_value(state[v.name], as_map=v.index is not None) for v in cfg.vars}


def decode_value(expr: Any, where: str, field: str) -> Any:
    if isinstance(expr, bool) or isinstance(expr, str):
        return expr
    if isinstance(expr, list):
        return [decode_value(e, where, field) for e in expr]
    if isinstance(expr, dict):
        if "#bigint" in expr:
            raw = expr["#bigint"]
            if not isinstance(raw, str) or not re.fullmatch(r"-?[0-9]{1,4000}", raw):
                raise BadInput(where, field, f"#bigint must be a decimal string (<= 4000 digits), got {short(raw)}")
            return int(raw)
        if "#map" in expr:
            pairs = expr["#map"]
            if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
                raise BadInput(where, field, "#map must be a list of [key, value] pairs")
            out = {}
            for k, v in pairs:
                key = decode_value(k, where, field)
                if not isinstance(key, (str, int)):
                    raise BadInput(where, field, f"#map key {short(k)}: a key is a string or an integer")
                out[key] = decode_value(v, where, field)
            return out
        for tag in ("#set", "#tup"):
            if tag in expr:
                if not isinstance(expr[tag], list):
                    raise BadInput(where, field, f"{tag} must be a list, got {short(expr[tag])}")
                return [decode_value(e, where, field) for e in expr[tag]]
        return {k: decode_value(v, where, f"{field}.{k}") for k, v in expr.items() if not k.startswith("#")}
    if isinstance(expr, (int, float)):
        raise BadInput(where, field, f"plain JSON number {expr!r}: ITF integers are written {{\"#bigint\": \"...\"}}")
    raise BadInput(where, field, f"not an ITF expression: {expr!r}")


def to_itf(trace: Trace, cfg: Configuration, meta: dict[str, Any]) -> dict[str, Any]:
    """A trace of this configuration as an ITF document; `meta` adds what the run was (property, expect, ...)."""
    states = []
    for i, state in enumerate(trace.states):
        step_meta: dict[str, Any] = {"index": i}
        if i == 0:
            step_meta["action"] = "init"
        else:
            step = trace.steps[i - 1]
            step_meta["action"] = step.action
            step_meta["args"] = dict(step.args)
        states.append({"#meta": step_meta, **encode_state(cfg, state)})
    steps = [{"action": s.action, "args": dict(s.args)} for s in trace.steps]
    head = {
        "format": "ITF",
        "format-description": FORMAT_URL,
        "description": "Created by bridgeproof",
        "vocabulary": cfg.protocol.vocabulary,
    }
    loop = meta.get("loop")
    document: dict[str, Any] = {"#meta": {**head, **meta_of.describe(cfg), **meta, "steps": steps}}
    document["vars"] = [v.name for v in cfg.vars]
    document["states"] = states
    if loop is not None:
        document["loop"] = loop
    return document


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


def _read(path: Path, what: str) -> dict[str, Any]:
    """The file's JSON object, or bad input naming the file."""
    where = str(path)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise BadInput(where, "file", "no such file") from None
    except IsADirectoryError:
        raise BadInput(where, "file", f"is a folder, not {what}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(where, "file", f"not JSON: {e}") from None
    except RecursionError:
        raise BadInput(where, "file", f"nested too deeply to be {what}") from None
    except OSError as e:
        raise BadInput(where, "file", f"cannot read: {e.strerror}") from None
    if not isinstance(raw, dict):
        raise BadInput(where, "file", "the top level must be an object")
    return raw


def load(path: Path) -> dict[str, Any]:
    """Read and validate a counterexample file; errors name the file and the field.

    Returns `meta`, `states` (decoded, in today's vocabulary of the file's family), `path` and
    `config`, the configuration the file's `#meta` describes.
    """
    where = str(path)
    raw = _read(path, "a counterexample file")
    if not isinstance(raw.get("vars"), list) or not all(isinstance(v, str) for v in raw["vars"]):
        raise BadInput(where, "vars", "must be a list of variable names")
    states = raw.get("states")
    if not isinstance(states, list) or not states:
        raise BadInput(where, "states", "must be a non-empty list")
    meta = raw.get("#meta")
    if not isinstance(meta, dict):
        raise BadInput(where, "#meta", "must be an object with the protocol, trust model and steps")
    for key in ("protocol", "trust", "params", "bounds", "property", "expect", "steps"):
        if key not in meta:
            raise BadInput(where, f"#meta.{key}", "missing")
    if not isinstance(meta["expect"], str) or meta["expect"] not in EXPECTS:
        raise BadInput(where, "#meta.expect", f"must be one of {', '.join(EXPECTS)}, got {short(meta['expect'])}")
    cfg = meta_of.configuration(meta, where)
    family = cfg.protocol
    _check_property(meta, cfg, where)
    version = meta.get("vocabulary", 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= family.vocabulary:
        raise BadInput(where, "#meta.vocabulary", f"unknown vocabulary version {version!r}")
    required = family.vars_of_version(version, cfg)
    missing = [v for v in required if v not in raw["vars"]]
    if missing:
        raise BadInput(where, "vars", f"missing {missing[0]!r}")
    steps = meta["steps"]
    if not isinstance(steps, list):
        raise BadInput(where, "#meta.steps", "must be a list")
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or not isinstance(step.get("action"), str) or not isinstance(step.get("args"), dict):
            raise BadInput(where, f"#meta.steps[{i}]", "needs an action name and an args object")
        declared = cfg.action.get(step["action"])
        if meta["expect"] == "fixed":
            # A defended variant may refuse the attack's call outright (an action or an argument it
            # does not have): that is for the replay to show. A value is still a value.
            for name, value in step["args"].items():
                arg = declared.arg(name) if declared is not None and name in declared.arg_names else None
                if type(value) not in (int, str) or (arg is not None and arg.domain is None and type(value) is not int):
                    raise BadInput(where, f"#meta.steps[{i}].args.{name}", f"bad value {short(value)}")
            continue
        if declared is None:
            raise BadInput(where, f"#meta.steps[{i}].action", f"{step['action']!r} is not an action of this configuration")
        for name, value in step["args"].items():
            if name not in declared.arg_names:
                raise BadInput(where, f"#meta.steps[{i}].args.{name}", f"not an argument of {step['action']}")
            arg = declared.arg(name)
            ok = arg.domain.position(value) is not None if arg.domain is not None else type(value) is int
            if not ok:
                raise BadInput(where, f"#meta.steps[{i}].args.{name}", f"bad value {value!r}")
    refused_at = meta.get("refused_at")
    if refused_at is not None:
        integer(refused_at, where, "#meta.refused_at", 1)  # past the steps: for the replay to disagree
    loop = raw.get("loop")
    if loop is not None and (isinstance(loop, bool) or not isinstance(loop, int) or not 0 <= loop < len(states)):
        raise BadInput(where, "loop", f"must be the index of a state, got {short(loop)}")
    decoded = []
    for i, state in enumerate(states):
        if not isinstance(state, dict):
            raise BadInput(where, f"states[{i}]", "must be an object")
        row = {}
        for v in required:
            if v not in state:
                raise BadInput(where, f"states[{i}].{v}", "missing")
            row[v] = decode_value(state[v], where, f"states[{i}].{v}")
        if version < family.vocabulary:
            try:
                row = family.upgrade_state(version, row)
            except (KeyError, TypeError, AttributeError, ValueError):
                raise BadInput(where, f"states[{i}]", f"does not fit vocabulary version {version}") from None
        decoded.append(row)
    if meta["expect"] == "violation" and len(decoded) != len(steps) + 1:
        raise BadInput(where, "states", f"{len(decoded)} states for {len(steps)} steps (want one more state than steps)")
    return {"meta": meta, "states": decoded, "path": where, "config": cfg, "loop": loop}


def _check_property(meta: dict[str, Any], cfg: Configuration, where: str) -> None:
    """The property is one of this family's, or max_loss with the bound the file was checked against."""
    from bridgeproof.properties import PROPERTIES

    name = meta["property"]
    if name == "max_loss":
        if not cfg.protocol.measures_loss():
            raise BadInput(where, "#meta.property", f"{cfg.protocol.id} has no measure of what the adversary gains")
        if "max_loss" in meta:
            integer(meta["max_loss"], where, "#meta.max_loss", 1)
            if "max_loss_bound" in meta:
                integer(meta["max_loss_bound"], where, "#meta.max_loss_bound", 0)
        else:
            integer(meta.get("max_loss_bound"), where, "#meta.max_loss_bound", 0)
        return
    if not isinstance(name, str) or name not in PROPERTIES:
        raise BadInput(where, "#meta.property", f"unknown property {short(name)}")
    if not PROPERTIES[name].applies_to(cfg.protocol):
        families = ", ".join(PROPERTIES[name].families)
        raise BadInput(where, "#meta.property", f"{name} is a property of {families}, not of {cfg.protocol.id}")


def _fits(f: Field, value: Any) -> bool:
    if isinstance(f.sort, Domain):
        return f.sort.position(value) is not None
    return type(value) is (bool if f.sort == "bool" else int)


def _sort(f: Field) -> str:
    if isinstance(f.sort, Domain):
        return f"one of {list(f.sort.values)}"
    return "an integer" if f.sort == "int" else "true or false"


def _check_value(value: Any, fields: list[Field], where: str, field: str) -> None:
    """A value, or a record of values, of the declared sorts (every declared member present)."""
    scalar = next((f for f in fields if len(f.path) == 1 and not f.presence), None)
    if scalar is not None:
        if not _fits(scalar, value):
            raise BadInput(where, field, f"must be {_sort(scalar)}, got {short(value)}")
        return
    if not isinstance(value, dict):
        raise BadInput(where, field, f"must be a record, got {short(value)}")
    for f in fields:
        if len(f.path) < 2:
            continue
        node: Any = value
        for depth, part in enumerate(f.path[1:]):
            if not isinstance(node, dict):
                raise BadInput(where, f"{field}.{'.'.join(f.path[1 : depth + 1])}", "must be a record")
            if part not in node:
                raise BadInput(where, f"{field}.{'.'.join(f.path[1 : depth + 2])}", "missing")
            node = node[part]
        if not _fits(f, node):
            raise BadInput(where, f"{field}.{'.'.join(f.path[1:])}", f"must be {_sort(f)}, got {short(node)}")


def check_states(document: dict[str, Any]) -> None:
    """Every state of a loaded file has the shapes its configuration declares, so neither `show` (the
    family's summary) nor the replay meets a string where a balance belongs: a malformed file is bad
    input (exit 2), never a crash or a disagreement between the model and the reference (exit 1).

    Kept apart from `load`, which reads any well-formed ITF file of a known configuration (tests
    write files whose states are placeholders); the commands that interpret states call this too.
    """
    for i, state in enumerate(document["states"]):
        _check_state(document["config"], state, document["path"], f"states[{i}]")


def _check_state(cfg: Configuration, state: dict[str, Any], where: str, field: str) -> None:
    for var in cfg.vars:
        if var.name not in state:
            raise BadInput(where, f"{field}.{var.name}", "missing")
        members = [f for f in cfg.fields if f.path[0] == var.name]
        value, here = state[var.name], f"{field}.{var.name}"
        if var.index is None:
            _check_value(value, members, where, here)
            continue
        if not isinstance(value, dict):
            raise BadInput(where, here, f"must be a #map over {var.index.name}, got {short(value)}")
        for key in value:
            if var.index.position(key) is None:
                raise BadInput(where, here, f"key {short(key)} is not one of {list(var.index.values)}")
        if members and not any(f.presence for f in members):
            missing = [k for k in var.index.values if k not in value]
            if missing:
                raise BadInput(where, here, f"key {short(missing[0])} is missing")
        rows = [f for f in members if not f.presence]
        if rows:
            for key, row in value.items():
                _check_value(row, rows, where, f"{here}.{key}")


def show(document: dict[str, Any]) -> str:
    """A trace as a short program: one action per line, with the family's summary of the state after it."""
    meta, cfg = document["meta"], document["config"]
    params = " ".join(f"{k}={v}" for k, v in {**meta.get("protocol_params", {}), **meta["params"]}.items())
    trust = f" / {meta['trust']}" if meta.get("trust") else ""
    lines = [
        f"# {meta['protocol']}{trust} {params} / {meta['property']} (expect {meta['expect']})".replace("  ", " "),
        f"# {len(meta['steps'])} steps; z3 {meta.get('z3_version', '?')}, seed {meta.get('seed', '?')}",
    ]
    if meta.get("refused_at") is not None:
        lines.append(f"# the model refuses step {meta['refused_at']}: the attack is fixed here")
    states = document["states"]
    loop = document.get("loop")

    def summary(s: dict[str, Any]) -> str:
        return cfg.protocol.summary(s)

    lines.append(f"{'':>3}  {'init':<42} # {summary(states[0])}")
    for i, step in enumerate(meta["steps"]):
        call = f"{step['action']}(" + ", ".join(f"{k}={v}" for k, v in step["args"].items()) + ")"
        refused = meta.get("refused_at")
        if i + 1 < len(states):
            after = f"# {summary(states[i + 1])}"
        else:
            after = "# refused" if refused == i + 1 else "# not reached"
        lines.append(f"{i + 1:>3}. {call:<42} {after}")
    if loop is not None:
        lines.append(f"# then forever: back to the state after step {loop} (the loop of a lasso)")
    return "\n".join(lines)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A state as `path -> leaf value` (`claims.0.amount -> 5`), so every field, however deeply kept
    (buckets, queues, pause, evidence, forks), can be printed and compared."""
    if isinstance(value, Mapping) and value:
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, (list, tuple)) and value and any(isinstance(v, (Mapping, list, tuple)) for v in value):
        out = {}
        for i, inner in enumerate(value):
            out.update(flatten(inner, f"{prefix}[{i}]"))
        return out
    return {prefix or "value": value}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What one step changed, as `path: old -> new` lines (a path only on one side shows `-`)."""
    old, new = flatten(before), flatten(after)
    lines = []
    for path in dict.fromkeys([*old, *new]):
        a, b = old.get(path, "-"), new.get(path, "-")
        if a != b and not ({_text(a), _text(b)} <= {"-", "{}"}):
            lines.append(f"{path}: {_text(a)} -> {_text(b)}")
    return lines


def _text(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    return str(value)


def show_diff(document: dict[str, Any]) -> str:
    """`show --diff`: the header, the initial state in full, then per step the call and only what it changed."""
    head = show(document).splitlines()[:2]
    states, meta = document["states"], document["meta"]
    lines = [*head, "init:"]
    lines += [f"    {path} = {_text(v)}" for path, v in flatten(states[0]).items()]
    for i, step in enumerate(meta["steps"]):
        call = f"{step['action']}(" + ", ".join(f"{k}={v}" for k, v in step["args"].items()) + ")"
        lines.append(f"{i + 1:>3}. {call}")
        if i + 1 < len(states):
            lines += [f"    {c}" for c in changes(states[i], states[i + 1])] or ["    (nothing observable changed)"]
        else:
            lines.append("    (refused)" if meta.get("refused_at") == i + 1 else "    (not reached)")
    return "\n".join(lines)


def show_state(state: Mapping[str, Any], title: str) -> str:
    """Every field of one state, one per line."""
    return "\n".join([title, *(f"    {path} = {_text(v)}" for path, v in flatten(state).items())])


def load_any(path: Path) -> dict[str, Any]:
    """Any well-formed ITF file, ours or another tool's: `vars`, decoded `states`, `loop`, `#meta` as is."""
    where = str(path)
    raw = _read(path, "an ITF file")
    states = raw.get("states")
    if not isinstance(states, list) or not states or not all(isinstance(st, dict) for st in states):
        raise BadInput(where, "states", "must be a non-empty list of objects")
    decoded = []
    for i, st in enumerate(states):
        decoded.append({k: decode_value(v, where, f"states[{i}].{k}") for k, v in st.items() if k != "#meta"})
    loop = raw.get("loop")
    if loop is not None and (isinstance(loop, bool) or not isinstance(loop, int) or not 0 <= loop < len(states)):
        raise BadInput(where, "loop", f"must be the index of a state, got {short(loop)}")
    meta = raw.get("#meta") if isinstance(raw.get("#meta"), dict) else {}
    return {"meta": meta, "states": decoded, "path": where, "loop": loop, "vars": raw.get("vars", [])}


def show_generic(document: dict[str, Any]) -> str:
    """Any ITF trace: the first state in full, then what each next state changed (actions unknown)."""
    meta = document["meta"]
    lines = [f"# {document['path']}: {len(document['states'])} states" + (f"; {meta.get('description')}" if meta.get("description") else "")]
    states = document["states"]
    lines.append(show_state(states[0], "state 0:"))
    for i in range(1, len(states)):
        lines.append(f"state {i}:")
        action = states[i].get("mbt::actionTaken") or states[i].get("action_taken")
        if action is not None:
            lines.append(f"    (action {action})")
        lines += [f"    {c}" for c in changes(states[i - 1], states[i])] or ["    (no change)"]
    if document.get("loop") is not None:
        lines.append(f"# then back to state {document['loop']} forever (a lasso)")
    return "\n".join(lines)
