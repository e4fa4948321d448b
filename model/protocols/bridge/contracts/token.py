"""An ERC20-like token ledger on one chain: balances per account and a total supply the bridge mints and burns."""

from bridgeproof.model.reference.guard import require


class Token:
    """A token contract: `balances` is the ERC20 mapping, so an account never seen holds 0.

    Only the bridge calls `mint` and `burn`; the model has no other minter. Every movement must be at
    least 1 unit, because the bridge never moves nothing and a zero amount would hide a missing guard.
    """

    def __init__(self, chain: str) -> None:
        self.chain = chain
        self.balances: dict[str, int] = {}
        self.total_supply = 0

    def balance_of(self, account: str) -> int:
        """The account's balance; unknown accounts hold 0 as in an ERC20 mapping."""
        return self.balances.get(account, 0)

    def mint(self, account: str, amount: int) -> None:
        """Create `amount` new units for `account`, raising the total supply with it."""
        require(amount >= 1, "mint amount must be at least 1")
        self.balances[account] = self.balance_of(account) + amount
        self.total_supply += amount

    def burn(self, account: str, amount: int) -> None:
        """Destroy `amount` of `account`'s units, lowering the total supply with it."""
        require(amount >= 1, "burn amount must be at least 1")
        require(self.balance_of(account) >= amount, "burn exceeds balance")
        self.balances[account] = self.balance_of(account) - amount
        self.total_supply -= amount

    def transfer(self, sender: str, recipient: str, amount: int) -> None:
        """Move units between accounts; the total supply is untouched."""
        require(amount >= 1, "transfer amount must be at least 1")
        require(self.balance_of(sender) >= amount, "transfer exceeds balance")
        self.balances[sender] = self.balance_of(sender) - amount
        self.balances[recipient] = self.balance_of(recipient) + amount
