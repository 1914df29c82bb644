"""Writes a run's reports: text and jsonl as each result arrives, the other formats at the end.

One run may write several reports (the stdout format and ``--report FORMAT:PATH`` ones); each is an
:class:`Output` with its own stream. Only the formats that need the whole run (json, sarif, github, html,
junit, gitlab) hold results.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from emslint import __version__
from emslint.filters.gate import Gate
from emslint.model import TargetResult
from emslint.profiling import stage
from emslint.report.json_report import render_json, render_jsonl_line
from emslint.report.statistics import Statistics
from emslint.report.text import TextReport
from emslint.rules.model import Rule
from emslint.settings.model import Settings

STREAMED = ("text", "concise", "jsonl")


@dataclass(slots=True)
class RunInfo:
    """What the whole-run formats say about the run besides its results."""

    profile: str
    automation_id: str | None = None
    notices: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)  # the run's (junit: fail_on, require_level, selection)
    show_fixes: bool = False  # the text report says what each fix does
    fixes: bool = False  # fixes were worked out (settings.fixes_wanted): a finding without one has none


class Output:
    """One report in one format on one stream."""

    def __init__(self, fmt: str, stream: TextIO, rules: Mapping[str, Rule], info: RunInfo, *,
                 color: bool | None = None, hold_text: bool = False, quiet: bool = False) -> None:
        """``fmt`` is a format of ``--format``, or ``statistics`` (counts per rule); ``quiet`` (text, concise):
        only what fails the run, and the summary."""
        self.fmt, self.stream, self.rules, self.info = fmt, stream, rules, info
        self.results: list[TargetResult] = []
        self.text: TextReport | None = None
        self.statistics: Statistics | None = Statistics(stream) if fmt == "statistics" else None
        self.hold_text = hold_text  # a progress bar is drawn: the text waits for the last result
        self.fixed: dict[str, int] | None = None  # --fix: fixes applied and files changed (json)
        if fmt in ("text", "concise"):
            if color is None and stream is not sys.stdout:
                color = False
            gate = Gate(info.settings.fail_on, info.settings.require_level) if quiet else None
            with stage("output"):
                self.text = TextReport(stream, color=color, concise=fmt == "concise", width=_terminal_width(stream),
                                       quiet=gate, show_fixes=info.show_fixes,
                                       fixable_rules=None if info.fixes else
                                       frozenset(rid for rid, rule in rules.items() if rule.fixes))

    def add(self, result: TargetResult) -> None:
        with stage("output"):
            if self.statistics is not None:
                self.statistics.add(result)
            elif self.fmt == "jsonl":
                self.stream.write(render_jsonl_line(result, profile=self.info.profile))
                self.stream.flush()
            elif self.text is not None and not self.hold_text:
                self.text.target(result)
            else:
                self.results.append(result)

    def finish(self, problems: list[str], stale: list[dict[str, Any]] | None) -> None:
        """Write what comes after the last target (the whole document for json, sarif, html ...; the summary for
        text)."""
        with stage("output"):
            if self.statistics is not None:
                self.statistics.finish()
            if self.fmt in ("jsonl", "statistics"):
                return
            if self.text is not None:
                for result in self.results:
                    self.text.target(result)
                self.text.end(problems, self.info.notices)
            elif self.fmt == "json":
                self.stream.write(render_json(self.results, profile=self.info.profile, problems=problems,
                                              stale_baseline=stale, notices=list(self.info.notices),
                                              fixed=self.fixed, fixes=self.info.fixes))
            elif self.fmt == "sarif":
                from emslint.report.sarif import render_sarif

                fired = {f.rule for r in self.results for f in r.all_findings()}
                notes = [{"level": "error", "message": p, "file": None} for p in problems]
                notes += [{"level": "note", "message": n, "file": None} for n in self.info.notices]
                self.stream.write(render_sarif(
                    self.results, {k: v for k, v in self.rules.items() if k in fired}, version=__version__,
                    automation_id=self.info.automation_id, notifications=notes,
                    base_dir=os.environ.get("GITHUB_WORKSPACE") or os.getcwd()))
            elif self.fmt == "github":
                from emslint.report.github import render_github

                self.stream.write(render_github(self.results, self.rules))
            elif self.fmt == "html":
                from emslint.report.html import render_html

                self.stream.write(render_html(self.results, self.rules, version=__version__,
                                              profile=self.info.profile, notices=self.info.notices,
                                              problems=problems))
            elif self.fmt == "junit":
                from emslint.report.junit import render_junit

                self.stream.write(render_junit(self.results, self.rules, self.info.settings))
            elif self.fmt == "gitlab":
                from emslint.report.gitlab import render_gitlab

                self.stream.write(render_gitlab(self.results, base_dir=os.environ.get("CI_PROJECT_DIR") or os.getcwd()))


def _terminal_width(stream: TextIO) -> int | None:
    """The terminal's columns when the report goes to one (messages are wrapped to it), else None."""
    try:
        if not stream.isatty():
            return None
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return None
