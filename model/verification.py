"""A verification run: every scenario's expected verdicts checked, as data for the CLI to print.

The jobs (one per scenario and property, plus the witness that guards each scenario's proofs and the
worst-case loss of each attacked scenario) run in worker processes; then the witness rule turns
proofs of a vacuous scenario into `vacuous`, each violated row gets its scenario's max_loss, and for
every defended variant the base scenario's attack is re-run and stored as an `expect: fixed` trace.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from bridgeproof.model import corpus, itf
from bridgeproof.model.cache import Cache
from bridgeproof.model.check import MAX_LOSS, Result, check, check_loss, counterfactual, guarded, trust_id, witness_of
from bridgeproof.model.pool import each_in_workers
from bridgeproof.model.scenarios import Scenario
from bridgeproof.properties import PROPERTIES

Job = tuple[Scenario, str, bool]


@attrs.frozen
class Verification:
    results: tuple[Result, ...]
    regressions: dict[tuple[str, str], str]
    """(scenario, property) -> the `expect: fixed` trace stored for a defended variant."""
    replayed: int = 0
    """Curated traces of these scenarios replayed before the search (a failing one is a row)."""

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def cached(self) -> int:
        """Rows whose own check was taken from the result cache."""
        return sum(1 for r in self.results if r.cached)


def plan(scenarios: list[Scenario], prove: bool = True, loss: bool = True) -> list[Job]:
    """The jobs, costliest first (max_loss), so the pool's workers finish together."""
    jobs: list[Job] = [(sc, prop, prove) for sc in scenarios for prop in sc.expect]
    for sc in scenarios:
        w = witness_of(sc)
        if prove and w is not None and w not in sc.expect and any(PROPERTIES[p].kind != "witness" for p in sc.expect):
            jobs.append((sc, w, False))
    losses: list[Job] = [
        (sc, MAX_LOSS, False)
        for sc in scenarios
        if sc.max_loss is not None or (loss and sc.protocol.measures_loss() and "violated" in sc.expect.values())
    ]
    return losses + jobs


def run_job(job: Job) -> Result:
    sc, prop, prove = job
    if prop == MAX_LOSS:
        return check_loss(sc, root=sc.corpus)
    return check(sc, prop, root=sc.corpus, prove=prove, witness=False)


@attrs.frozen
class Progress:
    """Where a run stands, for a progress display: rows settled, rows in all, and the checks running
    now as (scenario, property, seconds so far), longest first."""

    done: int
    total: int
    running: tuple[tuple[str, str, float], ...]


def run(
    scenarios: list[Scenario],
    workers: int = 1,
    prove: bool = True,
    loss: bool = True,
    root: Path | None = None,
    on_row: Callable[[Result, Progress], None] | None = None,
    on_tick: Callable[[Progress], None] | None = None,
    mapper: Callable[..., Iterator[tuple[int, Any]]] | None = None,
    cache: Cache | None = None,
) -> Verification:
    """`root` (`--corpus`) replaces every scenario's own corpus, the `counterexamples/` of its repository.

    Each row goes to `on_row` as soon as it is final: its own check is done, and so is whatever can
    still change it (the scenario's witness for a proof, NOTE(vacuity); the scenario's max_loss for a
    violation). The returned rows are grouped by scenario in file order.

    `mapper` runs the jobs elsewhere (a Dask cluster, model/cluster.py) in place of the local pool;
    it has `pool.each_in_workers`'s shape, and the rows do not depend on which ran them.

    With a `cache` (model/cache.py), a job whose key is unchanged is not run: its kept Result enters
    where a fresh one would, after the replay of the curated traces and before the witness rule,
    max_loss and the counterfactuals, which treat the two alike.
    """
    if root is not None:
        scenarios = [attrs.evolve(sc, corpus=root) for sc in scenarios]
    jobs = plan(scenarios, prove, loss)
    settle = _Settle(scenarios, jobs, prove)
    rows: list[Result] = []
    replayed, broken = replay_first(scenarios)
    settle.total += len(broken)
    for row in broken:
        rows.append(row)
        if on_row is not None:
            on_row(row, Progress(len(rows), settle.total, ()))

    entries = [cache.entry(job) if cache is not None else None for job in jobs]
    todo: list[int] = []
    for i, entry in enumerate(entries):
        kept = cache.load(entry) if cache is not None and entry is not None else None
        if kept is None:
            todo.append(i)
            continue
        for row in settle.add(i, kept):
            rows.append(row)
            if on_row is not None:
                on_row(row, Progress(len(rows), settle.total, ()))

    def progress(running: dict[int, float]) -> Progress:
        now = time.monotonic()
        busy = sorted(running.items(), key=lambda item: item[1])
        named = tuple((jobs[todo[j]][0].name, jobs[todo[j]][1], now - t) for j, t in busy)
        return Progress(len(rows), settle.total, named)

    pending = [jobs[i] for i in todo]
    if pending and (mapper is not None or (workers > 1 and len(pending) > 1)):
        tick = (lambda running: on_tick(progress(running))) if on_tick is not None else None
        finished = (mapper or each_in_workers)(run_job, pending, workers, tick)
    else:
        finished = ((j, run_job(job)) for j, job in enumerate(pending))
    for j, result in finished:
        i = todo[j]
        entry = entries[i]
        if cache is not None and entry is not None:
            cache.store(entry, result)
        for row in settle.add(i, result):
            rows.append(row)
            if on_row is not None:
                on_row(row, progress({}))
    results = ordered(scenarios, rows)
    return Verification(tuple(results), regressions(scenarios, results), replayed)


REPLAY = "replay"
"""The property name of a row that reports a curated trace which no longer replays."""


def replay_first(scenarios: list[Scenario]) -> tuple[int, list[Result]]:
    """Replay each scenario's curated traces before searching (as Foundry replays persisted
    failures first): how many were replayed, and a row for each that no longer replays."""
    from bridgeproof.model.replay import replay

    names = {sc.name: sc for sc in scenarios}
    count, rows = 0, []
    for root in dict.fromkeys(sc.corpus for sc in scenarios):
        for path in corpus.curated(root):
            try:
                name = json.loads(path.read_text()).get("#meta", {}).get("scenario")
            except (OSError, ValueError):
                name = None
            sc = names.get(name) if isinstance(name, str) else None
            if sc is None:
                continue
            started = time.monotonic()
            document = itf.load(path)
            itf.check_states(document)
            r = replay(document)
            count += 1
            if not r.ok:
                steps = len(document["meta"]["steps"])
                rows.append(Result(sc.name, REPLAY, "replays", "does_not_replay", steps, str(path),
                                   time.monotonic() - started, why=r.summary()))
    return count, rows


class _Settle:
    """Raw job results in, final rows out, each as soon as nothing can change it any more."""

    def __init__(self, scenarios: list[Scenario], jobs: list[Job], prove: bool) -> None:
        self.by_name = {sc.name: sc for sc in scenarios}
        self.jobs = jobs
        self.prove = prove
        self.raw: dict[tuple[str, str], Result] = {}
        self.pending: list[int] = list(range(len(jobs)))
        self.total = sum(1 for sc, prop, _ in jobs if self._shown(sc, prop))

    def _shown(self, sc: Scenario, prop: str) -> bool:
        """The witness run only to guard proofs, and an unasserted max_loss, are not rows of their own."""
        if prop == MAX_LOSS:
            return sc.max_loss is not None
        return prop in sc.expect

    def _planned(self, sc: Scenario, prop: str) -> bool:
        return any(j[0].name == sc.name and j[1] == prop for j in self.jobs)

    def add(self, index: int, result: Result) -> list[Result]:
        sc, prop, _ = self.jobs[index]
        self.raw[(sc.name, prop)] = result
        out = []
        for i in list(self.pending):
            final = self._final(i)
            if final is not None:
                self.pending.remove(i)
                if final is not _HIDDEN:
                    out.append(final)
        return out

    def _final(self, index: int) -> Result | object | None:
        sc, prop, _ = self.jobs[index]
        mine = self.raw.get((sc.name, prop))
        if mine is None:
            return None
        if not self._shown(sc, prop):
            return _HIDDEN
        if prop == MAX_LOSS:
            return mine
        w = witness_of(sc)
        if self.prove and mine.verdict == "proved" and w is not None:
            witness = self.raw.get((sc.name, w))
            if witness is None and self._planned(sc, w):
                return None
            mine = guarded(mine, witness.verdict if witness is not None else "unknown", sc)
        if mine.verdict == "violated" and self._planned(sc, MAX_LOSS):
            measured = self.raw.get((sc.name, MAX_LOSS))
            if measured is None:
                return None
            mine = attrs.evolve(mine, max_loss=measured.max_loss)
        return mine


_HIDDEN = object()


def ordered(scenarios: list[Scenario], results: list[Result]) -> list[Result]:
    """Rows grouped by scenario in file order, each scenario's properties as it lists them, max_loss last."""
    position = {sc.name: i for i, sc in enumerate(scenarios)}
    expect = {sc.name: list(sc.expect) for sc in scenarios}

    def key(r: Result) -> tuple[int, int]:
        names = expect[r.scenario]
        return position[r.scenario], names.index(r.property) if r.property in names else len(names)

    return sorted(results, key=key)


def regressions(scenarios: list[Scenario], results: list[Result]) -> dict[tuple[str, str], str]:
    """For a defended variant, re-run its base's attack and store the refusal as an `expect: fixed` file."""
    by_key = {(r.scenario, r.property): r for r in results}
    out: dict[tuple[str, str], str] = {}
    for sc in scenarios:
        if sc.base is None:
            continue
        for prop in sc.expect:
            mine, base = by_key.get((sc.name, prop)), by_key.get((sc.base, prop))
            if not (mine and base and mine.verdict in ("bounded", "proved") and base.counterexample):
                continue
            attack = itf.load(Path(base.counterexample))
            steps = [(s["action"], s["args"]) for s in attack["meta"]["steps"]]
            if attack.get("loop") is not None:
                continue  # a lasso is a liveness attack: its defence is the proof, not a finite replay
            document = counterfactual(sc, prop, steps)
            rel = corpus.relative(sc.protocol.id, trust_id(sc), prop, sc.slug, "fixed")
            path, _known = corpus.save(document, rel, sc.corpus)
            out[(sc.name, prop)] = str(path)
    return out
