"""Spread targets over worker processes; results come back in target order, streamed as they finish."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator

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
    targets: list[Target], rules: list[Rule], options: LintOptions, jobs: int
) -> Iterator[TargetResult]:
    """Results in target order. The pool is started before the first result is yielded, so that no thread
    of the caller's (a progress bar's) exists when the workers are forked."""
    methods = multiprocessing.get_all_start_methods()
    fork = "fork" in methods
    context = multiprocessing.get_context("fork" if fork else "spawn")
    first: list[TargetResult] = []
    if fork and targets:
        # The parent lints the first target itself: that imports and compiles everything a run needs
        # (cryptography, schemas, rule conditions, cipher tables) once, and the forked workers inherit it.
        first.append(lint_target(targets[0], rules, options))
        precompile(rules)
        targets = targets[1:]
    chunk = max(1, min(32, len(targets) // (jobs * 8) or 1))
    gc.freeze()  # what the workers inherit stays out of their garbage collections (and in shared pages)
    try:
        pool = context.Pool(processes=jobs, initializer=_init, initargs=(rules, options))
    finally:
        gc.unfreeze()
    with pool:
        results = pool.imap(_work, targets, chunksize=chunk)
        yield from first
        while True:
            with stage("workers"):  # the parent waiting for results
                result = next(results, None)
            if result is None:
                return
            yield result
