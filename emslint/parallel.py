"""Spread targets over worker processes; results come back in target order, streamed as they finish."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections.abc import Iterable, Iterator

from emslint.discover import Target
from emslint.lint import LintOptions, lint_target
from emslint.model import TargetResult
from emslint.profiling import stage
from emslint.rules.engine import precompile
from emslint.rules.model import Rule

_rules: list[Rule] = []
_options: LintOptions | None = None


def _init(rules: list[Rule], options: LintOptions) -> None:
    global _rules, _options
    _rules, _options = rules, options


def _work(target: Target) -> TargetResult:
    assert _options is not None
    return lint_target(target, _rules, _options)


def lint_in_processes(
    targets: Iterable[Target], rules: list[Rule], options: LintOptions, jobs: int
) -> Iterator[TargetResult]:
    """Results in target order. The pool is started before the first result is yielded, so that no thread
    of the caller's (a progress bar's) exists when the workers are forked.

    ``targets`` may be an iterator (a folder still being walked): past the first few hundred targets, the
    pool's feeder thread consumes it while the workers lint.
    """
    methods = multiprocessing.get_all_start_methods()
    fork = "fork" in methods
    context = multiprocessing.get_context("fork" if fork else "spawn")
    targets = iter(targets)
    first: list[TargetResult] = []
    if fork:
        with stage("discover"):
            target = next(targets, None)
        if target is not None:
            # The parent lints the first target itself: that imports and compiles everything a run needs
            # (cryptography, schemas, rule conditions, cipher tables) once, and the forked workers inherit it.
            first.append(lint_target(target, rules, options))
            precompile(rules)
    # Chunks of up to 32 targets, about 8 per worker: known once jobs * 8 * 32 targets are in hand.
    with stage("discover"):
        head = list(itertools.islice(targets, jobs * 8 * _MAX_CHUNK))
    chunk = max(1, min(_MAX_CHUNK, len(head) // (jobs * 8) or 1))
    gc.freeze()  # what the workers inherit stays out of their garbage collections (and in shared pages)
    try:
        pool = context.Pool(processes=jobs, initializer=_init, initargs=(rules, options))
    finally:
        gc.unfreeze()
    with pool:
        results = pool.imap(_work, itertools.chain(head, targets), chunksize=chunk)
        yield from first
        while True:
            with stage("workers"):  # the parent waiting for results
                result = next(results, None)
            if result is None:
                return
            yield result


_MAX_CHUNK = 32
