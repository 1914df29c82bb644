"""The pipeline, top to bottom. The command line (:mod:`emslint.check`) and the library API (:func:`emslint.lint`)
both run exactly this sequence; nothing else decides what a deployment's findings and levels are.

    discover   paths -> deployments (Target), each with the settings nearest to it        :func:`plan`
    read       config files -> data with positions, as the EMS and the LSR read them       :func:`read_target`
    inspect    referenced certificates, keys, CA lists, file modes, the cipher list        facts.build.inspect_target
    facts      everything above -> one plain JSON document (schemas/facts.schema.json)     facts.build.assemble
    rules      every rule's conditions over the facts -> located findings                  rules.engine.evaluate
    levels     every finding -> the level of each link and of the deployment               levels
    filters    suppressions, per-path ignores, severity, selection (per target);           filters.filter_target
               baseline and the gate (per run)                                             filters.baseline, .gate
    report     text, json, jsonl, sarif, github                                            report.*

:func:`lint_job` runs read -> filters for one deployment; :func:`results` runs it for every deployment of a run,
in order, in worker processes when there are many.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emslint import debug, run_memo
from emslint.discover import Target, discover
from emslint.facts.build import assemble, effective_configs, inspect_target
from emslint.facts.ciphers import deployment_openssl
from emslint.filters import filter_target
from emslint.levels import assign_links, deployment_verdict, link_verdicts, present_links
from emslint.model import ABSENT, FILE_LINKS, Finding, TargetKind, TargetResult
from emslint.profiling import stage
from emslint.read.configs import read_config
from emslint.read.result import ReadIssue
from emslint.read.sources import SourceFile, Sources
from emslint.records import store_for_this_process
from emslint.rules.catalogue import RuleSet, rule_set
from emslint.rules.engine import evaluate
from emslint.settings.model import Settings
from emslint.settings.resolve import SettingsResolver
from emslint.user_cache import CacheFolder


@dataclass(frozen=True, slots=True)
class Job:
    """One deployment to lint, with the settings that govern it."""

    target: Target
    settings: Settings
    excerpts: bool = False  # keep masked source lines around each finding (emslint.report.excerpt)
    records: bool = False  # keep and use records of inspections between runs (emslint.records)


@dataclass(slots=True)
class Plan:
    """The jobs of a run (an iterator while a folder is still being walked) and the paths that could not be used
    (one line each; a walk still running may add to it, so read it after the last job)."""

    jobs: Iterable[Job]
    problems: list[str]


# ---- discover -------------------------------------------------------------------------------------------


def plan(paths: list[str], resolver: SettingsResolver, *, lazy: bool = False, excerpts: bool = False) -> Plan:
    """The deployments under ``paths``, each paired with the settings nearest to it (settings errors raise
    :class:`emslint.settings.SettingsError` here, in the calling process, before any worker sees them)."""
    run = resolver.run
    with stage("discover"):
        targets, problems = discover(paths, include_templates=run.include_templates, lazy=lazy,
                                     exclude=run.exclude or None, extend_exclude=run.extend_exclude)

    def jobs() -> Iterator[Job]:
        for target in targets:
            settings = resolver.for_target(target.root)
            rule_set(settings)  # loads and validates the rules and selectors these settings name
            yield Job(target, settings, excerpts)

    return Plan(jobs() if not isinstance(targets, list) else list(jobs()), problems)


# ---- one deployment: read -> filters ---------------------------------------------------------------------


def lint_job(job: Job, now: datetime | None = None) -> TargetResult:
    """Read, inspect, judge and filter one deployment. Never raises: an internal error is a finding (EMS900)
    that leaves the deployment's level unknown."""
    target, settings = job.target, job.settings
    rules = rule_set(settings)
    sources: Sources | None = None
    errors: list[str] = []
    analysed = True
    facts: dict[str, Any] | None = None
    now = now or datetime.now().astimezone()
    try:
        sources = read_target(target, settings)
        facts = facts_of(target, sources, settings, now, store_for_this_process() if job.records else None)
        with stage("rules"):
            findings = evaluate(rules.all, facts, sources, profile=settings.profile)
    except Exception as exc:  # an internal error in one target must not stop the others
        debug.report(exc, target.display)
        if sources is None:
            sources = Sources([SourceFile(f.role, f.display, None, []) for f in target.files])
        issue = ReadIssue("internal-error", f"analysis stopped by an internal error ({type(exc).__name__})", 1, 1)
        first = sources.first()
        findings = meta_findings(rules, sources, [issue], first.role if first else "ems", settings)
        analysed = False
        errors.append(f"{target.display}: internal error ({type(exc).__name__}); analysis incomplete")
    # a config.json of another program is no part of it; a backup copy configures nothing (FILE_LINKS)
    live = [s for s in sources.files if not s.foreign and s.role in FILE_LINKS]
    errors.extend(f"{s.display}: could not be read; the deployment is only partly analysed"
                  for s in live if s.result is None)

    # levels: from every finding, before any filter
    present = present_links(s.role for s in live)
    assign_links(findings, {s.display: s.role for s in sources.files}, present)
    links = link_verdicts(findings, present)
    verdict = deployment_verdict(links)

    # filters (per target)
    today = now.date()
    shown, hidden = filter_target(findings, sources, settings, rules.by_id, today,
                                  lambda issues, role: meta_findings(rules, sources, issues, role, settings))
    if facts is not None and analysed and settings.fixes_wanted:  # what --fix would do, checked by linting again
        from emslint.fixes.plan import plan_fixes

        with stage("fixes"):
            editable = {f.display: f.path for f in target.files if not f.template}
            plan_fixes(target.root, editable, sources, facts, shown, [*shown, *hidden], rules.by_id,
                       lambda: all_findings(job, now))
    kind: TargetKind = "not-ems" if not live and sources.files else "deployment"
    result = TargetResult(
        path=target.display,
        files=[f.display for f in target.files],
        findings=shown,
        links=links if kind == "deployment" else {k: ABSENT for k in links},
        verdict=verdict if kind == "deployment" else ABSENT,
        analysed=analysed,
        errors=errors,
        suppressed=hidden,
        kind=kind,
        openssl=deployment_openssl(settings, (s.role for s in live)) if kind == "deployment" else None,
    )
    if job.excerpts:
        from emslint.report.excerpt import source_excerpts

        result.excerpts = source_excerpts(sources, result.all_findings())
    return result


def read_target(target: Target, settings: Settings) -> Sources:
    """The read stage for every config file of ``target``."""
    return Sources([
        read_config(f, ems_version=settings.ems_version, inline_suppressions=settings.inline_suppressions,
                    allowed_roots=(target.scan_root, *settings.allow_outside))
        for f in target.files
    ])


def judge(target: Target, sources: Sources, settings: Settings, rules: RuleSet, now: datetime) -> list[Finding]:
    """inspect -> facts -> rules: every finding of every rule (the selection is a filter, applied later)."""
    facts = facts_of(target, sources, settings, now)
    with stage("rules"):
        return evaluate(rules.all, facts, sources, profile=settings.profile)


def facts_of(target: Target, sources: Sources, settings: Settings, now: datetime,
             store: CacheFolder | None = None) -> dict[str, Any]:
    """inspect -> facts: the facts document of a deployment (with a ``store``: inspections may come from records)."""
    effective = effective_configs(sources, settings)
    inspection = inspect_target(target, sources, effective, settings, now, store)
    with stage("facts"):
        return assemble(target, sources, effective, inspection, settings)


def all_findings(job: Job, now: datetime) -> list[Finding]:
    """Every finding of a deployment after the filters, shown and hidden (the filters' own included): what a
    fix is checked against, with its files overlaid (emslint.fixes.overlay)."""
    rules = rule_set(job.settings)
    sources = read_target(job.target, job.settings)
    findings = judge(job.target, sources, job.settings, rules, now)
    shown, hidden = filter_target(findings, sources, job.settings, rules.by_id, now.date(),
                                  lambda issues, role: meta_findings(rules, sources, issues, role, job.settings))
    return [*shown, *hidden]


def meta_findings(rules: RuleSet, sources: Sources, issues: list[ReadIssue], where: str,
                  settings: Settings) -> list[Finding]:
    """Findings of the meta rules (EMS9xx) for issues found outside the read stage, at file ``where`` (a role or a
    display path)."""
    if not issues:
        return []
    items = [{"at": {"file": where, "pointer": i.pointer, "line": i.line, "column": i.column}, "code": i.code,
              "detail": i.message} for i in issues]
    return evaluate(rules.meta, {"issues": items}, sources, profile=settings.profile)


# ---- the run --------------------------------------------------------------------------------------------


FLEET = 8  # deployments: a run of this many or more is a fleet (worker processes, no records)


def results(jobs: Iterable[Job], *, now: datetime | None = None, workers: int = 1) -> Iterator[TargetResult]:
    """Results in job order; with ``workers`` > 1 and a :data:`FLEET` of deployments spread over processes.
    ``jobs`` may be an iterator (a walk still going on): it is consumed as the work proceeds.

    A small run (pre-commit, a repository of a few gateways) keeps records of its key-material inspections and
    cipher-list evaluations between runs (:mod:`emslint.records`); a fleet does not: its deployments differ, so
    records would cost time and disk and save nothing."""
    run_memo.forget()  # what was learnt of folders in an earlier run no longer holds
    jobs = iter(jobs)
    with stage("discover"):
        head = list(itertools.islice(jobs, FLEET))
    if len(head) < FLEET:
        for job in head:
            yield lint_job(dataclasses.replace(job, records=True), now)
        return
    if workers > 1:
        from emslint.parallel import lint_in_processes  # only fleets pay for multiprocessing's import

        yield from lint_in_processes(itertools.chain(head, jobs), lint_job, now, workers)
        return
    for job in _timed(itertools.chain(head, jobs)):
        yield lint_job(job, now)


def _timed(jobs: Iterable[Job]) -> Iterator[Job]:
    """``jobs``, the time spent producing each one counted as "discover" (a lazy walk)."""
    if isinstance(jobs, list):
        yield from jobs
        return
    iterator = iter(jobs)
    while True:
        with stage("discover"):
            job = next(iterator, None)
        if job is None:
            return
        yield job
