"""Verdicts and findings: results as data, formatted only by the CLI.

A timeout or a solver `unknown` is `unknown`, never safe. `bounded` always carries its depth.
"""

from __future__ import annotations

from typing import Literal

import attrs

from bridgeproof.model.trace import Trace

Verdict = Literal["violated", "bounded", "proved", "unknown", "witnessed", "vacuous"]


@attrs.frozen
class Finding:
    """The outcome of checking one property on one system.

    `depth` is the counterexample's (or witness trace's) length when there is a trace, else the
    bound that was checked. `clean_below` is the depth below which the solver showed there is no
    violation (for a violation of length d it is d: none exists at any smaller depth).
    """

    verdict: Verdict
    depth: int
    seconds: float
    trace: Trace | None = None
    clean_below: int = 0
    why: str = ""
    seed: int = 0
