"""The counterexample corpus: curated files under counterexamples/, new finds in an ignored inbox.

Layout: counterexamples/<protocol>/<trust>/<property>/<slug>.itf.json (curated, kept as
regression tests forever) and counterexamples/_inbox/... (written by the tool). A file is never
overwritten: a trace equal to a stored one reuses it; a different one gets a new numbered name.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from bridgeproof.model import itf
from bridgeproof.model.errors import ToolError

ROOT = Path("counterexamples")
INBOX = "_inbox"
SLUG_MAX = 100
"""Characters of a file name taken from a scenario name (with the suffixes, well under 255 bytes)."""


def slug(name: str) -> str:
    """A scenario name as a safe file name: `/` becomes `--`, anything but letters, digits and `._+-`
    becomes `_`, no leading dot, and a name too long keeps a prefix and a hash of the whole.

    Names come from scenario files, from command-line parameters and from the `#meta` of inbox files,
    so none is trusted to be a file name; a shipped name (letters, digits, `-`) is its own slug.
    """
    text = re.sub(r"[^A-Za-z0-9._+-]", "_", name.replace("/", "--")) or "_"
    if text.startswith("."):
        text = "_" + text[1:]
    if len(text) > SLUG_MAX:
        text = f"{text[: SLUG_MAX - 13]}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"
    return text


def relative(protocol: str, trust: str, prop: str, slug: str, expect: str) -> Path:
    suffix = {"fixed": ".fixed.itf.json", "max_loss": ".max_loss.itf.json"}.get(expect, ".itf.json")
    return Path(protocol) / trust / prop / f"{slug}{suffix}"


def _same(path: Path, document: dict[str, Any]) -> bool:
    try:
        old = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return False
    keys = ("steps", "params", "bounds", "expect")
    return all(old.get("#meta", {}).get(k) == document["#meta"].get(k) for k in keys) and old.get(
        "states"
    ) == document.get("states")


def numbered(rel: Path, n: int) -> Path:
    """`slug.itf.json`, then `slug-2.itf.json`, ... (keeping `.fixed.itf.json`)."""
    if n == 1:
        return rel
    stem = rel.name.removesuffix(".itf.json").removesuffix(".fixed")
    suffix = ".fixed.itf.json" if rel.name.endswith(".fixed.itf.json") else ".itf.json"
    return rel.with_name(f"{stem}-{n}{suffix}")


def save(document: dict[str, Any], rel: Path, root: Path = ROOT) -> tuple[Path, bool]:
    """Store a trace; returns (path, known) where known means an identical curated file exists."""
    n = 1
    while (root / numbered(rel, n)).exists():
        if _same(root / numbered(rel, n), document):
            return root / numbered(rel, n), True
        n += 1
    n = 1
    while True:
        target = root / INBOX / numbered(rel, n)
        if target.exists():
            if _same(target, document):
                return target, False
        else:
            try:
                itf.write_new(target, document)
                return target, False
            except ToolError:
                # Another process wrote this name between the check and the link: look at it again.
                if _same(target, document):
                    return target, False
        n += 1


def curated(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in root.rglob("*.itf.json") if INBOX not in p.parts)


def curate(root: Path = ROOT) -> list[Path]:
    """Move inbox traces into the curated corpus, under their scenario's name, never replacing a file.

    A synth probe (scenario `synth-...`) is a search step, not a finding: it stays in the inbox.
    """
    inbox = root / INBOX
    moved: list[Path] = []
    for p in sorted(inbox.rglob("*.itf.json")) if inbox.exists() else []:
        rel = p.relative_to(inbox)
        scenario = str(itf.load(p)["meta"].get("scenario", "trace"))
        if scenario.startswith("synth-"):
            continue
        expect = "fixed" if rel.name.endswith(".fixed.itf.json") else "violation"
        base = rel.parent / relative("", "", "", slug(scenario), expect).name
        n = 1
        while (root / numbered(base, n)).exists():
            n += 1
        target = root / numbered(base, n)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(p, target)
        p.unlink()
        moved.append(target)
    return moved


def migrated_name(path: Path, vocabulary: int) -> Path:
    """`x.itf.json` -> `x.v3.itf.json`, `x.fixed.itf.json` -> `x.v3.fixed.itf.json`."""
    fixed = path.name.endswith(".fixed.itf.json")
    stem = path.name.removesuffix(".itf.json").removesuffix(".fixed")
    return path.with_name(f"{stem}.v{vocabulary}{'.fixed' if fixed else ''}.itf.json")


def migrate(root: Path = ROOT) -> list[Path]:
    """Write every curated file of an older vocabulary again in its family's current one, as a new
    file beside it (`migrated_name`); the old file stays, and still replays, as it always did.

    The states are read through the family's own upgrade (`Family.upgrade_state`) and written by the
    same encoder as new finds (`itf.encode_state`), so a migrated file is exactly what a run would
    write today: declared maps as `#map`, records as records, every var present.
    """
    written: list[Path] = []
    for path in curated(root):
        raw = json.loads(path.read_text())
        document = itf.load(path)
        cfg = document["config"]
        current = cfg.protocol.vocabulary
        if raw["#meta"].get("vocabulary", 1) >= current:
            continue
        target = migrated_name(path, current)
        if target.exists():
            continue
        states = [
            {"#meta": old.get("#meta", {"index": i}), **itf.encode_state(cfg, new)}
            for i, (old, new) in enumerate(zip(raw["states"], document["states"], strict=True))
        ]
        out = {
            "#meta": {**raw["#meta"], "vocabulary": current, "migrated_from": path.name},
            "vars": [v.name for v in cfg.vars],
            "states": states,
        }
        if raw.get("loop") is not None:
            out["loop"] = raw["loop"]
        itf.write_new(target, out)
        written.append(target)
    return written
