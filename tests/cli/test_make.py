"""`make verify` hands back the tool's own exit code (0, 1 or 2), which GNU make only does through
the Makefile's question-mode route: these run the real Makefile on a scenario owned by the test."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIO = """\
# Owned by this test: the Ronin 2022 numbers (5 of 9 keys, 5 compromised; Sky Mavis post-mortem,
# 2022-03-29).
description = "5 of 9 multisig, 5 keys compromised"
protocol = "lock_mint"
trust = {{ model = "multisig", k = 5, n = 9, f = 5 }}
bounds = {{ depth = 6, messages = 2 }}

[expect]
supply_conservation = "{expected}"
"""

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def _make_verify(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "scenarios").mkdir(exist_ok=True)
    scenario = tmp_path / "scenarios" / "ronin-make.toml"
    scenario.write_text(text)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return subprocess.run(
        # STAMP=pyproject.toml: the tests already run in the installed .venv, so the setup step
        # finds nothing to do (a stale stamp must not reinstall the venv under running tests).
        ["make", "-s", "-C", str(REPO), "verify", f"SCENARIOS={scenario}", "JOBS=1", "STAMP=pyproject.toml"],
        capture_output=True, text=True, env=env, timeout=300,
    )


@pytest.mark.parametrize(("expected", "code"), [("violated", 0), ("proved", 1)])
def test_make_verify_returns_the_tools_code(tmp_path: Path, expected: str, code: int) -> None:
    done = _make_verify(tmp_path, SCENARIO.format(expected=expected))
    assert done.returncode == code, done.stderr
    assert "ronin-make supply_conservation" in done.stderr


def test_make_verify_bad_input_is_two_with_one_line(tmp_path: Path) -> None:
    done = _make_verify(tmp_path, 'protocol = "lock_mint"\nbounds = { depth = "deep" }\n')
    assert done.returncode == 2
    assert "ronin-make.toml" in done.stderr and "depth" in done.stderr
    assert "Traceback" not in done.stderr
