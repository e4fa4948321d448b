"""The reference implementation against SEMANTICS.md, with small fake trust models defined here only."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bridgeproof.model.component import Component
from bridgeproof.model.declarations import Action, Field, index_arg
from bridgeproof.model.protocols.bridge.contracts.chain import Message
from bridgeproof.model.protocols.bridge.contracts.context import WorldContext
from bridgeproof.model.protocols.bridge.options import U64_MAX, Amounts, Options, RateLimit
from bridgeproof.model.reference import Revert, World
from bridgeproof.model.reference.guard import require
from harness import PAID_REFUSALS

# --- fake trust models (tests only; the real ones live in model/trust) -----------------------------------


class FakeTrust(Component):
    """What the world needs of a trust model besides its verifier: its evidence fields, its extra actions
    and their handlers; fakes set what they need. Written here, not taken from model/trust, so these
    tests check the reference against SEMANTICS.md and not against the real trust models' code."""

    id = "fake"
    concrete_actions: tuple[str, ...] = ()
    timed = False
    uses_blocks = False
    reorg_bound = 0
    subjects = None
    evidence_sorts: dict[str, str] = {}
    state_sorts: dict[str, str] = {}

    def describe(self) -> dict[str, Any]:
        return {}

    def fields(self, cfg: Any) -> tuple[Field, ...]:
        ids = cfg.domains["ids"]
        out = [Field(f"ev_{n}", sort, ("claims", "evidence", n), ids) for n, sort in self.evidence_sorts.items()]  # type: ignore[arg-type]
        out += [Field(f"vg_{n}", sort, ("verifier", n)) for n, sort in self.state_sorts.items()]  # type: ignore[arg-type]
        return tuple(out)

    def actions(self, cfg: Any) -> tuple[Action, ...]:
        ids = cfg.domains["ids"]
        return tuple(Action(a, (index_arg("id", ids),) if a == "challenge" else ()) for a in self.concrete_actions)

    def handlers(self, cfg: Any) -> dict[str, Any]:
        def challenge(dep: Any, id: int) -> None:  # noqa: A002
            require(id in dep.claim_ids(), "no claim for id")
            require(dep.is_fraudulent(id), "claim is not fraudulent")
            require(not dep.is_executed(id), "claim already executed")
            dep.verifier.challenge(id, dep.context())

        table = {"challenge": challenge, "upgrade": lambda dep: dep.verifier.upgrade()}
        return {a: table[a] for a in self.concrete_actions if a in table}

    def read(self, dep: Any, cfg: Any) -> dict[str, Any]:
        evidence = {i: dep.verifier.evidence(i) for i in dep.claim_ids()}
        out = {f"ev_{n}": {i: e[n] for i, e in evidence.items()} for n in self.evidence_sorts}
        state = dep.verifier.state()
        return out | {f"vg_{n}": state[n] for n in self.state_sorts}

    def check_wait(self, dep: Any, seconds: int, cfg: Any) -> None:
        frauds = [
            i
            for i in dep.claim_ids()
            if dep.is_fraudulent(i) and not dep.is_executed(i) and not dep.verifier.evidence(i).get("challenged")
        ]
        dep.verifier.check_wait(dep.context(), seconds, frauds)


class NoExtras:
    """The verifier methods a model without challenges, clocks or upgrades answers the same way."""

    def state(self) -> dict[str, Any]:
        return {}

    def challenge(self, msg_id: int, ctx: Any) -> None:
        raise Revert("no challenge")

    def check_wait(self, ctx: Any, seconds: int, open_frauds: list[int]) -> None:
        return None

    def upgrade(self) -> None:
        raise Revert("no upgrade")


class FakeMultisigVerifier(NoExtras):
    """k-of-n keys; the adversary holds f of them. Signer sets are kept per digest, so they bind content.

    With `upgradeable`, an upgrade zeroes the threshold (Ronin 2024) and shows in `state()`.
    """

    def __init__(self, k: int, n: int, f: int, upgradeable: bool = False) -> None:
        self.k, self.n, self.f = k, n, f
        self.upgradeable = upgradeable
        self.zeroed = False
        self.signers: dict[bytes, set[str]] = {}
        self.digest_of: dict[int, bytes] = {}

    def _sign(self, msg_id: int, digest: bytes, keys: set[str]) -> None:
        self.digest_of[msg_id] = digest
        self.signers.setdefault(digest, set()).update(keys)

    def attest(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        self._sign(msg_id, digest, {f"honest{i}" for i in range(self.n - self.f)})

    def forge(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        self._sign(msg_id, digest, {f"adversary{i}" for i in range(self.f)})

    def accepts(self, msg_id: int, digest: bytes, ctx: Any) -> bool:
        return self.zeroed or len(self.signers.get(digest, set())) >= self.k

    def evidence(self, msg_id: int) -> dict[str, Any]:
        return {"sigs": len(self.signers.get(self.digest_of[msg_id], set()))}

    def state(self) -> dict[str, Any]:
        return {"threshold_zeroed": self.zeroed} if self.upgradeable else {}

    def upgrade(self) -> None:
        # Mutates before it checks on a second call, on purpose: the world must roll it back.
        was = self.zeroed
        self.zeroed = True
        if not self.upgradeable or was:
            raise Revert("no upgrade")


class FakeMultisig(FakeTrust):
    id = "multisig"
    evidence_sorts = {"sigs": "int"}

    def __init__(self, k: int, n: int, f: int, upgradeable: bool = False) -> None:
        self.k, self.n, self.f = k, n, f
        self.upgradeable = upgradeable
        self.concrete_actions = ("upgrade",) if upgradeable else ()
        self.state_sorts = {"threshold_zeroed": "bool"} if upgradeable else {}

    def verifier(self) -> FakeMultisigVerifier:
        return FakeMultisigVerifier(self.k, self.n, self.f, self.upgradeable)


class FakeOptimisticVerifier(NoExtras):
    def __init__(self, window: int, watchers: int, delay: int) -> None:
        self.window, self.watchers, self.delay = window, watchers, delay
        self.posted_at: dict[int, int] = {}
        self.challenged: dict[int, bool] = {}

    def attest(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        self.posted_at[msg_id], self.challenged[msg_id] = ctx.now, False

    forge = attest

    def accepts(self, msg_id: int, digest: bytes, ctx: Any) -> bool:
        return not self.challenged[msg_id] and ctx.now >= self.posted_at[msg_id] + self.window

    def evidence(self, msg_id: int) -> dict[str, Any]:
        return {"posted_at": self.posted_at[msg_id], "challenged": self.challenged[msg_id]}

    def challenge(self, msg_id: int, ctx: Any) -> None:
        # Mutates before it checks, on purpose: the world must still roll this back on a revert.
        was = self.challenged[msg_id]
        self.challenged[msg_id] = True
        if self.watchers < 1 or was or ctx.now >= self.posted_at[msg_id] + self.window:
            raise Revert("challenge not allowed")

    def check_wait(self, ctx: Any, seconds: int, open_frauds: list[int]) -> None:
        if self.watchers < 1:
            return
        for msg_id in open_frauds:
            posted = self.posted_at[msg_id]
            if ctx.now < posted + self.window and ctx.now + seconds > posted + self.delay:
                raise Revert("wait passes a watcher's deadline")


class FakeOptimistic(FakeTrust):
    id = "optimistic"
    concrete_actions = ("challenge",)
    timed = True
    evidence_sorts = {"posted_at": "int", "challenged": "bool"}

    def __init__(self, window: int, watchers: int, delay: int) -> None:
        self.window, self.watchers, self.delay = window, watchers, delay

    def verifier(self) -> FakeOptimisticVerifier:
        return FakeOptimisticVerifier(self.window, self.watchers, self.delay)


class FakeLightClientVerifier(NoExtras):
    """Proves inclusion against source headers: only `ctx.canonical_block` tells it what was sent.

    Evidence is the block the proof claims; the honest relayer proves the real block, the adversary can
    only offer the tip. Acceptance needs the message on the canonical chain now, with enough
    confirmations on top of the claimed block.
    """

    def __init__(self, confirmations: int) -> None:
        self.confirmations = confirmations
        self.block: dict[int, int] = {}

    def attest(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        block = ctx.canonical_block(msg_id, digest)
        if block is None:
            raise Revert("no inclusion proof")
        self.block[msg_id] = block

    def forge(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        self.block[msg_id] = ctx.height

    def accepts(self, msg_id: int, digest: bytes, ctx: Any) -> bool:
        included = ctx.canonical_block(msg_id, digest) is not None
        return included and ctx.height - self.block[msg_id] + 1 >= self.confirmations

    def evidence(self, msg_id: int) -> dict[str, Any]:
        return {"block": self.block[msg_id]}


class FakeLightClient(FakeTrust):
    id = "light_client"
    uses_blocks = True
    evidence_sorts = {"block": "int"}

    def __init__(self, confirmations: int, reorg: int) -> None:
        self.confirmations = confirmations
        self.reorg_bound = reorg

    def verifier(self) -> FakeLightClientVerifier:
        return FakeLightClientVerifier(self.confirmations)


HONEST = FakeMultisig(k=2, n=3, f=0)
COMPROMISED = FakeMultisig(k=2, n=4, f=2)  # honest keys and adversary each reach k


def sent(direction: str, user: str, amount: int, block: int = 0, debited: int | None = None) -> dict[str, Any]:
    """A `sent` record; `debited` defaults to the amount (no decimals, no fault)."""
    return {
        "dir": direction,
        "user": user,
        "amount": amount,
        "block": block,
        "debited": amount if debited is None else debited,
    }


def claim(
    direction: str,
    user: str,
    amount: int,
    evidence: dict[str, Any],
    *,
    executions: int = 0,
    queued: bool = False,
    queued_at: int = 0,
    credited: int = 0,
    fork_executions: int = 0,
    claimed_at: int = 0,
) -> dict[str, Any]:
    """A `claims` record with every SEMANTICS.md field spelled out."""
    return {
        "dir": direction,
        "user": user,
        "amount": amount,
        "executions": executions,
        "queued": queued,
        "queued_at": queued_at,
        "credited": credited,
        "fork_executions": fork_executions,
        "claimed_at": claimed_at,
        "evidence": evidence,
    }


SIGNED = {"sigs": 3}


def conserved(state: dict[str, Any], supply: int) -> bool:
    """SEMANTICS.md's supply_conservation without decimals, to check the reference keeps it on honest runs."""
    claims = state["claims"]
    inflight: int = sum(
        m["amount"]
        for i, m in state["sent"].items()
        if i not in claims or claims[i]["executions"] == 0 or claims[i]["queued"]
    )
    total: int = state["supply_home"] + state["supply_remote"] - state["escrow"] + inflight + state["dust"]
    return total == supply


def run(world: World, *steps: tuple[str, dict[str, Any]]) -> World:
    for action, args in steps:
        world.apply(action, args)
    return world


def refused(world: World, action: str, args: dict[str, Any], match: str | None = None) -> None:
    """The action reverts and the observable state is exactly what it was."""
    before = copy.deepcopy(world.observe())
    with pytest.raises(Revert, match=match):
        world.apply(action, args)
    assert world.observe() == before


# --- round trips ---------------------------------------------------------------------------------------


def test_initial_state_gives_alice_the_whole_supply() -> None:
    assert World("lock_mint", HONEST, messages=2, supply=100).observe() == {
        "balance_home": {"alice": 100, "mallory": 0},
        "balance_remote": {"alice": 0, "mallory": 0},
        "escrow": 0,
        "supply_home": 100,
        "supply_remote": 0,
        "next_id": 0,
        "now": 0,
        "height": 0,
        "paused": False,
        "forked": False,
        "fork_escrow": 0,
        "dust": 0,
        "buckets": {},
        "verifier": {},
        "sent": {},
        "claims": {},
    }


def test_lock_mint_round_trip_gives_exact_states() -> None:
    world = World("lock_mint", HONEST, messages=2, supply=100)

    world.apply("lock", {"user": "alice", "amount": 30})
    s = world.observe()
    assert (s["balance_home"], s["escrow"], s["supply_home"], s["next_id"]) == ({"alice": 70, "mallory": 0}, 30, 100, 1)
    assert s["sent"] == {0: sent("out", "alice", 30)}
    assert s["claims"] == {}

    world.apply("attest", {"id": 0})
    assert world.observe()["claims"] == {0: claim("out", "alice", 30, SIGNED)}

    world.apply("mint", {"id": 0})
    s = world.observe()
    assert (s["balance_remote"], s["supply_remote"], s["escrow"]) == ({"alice": 30, "mallory": 0}, 30, 30)
    assert s["claims"][0] == claim("out", "alice", 30, SIGNED, executions=1, credited=30)

    world.apply("burn", {"user": "alice", "amount": 10})
    s = world.observe()
    assert (s["balance_remote"], s["supply_remote"], s["next_id"]) == ({"alice": 20, "mallory": 0}, 20, 2)
    assert s["sent"][1] == sent("back", "alice", 10)
    assert conserved(s, 100)

    run(world, ("attest", {"id": 1}), ("unlock", {"id": 1}))
    assert world.observe() == {
        "balance_home": {"alice": 80, "mallory": 0},
        "balance_remote": {"alice": 20, "mallory": 0},
        "escrow": 20,
        "supply_home": 100,
        "supply_remote": 20,
        "next_id": 2,
        "now": 0,
        "height": 0,
        "paused": False,
        "forked": False,
        "fork_escrow": 0,
        "dust": 0,
        "buckets": {},
        "verifier": {},
        "sent": {0: sent("out", "alice", 30), 1: sent("back", "alice", 10)},
        "claims": {
            0: claim("out", "alice", 30, SIGNED, executions=1, credited=30),
            1: claim("back", "alice", 10, SIGNED, executions=1, credited=10),
        },
    }
    assert conserved(world.observe(), 100)


def test_burn_mint_round_trip_gives_exact_states() -> None:
    world = World("burn_mint", HONEST, messages=2, supply=100)
    run(world, ("burn", {"user": "alice", "amount": 40, "dir": "out"}))
    s = world.observe()
    assert (s["balance_home"]["alice"], s["supply_home"], s["escrow"]) == (60, 60, 0)
    assert conserved(s, 100)

    run(
        world,
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 15, "dir": "back"}),
        ("attest", {"id": 1}),
        ("mint", {"id": 1}),
    )
    s = world.observe()
    assert (s["balance_home"], s["balance_remote"]) == ({"alice": 75, "mallory": 0}, {"alice": 25, "mallory": 0})
    assert (s["escrow"], s["supply_home"], s["supply_remote"], s["next_id"]) == (0, 75, 25, 2)
    assert s["sent"] == {0: sent("out", "alice", 40), 1: sent("back", "alice", 15)}
    assert s["claims"] == {
        0: claim("out", "alice", 40, SIGNED, executions=1, credited=40),
        1: claim("back", "alice", 15, SIGNED, executions=1, credited=15),
    }
    assert conserved(s, 100)


# --- adversary -----------------------------------------------------------------------------------------


def test_forge_is_accepted_when_the_adversary_holds_a_quorum() -> None:
    world = World("lock_mint", COMPROMISED, messages=2, supply=100)
    run(world, ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 1000}), ("mint", {"id": 0}))
    s = world.observe()
    assert s["balance_remote"] == {"alice": 0, "mallory": 1000}
    assert s["supply_remote"] == 1000
    assert s["sent"] == {}
    assert s["claims"] == {0: claim("out", "mallory", 1000, {"sigs": 2}, executions=1, credited=1000)}
    assert not conserved(s, 100)


def test_forged_back_claim_drains_escrow_under_a_compromised_quorum() -> None:
    world = World("lock_mint", COMPROMISED, messages=2, supply=100)
    run(
        world,
        ("lock", {"user": "alice", "amount": 50}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 50}),
        ("unlock", {"id": 1}),
    )
    s = world.observe()
    assert (s["escrow"], s["balance_home"]["mallory"]) == (0, 50)


def test_forge_without_a_quorum_is_delivered_but_never_accepted() -> None:
    world = World("lock_mint", FakeMultisig(k=2, n=3, f=1), messages=1, supply=100)
    world.apply("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 5})
    assert world.observe()["claims"][0]["evidence"] == {"sigs": 1}
    before = world.observe()
    with pytest.raises(Revert):
        world.apply("mint", {"id": 0})
    assert world.observe() == before


def test_forge_may_front_run_a_sent_id_with_different_content() -> None:
    world = World("lock_mint", COMPROMISED, messages=1, supply=100)
    run(world, ("lock", {"user": "alice", "amount": 10}))
    world.apply("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 10})
    with pytest.raises(Revert):
        world.apply("attest", {"id": 0})
    world.apply("mint", {"id": 0})
    assert world.observe()["balance_remote"] == {"alice": 0, "mallory": 10}


def test_digest_binds_every_field() -> None:
    base = Message(0, "out", "alice", 5)
    variants = [
        Message(1, "out", "alice", 5),
        Message(0, "back", "alice", 5),
        Message(0, "out", "mallory", 5),
        Message(0, "out", "alice", 6),
    ]
    digests = {m.digest() for m in [base, *variants]}
    assert len(digests) == 5
    assert base.digest() == Message(0, "out", "alice", 5).digest()


# --- refusals leave the world unchanged -----------------------------------------------------------------


def _lock_mint_midway(trust: Any = COMPROMISED, messages: int = 3) -> World:
    """alice locked 30 and it was minted; id 1 is a forged back claim for more than the escrow."""
    return run(
        World("lock_mint", trust, messages=messages, supply=100),
        ("lock", {"user": "alice", "amount": 30}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 31}),
    )


LOCK_MINT_REFUSALS = [
    pytest.param("lock", {"user": "alice", "amount": 71}, id="lock-insufficient-balance"),
    pytest.param("lock", {"user": "mallory", "amount": 1}, id="lock-empty-account"),
    pytest.param("burn", {"user": "alice", "amount": 31}, id="burn-insufficient-balance"),
    pytest.param("mint", {"id": 0}, id="mint-replay"),
    pytest.param("unlock", {"id": 1}, id="unlock-exceeds-escrow"),
    pytest.param("unlock", {"id": 0}, id="unlock-out-claim"),
    pytest.param("mint", {"id": 1}, id="mint-back-claim-under-lock-mint"),
    pytest.param("mint", {"id": 2}, id="mint-without-claim"),
    pytest.param("lock", {"user": "alice", "amount": 0}, id="amount-zero"),
    pytest.param("lock", {"user": "alice", "amount": -5}, id="amount-negative"),
    pytest.param("lock", {"user": "alice", "amount": True}, id="amount-bool"),
    pytest.param("lock", {"user": "alice", "amount": "5"}, id="amount-string"),
    pytest.param("forge", {"id": 2, "dir": "out", "user": "mallory", "amount": 0}, id="forge-amount-zero"),
    pytest.param("forge", {"id": 3, "dir": "out", "user": "mallory", "amount": 1}, id="forge-id-out-of-range"),
    pytest.param("forge", {"id": -1, "dir": "out", "user": "mallory", "amount": 1}, id="forge-id-negative"),
    pytest.param("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 1}, id="forge-claimed-id"),
    pytest.param("forge", {"id": 2, "dir": "sideways", "user": "mallory", "amount": 1}, id="forge-bad-dir"),
    pytest.param("attest", {"id": 0}, id="attest-twice"),
    pytest.param("attest", {"id": 1}, id="attest-forged-id-never-sent"),
    pytest.param("attest", {"id": 2}, id="attest-unsent"),
    pytest.param("attest", {"id": True}, id="attest-bool-id"),
    pytest.param("lock", {"user": "eve", "amount": 1}, id="unknown-user"),
    pytest.param("lock", {"user": ["alice"], "amount": 1}, id="unhashable-user"),
    pytest.param("lock", {"user": "alice"}, id="missing-argument"),
    pytest.param("lock", {"user": "alice", "amount": 1, "dir": "out"}, id="unexpected-argument"),
    pytest.param("burn", {"user": "alice", "amount": 1, "dir": "out"}, id="lock-mint-burn-takes-no-dir"),
    pytest.param("burn", {"user": "alice", "amount": 1, "dir": "back"}, id="lock-mint-burn-takes-no-dir-back"),
    pytest.param("steal", {}, id="unknown-action"),
    pytest.param("challenge", {"id": 1}, id="challenge-without-challenge-model"),
    pytest.param("wait", {"seconds": 5}, id="wait-without-clock"),
    pytest.param("mine", {"blocks": 1}, id="mine-without-blocks"),
    pytest.param("reorg", {"depth": 1}, id="reorg-without-blocks"),
    pytest.param("release", {"id": 0}, id="release-without-queue"),
    pytest.param("pause", {}, id="pause-without-guardian"),
    pytest.param("upgrade", {}, id="upgrade-without-fault"),
    pytest.param("fork", {}, id="fork-without-forks"),
    pytest.param("fork_unlock", {"id": 1}, id="fork-unlock-without-forks"),
    pytest.param("lock", {"user": "alice", "amount": 1, "paid": 0}, id="paid-without-unchecked-deposit"),
]


@pytest.mark.parametrize(("action", "args"), LOCK_MINT_REFUSALS)
def test_refusal_leaves_lock_mint_world_unchanged(action: str, args: dict[str, Any]) -> None:
    world = _lock_mint_midway()
    before = copy.deepcopy(world.observe())
    with pytest.raises(Revert):
        world.apply(action, args)
    assert world.observe() == before


def test_exhausted_message_bound_refuses_send() -> None:
    world = run(World("lock_mint", HONEST, messages=1, supply=100), ("lock", {"user": "alice", "amount": 1}))
    before = world.observe()
    with pytest.raises(Revert, match="bound"):
        world.apply("lock", {"user": "alice", "amount": 1})
    assert world.observe() == before


def test_exhausted_message_bound_refuses_forge_beyond_it() -> None:
    world = run(World("burn_mint", COMPROMISED, messages=1, supply=100), ("burn", {"user": "alice", "amount": 1, "dir": "out"}))
    before = world.observe()
    with pytest.raises(Revert):
        world.apply("forge", {"id": 1, "dir": "out", "user": "mallory", "amount": 1})
    with pytest.raises(Revert):
        world.apply("burn", {"user": "alice", "amount": 1, "dir": "out"})
    assert world.observe() == before


@pytest.mark.parametrize(
    ("action", "args"),
    [
        pytest.param("unlock", {"id": 0}, id="unlock-under-burn-mint"),
        pytest.param("lock", {"user": "alice", "amount": 1}, id="lock-under-burn-mint"),
        pytest.param("burn", {"user": "alice", "amount": 1}, id="burn-without-dir"),
        pytest.param("burn", {"user": "alice", "amount": 61, "dir": "out"}, id="burn-insufficient-home"),
        pytest.param("burn", {"user": "alice", "amount": 41, "dir": "back"}, id="burn-insufficient-remote"),
        pytest.param("mint", {"id": 0}, id="mint-replay"),
    ],
)
def test_refusal_leaves_burn_mint_world_unchanged(action: str, args: dict[str, Any]) -> None:
    world = run(
        World("burn_mint", HONEST, messages=3, supply=100),
        ("burn", {"user": "alice", "amount": 40, "dir": "out"}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
    )
    before = copy.deepcopy(world.observe())
    with pytest.raises(Revert):
        world.apply(action, args)
    assert world.observe() == before


def test_observe_returns_values_the_caller_cannot_use_to_change_the_world() -> None:
    world = _lock_mint_midway()
    state = world.observe()
    state["balance_home"]["alice"] = 10**6
    state["claims"][0]["evidence"]["sigs"] = 0
    state["sent"].clear()
    assert world.observe() == _lock_mint_midway().observe()


# --- optimistic: challenge and wait ----------------------------------------------------------------------


def _optimistic(window: int = 10, watchers: int = 1, delay: int = 3) -> World:
    return World("lock_mint", FakeOptimistic(window, watchers, delay), messages=3, supply=100)


def test_optimistic_honest_claim_executes_after_the_window() -> None:
    world = run(_optimistic(), ("lock", {"user": "alice", "amount": 5}), ("attest", {"id": 0}))
    with pytest.raises(Revert):
        world.apply("mint", {"id": 0})
    run(world, ("wait", {"seconds": 10}), ("mint", {"id": 0}))
    s = world.observe()
    assert s["now"] == 10
    assert s["claims"][0] == claim("out", "alice", 5, {"posted_at": 0, "challenged": False}, executions=1, credited=5)


def test_optimistic_watcher_deadline_blocks_time_until_the_fraud_is_challenged() -> None:
    world = run(
        _optimistic(), ("wait", {"seconds": 2}), ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 9})
    )
    run(world, ("wait", {"seconds": 3}))  # now 5 == posted_at + delay: still allowed
    before = world.observe()
    with pytest.raises(Revert):
        world.apply("wait", {"seconds": 1})
    assert world.observe() == before
    world.apply("challenge", {"id": 0})
    assert world.observe()["claims"][0]["evidence"] == {"posted_at": 2, "challenged": True}
    run(world, ("wait", {"seconds": 100}))
    with pytest.raises(Revert):
        world.apply("mint", {"id": 0})


def test_optimistic_without_watchers_lets_fraud_through() -> None:
    world = _optimistic(watchers=0)
    run(world, ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 9}), ("wait", {"seconds": 10}))
    world.apply("mint", {"id": 0})
    assert world.observe()["balance_remote"]["mallory"] == 9


def test_optimistic_delay_past_window_lets_fraud_through() -> None:
    world = _optimistic(window=10, delay=10)
    run(
        world,
        ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 9}),
        ("wait", {"seconds": 10}),
        ("mint", {"id": 0}),
    )
    assert world.observe()["supply_remote"] == 9


FORGED = ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 9})


@pytest.mark.parametrize(
    ("params", "setup"),
    [
        pytest.param({}, [("lock", {"user": "alice", "amount": 5}), ("attest", {"id": 0})], id="honest-claim"),
        pytest.param({}, [], id="no-claim"),
        pytest.param({}, [FORGED, ("challenge", {"id": 0})], id="already-challenged"),
        pytest.param({"delay": 10}, [FORGED, ("wait", {"seconds": 10})], id="window-closed"),
        pytest.param({"delay": 10}, [FORGED, ("wait", {"seconds": 10}), ("mint", {"id": 0})], id="executed"),
    ],
)
def test_optimistic_challenge_refusals(params: dict[str, int], setup: list[tuple[str, dict[str, Any]]]) -> None:
    world = run(_optimistic(**params), *setup)
    before = world.observe()
    with pytest.raises(Revert):
        world.apply("challenge", {"id": 0})
    assert world.observe() == before


def test_optimistic_challenge_is_allowed_until_the_window_closes() -> None:
    world = run(_optimistic(window=10, delay=10), FORGED, ("wait", {"seconds": 9}), ("challenge", {"id": 0}))
    assert world.observe()["claims"][0]["evidence"] == {"posted_at": 0, "challenged": True}


def test_challenge_rolls_back_whatever_the_verifier_wrote_before_reverting() -> None:
    world = run(_optimistic(watchers=0), ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 9}))
    before = world.observe()
    with pytest.raises(Revert):
        world.apply("challenge", {"id": 0})  # the fake sets challenged, then refuses: no watchers
    assert world.observe() == before


def test_challenge_of_a_mismatched_claim_for_a_sent_id() -> None:
    world = run(
        World("lock_mint", FakeOptimistic(10, 1, 3), messages=2, supply=100),
        ("lock", {"user": "alice", "amount": 5}),
        ("forge", {"id": 0, "dir": "out", "user": "alice", "amount": 50}),
        ("challenge", {"id": 0}),
    )
    assert world.observe()["claims"][0]["evidence"]["challenged"] is True


def test_wait_refuses_non_positive_seconds() -> None:
    world = _optimistic()
    for seconds in (0, -1, True):
        with pytest.raises(Revert):
            world.apply("wait", {"seconds": seconds})
    assert world.observe()["now"] == 0


# --- the action table -----------------------------------------------------------------------------------


def test_available_actions_follow_protocol_and_trust() -> None:
    assert World("lock_mint", HONEST, 1, 1).available_actions() == ("lock", "burn", "attest", "forge", "mint", "unlock")
    assert World("burn_mint", HONEST, 1, 1).available_actions() == ("burn", "attest", "forge", "mint")
    assert World("burn_mint", FakeOptimistic(1, 1, 0), 1, 1).available_actions() == (
        "burn",
        "attest",
        "forge",
        "mint",
        "wait",
        "challenge",
    )


def test_bad_construction_is_a_value_error_not_a_revert() -> None:
    with pytest.raises(ValueError, match="protocol"):
        World("teleport", HONEST, 1, 1)
    with pytest.raises(ValueError, match="messages"):
        World("lock_mint", HONEST, -1, 1)

    class Unknown(FakeTrust):
        concrete_actions = ("finalize",)

        def verifier(self) -> FakeMultisigVerifier:
            return FakeMultisigVerifier(1, 1, 0)

    with pytest.raises(ValueError, match="finalize"):
        World("lock_mint", Unknown(), 1, 1)


def test_available_actions_list_exactly_the_configured_features() -> None:
    everything = Options(
        faults=frozenset({"unchecked_deposit", "unbound_chain_id"}),
        forks=True,
        rate_limit=RateLimit(capacity=10, mode="queue"),
        per_tx_limit=50,
        pause_reaction=60,
        finality=2,
    )
    assert World("lock_mint", FakeMultisig(2, 3, 0, upgradeable=True), 1, 1, everything).available_actions() == (
        "lock",
        "burn",
        "attest",
        "forge",
        "mint",
        "unlock",
        "wait",
        "mine",
        "reorg",
        "release",
        "pause",
        "fork",
        "fork_unlock",
        "upgrade",
    )
    fail_mode = Options(rate_limit=RateLimit(capacity=10, mode="fail"))
    fail_actions = World("burn_mint", HONEST, 1, 1, fail_mode).available_actions()
    assert fail_actions == ("burn", "attest", "forge", "mint", "wait")
    assert World("burn_mint", HONEST, 1, 1, Options(reorg=1)).available_actions() == (
        "burn",
        "attest",
        "forge",
        "mint",
        "mine",
        "reorg",
    )
    assert World("burn_mint", FakeLightClient(1, 0), 1, 1).available_actions() == (
        "burn",
        "attest",
        "forge",
        "mint",
        "mine",
        "reorg",
    )
    # per_tx_limit and the amounts add no action.
    assert World("burn_mint", HONEST, 1, 1, Options(per_tx_limit=3, amounts=Amounts(2, 1))).available_actions() == (
        "burn",
        "attest",
        "forge",
        "mint",
    )


def test_adversary_funds_are_mallorys_own_home_coins() -> None:
    s = World("lock_mint", HONEST, 2, 100, Options(adversary_funds=40)).observe()
    assert (s["balance_home"], s["supply_home"], s["escrow"]) == ({"alice": 100, "mallory": 40}, 140, 0)
    world = run(
        World("burn_mint", HONEST, 2, 100, Options(adversary_funds=40)),
        ("burn", {"user": "mallory", "amount": 15, "dir": "out"}),
    )
    s = world.observe()
    assert (s["balance_home"]["mallory"], s["supply_home"], s["sent"]) == (25, 125, {0: sent("out", "mallory", 15)})


def test_options_none_is_the_plain_bridge() -> None:
    assert World("lock_mint", HONEST, 2, 100, None).observe() == World("lock_mint", HONEST, 2, 100, Options()).observe()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        pytest.param(Options(forks=True), "forks", id="forks-under-burn-mint"),
        pytest.param(
            Options(faults=frozenset({"unprotected_initializer"})), "unprotected_initializer", id="initializer-unreachable"
        ),
        pytest.param(Options(faults=frozenset({"reentrancy"})), "reentrancy", id="unknown-fault"),
        pytest.param(Options(per_tx_limit=-1), "per_tx_limit", id="negative-limit"),
        pytest.param(Options(adversary_funds=-1), "adversary_funds", id="negative-adversary-funds"),
        pytest.param(Options(amounts=Amounts(wire_decimals=-1)), "wire_decimals", id="negative-wire-decimals"),
    ],
)
def test_bad_options_are_a_value_error(options: Options, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        World("burn_mint", HONEST, 1, 1, options)


# --- rate limits ------------------------------------------------------------------------------------------


def _limited(mode: str, capacity: int = 10, refill: int = 1, delay: int = 100) -> World:
    # A failing bucket queues nothing, so a queue delay would be refused (SEMANTICS.md, Configuration).
    limit = RateLimit(capacity=capacity, refill=refill, mode=mode, delay=delay if mode == "queue" else 0)
    return World("lock_mint", HONEST, messages=4, supply=100, options=Options(rate_limit=limit))


def test_bucket_takes_the_amount_and_refills_per_second_up_to_capacity() -> None:
    world = run(_limited("queue"), ("lock", {"user": "alice", "amount": 4}), ("attest", {"id": 0}), ("mint", {"id": 0}))
    assert world.observe()["buckets"] == {
        "out": {"tokens": 6, "updated_at": 0},
        "back": {"tokens": 10, "updated_at": 0},
    }
    run(world, ("wait", {"seconds": 3}), ("lock", {"user": "alice", "amount": 9}), ("attest", {"id": 1}))
    world.apply("mint", {"id": 1})  # level min(10, 6 + 3 * 1) = 9 covers exactly 9
    s = world.observe()
    assert s["buckets"]["out"] == {"tokens": 0, "updated_at": 3}
    assert s["claims"][1] == claim("out", "alice", 9, SIGNED, executions=1, credited=9, claimed_at=3)
    assert s["balance_remote"]["alice"] == 13


def test_queued_transfer_and_its_release_give_exact_states() -> None:
    world = run(_limited("queue"), ("lock", {"user": "alice", "amount": 30}), ("attest", {"id": 0}))
    world.apply("wait", {"seconds": 5})
    world.apply("mint", {"id": 0})
    queued = world.observe()
    assert queued == {
        "balance_home": {"alice": 70, "mallory": 0},
        "balance_remote": {"alice": 0, "mallory": 0},
        "escrow": 30,
        "supply_home": 100,
        "supply_remote": 0,
        "next_id": 1,
        "now": 5,
        "height": 0,
        "paused": False,
        "forked": False,
        "fork_escrow": 0,
        "dust": 0,
        "buckets": {"out": {"tokens": 10, "updated_at": 0}, "back": {"tokens": 10, "updated_at": 0}},
        "verifier": {},
        "sent": {0: sent("out", "alice", 30)},
        "claims": {0: claim("out", "alice", 30, SIGNED, executions=1, queued=True, queued_at=5)},
    }
    assert conserved(queued, 100)
    refused(world, "mint", {"id": 0}, match="replay")
    refused(world, "release", {"id": 0}, match="delayed")
    world.apply("wait", {"seconds": 99})
    refused(world, "release", {"id": 0}, match="delayed")  # 104 < 5 + 100
    run(world, ("wait", {"seconds": 1}), ("release", {"id": 0}))
    released = world.observe()
    assert released == {
        **queued,
        "balance_remote": {"alice": 30, "mallory": 0},
        "supply_remote": 30,
        "now": 105,
        "claims": {0: claim("out", "alice", 30, SIGNED, executions=1, queued_at=5, credited=30)},
    }
    assert conserved(released, 100)
    refused(world, "release", {"id": 0}, match="not queued")


def test_release_of_an_unlock_needs_the_escrow_then_and_when_it_was_queued() -> None:
    limit = RateLimit(capacity=5, refill=0, mode="queue", delay=10)
    world = run(
        World("lock_mint", COMPROMISED, messages=3, supply=100, options=Options(rate_limit=limit)),
        ("lock", {"user": "alice", "amount": 20}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 20}),
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 21}),
    )
    refused(world, "unlock", {"id": 2}, match="escrow")  # queueing does not waive `escrow >= credit`
    run(world, ("unlock", {"id": 1}), ("wait", {"seconds": 10}))
    assert world.observe()["claims"][1]["queued"] is True
    run(world, ("release", {"id": 1}))
    s = world.observe()
    assert (s["escrow"], s["balance_home"]["mallory"], s["buckets"]["back"]) == (0, 20, {"tokens": 5, "updated_at": 0})


def test_fail_mode_refuses_what_the_bucket_cannot_cover() -> None:
    world = run(_limited("fail"), ("lock", {"user": "alice", "amount": 30}), ("attest", {"id": 0}))
    refused(world, "mint", {"id": 0}, match="rate limit")
    refused(world, "release", {"id": 0})  # no queue in fail mode
    run(world, ("lock", {"user": "alice", "amount": 8}), ("attest", {"id": 1}), ("mint", {"id": 1}))
    world.apply("wait", {"seconds": 1})
    refused(world, "mint", {"id": 0}, match="rate limit")  # level min(10, 2 + 1) = 3
    assert world.observe()["buckets"]["out"] == {"tokens": 2, "updated_at": 0}


# --- per-transaction limit -------------------------------------------------------------------------------


def test_per_tx_limit_refuses_larger_messages_in_message_units() -> None:
    world = run(
        World("lock_mint", HONEST, messages=3, supply=100, options=Options(per_tx_limit=25)),
        ("lock", {"user": "alice", "amount": 26}),
        ("lock", {"user": "alice", "amount": 25}),
        ("attest", {"id": 0}),
        ("attest", {"id": 1}),
    )
    refused(world, "mint", {"id": 0}, match="per-transaction")
    run(world, ("mint", {"id": 1}), ("burn", {"user": "alice", "amount": 25}), ("attest", {"id": 2}))
    world.apply("unlock", {"id": 2})
    assert world.observe()["balance_home"]["alice"] == 74


# --- pause guardian ----------------------------------------------------------------------------------------


def _guarded(reaction: int = 5, trust: Any = COMPROMISED) -> World:
    return World("lock_mint", trust, messages=3, supply=100, options=Options(pause_reaction=reaction))


def test_pause_urgency_holds_time_until_the_guardian_pauses() -> None:
    forged = ("forge", {"id": 2, "dir": "out", "user": "mallory", "amount": 9})
    world = run(_guarded(), ("wait", {"seconds": 2}), forged)
    run(world, ("wait", {"seconds": 5}))  # now 7 == claimed_at + reaction: still allowed
    refused(world, "wait", {"seconds": 1}, match="guardian")
    world.apply("pause", {})
    s = world.observe()
    assert (s["paused"], s["claims"][2]["claimed_at"]) == (True, 2)
    refused(world, "mint", {"id": 2}, match="paused")
    refused(world, "pause", {}, match="already paused")
    run(world, ("wait", {"seconds": 1000}), ("lock", {"user": "alice", "amount": 1}), ("attest", {"id": 0}))
    refused(world, "mint", {"id": 0}, match="paused")  # the pause stops honest deliveries too
    assert world.observe()["now"] == 1007


def test_guardian_cannot_pause_without_fraud_and_honest_claims_do_not_hold_time() -> None:
    world = run(_guarded(), ("lock", {"user": "alice", "amount": 1}), ("attest", {"id": 0}))
    refused(world, "pause", {}, match="fraudulent")
    run(world, ("wait", {"seconds": 100}), ("mint", {"id": 0}))
    assert world.observe()["now"] == 100


def test_a_fraud_the_adversary_executes_at_once_still_lets_the_guardian_pause() -> None:
    world = run(_guarded(reaction=0), ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 9}))
    world.apply("mint", {"id": 0})
    refused(world, "wait", {"seconds": 1}, match="guardian")  # executed frauds count too
    world.apply("pause", {})
    assert world.observe()["balance_remote"]["mallory"] == 9


def test_pause_and_watcher_urgency_both_apply() -> None:
    world = World("lock_mint", FakeOptimistic(10, 1, 3), messages=2, supply=100, options=Options(pause_reaction=8))
    run(world, ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 9}))
    refused(world, "wait", {"seconds": 4}, match="watcher")
    run(world, ("wait", {"seconds": 3}), ("challenge", {"id": 0}))
    refused(world, "wait", {"seconds": 6}, match="guardian")
    run(world, ("wait", {"seconds": 5}), ("pause", {}), ("wait", {"seconds": 100}))
    assert world.observe()["now"] == 108


# --- blocks: finality and reorgs ----------------------------------------------------------------------------


def test_finality_holds_honest_attest_until_enough_confirmations() -> None:
    world = run(
        World("lock_mint", HONEST, messages=2, supply=100, options=Options(finality=3)),
        ("mine", {"blocks": 4}),
        ("lock", {"user": "alice", "amount": 10}),
    )
    assert world.observe()["sent"] == {0: sent("out", "alice", 10, block=4)}
    refused(world, "attest", {"id": 0}, match="final")
    world.apply("mine", {"blocks": 1})
    refused(world, "attest", {"id": 0}, match="final")  # 2 confirmations
    run(world, ("mine", {"blocks": 1}), ("attest", {"id": 0}), ("mint", {"id": 0}))
    s = world.observe()
    assert (s["height"], s["balance_remote"]["alice"]) == (6, 10)
    for blocks in (0, -1, True):
        refused(world, "mine", {"blocks": blocks})


def _reorgable(protocol: str = "lock_mint", trust: Any = HONEST, depth: int = 2) -> World:
    return World(protocol, trust, messages=4, supply=100, options=Options(reorg=depth))


def test_reorg_drops_recent_out_messages_and_refunds_their_debit() -> None:
    world = run(
        _reorgable(),
        ("lock", {"user": "alice", "amount": 30}),
        ("mine", {"blocks": 1}),
        ("lock", {"user": "alice", "amount": 20}),
        ("attest", {"id": 1}),
    )
    before = world.observe()
    world.apply("reorg", {"depth": 1})
    after = world.observe()
    assert after == {
        **before,
        "balance_home": {"alice": 70, "mallory": 0},
        "escrow": 30,
        "sent": {0: sent("out", "alice", 30)},
    }
    # The claim stays, now fraudulent; the honest relayer cannot attest a vanished id.
    assert after["claims"][1] == claim("out", "alice", 20, SIGNED)
    assert after["height"] == 1 and after["next_id"] == 2
    world.apply("reorg", {"depth": 2})
    s = world.observe()
    assert (s["sent"], s["escrow"], s["balance_home"]["alice"]) == ({}, 0, 100)


def test_reorg_leaves_back_messages_and_is_bounded() -> None:
    world = run(
        _reorgable(depth=1),
        ("lock", {"user": "alice", "amount": 30}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 5}),
        ("mine", {"blocks": 3}),
    )
    refused(world, "reorg", {"depth": 2}, match="depth")
    refused(world, "reorg", {"depth": 0}, match="depth")
    world.apply("reorg", {"depth": 1})  # nothing in the last block: accepted, changes nothing
    s = world.observe()
    assert set(s["sent"]) == {0, 1}


def test_reorg_is_refused_when_the_escrow_was_paid_out() -> None:
    world = run(
        _reorgable(trust=COMPROMISED),
        ("lock", {"user": "alice", "amount": 30}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 30}),
        ("unlock", {"id": 1}),
    )
    refused(world, "reorg", {"depth": 1}, match="escrow")


def test_reorg_under_burn_mint_re_mints_the_burn() -> None:
    world = run(_reorgable("burn_mint"), ("burn", {"user": "alice", "amount": 40, "dir": "out"}))
    assert world.observe()["supply_home"] == 60
    world.apply("reorg", {"depth": 1})
    s = world.observe()
    assert (s["supply_home"], s["balance_home"]["alice"], s["sent"], s["next_id"]) == (100, 100, {}, 1)


def test_double_spend_by_reorg_after_delivery() -> None:
    """The classic finality attack: deliver on remote, then reorg the lock away on home."""
    world = run(
        _reorgable(),
        ("lock", {"user": "alice", "amount": 30}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("reorg", {"depth": 1}),
    )
    s = world.observe()
    assert (s["balance_home"]["alice"], s["balance_remote"]["alice"], s["escrow"], s["sent"]) == (100, 30, 0, {})


# --- light client via canonical_block -----------------------------------------------------------------------


def test_world_context_matches_id_and_digest_exactly() -> None:
    m = Message(0, "out", "alice", 5)
    ctx = WorldContext(now=7, height=3, canonical={0: (m.digest(), 2)})
    assert (ctx.now, ctx.height) == (7, 3)
    assert ctx.canonical_block(0, m.digest()) == 2
    assert ctx.canonical_block(0, Message(0, "out", "alice", 6).digest()) is None
    assert ctx.canonical_block(1, m.digest()) is None


def test_light_client_accepts_canonical_messages_after_its_confirmations() -> None:
    world = run(
        World("lock_mint", FakeLightClient(confirmations=2, reorg=1), messages=3, supply=100),
        ("mine", {"blocks": 1}),
        ("lock", {"user": "alice", "amount": 10}),
        ("attest", {"id": 0}),
    )
    assert world.observe()["claims"][0]["evidence"] == {"block": 1}
    refused(world, "mint", {"id": 0}, match="verifier")  # 1 confirmation
    run(world, ("mine", {"blocks": 1}), ("mint", {"id": 0}))
    assert world.observe()["balance_remote"]["alice"] == 10


def test_light_client_never_accepts_fraud_and_follows_reorgs() -> None:
    world = run(
        World("lock_mint", FakeLightClient(confirmations=2, reorg=1), messages=3, supply=100),
        ("lock", {"user": "alice", "amount": 10}),
        ("lock", {"user": "alice", "amount": 5}),
        ("forge", {"id": 2, "dir": "out", "user": "mallory", "amount": 10}),
        ("forge", {"id": 1, "dir": "out", "user": "alice", "amount": 5}),  # true content, adversary's proof
        ("attest", {"id": 0}),
        ("mine", {"blocks": 5}),
    )
    refused(world, "mint", {"id": 2}, match="verifier")  # never sent
    assert world.observe()["claims"][1]["evidence"] == {"block": 0}
    world.apply("mint", {"id": 1})  # not fraudulent: the proof checks out
    world.apply("reorg", {"depth": 1})  # the last block is empty: nothing changes
    world = run(
        World("lock_mint", FakeLightClient(confirmations=1, reorg=1), messages=3, supply=100),
        ("lock", {"user": "alice", "amount": 10}),
        ("attest", {"id": 0}),
        ("reorg", {"depth": 1}),
    )
    refused(world, "mint", {"id": 0}, match="verifier")  # reorged out: no longer canonical


# --- forks ------------------------------------------------------------------------------------------------


def _forkable(unbound: bool) -> World:
    faults = frozenset({"unbound_chain_id"}) if unbound else frozenset()
    return run(
        World("lock_mint", HONEST, messages=3, supply=100, options=Options(forks=True, faults=faults)),
        ("lock", {"user": "alice", "amount": 30}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 10}),
        ("attest", {"id": 1}),
    )


@pytest.mark.parametrize("unbound", [False, True])
def test_fork_copies_the_vault_before_any_back_claim_executes(unbound: bool) -> None:
    world = _forkable(unbound)
    refused(world, "fork_unlock", {"id": 1}, match="not forked")
    world.apply("fork", {})
    s = world.observe()
    assert (s["forked"], s["fork_escrow"], s["escrow"]) == (True, 30, 30)
    assert (s["claims"][0]["fork_executions"], s["claims"][1]["fork_executions"]) == (0, 0)
    refused(world, "fork", {}, match="already forked")
    world.apply("unlock", {"id": 1})
    assert world.observe()["claims"][1] == claim("back", "alice", 10, SIGNED, executions=1, credited=10)


def test_fork_is_refused_once_a_back_claim_has_executed() -> None:
    world = run(_forkable(unbound=True), ("unlock", {"id": 1}))
    refused(world, "fork", {}, match="back claim")


def test_fork_is_refused_once_a_back_claim_is_queued() -> None:
    options = Options(forks=True, rate_limit=RateLimit(capacity=5, mode="queue"))
    steps = (
        ("lock", {"user": "alice", "amount": 10}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 6}),
        ("unlock", {"id": 1}),
    )
    world = run(World("lock_mint", COMPROMISED, messages=3, supply=100, options=options), *steps)
    assert world.observe()["claims"][1]["queued"] is True  # executed, even though nothing was paid yet
    refused(world, "fork", {}, match="back claim")
    out_only = run(
        World("lock_mint", COMPROMISED, messages=3, supply=100, options=options),
        ("forge", {"id": 1, "dir": "out", "user": "mallory", "amount": 6}),
        ("mint", {"id": 1}),
    )
    out_only.apply("fork", {})  # an executed `out` claim does not stop it


def test_fork_unlock_is_refused_when_messages_bind_the_chain_id() -> None:
    world = run(_forkable(unbound=False), ("fork", {}), ("unlock", {"id": 1}))
    refused(world, "fork_unlock", {"id": 1}, match="chain id")


def test_fork_unlock_replays_a_back_message_with_unbound_chain_id() -> None:
    world = run(_forkable(unbound=True), ("fork", {}), ("unlock", {"id": 1}))
    world.apply("fork_unlock", {"id": 1})
    s = world.observe()
    assert (s["fork_escrow"], s["escrow"], s["balance_home"]["alice"]) == (20, 20, 80)
    assert s["claims"][1] == claim("back", "alice", 10, SIGNED, executions=1, credited=10, fork_executions=1)
    refused(world, "fork_unlock", {"id": 1}, match="replay")
    refused(world, "fork_unlock", {"id": 0}, match="back")


def test_fork_unlock_needs_the_forks_escrow_and_an_unpaused_destination() -> None:
    options = Options(forks=True, faults=frozenset({"unbound_chain_id"}), pause_reaction=10)
    world = run(
        World("lock_mint", COMPROMISED, messages=3, supply=100, options=options),
        ("lock", {"user": "alice", "amount": 30}),
        ("fork", {}),
        ("forge", {"id": 1, "dir": "back", "user": "mallory", "amount": 31}),
    )
    refused(world, "fork_unlock", {"id": 1}, match="escrow on the fork")
    world.apply("pause", {})
    refused(world, "fork_unlock", {"id": 1}, match="paused")


# --- unchecked deposit -------------------------------------------------------------------------------------


def _qubit() -> World:
    options = Options(faults=frozenset({"unchecked_deposit"}))
    return World("lock_mint", HONEST, messages=3, supply=100, options=options)


def test_unchecked_deposit_emits_the_full_amount_for_what_was_paid() -> None:
    world = run(_qubit(), ("lock", {"user": "mallory", "amount": 50, "paid": 0}), ("attest", {"id": 0}))
    s = world.observe()
    assert (s["balance_home"]["mallory"], s["escrow"]) == (0, 0)
    assert s["sent"] == {0: sent("out", "mallory", 50, debited=0)}
    world.apply("mint", {"id": 0})
    assert world.observe()["balance_remote"]["mallory"] == 50
    run(world, ("lock", {"user": "alice", "amount": 40, "paid": 40}))
    assert world.observe()["sent"][1] == sent("out", "alice", 40)


@pytest.mark.parametrize("args", PAID_REFUSALS)
def test_unchecked_deposit_refusals(args: dict[str, Any]) -> None:
    refused(_qubit(), "lock", args)


def test_unchecked_deposit_reorg_returns_only_what_was_paid() -> None:
    options = Options(faults=frozenset({"unchecked_deposit"}), reorg=1)
    world = run(
        World("lock_mint", HONEST, messages=2, supply=100, options=options),
        ("lock", {"user": "alice", "amount": 50, "paid": 20}),
        ("reorg", {"depth": 1}),
    )
    s = world.observe()
    assert (s["balance_home"]["alice"], s["escrow"], s["sent"]) == (100, 0, {})


# --- cross-VM amounts --------------------------------------------------------------------------------------

SUPPLY8 = 10**8


def _decimals(protocol: str = "lock_mint", trust: Any = HONEST, **amounts: Any) -> World:
    options = Options(amounts=Amounts(home_decimals=8, remote_decimals=6, **amounts))
    return World(protocol, trust, messages=4, supply=SUPPLY8, options=options)


def test_trim_keeps_the_dust_with_the_sender() -> None:
    world = run(_decimals(), ("lock", {"user": "alice", "amount": 1234567}), ("attest", {"id": 0}), ("mint", {"id": 0}))
    s = world.observe()
    assert s["sent"] == {0: sent("out", "alice", 12345, debited=1234500)}  # wire decimals 6
    assert (s["balance_home"]["alice"], s["escrow"], s["dust"]) == (SUPPLY8 - 1234500, 1234500, 0)
    assert s["claims"][0]["credited"] == 12345 and s["balance_remote"]["alice"] == 12345
    run(world, ("burn", {"user": "alice", "amount": 345}), ("attest", {"id": 1}), ("unlock", {"id": 1}))
    s = world.observe()
    assert s["sent"][1] == sent("back", "alice", 345)
    assert (s["claims"][1]["credited"], s["escrow"]) == (34500, 1200000)
    refused(world, "lock", {"user": "alice", "amount": 99}, match="nothing")  # trims to 0 on the wire


def test_trim_with_lower_wire_decimals_trims_both_ways() -> None:
    world = run(_decimals(wire_decimals=4), ("lock", {"user": "alice", "amount": 1234567}))
    assert world.observe()["sent"][0] == sent("out", "alice", 123, debited=1230000)
    run(world, ("attest", {"id": 0}), ("mint", {"id": 0}))
    assert world.observe()["balance_remote"]["alice"] == 12300
    world.apply("burn", {"user": "alice", "amount": 12345})
    assert world.observe()["sent"][1] == sent("back", "alice", 123, debited=12300)


def test_trim_with_revert_refuses_dust() -> None:
    world = _decimals(dust="revert")
    refused(world, "lock", {"user": "alice", "amount": 1234567}, match="dust")
    world.apply("lock", {"user": "alice", "amount": 1234500})
    assert world.observe()["sent"][0] == sent("out", "alice", 12345, debited=1234500)


def test_truncate_strands_the_remainder_as_dust_on_delivery() -> None:
    world = run(_decimals(policy="truncate"), ("lock", {"user": "alice", "amount": 1234567}), ("attest", {"id": 0}))
    s = world.observe()
    assert s["sent"] == {0: sent("out", "alice", 1234567)}  # the source amount, all debited
    assert s["dust"] == 0  # only on delivery
    world.apply("mint", {"id": 0})
    s = world.observe()
    assert (s["claims"][0]["credited"], s["balance_remote"]["alice"], s["dust"]) == (12345, 12345, 67)
    # back: remote (6) -> home (8) scales up exactly.
    run(world, ("burn", {"user": "alice", "amount": 45}), ("attest", {"id": 1}), ("unlock", {"id": 1}))
    s = world.observe()
    assert (s["sent"][1], s["claims"][1]["credited"], s["dust"]) == (sent("back", "alice", 45), 4500, 67)


def test_truncate_to_nothing_completes_and_strands_the_whole_value() -> None:
    world = run(
        _decimals(policy="truncate"),
        ("lock", {"user": "alice", "amount": 99}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
    )
    s = world.observe()
    assert (s["claims"][0]["executions"], s["claims"][0]["credited"], s["supply_remote"], s["dust"]) == (1, 0, 0, 99)


def test_truncate_rounding_up_credits_more_than_was_sent() -> None:
    world = run(
        _decimals(policy="truncate", rounding="up"),
        ("lock", {"user": "alice", "amount": 1234501}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
    )
    s = world.observe()
    # 12346 remote units are worth 1234600 > 1234501 home units; no negative dust hides it.
    assert (s["claims"][0]["credited"], s["balance_remote"]["alice"], s["dust"]) == (12346, 12346, 0)


def test_u64_wire_cap_refuses_a_trimmed_amount_above_it() -> None:
    world = World("lock_mint", HONEST, messages=2, supply=U64_MAX + 1)
    refused(world, "lock", {"user": "alice", "amount": U64_MAX + 1}, match="u64")
    world.apply("lock", {"user": "alice", "amount": U64_MAX})


def _svm(vm: str) -> World:
    options = Options(amounts=Amounts(home_decimals=0, remote_decimals=9, remote_vm=vm))
    return World("lock_mint", COMPROMISED, messages=3, supply=4 * 10**10, options=options)


def test_svm_remote_refuses_a_delivery_that_overflows_the_u64_supply() -> None:
    steps = (("lock", {"user": "alice", "amount": 2 * 10**10}), ("attest", {"id": 0}))
    world = run(_svm("svm"), *steps)
    refused(world, "mint", {"id": 0}, match="u64")  # 2e19 remote units > 2^64 - 1
    evm = run(_svm("evm"), *steps, ("mint", {"id": 0}))
    assert evm.observe()["supply_remote"] == 2 * 10**19
    world.apply("lock", {"user": "alice", "amount": 18 * 10**9})
    run(world, ("attest", {"id": 1}), ("mint", {"id": 1}))
    assert world.observe()["supply_remote"] == 18 * 10**18
    # 2^64 - 1 - 18e18 = 446744073709551615: 446744073 wire units fit, one more does not.
    world.apply("forge", {"id": 2, "dir": "out", "user": "mallory", "amount": 446744074})
    refused(world, "mint", {"id": 2}, match="u64")
    fits = run(_svm("svm"), ("lock", {"user": "alice", "amount": 18 * 10**9}), ("attest", {"id": 0}))
    fits.apply("mint", {"id": 0})
    run(fits, ("forge", {"id": 2, "dir": "out", "user": "mallory", "amount": 446744073}), ("mint", {"id": 2}))
    assert fits.observe()["supply_remote"] == U64_MAX - 709551615


def test_svm_cap_applies_when_a_queued_mint_is_released() -> None:
    options = Options(
        amounts=Amounts(home_decimals=0, remote_decimals=9, remote_vm="svm"),
        rate_limit=RateLimit(capacity=1, mode="queue", delay=0),
    )
    world = run(
        World("lock_mint", HONEST, messages=2, supply=3 * 10**10, options=options),
        ("lock", {"user": "alice", "amount": 2 * 10**10}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
    )
    assert world.observe()["claims"][0]["queued"] is True  # queueing credits nothing, so no overflow yet
    refused(world, "release", {"id": 0}, match="u64")


# --- upgrade -----------------------------------------------------------------------------------------------


def test_upgrade_is_forwarded_to_the_verifier() -> None:
    world = World("lock_mint", FakeMultisig(2, 3, 0, upgradeable=True), messages=2, supply=100)
    assert world.observe()["verifier"] == {"threshold_zeroed": False}
    world.apply("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 7})
    refused(world, "mint", {"id": 0}, match="verifier")
    refused(world, "upgrade", {"now": 1}, match="unexpected")
    world.apply("upgrade", {})
    assert world.observe()["verifier"] == {"threshold_zeroed": True}
    refused(world, "upgrade", {})  # the fake sets the flag before it refuses: rolled back all the same
    world.apply("mint", {"id": 0})
    assert world.observe()["balance_remote"]["mallory"] == 7
