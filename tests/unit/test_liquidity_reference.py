"""The liquidity family's reference implementation against SEMANTICS.md ("# Family `liquidity`"), by hand.

The verifier here is a small stand-in written from SEMANTICS.md's optimistic row (posted_at / challenged, accepted
`window` seconds after posting unless challenged), so these tests exercise the contracts, not a trust model.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any, Callable

import pytest

from bridgeproof.model.protocols.liquidity.contracts import (
    LiquidityDeployment,
    add_liquidity,
    deposit,
    execute_bundle,
    fill,
    propose_bundle,
    refund,
    remove_liquidity,
)
from bridgeproof.model.reference.revert import Revert

SUPPLY = 100
FILL_WINDOW = 100
WINDOW = 10


class FakeOptimistic:
    """SEMANTICS' optimistic trust model: honest and forged evidence look alike; only a challenge tells them apart."""

    def __init__(self, window: int = WINDOW, watchers: int = 1, challenge_ignored: bool = False) -> None:
        self.window = window
        self.watchers = watchers
        self.challenge_ignored = challenge_ignored  # like the zero_root fault: a challenge does not stop a claim
        self.posted: dict[int, tuple[bytes, int]] = {}
        self.challenged: set[int] = set()
        self.honest: set[int] = set()
        self.forged: set[int] = set()

    def _post(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        if msg_id in self.posted:
            raise Revert("posted twice")
        self.posted[msg_id] = (digest, ctx.now)

    def attest(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        self._post(msg_id, digest, ctx)
        self.honest.add(msg_id)

    def forge(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        self._post(msg_id, digest, ctx)
        self.forged.add(msg_id)

    def accepts(self, msg_id: int, digest: bytes, ctx: Any) -> bool:
        if msg_id not in self.posted or self.posted[msg_id][0] != digest:
            return False
        if self.challenge_ignored:
            return True
        return msg_id not in self.challenged and ctx.now >= self.posted[msg_id][1] + self.window

    def evidence(self, msg_id: int) -> dict[str, Any]:
        return {"posted_at": self.posted[msg_id][1], "challenged": msg_id in self.challenged}

    def state(self) -> dict[str, Any]:
        return {}

    def challenge(self, msg_id: int, ctx: Any) -> None:
        if self.watchers < 1 or msg_id not in self.posted or msg_id in self.challenged:
            raise Revert("cannot challenge")
        if ctx.now >= self.posted[msg_id][1] + self.window:
            raise Revert("window closed")
        self.challenged.add(msg_id)


def make(
    *,
    messages: int = 2,
    bundles: int = 2,
    fill_window: int = FILL_WINDOW,
    adversary_relayer: bool = True,
    faults: tuple[str, ...] = (),
    verifier: Any = None,
) -> LiquidityDeployment:
    params = SimpleNamespace(
        fill_window=fill_window, adversary_relayer=adversary_relayer, bundles=bundles, faults=frozenset(faults)
    )
    dep = LiquidityDeployment(params, messages, SUPPLY, verifier if verifier is not None else FakeOptimistic())
    dep.clock = SimpleNamespace(now=0)
    return dep


def at(dep: LiquidityDeployment, now: int) -> LiquidityDeployment:
    dep.clock.now = now
    return dep


def dispute(dep: LiquidityDeployment, bundle: int) -> None:
    """What the trust model's watcher does: only fraudulent, unexecuted bundles are challenged."""
    assert dep.is_fraudulent(bundle) and not dep.is_executed(bundle)
    dep.verifier.challenge(bundle, dep.context())


def empty_state(messages: int = 2) -> dict[str, Any]:
    return {
        "balance_origin": {"alice": SUPPLY, "rick": 0, "mallory": 0, "lp": SUPPLY},
        "balance_destination": {"alice": 0, "rick": SUPPLY, "mallory": SUPPLY, "lp": 0},
        "pool": 0,
        "shares": {"alice": 0, "rick": 0, "mallory": 0, "lp": 0},
        "next_deposit": 0,
        "deposited": {},
        "deposit_depositor": {},
        "deposit_amount": {},
        "deposit_deadline": {},
        "filled": {},
        "fill_relayer": {},
        "fill_recipient": {},
        "fill_amount": {},
        "fill_filled_at": {},
        "settled_repaid": {d: 0 for d in range(messages)},
        "settled_refunded": {d: 0 for d in range(messages)},
        "proposed": {},
        "bundle_kind": {},
        "bundle_deposit": {},
        "bundle_to": {},
        "bundle_amount": {},
        "bundle_executed": {},
    }


def solvency_gap(dep: LiquidityDeployment) -> int:
    """`pool - (sum(shares) + unsettled deposited amounts)`: negative means lp_solvency is broken."""
    s = dep.read()
    unsettled = sum(
        s["deposit_amount"][d]
        for d in s["deposited"]
        if s["settled_repaid"][d] == 0 and s["settled_refunded"][d] == 0
    )
    return s["pool"] - sum(s["shares"].values()) - unsettled


# ---------------------------------------------------------------------------------------------------------------


def test_initial_state_and_subject() -> None:
    dep = make()
    assert dep.read() == empty_state()
    assert dep.claim_ids() == []
    assert not dep.is_fraudulent(0) and not dep.is_executed(0)
    ctx = dep.context()
    assert (ctx.now, ctx.height, ctx.canonical_block(0, b"x")) == (0, 0, None)
    at(dep, 7)
    assert ctx.now == 0 and dep.context().now == 7  # a snapshot, not a view of the live clock


def test_honest_deposit_fill_repay_after_window() -> None:
    dep = make()
    add_liquidity(at(dep, 1), 40)
    deposit(at(dep, 2), 30)
    fill(at(dep, 5), 0, "rick", "alice", 30)
    propose_bundle(at(dep, 6), 0, "repay", 0, "rick", 30)
    assert dep.verifier.honest == {0} and not dep.is_fraudulent(0)
    assert dep.claim_ids() == [0]

    with pytest.raises(Revert):
        execute_bundle(at(dep, 6 + WINDOW - 1), 0)  # still in the liveness window
    with pytest.raises(Revert):
        refund(at(dep, 6 + WINDOW), 0)  # a repay bundle is not executed by refund
    execute_bundle(at(dep, 6 + WINDOW), 0)

    expected = empty_state()
    expected.update(
        balance_origin={"alice": 70, "rick": 30, "mallory": 0, "lp": 60},
        balance_destination={"alice": 30, "rick": 70, "mallory": 100, "lp": 0},
        pool=40,
        shares={"alice": 0, "rick": 0, "mallory": 0, "lp": 40},
        next_deposit=1,
        deposited={0: True},
        deposit_depositor={0: "alice"},
        deposit_amount={0: 30},
        deposit_deadline={0: 2 + FILL_WINDOW},
        filled={0: True},
        fill_relayer={0: "rick"},
        fill_recipient={0: "alice"},
        fill_amount={0: 30},
        fill_filled_at={0: 5},
        settled_repaid={0: 1, 1: 0},
        proposed={0: True},
        bundle_kind={0: "repay"},
        bundle_deposit={0: 0},
        bundle_to={0: "rick"},
        bundle_amount={0: 30},
        bundle_executed={0: True},
    )
    assert dep.read() == expected
    assert dep.is_executed(0)
    assert dep.is_fraudulent(0)  # judged now: the deposit is settled, so the same leaf would not be valid again
    assert solvency_gap(dep) == 0
    assert dep.verifier.evidence(0) == {"posted_at": 6, "challenged": False}


def test_refund_of_unfilled_deposit_after_deadline() -> None:
    dep = make()
    deposit(at(dep, 0), 25)
    deadline = FILL_WINDOW
    propose_bundle(at(dep, deadline), 0, "refund", 0, "alice", 25)  # now == deadline: too early
    assert dep.verifier.forged == {0} and dep.is_fraudulent(0)
    dispute(dep, 0)
    propose_bundle(at(dep, deadline + 1), 1, "refund", 0, "alice", 25)
    assert dep.verifier.honest == {1} and not dep.is_fraudulent(1)
    with pytest.raises(Revert):
        refund(at(dep, deadline + WINDOW), 0)  # disputed: the trust model refuses it for good
    with pytest.raises(Revert):
        execute_bundle(at(dep, deadline + 1 + WINDOW), 1)  # a refund bundle is not executed by execute_bundle
    refund(at(dep, deadline + 1 + WINDOW), 1)
    s = dep.read()
    assert s["balance_origin"]["alice"] == SUPPLY and s["pool"] == 0
    assert s["settled_refunded"] == {0: 1, 1: 0} and s["settled_repaid"] == {0: 0, 1: 0}
    assert s["bundle_executed"] == {0: False, 1: True}
    assert solvency_gap(dep) == 0


# -- refusals: each guard of the action table, with the observable state untouched ----------------------------------


def _deposited(dep: LiquidityDeployment) -> LiquidityDeployment:
    deposit(at(dep, 0), 30)
    return dep


def _with_pending_bundle(dep: LiquidityDeployment) -> LiquidityDeployment:
    _deposited(dep)
    fill(at(dep, 1), 0, "rick", "alice", 30)
    propose_bundle(at(dep, 2), 0, "repay", 0, "rick", 30)
    return dep


def _with_executed_bundle(dep: LiquidityDeployment) -> LiquidityDeployment:
    _with_pending_bundle(dep)
    execute_bundle(at(dep, 2 + WINDOW), 0)
    return dep


def _drained(dep: LiquidityDeployment) -> LiquidityDeployment:
    add_liquidity(at(dep, 0), 10)
    propose_bundle(at(dep, 0), 0, "repay", 1, "mallory", 10)
    execute_bundle(at(dep, WINDOW), 0)
    return dep


Setup = Callable[[LiquidityDeployment], LiquidityDeployment]
Action = Callable[[LiquidityDeployment], None]


def _proposed(
    kind: str, deposit_id: int, to: str, amount: int, *, when: int = 0, disputed: bool = False,
    executed: bool = False, then: int | None = None,
) -> Setup:
    """Deposit 30 at time 0, then propose one bundle at `when` (and dispute or execute it), then move to `then`."""

    def setup(dep: LiquidityDeployment) -> LiquidityDeployment:
        _deposited(dep)
        propose_bundle(at(dep, when), 0, kind, deposit_id, to, amount)
        if disputed:
            dispute(dep, 0)
        if executed:
            (execute_bundle if kind == "repay" else refund)(at(dep, when + WINDOW), 0)
        if then is not None:
            at(dep, then)
        return dep

    return setup


def _with_liquidity(dep: LiquidityDeployment) -> LiquidityDeployment:
    add_liquidity(at(dep, 0), 5)
    return _deposited(dep)

REFUSALS: list[tuple[str, dict[str, Any], Setup, Action]] = [
    ("deposit zero", {}, lambda d: d, lambda d: deposit(d, 0)),
    ("deposit negative", {}, lambda d: d, lambda d: deposit(d, -5)),
    ("deposit over balance", {}, lambda d: d, lambda d: deposit(d, SUPPLY + 1)),
    ("deposit ids exhausted", {"messages": 1}, _deposited, lambda d: deposit(d, 1)),
    ("fill by alice", {}, _deposited, lambda d: fill(d, 0, "alice", "alice", 30)),
    ("fill by lp", {}, _deposited, lambda d: fill(d, 0, "lp", "alice", 30)),
    ("fill by mallory, no adversary relayer", {"adversary_relayer": False}, _deposited,
     lambda d: fill(d, 0, "mallory", "alice", 30)),
    ("fill zero", {}, _deposited, lambda d: fill(d, 0, "mallory", "alice", 0)),
    ("fill negative", {}, _deposited, lambda d: fill(d, 0, "mallory", "alice", -1)),
    ("fill twice", {}, _with_pending_bundle, lambda d: fill(d, 0, "mallory", "alice", 30)),
    ("fill over balance", {}, _deposited, lambda d: fill(d, 1, "mallory", "mallory", SUPPLY + 1)),
    ("fill after deadline", {}, _deposited, lambda d: fill(at(d, FILL_WINDOW + 1), 0, "mallory", "alice", 30)),
    ("rick fills an undeposited id", {}, _deposited, lambda d: fill(d, 1, "rick", "alice", 30)),
    ("rick fills the wrong recipient", {}, _deposited, lambda d: fill(d, 0, "rick", "mallory", 30)),
    ("rick fills the wrong amount", {}, _deposited, lambda d: fill(d, 0, "rick", "alice", 29)),
    ("rick fills late, even unchecked", {"faults": ("unchecked_fill_deadline",)}, _deposited,
     lambda d: fill(at(d, FILL_WINDOW + 1), 0, "rick", "alice", 30)),
    ("propose in a used slot", {}, _with_executed_bundle, lambda d: propose_bundle(d, 0, "refund", 1, "alice", 1)),
    ("propose while one is pending", {}, _with_pending_bundle,
     lambda d: propose_bundle(d, 1, "refund", 0, "alice", 30)),
    ("propose zero", {}, _deposited, lambda d: propose_bundle(d, 0, "repay", 0, "rick", 0)),
    ("propose negative", {}, _deposited, lambda d: propose_bundle(d, 0, "refund", 0, "alice", -30)),
    ("execute unproposed", {}, _deposited, lambda d: execute_bundle(at(d, WINDOW), 0)),
    ("execute twice", {}, _with_executed_bundle, lambda d: execute_bundle(d, 0)),
    ("execute inside the window", {}, _with_pending_bundle, lambda d: execute_bundle(at(d, 2 + WINDOW - 1), 0)),
    ("execute a refund bundle", {}, _proposed("refund", 0, "alice", 30, then=WINDOW), lambda d: execute_bundle(d, 0)),
    ("execute a disputed bundle", {}, _proposed("repay", 0, "mallory", 30, disputed=True, then=WINDOW),
     lambda d: execute_bundle(d, 0)),
    ("execute beyond the pool", {}, _proposed("repay", 1, "mallory", 31, then=WINDOW), lambda d: execute_bundle(d, 0)),
    ("refund unproposed", {}, _deposited, lambda d: refund(at(d, WINDOW), 0)),
    ("refund a repay bundle", {}, _with_pending_bundle, lambda d: refund(at(d, 2 + WINDOW), 0)),
    ("refund twice", {}, _proposed("refund", 0, "alice", 30, when=FILL_WINDOW + 1, executed=True),
     lambda d: refund(d, 0)),
    ("refund inside the window", {}, _proposed("refund", 0, "alice", 30, when=FILL_WINDOW + 1,
                                               then=FILL_WINDOW + WINDOW), lambda d: refund(d, 0)),
    ("refund a disputed bundle", {}, _proposed("refund", 0, "alice", 30, disputed=True, then=10 * FILL_WINDOW),
     lambda d: refund(d, 0)),
    ("refund beyond the pool", {}, _proposed("refund", 1, "alice", 31, then=WINDOW), lambda d: refund(d, 0)),
    ("add zero", {}, lambda d: d, lambda d: add_liquidity(d, 0)),
    ("add negative", {}, lambda d: d, lambda d: add_liquidity(d, -1)),
    ("add over balance", {}, lambda d: d, lambda d: add_liquidity(d, SUPPLY + 1)),
    ("remove zero", {}, _with_liquidity, lambda d: remove_liquidity(d, 0)),
    ("remove negative", {}, _with_liquidity, lambda d: remove_liquidity(d, -1)),
    ("remove over shares", {}, _with_liquidity, lambda d: remove_liquidity(d, 6)),
    ("remove without shares while the pool holds deposits", {}, _deposited, lambda d: remove_liquidity(d, 1)),
    ("remove beyond the pool", {}, _drained, lambda d: remove_liquidity(d, 1)),
]


# The guard each refusal must trip (a substring of its reason), so no row passes by failing for another reason.
REASONS: dict[str, str] = {
    "deposit over": "insufficient balance",
    "deposit ids": "exhausted",
    "deposit": ">= 1",
    "fill by": "does not relay",
    "fill zero": "amount must be >= 1",
    "fill negative": "amount must be >= 1",
    "fill twice": "already filled",
    "fill over": "insufficient balance",
    "fill after": "deadline has passed",
    "rick": "honest relayer",
    "propose in": "already used",
    "propose while": "pending",
    "propose zero": ">= 1",
    "propose negative": ">= 1",
    "execute unproposed": "not proposed",
    "execute twice": "already executed",
    "execute inside": "does not accept",
    "execute a refund": "not a repay",
    "execute a disputed": "does not accept",
    "execute beyond": "pool cannot cover",
    "refund unproposed": "not proposed",
    "refund a repay": "not a refund",
    "refund twice": "already executed",
    "refund inside": "does not accept",
    "refund a disputed": "does not accept",
    "refund beyond": "pool cannot cover",
    "add over": "insufficient balance",
    "add": ">= 1",
    "remove over": "insufficient shares",
    "remove without": "insufficient shares",
    "remove beyond": "pool cannot cover",
    "remove": ">= 1",
}


def _reason(name: str) -> str:
    return next(reason for prefix, reason in REASONS.items() if name.startswith(prefix))


@pytest.mark.parametrize(("name", "config", "setup", "action"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal_changes_nothing(name: str, config: dict[str, Any], setup: Setup, action: Action) -> None:
    dep = setup(make(**config))
    before = copy.deepcopy(dep.read())
    evidence_before = {b: dict(dep.verifier.evidence(b)) for b in dep.claim_ids()}
    with pytest.raises(Revert) as refused:
        action(dep)
    assert _reason(name) in str(refused.value)
    assert dep.read() == before
    assert {b: dep.verifier.evidence(b) for b in dep.claim_ids()} == evidence_before


# -- attacks and faults -------------------------------------------------------------------------------------------


def test_repaying_a_fill_that_never_happened_drains_the_pool() -> None:
    dep = make()
    add_liquidity(at(dep, 0), 50)
    deposit(at(dep, 0), 30)
    assert solvency_gap(dep) == 0
    propose_bundle(at(dep, 1), 0, "repay", 1, "mallory", 30)  # deposit 1 was never made, let alone filled
    assert dep.verifier.forged == {0} and dep.is_fraudulent(0)
    execute_bundle(at(dep, 1 + WINDOW), 0)  # nobody disputed
    s = dep.read()
    assert s["balance_origin"]["mallory"] == 30 and s["pool"] == 50
    assert s["settled_repaid"] == {0: 0, 1: 1}
    assert s["pool"] < sum(s["shares"].values()) + 30  # lp_solvency broken: shares 50 + unsettled deposit 30
    assert solvency_gap(dep) == -30


def test_disputed_fraud_is_never_executed() -> None:
    dep = make()
    add_liquidity(at(dep, 0), 50)
    propose_bundle(at(dep, 0), 0, "repay", 0, "mallory", 30)
    dispute(at(dep, WINDOW - 1), 0)
    with pytest.raises(Revert):
        execute_bundle(at(dep, 10 * WINDOW), 0)
    assert dep.read()["pool"] == 50


def test_the_trust_model_alone_decides_execution() -> None:
    """A verifier that ignores challenges (the zero_root fault's behaviour) lets a disputed bundle execute."""
    dep = make(verifier=FakeOptimistic(challenge_ignored=True))
    add_liquidity(at(dep, 0), 50)
    propose_bundle(at(dep, 0), 0, "repay", 0, "mallory", 30)
    dispute(dep, 0)
    execute_bundle(dep, 0)
    assert dep.read()["balance_origin"]["mallory"] == 30


def test_unchecked_fill_deadline_pays_the_depositor_twice() -> None:
    safe = make()
    deposit(at(safe, 0), 30)
    with pytest.raises(Revert):
        fill(at(safe, FILL_WINDOW + 1), 0, "mallory", "alice", 30)
    fill(at(safe, FILL_WINDOW), 0, "mallory", "alice", 30)  # the deadline itself is still in time

    dep = make(faults=("unchecked_fill_deadline",))
    deposit(at(dep, 0), 30)
    fill(at(dep, FILL_WINDOW + 1), 0, "mallory", "alice", 30)
    assert dep.read()["fill_filled_at"] == {0: FILL_WINDOW + 1}
    propose_bundle(at(dep, FILL_WINDOW + 1), 0, "refund", 0, "alice", 30)
    assert dep.verifier.honest == {0} and not dep.is_fraudulent(0)  # a late fill is no valid fill
    refund(at(dep, FILL_WINDOW + 1 + WINDOW), 0)
    s = dep.read()
    assert s["balance_origin"]["alice"] == SUPPLY and s["balance_destination"]["alice"] == 30
    assert s["settled_refunded"][0] == 1 and s["balance_destination"]["mallory"] == SUPPLY - 30


def test_only_one_pending_bundle_at_a_time() -> None:
    dep = make(bundles=3)
    deposit(at(dep, 0), 30)
    fill(at(dep, 1), 0, "rick", "alice", 30)
    propose_bundle(at(dep, 2), 0, "repay", 0, "mallory", 30)
    with pytest.raises(Revert):
        propose_bundle(dep, 1, "repay", 0, "rick", 30)
    dispute(dep, 0)  # a disputed bundle is no longer pending
    propose_bundle(dep, 1, "repay", 0, "rick", 30)
    with pytest.raises(Revert):
        propose_bundle(dep, 2, "refund", 1, "alice", 1)
    execute_bundle(at(dep, 2 + WINDOW), 1)  # an executed bundle is no longer pending
    propose_bundle(dep, 2, "refund", 1, "alice", 1)
    assert dep.claim_ids() == [0, 1, 2]


def test_disputed_is_read_from_prefixed_evidence_keys() -> None:
    """Aggregate trust models prefix their verifiers' fields; `v1_challenged` still means disputed."""

    class Prefixed(FakeOptimistic):
        def evidence(self, msg_id: int) -> dict[str, Any]:
            posted_at = self.posted[msg_id][1]
            return {"v0_signed": True, "v1_posted_at": posted_at, "v1_challenged": msg_id in self.challenged}

    dep = make(verifier=Prefixed())
    propose_bundle(dep, 0, "repay", 0, "mallory", 5)
    with pytest.raises(Revert):
        propose_bundle(dep, 1, "repay", 0, "mallory", 5)
    dispute(dep, 0)
    propose_bundle(dep, 1, "repay", 0, "mallory", 5)


# -- the dataworker's valid-leaf rules --------------------------------------------------------------------------


def _filled(relayer: str = "rick", recipient: str = "alice", amount: int = 30, when: int = 5,
            faults: tuple[str, ...] = ()) -> LiquidityDeployment:
    dep = make(faults=faults)
    deposit(at(dep, 0), 30)
    fill(at(dep, when), 0, relayer, recipient, amount)
    return dep


def _fresh_deposit() -> LiquidityDeployment:
    return _deposited(make())


LEAVES: list[tuple[str, Callable[[], LiquidityDeployment], int, tuple[str, int, str, int], bool]] = [
    ("repay a valid fill", _filled, 6, ("repay", 0, "rick", 30), False),
    ("repay mallory's valid fill", lambda: _filled("mallory"), 6, ("repay", 0, "mallory", 30), False),
    ("repay the wrong relayer", _filled, 6, ("repay", 0, "mallory", 30), True),
    ("repay the wrong amount", _filled, 6, ("repay", 0, "rick", 29), True),
    ("repay a fill to the wrong recipient", lambda: _filled("mallory", "mallory"), 6,
     ("repay", 0, "mallory", 30), True),
    ("repay a short fill", lambda: _filled("mallory", "alice", 29), 6, ("repay", 0, "mallory", 30), True),
    ("repay a late fill", lambda: _filled("mallory", when=FILL_WINDOW + 1, faults=("unchecked_fill_deadline",)),
     FILL_WINDOW + 1, ("repay", 0, "mallory", 30), True),
    ("repay a fill on the deadline", lambda: _filled(when=FILL_WINDOW), FILL_WINDOW, ("repay", 0, "rick", 30), False),
    ("repay an undeposited fill", lambda: (lambda d: (fill(d, 1, "mallory", "alice", 30), d)[1])(_filled()),
     6, ("repay", 1, "mallory", 30), True),
    ("repay with no fill", _fresh_deposit, 6, ("repay", 0, "rick", 30), True),
    ("refund before the deadline", _fresh_deposit, FILL_WINDOW, ("refund", 0, "alice", 30), True),
    ("refund after the deadline", _fresh_deposit, FILL_WINDOW + 1, ("refund", 0, "alice", 30), False),
    ("refund to the wrong party", _fresh_deposit, FILL_WINDOW + 1, ("refund", 0, "mallory", 30), True),
    ("refund the wrong amount", _fresh_deposit, FILL_WINDOW + 1, ("refund", 0, "alice", 31), True),
    ("refund an undeposited id", _fresh_deposit, FILL_WINDOW + 1, ("refund", 1, "alice", 30), True),
    ("refund a validly filled deposit", _filled, FILL_WINDOW + 1, ("refund", 0, "alice", 30), True),
    ("refund after an invalid fill", lambda: _filled("mallory", "mallory"), FILL_WINDOW + 1,
     ("refund", 0, "alice", 30), False),
]


@pytest.mark.parametrize(("name", "setup", "now", "leaf", "fraudulent"), LEAVES, ids=[c[0] for c in LEAVES])
def test_valid_leaf_rules(
    name: str, setup: Callable[[], LiquidityDeployment], now: int, leaf: tuple[str, int, str, int], fraudulent: bool
) -> None:
    dep = setup()
    propose_bundle(at(dep, now), 0, *leaf)
    assert dep.is_fraudulent(0) is fraudulent
    assert (dep.verifier.forged if fraudulent else dep.verifier.honest) == {0}


def test_validity_is_judged_now() -> None:
    dep = make()
    deposit(at(dep, 0), 30)
    propose_bundle(at(dep, FILL_WINDOW), 0, "refund", 0, "alice", 30)
    assert dep.is_fraudulent(0)
    at(dep, FILL_WINDOW + 1)
    assert not dep.is_fraudulent(0)  # the deadline passed: the same leaf became valid
    refund(at(dep, FILL_WINDOW + WINDOW), 0)
    assert dep.is_fraudulent(0)  # settled: it would not be valid a second time


def test_evidence_is_bound_to_the_leaf() -> None:
    dep = make()
    deposit(at(dep, 0), 30)
    fill(at(dep, 1), 0, "rick", "alice", 30)
    propose_bundle(at(dep, 2), 0, "repay", 0, "rick", 30)
    digest = dep.verifier.posted[0][0]
    other = make()
    deposit(at(other, 0), 30)
    propose_bundle(at(other, 2), 0, "repay", 0, "mallory", 30)
    assert other.verifier.posted[0][0] != digest


def test_read_returns_fresh_values() -> None:
    dep = make()
    deposit(dep, 30)
    s = dep.read()
    s["balance_origin"]["alice"] = 0
    s["deposit_amount"][0] = 999
    assert dep.read()["balance_origin"]["alice"] == 70 and dep.read()["deposit_amount"][0] == 30


def test_with_the_fraud_window_verifier() -> None:
    """The real concrete optimistic verifier plugs in unchanged (its watcher challenges through `dep.verifier`)."""
    from bridgeproof.model.trust.optimistic import FraudWindow

    dep = make(verifier=FraudWindow(WINDOW, 1, 5, zero_root=False))
    add_liquidity(at(dep, 0), 50)
    propose_bundle(at(dep, 0), 0, "repay", 1, "mallory", 30)
    assert dep.is_fraudulent(0)
    dep.verifier.challenge(0, at(dep, 3).context())
    with pytest.raises(Revert):
        execute_bundle(at(dep, WINDOW), 0)
    deposit(at(dep, 20), 30)
    fill(at(dep, 21), 0, "rick", "alice", 30)
    propose_bundle(at(dep, 22), 1, "repay", 0, "rick", 30)
    assert dep.verifier.evidence(1) == {"posted_at": 22, "challenged": False}
    execute_bundle(at(dep, 22 + WINDOW), 1)
    assert dep.read()["balance_origin"]["rick"] == 30 and solvency_gap(dep) == 0
