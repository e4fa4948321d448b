"""Sweeps: one property checked at every point of a parameter grid, as data for a table or a picture.

A designer asks "for which settings is this bridge safe?", and one `check` answers for one setting.
A sweep plans every point first (so a typo or a setting the model refuses is bad input before any
solver runs), then runs the points as independent checks: in worker processes, or on a Dask cluster
through a mapper of the same shape (model/cluster.py). Each check is seeded and budgeted in solver
resource units (model/engine/budget.py), so a row is a function of its point alone: wherever and in
whatever order the points run, the rows, and so the JSON without its timing, are byte-identical.

Like `synth`, a sweep writes no trace and no certificate: its points are a survey, not findings
(`bridgeproof check` with a row's parameters reproduces any of them and saves what it finds).

Grid syntax (`--grid NAME=SPEC`, repeatable, in order): SPEC is a comma-separated list of items, each
an integer expression `E` or an inclusive range `E..E` with an optional step `E..E:S`. An expression
is integers, the grid variables named before this one, `+ - * // %`, parentheses, `min(...)` and
`max(...)`: `n=4..30`, `k=1..n`, `f=n//3`, `k=n//2..n:2`, `f=0,k-1,k`.
"""

from __future__ import annotations

import ast
import csv
import io
import itertools
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from bridgeproof.model.errors import BadInput

CL = "command line"
SCHEMA = "bridgeproof.sweep/1"
MAX_POINTS = 100_000
"""More points than any cluster finishes in a day: past it, a grid is a typo (n=4..40000)."""
MAX_VALUE = 2**62
"""A grid value beyond this is a runaway expression, not a parameter (an int64 still holds it)."""
MAX_TEXT = 1000
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Mapper = Callable[..., Iterator[tuple[int, Any]]]
"""`(function, items, workers, tick) -> (index, function(item))` as each finishes: pool.each_in_workers's shape."""


# --- grid syntax -------------------------------------------------------------------------------

_BINARY: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_CALLS: dict[str, Callable[..., int]] = {"min": min, "max": max}


@attrs.frozen
class Expr:
    """An integer expression over earlier grid variables, parsed once and checked when parsed."""

    text: str
    tree: ast.expr = attrs.field(eq=False, repr=False)

    def value(self, env: Mapping[str, int], field: str) -> int:
        try:
            out = _evaluate(self.tree, env)
        except ZeroDivisionError:
            raise BadInput(CL, field, f"{self.text!r} divides by zero at {_at(env)}") from None
        if abs(out) > MAX_VALUE:
            raise BadInput(CL, field, f"{self.text!r} is {out} at {_at(env)}: out of range")
        return out


def _evaluate(node: ast.expr, env: Mapping[str, int]) -> int:
    if isinstance(node, ast.Constant):
        return int(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, env)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return _CALLS[node.func.id](*(_evaluate(a, env) for a in node.args))


def expression(text: str, field: str, names: Sequence[str]) -> Expr:
    """`text` as an Expr over `names`, or bad input saying what is not allowed."""
    text = text.strip()
    if not text:
        raise BadInput(CL, field, "an empty value (write a number, an earlier grid variable or a range LO..HI)")
    if len(text) > MAX_TEXT:
        raise BadInput(CL, field, f"{len(text)} characters; an expression is at most {MAX_TEXT}")
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise BadInput(CL, field, f"{text!r} is not an integer expression") from None
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int):
                raise BadInput(CL, field, f"{text!r}: {node.value!r} is not an integer")
        elif isinstance(node, ast.Name):
            if id(node) in called:
                continue
            if node.id not in names:
                known = (
                    f"the grid variables before this one: {', '.join(names)}"
                    if names
                    else "no grid variable comes before this one"
                )
                raise BadInput(CL, field, f"unknown name {node.id!r} in {text!r} ({known})")
        elif isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Div):
                raise BadInput(CL, field, f"{text!r}: '/' is not integer division; write //")
            if type(node.op) not in _BINARY:
                raise BadInput(CL, field, f"{text!r}: only + - * // % are allowed")
        elif isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _CALLS and node.args and not node.keywords):
                raise BadInput(CL, field, f"{text!r}: the only calls are min(...) and max(...)")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise BadInput(CL, field, f"{text!r}: only + - * // % are allowed")
        elif not isinstance(node, (ast.operator, ast.unaryop, ast.expr_context)):
            raise BadInput(CL, field, f"{text!r} is not an integer expression")
    return Expr(text, tree)


@attrs.frozen
class Item:
    """One comma-separated part of a grid spec: a value, or an inclusive range with a step."""

    low: Expr
    high: Expr | None = None
    step: Expr | None = None

    def values(self, env: Mapping[str, int], field: str) -> range:
        low = self.low.value(env, field)
        if self.high is None:
            return range(low, low + 1)
        step = self.step.value(env, field) if self.step is not None else 1
        if step < 1:
            raise BadInput(
                CL,
                field,
                f"the step {self.step.text if self.step else step!r} is {step} at {_at(env)}; it must be >= 1",
            )
        return range(low, self.high.value(env, field) + 1, step)


@attrs.frozen
class Axis:
    """One grid variable: its name, its spec as written, and the items that give its values."""

    name: str
    spec: str
    items: tuple[Item, ...]

    @property
    def field(self) -> str:
        return f"--grid.{self.name}"

    def values(self, env: Mapping[str, int]) -> list[int]:
        """Its values at a point of the earlier variables, in order, each once (an empty range gives none)."""
        return list(dict.fromkeys(v for item in self.items for v in item.values(env, self.field)))


def spec_items(spec: str, field: str, names: Sequence[str]) -> tuple[Item, ...]:
    items = []
    for part in _top_level(spec):
        low, dots, rest = part.partition("..")
        if not dots:
            items.append(Item(expression(low, field, names)))
            continue
        high, colon, step = rest.partition(":")
        if ".." in high or ":" in low:
            raise BadInput(CL, field, f"{part.strip()!r}: write a range as LO..HI or LO..HI:STEP")
        items.append(
            Item(
                expression(low, field, names),
                expression(high, field, names),
                expression(step, field, names) if colon else None,
            )
        )
    return tuple(items)


def _top_level(spec: str) -> list[str]:
    """`spec` split at its commas outside parentheses (`0,max(1,n//2)` is two items)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(spec):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    return [*parts, spec[start:]]


def parse_grid(texts: Sequence[str], reserved: Iterable[str] = ()) -> tuple[Axis, ...]:
    """`--grid NAME=SPEC` options as axes; a spec may name the variables before it (`k=1..n`)."""
    axes: list[Axis] = []
    taken = set(reserved)
    for text in texts:
        name, equals, spec = text.partition("=")
        name = name.strip()
        if not equals or not NAME.fullmatch(name):
            raise BadInput(CL, "--grid", f"expected NAME=SPEC (e.g. n=4..10 or k=1..n), got {text!r}")
        field = f"--grid.{name}"
        if name in taken or any(a.name == name for a in axes):
            raise BadInput(CL, field, f"{name} is given twice")
        if name in _CALLS:
            raise BadInput(CL, field, f"{name} is a function of the grid syntax; a parameter cannot have that name")
        axes.append(Axis(name, spec.strip(), spec_items(spec, field, [a.name for a in axes])))
    return tuple(axes)


def integers(text: str, field: str) -> tuple[int, ...]:
    """A list of constants in the grid syntax (`2,3` or `1..4`), as for `--messages`."""
    values = list(dict.fromkeys(v for item in spec_items(text, field, []) for v in item.values({}, field)))
    if not values:
        raise BadInput(CL, field, f"{text!r} gives no value")
    return tuple(values)


def assignments(axes: Sequence[Axis]) -> list[dict[str, int]]:
    """Every point of the grid, the first variable slowest, each later one over its values there."""
    out: list[dict[str, int]] = []

    def walk(i: int, env: dict[str, int]) -> None:
        if i == len(axes):
            if len(out) >= MAX_POINTS:
                raise BadInput(
                    CL, "--grid", f"more than {MAX_POINTS} points; narrow a range or add a step (LO..HI:STEP)"
                )
            out.append(dict(env))
            return
        for value in axes[i].values(env):
            walk(i + 1, {**env, axes[i].name: value})

    walk(0, {})
    return out


def _at(env: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in env.items()) or "every point"


# --- planning ----------------------------------------------------------------------------------


@attrs.frozen
class Point:
    """One check of the sweep: its coordinates and the scenario that runs it."""

    trust: str | None
    messages: int | None
    values: tuple[tuple[str, int], ...]
    scenario: Any


@attrs.frozen
class Plan:
    """What a sweep runs, every point already accepted by its family and trust model."""

    protocol: str
    trusts: tuple[str | None, ...]
    property: str
    grid: tuple[Axis, ...]
    params: dict[str, str]
    messages: tuple[int, ...] | None
    """The message counts swept, or None for a family that does not use that bound."""
    bounds: dict[str, int]
    prove: bool
    seed: int
    budget: int
    points: tuple[Point, ...]


def plan(
    protocol: str,
    trusts: Sequence[str | None],
    prop: str,
    grid: Sequence[Axis],
    params: Mapping[str, str],
    messages: Sequence[int] | None,
    depth: int | None = None,
    supply: int | None = None,
    prove: bool = False,
    seed: int = 0,
    budget: int | None = None,
) -> Plan:
    """Every point as a scenario, refused as bad input (naming the grid variable and the point) if the
    family or a trust model would refuse it: nothing runs until the whole grid is known to be valid."""
    from bridgeproof.model.configuration import Bounds
    from bridgeproof.model.engine.budget import DEFAULT_UNITS
    from bridgeproof.model.protocols import PROTOCOLS
    from bridgeproof.model.scenarios import Scenario
    from bridgeproof.properties import get

    family_cls = PROTOCOLS.get(protocol, CL, "--protocol")
    family_names = {a.name for a in attrs.fields(family_cls)}
    prop_def = get(prop, CL, "--property")
    if not prop_def.applies_to(family_cls):
        raise BadInput(CL, "--property", f"{prop} is a property of {', '.join(prop_def.families)}, not of {protocol}")
    trusts = _trusts(family_cls, trusts)
    names = [a.name for a in grid]
    for name in params:
        if name in names:
            raise BadInput(CL, f"--param.{name}", f"{name} is also a grid variable; give it once")
    for trust in trusts:
        owned = family_names | (_trust_names(trust) if trust is not None else set())
        owners = protocol + (f" or {trust}" if trust is not None else "")
        for axis in grid:
            if axis.name not in owned:
                raise BadInput(
                    CL, axis.field, f"not a parameter of {owners} (known: {', '.join(sorted(owned)) or 'none'})"
                )
        for name in params:
            if name not in owned:
                raise BadInput(
                    CL, f"--param.{name}", f"not a parameter of {owners} (known: {', '.join(sorted(owned)) or 'none'})"
                )
    if messages is not None and "messages" not in family_cls.bounds_used:
        raise BadInput(
            CL,
            "--messages",
            f"{protocol} does not use this bound (it uses: {', '.join(sorted(family_cls.bounds_used))})",
        )
    if supply is not None and "supply" not in family_cls.bounds_used:
        raise BadInput(
            CL, "--supply", f"{protocol} does not use this bound (it uses: {', '.join(sorted(family_cls.bounds_used))})"
        )
    counts: tuple[int | None, ...] = (None,)
    if "messages" in family_cls.bounds_used:
        counts = tuple(messages) if messages is not None else (Bounds().messages,)
    given = {k: v for k, v in (("depth", depth), ("supply", supply)) if v is not None}
    grid_points = assignments(grid)
    if not grid_points:
        raise BadInput(CL, "--grid", "the grid has no points (a range whose low end is above its high end?)")
    points = []
    for trust, count, values in itertools.product(trusts, counts, grid_points):
        bounds = Bounds(**given, **({"messages": count} if count is not None else {}))
        sc = _scenario(protocol, trust, family_names, dict(params), values, bounds, seed, budget, Scenario, names)
        points.append(Point(trust, count, tuple(values.items()), sc))
    shown = {"depth": Bounds(**given).depth}
    if "supply" in family_cls.bounds_used:
        shown["supply"] = Bounds(**given).supply
    return Plan(
        protocol,
        tuple(trusts),
        prop,
        tuple(grid),
        dict(params),
        tuple(counts) if counts != (None,) else None,  # type: ignore[arg-type]
        shown,
        prove,
        seed,
        budget if budget is not None else DEFAULT_UNITS,
        tuple(points),
    )


def _trusts(family_cls: Any, trusts: Sequence[str | None]) -> list[str | None]:
    from bridgeproof.model.trust import TRUST_MODELS

    given = [t for t in trusts if t is not None]
    if family_cls.trust == "none":
        if given:
            raise BadInput(CL, "--trust", f"{family_cls.id} has no claims for a trust model to judge")
        return [None]
    if not given:
        raise BadInput(CL, "--trust", f"missing: {family_cls.id} needs a trust model")
    for t in given:
        TRUST_MODELS.get(t, CL, "--trust")
        if t == "aggregate":
            raise BadInput(
                CL,
                "--trust",
                "aggregate takes a list of verifier tables; sweep it from a scenario file's numbers instead",
            )
    if len(set(given)) != len(given):
        raise BadInput(CL, "--trust", "a trust model is listed twice")
    return list(given)


def _trust_names(trust: str) -> set[str]:
    from bridgeproof.model.trust import TRUST_MODELS

    cls = TRUST_MODELS.get(trust, CL, "--trust")
    return {a.name for a in attrs.fields(cls) if not a.metadata.get("internal")}


def _scenario(
    protocol: str,
    trust: str | None,
    family_names: set[str],
    params: dict[str, Any],
    values: dict[str, int],
    bounds: Any,
    seed: int,
    budget: int | None,
    scenario_cls: Any,
    grid_names: Sequence[str],
) -> Any:
    """The scenario of one point; a refusal names the grid variable at fault (or the fixed --param) and the point."""
    from bridgeproof.model.protocols import PROTOCOLS
    from bridgeproof.model.scenarios import fit
    from bridgeproof.model.trust import TRUST_MODELS

    given = {**params, **values}
    try:
        family = PROTOCOLS.build(protocol, {k: v for k, v in given.items() if k in family_names}, CL, "--param")
        model = None
        if trust is not None:
            model = TRUST_MODELS.build(trust, {k: v for k, v in given.items() if k not in family_names}, CL, "--param")
        label = "-".join(f"{k}{v}" for k, v in values.items())
        count = f"-m{bounds.messages}" if "messages" in family.bounds_used else ""
        sc = scenario_cls(
            name=f"sweep-{protocol}-{trust or 'none'}{count}{'-' + label if label else ''}",
            path=CL,
            protocol=family,
            trust=model,
            bounds=bounds,
            expect={},
            seed=seed,
            budget=budget,
        )
        fit(sc.config, CL, "--protocol", "--trust", "--param.", params=("--param", "--param"))
    except BadInput as e:
        name = e.field.removeprefix("--param.")
        field = f"--grid.{name}" if name in grid_names else e.field
        where = ", ".join(p for p in (trust and f"trust={trust}", _at(values) if values else "") if p)
        raise BadInput(CL, field, f"at {where}: {e.why}" if where else e.why) from None
    return sc


# --- running -----------------------------------------------------------------------------------


Job = tuple[Any, str, bool]


def run_point(job: Job) -> Any:
    """One point's check, in whatever process runs it (module-level, so a pool or Dask can pickle it)."""
    from bridgeproof.model.check import check

    sc, prop, prove = job
    return check(sc, prop, save=False, prove=prove)


@attrs.frozen
class Row:
    """One point's outcome. `seconds` is the only field that depends on the machine."""

    trust: str | None
    messages: int | None
    values: dict[str, int]
    verdict: str
    depth: int
    resource_units: int
    why: str
    seconds: float

    def as_json(self, timing: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "trust": self.trust,
            "messages": self.messages,
            "values": dict(self.values),
            "verdict": self.verdict,
            "depth": self.depth,
            "resource_units": self.resource_units,
            "why": self.why,
        }
        if timing:
            out["seconds"] = round(self.seconds, 3)
        return out


@attrs.frozen
class Sweep:
    plan: Plan
    rows: tuple[Row, ...]
    """In plan order (trust model, message count, then the grid with its first variable slowest)."""
    wall: float
    backend: str

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.verdict] = out.get(r.verdict, 0) + 1
        return dict(sorted(out.items()))

    def as_json(self, timing: bool = True) -> dict[str, Any]:
        """The sweep as data (model/schemas/sweep.schema.json). Without `timing`, nothing in it depends
        on the machine, the backend or the order the points ran in: two runs of one plan compare equal."""
        p = self.plan
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "protocol": p.protocol,
            "trust": list(p.trusts) if p.trusts != (None,) else [],
            "property": p.property,
            "grid": {a.name: a.spec for a in p.grid},
            "params": dict(p.params),
            "messages": list(p.messages) if p.messages is not None else None,
            "bounds": dict(p.bounds),
            "prove": p.prove,
            "seed": p.seed,
            "budget": p.budget,
            "points": len(self.rows),
            "counts": self.counts(),
            "rows": [r.as_json(timing) for r in self.rows],
        }
        if timing:
            out["timing"] = {
                "wall_seconds": round(self.wall, 3),
                "solver_seconds": round(sum(r.seconds for r in self.rows), 3),
                "backend": self.backend,
            }
        return out

    def csv(self, timing: bool = True) -> str:
        """One line per point: trust, messages, the grid variables, verdict, depth, units (seconds), why."""
        names = [a.name for a in self.plan.grid]
        head = [
            "trust",
            "messages",
            *names,
            "verdict",
            "depth",
            "resource_units",
            *(["seconds"] if timing else []),
            "why",
        ]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(head)
        for r in self.rows:
            seconds = [f"{r.seconds:.3f}"] if timing else []
            count = "" if r.messages is None else r.messages
            writer.writerow(
                [
                    r.trust or "",
                    count,
                    *(r.values[n] for n in names),
                    r.verdict,
                    r.depth,
                    r.resource_units,
                    *seconds,
                    r.why,
                ]
            )
        return buffer.getvalue()


def run(
    p: Plan,
    workers: int = 1,
    mapper: Mapper | None = None,
    backend: str = "",
    on_row: Callable[[Row, int, int], None] | None = None,
    on_tick: Callable[[int, int, float], None] | None = None,
) -> Sweep:
    """Every point's check: through `mapper` if given (a Dask cluster), else on `workers` local
    processes (pool.each_in_workers), else here. Rows come back in plan order whatever order the
    points finished in; `on_row(row, done, total)` sees each as it finishes, `on_tick(done, total,
    longest running seconds)` is called while waiting."""
    from bridgeproof.model.pool import each_in_workers

    started = time.monotonic()
    jobs: list[Job] = [(pt.scenario, p.property, p.prove) for pt in p.points]
    rows: dict[int, Row] = {}

    def tick(running: dict[int, float]) -> None:
        if on_tick is not None:
            now = time.monotonic()
            on_tick(len(rows), len(jobs), max((now - t for t in running.values()), default=0.0))

    if mapper is not None:
        finished: Iterable[tuple[int, Any]] = mapper(run_point, jobs, workers, tick)
    elif workers > 1 and len(jobs) > 1:
        finished = each_in_workers(run_point, jobs, workers, tick)
    else:
        finished = ((i, run_point(job)) for i, job in enumerate(jobs))
    for i, result in finished:
        pt = p.points[i]
        row = Row(
            pt.trust,
            pt.messages,
            dict(pt.values),
            result.verdict,
            result.depth,
            result.spent,
            result.why,
            result.seconds,
        )
        rows[i] = row
        if on_row is not None:
            on_row(row, len(rows), len(jobs))
    if len(rows) != len(jobs):
        from bridgeproof.model.errors import ToolError

        raise ToolError(f"sweep: {len(jobs) - len(rows)} of {len(jobs)} points came back without a result")
    return Sweep(p, tuple(rows[i] for i in range(len(jobs))), time.monotonic() - started, backend)
