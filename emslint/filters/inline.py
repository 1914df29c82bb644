"""Inline suppressions in config.lua: ``-- emslint: ignore[EMS301] reason`` on the line of the finding.

A suppression is configuration inside the scanned (untrusted) file, so it is kept on a short leash: it hides a
finding from the report only when it sits on that finding's line and names its rule with a reason; it never
lifts a level (levels are decided before any filter); the finding stays in the result, marked ``inline`` with the
reason, and SARIF carries it as an ``inSource`` suppression for review. One past its ``expires=`` day hides
nothing and is reported (EMS903) at its line, not as unused. ``inline_suppressions = false``
(``--no-inline-suppressions``) ignores every such comment. JSON has no comments: per-path ignores in the
settings file serve there.
"""

from __future__ import annotations

from datetime import date

from emslint.model import Finding, Suppression
from emslint.read.result import ReadIssue
from emslint.read.suppressions import InlineSuppression


def apply_inline(findings: list[Finding], suppressions: list[InlineSuppression], file: str,
                 today: date | None = None) -> list[ReadIssue]:
    """Mark the findings of ``file`` that a live suppression on their line names; return issues for the unused
    suppressions and for the expired ones (as of ``today``).

    Only a finding at a key written in the file can be suppressed inline: a "not set" finding is reported where
    the key's parent is, a place that proves nothing about the finding (per-path ignores serve for those).
    """
    expired = [s for s in suppressions if s.expires is not None and today is not None and s.expires < today]
    live = [s for s in suppressions if s not in expired]
    by_line = {s.line: s for s in live}
    for finding in findings:
        if finding.suppressed is not None or finding.file != file or not finding.exact:
            continue
        suppression = by_line.get(finding.line)
        if suppression is None:
            continue
        hit = next((c for c in suppression.codes if c in (finding.rule, finding.name)), None)
        if hit is not None:
            suppression.used.add(hit)
            finding.suppressed = Suppression("inline", suppression.reason, f"{file}:{suppression.line}")
    issues = [
        ReadIssue("suppression-unused", f"suppression of {code} matches no finding on this line", s.line, 1)
        for s in live
        for code in s.codes
        if code not in s.used
    ]
    issues += [ReadIssue("waiver-expired", f"inline suppression of {', '.join(s.codes)} expired on {s.expires}",
                         s.line, 1) for s in expired]
    return sorted(issues, key=lambda issue: issue.line)
