"""What the commands do, apart from parsing arguments: settings, discovery, linting, baseline, output, exit code."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from emslint.model import Level, Severity, TargetResult
from emslint.profiling import stage

if TYPE_CHECKING:
    from collections.abc import Iterable

    from emslint.discover import Target


def _usage(message: str) -> Exception:
    from emslint.errors import Usage

    return Usage(message)


@dataclass(slots=True)
class CheckRequest:
    paths: list[str]
    output_format: str = "text"
    output: Path | None = None
    fail_on: str | None = None
    require_level: str | None = None
    profile: str | None = None
    include_templates: bool | None = None
    ems_version: str | None = None
    platform_java: int | None = None
    cipher_build: str = "default"
    openssl: str | None = None
    config: Path | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    jobs: int | None = None
    project: bool = False
    automation_id: str | None = None
    exit_zero: bool = False
    color: bool | None = None
    progress: bool | None = None
    now: datetime | None = None
    extra: dict = field(default_factory=dict)


def _load_settings(request: CheckRequest):
    from emslint.settings import SettingsError, find_settings_file, load_settings, merge_cli

    try:
        if request.config is not None:
            if not request.config.is_file():
                raise _usage(f"--config: no such file: {request.config}")
            path = request.config
        else:
            start = Path(request.paths[0]) if request.paths else Path.cwd()
            path = find_settings_file(start if start.is_dir() else start.parent)
        settings = load_settings(path)
        cli_values = {
            "profile": request.profile,
            "fail_on": request.fail_on,
            "require_level": request.require_level,
            "include_templates": request.include_templates,
            "ems_version": request.ems_version,
            "platform_java": request.platform_java,
            "openssl": request.openssl,
            "jobs": request.jobs,
        }
        if request.select:
            cli_values["select"] = request.select
        if request.ignore:
            cli_values["ignore"] = list(settings.ignore) + list(request.ignore)
        return merge_cli(settings, **cli_values)
    except SettingsError as exc:
        raise _usage(str(exc)) from None


def _fails(results: list[TargetResult], fail_on: str, require_level: str | None) -> bool:
    if fail_on != "never":
        threshold = Severity.parse(fail_on)
        threshold = max(threshold, Severity.LOW)  # info never fails a run
        if any(f.severity >= threshold for r in results for f in r.findings):
            return True
    if require_level:
        required = Level.parse(require_level)
        if any(r.level is not None and r.level < required for r in results):
            return True
    return False


def _default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _show_progress(request: CheckRequest, count: int) -> bool:
    if request.progress is not None:
        return request.progress
    return count >= 20 and _may_show_progress(request)


def _may_show_progress(request: CheckRequest) -> bool:
    """Whether a bar could be drawn at all; it needs the number of targets, so discovery cannot stream then."""
    if request.progress is not None:
        return request.progress
    return sys.stderr.isatty() and not os.environ.get("CI")


def run_check(request: CheckRequest) -> int:
    from emslint.api import iter_results, lint_options, select_rules, severity_overrides
    from emslint.rules.catalogue import RuleFileError, load_rules

    paths = ["."] if request.project or not request.paths else request.paths
    request.paths = paths
    with stage("settings"):
        settings = _load_settings(request)
    try:
        with stage("rules-load"):
            all_rules = load_rules(str(settings.extra_rules) if settings.extra_rules else None)
    except RuleFileError as exc:
        raise _usage(str(exc)) from None
    rules = select_rules(all_rules, settings)
    options = lint_options(settings, request.now, request.cipher_build)
    options.severity_overrides = severity_overrides(all_rules, settings)

    targets, problems = _discover(request, settings)
    baseline = _load_baseline(request)
    jobs = settings.jobs or request.jobs or _default_jobs()
    out = _open_output(request.output)
    try:
        total = len(targets) if isinstance(targets, list) else 0
        # A bar redraws the terminal: the text report then waits for the last result, as it did before.
        report = _Report(request, settings, all_rules, out, stream_text=not _show_progress(request, total))
        tally = _Tally(settings, baseline)
        for result in _with_progress(iter_results(targets, rules, options, jobs), total, request):
            result = tally.add(result)
            report.add(result)
        if request.write_baseline is not None:
            from emslint.baseline import write_baseline

            write_baseline(report.results, request.write_baseline)
            sys.stderr.write(f"emslint: wrote {sum(len(r.findings) for r in report.results)} finding(s) "
                             f"to {request.write_baseline}\n")
            return 0
        report.finish(problems, tally.stale())
    finally:
        if out is not sys.stdout:
            out.close()
    if not tally.count and not problems:
        sys.stderr.write("emslint: no EMS or LSR configuration found\n")
    if tally.not_analysed or problems:  # a target, or a path given on the command line, was not fully analysed
        return 2
    if tally.failed and not request.exit_zero:
        return 1
    return 0


def _discover(request: CheckRequest, settings) -> tuple[Iterable[Target], list[str]]:
    """The targets, as an iterator when one folder is walked while it is linted, else a list; and the
    problems list (a streamed walk may still add to it: read it after the last result)."""
    from emslint.discover import discover

    with stage("discover"):
        targets, problems = discover(request.paths, include_templates=settings.include_templates, lazy=True)
        missing = [p for p in problems if p.endswith("no such file or folder")]
        if (missing or _may_show_progress(request)) and not isinstance(targets, list):
            targets = list(targets)
    if missing and not targets:
        raise _usage(missing[0])
    return targets, problems


def _load_baseline(request: CheckRequest):
    if request.baseline is None:
        return None
    from emslint.baseline import BaselineError, load_baseline

    try:
        return load_baseline(request.baseline)
    except BaselineError as exc:
        raise _usage(str(exc)) from None


class _Tally:
    """What the exit code and the stale-baseline notice need, counted result by result (no result is kept)."""

    def __init__(self, settings, baseline) -> None:
        self.fail_on = settings.fail_on
        self.require_level = settings.require_level
        self.baseline = baseline
        self.remaining = dict(baseline.entries) if baseline is not None else None
        self.count = 0
        self.failed = False
        self.not_analysed = False

    def add(self, result: TargetResult) -> TargetResult:
        """Count ``result``; returns it with the baselined findings removed."""
        self.count += 1
        if self.baseline is not None:
            from emslint.baseline import absorb, filter_result

            absorb(result, self.remaining)  # stale entries are judged on the unfiltered results
            result = filter_result(result, self.baseline)
        self.failed = self.failed or _fails([result], self.fail_on, self.require_level)
        self.not_analysed = self.not_analysed or not result.analysed
        return result

    def stale(self) -> list[dict] | None:
        if self.remaining is None:
            return None
        from emslint.baseline import stale_entries

        return stale_entries(self.remaining)


class _Report:
    """Writes the report: jsonl and text as each result arrives, the other formats (and a baseline) at the end."""

    def __init__(self, request: CheckRequest, settings, all_rules, out: TextIO, *, stream_text: bool) -> None:
        self.request, self.settings, self.all_rules, self.out = request, settings, all_rules, out
        self.results: list[TargetResult] = []
        fmt = request.output_format if request.write_baseline is None else None
        self.jsonl = fmt == "jsonl"
        self.text = None
        if fmt == "text":
            from emslint.report.text import TextReport

            color = request.color
            if color is None and out is not sys.stdout:
                color = False
            with stage("output"):
                self.text = TextReport(out, color=color)
                self.text.begin()
        self.stream_text = stream_text

    def add(self, result: TargetResult) -> None:
        if self.jsonl:
            from emslint.report.json_report import render_jsonl_line

            with stage("output"):
                self.out.write(render_jsonl_line(result, profile=self.settings.profile))
                self.out.flush()
        elif self.text is not None and self.stream_text:
            with stage("output"):
                self.text.target(result)
        else:
            self.results.append(result)

    def finish(self, problems: list[str], stale: list[dict] | None) -> None:
        if self.jsonl:
            return
        with stage("output"):
            if self.text is not None:
                for result in self.results:  # held back while a progress bar was drawn
                    self.text.target(result)
                from emslint.facts.ciphers import model_line

                self.text.end(problems, [model_line(self.settings.ems_version, self.settings.openssl)])
            else:
                _render(self.request, self.settings, self.results, self.all_rules, problems, stale, self.out)
        if stale:
            sys.stderr.write(f"emslint: {len(stale)} baseline entr{'y is' if len(stale) == 1 else 'ies are'} stale "
                             "(fixed); rewrite the baseline with --write-baseline\n")


def _with_progress(results, total: int, request: CheckRequest):
    if not _show_progress(request, total):
        yield from results
        return
    from rich.console import Console
    from rich.progress import Progress

    results = iter(results)
    first = next(results, None)  # the workers are forked by now: the bar's refresh thread must not be
    if first is None:
        return
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("linting", total=total)
        progress.advance(task)
        yield first
        for result in results:
            progress.advance(task)
            yield result


def _open_output(path: Path | None) -> TextIO:
    if path is None:
        return sys.stdout
    try:
        return path.open("w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise _usage(f"--output: cannot write {path}: {exc.strerror or exc}") from None


def _render(request, settings, results, all_rules, problems, stale, out) -> None:
    """json, sarif and github: the whole report at once (text and jsonl are written as results arrive)."""
    fmt = request.output_format
    if fmt == "json":
        from emslint.report.json_report import render_json

        out.write(render_json(results, profile=settings.profile, problems=problems, stale_baseline=stale))
    elif fmt == "sarif":
        from emslint import __version__
        from emslint.report.sarif import render_sarif

        fired = {f.rule for r in results for f in r.findings}
        notes = [{"level": "error", "message": p, "file": None} for p in problems]
        out.write(
            render_sarif(results, {k: v for k, v in all_rules.items() if k in fired}, version=__version__,
                         automation_id=request.automation_id, notifications=notes,
                         base_dir=os.environ.get("GITHUB_WORKSPACE") or os.getcwd())
        )
    elif fmt == "github":
        from emslint.report.github import render_github

        out.write(render_github(results, all_rules))


def run_rules(output_format: str, config: Path | None) -> int:
    import json

    from emslint.rules.catalogue import RuleFileError, load_rules

    extra = None
    if config is not None:
        from emslint.settings import SettingsError, load_settings

        try:
            settings = load_settings(config)
        except SettingsError as exc:
            raise _usage(str(exc)) from None
        extra = str(settings.extra_rules) if settings.extra_rules else None
    try:
        rules = load_rules(extra)
    except RuleFileError as exc:
        raise _usage(str(exc)) from None
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "severity": r.severity.label,
            "link": r.link,
            "caps": r.caps.label if r.caps else None,
            "group": r.group,
            "summary": r.summary,
        }
        for r in sorted(rules.values(), key=lambda r: r.id)
    ]
    if output_format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    if output_format != "text":
        raise _usage("--format must be text or json")
    for row in rows:
        cap = f"caps {row['link']}->{row['caps']}" if row["caps"] else ""
        sys.stdout.write(f"{row['id']}  {row['name']:<40} {row['severity']:<8} {cap:<26} {row['summary']}\n")
    return 0


def run_rule(key: str, output_format: str) -> int:
    from emslint.rules.catalogue import load_rules
    from emslint.rules.docs import rule_help_markdown, rule_help_text

    rules = load_rules(None)
    rule = rules.get(key.upper()) or next((r for r in rules.values() if r.name == key), None)
    if rule is None:
        import difflib

        names = [r.name for r in rules.values()] + list(rules)
        close = difflib.get_close_matches(key, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise _usage(f"no rule {key!r}{hint}")
    if output_format == "markdown":
        sys.stdout.write(rule_help_markdown(rule) + "\n")
    elif output_format == "text":
        sys.stdout.write(rule_help_text(rule) + "\n")
    else:
        raise _usage("--format must be text or markdown")
    return 0


_SECRET_NAME = re.compile(r"pas+w|pas+phr|pwd|app_?key|secret|token|credential", re.IGNORECASE)
_GUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_MASKED_SECTIONS = {"ems": ("ems", "ems_raw"), "ems-booted": ("ems", "ems_raw"), "lsr": ("lsr", "lsr_raw")}


def _mask(doc: dict, secrets: list[dict]) -> None:
    """Replace every secret value in the config sections of a facts document by a fixed mask.

    The EMS sections come from config.json.booted when there is no config.json, so its secrets are masked
    there too. Beyond the schema's secret paths, values under a secret-like name anywhere (a misspelt key,
    an INI-style ``http_server.password``, a copy nested elsewhere) and GUID-shaped strings (application
    keys) are masked as well: the facts document is printed whole.
    """
    from emslint.rules.engine import walk

    for item in secrets:
        if item.get("kind") != "secret":
            continue
        pointer = item["at"]["pointer"]
        if item["at"]["file"] == "lsr":
            pointer = pointer.removeprefix("/scripts")
        for section in _MASKED_SECTIONS.get(item["at"]["file"], ()):
            for path, _ in walk(doc, f"/{section}{pointer}"):
                node = doc
                for token in path[:-1]:
                    node = node[token]
                node[path[-1]] = "***"
    for section in ("ems", "ems_raw", "lsr", "lsr_raw"):
        doc[section] = _mask_values(doc.get(section), secret=False)


def _mask_values(value: object, *, secret: bool) -> object:
    if isinstance(value, dict):
        if "$unknown" in value and len(value) == 1:
            # Why a Lua value is not statically known; it names the expression (an unquoted password reads
            # as a global variable of that name), so it is masked under a secret name too.
            return {"$unknown": "***"} if secret else value
        return {
            k: _mask_values(v, secret=secret or bool(_SECRET_NAME.search(str(k)))) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_values(v, secret=secret) for v in value]
    if isinstance(value, str):
        return "***" if secret or _GUID.search(value) or "appkey=" in value.lower() else value
    if secret and value is not None and not isinstance(value, bool):
        return "***"  # a number where a secret was meant
    return value


def run_facts(paths: list[str], now: datetime | None) -> int:
    """Print the facts document of each target (for rule authors); secret values are masked."""
    import json

    from emslint.discover import discover
    from emslint.facts.build import FactOptions, build_facts
    from emslint.facts.sources import Sources
    from emslint.lint import read_config

    targets, problems = discover(paths or ["."])
    if problems and not targets:
        raise _usage(problems[0])
    documents = []
    for target in targets:
        sources = Sources([read_config(f) for f in target.files])
        doc = build_facts(target, sources, FactOptions(now=now))
        _mask(doc, doc["secrets"])
        documents.append({"target": target.display, "facts": doc})
    sys.stdout.write(json.dumps(documents, indent=2, default=str) + "\n")
    return 0
