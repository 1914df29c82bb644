"""Spread deployments over worker processes; results come back in job order, streamed as they finish."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from emslint.model import TargetResult
from emslint.profiling import stage
from emslint.rules.catalogue import rule_set
from emslint.rules.engine import precompile

Worker = Callable[[Any, datetime | None], TargetResult]  # emslint.pipeline.lint_job (passed in: no import cycle)
_lint: Worker | None = None
_now: datetime | None = None


def _init(lint: Worker, now: datetime | None) -> None:
    global _lint, _now
    _lint, _now = lint, now


def _work(chunk: list[Any]) -> list[TargetResult]:
    assert _lint is not None
    return [_lint(job, _now) for job in chunk]


def lint_in_processes(jobs: Iterable[Any], lint: Worker, now: datetime | None, workers: int) -> Iterator[TargetResult]:
    """Results in job order. The pool is started before the first result is yielded, so that no thread of the
    caller's (a progress bar's) exists when the workers are forked.

    ``jobs`` may be an iterator (a folder still being walked): the pool's feeder thread consumes it while the
    workers lint, so nothing waits for the walk. Jobs go out in chunks (one message each way per chunk) that grow
    from 1 to :data:`_MAX_CHUNK`: every worker has work at once, and at the end the others wait for at most one
    chunk of :data:`_MAX_CHUNK` jobs.
    """
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    jobs = iter(jobs)
    first: list[TargetResult] = []
    if fork:
        with stage("discover"):
            job = next(jobs, None)
        if job is not None:
            # The parent lints the first deployment itself: that imports and compiles everything a run needs
            # (cryptography, schemas, rule conditions, cipher tables) once, and the forked workers inherit it.
            first.append(lint(job, now))
            precompile(rule_set(job.settings).all)
    gc.freeze()  # what the workers inherit stays out of their garbage collections (and in shared pages)
    try:
        pool = context.Pool(processes=workers, initializer=_init, initargs=(lint, now))
    finally:
        gc.unfreeze()
    with pool:
        chunks = pool.imap(_work, _chunks(jobs, workers), chunksize=1)
        yield from first
        while True:
            with stage("workers"):  # the parent waiting for results
                done = next(chunks, None)
            if done is None:
                return
            yield from done


def _chunks(jobs: Iterator[Any], workers: int) -> Iterator[list[Any]]:
    """``jobs`` in lists of 1, then 2, 4, ... up to :data:`_MAX_CHUNK` (each size once per worker)."""
    size = 1
    while True:
        for _ in range(workers):
            chunk = list(itertools.islice(jobs, size))
            if not chunk:
                return
            yield chunk
        size = min(size * 2, _MAX_CHUNK)


_MAX_CHUNK = 16
