"""The library API: lint deployments from Python and get typed results.

    from emslint import lint
    report = lint(["fleet/gw-001", "fleet/gw-002"], profile="production")
    for target in report.targets:
        print(target.path, target.verdict.state, [f.rule for f in target.findings])

`lint` runs the same pipeline as ``emslint check`` (:mod:`emslint.pipeline`), without printing. Keyword
arguments are settings (:data:`emslint.settings.options.OPTIONS`) and win over settings files, as command-line
flags do. To shard a fleet over an engine you already run (GNU parallel, a Dask bag, a Spark job), hand each
worker a slice of the deployment folders; results are plain dataclasses (``TargetResult.to_dict()`` gives JSON).
See docs/library.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from emslint.errors import Usage
from emslint.filters.baseline import absorb, load_baseline, stale_entries
from emslint.model import TargetResult
from emslint.pipeline import plan, results
from emslint.rules.catalogue import rule_set
from emslint.rules.model import Rule
from emslint.settings import SettingsResolver


@dataclass(slots=True)
class LintReport:
    targets: list[TargetResult]
    rules: dict[str, Rule]  # every rule the deployments were judged by, by id
    problems: list[str] = field(default_factory=list)  # paths that could not be used (one line each)
    stale_baseline: list[dict[str, Any]] = field(default_factory=list)


def lint(
    paths: list[str | Path],
    *,
    config: str | Path | None = None,
    isolated: bool = False,
    now: datetime | None = None,
    baseline: str | Path | None = None,
    jobs: int = 1,
    **settings: Any,
) -> LintReport:
    """Lint the deployments under ``paths`` (folders or config files) and return every result.

    ``settings`` are setting names with their values (``profile="development"``, ``ems_version="5.4.10"``,
    ``select=["EMS1"]`` ...); an unknown name raises TypeError, a bad value :class:`emslint.errors.Usage`.
    """
    from emslint.settings import SettingsError

    try:
        resolver = SettingsResolver(settings, origin="API", config=Path(config) if config else None,
                                    isolated=isolated)
        job_plan = plan([str(p) for p in paths], resolver)
        rules = rule_set(resolver.run).by_id
    except SettingsError as exc:
        raise Usage(str(exc)) from None
    found = list(results(job_plan.jobs, now=now, workers=jobs))
    stale: list[dict[str, Any]] = []
    if baseline is not None:
        remaining = dict(load_baseline(Path(baseline)).entries)
        for result in found:
            absorb(result, remaining)
        stale = stale_entries(remaining)
    return LintReport(found, rules, job_plan.problems, stale)
