"""The report an auditor hands over: report.md (renders on GitHub and GitLab, diagrams in Mermaid) and
report.html (self-contained: inline SVG, no script, no network, so it prints and archives).

Both hold the verdict table with the bounds of every row, the assumptions each proof needed with a
link to its certificate, max_loss with its worst-case trace, the scenarios' sources, the versions
and seed, a command that reproduces each row, and one sequence diagram per counterexample.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from pathlib import Path

import z3

from bridgeproof import model
from bridgeproof.model import diagram, itf
from bridgeproof.model.check import Result
from bridgeproof.model.scenarios import Scenario


def sources(path: str) -> list[str]:
    """The comment lines at the top of a scenario file: where its numbers come from."""
    out = []
    try:
        for line in Path(path).read_text().splitlines():
            if not line.startswith("#"):
                break
            out.append(line.lstrip("# ").rstrip())
    except OSError:
        return []
    return [line for line in out if line]


def _bounds(sc: Scenario) -> str:
    used = sc.protocol.bounds_used
    return ", ".join(f"{k}={getattr(sc.bounds, k)}" for k in ("depth", "messages", "supply", "loss_depth") if k in used)


def _rows(results: Iterable[Result], scenarios: dict[str, Scenario]) -> list[tuple[str, ...]]:
    rows = []
    for r in results:
        sc = scenarios[r.scenario]
        depth = str(r.depth) if r.verdict in ("violated", "witnessed") else f"<={r.depth}"
        rows.append(
            (r.scenario, r.property, r.expected or "-", r.verdict, depth, "" if r.max_loss is None else str(r.max_loss),
             _bounds(sc), "ok" if r.ok else "MISMATCH")
        )
    return rows


HEAD = ("scenario", "property", "expected", "verdict", "depth", "max_loss", "bounds", "status")


def reproduce(r: Result, sc: Scenario) -> str:
    """The command that re-runs one row on its own (`check` takes every table of the scenario file)."""
    variant = f" --variant {sc.name.split('/', 1)[1]}" if "/" in sc.name else ""
    if r.property == "max_loss":
        return f"bridgeproof verify {sc.path} -k '{sc.name}' --property max_loss --seed {sc.seed}"
    prove = " --prove" if r.expected in ("proved", None) or r.verdict == "proved" else ""
    return f"bridgeproof check --scenario {sc.path}{variant} --property {r.property} --seed {sc.seed}{prove}"


def _link(path: str | None, out: Path) -> str:
    return os.path.relpath(path, out) if path else ""


def _diagram(path: str | None) -> diagram.Diagram | None:
    if not path:
        return None
    try:
        return diagram.of_trace(itf.load(Path(path)))
    except Exception:  # a trace that no longer loads is reported by replay, not by the report
        return None


def markdown(results: list[Result], scenarios: dict[str, Scenario], regressions: dict[tuple[str, str], str], out: Path) -> str:
    lines = [
        "# bridgeproof report",
        "",
        f"bridgeproof {model.__version__}, z3 {z3.get_version_string()}. "
        f"{len(results)} rows, {sum(1 for r in results if not r.ok)} not as expected.",
        "",
        "| " + " | ".join(HEAD) + " |",
        "|" + "|".join("---" for _ in HEAD) + "|",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in _rows(results, scenarios)]
    lines.append("")
    for name in dict.fromkeys(r.scenario for r in results):
        sc = scenarios[name]
        mine = [r for r in results if r.scenario == name]
        lines += [f"## {name}", "", sc.description or "", ""]
        src = sources(sc.path)
        if src:
            lines += ["Sources:", "", *(f"> {s}" for s in src), ""]
        lines.append(f"Seed {sc.seed}. Reproduce: `bridgeproof verify {sc.path}`.")
        lines.append("")
        for r in mine:
            lines.append(f"- **{r.property}**: {r.verdict} ({r.why or 'as found'})")
            lines.append(f"  - reproduce: `{reproduce(r, sc)}`")
            if r.verdict == "proved":
                needed = ", ".join(r.needed) or "no assumption"
                cert = f" [certificate]({_link(r.certificate, out)})" if r.certificate else ""
                lines.append(f"  - needed: {needed}.{cert}")
            if r.counterexample:
                lines.append(f"  - trace: [{Path(r.counterexample).name}]({_link(r.counterexample, out)})")
            fixed = regressions.get((r.scenario, r.property))
            if fixed:
                lines.append(f"  - the base attack under this variant: [{Path(fixed).name}]({_link(fixed, out)})")
        lines.append("")
        for r in mine:
            d = _diagram(r.counterexample)
            if d is not None:
                lines += [f"### {r.property}", "", "```mermaid", diagram.mermaid(d), "```", ""]
    return "\n".join(lines) + "\n"


STYLE = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #bbb;padding:3px 6px;text-align:left}
.bad{color:#b00;font-weight:bold}.ok{color:#070}blockquote{color:#555;margin:0 0 0 1em;font-size:13px}
svg{max-width:100%;height:auto;border:1px solid #ddd;margin:0.5em 0}@media print{h2{page-break-before:always}}"""


def page(results: list[Result], scenarios: dict[str, Scenario], regressions: dict[tuple[str, str], str], out: Path) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>bridgeproof report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>bridgeproof report</h1>",
        f"<p>bridgeproof {e(model.__version__)}, z3 {e(z3.get_version_string())}. {len(results)} rows, "
        f"{sum(1 for r in results if not r.ok)} not as expected.</p>",
        "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in HEAD) + "</tr>",
    ]
    for row in _rows(results, scenarios):
        cls = "ok" if row[-1] == "ok" else "bad"
        cells = "".join(f"<td>{e(c)}</td>" for c in row[:-1]) + f"<td class='{cls}'>{e(row[-1])}</td>"
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</table>")
    for name in dict.fromkeys(r.scenario for r in results):
        sc = scenarios[name]
        parts.append(f"<h2>{e(name)}</h2><p>{e(sc.description)}</p>")
        src = sources(sc.path)
        if src:
            parts.append("<p>Sources:</p><blockquote>" + "<br>".join(e(s) for s in src) + "</blockquote>")
        parts.append(f"<p>Seed {sc.seed}. Reproduce: <code>bridgeproof verify {e(sc.path)}</code></p><ul>")
        mine = [r for r in results if r.scenario == name]
        for r in mine:
            item = f"<li><b>{e(r.property)}</b>: {e(r.verdict)} ({e(r.why or 'as found')})"
            item += f"<br>reproduce: <code>{e(reproduce(r, sc))}</code>"
            if r.verdict == "proved":
                item += f"<br>needed: {e(', '.join(r.needed) or 'no assumption')}"
                if r.certificate:
                    item += f" (<a href='{e(_link(r.certificate, out))}'>certificate</a>)"
            if r.counterexample:
                item += f"<br>trace: <a href='{e(_link(r.counterexample, out))}'>{e(Path(r.counterexample).name)}</a>"
            parts.append(item + "</li>")
        parts.append("</ul>")
        for r in mine:
            d = _diagram(r.counterexample)
            if d is not None:
                parts.append(f"<h3>{e(r.property)}</h3>{diagram.svg(d)}")
    parts.append("</body></html>")
    return "\n".join(parts)


def write(results: list[Result], scenarios: list[Scenario], regressions: dict[tuple[str, str], str], out: Path) -> list[Path]:
    """Write report.md and report.html into `out` (created if missing); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    by_name = {sc.name: sc for sc in scenarios}
    md, page_html = out / "report.md", out / "report.html"
    md.write_text(markdown(results, by_name, regressions, out.resolve()))
    page_html.write_text(page(results, by_name, regressions, out.resolve()))
    return [md, page_html]


__all__ = ["write", "sources"]
