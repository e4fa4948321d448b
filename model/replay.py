"""The deterministic replay driver: a counterexample file, step by step, on the reference implementation.

As Modelator's @itf/@step driver does, and not through Hypothesis' example database: a saved
counterexample is our own file, replayed on purpose. A trace that does not reproduce is reported
as a disagreement between the model and the reference, never as an attack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from bridgeproof.model.configuration import Configuration
from bridgeproof.model.errors import BadInput
from bridgeproof.model.reference import Revert, World
from bridgeproof.properties import PROPERTIES
from bridgeproof.properties.view import CONCRETE, concrete_view


@attrs.frozen
class Replay:
    """What happened: how many steps ran, where the reference refused, the first state mismatch."""

    expect: str
    steps: int
    executed: int
    refused_at: int | None
    refused_why: str
    mismatch: str | None
    holds_at_end: bool
    recorded_refused_at: int | None

    @property
    def ok(self) -> bool:
        if self.mismatch is not None:
            return False
        if self.expect == "violation":
            return self.refused_at is None and not self.holds_at_end
        if self.refused_at is not None:
            return self.refused_at == self.recorded_refused_at
        return self.holds_at_end and self.recorded_refused_at is None

    def summary(self) -> str:
        if self.mismatch:
            return f"DISAGREES: {self.mismatch}"
        if self.expect == "violation":
            if self.refused_at is not None:
                return f"NOT REPRODUCED: the reference refused step {self.refused_at} ({self.refused_why})"
            return "reproduced: property violated at the end" if not self.holds_at_end else "NOT REPRODUCED: property holds"
        if self.refused_at is not None:
            return f"fixed: refused at step {self.refused_at} ({self.refused_why})"
        return "fixed: ran to the end, property holds" if self.holds_at_end else "NOT FIXED: property violated"


def world_of(cfg: Configuration) -> World:
    return World(cfg)


def diff(want: Any, got: Any, path: str = "", names: tuple[str, str] = ("trace", "reference")) -> str | None:
    """The first difference between two observable states, with its path; types must match too (True != 1)."""
    if isinstance(want, Mapping) and isinstance(got, Mapping):
        for key in sorted(set(want) | set(got), key=str):
            if key not in got:
                return f"{path}.{key}: {names[0]} has {want[key]!r}, {names[1]} has nothing"
            if key not in want:
                return f"{path}.{key}: {names[0]} has nothing, {names[1]} has {got[key]!r}"
            d = diff(want[key], got[key], f"{path}.{key}", names)
            if d:
                return d
        return None
    if want == got and type(want) is type(got):
        return None
    return f"{path or '<state>'}: {names[0]} has {want!r}, {names[1]} has {got!r}"


def _lasso_holds(document: dict[str, Any], observed: list[dict[str, Any]], complete: bool) -> bool:
    """Whether the reference's run is the lasso the file claims: the last state is the loop's first
    one (the clock aside), time passes in the loop, and some obligation is pending all along it."""
    cfg, loop, meta = document["config"], document["loop"], document["meta"]
    if not complete or loop >= len(observed):
        return False
    clock = cfg.clock.name if cfg.clock is not None else None
    start, end = dict(observed[loop]), dict(observed[-1])
    if clock is not None:
        start.pop(clock), end.pop(clock)
    if diff(start, end) is not None:
        return False
    if not any(step["action"] == "wait" for step in meta["steps"][loop:]):
        return False
    prop = PROPERTIES[meta["property"]]
    rows = [prop.holds(concrete_view(cfg, state), CONCRETE) for state in observed[loop:]]
    return any(all(bool(row[i][1]) for row in rows) for i in range(len(rows[0])))


def replay(document: dict[str, Any], world: World | None = None) -> Replay:
    """Drive the reference through the file's steps, comparing the observed state after each one."""
    meta, states, where, cfg = document["meta"], document["states"], document["path"], document["config"]
    if meta["property"] not in PROPERTIES and meta["property"] != "max_loss":
        raise BadInput(where, "#meta.property", f"unknown property {meta['property']!r}")
    world = world or world_of(cfg)
    mismatch = None
    first = diff(states[0], world.observe())
    if first:
        mismatch = f"initial state{first}"
    refused_at, why, executed = None, "", 0
    observed = [world.observe()]
    for i, step in enumerate(meta["steps"]):
        try:
            world.apply(step["action"], dict(step["args"]))
        except Revert as e:
            refused_at, why = i + 1, str(e)
            break
        executed += 1
        observed.append(world.observe())
        if mismatch is None and i + 1 < len(states):
            d = diff(states[i + 1], world.observe())
            if d:
                mismatch = f"after step {i + 1} ({step['action']}){d}"
    view = concrete_view(cfg, world.observe())
    prop = meta["property"]
    if document.get("loop") is not None:
        holds = not _lasso_holds(document, observed, refused_at is None)
    elif prop == "max_loss":
        gained = cfg.protocol.adversary_value(view, CONCRETE)
        # A worst-case trace must reach the loss it records; an older file only exceeds its bound.
        holds = bool(gained < int(meta["max_loss"])) if "max_loss" in meta else bool(gained <= int(meta.get("max_loss_bound", 0)))
    else:
        holds = bool(PROPERTIES[prop].holds(view, CONCRETE))
    return Replay(
        expect=meta["expect"],
        steps=len(meta["steps"]),
        executed=executed,
        refused_at=refused_at,
        refused_why=why,
        mismatch=mismatch,
        holds_at_end=holds,
        recorded_refused_at=meta.get("refused_at"),
    )
