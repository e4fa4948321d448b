"""The deterministic replay driver: a counterexample file, step by step, on the reference implementation.

As Modelator's @itf/@step driver does, and not through Hypothesis' example database: a saved
counterexample is our own file, replayed on purpose. A trace that does not reproduce is reported
as a disagreement between the model and the reference, never as an attack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from model.errors import BadInput
from model.protocols import PROTOCOLS
from model.reference import Revert, World
from model.system import System
from model.trust import TRUST_MODELS
from model.vocabulary import Bounds, Options
from properties import PROPERTIES
from properties.view import CONCRETE


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


def world_of(meta: dict[str, Any], where: str) -> World:
    trust = TRUST_MODELS.build(meta["trust"], meta["params"], where, "#meta.params")
    bounds = meta["bounds"]
    return World(meta["protocol"], trust, int(bounds["messages"]), int(bounds["supply"]), options_of(meta, where))


def options_of(meta: dict[str, Any], where: str) -> Options:
    from model.scenarios import parse_options

    options, _faults, _second = parse_options(meta.get("options", {}), where, "#meta.options.")
    return options


def system_of(meta: dict[str, Any], where: str) -> System:
    trust = TRUST_MODELS.build(meta["trust"], meta["params"], where, "#meta.params")
    protocol = PROTOCOLS.build(meta["protocol"], {}, where, "#meta.protocol")
    bounds = Bounds(**{k: int(v) for k, v in meta["bounds"].items() if k in ('depth', 'messages', 'supply', 'loss_depth')})
    return System(protocol, trust, bounds, options_of(meta, where))


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


def replay(document: dict[str, Any], world: World | None = None) -> Replay:
    """Drive the reference through the file's steps, comparing the observed state after each one."""
    meta, states, where = document["meta"], document["states"], document["path"]
    if meta["property"] not in PROPERTIES and meta["property"] != "max_loss":
        raise BadInput(where, "#meta.property", f"unknown property {meta['property']!r}")
    world = world or world_of(meta, where)
    mismatch = None
    first = diff(states[0], world.observe())
    if first:
        mismatch = f"initial state{first}"
    refused_at, why, executed = None, "", 0
    for i, step in enumerate(meta["steps"]):
        try:
            world.apply(step["action"], dict(step["args"]))
        except Revert as e:
            refused_at, why = i + 1, str(e)
            break
        executed += 1
        if mismatch is None and i + 1 < len(states):
            d = diff(states[i + 1], world.observe())
            if d:
                mismatch = f"after step {i + 1} ({step['action']}){d}"
    view = system_of(meta, where).concrete_view(world.observe())
    prop = meta["property"]
    if prop == "max_loss":
        holds = bool(view.adversary_value(CONCRETE) <= int(meta.get("max_loss_bound", 0)))
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
