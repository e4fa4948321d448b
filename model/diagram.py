"""Sequence diagrams of counterexamples: who did what to whom, step by step, with the amounts.

A diagram is data (lifelines and arrows), drawn two ways: as Mermaid text (GitHub and GitLab render it
in Markdown) and as a self-contained SVG (no script, no network: it prints and archives). The family
says who the lifelines are and what each step's arrows are (`Family.arrows`); the default draws one
arrow per step from the action's actor to the protocol, labelled with the call.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import attrs


@attrs.frozen
class Arrow:
    source: str
    target: str
    label: str


@attrs.frozen
class Diagram:
    title: str
    lifelines: tuple[str, ...]
    steps: tuple[tuple[Arrow, ...], ...]
    """The arrows of each step, in order (a step may draw several, or none)."""
    broken_at: int | None = None
    """The step (1-based) after which the property no longer holds."""
    broken: str = ""
    loop: int | None = None
    """For a lasso: the index of the state the run goes back to (steps after it repeat forever)."""


def of_trace(document: Mapping[str, Any]) -> Diagram:
    """The diagram of a loaded counterexample file (`model.itf.load`)."""
    meta, cfg, states = document["meta"], document["config"], document["states"]
    family = cfg.protocol
    steps: list[tuple[Arrow, ...]] = []
    for i, step in enumerate(meta["steps"]):
        if i + 1 >= len(states):
            break
        declared = cfg.action.get(step["action"])
        actor = declared.actor if declared is not None else "anyone"
        steps.append(tuple(family.arrows(step["action"], step["args"], actor, states[i], states[i + 1])))
    lifelines: list[str] = list(family.lifelines(cfg))
    for arrows in steps:
        for arrow in arrows:
            for end in (arrow.source, arrow.target):
                if end not in lifelines:
                    lifelines.append(end)
    used = {end for arrows in steps for a in arrows for end in (a.source, a.target)}
    always = set(family.main_lifelines or ())
    lifelines = [name for name in lifelines if name in used or name in always]
    broken_at = len(steps) if meta["expect"] == "violation" and document.get("loop") is None else None
    trust = f" / {meta['trust']}" if meta.get("trust") else ""
    title = f"{meta.get('scenario', meta['protocol'])}: {meta['property']} ({meta['protocol']}{trust})"
    return Diagram(title, tuple(lifelines), tuple(steps), broken_at, meta["property"], document.get("loop"))


def _id(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name) or "x"


def mermaid(d: Diagram) -> str:
    """Mermaid `sequenceDiagram` text."""
    lines = ["sequenceDiagram", f"    title {d.title}"]
    for name in d.lifelines:
        lines.append(f"    participant {_id(name)} as {name}")
    for i, arrows in enumerate(d.steps, 1):
        if d.loop is not None and i == d.loop + 1:
            lines.append("    loop forever (time passes, nothing changes)")
        indent = "        " if d.loop is not None and i > d.loop else "    "
        for a in arrows:
            lines.append(f"{indent}{_id(a.source)}->>{_id(a.target)}: {i}. {a.label}")
        if d.broken_at == i and arrows:
            lines.append(f"{indent}Note over {_id(arrows[-1].target)}: {d.broken} broken here")
    if d.loop is not None:
        lines.append("    end")
    return "\n".join(lines)


def svg(d: Diagram, width: int = 760) -> str:
    """The diagram as one SVG element: lifelines as vertical lines, arrows numbered by step."""
    names = list(d.lifelines) or ["protocol"]
    gap = max(110, (width - 40) // max(1, len(names)))
    x = {name: 20 + gap // 2 + i * gap for i, name in enumerate(names)}
    rows = [(i, a) for i, arrows in enumerate(d.steps, 1) for a in arrows]
    top, step_h = 70, 34
    height = top + step_h * (len(rows) + 1) + 30
    total_w = 40 + gap * len(names)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{height}" '
        f'viewBox="0 0 {total_w} {height}" font-family="sans-serif" font-size="12">',
        f'<text x="10" y="20" font-size="14" font-weight="bold">{html.escape(d.title)}</text>',
        '<defs><marker id="arrow" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">'
        '<path d="M0,0 L10,4 L0,8 z" fill="#333"/></marker></defs>',
    ]
    for name in names:
        cx = x[name]
        out.append(f'<rect x="{cx - 50}" y="32" width="100" height="24" rx="4" fill="#eef" stroke="#336"/>')
        out.append(f'<text x="{cx}" y="48" text-anchor="middle">{html.escape(name)}</text>')
        out.append(f'<line x1="{cx}" y1="56" x2="{cx}" y2="{height - 20}" stroke="#99a" stroke-dasharray="4 3"/>')
    for row, (i, a) in enumerate(rows):
        y = top + step_h * (row + 1)
        x1, x2 = x.get(a.source, 20), x.get(a.target, 20)
        broken = d.broken_at == i
        colour = "#b00" if broken else "#333"
        if x1 == x2:
            out.append(
                f'<path d="M{x1},{y - 6} h40 v12 h-38" fill="none" stroke="{colour}" marker-end="url(#arrow)"/>'
            )
            tx = x1 + 46
            anchor = "start"
        else:
            out.append(
                f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" stroke-width="1.5" marker-end="url(#arrow)"/>'
            )
            tx, anchor = (x1 + x2) // 2, "middle"
        label = html.escape(f"{i}. {a.label}") + (" ✗ " + html.escape(d.broken) if broken else "")
        out.append(f'<text x="{tx}" y="{y - 6}" text-anchor="{anchor}" fill="{colour}">{label}</text>')
    if d.loop is not None:
        first = next((row for row, (i, _) in enumerate(rows) if i > d.loop), None)
        if first is not None:
            y0 = top + step_h * (first + 1) - 22
            out.append(
                f'<rect x="8" y="{y0}" width="{total_w - 16}" height="{height - 30 - y0}" fill="none" stroke="#a60" stroke-dasharray="6 3"/>'
            )
            out.append(f'<text x="14" y="{y0 + 13}" fill="#a60">loop forever: time passes, nothing changes</text>')
    out.append("</svg>")
    return "\n".join(out)


def default_arrows(action: str, args: Mapping[str, Any], actor: str, target: str) -> Sequence[Arrow]:
    """One arrow from whoever acts (the `user` argument, else the declared actor) to the protocol."""
    who = str(args.get("user", args.get("relayer", actor)))
    shown = ", ".join(f"{k}={v}" for k, v in args.items())
    return [Arrow(who, target, f"{action}({shown})")]
