"""A full-size sweep through the local process pool and through a local Dask cluster: the same bytes?

    .venv/bin/python bench/sweep.py [--max-n 32] [--depth 3] [--jobs 2]

Default grid: lock_mint under multisig, n = 4..32 keys, k = 1..n, f = n//3 keys compromised, 2
message ids, BMC to depth 3 (an attack takes 2 steps): 522 points. Each backend is the real command
(`bridgeproof sweep`, `--cluster local` starting a LocalCluster of `--jobs` single-threaded workers,
its start-up counted in its wall time) writing `--no-timing` JSON; the two files must be
byte-identical, and every verdict must follow the k-of-n rule (violated iff f >= k). Writes the JSON,
the CSV and the phase diagram to bench/out/ (ignored by git; bench/sweep.md is the record) and
prints the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def sweep(args: list[str], json_path: Path, extra: list[str]) -> tuple[float, str]:
    """Run one backend; its wall time (measured here) and its summary line."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bridgeproof.model", "sweep", *args, "--no-timing", "--json", str(json_path), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"sweep failed ({done.returncode}): {done.stderr.strip()}")
    summary = next((line for line in done.stderr.splitlines() if line.startswith("sweep: ")), "")
    return wall, summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-n", type=int, default=32)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ns = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    args = [
        "--protocol", "lock_mint", "--trust", "multisig",
        "--grid", f"n=4..{ns.max_n}", "--grid", "k=1..n", "--grid", "f=n//3",
        "--property", "supply_conservation", "--messages", "2", "--depth", str(ns.depth), "-j", str(ns.jobs),
    ]  # fmt: skip
    command = "bridgeproof sweep " + " ".join(args)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{command}\n{os.cpu_count()} cores, load average {load:.1f} at start\n")
    pool_json, dask_json = OUT / "sweep-pool.json", OUT / "sweep-dask.json"
    pool_wall, pool_line = sweep(
        args, pool_json, ["--csv", str(OUT / "sweep.csv"), "--png", str(OUT / "sweep-phase.png")]
    )
    dask_wall, dask_line = sweep(args, dask_json, ["--cluster", "local"])
    identical = pool_json.read_bytes() == dask_json.read_bytes()
    doc = json.loads(pool_json.read_text())
    wrong = [
        r["values"]
        for r in doc["rows"]
        if (r["verdict"] == "violated") != (r["values"]["f"] >= r["values"]["k"])
        or r["verdict"] not in ("violated", "bounded")
    ]
    points = doc["points"]

    def solver(line: str) -> str:
        m = re.search(r"([\d.]+) s solver", line)
        return m.group(1) if m else "?"

    rows = [
        ("local pool", pool_wall, solver(pool_line)),
        (f"Dask LocalCluster ({ns.jobs} workers, start-up included)", dask_wall, solver(dask_line)),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'backend'.ljust(width)}  points  wall s  points/s  solver s")
    for name, wall, solver_s in rows:
        print(f"{name.ljust(width)}  {points:6d}  {wall:6.1f}  {points / wall:8.2f}  {solver_s:>8}")
    print(f"\nverdicts: {', '.join(f'{v} {n}' for v, n in doc['counts'].items())}")
    print(
        f"JSON byte-identical between the backends: {'yes' if identical else 'NO'} ({pool_json.stat().st_size} bytes)"
    )
    print(f"points against the rule (violated iff f >= k): {len(wrong)} wrong")
    print(f"phase diagram: {OUT / 'sweep-phase.png'}")
    if not identical or wrong:
        sys.exit(1)


if __name__ == "__main__":
    main()
