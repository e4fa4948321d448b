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
from collections.abc import Callable, Iterable
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


def map_in_workers(function: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
    """`[function(x) for x in items]`, in order, on `workers` processes that cannot outlive this one.

    Jobs are handed out one at a time (the caller orders them costliest first). The wait for results
    polls, because a blocked wait in the main thread would not see the KeyboardInterrupt the CLI
    raises there on Ctrl-C; leaving the `with` block (normally, or by that interrupt) terminates every
    worker.
    """
    jobs: list[Any] = list(items)
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = context or multiprocessing.get_context()
    with ctx.Pool(processes=workers, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        pending = pool.map_async(function, jobs, chunksize=1)
        while not pending.ready():
            pending.wait(WAIT_SECONDS)
        return pending.get()
