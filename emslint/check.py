"""``emslint check``: the pipeline (:mod:`emslint.pipeline`) run over the paths, the run-wide filters (baseline,
gate), the reports, and the exit code with a one-line reason.

Exit codes: 0 nothing fails the run; 1 a shown finding at or above ``fail_on``, or a deployment below
``require_level`` (or unknown); 2 a usage error, a path or config that could not be used, an incomplete
analysis, or nothing to lint.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from emslint.discover import discover
from emslint.errors import Usage
from emslint.facts.context import ContextTally
from emslint.filters.gate import Gate
from emslint.model import TargetResult
from emslint.pipeline import Job, Plan, lint_job, plan, results
from emslint.printable import escape_unsafe
from emslint.report.writer import Output, RunInfo
from emslint.rules.catalogue import rule_set
from emslint.rules.model import RuleFileError
from emslint.settings import SettingsError, SettingsResolver
from emslint.settings.model import Settings
from emslint.settings.show import show_settings_per_file

if TYPE_CHECKING:
    from emslint.filters.baseline import Baseline
    from emslint.fixes.runner import FixRun

FORMATS = ("text", "concise", "json", "jsonl", "sarif", "github", "html", "junit", "gitlab")


@dataclass(slots=True)
class CheckOptions:
    """What ``check`` does with a run beyond the settings: where reports go, baselines, terminal niceties."""

    paths: list[str] = field(default_factory=list)
    output: Path | None = None
    reports: list[tuple[str, Path]] = field(default_factory=list)  # extra (format, path) reports of the same run
    baseline: Path | None = None
    write_baseline: Path | None = None
    automation_id: str | None = None
    exit_zero: bool = False
    color: bool | None = None
    progress: bool | None = None
    now: datetime | None = None
    quiet: bool = False  # text: only what fails the run, and the summary
    statistics: bool = False  # counts per rule instead of the findings
    diff: bool = False  # print what the fixes would change instead of a report; write nothing


def run_check(options: CheckOptions, resolver: SettingsResolver) -> int:
    """Lint, report and return the exit code. Usage problems raise :class:`Usage` (exit 2)."""
    paths = options.paths or ["."]
    settings = resolver.run
    try:
        job_plan = plan(paths, resolver, lazy=not _may_show_progress(options),
                        excerpts=_wants_excerpts(options, settings))
        rules = rule_set(settings).by_id
    except (SettingsError, RuleFileError) as exc:
        raise Usage(str(exc)) from None
    missing = [p for p in job_plan.problems if p.endswith("no such file or folder")]
    if missing and isinstance(job_plan.jobs, list) and not job_plan.jobs:
        raise Usage(missing[0])
    baseline = _load_baseline(options.baseline)
    workers = settings.jobs or _default_workers()
    total = len(job_plan.jobs) if isinstance(job_plan.jobs, list) else 0

    fixing = _fix_run(options, settings)
    outputs = [] if options.diff else _open_outputs(options, settings, rules, hold_text=_show_progress(options, total))
    gate = Gate(settings.fail_on, settings.require_level)
    remaining = dict(baseline.entries) if baseline is not None else None
    recorded: list[TargetResult] = []
    contexts = ContextTally()  # one run notice when file modes were not checked somewhere
    count = 0
    not_analysed = False
    now = options.now or datetime.now().astimezone()
    jobs: deque[Job] = deque()
    try:
        for result in _with_progress(_guarded(job_plan, results(_kept(_tallied(job_plan.jobs, contexts), jobs, fixing),
                                                                now=now, workers=workers)), total, options):
            if fixing is not None:  # --fix / --diff: this deployment fixed (or its diff shown) before it counts
                job = jobs.popleft()
                result = fixing.process(result, partial(lint_job, job, now),
                                        {f.display: f.role for f in job.target.files})
            count += 1
            if remaining is not None:
                from emslint.filters.baseline import absorb  # only with --baseline (docs/decisions/0003)

                absorb(result, remaining)
            gate.add(result)
            not_analysed = not_analysed or not result.analysed
            if options.write_baseline is not None:
                recorded.append(result)
                continue
            for output in outputs:
                output.add(result)
        if options.write_baseline is not None:
            return _write_baseline(recorded, options.write_baseline)
        stale = None
        if remaining is not None:
            from emslint.filters.baseline import stale_entries

            stale = stale_entries(remaining)
        for info in {id(o.info): o.info for o in outputs}.values():
            info.notices += contexts.notices()
        for output in outputs:
            output.fixed = {"fixes": fixing.fixes, "files": fixing.files} if fixing and fixing.write else None
            output.finish(job_plan.problems, stale)
    finally:
        for output in outputs:
            if output.stream is not sys.stdout:
                output.stream.close()
    if stale:
        _say(f"{len(stale)} baseline entr{'y is' if len(stale) == 1 else 'ies are'} stale (fixed); "
             "rewrite the baseline with --write-baseline")
    if fixing is not None:
        code = _fix_exit(fixing, options)
        if code is not None:
            return code
    return _exit_code(paths, job_plan, gate, count, not_analysed, options)


def show_settings_for(paths: list[str], resolver: SettingsResolver) -> str:
    """``check PATH... --show-settings``: the settings ``check`` would use for each deployment under ``paths`` (the
    file nearest it; run settings from the working folder's), one block per settings file with the deployments it
    governs; a path without a deployment shows the settings nearest it. A missing path or a bad settings file
    raises :class:`Usage`."""
    run = resolver.run
    blocks: dict[int, tuple[list[str], Settings]] = {}  # settings object (one per file) -> deployments, settings
    extra: list[tuple[str, Settings]] = []
    seen: set[Path] = set()
    try:
        for path in paths:
            targets, problems = discover([path], include_templates=run.include_templates, exclude=run.exclude or None,
                                         extend_exclude=run.extend_exclude)
            if not targets and problems:
                raise Usage(problems[0])
            if not targets:
                folder = Path(path) if Path(path).is_dir() else Path(path).parent
                extra.append((f"# no deployment under {path}: the settings nearest it", resolver.for_target(folder)))
            for target in (t for t in targets if t.root not in seen):
                seen.add(target.root)
                settings = resolver.for_target(target.root)
                blocks.setdefault(id(settings), ([], settings))[0].append(target.display)
    except SettingsError as exc:
        raise Usage(str(exc)) from None
    return show_settings_per_file([*blocks.values(), *extra])


def _fix_run(options: CheckOptions, settings: Settings) -> FixRun | None:
    """The --fix / --diff state of a run (None without them): --diff wins and writes nothing."""
    if not (settings.fix or options.diff):
        return None
    from emslint.fixes.runner import FixRun  # ~10 ms of imports (difflib, the edit builders) only for --fix/--diff

    return FixRun(write=not options.diff, unsafe=settings.unsafe_fixes, diff=sys.stdout if options.diff else None)


def _kept(jobs: Iterable[Job], kept: deque[Job], fixing: FixRun | None) -> Iterable[Job]:
    """``jobs``, each kept in ``kept`` until its result comes back (results come in job order)."""
    if fixing is None:
        return jobs

    def keep() -> Iterator[Job]:
        for job in jobs:
            kept.append(job)
            yield job

    return keep()


def _fix_exit(fixing: FixRun, options: CheckOptions) -> int | None:
    """--diff: 1 when something would change, 0 when not; --fix: 2 when a file could not be written. None: the
    usual exit code (of the run after fixing)."""
    for error in fixing.errors:
        _say(f"error: {error}")
    for path in fixing.unconverged:
        _say(f"{path}: fixes did not settle after several rounds; run --fix again and check the result")
    _say(fixing.summary())
    if fixing.errors:
        return 2
    if options.diff:
        return 1 if fixing.files else 0
    return None


def _exit_code(paths: list[str], job_plan: Plan, gate: Gate, count: int, not_analysed: bool,
               options: CheckOptions) -> int:
    if not gate.deployments:
        where = ", ".join(paths)
        if gate.require_level:
            _say(f"no EMS, LSR or Connector deployment found under {where}: "
                 f"--require-level {gate.require_level} cannot be met")
            return 1
        _say(f"error: no EMS, LSR or Connector deployment found under {where}" + (
            f" ({count} config.json of another program)" if count else ""))
        return 2
    if not_analysed or job_plan.problems:
        _say("error: the analysis is incomplete: " + (job_plan.problems[0] if job_plan.problems
                                                      else "a deployment could not be analysed (see the report)"))
        return 2
    if gate.failed and not options.exit_zero:
        for line in gate.reasons():
            _say(f"failed: {line}")
        return 1
    return 0


def _tallied(jobs: Iterable[Job], contexts: ContextTally) -> Iterator[Job]:
    for job in jobs:
        contexts.add(job.target.root, job.settings.context)
        yield job


def _guarded(job_plan: Plan, found: Iterable[TargetResult]) -> Iterator[TargetResult]:
    """``found``, turning a settings or rule-file error met mid-walk (a nested settings file) into a usage error."""
    try:
        yield from found
    except (SettingsError, RuleFileError) as exc:
        raise Usage(str(exc)) from None


def _say(line: str) -> None:
    """One line on stderr; folder and file names in it are untrusted, so they are escaped as in every report."""
    sys.stderr.write(f"emslint: {escape_unsafe(line)}\n")


def _load_baseline(path: Path | None) -> Baseline | None:
    if path is None:
        return None
    from emslint.filters.baseline import BaselineError, load_baseline

    try:
        return load_baseline(path)
    except BaselineError as exc:
        raise Usage(str(exc)) from None


def _write_baseline(results: list[TargetResult], path: Path) -> int:
    from emslint.filters.baseline import write_baseline

    try:
        write_baseline(results, path)
    except OSError as exc:
        raise Usage(f"--write-baseline: cannot write {path}: {exc.strerror or exc}") from None
    recorded = sum(len(r.findings) + sum(1 for f in r.suppressed if f.suppressed and f.suppressed.kind == "baseline")
                   for r in results)
    _say(f"wrote {recorded} finding(s) to {path}")
    return 0


def _wants_excerpts(options: CheckOptions, settings: Settings) -> bool:
    """Whether a report shows source excerpts (html): only then do the workers keep masked lines."""
    return "html" in (settings.output_format, *(fmt for fmt, _ in options.reports))


def _open_outputs(options: CheckOptions, settings: Settings, rules: dict[str, Any], *, hold_text: bool) -> list[Output]:
    info = RunInfo(profile=settings.profile, automation_id=options.automation_id, settings=settings,
                   show_fixes=settings.show_fixes, fixes=settings.fixes_wanted)
    _refuse_shared_files([options.output, *(path for _, path in options.reports)])
    fmt = "statistics" if options.statistics else settings.output_format
    outputs = [Output(fmt, _open(options.output, "--output"), rules, info, color=options.color, hold_text=hold_text,
                      quiet=options.quiet)]
    for fmt, path in options.reports:
        outputs.append(Output(fmt, _open(path, "--report"), rules, info, color=False))
    return outputs


def _refuse_shared_files(paths: list[Path | None]) -> None:
    """Two reports written to one file would overwrite each other: a usage error before anything is written."""
    seen: set[str] = set()
    for path in paths:
        if path is None:
            continue
        key = os.path.normcase(os.path.realpath(path))
        if key in seen:
            raise Usage(f"--report: {path} is already the file of another report (--output or --report); "
                        "give each report its own file")
        seen.add(key)


def _open(path: Path | None, flag: str) -> TextIO:
    if path is None:
        return sys.stdout
    try:
        return path.open("w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise Usage(f"{flag}: cannot write {path}: {exc.strerror or exc}") from None


def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _show_progress(options: CheckOptions, count: int) -> bool:
    if options.progress is not None:
        return options.progress
    return count >= 20 and _may_show_progress(options)


def _may_show_progress(options: CheckOptions) -> bool:
    """Whether a bar could be drawn at all; it needs the number of targets, so discovery cannot stream then."""
    if options.progress is not None:
        return options.progress
    return sys.stderr.isatty() and not os.environ.get("CI")


def _with_progress(found: Iterator[TargetResult], total: int, options: CheckOptions) -> Iterator[TargetResult]:
    if not _show_progress(options, total):
        yield from found
        return
    from rich.console import Console  # only on a terminal
    from rich.progress import Progress

    first = next(found, None)  # the workers are forked by now: the bar's refresh thread must not be
    if first is None:
        return
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("linting", total=total)
        progress.advance(task)
        yield first
        for result in found:
            progress.advance(task)
            yield result
