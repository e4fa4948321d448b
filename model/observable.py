"""The observable state (the ITF `vars`), assembled from field values and taken apart again.

NOTE(shared-vocabulary): this is vocabulary, not semantics. Both semantics report their state as
one value per declared field (the solver's model, or the reference's `read()`), and this module
lays those values out as SEMANTICS.md's observable state: a var is a value, a record, or a map
over an index domain; a `presence` field says which keys of a map exist. `solver_values` is the
inverse, so properties can read an observed state (replay, Hypothesis) exactly as they read a
symbolic one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bridgeproof.model.declarations import Domain, Field, Var

Reader = Callable[[Field, "int | None"], Any]
"""The observable value (an enum as its value, not its position) of a field at an index position."""


def _members(var: Var, fields: tuple[Field, ...]) -> list[Field]:
    return [f for f in fields if f.path[0] == var.name]


def _put(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        record = record.setdefault(part, {})
    record[path[-1]] = value


def assemble(vars_: tuple[Var, ...], fields: tuple[Field, ...], read: Reader) -> dict[str, Any]:
    """The observable state, var by var, in declaration order."""
    out: dict[str, Any] = {}
    for var in vars_:
        members = _members(var, fields)
        presence = next((f for f in members if f.presence), None)
        scalar = next((f for f in members if len(f.path) == 1 and not f.presence), None)
        columns = [f for f in members if len(f.path) > 1]
        if var.index is None:
            if scalar is not None:
                out[var.name] = read(scalar, None)
            else:
                record: dict[str, Any] = {}
                for f in columns:
                    _put(record, f.path[1:], read(f, None))
                out[var.name] = record
            continue
        table: dict[Any, Any] = {}
        if members:
            for p, key in enumerate(var.index.values):
                if presence is not None and not read(presence, p):
                    continue
                if scalar is not None:
                    table[key] = read(scalar, p)
                else:
                    row: dict[str, Any] = {}
                    for f in columns:
                        _put(row, f.path[1:], read(f, p))
                    table[key] = row
        out[var.name] = table
    return out


def observable_value(f: Field, value: Any) -> Any:
    """A solver value in observable form: an enum position becomes its value."""
    if isinstance(f.sort, Domain):
        return f.sort.values[int(value)] if 0 <= int(value) < len(f.sort) else int(value)
    return value


def solver_value(f: Field, value: Any) -> Any:
    """An observable value in solver form: an enum value becomes its position."""
    if isinstance(f.sort, Domain):
        p = f.sort.position(value)
        if p is None:
            raise ValueError(f"{f.name}: {value!r} is not one of {list(f.sort.values)}")
        return p
    return value


def reader_of_readings(fields: tuple[Field, ...], readings: Mapping[str, Any]) -> Reader:
    """A Reader over concrete readings: `{field: value}` or, indexed, `{field: {index value: value}}`."""

    def read(f: Field, position: int | None) -> Any:
        if f.fixed or f.name not in readings:
            return observable_value(f, f.default)
        raw = readings[f.name]
        if f.index is None:
            return raw
        key = f.index.values[position]  # type: ignore[index]
        if key in raw:
            return raw[key]
        return observable_value(f, f.default)

    return read


def _lookup(observed: Mapping[str, Any], var: Var, f: Field, position: int | None) -> tuple[bool, Any]:
    """(found, value) of one field in an observed state."""
    node: Any = observed.get(var.name)
    if var.index is not None:
        if not isinstance(node, Mapping):
            return False, None
        key = var.index.values[position]  # type: ignore[index]
        if key not in node:
            return False, None
        node = node[key]
        if f.presence:
            return True, True
    for part in f.path[1:]:
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def solver_values(vars_: tuple[Var, ...], fields: tuple[Field, ...], observed: Mapping[str, Any]) -> dict[str, Any]:
    """Every field value of an observed state in solver form, by symbolic key (absent: the default)."""
    by_var = {v.name: v for v in vars_}
    out: dict[str, Any] = {}
    for f in fields:
        var = by_var[f.path[0]]
        positions: list[int | None] = [None] if f.index is None else list(range(len(f.index)))
        for p in positions:
            found, value = _lookup(observed, var, f, p)
            if f.presence and not found:
                value, found = False, True
            out[f.key(p)] = solver_value(f, value) if found else f.default
    return out
