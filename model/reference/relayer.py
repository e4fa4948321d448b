"""Off-chain actors that carry claims between chains: the relayer (honest or forging) and the watcher.

Anyone may relay, so the same relayer carries the honest attest path and the adversary's forge path;
what differs is only the evidence the verifier can produce for each.
"""

from collections.abc import Mapping

from model.reference.context import WorldContext
from model.reference.chain import ROUTES, Chain, Claim, Message
from model.reference.clock import Clock
from model.reference.guard import require
from model.reference.verifier import Verifier


def _claim_of(chains: Mapping[str, Chain], msg_id: int) -> Claim | None:
    """The claim for an id at whichever destination holds it; ids are global, so at most one does."""
    for chain in chains.values():
        claim = chain.endpoint.claims.get(msg_id)
        if claim is not None:
            return claim
    return None


class Relayer:
    """Delivers claims to the destination chain of their direction, with the verifier's evidence attached."""

    def __init__(self, chains: Mapping[str, Chain], verifier: Verifier, clock: Clock, messages: int) -> None:
        self.chains = chains
        self.verifier = verifier
        self.clock = clock
        self.messages = messages

    def claim_of(self, msg_id: int) -> Claim | None:
        """The claim any destination holds for this id, if one does."""
        return _claim_of(self.chains, msg_id)

    def attest(self, msg_id: int) -> None:
        """Carry a message really emitted on its source, vouched for by the honest verifier."""
        message = self._sent(msg_id)
        require(message is not None, "id not sent")
        assert message is not None
        require(self.claim_of(msg_id) is None, "id already claimed")
        self.verifier.attest(msg_id, message.digest(), WorldContext(self.clock.now))
        self._deliver(message)

    def forge(self, message: Message) -> None:
        """Hand a destination a message its source may never have emitted, with the adversary's best evidence."""
        require(0 <= message.id < self.messages, "id out of range")
        require(self.claim_of(message.id) is None, "id already claimed")
        self.verifier.forge(message.id, message.digest(), WorldContext(self.clock.now))
        self._deliver(message)

    def _sent(self, msg_id: int) -> Message | None:
        for chain in self.chains.values():
            message = chain.outbox.get(msg_id)
            if message is not None:
                return message
        return None

    def _deliver(self, message: Message) -> None:
        _, destination = ROUTES[message.dir]
        self.chains[destination].endpoint.record(Claim(message))


class Watcher:
    """Reads source-chain outboxes to spot fraudulent claims and disputes them (optimistic model).

    A claim is fraudulent when its claimed source never emitted that exact message. Looking only at the
    claimed source suffices: ids are global, so a message with that id sent the other way differs in `dir`.
    """

    def __init__(self, chains: Mapping[str, Chain], verifier: Verifier, clock: Clock) -> None:
        self.chains = chains
        self.verifier = verifier
        self.clock = clock

    def is_fraudulent(self, claim: Claim) -> bool:
        """Whether the claim's source chain lacks exactly this message."""
        source, _ = ROUTES[claim.message.dir]
        return self.chains[source].outbox.get(claim.message.id) != claim.message

    def challenge(self, msg_id: int) -> None:
        """Dispute a fraudulent, unexecuted claim; the verifier decides whether the window still allows it."""
        claim = _claim_of(self.chains, msg_id)
        require(claim is not None, "no claim for id")
        assert claim is not None
        require(self.is_fraudulent(claim), "claim is not fraudulent")
        require(claim.executions == 0, "claim already executed")
        self.verifier.challenge(msg_id, WorldContext(self.clock.now))

    def open_frauds(self) -> list[int]:
        """Ids a watcher still owes a challenge: fraudulent, unchallenged and unexecuted, in id order."""
        frauds = []
        for chain in self.chains.values():
            for msg_id, claim in chain.endpoint.claims.items():
                if claim.executions != 0 or not self.is_fraudulent(claim):
                    continue
                if self.verifier.evidence(msg_id).get("challenged", False):
                    continue
                frauds.append(msg_id)
        return sorted(frauds)
