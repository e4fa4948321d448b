"""The one clock both chains share, in seconds; only the `wait` action moves it."""

from model.reference.guard import require


class Clock:
    """Time starts at 0 and only moves forward, so a challenge window can close but never reopen."""

    def __init__(self) -> None:
        self.now = 0

    def advance(self, seconds: int) -> None:
        """Let `seconds` pass; at least one, since a wait of nothing is not a step of the model."""
        require(seconds >= 1, "wait must be at least 1 second")
        self.now += seconds
