"""Inline suppression comments in config.lua (``-- emslint: ignore[EMS301] reason``), read with the file.

Codes must be explicit and a reason is required; free text is never read as codes. Malformed comments are read
issues (EMS902). Applying them is a filter (:mod:`emslint.filters.inline`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from emslint.read.result import ReadIssue

DIRECTIVE = re.compile(r"^\s*emslint:\s*ignore\[([^\]]*)\]\s*(.*)$")
CODE = re.compile(r"^[A-Za-z0-9-]+$")


@dataclass(slots=True)
class InlineSuppression:
    line: int
    codes: list[str]
    reason: str
    used: set[str] = field(default_factory=set)


def parse_suppressions(comments: list[tuple[int, str]]) -> tuple[list[InlineSuppression], list[ReadIssue]]:
    """The suppression comments among ``comments`` (line, text), and issues for malformed ones."""
    found: list[InlineSuppression] = []
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
        found.append(InlineSuppression(line, codes, reason))
    return found, problems
