"""verify's result cache never changes a row: a row taken from it equals the one a check gives, field by
field, the witness rule, max_loss and the defended variants' counterfactuals still apply to it, and an
edited file, `--no-cache`, a corrupt cache file or a missing trace each mean checking again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bridgeproof.model.cache import DIR
from bridgeproof.model.cli import main

REPO = Path(__file__).resolve().parents[2]
RONIN = """\
# Owned by this test: the Ronin 2022 numbers (5 of 9 keys, 5 compromised; Sky Mavis post-mortem,
# 2022-03-29), and the variant with one key fewer.
description = "5 of 9 multisig, 5 keys compromised"
protocol = "lock_mint"
trust = { model = "multisig", k = 5, n = 9, f = 5 }
bounds = { depth = 6, messages = 2 }

[expect]
supply_conservation = "violated"
no_unbacked_mint = "violated"

[variants.four-keys]
description = "4 of 9 keys compromised"
trust = { f = 4 }
expect = { supply_conservation = "bounded", can_complete_transfer = "witnessed" }
"""
HALTED = """\
# 9 of 9 with one key stolen and withheld: no transfer ever completes, so the proof is vacuous.
protocol = "lock_mint"
trust = { model = "multisig", k = 9, n = 9, f = 1, withheld = 1 }
bounds = { depth = 8, messages = 2 }
[expect]
no_double_spend = "proved"
"""
CUSTODIAN = """\
# A custodian whose key is stolen: one row.
protocol = "lock_mint"
trust = { model = "custodian", compromised = 1 }
bounds = { depth = 4, messages = 2 }
[expect]
supply_conservation = "violated"
"""
FAST = ["-j", "1", "--no-prove", "--no-loss", "--json"]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "scenarios").mkdir()
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _write(work: Path, **files: str) -> None:
    for name, text in files.items():
        (work / "scenarios" / f"{name}.toml").write_text(text)


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["verify", *args])
    return code, json.loads(capsys.readouterr().out)


def _rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows without what may differ between a cached row and a checked one."""
    return [{k: v for k, v in r.items() if k not in ("seconds", "cached")} for r in doc["results"]]


def _kept(work: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((work / DIR).glob("*.json"))]


def test_cached_rows_equal_checked_ones_field_by_field(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With proofs and max_loss on: a violation with its max_loss, a proof on a defended variant with its
    `expect: fixed` regression trace, a witness, and a proof the witness rule makes vacuous."""
    _write(work, **{"ronin-small": RONIN, "halted": HALTED})
    first_code, first = _verify(capsys, "-j", "1", "--json")
    second_code, second = _verify(capsys, "-j", "1", "--json")
    schema = json.loads((REPO / "model" / "schemas" / "verify.schema.json").read_text())
    jsonschema.validate(first, schema)
    jsonschema.validate(second, schema)
    assert (first["cached"], [r["cached"] for r in first["results"]]) == (0, [False] * len(first["results"]))
    assert (second["cached"], [r["cached"] for r in second["results"]]) == (len(second["results"]), [True] * 5)
    assert second_code == first_code and second["ok"] == first["ok"]
    assert _rows(second) == _rows(first)
    rows = {(r["scenario"], r["property"]): r for r in second["results"]}
    assert rows[("ronin-small", "supply_conservation")]["max_loss"] is not None
    assert rows[("ronin-small/four-keys", "supply_conservation")]["regression"].endswith(".fixed.itf.json")
    assert rows[("halted", "no_double_spend")]["verdict"] == "vacuous"
    # What is kept is the job's own proof; the witness rule made the row vacuous in both runs.
    (kept,) = [d for d in _kept(work) if (d["key"]["scenario"], d["key"]["job"]) == ("halted", "no_double_spend")]
    assert kept["result"]["verdict"] == "proved"
    code = main(["verify", "-j", "1"])
    out = capsys.readouterr().out
    assert code == first_code and "5 rows from the cache" in out


def test_editing_one_file_checks_only_its_rows_again(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, **{"ronin-small": RONIN, "custodian-small": CUSTODIAN})
    _, first = _verify(capsys, *FAST)
    path = work / "scenarios" / "custodian-small.toml"
    path.write_text(path.read_text() + "# edited: any change of the file's bytes is a new key\n")
    _, second = _verify(capsys, *FAST)
    cached = {r["scenario"]: r["cached"] for r in second["results"]}
    assert cached == {"ronin-small": True, "ronin-small/four-keys": True, "custodian-small": False}
    assert second["cached"] == 4
    assert _rows(second) == _rows(first)


def test_no_cache_checks_every_row_and_leaves_the_cache_alone(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, **{"ronin-small": RONIN, "custodian-small": CUSTODIAN})
    _, first = _verify(capsys, *FAST)
    before = {p.name: p.read_bytes() for p in (work / DIR).iterdir()}
    assert len(before) == 5
    _, again = _verify(capsys, *FAST, "--no-cache")
    assert again["cached"] == 0 and not any(r["cached"] for r in again["results"])
    assert _rows(again) == _rows(first)
    assert {p.name: p.read_bytes() for p in (work / DIR).iterdir()} == before


def test_a_corrupt_cache_file_is_a_miss_and_is_replaced(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, **{"ronin-small": RONIN, "custodian-small": CUSTODIAN})
    first_code, first = _verify(capsys, *FAST)
    files = sorted((work / DIR).glob("*.json"))
    assert len(files) == 5
    corruptions = [
        lambda raw, doc: b"",
        lambda raw, doc: raw[: len(raw) // 2],
        lambda raw, doc: b"[1, 2, 3]\n",
        lambda raw, doc: json.dumps({**doc, "key": {**doc["key"], "seed": 8}}).encode(),
        lambda raw, doc: json.dumps({**doc, "result": {**doc["result"], "no_such_field": 1}}).encode(),
    ]
    for path, corrupt in zip(files, corruptions, strict=True):
        raw = path.read_bytes()
        path.write_bytes(corrupt(raw, json.loads(raw)))
    code, second = _verify(capsys, *FAST)
    assert code == first_code and second["cached"] == 0
    assert _rows(second) == _rows(first)
    _, third = _verify(capsys, *FAST)
    assert third["cached"] == 5 and _rows(third) == _rows(first)


def test_a_row_whose_trace_is_gone_is_checked_again(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, **{"ronin-small": RONIN})
    _, first = _verify(capsys, *FAST)
    rows = {(r["scenario"], r["property"]): r for r in first["results"]}
    trace = Path(rows[("ronin-small", "no_unbacked_mint")]["counterexample"])
    trace.unlink()
    _, second = _verify(capsys, *FAST)
    cached = {(r["scenario"], r["property"]): r["cached"] for r in second["results"]}
    assert cached[("ronin-small", "no_unbacked_mint")] is False
    assert sum(cached.values()) == len(cached) - 1
    assert trace.is_file() and _rows(second) == _rows(first)


def test_another_seed_is_another_key(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, **{"custodian-small": CUSTODIAN})
    _verify(capsys, *FAST)
    _, seeded = _verify(capsys, *FAST, "--seed", "7")
    _, proved = _verify(capsys, "-j", "1", "--no-loss", "--json")
    assert seeded["cached"] == 0 and proved["cached"] == 0
    _, again = _verify(capsys, *FAST, "--seed", "7")
    assert again["cached"] == 1
