"""The straightforward encoding we measure against: one Boolean per key, a fresh solver per depth.

Not part of the tool. `PerKeyMultisig` has the same semantics as `multisig` but keeps one
signature Boolean per (message, key) instead of a count, and `fresh_bmc` rebuilds the whole
unrolling for every depth instead of extending one incremental solver.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import attrs
import z3

from bridgeproof.model.symbolic import EvidenceField, SymState
from bridgeproof.model.system import System
from bridgeproof.model.trust.multisig import Multisig
from bridgeproof.properties import Property
from bridgeproof.properties.view import SYMBOLIC


@attrs.frozen
class PerKeyMultisig(Multisig):
    id: ClassVar[str] = "multisig_per_key"

    @property
    def evidence(self) -> tuple[EvidenceField, ...]:
        return tuple(EvidenceField(f"sig{j}", "bool", False) for j in range(self.n))

    def _stolen(self, j: int) -> bool:
        return j >= self.n - self.f

    def honest_evidence(self, s: SymState, i: int, cfg: Any) -> dict[str, z3.ExprRef | int | bool]:
        return {f"sig{j}": not self._stolen(j) for j in range(self.n)}

    def forged_evidence(self, s: SymState, i: int, cfg: Any) -> dict[str, z3.ExprRef | int | bool]:
        return {f"sig{j}": self._stolen(j) for j in range(self.n)}

    def accepts(self, s: SymState, i: int, cfg: Any) -> z3.BoolRef:
        return z3.Sum(*(z3.If(s.ev(f"sig{j}", i), 1, 0) for j in range(self.n))) >= self.k

    def lemmas(self, s, cfg):  # type: ignore[no-untyped-def]
        return {}


def fresh_bmc(system: System, prop: Property, depth: int) -> tuple[str, int, float]:
    """For k = 0..depth: a new solver with I(S@0) ∧ T^k ∧ ¬P(S@k)."""
    started = time.monotonic()
    for k in range(depth + 1):
        solver = z3.Solver()
        states = [system.state(0)]
        solver.add(system.init(states[0]))
        for j in range(k):
            states.append(system.state(j + 1))
            solver.add(system.trans(states[j], system.args(j), states[j + 1]))
        solver.add(z3.Not(prop.holds(system.view(states[k]), SYMBOLIC)))
        if solver.check() == z3.sat:
            return "violated", k, time.monotonic() - started
    return "bounded", depth, time.monotonic() - started
