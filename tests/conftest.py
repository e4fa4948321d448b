"""Test setup: the shared harness on the import path, the repo root as the working directory, Hypothesis profiles.

`CI=true` selects the "ci" profile: derandomized, so a CI run is reproducible and never flaky; the
example database stays a cache only (DESIGN.md: our counterexamples are our own files).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
# tests/harness.py (shared checks) and tests/stateful (the machine factory the quality tests reuse).
for folder in (TESTS, TESTS / "stateful"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def _repo_root() -> Iterator[None]:
    """Relative paths (scenarios/, counterexamples/) mean the repo's, wherever pytest was started."""
    old = Path.cwd()
    os.chdir(REPO)
    yield
    os.chdir(old)
