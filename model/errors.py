"""Bad input, reported as one line that names the file and the field (exit code 2)."""

from __future__ import annotations

from typing import Any


class BadInput(Exception):
    """Input we refuse to guess about. The CLI prints `where: field: why` and exits 2."""

    def __init__(self, where: str, field: str, why: str) -> None:
        super().__init__(f"{where}: {field}: {why}")
        self.where = where
        self.field = field
        self.why = why

    def line(self) -> str:
        return f"{self.where}: {self.field}: {self.why}"


class ToolError(Exception):
    """The tool itself could not do its job (I/O, a refused write). Also exit 2, never a verdict."""


class ParameterError(ValueError):
    """A parameter value an extension refuses, with the field it belongs to (for a file-and-field message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def table(value: Any, where: str, field: str) -> dict[str, Any]:
    """A TOML table, or bad input naming the field."""
    if not isinstance(value, dict):
        raise BadInput(where, field, f"must be a table, got {type(value).__name__}")
    return value


def integer(value: Any, where: str, field: str, low: int, high: int | None = None) -> int:
    """An integer (never a bool) in `low..high`, or bad input naming the field.

    The upper bound is what keeps a typo (a million message ids, a 40-digit supply) from becoming a
    search that never ends or a number the solver's parameters cannot hold.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(where, field, f"expected an integer, got {short(value)}")
    if value < low:
        raise BadInput(where, field, f"must be >= {low}, got {short(value)}")
    if high is not None and value > high:
        raise BadInput(where, field, f"must be <= {high}, got {short(value)}")
    return value


def short(value: Any) -> str:
    """A value for a one-line message: its repr, cut short (a 5,000-digit number is not a message)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"
