"""The names both semantics share: chains, assets, users, directions, actions and observable vars.

NOTE(shared-vocabulary): this module and SEMANTICS.md are the only meeting point of the Z3 model
and the reference implementation. Nothing here decides what an action does.
"""

from __future__ import annotations

import attrs

USERS: tuple[str, ...] = ("alice", "mallory")
"""User index 0 is the honest user; index 1 is the account the adversary controls."""

DIRS: tuple[str, ...] = ("out", "back")
"""`out` is home -> remote, `back` is remote -> home; encoded as 0 and 1."""

VARS: tuple[str, ...] = (
    "balance_home",
    "balance_remote",
    "escrow",
    "supply_home",
    "supply_remote",
    "next_id",
    "now",
    "height",
    "paused",
    "forked",
    "fork_escrow",
    "dust",
    "buckets",
    "verifier",
    "sent",
    "claims",
)
"""The ITF `vars`, in order."""

ACTIONS: tuple[str, ...] = (
    "lock",
    "attest",
    "mint",
    "burn",
    "unlock",
    "challenge",
    "forge",
    "wait",
    "mine",
    "reorg",
    "release",
    "pause",
    "upgrade",
    "fork",
    "fork_unlock",
)

ACTION_ARGS: dict[str, tuple[str, ...]] = {
    "lock": ("user", "amount", "paid"),
    "burn": ("user", "amount", "dir"),
    "attest": ("id",),
    "forge": ("id", "dir", "user", "amount"),
    "mint": ("id",),
    "unlock": ("id",),
    "challenge": ("id",),
    "wait": ("seconds",),
    "mine": ("blocks",),
    "reorg": ("depth",),
    "release": ("id",),
    "pause": (),
    "upgrade": (),
    "fork": (),
    "fork_unlock": ("id",),
}
"""Argument names by action. `burn` takes `dir` only under burn_mint; `lock` takes `paid` only
with the fault `unchecked_deposit`."""

VM_KINDS: tuple[str, ...] = ("evm", "svm", "cosmwasm", "move")


@attrs.frozen
class Chain:
    """A chain as a bridge sees it: what VM runs it, its token decimals, and its finality."""

    name: str
    vm: str = attrs.field(validator=attrs.validators.in_(VM_KINDS))
    decimals: int = attrs.field(default=18, validator=attrs.validators.ge(0))
    finality_seconds: int = attrs.field(default=0, validator=attrs.validators.ge(0))


@attrs.frozen
class Asset:
    """A canonical asset with its origin chain and its representation on each other chain."""

    symbol: str
    origin: str
    representations: tuple[str, ...] = ()


@attrs.frozen
class Bounds:
    """How far the search looks: transitions, message ids, and the initial supply held by alice."""

    depth: int = attrs.field(default=12, validator=attrs.validators.ge(0))
    messages: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    supply: int = attrs.field(default=100, validator=attrs.validators.ge(1))
    loss_depth: int = attrs.field(default=6, validator=attrs.validators.ge(0))
    """Steps within which max_loss is computed exactly (the search for the worst extraction is
    costlier than BMC, and real drains take a handful of steps)."""



RATE_LIMIT_MODES: tuple[str, ...] = ("queue", "fail")
AMOUNT_POLICIES: tuple[str, ...] = ("trim", "truncate")
PROTOCOL_FAULTS: frozenset[str] = frozenset({"unchecked_deposit", "unbound_chain_id"})
U64_MAX = 2**64 - 1


@attrs.frozen
class RateLimit:
    """An inbound token bucket per direction: `capacity` message units, `refill` per second."""

    capacity: int = attrs.field(validator=attrs.validators.ge(1))
    refill: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    mode: str = attrs.field(default="queue", validator=attrs.validators.in_(RATE_LIMIT_MODES))
    delay: int = attrs.field(default=86400, validator=attrs.validators.ge(0))


@attrs.frozen
class Amounts:
    """Decimals of each chain's representation and how a transfer converts between them."""

    home_decimals: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    remote_decimals: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    remote_vm: str = attrs.field(default="evm", validator=attrs.validators.in_(VM_KINDS))
    policy: str = attrs.field(default="trim", validator=attrs.validators.in_(AMOUNT_POLICIES))
    wire_decimals: int | None = None
    dust: str = attrs.field(default="keep", validator=attrs.validators.in_(("keep", "revert")))
    rounding: str = attrs.field(default="down", validator=attrs.validators.in_(("down", "up")))


@attrs.frozen
class Options:
    """Scenario options beyond the trust model: protocol faults, defences, chain features, amounts.

    Every default switches its feature off, so a scenario that names none gets the plain bridge.
    """

    faults: frozenset[str] = attrs.field(factory=frozenset, converter=frozenset)
    forks: bool = False
    rate_limit: RateLimit | None = None
    per_tx_limit: int | None = None
    pause_reaction: int | None = None
    finality: int = 0
    reorg: int = 0
    amounts: Amounts = attrs.field(factory=Amounts)
    adversary_funds: int = 0
    """mallory's own initial balance on home (an attacker who double-spends needs coins of its own)."""
