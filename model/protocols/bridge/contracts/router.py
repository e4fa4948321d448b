"""The bridge's router on `home` (an aggregator's gateway, Socket's `SocketGateway`, LI.FI's diamond): users
grant it allowances over their home tokens so that one call can pull, swap and bridge, and anyone may call it.

Socket/Bungee, 2024-01-16, about $3.3M: a route newly added to SocketGateway performed a call with
user-supplied calldata, so anyone could make the gateway call `transferFrom` on the users who had granted it
unlimited approvals. LI.FI, 2024-07-16, about $10M: the same class through a newly added facet. Nothing of the
bridge itself was broken in either: the value left through allowances that users had given the router, which
is why the router is a contract of its own here, beside the vault and the endpoints, and never touches them.
"""

from __future__ import annotations

from bridgeproof.model.protocols.bridge.contracts.token import Token
from bridgeproof.model.reference.guard import require


class Router:
    """Home's router and the allowances users granted it (SEMANTICS.md, Approvals).

    In ERC-20 the allowance lives in the token, as `allowance[owner][spender]`; the model has one spender
    that matters, the router, so its column of that mapping is kept here beside the router's own record of
    what it was made to take. `taken` counts only what left a user on someone else's instruction, so it is
    exactly the loss the incidents were: the router never moves a user's tokens on her own instruction here
    (her own bridging goes through `lock` and `burn`, which do not consume allowances).
    """

    address = "router"

    def __init__(self, token: Token, arbitrary_call: bool) -> None:
        self.token = token
        # `arbitrary_router_call`: the router forwards the caller's calldata to any target, the token included.
        # Without it the router moves only its caller's own tokens and calls only allowlisted targets, so no
        # call of another user's allowance gets through.
        self.arbitrary_call = arbitrary_call
        self.allowances: dict[str, int] = {}
        self.taken: dict[str, int] = {}

    def allowance(self, owner: str) -> int:
        """What `owner` still lets the router take; an owner who never approved has granted 0, as in ERC-20."""
        return self.allowances.get(owner, 0)

    def taken_from(self, owner: str) -> int:
        """What the router has taken from `owner` on someone else's instruction."""
        return self.taken.get(owner, 0)

    def approve(self, owner: str, amount: int) -> None:
        """ERC-20 `approve`: the new allowance replaces the last rather than adding to it. Like every amount
        of an action it is at least 1 (SEMANTICS.md, Actions); revoking is not modelled.

        An allowance may exceed the owner's balance (aggregators ask for unlimited ones); that is the exposure
        the incidents drained, so nothing here caps it.
        """
        require(amount >= 1, "amount must be at least 1")
        self.allowances[owner] = amount

    def forward(self, caller: str, owner: str, amount: int) -> None:
        """The caller's calldata forwarded to the token: `transferFrom(owner, caller, amount)` with the router
        as spender (Socket 2024, LI.FI 2024: the router checked neither the target nor the calldata).

        A transfer, not a burn: the token's supply is untouched and the vault is not involved. Every check
        comes first; the token's own checks would refuse the same pull, but the router must not rely on a
        callee to keep its books consistent.
        """
        require(self.arbitrary_call, "the router calls only allowlisted targets and moves only its caller's tokens")
        require(amount >= 1, "amount must be at least 1")
        require(owner != caller, "a pull from the caller herself is not one on someone else's instruction")
        require(amount <= self.allowance(owner), "amount exceeds the owner's allowance to the router")
        require(amount <= self.token.balance_of(owner), "amount exceeds the owner's balance")
        self.token.transfer(owner, caller, amount)
        self.allowances[owner] = self.allowance(owner) - amount
        self.taken[owner] = self.taken_from(owner) + amount
