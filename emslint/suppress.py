"""Inline suppressions in config.lua: ``-- emslint: ignore[EMS301] reason`` on the line of the finding.

JSON has no comments; there, per-path ignores in the settings file serve (emslint/settings.py).
Codes must be explicit and a reason is required; free text is never read as codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from emslint.model import Finding
from emslint.read.result import ReadIssue

DIRECTIVE = re.compile(r"^\s*emslint:\s*ignore\[([^\]]*)\]\s*(.*)$")
CODE = re.compile(r"^[A-Za-z0-9-]+$")


@dataclass(slots=True)
class Suppression:
    line: int
    codes: list[str]
    reason: str
    used: set[str] = field(default_factory=set)


def parse_suppressions(comments: list[tuple[int, str]]) -> tuple[list[Suppression], list[ReadIssue]]:
    found: list[Suppression] = []
    problems: list[ReadIssue] = []
    for line, text in comments:
        match = DIRECTIVE.match(text)
        if not match:
            continue
        codes = [c.strip() for c in match.group(1).split(",") if c.strip()]
        reason = match.group(2).strip()
        if not codes or not all(CODE.match(c) for c in codes):
            problems.append(ReadIssue("suppression-invalid", "suppression names no valid rule id or name", line, 1))
            continue
        if not reason:
            problems.append(
                ReadIssue("suppression-invalid", f"suppression of {', '.join(codes)} gives no reason", line, 1)
            )
            continue
        found.append(Suppression(line, codes, reason))
    return found, problems


def apply_suppressions(
    findings: list[Finding], suppressions: list[Suppression], file: str
) -> tuple[list[Finding], list[ReadIssue]]:
    """Drop suppressed findings; report suppressions that suppress nothing."""
    by_line = {s.line: s for s in suppressions}
    kept: list[Finding] = []
    for finding in findings:
        suppression = by_line.get(finding.line) if finding.file == file else None
        hit = None
        if suppression is not None:
            hit = next((c for c in suppression.codes if c in (finding.rule, finding.name)), None)
        if hit is None:
            kept.append(finding)
        else:
            suppression.used.add(hit)
    unused = []
    for suppression in suppressions:
        for code in suppression.codes:
            if code not in suppression.used:
                unused.append(
                    ReadIssue("suppression-unused", f"suppression of {code} matches no finding on this line",
                              suppression.line, 1)
                )
    return kept, unused
