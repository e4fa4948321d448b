"""`sweep` and `--cluster`: a grid of checks run in the local pool and on a Dask cluster gives the same
bytes; verdicts follow the k-of-n rule (an attack iff f >= k); the CSV and the phase diagram are
written; `verify --cluster` gives the rows and trace files of a local run; bad input is one line."""

from __future__ import annotations

import contextlib
import csv
import json
import struct
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from bridgeproof.model import sweep
from bridgeproof.model.cli import main
from bridgeproof.model.errors import BadInput

pytest.importorskip("distributed")
pytest.importorskip("matplotlib")

# Small on purpose: 3 keys, k=1..n, f on both sides of each threshold, 1 and 2 message ids, depth 3
# (an attack takes 2 steps): 12 points of a fraction of a second each.
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "model" / "schemas" / "sweep.schema.json").read_text())
GRID = ["--grid", "n=3", "--grid", "k=1..n", "--grid", "f=k-1..k"]
SWEEP = [
    "sweep",
    "--protocol",
    "lock_mint",
    "--trust",
    "multisig",
    *GRID,
    "--property",
    "supply_conservation",
    "--messages",
    "1,2",
    "--depth",
    "3",
]
SCENARIO = """\
# Owned by this test: the Ronin 2022 numbers (5 of 9 keys, 5 compromised; Sky Mavis post-mortem,
# 2022-03-29), and the variant with one key fewer.
protocol = "lock_mint"
trust = { model = "multisig", k = 5, n = 9, f = 5 }
bounds = { depth = 6, messages = 2 }

[expect]
supply_conservation = "violated"
no_unbacked_mint = "violated"

[variants.four-keys]
trust = { f = 4 }
expect = { supply_conservation = "bounded", can_complete_transfer = "witnessed" }
"""


@pytest.fixture(scope="module")
def dask_address() -> Iterator[str]:
    """A Dask cluster of two single-threaded worker processes, as `dask worker --nthreads 1` would make."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@contextlib.contextmanager
def _tasks(address: str) -> Iterator[list[str]]:
    """The keys of the bridgeproof jobs the cluster's scheduler ran meanwhile (its task stream)."""
    from distributed import Client, get_task_stream

    keys: list[str] = []
    with Client(address) as client, get_task_stream(client) as stream:
        yield keys
    keys += [str(t["key"]) for t in stream.data if str(t["key"]).startswith("bridgeproof-")]


def test_sweep_on_a_cluster_is_byte_identical_and_follows_the_threshold_rule(
    tmp_path: Path, dask_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    local, remote = tmp_path / "local.json", tmp_path / "cluster.json"
    table, picture = tmp_path / "out" / "sweep.csv", tmp_path / "out" / "phase.png"
    assert (
        main([*SWEEP, "-j", "2", "--no-timing", "--json", str(local), "--csv", str(table), "--png", str(picture)]) == 0
    )
    with _tasks(dask_address) as ran:
        assert main([*SWEEP, "--cluster", dask_address, "--no-timing", "--json", str(remote)]) == 0
    assert len(ran) == 12  # every point ran on the cluster's workers
    err = capsys.readouterr().err
    assert "on the Dask cluster at" in err and "2 worker(s)" in err
    assert local.read_bytes() == remote.read_bytes()

    doc = json.loads(local.read_text())
    jsonschema.validate(doc, SCHEMA)
    expected_points = 2 * 3 * 2  # messages x (k in 1..3) x (f in k-1, k)
    assert doc["points"] == len(doc["rows"]) == expected_points
    assert "timing" not in doc and all("seconds" not in r for r in doc["rows"])
    for r in doc["rows"]:
        v = r["values"]
        if v["f"] >= v["k"]:
            assert (r["verdict"], r["depth"]) == ("violated", 2), r
        else:
            assert (r["verdict"], r["depth"]) == ("bounded", 3), r
        assert r["resource_units"] > 0
    order = [(r["messages"], r["values"]["k"], r["values"]["f"]) for r in doc["rows"]]
    assert order == sorted(order)  # plan order: message count, then the grid, first variable slowest

    with table.open() as handle:
        lines = list(csv.DictReader(handle))
    assert len(lines) == expected_points
    assert [(int(x["n"]), int(x["k"]), int(x["f"]), x["verdict"]) for x in lines] == [
        (r["values"]["n"], r["values"]["k"], r["values"]["f"], r["verdict"]) for r in doc["rows"]
    ]
    assert "seconds" not in lines[0]

    data = picture.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 400 and height > 300


def test_timing_is_a_separate_field_that_no_timing_removes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "sweep",
        "--protocol",
        "lock_mint",
        "--trust",
        "multisig",
        "--grid",
        "k=1..2",
        "--param",
        "n=3",
        "--param",
        "f=1",
        "--property",
        "supply_conservation",
        "--messages",
        "1",
        "--depth",
        "3",
        "-j",
        "1",
    ]
    assert main([*args, "--csv", str(tmp_path / "t.csv")]) == 0
    timed = json.loads(capsys.readouterr().out)
    jsonschema.validate(timed, SCHEMA)
    assert main([*args, "--no-timing"]) == 0
    bare = capsys.readouterr().out
    assert timed["timing"]["backend"] == "this process" and timed["timing"]["wall_seconds"] >= 0
    assert all(r["seconds"] >= 0 for r in timed["rows"])
    assert "seconds" in (tmp_path / "t.csv").read_text().splitlines()[0].split(",")
    del timed["timing"]
    for r in timed["rows"]:
        del r["seconds"]
    assert json.dumps(timed, indent=1) + "\n" == bare
    assert [r["verdict"] for r in timed["rows"]] == ["violated", "bounded"]  # f=1: k=1 falls, k=2 holds


def test_verify_on_a_cluster_gives_the_rows_and_trace_files_of_a_local_run(
    tmp_path: Path, dask_address: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    docs, files = {}, {}
    for name, how in (("local", ["-j", "2"]), ("cluster", ["--cluster", dask_address])):
        work = tmp_path / name
        (work / "scenarios").mkdir(parents=True)
        (work / "scenarios" / "ronin-small.toml").write_text(SCENARIO)
        monkeypatch.chdir(work)
        with _tasks(dask_address) as ran:
            assert main(["verify", *how, "--no-prove", "--no-loss", "--json"]) == 0
        assert len(ran) == (4 if name == "cluster" else 0)  # one job per row
        docs[name] = json.loads(capsys.readouterr().out)
        files[name] = {str(p.relative_to(work)): p.read_bytes() for p in sorted(work.rglob("*.itf.json"))}
    rows = {
        name: [{k: v for k, v in r.items() if k != "seconds"} for r in doc["results"]] for name, doc in docs.items()
    }
    assert rows["local"] == rows["cluster"], "\n".join(
        str((a["scenario"], a["property"], k, a[k], b[k]))
        for a, b in zip(rows["local"], rows["cluster"], strict=True)
        for k in a
        if a[k] != b[k]
    )
    assert [r["verdict"] for r in rows["cluster"]] == ["violated", "violated", "bounded", "witnessed"]
    assert len(files["local"]) == 3  # two attacks, and the base's attack refused by the variant (expect: fixed)
    assert files["local"] == files["cluster"]


def test_plan_counts_points_over_trust_models_and_message_counts() -> None:
    grid = sweep.parse_grid(["n=3..5", "k=max(1,n//2)..n:2", "f=k-1"])
    plan = sweep.plan("lock_mint", ["multisig", "key_rotation"], "supply_conservation", grid, {}, (1, 2, 3), depth=2)
    ks = {n: list(range(max(1, n // 2), n + 1, 2)) for n in (3, 4, 5)}
    assert len(plan.points) == 2 * 3 * sum(len(v) for v in ks.values())
    first = plan.points[0]
    assert (first.trust, first.messages, dict(first.values)) == ("multisig", 1, {"n": 3, "k": 1, "f": 0})
    assert {(p.trust, p.messages) for p in plan.points} == {
        (t, m) for t in ("multisig", "key_rotation") for m in (1, 2, 3)
    }
    assert all(p.scenario.trust.f == p.scenario.trust.k - 1 for p in plan.points)


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ("k=1..m", "--grid.k"),
        ("k=1..n/2", "--grid.k"),
        ("k=1..n:0", "--grid.k"),
        ("k=open(n)", "--grid.k"),
        ("k1..n", "--grid"),
    ],
)
def test_grid_syntax_errors_name_the_variable(spec: str, field: str) -> None:
    with pytest.raises(BadInput) as e:
        sweep.assignments(sweep.parse_grid(["n=2..4", spec]))
    assert e.value.field == field


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--grid", "n=4..6", "--grid", "k=1..n+"], "--grid.k"),
        (["--grid", "n=4..6", "--grid", "k=1..n", "--grid", "q=1..2"], "--grid.q"),
        (["--grid", "n=4..6", "--grid", "k=1..7"], "--grid.k"),  # k > n at n=4: the model refuses it
        (["--grid", "n=4..6", "--param", "k=2", "--param", "window=3"], "--param.window"),
        (["--grid", "n=4..6", "--param", "k=2", "--messages", "2,x"], "--messages"),
        (
            ["--grid", "n=4..6", "--param", "k=2", "--cluster", "tcp://127.0.0.1:1", "--cluster-timeout", "0.5"],
            "--cluster",
        ),
        (["--grid", "n=4..6", "--param", "k=2", "--cluster", "no-port-here"], "--cluster"),
    ],
)
def test_bad_sweep_input_is_one_line_and_exit_2(
    args: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "sweep",
            "--protocol",
            "lock_mint",
            "--trust",
            "multisig",
            "--property",
            "supply_conservation",
            "--depth",
            "2",
            *args,
        ]
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"bridgeproof: command line: {field}: ")


def test_verify_with_an_unreachable_cluster_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "s.toml").write_text(SCENARIO)
    code = main(["verify", str(tmp_path / "s.toml"), "--cluster", "tcp://127.0.0.1:1", "--cluster-timeout", "0.5"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith("bridgeproof: command line: --cluster: cannot reach a Dask scheduler at 'tcp://127.0.0.1:1'")


def test_a_check_on_a_worker_is_untouched_by_threads_that_hold_its_frames() -> None:
    """NOTE(determinism): a thread that holds a running check's frames (as a Dask worker's profiler does)
    delays the freeing of its Z3 terms and so changes the solver's path; a forked child has no such thread."""
    import sys
    import threading
    import time

    from bridgeproof.model import cluster

    grid = sweep.parse_grid(["k=4"])  # f = k: a 2-step attack, found after a search of many terms
    points = sweep.plan(
        "lock_mint", ["multisig"], "supply_conservation", grid, {"n": "9", "f": "4"}, (2,), depth=3
    ).points
    jobs = [(p.scenario, "supply_conservation", False) for p in points]
    quiet = [sweep.run_point(job).spent for job in jobs]
    stop = threading.Event()

    def sample() -> None:
        held: list[object] = []
        while not stop.is_set():
            held = [sys._current_frames(), *held[:3]]
            time.sleep(0.004)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        busy = [cluster._forked(sweep.run_point, job, None).spent for job in jobs for _ in range(3)]
    finally:
        stop.set()
        sampler.join()
    assert busy == [q for q in quiet for _ in range(3)]  # run here, inline, they differ from run to run
