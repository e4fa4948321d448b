"""A verification run: every scenario's expected verdicts checked, as data for the CLI to print.

The jobs (one per scenario and property, plus the witness that guards each scenario's proofs and the
worst-case loss of each attacked scenario) run in worker processes; then the witness rule turns
proofs of a vacuous scenario into `vacuous`, each violated row gets its scenario's max_loss, and for
every defended variant the base scenario's attack is re-run and stored as an `expect: fixed` trace.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from model import corpus, itf
from model.check import MAX_LOSS, Result, check, check_loss, counterfactual, guarded, trust_id, witness_of
from model.pool import map_in_workers
from model.scenarios import Scenario
from properties import PROPERTIES

Job = tuple[Scenario, str, bool]


@attrs.frozen
class Verification:
    results: tuple[Result, ...]
    regressions: dict[tuple[str, str], str]
    """(scenario, property) -> the `expect: fixed` trace stored for a defended variant."""

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


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


def run(
    scenarios: list[Scenario], workers: int = 1, prove: bool = True, loss: bool = True, root: Path | None = None
) -> Verification:
    """`root` (`--corpus`) replaces every scenario's own corpus, the `counterexamples/` of its repository."""
    if root is not None:
        scenarios = [attrs.evolve(sc, corpus=root) for sc in scenarios]
    jobs = plan(scenarios, prove, loss)
    if workers > 1 and len(jobs) > 1:
        results = map_in_workers(run_job, jobs, workers)
    else:
        results = [run_job(j) for j in jobs]
    if prove:
        results = vacuity(scenarios, results)
    results = ordered(scenarios, with_loss(results))
    return Verification(tuple(results), regressions(scenarios, results))


def ordered(scenarios: list[Scenario], results: list[Result]) -> list[Result]:
    """Rows grouped by scenario in file order, each scenario's properties as it lists them, max_loss last."""
    position = {sc.name: i for i, sc in enumerate(scenarios)}
    expect = {sc.name: list(sc.expect) for sc in scenarios}

    def key(r: Result) -> tuple[int, int]:
        names = expect[r.scenario]
        return position[r.scenario], names.index(r.property) if r.property in names else len(names)

    return sorted(results, key=key)


def vacuity(scenarios: list[Scenario], results: list[Result]) -> list[Result]:
    """NOTE(vacuity): a proof in a scenario whose witness is unreachable is vacuous (`check.guarded`)."""
    by_name = {sc.name: sc for sc in scenarios}
    witnessed = {r.scenario: r.verdict for r in results if r.property == witness_of(by_name[r.scenario])}
    out = []
    for r in results:
        sc = by_name[r.scenario]
        if r.property == witness_of(sc) and sc.expect.get(r.property) is None:
            continue  # run only to guard the proofs; not a row the scenario asked for
        out.append(guarded(r, witnessed.get(r.scenario, "unknown"), sc))
    return out


def with_loss(results: list[Result]) -> list[Result]:
    """Put each scenario's measured max_loss on its violated rows; keep only asserted max_loss rows."""
    loss = {r.scenario: r.max_loss for r in results if r.property == MAX_LOSS}
    out = []
    for r in results:
        if r.property == MAX_LOSS:
            if r.expected is not None:
                out.append(r)
        elif r.verdict == "violated" and r.scenario in loss:
            out.append(attrs.evolve(r, max_loss=loss[r.scenario]))
        else:
            out.append(r)
    return out


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
