"""Old and new BMC encodings side by side, in one run (issue: scale).

1. A safe 5-of-9 multisig bridge (4 keys compromised; Ronin's threshold, Sky Mavis post-mortem
   2022-03-29) at depth 12 with 2 to 6 message ids: BMC solver time under the plain encoding and
   under the strengthened one (model/engine/bmc.py, ENCODINGS). The plain encoding is skipped past
   `--plain-cap` ids (it grows about sixfold per id; 4 ids take minutes).
2. Every shipped scenario and variant, every safety and witness property: the BMC verdict and the
   depth of the shortest counterexample under both encodings, which must be equal.

Run: `.venv/bin/python bench/encodings.py` (`--quick` skips part 2). Figures: bench/encodings.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bridgeproof.model.check import budget_of, fresh_solver_context, system_of  # noqa: E402
from bridgeproof.model.configuration import Bounds  # noqa: E402
from bridgeproof.model.engine.bmc import bmc  # noqa: E402
from bridgeproof.model.protocols import PROTOCOLS  # noqa: E402
from bridgeproof.model.scenarios import discover  # noqa: E402
from bridgeproof.model.system import System  # noqa: E402
from bridgeproof.model.trust import TRUST_MODELS  # noqa: E402
from bridgeproof.properties import PROPERTIES  # noqa: E402


def safe_bridge(messages: int) -> System:
    fresh_solver_context()
    return System(
        PROTOCOLS.build("lock_mint", {}, "bench", "protocol"),
        TRUST_MODELS.build("multisig", {"k": 5, "n": 9, "f": 4}, "bench", "trust"),
        Bounds(depth=12, messages=messages),
    )


def growth(ids: range, plain_cap: int) -> list[tuple[int, str, str]]:
    rows = []
    for m in ids:
        cells = []
        for encoding in ("plain", "strengthened"):
            if encoding == "plain" and m > plain_cap:
                cells.append("skipped")
                continue
            s = safe_bridge(m)
            started = time.monotonic()
            found = bmc(s, PROPERTIES["supply_conservation"], 12, encoding=encoding)
            cells.append(f"{found.verdict} {time.monotonic() - started:.2f} s")
        rows.append((m, *cells))
        print(f"ids={m}: plain {cells[0]}, strengthened {cells[1]}", flush=True)
    return rows


def lengths() -> tuple[int, list[str]]:
    scenarios = discover([ROOT / "scenarios"])
    compared, differ = 0, []
    for sc in scenarios:
        for prop in sc.expect:
            if prop not in PROPERTIES or PROPERTIES[prop].kind == "liveness":
                continue
            got = {}
            for encoding in ("plain", "strengthened"):
                fresh_solver_context()
                f = bmc(system_of(sc), PROPERTIES[prop], sc.bounds.depth, seed=sc.seed, budget=budget_of(sc), encoding=encoding)
                got[encoding] = (f.verdict, f.depth if f.verdict in ("violated", "witnessed") else None)
            compared += 1
            line = f"{sc.name} {prop}: plain {got['plain']}, strengthened {got['strengthened']}"
            print(line, flush=True)
            if got["plain"] != got["strengthened"]:
                differ.append(line)
    return compared, differ


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--plain-cap", type=int, default=4)
    ns = ap.parse_args()
    growth(range(2, 7), ns.plain_cap)
    if not ns.quick:
        compared, differ = lengths()
        print(f"{compared} BMC rows compared, {len(differ)} differ")
        for line in differ:
            print("DIFFERS", line)


if __name__ == "__main__":
    main()
