"""Bad input, reported as one line that names the file and the field (exit code 2)."""

from __future__ import annotations


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
