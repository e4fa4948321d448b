"""Worker processes for `verify -j N` that never outlive the command and leave Ctrl-C to it.

A worker solves one job at a time, for as long as a check takes. If the command is killed (SIGKILL,
an OOM kill, a closed terminal), nothing tells a worker, and a plain pool's workers would go on
solving for minutes with no one to report to. Each worker therefore watches its parent: a thread
that sees the parent's pid change (the worker was re-parented, so the command is gone) ends the
worker at once, even while the main thread is inside a solver call (Z3 releases the GIL there).

Ctrl-C belongs to the command (`model.cli`, NOTE(ctrl-c)): workers ignore SIGINT, and the command
terminates them when it is interrupted, so a terminal's Ctrl-C, sent to the whole process group,
ends with one line from the command and no traceback from any worker.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WATCH_SECONDS = 0.2
"""How often a worker looks for its parent (the bound on how long it can outlive it)."""
WAIT_SECONDS = 0.2
"""How often the command, waiting for results, lets a pending KeyboardInterrupt through."""


def _orphaned_exit(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _start_worker(parent: int) -> None:
    """Pool initializer: ignore Ctrl-C (the command handles it) and die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_orphaned_exit, args=(parent,), name="bridgeproof-parent-watch", daemon=True).start()


def each_in_workers(
    function: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    tick: Callable[[dict[int, float]], None] | None = None,
) -> Iterator[tuple[int, R]]:
    """`(i, function(items[i]))` for every item, as each finishes, on `workers` processes that cannot
    outlive this one.

    At most `workers` jobs are in flight, handed out in order (the caller orders them costliest
    first), so the jobs submitted and not yet finished are exactly the running ones: `tick` gets them
    (index -> start time, `time.monotonic()`) every WAIT_SECONDS, for a progress display. The wait
    polls, because a blocked wait in the main thread would not see the KeyboardInterrupt the CLI
    raises there on Ctrl-C; leaving the generator (exhausted, interrupted or closed) terminates every
    worker.
    """
    jobs: list[Any] = list(items)
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = context or multiprocessing.get_context()
    with ctx.Pool(processes=workers, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        waiting = iter(enumerate(jobs))
        running: dict[int, tuple[float, Any]] = {}

        def submit() -> None:
            for i, job in waiting:
                running[i] = (time.monotonic(), pool.apply_async(function, (job,)))
                if len(running) >= workers:
                    return

        submit()
        while running:
            done = [i for i, (_, pending) in running.items() if pending.ready()]
            for i in done:
                _, pending = running.pop(i)
                yield i, pending.get()
            if done:
                submit()
                continue
            if tick is not None:
                tick({i: started for i, (started, _) in running.items()})
            next(iter(running.values()))[1].wait(WAIT_SECONDS)


def map_in_workers(function: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
    """`[function(x) for x in items]`, in order, on worker processes (see `each_in_workers`)."""
    jobs = list(items)
    out: dict[int, R] = dict(each_in_workers(function, jobs, workers))
    return [out[i] for i in range(len(jobs))]
