"""Money-market checks: the time of each shipped check, and how far each family scales within 10 s.

    .venv/bin/python bench/lending.py [--limit 10] [--timeout 180]

Part 1 runs `bridgeproof verify` (one job, no cache) over the lending, margin and wrapped_collateral
scenarios and lists every row's own seconds. Part 2 grows one dimension at a time from a shipped
scenario (positions, message ids, BMC depth, or a seize latency that lengthens the shortest attack), each point a real `bridgeproof check --json` on a
variant written to a scratch scenario file, and reports the largest point within `--limit` seconds.
Writes bench/lending.md's tables to stdout; the figures depend on the machine's load, which the
header records.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ["lending-hub-local", "lending-cross-chain", "lending-repay-in-flight", "lending-stale-feed", "lending-manipulated-read",
             "margin-three-chains", "qubit-2022-market"]

# (family, chains, base scenario, base variant or "", property, prove, dimension, values). BMC on a
# safe configuration whose property is inductive stops at once (model/engine/bmc.py), so the BMC
# rows grow the depth only where it costs something (margin) or the shortest attack itself.
GRID: list[tuple[str, int, str, str, str, bool, str, list[int]]] = [
    ("lending", 2, "lending-hub-local", "", "no_bad_debt", True, "positions", [1, 2, 3, 4]),
    ("lending", 2, "lending-hub-local", "faster-crash", "no_bad_debt", False, "positions", [1, 2, 3, 4]),
    ("lending", 2, "lending-cross-chain", "margin-for-the-lag", "no_bad_debt", True, "positions", [1, 2, 3]),
    # Steps: a seize that travels longer lets the market fall more bands, so the shortest attack grows
    # (n = 1 + ceil(L / H) falls; LT 77 % is safe for n = 2 only). Depth bound 22.
    ("lending", 2, "lending-cross-chain", "margin-for-the-lag", "no_bad_debt", False, "latency", [900, 3601, 7201]),
    ("margin", 4, "margin-three-chains", "", "no_bad_debt", True, "positions", [1, 2]),
    ("margin", 4, "margin-three-chains", "", "no_bad_debt", False, "depth", [6, 8, 10, 12, 13]),
    ("wrapped_collateral", 2, "qubit-2022-market", "balance-checked", "no_bad_debt", True, "messages", [2, 3, 4, 6]),
    ("wrapped_collateral", 2, "qubit-2022-market", "proof-of-reserve", "no_bad_debt", False, "messages", [2, 3, 4, 6]),
]


def run(cmd: list[str], timeout: float) -> tuple[dict | None, float]:
    started = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - started
    wall = time.monotonic() - started
    try:
        return json.loads(done.stdout), wall
    except json.JSONDecodeError:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")


def part1(timeout: float) -> None:
    files = [str(ROOT / "scenarios" / f"{name}.toml") for name in SCENARIOS]
    cmd = [sys.executable, "-m", "bridgeproof.model", "verify", *files, "--json", "--no-cache", "-j", "1"]
    out, wall = run(cmd, timeout * 20)
    if out is None:
        sys.exit("verify timed out")
    print(f"## Every shipped money-market check (`bridgeproof verify ... -j 1 --no-cache`, {wall:.0f} s wall)\n")
    print("| scenario | property | verdict | scope | depth | max_loss | s |")
    print("|---|---|---|---|---|---|---|")
    for r in out["results"]:
        print(f"| {r['scenario']} | {r['property']} | {r['verdict']} | {r['scope']} | {r['depth']} | {r['max_loss'] if r['max_loss'] is not None else ''} | {r['seconds']:.1f} |")
    print()


def _inline(table: dict) -> str:
    def value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)

    return "{ " + ", ".join(f"{k} = {value(v)}" for k, v in table.items()) + " }"


def scratch(base: str, variant: str, dimension: str, value: int, prop: str) -> tuple[Path, str]:
    """The base file plus one variant: the base variant's own tables, with the dimension overridden."""
    text = (ROOT / "scenarios" / f"{base}.toml").read_text()
    own = tomllib.loads(text).get("variants", {}).get(variant, {}) if variant else {}
    tables = {k: dict(v) for k, v in own.items() if isinstance(v, dict) and k != "expect"}
    lists = {k: v for k, v in own.items() if isinstance(v, list)}
    table = "protocol" if dimension in ("positions", "latency") else "bounds"
    tables.setdefault(table, {})[dimension] = value
    if dimension == "latency":
        tables.setdefault("bounds", {})["depth"] = 22
    name = f"bench-{dimension}-{value}"
    lines = [f"{k} = {_inline(v)}" for k, v in tables.items()] + [f"{k} = {json.dumps(v)}" for k, v in lists.items()]
    # A variant states its expectations; `check` reports the verdict whatever it is.
    lines.append(f'expect = {{ {prop} = "bounded" }}')
    body = f'\n[variants.{name}]\ndescription = "bench"\n' + "\n".join(lines) + "\n"
    handle = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False, dir=ROOT / "bench")
    handle.write(text + body)
    handle.close()
    return Path(handle.name), name


def part2(limit: float, timeout: float) -> None:
    print(f"## Scaling one dimension at a time (`bridgeproof check --json`, timeout {timeout:.0f} s)\n")
    print("| family | chains | from | property | engine | dimension | value | verdict | scope | s | within limit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for family, chains, base, variant, prop, prove, dimension, values in GRID:
        for value in values:
            path, name = scratch(base, variant, dimension, value, prop)
            try:
                cmd = [sys.executable, "-m", "bridgeproof.model", "check", "--scenario", str(path), "--variant", name,
                       "--property", prop, "--json", "--corpus", str(ROOT / "bench" / "out" / "corpus")]
                if prove:
                    cmd.append("--prove")
                out, wall = run(cmd, timeout)
            finally:
                path.unlink()
            engine = "induction" if prove else "BMC"
            if out is None:
                print(f"| {family} | {chains} | {base} {variant} | {prop} | {engine} | {dimension} | {value} | timeout | | >{timeout:.0f} | no |")
                break
            seconds = out["seconds"]
            scope = (out.get("why") or "")[:60] if out["verdict"] == "proved" else ""
            ok = "yes" if seconds <= limit else "no"
            print(f"| {family} | {chains} | {base} {variant} | {prop} | {engine} | {dimension} | {value} | {out['verdict']} at {out['depth']} | {scope} | {seconds:.1f} | {ok} |", flush=True)
            if seconds > limit * 3:
                break
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--only", choices=("1", "2"))
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}; cores: {os.cpu_count()}\n", flush=True)
    if args.only != "2":
        part1(args.timeout)
    if args.only != "1":
        part2(args.limit, args.timeout)


if __name__ == "__main__":
    main()
