"""Unit tests of what the two key writers of the message bridges' reference implementation have in common, from
SEMANTICS.md ("Family `lock_mint` and `burn_mint`": "Calls", "Initialiser: configuration an unprivileged call may
write" and "Governance: the path meant to change the keys") alone.

A key writer is an adversary action that takes a `dir` and installs keys mallory holds on the destination of that
dir (remote for `out`, home for `back`):

- `initialize(dir)`, mallory's call to the destination's initialiser, which exists with `adversary.initialize` and
  passes with the fault `unprotected_initializer` (Wormhole 2022-02);
- `govern(dir)`, mallory's proposal to the governance path, which exists with `defences.governance` and passes when
  the governance trust model `G` accepts her forged evidence (here a 2-of-5 owner multisig with two stolen keys,
  Harmony's Horizon bridge 2022, unless a test names another `G` whose forgery passes).

Both have the same effect, `replaced_keys[dir] = true`, after which the destination of that dir accepts every claim
("accepted" as under Calls) while the other destination keeps the trust model's judgement; writing again changes
nothing. What only one of them does is tested in test_initializer_reference.py and test_governance_reference.py.

The worlds are built from scenario tables, as a scenario file would state them: lock_mint (burn_mint where a test
says so) whose bridge verifier is a 13-of-19 multisig with no stolen key (`f = 0`), so a forged claim carries no
signature and the bridge's trust model alone never accepts it. alice holds the initial supply of 100 home units,
3 message ids unless a test says otherwise, all decimals 0 (every credit equals the message amount). Every expected
number is worked out by hand in the comments, never computed by the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bridgeproof.model.errors import BadInput
from bridgeproof.model.protocols.bridge import deployment as bridge
from bridgeproof.model.reference import Revert
from bridgeproof.model.reference.world import World
from harness import (
    BRIDGE_READ_COLUMNS,
    KEYS_UNTOUCHED,
    act,
    refused,
    replaced_keys,
    run,
    scenario_table,
    scenario_world,
)

BASE: dict[str, Any] = {
    "protocol": "lock_mint",
    "trust": {"model": "multisig", "k": 13, "n": 19, "f": 0},
    "bounds": {"messages": 3},
    "expect": {"supply_conservation": "violated"},
}


@dataclass(frozen=True)
class Writer:
    """A key-writing action, with the top-level table entries that make it exist and pass."""

    action: str
    option: dict[str, Any]
    unreachable: str  # the handler's own refusal in a bridge without the option
    field: str  # the option a refusal names

    def world(self, **overrides: Any) -> World:
        """The world a scenario file with the base tables, this writer's option and these overrides is checked on."""
        return scenario_world(scenario_table(BASE | self.option, **overrides), f"{self.action}.toml")

    def absent(self) -> World:
        """The same bridge without the option: the writer's entries dropped."""
        return self.world(**dict.fromkeys(self.option))

    def call(self, w: World, direction: str) -> None:
        """The deployment's handler called directly, not through the world's action dispatch."""
        getattr(bridge, self.action)(w.deployment, direction)


def governed(governance: dict[str, Any]) -> Writer:
    return Writer("govern", {"defences": {"governance": governance}}, "no governance path", "defences.governance")


INITIALIZE = Writer(
    "initialize", {"faults": ["unprotected_initializer"], "adversary": {"initialize": True}}, "not reachable", "adversary.initialize"
)
GOVERN = governed({"model": "multisig", "k": 2, "n": 5, "f": 2})  # 2 stolen keys >= k = 2: a forged proposal passes

WRITERS = [pytest.param(INITIALIZE, id="initialize"), pytest.param(GOVERN, id="govern")]
# Where the governance trust model could matter: the initialiser, and governance under each model whose forgery passes.
EVERY_WRITER = [
    pytest.param(INITIALIZE, id="initialize"),
    pytest.param(GOVERN, id="govern-multisig-f2-of-k2"),
    pytest.param(governed({"model": "custodian", "compromised": 1}), id="govern-custodian-compromised"),
    pytest.param(governed({"model": "tss", "k": 2, "n": 3, "f": 2}), id="govern-tss-f2-of-k2"),
    pytest.param(governed({"model": "zk", "soundness_bug": True}), id="govern-zk-unsound"),
    pytest.param(governed({"model": "attesters", "k": 2, "n": 3, "f": 2}), id="govern-attesters-f2-of-k2"),
]


def without(state: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in state.items() if key not in names}


# --- where it exists ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("writer", WRITERS)
def test_it_does_not_exist_without_the_option(writer: Writer) -> None:
    w = writer.absent()
    assert writer.action not in w.available_actions()
    refused(w, writer.action, dir="out")
    # The handler refuses on its own too: the initialiser is not reachable / the bridge has no governance path.
    with pytest.raises(Revert, match=writer.unreachable):
        writer.call(w, "out")
    assert replaced_keys(w) == KEYS_UNTOUCHED


@pytest.mark.parametrize("writer", WRITERS)
def test_the_option_makes_it_an_action(writer: Writer) -> None:
    assert writer.action in writer.world().available_actions()


# --- the keys of exactly that destination ----------------------------------------------------------------------


@pytest.mark.parametrize("writer", EVERY_WRITER)
@pytest.mark.parametrize(
    ("direction", "expected"), [("out", {"out": True, "back": False}), ("back", {"out": False, "back": True})]
)
def test_it_replaces_the_keys_of_that_dir_only(writer: Writer, direction: str, expected: dict[str, bool]) -> None:
    w = run(writer.world(), ("lock", {"user": "alice", "amount": 10}))
    before = w.observe()
    act(w, writer.action, dir=direction)
    after = w.observe()
    assert replaced_keys(w) == expected
    assert after["replaced_keys"] == expected
    # No message, no value: nothing is sent, claimed, debited, paid or counted.
    assert without(after, "replaced_keys") == without(before, "replaced_keys")
    # The destination of out is remote, of back is home.
    dep = w.deployment
    assert (dep.chains["remote"].endpoint.replaced_keys, dep.chains["home"].endpoint.replaced_keys) == (
        expected["out"], expected["back"]
    )


@pytest.mark.parametrize("writer", EVERY_WRITER)
def test_writing_back_lets_a_forged_unlock_drain_the_vault(writer: Writer) -> None:
    w = run(
        writer.world(),
        ("lock", {"user": "alice", "amount": 10}),  # id 0: alice home 90, escrow 10
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 7}),  # 0 sigs < k = 13
    )
    refused(w, "unlock", id=2)
    act(w, writer.action, dir="back")
    act(w, "unlock", id=2)
    s = w.observe()
    # credit 7: escrow 10 - 7 = 3, mallory home 0 + 7 = 7; the evidence is still the forger's 0 signatures.
    assert (s["escrow"], s["balance_home"]) == (3, {"alice": 90, "mallory": 7})
    assert (s["claims"][2]["executions"], s["claims"][2]["credited"], s["claims"][2]["evidence"]) == (
        1, 7, {"sigs": 0}
    )
    # Accepted does not lift the replay guard: executions 1 != 0.
    refused(w, "unlock", id=2)
    # The other dir's destination, remote, keeps the trust model's keys: an out claim forged after the write still
    # counts the bridge's signatures, 0 < 13.
    act(w, "forge", id=1, dir="out", user="mallory", amount=5)
    refused(w, "mint", id=1)
    assert w.observe()["supply_remote"] == 0
    assert replaced_keys(w) == {"out": False, "back": True}


@pytest.mark.parametrize("writer", EVERY_WRITER)
def test_writing_out_lets_a_forged_mint_through_on_remote(writer: Writer) -> None:
    w = run(
        writer.world(),
        ("lock", {"user": "alice", "amount": 10}),  # id 0, escrow 10
        ("forge", {"id": 1, "dir": "out", "user": "mallory", "amount": 9}),
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 4}),  # forged before the write
    )
    refused(w, "mint", id=1)
    act(w, writer.action, dir="out")
    act(w, "mint", id=1)
    s = w.observe()
    # 10 locked, and remote mints 9 wrapped tokens for nothing: supply_remote 0 + 9, mallory remote 9, escrow 10.
    assert (s["supply_remote"], s["balance_remote"], s["escrow"]) == (9, {"alice": 0, "mallory": 9}, 10)
    # Home, the destination of back, keeps the bridge's keys: the forged unlock is still refused.
    refused(w, "unlock", id=2)
    assert w.observe()["escrow"] == 10


@pytest.mark.parametrize("writer", EVERY_WRITER)
def test_writing_on_burn_mint(writer: Writer) -> None:
    w = run(
        writer.world(protocol="burn_mint"),
        ("forge", {"id": 0, "dir": "back", "user": "mallory", "amount": 4}),
        ("forge", {"id": 1, "dir": "out", "user": "mallory", "amount": 6}),
        (writer.action, {"dir": "back"}),
    )
    act(w, "mint", id=0)
    s = w.observe()
    # burn_mint mints on home, the destination of back: supply_home 100 + 4 = 104, mallory home 4.
    assert (s["supply_home"], s["balance_home"]) == (104, {"alice": 100, "mallory": 4})
    # Remote, the destination of out, keeps the bridge's keys.
    refused(w, "mint", id=1)
    assert w.observe()["supply_remote"] == 0


@pytest.mark.parametrize("writer", WRITERS)
def test_writing_again_changes_nothing(writer: Writer) -> None:
    w = run(writer.world(), ("lock", {"user": "alice", "amount": 10}), (writer.action, {"dir": "back"}))
    before = w.observe()
    act(w, writer.action, dir="back")
    assert w.observe() == before
    assert replaced_keys(w) == {"out": False, "back": True}
    # The other dir is still its own write.
    act(w, writer.action, dir="out")
    assert replaced_keys(w) == {"out": True, "back": True}


@pytest.mark.parametrize("writer", WRITERS)
def test_it_needs_no_message_id(writer: Writer) -> None:
    # messages 1: after the lock next_id 1 == messages, so no send fits, and the writer still passes.
    w = run(writer.world(bounds={"messages": 1}), ("lock", {"user": "alice", "amount": 10}))
    refused(w, "lock", user="alice", amount=1)
    act(w, writer.action, dir="out")
    assert (replaced_keys(w), w.observe()["next_id"]) == ({"out": True, "back": False}, 1)


@pytest.mark.parametrize("writer", WRITERS)
def test_an_unknown_dir_is_refused(writer: Writer) -> None:
    w = writer.world()
    refused(w, writer.action, dir="sideways")
    with pytest.raises(Revert, match="unknown direction"):
        writer.call(w, "sideways")
    assert replaced_keys(w) == KEYS_UNTOUCHED


@pytest.mark.parametrize("writer", WRITERS)
def test_the_familys_own_reading_is_unchanged(writer: Writer) -> None:
    w = run(writer.world(), (writer.action, {"dir": "out"}))
    assert set(w.deployment.read()) == BRIDGE_READ_COLUMNS


@pytest.mark.parametrize("writer", WRITERS)
def test_a_writer_is_not_stopped_by_pause(writer: Writer) -> None:
    w = run(
        writer.world(defences={**writer.option.get("defences", {}), "pause": {"reaction": 60}}),
        ("lock", {"user": "alice", "amount": 10}),  # id 0, escrow 10
        ("forge", {"id": 2, "dir": "back", "user": "mallory", "amount": 7}),  # fraudulent: id 2 was never sent
        ("pause", {}),
    )
    assert w.observe()["paused"] is True
    act(w, writer.action, dir="back")
    assert replaced_keys(w) == {"out": False, "back": True}
    # The pause still stops the payout: accepted now, but unlock is a paused entry point.
    refused(w, "unlock", id=2)
    assert w.observe()["escrow"] == 10


@pytest.mark.parametrize("writer", WRITERS)
def test_a_writer_with_forks_is_bad_input(writer: Writer) -> None:
    """A fork after the write would copy keys the fork's acceptance does not carry over: refused, not half-modelled."""
    with pytest.raises(BadInput) as info:
        writer.world(adversary={**writer.option.get("adversary", {}), "forks": True})
    assert info.value.field == writer.field
    assert "adversary.forks = false" in info.value.why
