"""Off-chain actors that carry claims between chains: the relayer (honest or forging) and the watcher.

Anyone may relay, so the same relayer carries the honest attest path and the adversary's forge path;
what differs is only the evidence the verifier can produce for each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from bridgeproof.model.protocols.bridge.contracts.chain import ROUTES, Chain, Claim, Message, Sent
from bridgeproof.model.protocols.bridge.contracts.context import WorldContext
from bridgeproof.model.reference.guard import require
from bridgeproof.model.trust.contract import Verifier


class Ledger:
    """Read-only lookups across both chains: ids are global, so an id is in at most one outbox and one
    destination's claims."""

    def __init__(self, chains: Mapping[str, Chain]) -> None:
        self.chains = chains

    def sent(self, msg_id: int) -> Sent | None:
        """The canonical source record of an id, if some source emitted it and it was not reorged out."""
        for chain in self.chains.values():
            sent = chain.outbox.get(msg_id)
            if sent is not None:
                return sent
        return None

    def claim_of(self, msg_id: int) -> Claim | None:
        """The claim any destination holds for this id, if one does."""
        for chain in self.chains.values():
            claim = chain.endpoint.claims.get(msg_id)
            if claim is not None:
                return claim
        return None

    def claims(self) -> Iterator[tuple[int, Claim]]:
        """Every claim at either destination, in id order."""
        merged = {i: c for chain in self.chains.values() for i, c in chain.endpoint.claims.items()}
        for msg_id in sorted(merged):
            yield msg_id, merged[msg_id]

    def is_fraudulent(self, claim: Claim) -> bool:
        """SEMANTICS.md: no canonical source message has this id with this `dir, user, amount` (and
        `kind`, with `adversary.calls`).

        Judged now: an honest claim whose message a reorg removed becomes fraudulent. Whole messages are
        compared, so a claim that takes a sent call for a transfer (or the reverse) is fraudulent too;
        without calls every kind is `transfer` and the comparison is the three fields.
        """
        sent = self.sent(claim.message.id)
        return sent is None or sent.message != claim.message


class Relayer:
    """Delivers claims to the destination chain of their direction, with the verifier's evidence attached."""

    def __init__(
        self,
        ledger: Ledger,
        verifier: Verifier,
        messages: int,
        finality: int,
        context: Callable[[], WorldContext],
    ) -> None:
        self.ledger = ledger
        self.verifier = verifier
        self.messages = messages
        self.finality = finality
        self.context = context

    def attest(self, msg_id: int) -> None:
        """Carry a message really emitted on its source, vouched for by the honest verifier once it is final."""
        sent = self.ledger.sent(msg_id)
        require(sent is not None, "id not sent")
        assert sent is not None
        require(self.ledger.claim_of(msg_id) is None, "id already claimed")
        ctx = self.context()
        if self.finality > 0:
            confirmations = ctx.height - sent.block + 1
            require(confirmations >= self.finality, "message is not final yet")
        self.verifier.attest(msg_id, sent.message.digest(), ctx)
        self._deliver(sent.message, ctx)

    def forge(self, message: Message) -> None:
        """Hand a destination a message its source may never have emitted, with the adversary's best evidence."""
        require(0 <= message.id < self.messages, "id out of range")
        require(self.ledger.claim_of(message.id) is None, "id already claimed")
        ctx = self.context()
        self.verifier.forge(message.id, message.digest(), ctx)
        self._deliver(message, ctx)

    def _deliver(self, message: Message, ctx: WorldContext) -> None:
        _, destination = ROUTES[message.dir]
        self.ledger.chains[destination].endpoint.record(Claim(message, claimed_at=ctx.now))


class Watcher:
    """Reads the source chains' outboxes to spot fraudulent claims (what a pause guardian reacts to)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def frauds(self) -> list[tuple[int, Claim]]:
        """Every fraudulent claim, executed or not, in id order."""
        return [(i, c) for i, c in self.ledger.claims() if self.ledger.is_fraudulent(c)]
