"""Spread deployments over worker processes; results come back in job order, streamed as they finish."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections.abc import Iterable, Iterator
from datetime import datetime

from emslint.model import TargetResult
from emslint.pipeline import Job, lint_job
from emslint.profiling import stage
from emslint.rules.catalogue import rule_set
from emslint.rules.engine import precompile

_now: datetime | None = None


def _init(now: datetime | None) -> None:
    global _now
    _now = now


def _work(job: Job) -> TargetResult:
    return lint_job(job, _now)


def lint_in_processes(jobs: Iterable[Job], now: datetime | None, workers: int) -> Iterator[TargetResult]:
    """Results in job order. The pool is started before the first result is yielded, so that no thread of the
    caller's (a progress bar's) exists when the workers are forked.

    ``jobs`` may be an iterator (a folder still being walked): past the first few hundred, the pool's feeder
    thread consumes it while the workers lint.
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
            first.append(lint_job(job, now))
            precompile(rule_set(job.settings).all)
    # Chunks of up to 32 jobs, about 8 per worker: known once workers * 8 * 32 jobs are in hand.
    with stage("discover"):
        head = list(itertools.islice(jobs, workers * 8 * _MAX_CHUNK))
    chunk = max(1, min(_MAX_CHUNK, len(head) // (workers * 8) or 1))
    gc.freeze()  # what the workers inherit stays out of their garbage collections (and in shared pages)
    try:
        pool = context.Pool(processes=workers, initializer=_init, initargs=(now,))
    finally:
        gc.unfreeze()
    with pool:
        results = pool.imap(_work, itertools.chain(head, jobs), chunksize=chunk)
        yield from first
        while True:
            with stage("workers"):  # the parent waiting for results
                result = next(results, None)
            if result is None:
                return
            yield result


_MAX_CHUNK = 32
