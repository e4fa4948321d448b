"""Shared checks for the conformance, stateful and quality tests, derived from the declarations alone.

A configuration is a protocol family (with its parameters) x an optional trust model x the family's
options, taken from the shipped scenarios and their variants, so a new family, trust model or
scenario is covered with no test code. Actions, their arguments and the argument domains come from
the configuration's declarations (`model/declarations.py`); what counts as an interesting value is
read off the configuration's parameters and the state observed so far. The detectors here are the
ones the tests use: `disagreement` (both semantics side by side, tests/conformance) and
`replay_outcome` / `failing_replays` (`replay(itf.load(path)).ok`, exactly as tests/replay checks
each curated file). tests/quality breaks the reference and calls these very functions, so a break
it catches is caught by the real suite too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import copy

import attrs
import pytest
from hypothesis import strategies as st

from bridgeproof.model import corpus, itf, replay
from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.declarations import Arg
from bridgeproof.model.engine import execute
from bridgeproof.model.engine.bmc import bmc
from bridgeproof.model.observable import solver_values
from bridgeproof.model.protocols.bridge import deployment as bridge
from bridgeproof.model.reference import Revert, World
from bridgeproof.model.scenarios import discover, from_table
from bridgeproof.model.system import System
from bridgeproof.properties import PROPERTIES
from bridgeproof.properties.view import concrete_view

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
COUNTEREXAMPLES = REPO / "counterexamples"

MESSAGES = 2
SUPPLY = 10
MAX_STEPS = 8

Step = tuple[str, dict[str, Any]]


@attrs.frozen
class Config:
    """One configuration, with the small bounds the tests run it under.

    `name` is the first scenario that uses it; `safe` are the safety properties some scenario with
    this configuration expects to hold (`bounded` or `proved`); `witnessed` the witnesses it expects.
    """

    name: str
    protocol: Any
    trust: Any
    bounds: Bounds
    safe: frozenset[str]
    witnessed: frozenset[str]
    options: Any = None

    @property
    def config(self) -> Configuration:
        return _configuration(self.protocol, self.trust, self.bounds, self.options)

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.config.actions)

    @property
    def id(self) -> str:
        params = {**self.protocol.describe(), **(self.trust.describe() if self.trust is not None else {})}
        text = "-".join(f"{k}{_compact(v)}" for k, v in sorted(params.items()) if v not in ((), [], None))
        trust = self.trust.id if self.trust is not None else ""
        options = _options_id(self.protocol, self.options)
        return "-".join(p for p in (self.protocol.id, trust, text, options) if p)

    @property
    def plain(self) -> bool:
        """No scenario option differs from its default (no faults, defences, decimals, ...)."""
        return not _options_id(self.protocol, self.options)

    @property
    def class_name(self) -> str:
        """A Python identifier from the scenario name: 'ronin-2022/four-keys' -> 'Ronin2022FourKeys'."""
        words = "".join(c if c.isalnum() else " " for c in self.name).split()
        return "".join(w[:1].upper() + w[1:] for w in words)

    def system(self) -> System:
        return System(self.protocol, self.trust, self.bounds, self.options)

    def world(self) -> World:
        return World(self.config)

    def args_of(self, action: str) -> tuple[str, ...]:
        return self.config.action[action].arg_names

    def declared(self, action: str, name: str) -> Arg:
        return self.config.action[action].arg(name)

    def int_params(self) -> tuple[int, ...]:
        """The integer parameters of the family, the trust model and the options (windows, delays, ...)."""
        values = _ints(self.protocol.describe()) + _ints(self.trust.describe() if self.trust is not None else {})
        values += _ints(_plain(self.options)) + list(self.protocol.time_params(self.config))
        return tuple(values)

    @property
    def scales(self) -> tuple[int, ...]:
        """Powers of ten an amount is worth trying at: 1, and 10^d for each decimals option (cross-VM)."""
        amounts = getattr(self.options, "amounts", None)
        decimals = _ints(_plain(amounts)) if amounts is not None else []
        return tuple(sorted({1} | {10**d for d in decimals if 0 < d <= 30}))

    def viewer(self) -> Callable[[Mapping[str, Any]], Any]:
        """The properties' view of an observed state, in this configuration's units."""
        cfg = self.config
        return lambda observed: concrete_view(cfg, observed)


@cache
def _configuration(protocol: Any, trust: Any, bounds: Bounds, options: Any) -> Configuration:
    return Configuration(protocol, trust, bounds, options)


def _plain(value: Any) -> Any:
    return attrs.asdict(value) if attrs.has(type(value)) else value


def _ints(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, Mapping):
        return [i for v in value.values() for i in _ints(v)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [i for v in value for i in _ints(v)]
    return []


def _compact(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return "+".join(_compact(v) for v in items)
    if isinstance(value, Mapping):
        return "+".join(f"{k}{_compact(v)}" for k, v in value.items())
    return str(value)


def _options_id(protocol: Any, options: Any) -> str:
    """The options that differ from their defaults, compactly (empty when there are none)."""
    table = protocol.options_table(options) if options is not None else {}
    return "-".join(f"{k}{_compact(v)}" for k, v in sorted(table.items()))


def _kind(name: str) -> str | None:
    return PROPERTIES[name].kind if name in PROPERTIES else None


def configurations(messages: int = MESSAGES, supply: int = SUPPLY) -> list[Config]:
    """Every distinct configuration in the shipped scenarios, in discovery order, with small bounds."""
    found: dict[tuple[Any, ...], Config] = {}
    for sc in discover([SCENARIOS]):
        key = (
            sc.protocol.id,
            repr(sorted(sc.protocol.describe().items())),
            sc.trust.id if sc.trust is not None else None,
            repr(sorted(sc.trust.describe().items())) if sc.trust is not None else None,
            repr(sc.options),
        )
        safe = {p for p, v in sc.expect.items() if _kind(p) == "safety" and v in ("bounded", "proved")}
        witnessed = {p for p, v in sc.expect.items() if _kind(p) == "witness" and v == "witnessed"}
        old = found.get(key)
        if old is not None:
            found[key] = attrs.evolve(old, safe=old.safe | safe, witnessed=old.witnessed | witnessed)
            continue
        cfg = Config(sc.name, sc.protocol, sc.trust, sc.bounds, frozenset(safe), frozenset(witnessed), sc.options)
        used = sc.protocol.bounds_used
        small: dict[str, int] = {}
        if "messages" in used:
            small["messages"] = messages
        # A small supply keeps amounts small; where amounts convert between decimals it would be dust.
        if "supply" in used and cfg.scales == (1,):
            small["supply"] = supply
        found[key] = attrs.evolve(cfg, bounds=attrs.evolve(sc.bounds, **small))
    return list(found.values())


# --- comparing observable states -------------------------------------------------------------------------


def diff(want: Any, got: Any, path: str = "") -> str | None:
    """The first difference between the model's and the reference's observable states (model.replay.diff)."""
    return replay.diff(want, got, path, ("model", "reference"))


def call(action: str, args: Mapping[str, Any]) -> str:
    return f"{action}(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")"


def program(steps: Sequence[Step]) -> str:
    return "\n".join(f"  {i}. {call(a, args)}" for i, (a, args) in enumerate(steps, 1))


def disagreement(cfg: Config, steps: Sequence[Step], world: World | None = None) -> str | None:
    """Run `steps` through the Z3 system (`execute.run`) and the reference World side by side.

    Returns None when both refuse the same steps and every accepted step leaves the same observable
    state; otherwise a one-line description of the first disagreement.
    """
    world = world or cfg.world()
    outcome = execute.run(cfg.system(), list(steps))
    d = diff(outcome.initial, world.observe())
    if d:
        return f"initial state {d}"
    for i, ((action, args), after) in enumerate(zip(steps, outcome.states, strict=True), 1):
        try:
            world.apply(action, dict(args))
        except Revert as e:
            if after is not None:
                return f"step {i} {call(action, args)}: the model accepts it, the reference refuses it ({e})"
            continue
        if after is None:
            return f"step {i} {call(action, args)}: the reference accepts it, the model refuses it"
        d = diff(after, world.observe())
        if d:
            return f"after step {i} {call(action, args)}: {d}"
    return None


def minimise(cfg: Config, steps: Sequence[Step]) -> list[Step]:
    """A shorter sequence with a disagreement still in it: cut after the first disagreeing step, then drop
    steps one at a time while some disagreement remains (a few dozen Z3 runs, unlike Hypothesis' shrinker)."""
    current = list(steps)
    if disagreement(cfg, current) is None:
        return current
    for i in range(len(current), 0, -1):
        if disagreement(cfg, current[:i]) is None:
            current = current[: i + 1]
            break
    else:
        return []
    i = 0
    while i < len(current):
        shorter = current[:i] + current[i + 1 :]
        if disagreement(cfg, shorter) is not None:
            current = shorter
        else:
            i += 1
    return current


# --- known disagreements ------------------------------------------------------------------------------


@attrs.frozen
class Known:
    """A disagreement between the two semantics that these tests found and reported, not fixed yet.

    `steps` reproduce it (tests/conformance runs them as strict xfails: once it is fixed they fail, and
    the entry should go). Meanwhile the random and stateful tests leave out the actions in `avoid` for
    the configurations it `applies` to, or set such a configuration aside entirely when `avoid` is None.
    """

    name: str
    applies: Callable[[Config], bool]
    steps: tuple[Step, ...]
    reason: str
    avoid: frozenset[str] | None = None


KNOWN: tuple[Known, ...] = ()
"""Empty today. Entries found so far and since fixed, as models for the next one:

    Known("adversary-funds", lambda cfg: bool(cfg.options.adversary_funds), (),
          "the model starts mallory with adversary_funds on home, the reference with 0")
    Known("fork-after-unlock", lambda cfg: cfg.options.forks,
          (("lock", {"user": "alice", "amount": 3}), ("attest", {"id": 0}), ("mint", {"id": 0}),
           ("burn", {"user": "alice", "amount": 2}), ("attest", {"id": 1}), ("unlock", {"id": 1}), ("fork", {})),
          "the reference accepts a fork after a back claim executed, the model refuses it", frozenset({"fork"}))
"""


def known(cfg: Config) -> list[Known]:
    return [k for k in KNOWN if k.applies(cfg)]


def set_aside(cfg: Config) -> str | None:
    """Why this configuration is left out of the state-comparing tests (a known disagreement), if it is."""
    reasons = [f"known disagreement {k.name}: {k.reason}" for k in known(cfg) if k.avoid is None]
    return "; ".join(reasons) or None


def avoided(cfg: Config) -> frozenset[str]:
    """Actions the random and stateful tests leave out here until a known disagreement is fixed."""
    return frozenset().union(*(k.avoid for k in known(cfg) if k.avoid is not None))


def usable_actions(cfg: Config) -> tuple[str, ...]:
    return tuple(a for a in cfg.actions if a not in avoided(cfg))


# --- argument values ------------------------------------------------------------------------------------


def seconds_of_interest(cfg: Config, observed: Mapping[str, Any] | None = None) -> list[int]:
    """Wait lengths around every integer parameter (window, delay, timeout, ...), and, given a state,
    the waits that land just before, on and just after each integer in the state plus each parameter
    (posted_at + window, deadline + delta, ...)."""
    params = [p for p in cfg.int_params() if p >= 0]
    values = {0, 1, sum(params), sum(params) + 1}
    for p in params:
        values |= {p - 1, p, p + 1, 2 * p}
    if observed is not None and "now" in observed:
        now = observed["now"]
        stamps = {v for v in _ints(observed) if 0 <= v - now <= 10 * max(params, default=1) or v <= now}
        for v in stamps:
            for p in [0, *params]:
                values |= {v + p - now - 1, v + p - now, v + p - now + 1}
    return sorted(v for v in values if v >= 0)


@cache
def _small() -> st.SearchStrategy[int]:
    return st.integers(1, 3)


def amount_strategy(cfg: Config, observed: Mapping[str, Any] | None = None) -> st.SearchStrategy[int]:
    """Amounts 0..supply+5, mostly small; with decimals, small multiples of each scale, one unit off too;
    given a state, the integers it holds (balances, message amounts) and half of each."""
    supply = cfg.bounds.supply
    plain = _either(_small(), _up_to(supply + 5))
    seen = tuple(sorted({v for x in _ints(observed) if x > 0 for v in (x, max(1, x // 2))})) if observed else ()
    if seen:
        plain = _either(_sampled(seen), plain)
    if cfg.scales == (1,):
        return plain
    scaled = st.builds(
        lambda k, scale, off: max(0, k * scale + off),
        st.integers(1, 20),
        st.sampled_from(cfg.scales),
        st.sampled_from((0, 0, 1, -1)),
    )
    return st.one_of(scaled, plain)


def _keys_of(cfg: Config, domain: str, observed: Mapping[str, Any]) -> set[Any]:
    """The values of an index domain that the observed state holds entries for (sent ids, locked chains)."""
    out: set[Any] = set()
    for var in cfg.config.vars:
        if var.index is not None and var.index.name == domain and isinstance(observed.get(var.name), Mapping):
            if any(f.presence for f in cfg.config.fields if f.path[0] == var.name):
                out |= set(observed[var.name])
    return out


def _outside(arg: Arg) -> Any:
    """A value just outside an index argument's domain (the next id, or a name nobody has)."""
    assert arg.domain is not None
    values = arg.domain.values
    return len(values) if all(isinstance(v, int) for v in values) else "nobody"


@cache
def _sampled(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


@cache
def _either(*strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(*strategies)


@cache
def _up_to(high: int) -> st.SearchStrategy[int]:
    return st.integers(0, high)


def arg_strategy(cfg: Config, arg: Arg, observed: Mapping[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """Values for one declared argument: its domain (and rarely one value outside it), amounts, waits or
    small counts, leaning on what the configuration and the observed state make interesting.

    Strategies are built once per distinct set of values (building one is costly, drawing cheap)."""
    if arg.domain is not None:
        inside = _sampled(arg.domain.values)
        anything = _either(inside, inside, inside, _sampled((_outside(arg),)))
        seen = tuple(sorted(_keys_of(cfg, arg.domain.name, observed), key=str)) if observed is not None else ()
        return _either(_sampled(seen), anything) if seen else anything
    if arg.kind == "seconds":
        interesting = tuple(seconds_of_interest(cfg, observed))
        return _either(_sampled(interesting), _up_to(max(interesting) + 1))
    if arg.kind == "count":
        params = tuple(sorted({p + 1 for p in cfg.int_params() if p >= 0} | {1}))
        return _either(_sampled(params), _up_to(4))
    return amount_strategy(cfg, observed)


def step_strategy(cfg: Config, observed: Mapping[str, Any] | None = None) -> st.SearchStrategy[Step]:
    """One action of this configuration, with arguments drawn per declared argument (`arg_strategy`)."""
    actions = usable_actions(cfg)

    @st.composite
    def build(draw: st.DrawFn) -> Step:
        action = draw(st.sampled_from(actions))
        args = {a.name: draw(arg_strategy(cfg, a, observed)) for a in cfg.config.action[action].args}
        return action, args

    return build()


@st.composite
def _sequences(draw: st.DrawFn, cfg: Config, max_size: int) -> list[Step]:
    world = cfg.world()
    steps: list[Step] = []
    # Half the sequences have the full length: deep states need every slot.
    length = max_size if draw(st.booleans()) else draw(st.integers(0, max_size))
    for _ in range(length):
        observed = world.observe()
        # One slot in four takes any step, so refusals are covered; the others keep the first of a few
        # candidates the reference accepts, so long chains of accepted steps are common.
        tries = 1 if draw(st.integers(0, 3)) == 0 else 6
        for _ in range(tries):
            action, args = draw(step_strategy(cfg, observed))
            try:
                world.apply(action, dict(args))
            except Revert:
                if tries == 1:
                    steps.append((action, args))
                continue
            steps.append((action, args))
            break
    return steps


def steps_strategy(cfg: Config, max_size: int = MAX_STEPS) -> st.SearchStrategy[list[Step]]:
    """Action sequences of up to `max_size` steps; each step is drawn knowing the reference's state so far
    (only to lean towards meaningful arguments; the checks never trust the reference for that)."""
    return _sequences(cfg, max_size)


@cache
def _witness_run(cfg: Config) -> tuple[Step, ...] | None:
    name = cfg.protocol.witness
    if name is None:
        return None
    found = bmc(cfg.system(), PROPERTIES[name], cfg.bounds.depth, timeout=120)
    if found.verdict != "witnessed" or found.trace is None:
        return None
    return tuple((s.action, dict(s.args)) for s in found.trace.steps)


def round_trip(cfg: Config) -> list[Step]:
    """The shortest run that reaches the family's witness (an honest round trip for a bridge, a completed
    swap for an HTLC), found by BMC; empty when the witness is unreachable within the bounds."""
    found = _witness_run(cfg)
    return [(a, dict(args)) for a, args in found] if found is not None else []


def nonnegative(cfg: Config, observed: Mapping[str, Any]) -> dict[str, int]:
    """The declared counts (balances, supplies, ...) that went negative in an observed state."""
    c = cfg.config
    values = solver_values(c.vars, c.fields, observed)
    counted = {k for f in c.fields if f.counts and not f.fixed for k in f.keys()}
    return {k: v for k, v in values.items() if k in counted and v < 0}


# --- counterexample replay --------------------------------------------------------------------------------


def curated_files() -> list[Path]:
    """The curated counterexample corpus (never the inbox)."""
    return corpus.curated(COUNTEREXAMPLES)


def replay_outcome(path: Path) -> replay.Replay:
    """Replay one counterexample file on the reference, exactly as `bridgeproof replay` does."""
    return replay.replay(itf.load(path))


def failing_replays(paths: Sequence[Path] | None = None) -> dict[str, str]:
    """Curated files whose replay is not ok, by path relative to the corpus, with the replay's summary."""
    out = {}
    for path in curated_files() if paths is None else paths:
        result = replay_outcome(path)
        if not result.ok:
            out[str(path.relative_to(COUNTEREXAMPLES))] = result.summary()
    return out


# --- driving one reference world by hand (the families' reference unit tests) -------------------------
def act(w: World, action: str, **args: Any) -> None:
    """The call is accepted (a refusal raises `Revert` and fails the test)."""
    w.apply(action, args)


def refused(w: World, action: str, **args: Any) -> None:
    """The call reverts and the observable state is exactly what it was."""
    before = copy.deepcopy(w.observe())
    with pytest.raises(Revert):
        w.apply(action, args)
    assert w.observe() == before


def run(w: World, *steps: tuple[str, dict[str, Any]]) -> World:
    """Each (action, args) in turn, every one accepted."""
    for action, args in steps:
        act(w, action, **args)
    return w


def scenario_table(base: Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
    """A scenario table: `base` with whole top-level entries replaced (None drops one)."""
    raw = {**base, **overrides}
    return {key: value for key, value in raw.items() if value is not None}


def scenario_world(table: Mapping[str, Any], name: str) -> World:
    """The world a scenario file (named `name`) holding this one table would be checked on."""
    (scenario,) = from_table(dict(table), Path(name))
    return World(scenario.config)


KEYS_UNTOUCHED = {"out": False, "back": False}
"""`replaced_keys` before any call, initialiser or governance proposal has written it."""


def replaced_keys(w: World) -> dict[str, bool]:
    """The bridge's `replaced_keys` (dir -> bool), read off the deployment (`read_keys`), not `observe`."""
    return bridge.read_keys(w.deployment)["replaced_keys"]


BRIDGE_READ_COLUMNS = frozenset({
    "balance_home", "balance_remote", "escrow", "supply_home", "supply_remote", "next_id", "dust", "sent",
    "claimed", "sent_dir", "sent_user", "sent_amount", "sent_block", "sent_debited", "claim_dir",
    "claim_user", "claim_amount", "executions", "queued", "queued_at", "credited", "fork_executions",
    "claimed_at",
})
"""The message bridge's own reading (`BridgeDeployment.read`), as it was before optional features:
a feature that adds state reads it apart, and the reference tests check that this set is unchanged."""
BRIDGE_CLAIM_FIELDS = frozenset({
    "dir", "user", "amount", "executions", "queued", "queued_at", "credited", "fork_executions", "claimed_at",
    "evidence",
})
"""The observable record of a bridge claim without optional features."""


# --- shared by the reference tests of the bridges' sends and verifiers ----------------------------------


PAID_REFUSALS = [
    pytest.param({"user": "alice", "amount": 5, "paid": 6}, id="paid-above-amount"),
    pytest.param({"user": "alice", "amount": 5, "paid": -1}, id="paid-negative"),
    pytest.param({"user": "alice", "amount": 5, "paid": False}, id="paid-bool"),
    pytest.param({"user": "alice", "amount": 5}, id="paid-missing"),
    pytest.param({"user": "mallory", "amount": 5, "paid": 1}, id="paid-above-balance"),
]
"""Arguments an `unchecked_deposit` send (`lock`, `burn`) refuses, for a world where alice holds more than 5
and mallory nothing on the source chain (SEMANTICS.md, Actions: `0 <= paid <= amount`, the balance covers `paid`)."""


@attrs.frozen
class At:
    """What a concrete verifier may read of the world: the height and the clock, no canonical outbox."""

    height: int = 0
    now: int = 0

    def canonical_block(self, msg_id: int, digest: bytes) -> int | None:
        return None
