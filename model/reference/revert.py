"""The one way the reference implementation refuses an action, as a contract reverts."""


class Revert(Exception):
    """A failed requirement: the action is refused and the world is left as it was."""
