"""Parameter synthesis: the weakest safe setting, or the strongest attacker that still breaks a property.

A search over one integer parameter, every probe a full check (proof first, BMC for attacks).
The result is then confirmed at the boundary by two more checks: the setting itself holds (is
proved) and one step weaker is violated. Monotonicity is what the search assumes; the boundary
checks are what the answer rests on, and both are reported.

Probes are search steps, not findings: no probe writes a trace or a certificate into the corpus
(`check` of the setting reproduces any of them on purpose).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import attrs

from bridgeproof.model.check import Result, check
from bridgeproof.model.configuration import Bounds
from bridgeproof.model.errors import BadInput
from bridgeproof.model.protocols import PROTOCOLS
from bridgeproof.model.scenarios import Scenario, fit
from bridgeproof.model.trust import TRUST_MODELS

Goal = Literal["minimal", "breaking"]
LIMIT = 2**40


@attrs.frozen
class Synthesis:
    parameter: str
    goal: Goal
    value: int | None
    probes: tuple[tuple[int, str], ...]
    at: Result | None
    beyond: Result | None
    """`at`: the check at the answer; `beyond`: the check one step past it (weaker, or one key fewer)."""

    @property
    def confirmed(self) -> bool:
        if self.value is None or self.at is None or self.beyond is None:
            return False
        if self.goal == "minimal":
            return self.at.verdict == "proved" and self.beyond.verdict == "violated"
        return self.at.verdict == "violated" and self.beyond.verdict == "proved"


def synthesize(
    protocol: str,
    trust: str | None,
    params: dict[str, Any],
    prop: str,
    parameter: str,
    goal: Goal,
    bounds: Bounds,
    options: Any = None,
    low: int = 0,
) -> Synthesis:
    """Search one integer parameter of the family or of the trust model (whichever has it).

    Every name is checked before the first probe, so a typo is bad input, not "nothing found"; and
    if no value of the parameter gives a valid setting, the given parameters are at fault: the last
    refusal is reported as bad input too.
    """
    from bridgeproof.properties import get

    where = "command line"
    flag = f"--{goal}"
    family_cls = PROTOCOLS.get(protocol, where, "--protocol")
    family_fields = {a.name: a for a in attrs.fields(family_cls)}
    if trust is None and family_cls.trust == "required":
        raise BadInput(where, "--trust", f"missing: {protocol} needs a trust model")
    if trust is not None and family_cls.trust == "none":
        raise BadInput(where, "--trust", f"{protocol} has no claims for a trust model to judge")
    trust_fields = {}
    if trust is not None:
        trust_cls = TRUST_MODELS.get(trust, where, "--trust")
        trust_fields = {a.name: a for a in attrs.fields(trust_cls) if not a.metadata.get("internal")}
    family_names, trust_names = set(family_fields), set(trust_fields)
    prop_def = get(prop, where, "--property")
    if not prop_def.applies_to(family_cls):
        families = ", ".join(prop_def.families)
        raise BadInput(where, "--property", f"{prop} is a property of {families}, not of {protocol}")
    if parameter in params:
        raise BadInput(where, f"--param.{parameter}", f"{parameter} is what synth searches for; do not give it")
    owners = f"{protocol}{' or ' + trust if trust else ''}"
    if parameter not in family_names | trust_names:
        known = ", ".join(sorted(n for n, a in (family_fields | trust_fields).items() if _integral(a))) or "none"
        raise BadInput(where, flag, f"{parameter} is not a parameter of {owners} (known: {known})")
    if not _integral((family_fields | trust_fields)[parameter]):
        raise BadInput(where, flag, f"{parameter} is not an integer parameter; synth searches integers")
    unknown = sorted(set(params) - family_names - trust_names)
    if unknown:
        raise BadInput(where, f"--param.{unknown[0]}", f"not a parameter of {owners}")
    family_params = {k: v for k, v in params.items() if k in family_names}
    trust_params = {k: v for k, v in params.items() if k in trust_names}
    probes: list[tuple[int, str]] = []
    cache: dict[int, Result | None] = {}
    refused: list[BadInput] = []

    def run(value: int) -> Result | None:
        if value not in cache:
            try:
                fp = family_params | ({parameter: value} if parameter in family_names else {})
                tp = trust_params | ({parameter: value} if parameter not in family_names else {})
                family = PROTOCOLS.build(protocol, fp, where, "--param")
                model = TRUST_MODELS.build(trust, tp, where, "--param") if trust is not None else None
                sc = Scenario(
                    name=f"synth-{protocol}-{parameter}{value}",
                    path=where,
                    protocol=family,
                    trust=model,
                    bounds=bounds,
                    expect={},
                    options=options,
                )
                fit(sc.config, where, "--protocol", "--trust", "--param.", params=("--param", "--param"))
            except BadInput as e:
                refused.append(e)
                cache[value] = None
            else:
                result = check(sc, prop, prove=True, save=False)
                cache[value] = result
                probes.append((value, result.verdict))
        return cache[value]

    def good(value: int) -> bool | None:
        """True / False for a valid setting; None where the parameter is out of its domain."""
        r = run(value)
        if r is None:
            return None
        return r.verdict == "proved" if goal == "minimal" else r.verdict == "violated"

    value = _smallest(good, low)
    if value is None:
        if refused and not probes:
            raise refused[-1]
        return Synthesis(parameter, goal, None, tuple(probes), None, None)
    beyond = run(value - 1) if value - 1 >= low else None
    return Synthesis(parameter, goal, value, tuple(probes), run(value), beyond)


def _integral(attribute: Any) -> bool:
    return attribute.type in (int, "int", "int | None")


def _smallest(good: Callable[[int], bool | None], low: int) -> int | None:
    """The smallest v >= low with good(v): gallop up (low, low+1, low+2, low+4, ...), then bisect.

    Assumes good is monotone where it is defined; if the domain ends (None) before a good value,
    the values skipped by the gallop are scanned one by one (bounded domains such as k <= n).
    """
    start = low
    while good(start) is None:
        start += 1
        if start - low > 64:
            return None
    if good(start):
        return start
    lo, step = start, 1
    while True:
        hi = start + step
        if hi > LIMIT:
            return None
        verdict = good(hi)
        if verdict is None:
            return next((v for v in range(lo + 1, hi) if good(v)), None)
        if verdict:
            break
        lo, step = hi, step * 2
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if good(mid):
            hi = mid
        else:
            lo = mid
    return hi
