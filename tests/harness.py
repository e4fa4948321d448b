"""Shared checks for the conformance, stateful and quality tests.

A configuration is a protocol family x a trust model with its parameters x the scenario options, taken
from the shipped scenarios (and their variants), so a new scenario or trust model is covered with no
test code. The detectors here are the ones the tests use: `disagreement` (both semantics side by side,
tests/conformance) and `replay_outcome` / `failing_replays` (`replay(itf.load(path)).ok`, exactly as
tests/replay checks each curated file). tests/quality breaks the reference and calls these very
functions, so a break it catches is caught by the real suite too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st

from model import corpus, itf, replay
from model.engine import execute
from model.protocols.base import ProtocolFamily
from model.reference import Revert, World
from model.scenarios import discover
from model.system import System
from model.trust.base import TrustModel
from model.vocabulary import ACTION_ARGS, DIRS, USERS, Bounds
from properties import PROPERTIES
from properties.view import concrete_view

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
COUNTEREXAMPLES = REPO / "counterexamples"

MESSAGES = 2
SUPPLY = 10
MAX_STEPS = 8

Step = tuple[str, dict[str, Any]]


@attrs.frozen
class Config:
    """One protocol x trust x options configuration, with the small bounds the tests run it under.

    `name` is the first scenario that uses it; `safe` are the safety properties some scenario with
    this configuration expects to hold (`bounded` or `proved`); `witnessed` the witnesses it expects.
    `options` are the scenario's further options (None where scenarios have none). `actions` and
    `arguments` are read off the symbolic system once (what exists here, and each action's arguments).
    """

    name: str
    protocol: ProtocolFamily
    trust: TrustModel
    bounds: Bounds
    safe: frozenset[str]
    witnessed: frozenset[str]
    options: Any = None
    actions: tuple[str, ...] = ()
    arguments: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def id(self) -> str:
        params = "-".join(
            f"{k}{_compact(v)}" for k, v in sorted(self.trust.describe().items()) if v not in ((), [], None)
        )
        options = _options_id(self.options)
        return "-".join(p for p in (self.protocol.id, self.trust.id, params, options) if p)

    @property
    def plain(self) -> bool:
        """No scenario option differs from its default (no faults, defences, decimals, ...)."""
        return not _options_id(self.options)

    @property
    def class_name(self) -> str:
        """A Python identifier from the scenario name: 'ronin-2022/four-keys' -> 'Ronin2022FourKeys'."""
        words = "".join(c if c.isalnum() else " " for c in self.name).split()
        return "".join(w[:1].upper() + w[1:] for w in words)

    def system(self) -> System:
        return _build(System, self.protocol, self.trust, self.bounds, options=self.options)

    def world(self) -> World:
        bounds = self.bounds
        return _build(World, self.protocol.id, self.trust, bounds.messages, bounds.supply, options=self.options)

    def args_of(self, action: str) -> tuple[str, ...]:
        """The argument names of an action here (e.g. `burn` takes `dir` only under burn_mint)."""
        return dict(self.arguments).get(action, ACTION_ARGS[action])

    def int_params(self) -> tuple[int, ...]:
        """Integer parameters of the trust model and the options (window, delay, reaction, ...)."""
        return tuple(_ints(self.trust.describe())) + tuple(_ints(_plain(self.options)))

    @property
    def scales(self) -> tuple[int, ...]:
        """Powers of ten an amount is worth trying at: 1, and 10^d for each decimals option (cross-VM)."""
        amounts = getattr(self.options, "amounts", None)
        decimals = _ints(_plain(amounts)) if amounts is not None else []
        return tuple(sorted({1} | {10**d for d in decimals if 0 < d <= 30}))

    def viewer(self) -> Callable[[Mapping[str, Any]], Any]:
        """The properties' view of an observed state, in this configuration's units (canonical values)."""
        system = self.system()
        if hasattr(system, "concrete_view"):
            return lambda observed: system.concrete_view(dict(observed))
        return lambda observed: concrete_view(observed, self.bounds.messages, self.bounds.supply)


def _plain(value: Any) -> Any:
    return attrs.asdict(value) if attrs.has(type(value)) else value


def _ints(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, Mapping):
        return [i for v in value.values() for i in _ints(v)]
    if isinstance(value, (list, tuple)):
        return [i for v in value for i in _ints(v)]
    return []


def _compact(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return "+".join(_compact(v) for v in items)
    if isinstance(value, Mapping):
        return "+".join(f"{k}{_compact(v)}" for k, v in value.items())
    return str(value)


def _options_id(options: Any) -> str:
    """The options that differ from their defaults, compactly (empty when there are none)."""
    if options is None or not attrs.has(type(options)):
        return ""
    default = type(options)()
    changed = {k: v for k, v in attrs.asdict(options).items() if v != attrs.asdict(default).get(k)}
    return "-".join(f"{k}{_compact(v)}" for k, v in sorted(changed.items()))


def _build(cls: Any, *args: Any, options: Any) -> Any:
    """Construct a System or World, handing over scenario options only when there are any."""
    return cls(*args) if options is None else cls(*args, options=options)


def _key(protocol: ProtocolFamily, trust: TrustModel, options: Any) -> tuple[Any, ...]:
    return (protocol.id, trust.id, repr(sorted(trust.describe().items())), repr(options))


def _kind(name: str) -> str | None:
    return PROPERTIES[name].kind if name in PROPERTIES else None


def configurations(messages: int = MESSAGES, supply: int = SUPPLY) -> list[Config]:
    """Every distinct protocol x trust x options configuration in the shipped scenarios, in discovery order."""
    found: dict[tuple[Any, ...], Config] = {}
    for sc in discover([SCENARIOS]):
        options = getattr(sc, "options", None)
        key = _key(sc.protocol, sc.trust, options)
        safe = {p for p, v in sc.expect.items() if _kind(p) == "safety" and v in ("bounded", "proved")}
        witnessed = {p for p, v in sc.expect.items() if _kind(p) == "witness" and v == "witnessed"}
        old = found.get(key)
        if old is None:
            cfg = Config(sc.name, sc.protocol, sc.trust, sc.bounds, frozenset(safe), frozenset(witnessed), options)
            # A small supply keeps amounts small; where amounts convert between decimals it would be dust,
            # so such a configuration keeps its own supply (and amounts are drawn at its scales).
            small = supply if cfg.scales == (1,) else sc.bounds.supply
            cfg = attrs.evolve(cfg, bounds=attrs.evolve(sc.bounds, messages=messages, supply=small))
            system = cfg.system()
            actions = tuple(system.actions())
            arg_names = getattr(system, "arg_names", None)
            arguments = tuple((a, tuple(arg_names(a)) if arg_names else _legacy_args(cfg, a)) for a in actions)
            found[key] = attrs.evolve(cfg, actions=actions, arguments=arguments)
        else:
            found[key] = attrs.evolve(old, safe=old.safe | safe, witnessed=old.witnessed | witnessed)
    return list(found.values())


def _legacy_args(cfg: Config, action: str) -> tuple[str, ...]:
    names = ACTION_ARGS[action]
    if action == "burn" and cfg.protocol.id != "burn_mint":
        names = tuple(n for n in names if n != "dir")
    return names


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
    found = disagreement(cfg, current)
    if found is None:
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


# --- action sequences ---------------------------------------------------------------------------------


def seconds_of_interest(cfg: Config, observed: Mapping[str, Any] | None = None) -> list[int]:
    """Wait lengths around every integer trust parameter (window, delay, ...), and, given a state, the
    waits that land just before, on and just after each claim's integer evidence + each parameter
    (posted_at + window, posted_at + delay, ...)."""
    params = cfg.int_params()
    values = {0, 1, sum(params), sum(params) + 1}
    for p in params:
        values |= {p - 1, p, p + 1, 2 * p}
    if observed is not None:
        # Every time-like integer a claim records (posted_at, claimed_at, queued_at, ...), plus each parameter.
        now = observed["now"]
        for claim in observed["claims"].values():
            for v in set(_ints(claim)):
                for p in params:
                    values |= {v + p - now - 1, v + p - now, v + p - now + 1}
    return sorted(v for v in values if v >= 0)


def amount_strategy(cfg: Config) -> st.SearchStrategy[int]:
    """Amounts 0..supply+5, mostly small; with decimals, small multiples of each scale, one unit off too."""
    supply = cfg.bounds.supply
    plain = st.one_of(st.integers(1, 3), st.integers(0, supply + 5))
    if cfg.scales == (1,):
        return plain
    scaled = st.builds(
        lambda k, scale, off: max(0, k * scale + off),
        st.integers(1, 20),
        st.sampled_from(cfg.scales),
        st.sampled_from((0, 0, 1, -1)),
    )
    return st.one_of(scaled, plain)


def _prefer(preferred: Sequence[Any], anything: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the values that make an action meaningful in this state, but any value remains possible."""
    return st.one_of(st.sampled_from(preferred), anything) if preferred else anything


def step_strategy(cfg: Config, observed: Mapping[str, Any] | None = None) -> st.SearchStrategy[Step]:
    """One action of this configuration with small arguments: ids 0..messages (the last is out of range),
    both users, both dirs, amounts 0..supply+5 and wait lengths around the trust model's parameters.

    Given the current observable state (from the reference), it leans towards ids, amounts and waits that
    the action can use there (attest a sent id, mint a claimed one, forge a copy of a sent message, wait
    up to a deadline) so that long chains of accepted steps are common; it never excludes any value.
    """
    messages = cfg.bounds.messages
    any_id = st.integers(0, messages)
    any_amount = amount_strategy(cfg)
    interesting = seconds_of_interest(cfg, observed)
    any_seconds = st.one_of(st.sampled_from(interesting), st.integers(0, max(interesting) + 1))
    sent: Mapping[int, Any] = observed["sent"] if observed else {}
    claims: Mapping[int, Any] = observed["claims"] if observed else {}

    def balance(user: str, chain: str) -> int:
        return int(observed[f"balance_{chain}"][user]) if observed else 0

    def amount_for(user: str, chain: str) -> st.SearchStrategy[int]:
        held = balance(user, chain)
        candidates = [held, held // 2] if held >= 2 else [held] if held else []
        return _prefer(candidates, st.one_of(st.integers(1, max(1, held)), any_amount))

    unexecuted = [i for i, c in claims.items() if c["executions"] == 0]
    ids = {
        "attest": [i for i in sent if i not in claims],
        "forge": [i for i in range(messages) if i not in claims],
        "mint": unexecuted,
        "unlock": unexecuted,
        "challenge": unexecuted,
        "release": [i for i, c in claims.items() if c.get("queued")],
        "fork_unlock": list(claims),
    }
    room = observed is not None and observed["next_id"] < messages
    held = {chain: any(balance(u, chain) >= 1 for u in USERS) for chain in ("home", "remote")}
    usable = {
        "lock": room and held["home"],
        "burn": room and (held["home"] or held["remote"]),
        **{action: bool(candidates) for action, candidates in ids.items()},
        # A forgery always lands and takes an id, and an open fraud holds the clock back: leaning towards
        # it would crowd out honest transfers, so it comes only from the uniform half of the draws.
        "forge": False,
    }
    # Steps that use what is already there (deliver, execute, dispute, let a window pass) count three times,
    # so chains reach deep states; sources count once; actions this harness does not know (mine, pause,
    # upgrade, fork, ...) count once and are always worth a try.
    consuming = {"attest", "mint", "unlock", "challenge", "release"} | ({"wait"} if unexecuted else set())
    actions = usable_actions(cfg)
    enabled = [a for a in actions if usable.get(a, True) for _ in range(3 if a in consuming else 1)]

    @st.composite
    def build(draw: st.DrawFn) -> Step:
        action = draw(_prefer(enabled, st.sampled_from(actions)))
        names = cfg.args_of(action)
        if action == "forge" and sent and draw(st.booleans()):
            # A forged copy of a real message: not fraudulent, which watchers must leave alone.
            msg_id = draw(st.sampled_from(sorted(sent)))
            return action, {"id": msg_id, **{k: sent[msg_id][k] for k in ("dir", "user", "amount")}}
        args: dict[str, Any] = {}
        for name in names:
            if name == "id":
                args[name] = draw(_prefer(ids.get(action, []), any_id))
            elif name == "user":
                args[name] = draw(st.sampled_from(USERS))
            elif name == "dir":
                args[name] = draw(st.sampled_from(DIRS))
            elif name == "seconds":
                args[name] = draw(any_seconds)
            elif name == "paid":
                args[name] = draw(st.one_of(st.just(0), any_amount))
            elif name != "amount":
                # Another count (blocks, depth, ...): a small integer, 0 included.
                args[name] = draw(st.integers(0, 4))
        if "amount" in names:
            if action == "forge":
                args["amount"] = draw(any_amount)
            else:
                home_source = action == "lock" or args.get("dir") == "out"
                args["amount"] = draw(amount_for(args["user"], "home" if home_source else "remote"))
        return action, {name: args[name] for name in names}

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
        # candidates the reference accepts, so long chains (lock, attest, wait, mint, burn, ...) are common.
        tries = 1 if draw(st.integers(0, 3)) == 0 else 4
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


def round_trip(cfg: Config) -> list[Step]:
    """An honest transfer out and back: send, (mine past any confirmation depth), attest, (wait past any
    window), execute; then half of what arrived comes back the same way. Built against the reference
    only to learn how much arrived; whether each step is accepted is for the caller to check."""
    world = cfg.world()
    steps: list[Step] = []
    beyond = max(cfg.int_params(), default=0) + 1

    def do(action: str, **args: Any) -> None:
        steps.append((action, args))
        try:
            world.apply(action, dict(args))
        except Revert:
            pass

    def deliver(msg_id: int, execute: str) -> None:
        if "mine" in cfg.actions:
            do("mine", blocks=beyond)
        do("attest", id=msg_id)
        if "wait" in cfg.actions:
            do("wait", seconds=beyond)
        do(execute, id=msg_id)

    out = 3 * max(cfg.scales)
    back_dir = {"dir": "back"} if "dir" in cfg.args_of("burn") else {}
    if "lock" in cfg.actions:
        do("lock", user="alice", amount=out, **({"paid": out} if "paid" in cfg.args_of("lock") else {}))
    else:
        do("burn", user="alice", amount=out, dir="out")
    deliver(0, "mint")
    back = max(1, world.observe()["balance_remote"]["alice"] // 2)
    do("burn", user="alice", amount=back, **back_dir)
    deliver(1, "unlock" if "unlock" in cfg.actions else "mint")
    return steps


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
