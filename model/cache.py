"""The result cache of `verify`: each job's Result, kept under a key of everything that decides it.

A job (one scenario x one property, the witness that guards its proofs, or its max_loss) is checked
again only when its key changes. The key holds the scenario file's bytes and the scenario's name
(a variant is `base/variant`), the job, what the row expects, the switch that changes the check
(`prove`), the seed, the budget and the timeout, the corpus its traces go to, the curated traces a
search would find already stored, the z3 version, and the version of the code: a hash of every
`.py` file of bridgeproof.model and bridgeproof.properties (contents, never mtimes), the semantics
version and the plug-ins installed through entry points.

`--no-loss` is not part of a key: it decides which jobs run, never what one of them finds.

What is kept is the job's own Result, before `verification.run` applies the witness rule, joins
max_loss to violated rows and re-runs attacks on defended variants: those rules run on cached and
fresh results alike, so the cache cannot change the verdict they give. An `unknown` is never kept:
it may come from the wall-clock safety net, which depends on how busy the machine was. A kept row
whose trace or certificate file is gone, or a file that does not read back as the key it is stored
under, is a miss, never an error: the job is checked again.

One JSON file per key, written atomically (a temporary file, then `os.replace`), in
`.bridgeproof-cache/` beside the corpus, as certificates/ is (`check.CERTIFICATES`).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs

from bridgeproof.model import corpus
from bridgeproof.model.check import MAX_LOSS, Result, trust_id

DIR = ".bridgeproof-cache"
FORMAT = 1
"""The layout of a cache file; a file of another format is a miss."""
PACKAGES = ("bridgeproof.model", "bridgeproof.properties")
PLUGIN_GROUPS = ("bridgeproof.protocols", "bridgeproof.trust", "bridgeproof.properties")

Job = tuple[Any, str, bool]


@attrs.frozen
class Entry:
    """Where one job's result is kept, and the key it is kept under."""

    path: Path
    key: dict[str, Any]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_version(packages: tuple[str, ...] = PACKAGES) -> str:
    """A hash of every .py file of the packages, by path inside its package and contents."""
    h = hashlib.sha256()
    for name in packages:
        folder = Path(importlib.import_module(name).__file__ or "").parent
        for path in sorted(folder.rglob("*.py")):
            h.update(f"{name}/{path.relative_to(folder).as_posix()}\0".encode())
            h.update(_digest(path.read_bytes()).encode())
    return h.hexdigest()


def plugins() -> list[list[str]]:
    """The plug-ins installed through entry points, with their distributions' versions: their code lies
    outside the hashed packages, so a new version of one is a new code version."""
    from importlib.metadata import entry_points

    found = []
    for group in PLUGIN_GROUPS:
        for ep in entry_points(group=group):
            dist = ep.dist
            found.append([group, ep.name, ep.value, dist.name if dist else "", dist.version if dist else ""])
    return sorted(found)


class Cache:
    """Reads and writes the results of `verify`'s jobs; the code version is computed once per run."""

    def __init__(self) -> None:
        self._files: dict[str, str | None] = {}

    @cached_property
    def code(self) -> dict[str, Any]:
        import z3

        from bridgeproof.model import semantics

        return {
            "source": source_version(),
            "semantics": semantics.VERSION,
            "plugins": plugins(),
            "z3": z3.get_version_string(),
        }

    def _file(self, path: str) -> str | None:
        if path not in self._files:
            try:
                self._files[path] = _digest(Path(path).read_bytes())
            except OSError:
                self._files[path] = None
        return self._files[path]

    def entry(self, job: Job) -> Entry | None:
        """The job's key and file; None when its scenario file cannot be read (then it is not cached)."""
        sc, prop, prove = job
        source = self._file(sc.path)
        if source is None:
            return None
        key = {
            "format": FORMAT,
            **self.code,
            "scenario_file": source,
            "scenario": sc.name,
            "job": prop,
            "prove": bool(prove) and prop != MAX_LOSS,
            "expected": sc.expect.get(prop),
            "max_loss": sc.max_loss if prop == MAX_LOSS else None,
            "seed": sc.seed,
            "budget": sc.budget,
            "timeout": sc.timeout,
            "corpus": str(sc.corpus),
            "corpus_at": str(Path(sc.corpus).resolve()),
            "curated": _curated(sc, prop),
        }
        name = _digest(json.dumps(key, sort_keys=True).encode()) + ".json"
        return Entry(Path(sc.corpus).parent / DIR / name, key)

    def load(self, entry: Entry) -> Result | None:
        """The kept Result, marked `cached`; None for a miss (absent, unreadable, another key, a file it
        names gone)."""
        try:
            document = json.loads(entry.path.read_text())
            if document.get("format") != FORMAT or document.get("key") != entry.key:
                return None
            result = Result(**_decode(document["result"]))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if (result.scenario, result.property) != (entry.key["scenario"], entry.key["job"]):
            return None
        for path in (result.counterexample, result.certificate):
            if path is not None and not Path(path).is_file():
                return None
        return attrs.evolve(result, cached=True)

    def store(self, entry: Entry, result: Result) -> None:
        """Keep a fresh result (not an unknown, and only if it reads back equal); a failed write is no error."""
        if result.verdict == "unknown" or result.cached:
            return
        fields = {a.name: getattr(result, a.name) for a in attrs.fields(Result) if a.name != "cached"}
        try:
            encoded = _encode(fields)
            if Result(**_decode(json.loads(json.dumps(encoded)))) != result:
                return
        except (TypeError, ValueError):
            return  # a value JSON cannot hold as it is: not kept, rather than kept changed
        text = json.dumps({"format": FORMAT, "key": entry.key, "result": encoded}, indent=1) + "\n"
        try:
            entry.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=entry.path.parent)
            try:
                with os.fdopen(fd, "w") as f:
                    f.write(text)
                os.replace(tmp, entry.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            return


def _curated(sc: Any, prop: str) -> list[list[str]]:
    """The curated traces a search for this job would find stored (`corpus.save` looks at these, and
    reuses one equal to its find): their names and contents' hashes."""
    rel = corpus.relative(sc.protocol.id, trust_id(sc), prop, sc.slug, "violation")
    found = []
    n = 1
    while (path := Path(sc.corpus) / corpus.numbered(rel, n)).is_file():
        try:
            found.append([path.name, _digest(path.read_bytes())])
        except OSError:
            found.append([path.name, ""])
        n += 1
    return found


def _encode(value: Any) -> Any:
    """JSON, with tuples and frozensets tagged so that they come back as they were."""
    if isinstance(value, tuple):
        return {"#tuple": [_encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"#frozenset": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) and not k.startswith("#") for k in value):
            raise TypeError("a key JSON cannot hold as it is")
        return {k: _encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"{type(value).__name__} is not kept in the cache")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"#tuple"}:
            return tuple(_decode(v) for v in value["#tuple"])
        if set(value) == {"#frozenset"}:
            return frozenset(_decode(v) for v in value["#frozenset"])
        return {k: _decode(v) for k, v in value.items()}
    return value
