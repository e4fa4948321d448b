"""A pytest plugin: every ITF counterexample file under the paths pytest is given is a test item.

Registered as the `pytest11` entry point `bridgeproof`, so a team that installs bridgeproof runs
`pytest path/to/counterexamples` in its own CI and gets one test per trace: an `expect: violation`
file must still reproduce on the reference implementation, an `expect: fixed` file must still be
refused where it was. A file that does not load is a failing item that names the file and field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SUFFIX = ".itf.json"


def pytest_collect_file(file_path: Path, parent: Any) -> Any:
    if file_path.name.endswith(SUFFIX) and "_inbox" not in file_path.parts and not file_path.name.startswith(".tmp-"):
        return TraceFile.from_parent(parent, path=file_path)
    return None


class TraceFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield TraceItem.from_parent(self, name=self.path.name.removesuffix(SUFFIX))


class TraceFailure(Exception):
    """A trace that no longer replays as it says: the summary is the whole message."""


class TraceItem(pytest.Item):
    def runtest(self) -> None:
        from bridgeproof.model import itf
        from bridgeproof.model.errors import BadInput
        from bridgeproof.model.replay import replay

        try:
            result = replay(itf.load(self.path))
        except BadInput as e:
            raise TraceFailure(e.line()) from None
        if not result.ok:
            raise TraceFailure(f"{self.path}: {result.summary()}")

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, TraceFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"replay {self.path.name}"
