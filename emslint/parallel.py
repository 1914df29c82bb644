"""Spread deployments over worker processes; results come back in job order, streamed as they finish.

The parent runs one thread: it hands each worker a chunk of jobs over the worker's own pipe, prepares the next
chunk while the workers lint, and reads whichever result is ready. ``multiprocessing.Pool`` runs three more
threads in the parent, one of which wakes on every result message; for a fleet that was a third of the
parent's CPU time, taken from the two cores the workers need (docs/decisions/0003).

A worker that dies (killed, out of memory, a crash in a native library) loses nothing: the parent lints its
chunk itself and goes on with the others. A worker never has more than one chunk, so the parent never blocks
sending work to a worker that is itself blocked sending a result.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection, wait
from typing import Any

from emslint.model import TargetResult
from emslint.profiling import stage
from emslint.rules.catalogue import rule_set
from emslint.rules.engine import precompile

Worker = Callable[[Any, datetime | None], TargetResult]  # emslint.pipeline.lint_job (passed in: no import cycle)


def _serve(conn: Connection, lint: Worker, now: datetime | None) -> None:
    """A worker process: lint each chunk received and send back its results, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches every process: the parent stops the workers
    try:
        while (chunk := conn.recv()) is not None:
            conn.send([lint(job, now) for job in chunk])
    except (EOFError, OSError):  # the parent is gone or stopped the run early
        pass


@dataclass(eq=False)
class _Hand:
    """One worker process and the chunk it is linting (its number in the run and its jobs)."""

    process: Any
    conn: Connection
    chunk: tuple[int, list[Any]] | None = None
    stopped: bool = False


def lint_in_processes(jobs: Iterable[Any], lint: Worker, now: datetime | None, workers: int) -> Iterator[TargetResult]:
    """Results in job order. The workers are started before the first result is yielded, so that no thread of
    the caller's (a progress bar's) exists when they are forked.

    ``jobs`` may be an iterator (a folder still being walked): it is consumed a chunk at a time while the
    workers lint. Chunks grow from 1 job to :data:`_MAX_CHUNK`: every worker has work at once, and at the end
    the others wait for at most one chunk.
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
        hands = [_start(context, lint, now) for _ in range(workers)]
    finally:
        gc.unfreeze()
    finished = False
    try:
        yield from first
        yield from _in_order(hands, _chunks(jobs, workers), lint, now)
        finished = True
    finally:
        _stop(hands, graceful=finished)


def _start(context: Any, lint: Worker, now: datetime | None) -> _Hand:
    mine, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, lint, now), daemon=True)
    process.start()
    theirs.close()
    return _Hand(process, mine)


def _in_order(hands: list[_Hand], chunks: Iterator[list[Any]], lint: Worker,
              now: datetime | None) -> Iterator[TargetResult]:
    done: dict[int, list[TargetResult]] = {}
    numbers = itertools.count()
    ready = next(chunks, None)  # the next chunk, walked while the workers lint
    shown = 0

    def give(hand: _Hand) -> None:
        nonlocal ready
        if ready is None:
            return
        number = next(numbers)
        try:
            hand.conn.send(ready)
            hand.chunk = (number, ready)
        except (OSError, ValueError):  # the worker is gone: its share is linted here
            hand.stopped = True
            done[number] = [lint(job, now) for job in ready]
        with stage("discover"):
            ready = next(chunks, None)

    for hand in hands:
        give(hand)
    while True:
        busy = [h for h in hands if h.chunk is not None]
        if not busy:
            while ready is not None:  # every worker is gone: the rest is linted here
                give(hands[0])
            break
        with stage("workers"):  # the parent waiting for results
            answered = wait([h.conn for h in busy])
        for hand in busy:
            if hand.conn not in answered or hand.chunk is None:
                continue
            number, chunk = hand.chunk
            hand.chunk = None
            try:
                done[number] = hand.conn.recv()
            except (EOFError, OSError):  # the worker died: its chunk is linted here, the others go on
                hand.stopped = True
                done[number] = [lint(job, now) for job in chunk]
                continue
            give(hand)
        while shown in done:
            yield from done.pop(shown)
            shown += 1
    while shown in done:
        yield from done.pop(shown)
        shown += 1


def _stop(hands: list[_Hand], *, graceful: bool) -> None:
    """End the workers: told to stop after a finished run, terminated after an interrupted one."""
    for hand in hands:
        if graceful and not hand.stopped:
            try:
                hand.conn.send(None)
            except (OSError, ValueError):
                pass
        else:
            hand.process.terminate()
        hand.conn.close()
    for hand in hands:
        hand.process.join(timeout=5)
        if hand.process.is_alive():
            hand.process.kill()
            hand.process.join()


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
