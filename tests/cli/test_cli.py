"""The command line: JSON output, exit codes 0/1/2, one-line errors, and the console script.

Commands that find counterexamples write them under the relative path counterexamples/_inbox, so
every test here runs in a temporary working directory holding what it needs, and checks that its
output landed there; a guard also checks that the repository's curated counterexamples never change.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridgeproof.model import corpus, itf
from bridgeproof.model.cli import main
from bridgeproof.model.replay import replay
from bridgeproof.model.scenarios import load as load_scenarios

REPO = Path(__file__).resolve().parents[2]
REPO_CORPUS = REPO / corpus.ROOT
CURATED = corpus.curated(REPO_CORPUS)

RONIN = ["--protocol", "lock_mint", "--trust", "multisig", "--param", "k=5", "--param", "n=9"]
CHECK_FIELDS = {"protocol", "trust", "params", "property", "verdict", "depth", "counterexample", "seconds"}
VERIFY_FIELDS = {"scenario", "property", "expected", "verdict", "depth", "counterexample", "seconds", "ok"}


def _snapshot() -> dict[str, float]:
    """The curated files and their mtimes (the ignored inbox is left out: `make verify` run by a person
    at the same time may write there, and every test below checks its own output lands in tmp)."""
    return {str(p.relative_to(REPO_CORPUS)): p.stat().st_mtime for p in corpus.curated(REPO_CORPUS)}


@pytest.fixture(autouse=True)
def _repository_corpus_untouched() -> Iterator[None]:
    before = _snapshot()
    yield
    assert _snapshot() == before, "a CLI test changed the repository's curated counterexamples/"


SCENARIO = """\
# Owned by these tests (the shipped scenarios change as the model grows): the Ronin 2022 numbers,
# 5 of 9 keys with 5 compromised, and the variant with one key fewer.
description = "5 of 9 multisig, 5 keys compromised"
protocol = "lock_mint"
trust = { model = "multisig", k = 5, n = 9, f = 5 }
bounds = { depth = 12, messages = 2 }

[expect]
supply_conservation = "violated"
no_unbacked_mint = "violated"
no_double_spend = "bounded"

[variants.four-keys]
description = "4 of 9 keys compromised"
trust = { f = 4 }
expect = { supply_conservation = "bounded", no_unbacked_mint = "bounded", can_complete_transfer = "witnessed" }
"""
NAME = "multisig-5of9"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with one small scenario file and no counterexamples yet."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / f"{NAME}.toml").write_text(SCENARIO)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _one_line_error(err: str, *parts: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"want a single line on stderr, got:\n{err}"
    assert "Traceback" not in err
    assert lines[0].startswith("bridgeproof: ")
    for part in parts:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"
    return lines[0]


# --- check --------------------------------------------------------------------------------------


def test_check_violated_json(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", *RONIN, "--param", "f=5", "--property", "supply_conservation", "--depth", "12", "--json"])
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.strip().splitlines()) == 1, f"want exactly one JSON object, got:\n{out}"
    data = json.loads(out)
    assert CHECK_FIELDS <= set(data), f"missing {CHECK_FIELDS - set(data)}"
    assert data["protocol"] == "lock_mint" and data["trust"] == "multisig"
    assert {k: data["params"][k] for k in ("k", "n", "f")} == {"k": 5, "n": 9, "f": 5}
    assert data["property"] == "supply_conservation"
    assert data["verdict"] == "violated"
    assert data["depth"] == 2
    assert isinstance(data["seconds"], (int, float)) and data["seconds"] >= 0
    assert rc == 1, "check exits 0 only when the property holds"

    cx = data["counterexample"]
    assert isinstance(cx, str)
    assert Path(cx).parts[:2] == ("counterexamples", corpus.INBOX)
    assert (work / cx).is_file(), "the counterexample must be written under the working directory"
    document = itf.load(work / cx)
    assert len(document["meta"]["steps"]) == 2
    assert replay(document).ok, replay(document).summary()


def test_check_bounded_json(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # --messages 2 as in SCENARIO keeps this fast; the default bound is the slow test below
    argv = ["check", *RONIN, "--param", "f=4", "--property", "supply_conservation", "--depth", "12"]
    rc = main([*argv, "--messages", "2", "--json"])
    out, err = capsys.readouterr()
    assert err == ""
    data = json.loads(out)
    assert CHECK_FIELDS <= set(data), f"missing {CHECK_FIELDS - set(data)}"
    assert (data["verdict"], data["depth"], data["counterexample"]) == ("bounded", 12, None)
    assert {k: data["params"][k] for k in ("k", "n", "f")} == {"k": 5, "n": 9, "f": 4}
    assert rc == 0
    assert not (work / corpus.ROOT).exists(), "nothing to write when no violation is found"


@pytest.mark.slow
def test_check_bounded_json_default_bounds(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", *RONIN, "--param", "f=4", "--property", "supply_conservation", "--depth", "12", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["verdict"], data["depth"], data["counterexample"]) == ("bounded", 12, None)


def test_check_prove_json(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", *RONIN, "--param", "f=4", "--property", "supply_conservation", "--messages", "2"]
    assert main([*argv, "--prove", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert CHECK_FIELDS <= set(data)
    assert (data["verdict"], data["counterexample"]) == ("proved", None)
    assert data["needed"] == ["f_lt_k"], "the proof needs exactly the assumption that f < k"
    assert data["invariant"] and all({"name", "claim"} <= set(c) for c in data["invariant"])


def test_check_human_output_prints_the_program(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", *RONIN, "--param", "f=5", "--property", "no_unbacked_mint", "--messages", "2"])
    out, _ = capsys.readouterr()
    assert rc == 1
    assert out.startswith("no_unbacked_mint: violated by a trace of 2 steps")
    assert re.search(r"^\s*1\. forge\(", out, re.M) and re.search(r"^\s*2\. mint\(", out, re.M)


# --- verify -------------------------------------------------------------------------------------


def _verify(
    capsys: pytest.CaptureFixture[str], *paths: str, json_out: bool = True, fast: bool = False
) -> tuple[int, str, str]:
    """`verify -j 1`; `fast` skips the max_loss measurement (several seconds) where a test does not need it."""
    rc = main(["verify", *paths, "-j", "1", *(["--json"] if json_out else []), *(["--no-loss"] if fast else [])])
    out, err = capsys.readouterr()
    return rc, out, err


def test_verify_ok_json(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _verify(capsys, "scenarios", fast=True)
    assert (rc, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {"schema", "ok", "replayed", "cached", "results"}
    assert data["ok"] is True
    rows = data["results"]
    assert len(rows) == sum(len(sc.expect) for sc in load_scenarios(work / "scenarios" / f"{NAME}.toml"))
    for row in rows:
        assert VERIFY_FIELDS <= set(row), f"missing {VERIFY_FIELDS - set(row)}"
        assert row["ok"] is True
        assert row["verdict"] == row["expected"] or (row["expected"], row["verdict"]) == ("bounded", "proved")
        assert isinstance(row["seconds"], (int, float))
        if row["verdict"] == "violated":
            assert isinstance(row["counterexample"], str) and (work / row["counterexample"]).is_file()
        else:
            assert row["counterexample"] is None
    by = {(r["scenario"], r["property"]): r for r in rows}
    assert by[(NAME, "supply_conservation")]["depth"] == 2
    assert by[(f"{NAME}/four-keys", "supply_conservation")]["verdict"] in ("bounded", "proved")
    assert by[(f"{NAME}/four-keys", "can_complete_transfer")]["verdict"] == "witnessed"
    # the defended variant stores the base's attack, refused, as a regression file
    fixed = by[(f"{NAME}/four-keys", "supply_conservation")].get("regression")
    assert fixed and (work / fixed).is_file() and fixed.endswith(".fixed.itf.json")
    assert replay(itf.load(work / fixed)).ok


@pytest.mark.slow
def test_verify_default_measures_max_loss(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --no-loss, every violated row carries the scenario's measured worst-case loss."""
    rc, out, _ = _verify(capsys, "scenarios")
    assert rc == 0
    rows = json.loads(out)["results"]
    violated = [r for r in rows if r["verdict"] == "violated"]
    assert violated and all(r.get("max_loss") is not None for r in violated), violated


def _wrong_expectation(work: Path) -> Path:
    """The scenario without its variant, and with one expectation edited to the wrong verdict."""
    path = work / "scenarios" / f"{NAME}.toml"
    text = path.read_text().split("[variants.")[0].replace('no_double_spend = "bounded"\n', "")
    edited = text.replace('no_unbacked_mint = "violated"', 'no_unbacked_mint = "bounded"', 1)
    assert edited != text
    path.write_text(edited)
    return path


def test_verify_mismatch_exits_1_json(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _wrong_expectation(work)
    rc, out, err = _verify(capsys, "scenarios", fast=True)
    assert (rc, err) == (1, "")
    data = json.loads(out)
    assert data["ok"] is False
    bad = [r for r in data["results"] if not r["ok"]]
    assert [(r["scenario"], r["property"], r["expected"], r["verdict"]) for r in bad] == [
        (NAME, "no_unbacked_mint", "bounded", "violated")
    ]


def test_verify_mismatch_exits_1_table(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _wrong_expectation(work)
    rc, out, _ = _verify(capsys, f"scenarios/{NAME}.toml", json_out=False, fast=True)
    assert rc == 1
    assert f"MISMATCH {NAME} no_unbacked_mint: expected bounded, got violated" in out
    checks = len(load_scenarios(work / "scenarios" / f"{NAME}.toml")[0].expect)
    assert f"{checks} checks, 1 not as expected" in out


NONDETERMINISM = (
    "the same check (scenario, property, seed) finds different traces in one process, depending on what the "
    "process solved before: model/engine/bmc.py and the system build every term in z3's shared global context "
    "(resetting z3.z3._main_ctx before each bmc() makes the traces stable). DESIGN.md: 'the same input gives the "
    "same trace'; corpus.save then stores a fresh file for a trace it already has, and verify -j N and -j 1 differ"
)


def test_check_is_deterministic_in_one_process(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same check, run again in the same process, finds the same trace (so corpus.save reuses its file)."""
    differing = []
    trusts = [
        ["--trust", "multisig", "--param", "k=5", "--param", "n=9", "--param", "f=5"],
        ["--trust", "custodian", "--param", "compromised=1"],
    ]
    for trust in trusts:
        for prop in ("supply_conservation", "no_unbacked_mint"):
            argv = ["check", "--protocol", "lock_mint", *trust, "--property", prop, "--messages", "2", "--json"]
            paths = set()
            for _ in range(4):
                assert main(argv) == 1
                paths.add(json.loads(capsys.readouterr().out)["counterexample"])
            if len(paths) > 1:
                differing.append(f"{trust[1]} {prop}: {len(paths)} different traces")
    assert not differing, differing


# --- bad input: exit 2, one line naming the file and the field, no traceback ----------------------


def test_malformed_scenario_toml_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "scenarios" / "broken.toml").write_text('protocol = "lock_mint"\ntrust = {\n')
    rc, out, err = _verify(capsys, "scenarios")
    assert rc == 2 and out == ""
    _one_line_error(err, "scenarios/broken.toml", ": file: ", "TOML")


def test_scenario_bad_field_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = work / "scenarios" / f"{NAME}.toml"
    path.write_text(path.read_text().replace("k = 5, n = 9", "k = 10, n = 9", 1))
    rc, _, err = _verify(capsys, "scenarios")
    assert rc == 2
    _one_line_error(err, f"scenarios/{NAME}.toml", ": trust.k: ")


def test_non_utf8_scenario_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "scenarios" / "binary.toml").write_bytes(b"\xff\xfeprotocol = 1\n")
    try:
        rc, _, err = _verify(capsys, "scenarios/binary.toml")
    except UnicodeDecodeError:
        pytest.fail("UnicodeDecodeError escaped main()")
    assert rc == 2
    _one_line_error(err, "scenarios/binary.toml", ": file: ")


def test_unknown_trust_model_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", "--protocol", "lock_mint", "--trust", "nosuch", "--property", "supply_conservation"])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    _one_line_error(err, "command line", "nosuch", "multisig")


def test_unknown_trust_model_names_the_trust_option(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--protocol", "lock_mint", "--trust", "nosuch", "--property", "supply_conservation"])
    _one_line_error(capsys.readouterr().err, "command line: --trust: ")


def test_out_of_range_param_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", *RONIN[:4], "--param", "k=0", "--param", "n=9", "--property", "supply_conservation"])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    _one_line_error(err, "command line: --param.k: ", "0")


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--param", "k=5", "--param", "n=9", "--param", "k"], "--param"),
        (["--param", "k=five", "--param", "n=9"], "--param.k"),
        (["--param", "k=5", "--param", "n=9", "--param", "colour=red"], "--param.colour"),
        (["--param", "n=9"], "--param.k"),
        (["--param", "k=5", "--param", "n=9", "--depth", "-1"], "--depth"),
    ],
    ids=["no-equals", "not-an-int", "unknown-param", "missing-k", "negative-depth"],
)
def test_other_bad_check_input_exits_2(
    work: Path, capsys: pytest.CaptureFixture[str], argv: list[str], field: str
) -> None:
    rc = main(["check", "--protocol", "lock_mint", "--trust", "multisig", "--property", "supply_conservation", *argv])
    assert rc == 2
    _one_line_error(capsys.readouterr().err, f"command line: {field}: ")


def test_unknown_protocol_and_property_exit_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["check", "--trust", "multisig", "--param", "k=1", "--param", "n=1"]
    assert main([*base, "--protocol", "nosuch", "--property", "supply_conservation"]) == 2
    _one_line_error(capsys.readouterr().err, "command line: --protocol: ", "nosuch")
    assert main([*base, "--protocol", "lock_mint", "--property", "nosuch"]) == 2
    _one_line_error(capsys.readouterr().err, "command line: --property: ", "nosuch")


def test_usage_error_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "--trust", "multisig"])
    assert info.value.code == 2
    _one_line_error(capsys.readouterr().err, "command line: ")


def test_malformed_itf_to_show_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "broken.itf.json").write_text('{"vars": [')
    rc = main(["show", "broken.itf.json"])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    _one_line_error(err, "broken.itf.json: file: ", "not JSON")


def test_itf_with_plain_integer_to_show_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = json.loads(CURATED[0].read_text())
    raw["states"][0]["escrow"] = 0
    (work / "plain.itf.json").write_text(json.dumps(raw))
    assert main(["show", "plain.itf.json"]) == 2
    _one_line_error(capsys.readouterr().err, "plain.itf.json: states[0].escrow: ", "#bigint")


def test_show_missing_file_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "nope.itf.json"]) == 2
    _one_line_error(capsys.readouterr().err, "nope.itf.json: file: ")


# --- show, replay, list -------------------------------------------------------------------------


def test_curated_corpus_is_not_empty() -> None:
    assert CURATED, "no curated counterexamples to show"


@pytest.mark.parametrize("path", CURATED, ids=lambda p: str(p.relative_to(REPO_CORPUS)))
def test_show_prints_one_line_per_step(work: Path, capsys: pytest.CaptureFixture[str], path: Path) -> None:
    assert main(["show", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    steps = json.loads(path.read_text())["#meta"]["steps"]
    numbered = [line for line in out.splitlines() if re.match(r"^\s*\d+\. ", line)]
    assert len(numbered) == len(steps), out
    for i, (line, step) in enumerate(zip(numbered, steps, strict=True)):
        assert line.lstrip().startswith(f"{i + 1}. {step['action']}("), line
        for name, value in step["args"].items():
            assert f"{name}={value}" in line
    assert sum(1 for line in out.splitlines() if line.lstrip().startswith("init")) == 1


def test_replay_command_on_curated_files(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", *map(str, CURATED)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(CURATED) and all(line.startswith("ok ") for line in out)


def test_replay_with_no_corpus_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay"]) == 2
    _one_line_error(capsys.readouterr().err, "counterexamples: files: ")


def test_list(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"lock_mint", "burn_mint"} <= set(data["protocols"])
    assert {"custodian", "multisig", "optimistic"} <= set(data["trust_models"])
    assert data["properties"]["supply_conservation"]["kind"] == "safety"
    assert data["properties"]["can_complete_transfer"]["kind"] == "witness"
    card = data["trust_models"]["multisig"]
    assert "f < k" in card["assumption"] and card["adversary"] and card["sources"]
    assert set(card["faults"]) == {"signature_bypass", "unchecked_membership", "zero_threshold_upgrade"}
    assert {"k", "n", "f"} <= set(card["parameters"])


def test_list_for_people(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --json, each trust model is printed with its assumption, adversary, faults and sources."""
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "trust models:" in out and "  multisig:" in out
    assert "assumption: fewer than k keys are compromised" in out
    assert "fault zero_threshold_upgrade: Ronin 2024" in out


# --- the console script -------------------------------------------------------------------------


def _console() -> list[str]:
    script = Path(sys.executable).parent / "bridgeproof"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bridgeproof.model"]


def test_console_script(tmp_path: Path) -> None:
    argv = [*_console(), "check", *RONIN, "--param", "f=5", "--property", "supply_conservation", "--json"]
    proc = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # violated: the exit code survives the console script
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    assert (data["verdict"], data["depth"]) == ("violated", 2)
    assert (tmp_path / data["counterexample"]).is_file()


def test_a_crash_of_ours_is_one_line_with_the_traceback_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bridgeproof.model.applicability as applicability

    def broken() -> None:
        raise RuntimeError("the listing fell over")

    monkeypatch.setattr(applicability, "listing", broken)
    assert main(["list", "--json"]) == 2
    line = _one_line_error(capsys.readouterr().err, "internal error: RuntimeError: the listing fell over")
    kept = Path(line.rsplit(" is in ", 1)[1])
    try:
        assert "Traceback" in kept.read_text() and "the listing fell over" in kept.read_text()
    finally:
        kept.unlink()
