"""Jobs on a Dask distributed cluster, with the shape of `pool.each_in_workers`, for `--cluster ADDRESS`.

A check is a function of its job alone (NOTE(determinism): a fresh Z3 context per check, an explicit
seed, a budget in resource units), so where it runs cannot change its verdict or its trace. What can
differ on a cluster is checked when connecting: every worker must import the same bridgeproof
(a digest of its source) and the same z3, or a verdict could depend on which machine drew the job.

NOTE(determinism), continued: a Dask worker is not the quiet process a pool worker is. Its event loop
samples the stacks of running tasks (the profiler, every 10 ms) and so briefly holds the frames of a
running check; a Z3 object those frames held is then freed later, on another thread, at a moment that
depends on timing. Z3 recycles the ids of freed terms, so the solver's path (its resource count, and
in principle which of several shortest traces it returns) would depend on the worker's load. So a
worker runs each job in a forked, single-threaded child process, where nothing else holds a frame,
as in the local pool; this also lets every thread of a multi-threaded worker run a check at once.

`verify` writes traces to paths relative to where it was started, so its jobs run in that folder on
the worker (`cwd`), which must then exist there: one machine, or the project at the same path on a
shared filesystem. A sweep writes nothing and needs no folder.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from bridgeproof.model.errors import BadInput, ToolError

T = TypeVar("T")
R = TypeVar("R")

CL = "command line"
LOCAL = "local"
"""`--cluster local`: start a LocalCluster of worker processes on this machine for the command."""
CONNECT_SECONDS = 10.0
"""How long to wait for the scheduler (and for its first worker) before calling the address bad input."""
WAIT_SECONDS = 0.2
"""How often the command, waiting for results, ticks and lets a pending KeyboardInterrupt through."""

_ONE_CHECK = threading.Lock()
"""Where a worker cannot fork: one check at a time in the process (Z3's main context is process-wide)."""


def _call(function: Callable[[T], R], item: T, cwd: str | None) -> R:
    """What a worker runs: the job in a forked child (see the module's note), in the command's folder
    when it writes files."""
    if cwd is not None and not os.path.isdir(cwd):
        raise ToolError(
            f"cluster worker on {os.uname().nodename} has no folder {cwd}: verify --cluster writes traces "
            "from the workers, so the project must be at the same path there (a shared filesystem)"
        )
    if not hasattr(os, "fork"):
        with _ONE_CHECK:
            old = os.getcwd()
            try:
                os.chdir(cwd or old)
                return function(item)
            finally:
                os.chdir(old)
    return _forked(function, item, cwd)


def _forked(function: Callable[[T], R], item: T, cwd: str | None) -> R:
    """`function(item)` in a child process of this one, its result (or its exception) sent back by a pipe."""
    from bridgeproof.model.pool import _orphaned_exit

    parent = os.getpid()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only this thread exists here
        code = 0
        try:
            os.close(read)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            threading.Thread(target=_orphaned_exit, args=(parent,), daemon=True).start()
            if cwd is not None:
                os.chdir(cwd)
            try:
                outcome: tuple[str, Any] = ("ok", function(item))
            except BaseException as e:  # sent to the parent, which raises it
                outcome = ("error", e)
            try:
                data = pickle.dumps(outcome)
                pickle.loads(data)
            except Exception:
                data = pickle.dumps(("error", ToolError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        raise ToolError(f"cluster worker on {os.uname().nodename}: the check's process ended with {how} and no result")
    kind, value = pickle.loads(data)
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def identity() -> dict[str, str]:
    """What must match between this process and every worker for results to be identical."""
    import z3

    from bridgeproof import model, properties

    digest = hashlib.sha256()
    for package in (model, properties):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return {"bridgeproof": f"{model.__version__} (source {digest.hexdigest()[:12]})", "z3": z3.get_version_string()}


@contextlib.contextmanager
def connect(address: str, workers: int = 0, timeout: float = CONNECT_SECONDS) -> Iterator[Any]:
    """A Dask client for the command: to the scheduler at `address`, or for `local` to a LocalCluster of
    `workers` single-threaded processes (default: one per core) that ends with the command. An
    address that cannot be reached, a cluster with no worker, or a worker that differs is bad input."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BadInput(CL, "--cluster", "needs Dask: pip install 'bridgeproof[sweep]' (dask[distributed])") from None
    import logging

    # Dask logs a cluster's comings and goings on stderr; the command's own lines are the output.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    local = None
    try:
        if address == LOCAL:
            local = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,  # its workers' logs too: a job's error comes back as its result
            )
            client = Client(local, timeout=timeout)
        else:
            client = Client(address, timeout=timeout)
    except (OSError, ValueError, TypeError) as e:
        if local is not None:
            local.close()
        raise BadInput(CL, "--cluster", f"cannot reach a Dask scheduler at {address!r}: {_first_line(e)}") from None
    try:
        _check_workers(client, address, timeout)
        yield client
    finally:
        client.close()
        if local is not None:
            local.close()


def _check_workers(client: Any, address: str, timeout: float) -> None:
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError):
        raise BadInput(
            CL,
            "--cluster",
            f"the scheduler at {address} has no worker after {timeout:g} s (start one: dask worker {address})",
        ) from None
    here = identity()
    try:
        theirs = client.run(identity)
    except Exception as e:  # a worker that cannot even import bridgeproof, reported as the worker said it
        raise BadInput(CL, "--cluster", f"a worker at {address} cannot run bridgeproof: {_first_line(e)}") from None
    for worker, seen in sorted(theirs.items()):
        for what, mine in here.items():
            if seen.get(what) != mine:
                raise BadInput(
                    CL,
                    "--cluster",
                    f"worker {worker} has {what} {seen.get(what)}, this command {mine}: install the same everywhere",
                )


def description(client: Any, address: str) -> str:
    threads = client.nthreads()
    where = "a local Dask cluster" if address == LOCAL else f"the Dask cluster at {address}"
    return f"{where}: {len(threads)} worker(s), {sum(threads.values())} thread(s)"


def each_on_cluster(
    client: Any,
    function: Callable[[T], R],
    items: Iterable[T],
    workers: int = 0,
    tick: Callable[[dict[int, float]], None] | None = None,
    cwd: str | None = None,
) -> Iterator[tuple[int, R]]:
    """`(i, function(items[i]))` for every item as each finishes on the cluster, like `pool.each_in_workers`.

    At most `workers` jobs are in flight (default: two per thread of the cluster, so a worker has its
    next job at hand instead of waiting a round trip for it), handed out in order, so the caller's
    costliest-first order holds and `tick` (index -> submit time, every WAIT_SECONDS) sees the running
    jobs and little queue. Jobs that finish together are yielded in index order; the caller
    orders the rest by index, so the final order does not depend on the cluster. Leaving the generator
    early cancels what is still in flight. A job's exception is raised here, as the pool does; a worker
    that died with its job is a tool error.
    """
    from distributed import wait

    jobs = list(items)
    limit = workers or 2 * max(1, sum(client.nthreads().values()))
    run = uuid.uuid4().hex[:12]
    waiting = iter(enumerate(jobs))
    running: dict[Any, tuple[int, float]] = {}

    def submit() -> None:
        for i, job in waiting:
            future = client.submit(_call, function, job, cwd, key=f"bridgeproof-{run}-{i}", pure=False, retries=0)
            running[future] = (i, time.monotonic())
            if len(running) >= limit:
                return

    try:
        submit()
        while running:
            done = sorted((f for f in running if f.done()), key=lambda f: running[f][0])
            if not done:
                if tick is not None:
                    tick({i: started for i, started in running.values()})
                with contextlib.suppress(TimeoutError):
                    wait(list(running), timeout=WAIT_SECONDS, return_when="FIRST_COMPLETED")
                continue
            for future in done:
                i, _ = running.pop(future)
                yield i, _result(future, i)
            submit()
    finally:
        if running:
            client.cancel(list(running))


def _result(future: Any, index: int) -> Any:
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as e:
        raise ToolError(f"cluster: job {index} killed the workers that ran it ({_first_line(e)})") from None
    except (CancelledError, OSError, TimeoutError) as e:
        raise ToolError(f"cluster: job {index} lost ({_first_line(e)})") from None


def mapper(client: Any, cwd: str | None = None) -> Callable[..., Iterator[tuple[int, Any]]]:
    """`each_on_cluster` on this client, with `pool.each_in_workers`'s signature (function, items, workers, tick)."""
    return functools.partial(each_on_cluster, client, cwd=cwd)


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
