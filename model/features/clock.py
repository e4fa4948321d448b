"""Time in seconds, shared by every chain, and `wait`, which lets it pass.

Honest parties have deadlines (a watcher challenges within its delay, a guardian pauses within its
reaction time, an HTLC party claims within delta of seeing the secret). Any component may state
one as `urgency`: `wait` is refused when it would carry time past a deadline an honest party must
meet, which is how "the honest party acts in time" becomes part of the transition relation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import z3

from bridgeproof.model.component import Component, Handler
from bridgeproof.model.declarations import Action, Arg, Field, Var
from bridgeproof.model.reference.guard import require
from bridgeproof.model.symbolic import Case

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration
    from bridgeproof.model.symbolic import StepArgs, SymState


class Clock:
    """Time starts at 0 and only moves forward, so a window can close but never reopen."""

    def __init__(self) -> None:
        self.now = 0

    def advance(self, seconds: int) -> None:
        """Let `seconds` pass; at least one, since a wait of nothing is not a step of the model."""
        require(seconds >= 1, "wait must be at least 1 second")
        self.now += seconds


class ClockFeature(Component):
    feature = "clock"

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        return (Var("now", doc="seconds since the start"),)

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        return (Field("now", "int", ("now",), counts=True, clock=True),)

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        return (Action("wait", (Arg("seconds", "seconds"),), "nature", "time passes (unless an honest deadline would be missed)"),)

    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        urgent = [u for c in cfg.components for u in c.urgency(s, a, cfg)]
        guard = z3.And(a.seconds >= 1, *urgent)
        return [Case("wait", guard, {"now": s["now"] + a.seconds}, {"seconds": a.seconds})]

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        return {"time_is_not_negative": s["now"] >= 0}

    def install(self, deployment: Any, cfg: Configuration) -> None:
        if getattr(deployment, "clock", None) is None:
            deployment.clock = Clock()

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        def wait(dep: Any, seconds: int) -> None:
            require(seconds >= 1, "wait must be at least 1 second")
            for c in cfg.components:
                c.check_wait(dep, seconds, cfg)
            dep.clock.advance(seconds)

        return {"wait": wait}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        return {"now": deployment.clock.now}
