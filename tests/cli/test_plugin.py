"""A trust model from outside the repository, registered through the `bridgeproof.trust` entry point.

The throwaway package is laid out in a temporary folder exactly as `pip install --target` lays out an
installed distribution (the package, and a `.dist-info` folder with METADATA and entry_points.txt),
and put on the path of a fresh `python -m bridgeproof.model` process: `list` must show it with its card, and
`verify` must run a scenario that uses it, replaying into that folder's own corpus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PACKAGE = '''
"""A notary: one off-chain service signs each message after checking the source chain itself.

Trust assumption: the notary is honest. Adversary: a dishonest notary signs any message.
Real parameters: none; this is a test plug-in.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import z3

from bridgeproof.model.symbolic import EvidenceField
from bridgeproof.model.trust.base import PlainVerifier, TrustModel


@attrs.frozen
class Notary(TrustModel):
    id: ClassVar[str] = "notary"
    assumption: ClassVar[str] = "the notary is honest"
    adversary: ClassVar[str] = "a dishonest notary signs whatever it is handed"
    sources: ClassVar[tuple[str, ...]] = ("a test plug-in",)
    evidence_fields: ClassVar[tuple[EvidenceField, ...]] = (EvidenceField("notarised", "bool", False),)

    honest: bool = True

    def honest_evidence(self, s: Any, i: int, cfg: Any) -> dict[str, Any]:
        return {"notarised": True}

    def forged_evidence(self, s: Any, i: int, cfg: Any) -> dict[str, Any]:
        return {"notarised": z3.Not(self.t("honest"))}

    def accepts(self, s: Any, i: int, cfg: Any) -> Any:
        return s.ev("notarised", i) == True  # noqa: E712

    def assumptions(self) -> dict[str, Any]:
        return {"notary_honest": self.t("honest")}

    def lemmas(self, s: Any, cfg: Any) -> dict[str, Any]:
        sub = cfg.protocol
        return {
            f"notarised[{i}]_only_if_real": z3.Implies(
                z3.And(sub.claimed(s, i), s.ev("notarised", i)), z3.Or(z3.Not(sub.fraudulent(s, i)), z3.Not(self.t("honest")))
            )
            for i in range(len(sub.claim_domain(cfg)))
        }

    def verifier(self) -> Stamp:
        return Stamp(self.honest)


class Stamp(PlainVerifier):
    name = "notary"

    def __init__(self, honest: bool) -> None:
        self.honest = honest
        self.stamped: dict[int, bytes] = {}
        self.valid: set[bytes] = set()

    def attest(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        self.stamped[msg_id] = digest
        self.valid.add(digest)

    def forge(self, msg_id: int, digest: bytes, ctx: Any) -> None:
        self.stamped[msg_id] = digest
        if not self.honest:
            self.valid.add(digest)

    def accepts(self, msg_id: int, digest: bytes, ctx: Any) -> bool:
        return self.stamped.get(msg_id) == digest and digest in self.valid

    def evidence(self, msg_id: int) -> dict[str, Any]:
        return {"notarised": self.stamped.get(msg_id) in self.valid}
'''

SCENARIO = """
description = "a bridge behind a plug-in notary, which turns"
protocol = "lock_mint"
trust = { model = "notary", honest = false }
bounds = { depth = 6, messages = 2, supply = 10 }

[expect]
supply_conservation = "violated"

[variants.honest-notary]
trust = { honest = true }
expect = { supply_conservation = "proved", can_complete_transfer = "witnessed" }
"""


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "bp_notary").mkdir(parents=True)
    (site / "bp_notary" / "__init__.py").write_text(textwrap.dedent(PACKAGE))
    info = site / "bp_notary-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bp-notary\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[bridgeproof.trust]\nnotary = bp_notary:Notary\n")
    (tmp_path / "notary.toml").write_text(SCENARIO)
    return tmp_path


def _run(plugin: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(plugin / "site"), str(REPO)]))
    return subprocess.run(
        [sys.executable, "-m", "bridgeproof.model", *args], cwd=plugin, env=env, capture_output=True, text=True, timeout=600
    )


def test_list_shows_the_plugin_trust_model(plugin: Path) -> None:
    done = _run(plugin, "list", "--json")
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)["trust_models"]["notary"]
    assert card["assumption"] == "the notary is honest"
    assert card["adversary"] and card["parameters"] == ["honest"]


def test_verify_runs_the_plugin_scenario(plugin: Path) -> None:
    done = _run(plugin, "verify", str(plugin / "notary.toml"), "--json", "-j", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {(r["scenario"], r["property"]): r for r in json.loads(done.stdout)["results"]}
    assert rows[("notary", "supply_conservation")]["verdict"] == "violated"
    assert rows[("notary/honest-notary", "supply_conservation")]["verdict"] == "proved"
    trace = Path(plugin / rows[("notary", "supply_conservation")]["counterexample"])
    assert trace.exists() and "notary" in trace.parts
    replayed = _run(plugin, "replay", str(trace))
    assert replayed.returncode == 0 and "reproduced" in replayed.stdout, replayed.stdout + replayed.stderr


def test_without_the_plugin_the_scenario_is_bad_input(plugin: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "bridgeproof.model", "verify", str(plugin / "notary.toml")],
        cwd=plugin, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert "trust.model" in done.stderr and "notary" in done.stderr and "Traceback" not in done.stderr
