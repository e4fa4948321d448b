"""The pytest plugin: a team's own CI collects a folder of counterexamples, one test item per trace."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "counterexamples"


def test_a_folder_of_traces_is_one_test_per_trace(tmp_path: Path) -> None:
    traces = tmp_path / "regressions"
    traces.mkdir()
    picked = [
        CORPUS / "lock_mint/multisig/supply_conservation/ronin-2022-2.itf.json",
        CORPUS / "lock_mint/multisig/supply_conservation/ronin-2022--four-keys.fixed.itf.json",
        CORPUS / "htlc/none/funds_never_stuck/htlc-no-refund.itf.json",
    ]
    for p in picked:
        shutil.copy(p, traces / p.name)
    tampered = json.loads(picked[0].read_text())
    tampered["states"][-1]["supply_remote"] = {"#bigint": "999"}
    (traces / "tampered.itf.json").write_text(json.dumps(tampered))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", str(traces)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert "3 passed" in done.stdout and "1 failed" in done.stdout, done.stdout + done.stderr
    assert "tampered" in done.stdout and "DISAGREES" in done.stdout


def test_a_project_with_its_own_model_package(tmp_path: Path) -> None:
    """The API and the plugin work beside a project's own `model` and `properties` packages: the
    import name is `bridgeproof`, so `python -m pytest` in the project (its folder first on the path)
    gets one item per trace and the project's own `model`."""
    project = tmp_path / "project"
    for name in ("model", "properties"):
        (project / name).mkdir(parents=True)
        (project / name / "__init__.py").write_text(f"OWNER = 'the project ({name})'\n")
    (project / "conftest.py").write_text("import model\n\nassert model.OWNER == 'the project (model)'\n")
    (project / "test_api.py").write_text(
        "import model\n"
        "import properties\n"
        "from bridgeproof.model.check import check\n"
        "from bridgeproof.properties import PROPERTIES\n\n"
        "def test_both() -> None:\n"
        "    assert model.OWNER == 'the project (model)' and properties.OWNER == 'the project (properties)'\n"
        "    assert callable(check) and 'supply_conservation' in PROPERTIES\n"
    )
    traces = project / "regressions"
    traces.mkdir()
    picked = [
        CORPUS / "lock_mint/multisig/supply_conservation/ronin-2022-2.itf.json",
        CORPUS / "htlc/none/funds_never_stuck/htlc-no-refund.itf.json",
    ]
    for p in picked:
        shutil.copy(p, traces / p.name)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "."],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    assert "3 passed" in done.stdout, done.stdout + done.stderr
