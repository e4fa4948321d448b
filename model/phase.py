"""The phase diagram of a sweep: where in the parameter grid a property is violated, proved or open.

Designers would rather look than read 500 rows. One panel per trust model and message count (and per
value of any further grid variable), the first two grid variables that vary as its axes, one colour
per verdict, cells outside the grid left blank (a `k=1..n` grid is a triangle). matplotlib is an
optional dependency (`bridgeproof[sweep]`), imported only here and only when a picture is asked for,
and drawn on an Agg canvas without pyplot, so no display and no global figure state are involved.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bridgeproof.model.errors import BadInput
from bridgeproof.model.sweep import Sweep

CL = "command line"
MAX_PANELS = 36
"""Beyond this a page of panels is unreadable: sweep fewer trust models, message counts or variables."""
VERDICTS: dict[str, tuple[str, str]] = {
    "violated": ("#d62728", "violated: an attack exists{steps}"),
    "unknown": ("#8c8c8c", "unknown: budget spent, NOT safe"),
    "vacuous": ("#ff7f0e", "vacuous: the honest round trip is unreachable"),
    "bounded": ("#a1d99b", "bounded: no attack within depth {depth}"),
    "proved": ("#238b45", "proved: safe at every depth"),
    "witnessed": ("#3182bd", "witnessed: reachable"),
}
"""Colour and legend text of each verdict: red for an attack, greens for safe (darker is stronger)."""
OTHER = ("#6a3d9a", "{verdict}")
DIGITS_UP_TO = 14
"""Write the attack's length in each violated cell when a panel is at most this many cells across."""


def draw(sweep: Sweep, path: Path) -> Path:
    """Write the sweep's phase diagram as a PNG at `path` (its folder is made)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.colors import BoundaryNorm, ListedColormap
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch
    except ImportError:
        raise BadInput(CL, "--png", "needs matplotlib: pip install 'bridgeproof[sweep]'") from None
    import numpy as np

    plan, rows = sweep.plan, sweep.rows
    names = [a.name for a in plan.grid]
    derived = _derived(rows, names)
    varying = [n for n in names if n not in derived]
    x_name = varying[0] if varying else None
    y_name = varying[1] if len(varying) > 1 else None
    rest = varying[2:]

    def panel_of(r: Any) -> tuple[Any, ...]:
        return (r.trust, r.messages, *((n, r.values[n]) for n in rest))

    panels = list(dict.fromkeys(panel_of(r) for r in rows))
    if len(panels) > MAX_PANELS:
        raise BadInput(
            CL,
            "--png",
            f"{len(panels)} panels (one per trust model, message count{' and value of ' if rest else ''}"
            f"{', '.join(rest)}); at most {MAX_PANELS}",
        )
    xs = sorted({r.values[x_name] for r in rows}) if x_name else [None]
    ys = sorted({r.values[y_name] for r in rows}) if y_name else [None]
    present = [v for v in VERDICTS if any(r.verdict == v for r in rows)]
    present += sorted({r.verdict for r in rows} - set(VERDICTS))
    colours = [VERDICTS.get(v, OTHER)[0] for v in present]
    code = {v: i for i, v in enumerate(present)}
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(len(present) + 1) - 0.5, len(present))

    # A row of panels per trust model when that makes a full table (trust x message count), else wrapped.
    per_trust = list(dict.fromkeys(key[1:] for key in panels))
    if len(per_trust) * len(dict.fromkeys(key[0] for key in panels)) == len(panels) and len(per_trust) <= 4:
        columns = len(per_trust)
    else:
        columns = min(len(panels), 3)
    lines = math.ceil(len(panels) / columns)
    width = min(max(0.3 * len(xs) + 1.8, 4.2), 9.0)
    height = min(max(0.3 * len(ys) + 1.4, 3.2 if y_name else 1.8), 9.0)
    fig = Figure(figsize=(max(columns * width, 7.5), lines * height + 1.8), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(lines, columns, squeeze=False)
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    for n, key in enumerate(panels):
        ax = axes.flat[n]
        cells = np.full((len(ys), len(xs)), np.nan)
        depth = {}
        for r in rows:
            if panel_of(r) != key:
                continue
            i = ys.index(r.values[y_name]) if y_name else 0
            j = xs.index(r.values[x_name]) if x_name else 0
            cells[i, j] = code[r.verdict]
            depth[(i, j)] = r.depth if r.verdict == "violated" else None
        ax.set_facecolor("white")
        ax.pcolormesh(
            np.arange(len(xs) + 1) - 0.5,
            np.arange(len(ys) + 1) - 0.5,
            np.ma.masked_invalid(cells),
            cmap=cmap,
            norm=norm,
            edgecolors="white",
            linewidth=0.4 if len(xs) * len(ys) <= 2500 else 0.0,
        )
        if len(xs) <= DIGITS_UP_TO:
            for (i, j), d in depth.items():
                if d is not None:
                    ax.text(j, i, str(d), ha="center", va="center", fontsize=7, color="white")
        _ticks(ax, "x", xs, x_name)
        _ticks(ax, "y", ys, y_name)
        ax.set_xlim(-0.5, len(xs) - 0.5)
        ax.set_ylim(-0.5, len(ys) - 0.5)
        ax.set_title(_panel_title(key, rest), fontsize=10)
        ax.tick_params(labelsize=8)
    fig.suptitle(_title(sweep), fontsize=11)
    depth_bound = plan.bounds.get("depth")
    steps = " (in each cell: the steps of the shortest)" if len(xs) <= DIGITS_UP_TO else ""
    fig.legend(
        handles=[Patch(facecolor=VERDICTS.get(v, OTHER)[0], edgecolor="none") for v in present],
        labels=[VERDICTS.get(v, OTHER)[1].format(depth=depth_bound, verdict=v, steps=steps) for v in present],
        loc="outside lower center",
        ncol=min(len(present), 2),
        fontsize=9,
        frameon=False,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(path, format="png")
    except OSError as e:
        raise BadInput(CL, "--png", f"cannot write {path}: {e.strerror}") from None
    return path


def _derived(rows: Any, names: list[str]) -> set[str]:
    """The grid variables that are functions of the ones before them (`f=n//3`, or a constant): they
    label the picture, they are not a dimension of it."""
    out = set()
    for i, name in enumerate(names):
        seen: dict[tuple[Any, ...], int] = {}
        if all(
            seen.setdefault((r.trust, r.messages, *(r.values[m] for m in names[:i])), r.values[name]) == r.values[name]
            for r in rows
        ):
            out.add(name)
    return out


def _ticks(ax: Any, which: str, values: list[Any], name: str | None) -> None:
    setter = ax.set_xticks if which == "x" else ax.set_yticks
    label = ax.set_xlabel if which == "x" else ax.set_ylabel
    if name is None:
        setter([])
        return
    every = max(1, math.ceil(len(values) / 15))
    shown = list(range(0, len(values), every))
    setter(shown, [str(values[i]) for i in shown])
    label(name)


def _panel_title(key: tuple[Any, ...], rest: list[str]) -> str:
    trust, messages, *others = key
    parts = [trust] if trust else []
    if messages is not None:
        parts.append(f"{messages} message{'s' if messages != 1 else ''}")
    parts += [f"{n}={v}" for n, v in others]
    return ", ".join(parts) or "all points"


def _title(sweep: Sweep) -> str:
    plan = sweep.plan
    fixed = [f"{k}={v}" for k, v in plan.params.items()]
    derived = _derived(sweep.rows, [a.name for a in plan.grid])
    fixed += [f"{a.name}={a.spec}" for a in plan.grid if a.name in derived]
    how = "proof, else BMC" if plan.prove else "BMC"
    bounds = ", ".join(f"{k} {v}" for k, v in plan.bounds.items())
    counts = ", ".join(f"{n} {v}" for v, n in sweep.counts().items())
    head = f"{plan.property} of {plan.protocol}" + (
        f" under {' / '.join(t for t in plan.trusts if t)}" if any(plan.trusts) else ""
    )
    detail = f"{', '.join(fixed) + '; ' if fixed else ''}{how}, {bounds}"
    return f"{head}\n{detail}\n{len(sweep.rows)} points: {counts}"
