"""The reference implementation against SEMANTICS.md, with small fake trust models defined here only."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from model.reference import Revert, World
from model.reference.chain import Message

# --- fake trust models (tests only; the real ones live in model/trust) -----------------------------------


class FakeMultisigVerifier:
    """k-of-n keys; the adversary holds f of them. Signer sets are kept per digest, so they bind content."""

    def __init__(self, k: int, n: int, f: int) -> None:
        self.k, self.n, self.f = k, n, f
        self.signers: dict[bytes, set[str]] = {}
        self.digest_of: dict[int, bytes] = {}

    def _sign(self, msg_id: int, digest: bytes, keys: set[str]) -> None:
        self.digest_of[msg_id] = digest
        self.signers.setdefault(digest, set()).update(keys)

    def attest(self, msg_id: int, digest: bytes, now: int) -> None:
        self._sign(msg_id, digest, {f"honest{i}" for i in range(self.n - self.f)})

    def forge(self, msg_id: int, digest: bytes, now: int) -> None:
        self._sign(msg_id, digest, {f"adversary{i}" for i in range(self.f)})

    def accepts(self, msg_id: int, digest: bytes, now: int) -> bool:
        return len(self.signers.get(digest, set())) >= self.k

    def evidence(self, msg_id: int) -> dict[str, Any]:
        return {"sigs": len(self.signers.get(self.digest_of[msg_id], set()))}

    def challenge(self, msg_id: int, now: int) -> None:
        raise Revert("multisig has no challenge")

    def check_wait(self, now: int, seconds: int, open_frauds: list[int]) -> None:
        raise Revert("multisig has no clock")


class FakeMultisig:
    id = "multisig"
    concrete_actions: tuple[str, ...] = ()

    def __init__(self, k: int, n: int, f: int) -> None:
        self.k, self.n, self.f = k, n, f

    def verifier(self) -> FakeMultisigVerifier:
        return FakeMultisigVerifier(self.k, self.n, self.f)


class FakeOptimisticVerifier:
    def __init__(self, window: int, watchers: int, delay: int) -> None:
        self.window, self.watchers, self.delay = window, watchers, delay
        self.posted_at: dict[int, int] = {}
        self.challenged: dict[int, bool] = {}

    def attest(self, msg_id: int, digest: bytes, now: int) -> None:
        self.posted_at[msg_id], self.challenged[msg_id] = now, False

    forge = attest

    def accepts(self, msg_id: int, digest: bytes, now: int) -> bool:
        return not self.challenged[msg_id] and now >= self.posted_at[msg_id] + self.window

    def evidence(self, msg_id: int) -> dict[str, Any]:
        return {"posted_at": self.posted_at[msg_id], "challenged": self.challenged[msg_id]}

    def challenge(self, msg_id: int, now: int) -> None:
        # Mutates before it checks, on purpose: the world must still roll this back on a revert.
        was = self.challenged[msg_id]
        self.challenged[msg_id] = True
        if self.watchers < 1 or was or now >= self.posted_at[msg_id] + self.window:
            raise Revert("challenge not allowed")

    def check_wait(self, now: int, seconds: int, open_frauds: list[int]) -> None:
        if self.watchers < 1:
            return
        for msg_id in open_frauds:
            posted = self.posted_at[msg_id]
            if now < posted + self.window and now + seconds > posted + self.delay:
                raise Revert("wait passes a watcher's deadline")


class FakeOptimistic:
    id = "optimistic"
    concrete_actions = ("challenge", "wait")

    def __init__(self, window: int, watchers: int, delay: int) -> None:
        self.window, self.watchers, self.delay = window, watchers, delay

    def verifier(self) -> FakeOptimisticVerifier:
        return FakeOptimisticVerifier(self.window, self.watchers, self.delay)


HONEST = FakeMultisig(k=2, n=3, f=0)
COMPROMISED = FakeMultisig(k=2, n=4, f=2)  # honest keys and adversary each reach k


def conserved(state: dict[str, Any], supply: int) -> bool:
    """SEMANTICS.md's supply_conservation, to check the reference keeps it on honest runs."""
    inflight: int = sum(
        m["amount"]
        for i, m in state["sent"].items()
        if i not in state["claims"] or state["claims"][i]["executions"] == 0
    )
    total: int = state["supply_home"] + state["supply_remote"] - state["escrow"] + inflight
    return total == supply


def run(world: World, *steps: tuple[str, dict[str, Any]]) -> World:
    for action, args in steps:
        world.apply(action, args)
    return world


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
        "sent": {},
        "claims": {},
    }


def test_lock_mint_round_trip_gives_exact_states() -> None:
    world = World("lock_mint", HONEST, messages=2, supply=100)

    world.apply("lock", {"user": "alice", "amount": 30})
    s = world.observe()
    assert (s["balance_home"], s["escrow"], s["supply_home"], s["next_id"]) == ({"alice": 70, "mallory": 0}, 30, 100, 1)
    assert s["sent"] == {0: {"dir": "out", "user": "alice", "amount": 30}}
    assert s["claims"] == {}

    world.apply("attest", {"id": 0})
    assert world.observe()["claims"] == {
        0: {"dir": "out", "user": "alice", "amount": 30, "executions": 0, "evidence": {"sigs": 3}}
    }

    world.apply("mint", {"id": 0})
    s = world.observe()
    assert (s["balance_remote"], s["supply_remote"], s["escrow"]) == ({"alice": 30, "mallory": 0}, 30, 30)
    assert s["claims"][0]["executions"] == 1

    world.apply("burn", {"user": "alice", "amount": 10})
    s = world.observe()
    assert (s["balance_remote"], s["supply_remote"], s["next_id"]) == ({"alice": 20, "mallory": 0}, 20, 2)
    assert s["sent"][1] == {"dir": "back", "user": "alice", "amount": 10}
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
        "sent": {
            0: {"dir": "out", "user": "alice", "amount": 30},
            1: {"dir": "back", "user": "alice", "amount": 10},
        },
        "claims": {
            0: {"dir": "out", "user": "alice", "amount": 30, "executions": 1, "evidence": {"sigs": 3}},
            1: {"dir": "back", "user": "alice", "amount": 10, "executions": 1, "evidence": {"sigs": 3}},
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
    assert world.observe() == {
        "balance_home": {"alice": 75, "mallory": 0},
        "balance_remote": {"alice": 25, "mallory": 0},
        "escrow": 0,
        "supply_home": 75,
        "supply_remote": 25,
        "next_id": 2,
        "now": 0,
        "sent": {
            0: {"dir": "out", "user": "alice", "amount": 40},
            1: {"dir": "back", "user": "alice", "amount": 15},
        },
        "claims": {
            0: {"dir": "out", "user": "alice", "amount": 40, "executions": 1, "evidence": {"sigs": 3}},
            1: {"dir": "back", "user": "alice", "amount": 15, "executions": 1, "evidence": {"sigs": 3}},
        },
    }
    assert conserved(world.observe(), 100)


# --- adversary -----------------------------------------------------------------------------------------


def test_forge_is_accepted_when_the_adversary_holds_a_quorum() -> None:
    world = World("lock_mint", COMPROMISED, messages=2, supply=100)
    run(world, ("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 1000}), ("mint", {"id": 0}))
    s = world.observe()
    assert s["balance_remote"] == {"alice": 0, "mallory": 1000}
    assert s["supply_remote"] == 1000
    assert s["sent"] == {}
    assert s["claims"] == {
        0: {"dir": "out", "user": "mallory", "amount": 1000, "executions": 1, "evidence": {"sigs": 2}}
    }
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
    pytest.param("burn", {"user": "alice", "amount": 1, "dir": "out"}, id="lock-mint-burn-goes-only-back"),
    pytest.param("steal", {}, id="unknown-action"),
    pytest.param("challenge", {"id": 1}, id="challenge-without-challenge-model"),
    pytest.param("wait", {"seconds": 5}, id="wait-without-clock"),
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
    world = World("burn_mint", COMPROMISED, messages=0, supply=100)
    with pytest.raises(Revert):
        world.apply("forge", {"id": 0, "dir": "out", "user": "mallory", "amount": 1})
    with pytest.raises(Revert):
        world.apply("burn", {"user": "alice", "amount": 1, "dir": "out"})
    assert world.observe() == World("burn_mint", COMPROMISED, messages=0, supply=100).observe()


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
    assert s["claims"][0] == {
        "dir": "out",
        "user": "alice",
        "amount": 5,
        "executions": 1,
        "evidence": {"posted_at": 0, "challenged": False},
    }


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
        "challenge",
        "wait",
    )


def test_bad_construction_is_a_value_error_not_a_revert() -> None:
    with pytest.raises(ValueError, match="protocol"):
        World("teleport", HONEST, 1, 1)
    with pytest.raises(ValueError, match="messages"):
        World("lock_mint", HONEST, -1, 1)

    class Unknown(FakeMultisig):
        concrete_actions = ("finalize",)

    with pytest.raises(ValueError, match="finalize"):
        World("lock_mint", Unknown(1, 1, 0), 1, 1)
