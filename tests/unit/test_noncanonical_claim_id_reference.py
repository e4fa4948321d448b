"""Unit tests of the `noncanonical_claim_id` fault in the message bridges' reference implementation, from
SEMANTICS.md ("Family `lock_mint` and `burn_mint`": the Configuration row, the `mint` row of Actions, and
"Replaying is calling `mint` or `unlock` again on an executed id; replay protection refuses it (except for
`back` claims with `noncanonical_claim_id`)") alone.

With the fault the destination's replay protection is keyed on an encoding of the id that the claimant
chooses, and she always has one not yet used, on home's exits only (Polygon Plasma 2021: the Ethereum
exit's replay key came from an encoding the exiting user could vary). So the executions of claims with
`dir == back` (`unlock` for lock_mint, the `back` mint for burn_mint) lose their `executions == 0` guard:
one such claim executes again and again, each time in full (rate limit and queue included, each execution
counted in `executions`). Claims with `dir == out` (the mint on remote) keep `executions == 0` exactly as
without the fault. The fork's own replay check (`fork_executions == 0`) is unchanged.

Every expected number is worked out by hand in the comments, never computed by the code under test.
The worlds are a lock_mint bridge (burn_mint where a test says so) under an honest custodian (`attest`
signs, `accepted iff signed`), alice holding the initial supply of 100 home units, 3 message ids (more
where a test says so), all decimals 0 (so every credit equals the message amount).
"""

from __future__ import annotations

from typing import Any

from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.protocols.bridge.options import Options, RateLimit
from bridgeproof.model.protocols.burn_mint import BurnMint
from bridgeproof.model.protocols.lock_mint import LockMint
from bridgeproof.model.reference.world import World
from bridgeproof.model.trust.custodian import Custodian
from harness import act, refused, run

FAULT = frozenset({"noncanonical_claim_id"})


def world(
    fault: bool = True, family: Any = None, faults: frozenset[str] = frozenset(), messages: int = 3, **options: Any
) -> World:
    """A bridge (lock_mint unless `family` says otherwise) under an honest custodian, the fault on or off."""
    opts = Options(faults=(FAULT if fault else frozenset()) | faults, **options)
    return World(Configuration(family or LockMint(), Custodian(), Bounds(messages=messages, supply=100), opts))


def claim(w: World, msg_id: int) -> dict[str, Any]:
    return w.observe()["claims"][msg_id]


# --- without the fault: replay protection keyed on the id, as before -------------------------------------------


def test_without_the_fault_a_second_mint_is_refused() -> None:
    w = run(world(fault=False), ("lock", {"user": "alice", "amount": 10}), ("attest", {"id": 0}))
    act(w, "mint", id=0)
    # First execution: credit 10; supply_remote 0 + 10 = 10, alice remote 0 + 10 = 10, executions 0 + 1 = 1.
    s = w.observe()
    assert (s["supply_remote"], s["balance_remote"]["alice"], claim(w, 0)["executions"]) == (10, 10, 1)
    # `executions == 0` fails (1 != 0): the replay is refused and nothing changes.
    refused(w, "mint", id=0)


def test_without_the_fault_a_second_unlock_is_refused() -> None:
    w = run(
        world(fault=False),
        ("lock", {"user": "alice", "amount": 30}),  # id 0: alice home 100 - 30 = 70, escrow 30
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # alice remote 30, supply_remote 30
        ("burn", {"user": "alice", "amount": 10}),  # id 1: alice remote 30 - 10 = 20, supply_remote 20
        ("attest", {"id": 1}),
        ("unlock", {"id": 1}),  # escrow 30 - 10 = 20, alice home 70 + 10 = 80
    )
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], claim(w, 1)["executions"]) == (20, 80, 1)
    # The escrow (20) could cover another 10, but executions 1 != 0 refuses it.
    refused(w, "unlock", id=1)


def test_without_the_fault_burn_mint_refuses_a_second_mint() -> None:
    w = run(
        world(fault=False, family=BurnMint()),
        ("burn", {"user": "alice", "amount": 10, "dir": "out"}),  # id 0: home alice 90, supply_home 90
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # remote alice 10, supply_remote 10
    )
    refused(w, "mint", id=0)
    run(
        w,
        ("burn", {"user": "alice", "amount": 5, "dir": "back"}),  # id 1: remote alice 5, supply_remote 5
        ("attest", {"id": 1}),
        ("mint", {"id": 1}),  # home alice 90 + 5 = 95, supply_home 95, executions 1
    )
    # Without the fault the `back` mint is refused the second time too (executions 1 != 0).
    refused(w, "mint", id=1)


# --- with the fault: lock_mint, out (the mint on remote keeps its guard) ------------------------------------


def test_an_out_claim_is_refused_the_second_time_even_with_the_fault() -> None:
    w = run(world(), ("lock", {"user": "alice", "amount": 10}), ("attest", {"id": 0}))
    # lock: alice home 100 - 10 = 90, escrow 0 + 10 = 10, sent[0] = {out, alice, 10, block 0, debited 10}.
    act(w, "mint", id=0)
    s = w.observe()
    # First execution: credit 10; supply_remote 0 + 10 = 10, alice remote 0 + 10 = 10, executions 0 + 1 = 1,
    # credited 10.
    assert (s["supply_remote"], s["balance_remote"]["alice"]) == (10, 10)
    assert (claim(w, 0)["executions"], claim(w, 0)["credited"]) == (1, 10)
    # The claim's dir is `out`: the fault does not reach remote's replay protection, `executions == 0`
    # fails (1 != 0) and the replay is refused, changing nothing, however often it is tried.
    refused(w, "mint", id=0)
    refused(w, "mint", id=0)
    s = w.observe()
    # Still one execution: supply_remote 10, alice remote 10, executions 1; escrow 10, alice home 90.
    assert (s["supply_remote"], s["balance_remote"]["alice"], claim(w, 0)["executions"]) == (10, 10, 1)
    assert (s["escrow"], s["balance_home"]["alice"], s["supply_home"]) == (10, 90, 100)


def test_the_fault_does_not_change_which_action_executes_which_direction() -> None:
    w = run(world(), ("lock", {"user": "alice", "amount": 10}), ("attest", {"id": 0}), ("mint", {"id": 0}))
    # lock_mint still mints only `out` claims and unlocks only `back`: id 0 is `out`.
    refused(w, "unlock", id=0)
    # An id with no claim is still refused: id 1 was never sent nor claimed.
    refused(w, "mint", id=1)
    # id 1: alice burns her 10 wrapped (alice remote 10 - 10 = 0, supply_remote 0), a `back` claim once
    # attested; `mint` (lock_mint: `dir == out` only) refuses it although `back` claims lose their guard.
    run(w, ("burn", {"user": "alice", "amount": 10}), ("attest", {"id": 1}))
    refused(w, "mint", id=1)


def test_the_fault_does_not_let_an_id_be_claimed_twice() -> None:
    w = run(
        world(),
        ("lock", {"user": "alice", "amount": 30}),  # id 0: alice home 70, escrow 30
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # alice remote 30, supply_remote 30
        ("burn", {"user": "alice", "amount": 10}),  # id 1: alice remote 20, supply_remote 20
        ("attest", {"id": 1}),
        ("unlock", {"id": 1}),  # escrow 20, alice home 80, executions 1
        ("unlock", {"id": 1}),  # the replay: escrow 10, alice home 90, executions 2
    )
    assert claim(w, 1)["executions"] == 2
    # `attest` needs `id not in claims`; the replay is of the execution, not of the claim, in either dir.
    refused(w, "attest", id=0)
    refused(w, "attest", id=1)


# --- with the fault: lock_mint, back (the Plasma exit) ------------------------------------------------------


def test_one_burn_unlocks_twice_and_drains_the_escrow_twice() -> None:
    w = run(
        world(),
        ("lock", {"user": "alice", "amount": 30}),  # id 0: alice home 100 - 30 = 70, escrow 30
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # alice remote 30, supply_remote 30
        ("burn", {"user": "alice", "amount": 10}),  # id 1: alice remote 20, supply_remote 20
        ("attest", {"id": 1}),
    )
    act(w, "unlock", id=1)
    s = w.observe()
    # First: escrow 30 - 10 = 20, alice home 70 + 10 = 80, executions 1, credited 10.
    assert (s["escrow"], s["balance_home"]["alice"], claim(w, 1)["executions"]) == (20, 80, 1)
    act(w, "unlock", id=1)
    s = w.observe()
    # Second, same burn: escrow 20 - 10 = 10, alice home 80 + 10 = 90, executions 2, credited 10.
    assert (s["escrow"], s["balance_home"]["alice"]) == (10, 90)
    assert (claim(w, 1)["executions"], claim(w, 1)["credited"]) == (2, 10)
    # The remote side burned only once: alice remote 20, supply_remote 20. escrow 10 < supply_remote 20.
    assert (s["supply_remote"], s["balance_remote"]["alice"]) == (20, 20)
    # Third: escrow 10 >= 10, so 10 - 10 = 0, alice home 100, executions 3.
    act(w, "unlock", id=1)
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], claim(w, 1)["executions"]) == (0, 100, 3)
    # Fourth: `escrow >= credit` is 0 >= 10, false: refused. The vault is empty, the fault cannot pay more.
    refused(w, "unlock", id=1)
    # The `out` claim id 0 kept its guard throughout: executions 1 != 0 refuses its mint (supply_remote
    # stays 20), though the `back` claim id 1 executed three times.
    refused(w, "mint", id=0)
    assert claim(w, 0)["executions"] == 1


def test_the_out_replay_is_refused_and_the_back_replay_waits_for_the_escrow() -> None:
    w = run(
        world(),
        ("lock", {"user": "alice", "amount": 10}),  # id 0: alice home 90, escrow 10
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # supply_remote 10, alice remote 10, executions 1
    )
    # The `out` replay is refused (executions 1 != 0): 10 wrapped tokens stay backed by an escrow of 10.
    refused(w, "mint", id=0)
    s = w.observe()
    assert (s["supply_remote"], s["balance_remote"]["alice"], s["escrow"], claim(w, 0)["executions"]) == (10, 10, 10, 1)
    run(
        w,
        ("burn", {"user": "alice", "amount": 10}),  # id 1: alice remote 10 - 10 = 0, supply_remote 0
        ("attest", {"id": 1}),
        ("unlock", {"id": 1}),  # escrow 10 - 10 = 0, alice home 90 + 10 = 100
    )
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], s["supply_remote"]) == (0, 100, 0)
    # The replay of id 1 needs escrow 0 >= 10: refused, and the refusal changes nothing (executions stays 1).
    refused(w, "unlock", id=1)
    assert claim(w, 1)["executions"] == 1
    # Refill the vault: alice locks 10 again (id 2): alice home 100 - 10 = 90, escrow 0 + 10 = 10.
    act(w, "lock", user="alice", amount=10)
    # Now the replay of id 1 pays: escrow 10 - 10 = 0, alice home 90 + 10 = 100, executions 1 + 1 = 2 (the
    # refused call counted nothing).
    act(w, "unlock", id=1)
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], claim(w, 1)["executions"]) == (0, 100, 2)
    # id 2 is still a good `out` message: attested and minted once it makes supply_remote 0 + 10 = 10 and alice
    # remote 10, backed by an escrow of 0 (the replay took its 10); its own replay is refused (1 != 0).
    run(w, ("attest", {"id": 2}), ("mint", {"id": 2}))
    s = w.observe()
    assert (s["supply_remote"], s["balance_remote"]["alice"], s["escrow"], claim(w, 2)["executions"]) == (10, 10, 0, 1)
    refused(w, "mint", id=2)


# --- with the fault: burn_mint --------------------------------------------------------------------------------


def test_burn_mint_replays_only_the_back_mint() -> None:
    w = run(
        world(family=BurnMint()),
        ("burn", {"user": "alice", "amount": 10, "dir": "out"}),  # id 0: alice home 90, supply_home 90
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # alice remote 10, supply_remote 10, executions 1
    )
    # The `out` mint keeps its guard: executions 1 != 0, refused.
    refused(w, "mint", id=0)
    s = w.observe()
    assert (s["supply_remote"], s["balance_remote"]["alice"], claim(w, 0)["executions"]) == (10, 10, 1)
    assert (s["supply_home"], s["balance_home"]["alice"], s["escrow"]) == (90, 90, 0)
    run(
        w,
        ("burn", {"user": "alice", "amount": 5, "dir": "back"}),  # id 1: alice remote 5, supply_remote 5
        ("attest", {"id": 1}),
        ("mint", {"id": 1}),  # alice home 90 + 5 = 95, supply_home 95
        ("mint", {"id": 1}),  # again (a `back` claim): alice home 100, supply_home 100, executions 2
    )
    s = w.observe()
    assert (s["supply_home"], s["balance_home"]["alice"], claim(w, 1)["executions"]) == (100, 100, 2)
    assert (s["supply_remote"], s["balance_remote"]["alice"]) == (5, 5)
    # 100 + 5 = 105 units exist where 100 did: the one replay minted 5 from nothing.
    assert s["supply_home"] + s["supply_remote"] == 105
    # The `out` claim is still refused after the `back` replays (executions 1 != 0).
    refused(w, "mint", id=0)


# --- with the fault: the rate limit and the queue apply to each back execution --------------------------------


def test_each_back_execution_takes_from_a_failing_bucket() -> None:
    w = run(
        world(rate_limit=RateLimit(capacity=15, refill=0, mode="fail")),
        ("lock", {"user": "alice", "amount": 10}),  # id 0: alice home 90, escrow 10
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # out bucket: level min(15, 15 + 0) = 15 >= 10, tokens 5; supply_remote 10
        ("lock", {"user": "alice", "amount": 10}),  # id 1 (never minted): alice home 80, escrow 20
        ("burn", {"user": "alice", "amount": 10}),  # id 2: alice remote 0, supply_remote 0
        ("attest", {"id": 2}),
        ("unlock", {"id": 2}),  # back bucket (its own): level 15 >= 10, tokens 5; escrow 10, alice home 90
    )
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], claim(w, 2)["executions"]) == (10, 90, 1)
    assert s["buckets"] == {"out": {"tokens": 5, "updated_at": 0}, "back": {"tokens": 5, "updated_at": 0}}
    # The replay has no guard and the escrow (10 >= 10) covers it, but it meets the bucket as a first
    # execution would: level min(15, 5 + 0 * 0) = 5 < 10, and `mode = fail` refuses it.
    refused(w, "unlock", id=2)
    assert claim(w, 2)["executions"] == 1


def test_each_back_execution_queues_behind_the_bucket_and_counts() -> None:
    w = run(
        world(family=BurnMint(), rate_limit=RateLimit(capacity=15, refill=0, mode="queue", delay=10)),
        ("burn", {"user": "alice", "amount": 10, "dir": "out"}),  # id 0: alice home 90, supply_home 90
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # out bucket: level 15 >= 10, tokens 5; alice remote 10, supply_remote 10
        ("burn", {"user": "alice", "amount": 10, "dir": "back"}),  # id 1: alice remote 0, supply_remote 0
        ("attest", {"id": 1}),
        ("mint", {"id": 1}),  # back bucket: level 15 >= 10, tokens 5; alice home 100, supply_home 100
    )
    assert (w.observe()["supply_home"], claim(w, 1)["executions"], claim(w, 1)["credited"]) == (100, 1, 10)
    # Replay of the `back` claim at now 0: level min(15, 5 + 0) = 5 < 10: queued = true, queued_at = now = 0,
    # nothing credited yet (supply_home stays 100), the bucket unchanged; executions 1 + 1 = 2 (a queued
    # execution counts); credited stays 10 from the first.
    act(w, "mint", id=1)
    c = claim(w, 1)
    assert (c["executions"], c["queued"], c["queued_at"], c["credited"]) == (2, True, 0, 10)
    assert w.observe()["supply_home"] == 100
    # release needs now >= queued_at + delay = 0 + 10.
    refused(w, "release", id=1)
    act(w, "wait", seconds=10)  # now 10
    act(w, "release", id=1)  # queued false, credited 10: supply_home 100 + 10 = 110, alice home 110
    s = w.observe()
    assert (s["supply_home"], s["balance_home"]["alice"]) == (110, 110)
    assert (claim(w, 1)["queued"], claim(w, 1)["executions"]) == (False, 2)
    # A third execution at now 10: level min(15, 5 + 0 * 10) = 5 < 10 (refill 0): queued again, queued_at 10,
    # executions 3, supply_home still 110.
    act(w, "mint", id=1)
    c = claim(w, 1)
    assert (c["executions"], c["queued"], c["queued_at"]) == (3, True, 10)
    assert w.observe()["supply_home"] == 110
    # The `out` claim does not even reach its bucket (out tokens 5 < 10 would queue it): executions 1 != 0
    # refuses it, and nothing is queued (its claim stays executions 1, queued false).
    refused(w, "mint", id=0)
    assert (claim(w, 0)["executions"], claim(w, 0)["queued"]) == (1, False)


def test_a_refilled_bucket_credits_the_back_replay_at_once() -> None:
    w = run(
        world(rate_limit=RateLimit(capacity=10, refill=1, mode="fail")),
        ("lock", {"user": "alice", "amount": 10}),  # id 0: alice home 90, escrow 10
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # out bucket: level 10, tokens 0, updated_at 0; supply_remote 10, alice remote 10
        ("lock", {"user": "alice", "amount": 10}),  # id 1: alice home 80, escrow 20
        ("burn", {"user": "alice", "amount": 10}),  # id 2: alice remote 0, supply_remote 0
        ("attest", {"id": 2}),
        ("unlock", {"id": 2}),  # back bucket: level 10, tokens 0, updated_at 0; escrow 10, alice home 90
    )
    refused(w, "unlock", id=2)  # level min(10, 0 + 1 * 0) = 0 < 10
    act(w, "wait", seconds=10)  # now 10
    # level min(10, 0 + 1 * (10 - 0)) = 10 >= 10: tokens 0, updated_at 10; escrow 10 - 10 = 0, alice home
    # 90 + 10 = 100, executions 2.
    act(w, "unlock", id=2)
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], claim(w, 2)["executions"]) == (0, 100, 2)
    assert s["buckets"]["back"] == {"tokens": 0, "updated_at": 10}
    # The `out` bucket has refilled too (level min(10, 0 + 1 * (10 - 0)) = 10 >= 10), so only the replay guard
    # (executions 1 != 0) refuses the `out` replay; its bucket stays {tokens 0, updated_at 0}.
    refused(w, "mint", id=0)
    assert w.observe()["buckets"]["out"] == {"tokens": 0, "updated_at": 0}


def test_the_per_transaction_limit_still_applies_to_each_back_execution() -> None:
    # per_tx_limit 10, 4 message ids: a `back` claim of 1 passes every time, one of 11 never.
    w = run(
        world(per_tx_limit=10, messages=4),
        ("lock", {"user": "alice", "amount": 6}),  # id 0: alice home 94, escrow 6
        ("lock", {"user": "alice", "amount": 6}),  # id 1: alice home 88, escrow 12
        ("attest", {"id": 0}),
        ("attest", {"id": 1}),
        ("mint", {"id": 0}),  # 6 <= 10: alice remote 6, supply_remote 6
        ("mint", {"id": 1}),  # 6 <= 10: alice remote 12, supply_remote 12
        ("burn", {"user": "alice", "amount": 11}),  # id 2: alice remote 1, supply_remote 1
        ("burn", {"user": "alice", "amount": 1}),  # id 3: alice remote 0, supply_remote 0
        ("attest", {"id": 2}),
        ("attest", {"id": 3}),
    )
    # id 2: 11 > 10 refuses it, though the escrow (12) would cover it.
    refused(w, "unlock", id=2)
    run(
        w,
        ("unlock", {"id": 3}),  # 1 <= 10: escrow 12 - 1 = 11, alice home 88 + 1 = 89
        ("unlock", {"id": 3}),  # the replay, 1 <= 10 again: escrow 10, alice home 90, executions 2
    )
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], claim(w, 3)["executions"]) == (10, 90, 2)
    refused(w, "unlock", id=2)
    # The `out` claim id 0 passes the limit (6 <= 10) but not the replay guard (executions 1 != 0).
    refused(w, "mint", id=0)


# --- with the fault: the fork's replay check is unchanged ------------------------------------------------------


def test_the_fork_still_executes_a_back_claim_once() -> None:
    w = run(
        world(faults=frozenset({"unbound_chain_id"}), forks=True),
        ("lock", {"user": "alice", "amount": 30}),  # id 0: alice home 70, escrow 30
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # alice remote 30
        ("burn", {"user": "alice", "amount": 10}),  # id 1: alice remote 20, supply_remote 20
        ("attest", {"id": 1}),
        ("fork", {}),  # no back claim has executed: forked, fork_escrow = escrow = 30
    )
    assert (w.observe()["forked"], w.observe()["fork_escrow"]) == (True, 30)
    # Home replays under the fault: escrow 30 - 10 - 10 = 10, alice home 70 + 10 + 10 = 90, executions 2.
    act(w, "unlock", id=1)
    act(w, "unlock", id=1)
    s = w.observe()
    assert (s["escrow"], s["balance_home"]["alice"], claim(w, 1)["executions"]) == (10, 90, 2)
    # The fork (unbound_chain_id) unlocks once: fork_escrow 30 - 10 = 20, fork_executions 0 + 1 = 1.
    act(w, "fork_unlock", id=1)
    assert (w.observe()["fork_escrow"], claim(w, 1)["fork_executions"]) == (20, 1)
    # Its own check `fork_executions == 0` (1 != 0) still refuses a second time, though the fork's escrow (20)
    # could cover it.
    refused(w, "fork_unlock", id=1)
    # The home side is not coupled to it: a third unlock on home still pays (escrow 10 - 10 = 0, executions 3).
    act(w, "unlock", id=1)
    assert (w.observe()["escrow"], claim(w, 1)["executions"], claim(w, 1)["fork_executions"]) == (0, 3, 1)


def test_the_fork_still_needs_unbound_chain_id() -> None:
    w = run(
        world(forks=True),
        ("lock", {"user": "alice", "amount": 30}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 10}),  # id 1
        ("attest", {"id": 1}),
        ("fork", {}),
    )
    # Without `unbound_chain_id` the fork refuses every message: the replay fault on home does not reach it.
    refused(w, "fork_unlock", id=1)


def test_the_fork_is_still_refused_after_a_back_claim_executed() -> None:
    w = run(
        world(faults=frozenset({"unbound_chain_id"}), forks=True),
        ("lock", {"user": "alice", "amount": 30}),
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),
        ("burn", {"user": "alice", "amount": 10}),  # id 1
        ("attest", {"id": 1}),
        ("unlock", {"id": 1}),  # a back claim has executed (executions 1)
    )
    refused(w, "fork")


# --- the consumed keys are internal ------------------------------------------------------------------------------


def test_the_observable_state_has_the_same_fields_with_and_without_the_fault() -> None:
    steps = (
        ("lock", {"user": "alice", "amount": 20}),  # id 0: alice home 80, escrow 20
        ("attest", {"id": 0}),
        ("mint", {"id": 0}),  # alice remote 20, supply_remote 20
        ("burn", {"user": "alice", "amount": 10}),  # id 1: alice remote 10, supply_remote 10
        ("attest", {"id": 1}),
        ("unlock", {"id": 1}),  # escrow 10, alice home 90
    )
    with_fault, without = run(world(), *steps), run(world(fault=False), *steps)
    # The same single executions: identical states, field for field (no replay keys among them).
    assert with_fault.observe() == without.observe()
    # The `out` replay is refused in both worlds, so they stay identical.
    refused(with_fault, "mint", id=0)
    refused(without, "mint", id=0)
    assert with_fault.observe() == without.observe()
    # The `back` replay pays only with the fault: escrow 10 - 10 = 0, alice home 90 + 10 = 100, executions 2.
    act(with_fault, "unlock", id=1)
    refused(without, "unlock", id=1)
    s = with_fault.observe()
    assert (s["escrow"], s["balance_home"]["alice"], claim(with_fault, 1)["executions"]) == (0, 100, 2)
    assert set(s) == set(without.observe())
    assert set(claim(with_fault, 1)) == set(claim(without, 1))
