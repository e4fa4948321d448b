"""A check's budget: Z3 resource units (`rlimit`), so a verdict does not depend on how busy the machine is.

Z3 counts the work of every check call in abstract resource units, the same on a quiet machine and
on a busy one. One Budget is shared by every solver call of one check (a proof, the BMC run after
it, the witness that guards it), so the whole check stops after the same amount of work, wherever it
runs. Wall-clock time stays only as a generous safety net: a machine so slow that the net is reached
first reports `unknown (timeout)`, never a different verdict.
"""

from __future__ import annotations

import time
from typing import Any

import z3

DEFAULT_UNITS = 400_000_000
"""Resource units per check when a scenario gives no `budget`: every shipped row uses at most half
(calibrated with `bench/run.py --budget`; the largest shipped check uses about 8 million)."""
DEFAULT_SECONDS = 1800.0
"""The wall-clock safety net per check."""


def _count(solver: Any) -> int:
    try:
        stats = solver.statistics()
        return int(stats.get_key_value("rlimit count")) if "rlimit count" in stats.keys() else 0
    except z3.Z3Exception:
        return 0


class Budget:
    """Resource units left for one check, and why a solver call came back unknown."""

    def __init__(self, units: int = DEFAULT_UNITS, seconds: float = DEFAULT_SECONDS) -> None:
        self.units = units
        self.seconds = seconds
        self.spent = 0
        self.started = time.monotonic()
        self.why = ""

    @property
    def left(self) -> int:
        return self.units - self.spent

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def exhausted(self) -> bool:
        if self.left <= 0:
            self.why = f"resource limit {self.units}"
            return True
        if self.elapsed() >= self.seconds:
            self.why = f"timeout ({self.seconds:g} s wall-clock safety net)"
            return True
        return False

    def check(self, solver: Any, *assumptions: Any) -> z3.CheckSatResult:
        """`solver.check(*assumptions)` within what is left; unknown (with `why`) once it is spent."""
        if self.exhausted():
            return z3.unknown
        solver.set("rlimit", self.left)
        solver.set("timeout", max(1, int((self.seconds - self.elapsed()) * 1000)))
        before = _count(solver)
        result = solver.check(*assumptions)
        self.spent += max(0, _count(solver) - before)
        if result == z3.unknown:
            reason = solver.reason_unknown() or "solver unknown"
            if self.elapsed() >= self.seconds:
                self.why = f"timeout ({self.seconds:g} s wall-clock safety net)"
            elif self.left <= 0 or reason in ("canceled", "max. resource limit exceeded", "resource limits reached"):
                self.why = f"resource limit {self.units}"
            else:
                self.why = reason
        return result
