"""Per-document stages as a map over documents, run in a pool of processes.

The pool is forked for each map after the stage has everything it reads in memory, so a task
is only an index: nothing but the results crosses a pipe. Results come back in document order,
so the output is the same whatever the number of workers (`--workers 1` runs in this process)."""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

ENGINES = ("embedded", "spark")  # what runs the per-document stages: this module, or Spark jobs (scripts/spark.py)

# the job of the current map, set before the pool forks (the children inherit it)
_JOB: tuple[Callable[..., Any], Sequence[tuple]] | None = None
CHUNKS_PER_WORKER = 4  # a few chunks each, so that one slow chunk does not leave a core idle


def default_workers() -> int:
    return os.cpu_count() or 1


def _run(bounds: tuple[int, int]) -> list:
    assert _JOB is not None
    fn, args = _JOB
    return [fn(*a) for a in args[bounds[0]:bounds[1]]]


def map_docs(fn: Callable[..., T], args: Sequence[tuple], workers: int) -> list[T]:
    """[fn(*a) for a in args], in `workers` processes when there is enough to share."""
    global _JOB
    # a daemonic process (a pool's or a test harness's worker) may not start children: it maps in itself
    if (workers <= 1 or len(args) < 2 * workers or "fork" not in multiprocessing.get_all_start_methods()
            or multiprocessing.current_process().daemon):
        return [fn(*a) for a in args]
    n = min(len(args), workers * CHUNKS_PER_WORKER)
    cuts = [len(args) * k // n for k in range(n + 1)]
    _JOB = (fn, args)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [r for chunk in pool.map(_run, zip(cuts, cuts[1:])) for r in chunk]
    finally:
        _JOB = None
