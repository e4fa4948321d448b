"""Text for people: the verdict table, a finished row as one line, the live progress line.

Pure functions from results to strings; `model.cli` decides where they go and prints them. The table
fits a given width by shortening its last column (the trace path) from the left, where paths differ
least, so the verdict columns are never cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bridgeproof.model.check import Result
from bridgeproof.model.verification import Progress

HEAD = ("scenario", "property", "expected", "verdict", "scope", "depth", "max_loss", "seconds", "status", "trace")
DEPTH_IS_EXACT = ("violated", "witnessed", "capped", "exceeded", "measured")
"""Verdicts whose depth is where something was found (elsewhere it is how deep the search went)."""


def depth(r: Result) -> str:
    return f"{r.depth}" if r.verdict in DEPTH_IS_EXACT else f"<={r.depth}"


def status(r: Result) -> str:
    return "ok" if r.ok else "MISMATCH"


def trace(r: Result, regressions: Mapping[tuple[str, str], str]) -> str:
    out = r.counterexample or regressions.get((r.scenario, r.property)) or ""
    return out + " (known)" if r.counterexample and r.known else out


def cells(r: Result, regressions: Mapping[tuple[str, str], str]) -> tuple[str, ...]:
    loss = "" if r.max_loss is None else str(r.max_loss)
    return (
        r.scenario,
        r.property,
        r.expected or "-",
        r.verdict,
        r.scope,
        depth(r),
        loss,
        f"{r.seconds:.2f}",
        status(r),
        trace(r, regressions),
    )


def table(results: Sequence[Result], regressions: Mapping[tuple[str, str], str], width: int | None = None) -> str:
    """The verdict table, a header over every column; within `width` characters when one is given."""
    rows = [cells(r, regressions) for r in results]
    widths = [max(len(row[i]) for row in [HEAD, *rows]) for i in range(len(HEAD))]
    if width is not None:
        room = width - sum(widths[:-1]) - 2 * (len(HEAD) - 1)
        widths[-1] = max(min(widths[-1], room), len(HEAD[-1]))
        rows = [(*row[:-1], shorten(row[-1], widths[-1])) for row in rows]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*HEAD), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut on the left (`...rest`)."""
    if len(text) <= width:
        return text
    return "..." + text[len(text) - max(width - 3, 0) :] if width > 3 else text[:width]


def row_line(r: Result, progress: Progress) -> str:
    """A finished row as it streams: count, status, verdict and what it means, in one line."""
    count = f"[{progress.done}/{progress.total}]"
    loss = f", max_loss {r.max_loss}" if r.max_loss is not None else ""
    expected = "" if r.ok else f" (expected {r.expected})"
    kept = " (from the cache)" if r.cached else ""
    scope = f" ({r.scope})" if r.scope else ""
    return f"{count} {status(r):8} {r.scenario} {r.property}: {r.verdict}{scope}{expected} at depth {depth(r)}{loss}, {r.seconds:.1f} s{kept}"


def progress_line(progress: Progress, elapsed: float, width: int) -> str:
    """The live line under the streamed rows: a bar, the count, the time, and the slowest running check."""
    bar_width = 20
    filled = bar_width * progress.done // max(progress.total, 1)
    bar = "#" * filled + "-" * (bar_width - filled)
    text = f"[{bar}] {progress.done}/{progress.total} rows, {elapsed:.0f} s"
    if progress.running:
        name, prop, seconds = progress.running[0]
        text += f"; slowest running: {name} {prop} ({seconds:.0f} s)"
    return shorten_right(text, width)


def shorten_right(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 3, 0)] + "..."
