"""Concrete reference implementation of the `wrapped_collateral` family (SEMANTICS.md, "Family `wrapped_collateral`").

A `lock_mint` bridge (the bridge's own deployment, unchanged) plus one more contract on its remote chain:
a Compound-style money market (`Market`) that takes the bridge's wrapped token as collateral and lends a
debt asset against it. Like Qubit's market, which priced qXETH as ETH, it values the wrapped token with
the canonical token's feed, a constant `price`: nothing in the market can tell a backed wrapped token
from one the bridge minted for nothing. The one thing that can is the optional Proof of Reserve check
(Aave v3 with Chainlink PoR feeds), which compares the wrapped supply with the vault's escrow on home
and freezes deposits and borrows, but not withdrawals, while the supply exceeds it. The two chains may
count the token in different decimals, so the feed compares values, not raw base units: in canonical
units, `supply * S_r <= escrow * S_h` (SEMANTICS.md, "Parameters": `S_r`, `S_h` are the canonical units
per remote and per home base unit).

Pledged collateral really moves: `deposit_collateral` transfers wrapped tokens from the user to the
market's own account in the wrapped token's ledger and `withdraw_collateral` transfers them back, so the
wrapped supply is unchanged by pledging (SEMANTICS.md: `supply_remote` counts pledged tokens). The debt
asset is not a token in the model: the market's `pool` is what it still holds, a borrow takes from it and
the borrowed units leave the model with the borrower, a repayment brings units from outside the model.

Arithmetic is plain Python integers, the collateral factor checked by cross-multiplying exactly as the
specification writes it (no division, so no rounding). Every refusal is a `Revert` raised by `require`
before any write (and the driver restores the deployment in any case).
This half is written from SEMANTICS.md alone, never from the symbolic half.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from bridgeproof.model.protocols.bridge.contracts.chain import REMOTE, USERS
from bridgeproof.model.protocols.bridge.contracts.token import Token
from bridgeproof.model.protocols.bridge.contracts.vault import Vault
from bridgeproof.model.reference.guard import require

BPS: Final = 10_000
"""100 % in basis points: the collateral factor's denominator."""


class Market:
    """The money market on `remote` (a one-asset Compound comptroller and its cToken, merged).

    It keeps, per user, the wrapped tokens pledged (held in custody in the market's own account of the
    wrapped token, `address`) and the debt owed, and the debt asset it still holds to lend (`pool`).
    The token and the vault are the contracts it reads: the wrapped token it takes as collateral and,
    for the Proof of Reserve feed, the bridge's vault on home, whose balance the feed reports.
    """

    address: Final = "market"
    """The market's account in the wrapped token's ledger; not a user, so the bridge's read never shows it."""

    def __init__(
        self,
        token: Token,
        vault: Vault,
        price: int,
        collateral_factor_bps: int,
        pool: int,
        proof_of_reserve: bool,
        remote_scale: int = 1,
        home_scale: int = 1,
    ) -> None:
        self.token = token
        self.vault = vault
        self.remote_scale = remote_scale
        """`S_r`: canonical units per wrapped (remote) base unit."""
        self.home_scale = home_scale
        """`S_h`: canonical units per home base unit (the escrow's unit)."""
        self.price = price
        """Debt base units per wrapped base unit: the canonical token's feed, constant in this family."""
        self.collateral_factor_bps = collateral_factor_bps
        self.pool = pool
        self.proof_of_reserve = proof_of_reserve
        self.pledged: dict[str, int] = {user: 0 for user in USERS}
        self.debt: dict[str, int] = {user: 0 for user in USERS}

    # --- views ------------------------------------------------------------------------------------------------

    def fully_backed(self) -> bool:
        """What the Proof of Reserve feed attests: every wrapped token is backed by escrow on home.

        Compared in canonical units, `supply_remote * S_r <= escrow * S_h` (each side its own chain's base
        units times the canonical units per base unit; exact integers, no rounding).
        """
        return self.token.total_supply * self.remote_scale <= self.vault.escrow * self.home_scale

    def within_factor(self, debt: int, pledged: int) -> bool:
        """`debt * 10000 <= pledged * price * collateral_factor_bps`: the debt is at most the collateral
        factor of the pledged tokens' value at the oracle price (exact, cross-multiplied)."""
        return debt * BPS <= pledged * self.price * self.collateral_factor_bps

    def _account(self, user: str) -> str:
        require(user in self.debt, f"unknown user {user!r}")
        return user

    def _check_reserve(self, action: str) -> None:
        # Aave's PoR executor freezes the reserve: supplying and borrowing stop while the bridge is short.
        if self.proof_of_reserve:
            require(self.fully_backed(), f"{action}: Proof of Reserve: the wrapped supply exceeds the escrow")

    # --- actions ------------------------------------------------------------------------------------------------

    def deposit_collateral(self, user: str, amount: int) -> None:
        """Pledge `amount` wrapped tokens: they move from the user's balance into the market's custody."""
        user = self._account(user)
        require(amount >= 1, "deposit_collateral: amount must be at least 1")
        require(self.token.balance_of(user) >= amount, "deposit_collateral: exceeds the wrapped balance")
        self._check_reserve("deposit_collateral")
        self.token.transfer(user, self.address, amount)
        self.pledged[user] += amount

    def borrow(self, user: str, amount: int) -> None:
        """Lend `amount` of the debt asset against the user's pledged tokens, within the collateral factor."""
        user = self._account(user)
        require(amount >= 1, "borrow: amount must be at least 1")
        require(self.pool >= amount, "borrow: the pool holds less than the amount")
        require(
            self.within_factor(self.debt[user] + amount, self.pledged[user]),
            "borrow: the debt would exceed the collateral factor of the pledged collateral",
        )
        self._check_reserve("borrow")
        self.debt[user] += amount
        self.pool -= amount

    def repay(self, user: str, amount: int) -> None:
        """Pay back `amount` of the user's debt (with funds from outside the model) into the pool."""
        user = self._account(user)
        require(amount >= 1, "repay: amount must be at least 1")
        require(amount <= self.debt[user], "repay: exceeds the debt")
        self.debt[user] -= amount
        self.pool += amount

    def withdraw_collateral(self, user: str, amount: int) -> None:
        """Take back `amount` pledged tokens, if the debt stays within the factor of what remains pledged.

        Proof of Reserve does not block it: Aave's executor freezes deposits and borrows, not withdrawals.
        """
        user = self._account(user)
        require(amount >= 1, "withdraw_collateral: amount must be at least 1")
        require(amount <= self.pledged[user], "withdraw_collateral: exceeds the pledged collateral")
        require(
            self.within_factor(self.debt[user], self.pledged[user] - amount),
            "withdraw_collateral: the debt would exceed the collateral factor of the remaining collateral",
        )
        self.pledged[user] -= amount
        self.token.transfer(self.address, user, amount)


# --- the family's hooks into the bridge's deployment ----------------------------------------------------------


def canonical_scales(home_decimals: int, remote_decimals: int) -> tuple[int, int]:
    """`(S_h, S_r)`: canonical units per home and per remote base unit, `10^(d - home_decimals)` and
    `10^(d - remote_decimals)` with `d = max(home_decimals, remote_decimals)` (both 1 at equal decimals)."""
    d = max(home_decimals, remote_decimals)
    return 10 ** (d - home_decimals), 10 ** (d - remote_decimals)


def install(deployment: Any, family: Any) -> None:
    """Deploy the market on the bridge's remote chain as `deployment.market`.

    `family` gives the parameters (`price`, `collateral_factor_bps`, `pool`, `proof_of_reserve`). The
    market is wired to the remote chain's wrapped token and to the home vault (lock_mint always has one),
    and takes the chains' decimals from the bridge's amounts (`deployment.conversion.amounts`) for its
    Proof of Reserve check.
    """
    vault = deployment.vault
    assert vault is not None, "wrapped_collateral needs the lock_mint vault its Proof of Reserve reads"
    amounts = deployment.conversion.amounts
    home_scale, remote_scale = canonical_scales(int(amounts.home_decimals), int(amounts.remote_decimals))
    deployment.market = Market(
        token=deployment.chains[REMOTE].token,
        vault=vault,
        price=family.price,
        collateral_factor_bps=family.collateral_factor_bps,
        pool=family.pool,
        proof_of_reserve=bool(family.proof_of_reserve),
        remote_scale=remote_scale,
        home_scale=home_scale,
    )


def _market(deployment: Any) -> Market:
    market = getattr(deployment, "market", None)
    assert isinstance(market, Market), "the market is not installed"
    return market


def deposit_collateral(deployment: Any, user: str, amount: int) -> None:
    _market(deployment).deposit_collateral(user, amount)


def borrow(deployment: Any, user: str, amount: int) -> None:
    _market(deployment).borrow(user, amount)


def repay(deployment: Any, user: str, amount: int) -> None:
    _market(deployment).repay(user, amount)


def withdraw_collateral(deployment: Any, user: str, amount: int) -> None:
    _market(deployment).withdraw_collateral(user, amount)


HANDLERS: Final[dict[str, Callable[..., None]]] = {
    "deposit_collateral": deposit_collateral,
    "borrow": borrow,
    "repay": repay,
    "withdraw_collateral": withdraw_collateral,
}


def read(deployment: Any) -> dict[str, Any]:
    """The market's fields, as SEMANTICS.md names them, in fresh containers: every user, 0 when untouched."""
    market = _market(deployment)
    return {
        "pledged": {user: market.pledged[user] for user in USERS},
        "debt": {user: market.debt[user] for user in USERS},
        "pool": market.pool,
    }
