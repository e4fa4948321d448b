"""bridgeproof benchmarks: prints tables of figures on this machine. Run with `make bench`.

Sections: the shipped scenarios; proof time against validator-set size; BMC time against depth
and against the number of messages; the counting, incremental encoding against the straightforward
one (one Boolean per key, a fresh solver per depth). `--quick` shrinks the sweeps.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import z3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bridgeproof.model.check import fresh_solver_context  # noqa: E402
from bridgeproof.model.engine.bmc import bmc  # noqa: E402
from bridgeproof.model.engine.induction import prove  # noqa: E402
from bridgeproof.model.protocols import PROTOCOLS  # noqa: E402
from bridgeproof.model.system import System  # noqa: E402
from bridgeproof.model.trust import TRUST_MODELS  # noqa: E402
from bridgeproof.model.configuration import Bounds  # noqa: E402
from naive import PerKeyMultisig, fresh_bmc  # noqa: E402
from bridgeproof.properties import PROPERTIES  # noqa: E402

CONSERVATION = PROPERTIES["supply_conservation"]


def table(head: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    cells = [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(x[i]) for x in [head, *cells]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths))  # noqa: E731
    return "\n".join([line(head), line(tuple("-" * w for w in widths)), *map(line, cells)])


def system(trust: str, messages: int = 2, depth: int = 12, **params: int) -> System:
    fresh_solver_context()
    return System(
        PROTOCOLS.build("lock_mint", {}, "bench", "protocol"),
        TRUST_MODELS.build(trust, params, "bench", "trust"),
        Bounds(depth=depth, messages=messages),
    )


def scenarios(jobs: int) -> None:
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "bridgeproof.model", "verify", "--json", "-j", str(jobs), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    data = json.loads(out.stdout)
    rows = [
        (r["scenario"], r["property"], r["verdict"], r["depth"], r["max_loss"] if r["max_loss"] is not None else "", f"{r['seconds']:.2f}")
        for r in data["results"]
    ]
    print(f"## Shipped scenarios (`bridgeproof verify -j {jobs}`: {wall:.1f} s wall, exit {out.returncode})\n")
    print(table(("scenario", "property", "verdict", "depth", "max_loss", "seconds"), rows))
    violated = [r for r in data["results"] if r["verdict"] == "violated"]
    proofs = [r for r in data["results"] if r["verdict"] == "proved"]
    if violated:
        print(f"\nslowest shortest counterexample: {max(r['seconds'] for r in violated):.2f} s (target <= 2 s)")
    if proofs:
        print(f"slowest proof (with its sanity BMC): {max(r['seconds'] for r in proofs):.2f} s (target <= 10 s)")


def proof_scaling() -> None:
    rows = []
    base = None
    for k, n, f in ((5, 9, 4), (13, 19, 6), (51, 75, 24), (67, 100, 33), (201, 300, 100)):
        s = system("multisig", k=k, n=n, f=f)
        t = time.monotonic()
        p = prove(s, CONSERVATION)
        seconds = time.monotonic() - t
        base = base or seconds
        rows.append((f"{k} of {n}, f={f}", p.verdict, ", ".join(p.needed), f"{seconds:.2f}", f"{seconds / base:.2f}x"))
    print("\n## Proof time against validator-set size (lock_mint, supply_conservation, 2 message ids)\n")
    print(table(("multisig", "verdict", "needed", "seconds", "vs 5 of 9"), rows))


def depth_growth(quick: bool) -> None:
    rows = []
    depths = (10, 20) if quick else (10, 20, 30, 40)
    for depth in depths:
        s = system("multisig", messages=4, depth=depth, k=5, n=9, f=4)
        f = bmc(s, CONSERVATION, depth, timeout=1800)
        rows.append((depth, f.verdict, f"{f.seconds:.2f}"))
    print("\n## BMC time against depth (lock_mint, multisig 5 of 9 f=4, 4 message ids, no violation exists)\n")
    print(table(("depth", "verdict", "seconds"), rows))


def message_growth() -> None:
    rows = []
    for messages in (1, 2, 3, 4):
        s = system("multisig", messages=messages, depth=12, k=5, n=9, f=4)
        f = bmc(s, CONSERVATION, 12, timeout=1800)
        rows.append((messages, f.verdict, f"{f.seconds:.2f}"))
    print("\n## BMC time against the number of message ids (depth 12, multisig 5 of 9 f=4)\n")
    print(table(("messages", "verdict", "seconds"), rows))


def naive_ratio(quick: bool) -> None:
    rows = []
    sizes = ((5, 9, 4), (13, 19, 6)) if quick else ((5, 9, 4), (13, 19, 6), (67, 100, 33))
    for k, n, f in sizes:
        for f_used, label in ((f, "safe"), (k, "attack")):
            depth = 8
            ours = system("multisig", depth=depth, k=k, n=n, f=f_used)
            t = time.monotonic()
            mine = bmc(ours, CONSERVATION, depth, timeout=1800)
            ours_s = time.monotonic() - t
            fresh_solver_context()
            naive = System(ours.protocol, PerKeyMultisig(k=k, n=n, f=f_used), ours.bounds)
            verdict, d, naive_s = fresh_bmc(naive, CONSERVATION, depth)
            assert verdict == mine.verdict and d == mine.depth, (verdict, d, mine)
            rows.append((f"{k} of {n}, f={f_used}", label, mine.verdict, f"{ours_s:.2f}", f"{naive_s:.2f}", f"{naive_s / max(ours_s, 1e-3):.1f}x"))
    print("\n## Counting + incremental encoding against one Boolean per key + a fresh solver per depth (depth 8)\n")
    print(table(("multisig", "case", "verdict", "ours s", "naive s", "naive / ours"), rows))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-scenarios", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ns = ap.parse_args()
    print(f"# bridgeproof bench (z3 {z3.get_version_string()}, {os.cpu_count()} cores)\n")
    if not ns.skip_scenarios:
        scenarios(ns.jobs)
    proof_scaling()
    message_growth()
    naive_ratio(ns.quick)
    depth_growth(ns.quick)


if __name__ == "__main__":
    main()
