"""Writes a run's reports: text and jsonl as each result arrives, the other formats at the end.

One run may write several reports (the stdout format and ``--report FORMAT:PATH`` ones); each is an
:class:`Output` with its own stream. Only the formats that need the whole run (json, sarif, github) hold
results.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from emslint import __version__
from emslint.model import TargetResult
from emslint.profiling import stage
from emslint.report.json_report import render_json, render_jsonl_line
from emslint.report.text import TextReport
from emslint.rules.model import Rule

STREAMED = ("text", "concise", "jsonl")


@dataclass(slots=True)
class RunInfo:
    """What the whole-run formats say about the run besides its results."""

    profile: str
    automation_id: str | None = None
    notices: tuple[str, ...] = ()
    show_fixes: bool = False  # the text report says what each fix does
    fixes: bool = False  # fixes were worked out (settings.fixes_wanted): a finding without one has none


class Output:
    """One report in one format on one stream."""

    def __init__(self, fmt: str, stream: TextIO, rules: Mapping[str, Rule], info: RunInfo, *,
                 color: bool | None = None, hold_text: bool = False) -> None:
        self.fmt, self.stream, self.rules, self.info = fmt, stream, rules, info
        self.results: list[TargetResult] = []
        self.text: TextReport | None = None
        self.hold_text = hold_text  # a progress bar is drawn: the text waits for the last result
        self.fixed: dict[str, int] | None = None  # --fix: fixes applied and files changed (json)
        if fmt in ("text", "concise"):
            if color is None and stream is not sys.stdout:
                color = False
            with stage("output"):
                self.text = TextReport(stream, color=color, concise=fmt == "concise", show_fixes=info.show_fixes,
                                       fixable_rules=None if info.fixes else
                                       frozenset(rid for rid, rule in rules.items() if rule.fixes))

    def add(self, result: TargetResult) -> None:
        with stage("output"):
            if self.fmt == "jsonl":
                self.stream.write(render_jsonl_line(result, profile=self.info.profile))
                self.stream.flush()
            elif self.text is not None and not self.hold_text:
                self.text.target(result)
            else:
                self.results.append(result)

    def finish(self, problems: list[str], stale: list[dict] | None) -> None:
        with stage("output"):
            if self.fmt == "jsonl":
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
