"""The library API: lint deployments from Python and get typed results.

    from emslint import lint
    report = lint(["fleet/gw-001", "fleet/gw-002"], profile="production")
    for target in report.targets:
        print(target.path, target.level, [f.rule for f in target.findings])

`lint` does what ``emslint check`` does, without printing. To shard a fleet over an engine you already run
(GNU parallel, a Dask bag, a Spark job), hand each worker a slice of the deployment folders and call `lint`
on it; results are plain dataclasses (`TargetResult.to_dict()` gives JSON). See docs/library.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from emslint.discover import Target, discover
from emslint.lint import LintOptions, lint_target
from emslint.model import Severity, TargetResult
from emslint.profiling import stage
from emslint.rules.model import Rule


@dataclass(slots=True)
class LintReport:
    targets: list[TargetResult]
    rules: dict[str, Rule]  # the rules that were run, by id
    problems: list[str] = field(default_factory=list)  # paths that could not be used (one line each)
    stale_baseline: list[dict] = field(default_factory=list)


def select_rules(all_rules: dict[str, Rule], settings) -> list[Rule]:
    from emslint.settings import rule_selected

    return [rule for rule in all_rules.values() if rule_selected(settings, rule)]


def severity_overrides(all_rules: dict[str, Rule], settings) -> dict[str, Severity]:
    from emslint.settings import severity_override

    overrides = {}
    for rule in all_rules.values():
        value = severity_override(settings, rule)
        if value is not None:
            overrides[rule.id] = Severity.parse(value)
    return overrides


def lint_options(settings, now: datetime | None = None, cipher_build: str = "default") -> LintOptions:
    return LintOptions(
        settings=settings,
        profile=settings.profile,
        now=now,
        ems_version=settings.ems_version,
        platform_java=settings.platform_java,
        cipher_build=cipher_build,
        openssl=settings.openssl,
    )


def iter_results(
    targets: Iterable[Target], rules: list[Rule], options: LintOptions, jobs: int = 1
) -> Iterator[TargetResult]:
    """Results in target order; with jobs > 1 (and 8 targets or more) targets are spread over processes.

    ``targets`` may be an iterator (a walk still going on): it is consumed as the work proceeds.
    """
    if jobs > 1:
        targets = iter(targets)
        with stage("discover"):
            head = list(itertools.islice(targets, 8))
        if len(head) >= 8:
            from emslint.parallel import lint_in_processes

            yield from lint_in_processes(itertools.chain(head, targets), rules, options, jobs)
            return
        targets = head
    for target in _timed(targets):
        yield lint_target(target, rules, options)


def _timed(targets: Iterable[Target]) -> Iterator[Target]:
    """``targets``, the time spent producing each one counted as "discover" (a lazy walk)."""
    if isinstance(targets, list):
        yield from targets
        return
    targets = iter(targets)
    while True:
        with stage("discover"):
            target = next(targets, None)
        if target is None:
            return
        yield target


def lint(
    paths: list[str | Path],
    *,
    profile: str | None = None,
    config: str | Path | None = None,
    now: datetime | None = None,
    include_templates: bool | None = None,
    ems_version: str | None = None,
    platform_java: int | None = None,
    jobs: int = 1,
) -> LintReport:
    """Lint the deployments under `paths` (folders or config files) and return every result."""
    from emslint.rules.catalogue import load_rules
    from emslint.settings import find_settings_file, load_settings, merge_cli

    str_paths = [str(p) for p in paths]
    settings_file = Path(config) if config else find_settings_file(Path(str_paths[0]) if str_paths else Path.cwd())
    settings = merge_cli(
        load_settings(settings_file),
        profile=profile,
        include_templates=include_templates,
        ems_version=ems_version,
        platform_java=platform_java,
    )
    all_rules = load_rules(str(settings.extra_rules) if settings.extra_rules else None)
    rules = select_rules(all_rules, settings)
    options = lint_options(settings, now)
    options.severity_overrides = severity_overrides(all_rules, settings)
    targets, problems = discover(str_paths, include_templates=settings.include_templates)
    results = list(iter_results(targets, rules, options, jobs))
    return LintReport(results, {r.id: r for r in rules}, problems)
