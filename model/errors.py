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


def integer(value: Any, where: str, field: str, low: int) -> int:
    """An integer (never a bool) of at least `low`, or bad input naming the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(where, field, f"expected an integer, got {value!r}")
    if value < low:
        raise BadInput(where, field, f"must be >= {low}, got {value}")
    return value
