"""The auditor's run: streamed rows, selection switches, versioned JSON that validates against the
shipped schemas, the report (Markdown with Mermaid, HTML with inline SVG and nothing fetched), and
`show` with every field, the broken part of the property, `--diff`, `--mermaid` and `--generic`."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from bridgeproof.model.cli import main

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "model" / "schemas"
RONIN_TRACE = REPO / "counterexamples/lock_mint/multisig/supply_conservation/ronin-2022.itf.json"
HTLC_TRACE = REPO / "counterexamples/htlc/none/atomicity/htlc-account.itf.json"
SCENARIO = """\
# Owned by this test: the Ronin 2022 numbers (5 of 9 keys, 5 compromised; Sky Mavis post-mortem,
# 2022-03-29), and the variant with one key fewer.
description = "5 of 9 multisig, 5 keys compromised"
protocol = "lock_mint"
trust = { model = "multisig", k = 5, n = 9, f = 5 }
bounds = { depth = 8, messages = 2 }

[expect]
supply_conservation = "violated"
no_unbacked_mint = "violated"

[variants.four-keys]
description = "4 of 9 keys compromised"
trust = { f = 4 }
expect = { supply_conservation = "bounded", can_complete_transfer = "witnessed" }
"""


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "ronin-small.toml").write_text(SCENARIO)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def test_verify_json_validates_and_carries_bounds(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "-j", "1", "--no-prove", "--no-loss", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, _schema("verify"))
    assert doc["schema"] == "bridgeproof.verify/1"
    rows = {(r["scenario"], r["property"]): r for r in doc["results"]}
    assert rows[("ronin-small", "supply_conservation")]["bounds"] == {"depth": 8, "messages": 2, "supply": 100, "loss_depth": 6}
    assert rows[("ronin-small", "supply_conservation")]["counterexample"].endswith(".itf.json")


def test_verify_jsonl_streams_one_valid_row_per_line(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "-j", "1", "--no-prove", "--no-loss", "--jsonl"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4  # two rows of the base, two of the variant
    row_schema = {"$defs": _schema("verify")["$defs"], "$ref": "#/$defs/row"}
    for line in lines:
        jsonschema.validate(json.loads(line), row_schema)


def test_check_json_validates(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--scenario", "scenarios/ronin-small.toml", "--property", "no_unbacked_mint", "--json"])
    assert code == 1  # check: exit 1 when the property does not hold
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, _schema("check"))
    assert doc["verdict"] == "violated" and doc["bounds"]["messages"] == 2


def test_a_wrong_expectation_is_exit_1_and_streams_a_mismatch(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = work / "scenarios" / "ronin-small.toml"
    path.write_text(SCENARIO.replace('no_unbacked_mint = "violated"', 'no_unbacked_mint = "bounded"'))
    assert main(["verify", "-j", "1", "--no-prove", "--no-loss", "-k", "ronin-small"]) == 1
    captured = capsys.readouterr()
    assert re.search(r"\[\d+/4\] MISMATCH +ronin-small no_unbacked_mint: violated \(expected bounded\)", captured.err)
    header = captured.out.splitlines()[0].split()
    assert header == ["scenario", "property", "expected", "verdict", "scope", "depth", "max_loss", "seconds", "status", "trace"]


def test_selection_by_name_and_property(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "-j", "1", "--no-prove", "--no-loss", "--jsonl", "-k", "four-keys", "--property", "supply_conservation"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [(r["scenario"], r["property"]) for r in rows] == [("ronin-small/four-keys", "supply_conservation")]


@pytest.mark.parametrize(
    ("args", "field"),
    [(["-k", "nothing-like-this"], "-k"), (["--property", "no_such"], "--property"), (["--property", "atomicity"], "--property")],
)
def test_a_selection_of_nothing_is_bad_input(work: Path, capsys: pytest.CaptureFixture[str], args: list[str], field: str) -> None:
    assert main(["verify", "-j", "1", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"bridgeproof: command line: {field}:")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert re.fullmatch(r"bridgeproof \S+ \(z3-solver \S+, Python \S+\)\n", capsys.readouterr().out)


def test_report_has_a_diagram_per_trace_and_fetches_nothing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "-j", "1", "--no-prove", "--no-loss", "--report", "out"]) == 0
    md = (work / "out" / "report.md").read_text()
    page = (work / "out" / "report.html").read_text()
    traces = [r for r in md.splitlines() if r.startswith("  - trace: ")]
    assert len(traces) == 2 and md.count("```mermaid") == 2
    assert "participant verifier as verifier" in md and "supply_conservation broken here" in md
    assert page.count("<svg") == 2 and "<script" not in page.lower()
    assert not re.search(r"""(src|href)=['"]https?:""", page), "the report must not fetch anything"
    assert "bridgeproof check --scenario scenarios/ronin-small.toml --variant four-keys --property supply_conservation" in md
    assert "Sky Mavis post-mortem" in md  # the scenario's sources


def test_show_names_the_broken_equation_with_its_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(RONIN_TRACE)]) == 0
    out = capsys.readouterr().out
    assert "claims.0.evidence.sigs = 5" in out  # every field, however deep
    assert "supply_conservation is false in the last state, because:" in out
    assert re.search(r"= 101\n\s+100 = 100", out)


def test_show_diff_lists_only_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--diff", str(HTLC_TRACE)]) == 0
    out = capsys.readouterr().out
    step3 = out.split("  3. wait(seconds=86399)\n", 1)[1].split("  4.", 1)[0]
    assert step3.strip() == "now: 0 -> 86399"


def test_show_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--mermaid", str(RONIN_TRACE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sequenceDiagram")
    assert "mallory->>verifier: 1. forge #0: pay alice 1" in out and "remote->>alice: 2. mint #0: 1" in out


def test_show_generic_reads_another_tools_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = {
        "#meta": {"format": "ITF", "description": "an Apalache counterexample"},
        "vars": ["x", "seen"],
        "states": [
            {"#meta": {"index": 0}, "x": {"#bigint": "0"}, "seen": {"#set": []}},
            {"#meta": {"index": 1}, "x": {"#bigint": "2"}, "seen": {"#set": [{"#bigint": "2"}]}},
        ],
    }
    path = tmp_path / "foreign.itf.json"
    path.write_text(json.dumps(foreign))
    assert main(["show", "--generic", str(path)]) == 0
    out = capsys.readouterr().out
    assert "x: 0 -> 2" in out and "seen: [] -> [2]" in out


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (Debian package chromium; `make report-check`)")
def test_report_renders_in_a_real_browser(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Headless Chromium draws the page: the screenshot has the width of A4 at 96 dpi and ink on it."""
    import subprocess
    import struct
    import zlib

    assert main(["verify", "-j", "1", "--no-prove", "--no-loss", "--report", "out"]) == 0
    shot = work / "out" / "shot.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=794,1400",
         f"--screenshot={shot}", (work / "out" / "report.html").as_uri()],
        capture_output=True, timeout=120, check=False,
    )
    data = shot.read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (794, 1400)
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    dark = sum(1 for b in raw[:: 7] if b < 128)
    assert dark > len(raw[:: 7]) // 200, "the page looks blank"


def _tamper(path: Path) -> None:
    raw = json.loads(path.read_text())
    raw["states"][-1]["supply_remote"] = {"#bigint": "999"}
    path.write_text(json.dumps(raw))


def test_verify_replays_the_curated_corpus_first(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A curated trace that no longer replays is its own row, and a mismatch (Foundry replays
    persisted failures before fuzzing; so does verify)."""
    args = ["verify", "-j", "1", "--no-prove", "--no-loss", "--jsonl", "-k", "ronin-small", "--property", "no_unbacked_mint"]
    assert main(args) == 0
    assert main(["curate"]) == 0
    capsys.readouterr()
    assert main(args) == 0
    curated = work / "counterexamples/lock_mint/multisig/no_unbacked_mint/ronin-small.itf.json"
    _tamper(curated)
    assert main(args) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    bad = [r for r in rows if r["property"] == "replay"]
    assert len(bad) == 1 and bad[0]["verdict"] == "does_not_replay" and not bad[0]["ok"]
    assert bad[0]["counterexample"].endswith("ronin-small.itf.json")


def test_replay_junit(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import xml.etree.ElementTree as ET

    assert main(["verify", "-j", "1", "--no-prove", "--no-loss", "-k", "ronin-small", "--property", "no_unbacked_mint"]) == 0
    assert main(["curate"]) == 0
    traces = sorted((work / "counterexamples").rglob("*.itf.json"))
    assert main(["replay", "--junit", "out/junit.xml", *map(str, traces)]) == 0
    suite = ET.parse(work / "out/junit.xml").getroot()
    assert suite.get("tests") == str(len(traces)) and suite.get("failures") == "0"
    _tamper(traces[0])
    assert main(["replay", "--junit", "out/junit2.xml", str(traces[0])]) == 1
    suite = ET.parse(work / "out/junit2.xml").getroot()
    assert suite.get("failures") == "1" and suite.find("testcase/failure") is not None
