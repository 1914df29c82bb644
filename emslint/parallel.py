"""Spread targets over worker processes; results come back in target order, streamed as they finish."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

from emslint.discover import Target
from emslint.lint import LintOptions, lint_target
from emslint.model import TargetResult
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
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(32, len(targets) // (jobs * 8) or 1))
    with context.Pool(processes=jobs, initializer=_init, initargs=(rules, options)) as pool:
        yield from pool.imap(_work, targets, chunksize=chunk)
