"""Inline suppression comments in config.lua (``-- emslint: ignore[EMS301] reason``), read with the file.

Codes must be explicit and a reason is required; free text is never read as codes. Malformed comments are read
issues (EMS902). Applying them is a filter (:mod:`emslint.filters.inline`).

A suppression may end with ``expires=YYYY-MM-DD`` (``-- emslint: ignore[EMS301] lab network expires=2027-03-31``):
the same ``expires`` name and ISO date as per-path ignores in the settings, written at the comment's end so that a
reason can never be taken for a date. Spaces around the ``=`` and a ``:`` instead of it are read alike
(``expires = 2027-03-31``, ``expires: 2027-03-31``): a comment ending in ``expires``, ``=`` or ``:`` and one word
meant an expiry, so that word must be a date. After that day it hides nothing and is reported (EMS903); a
value that is not a date is a malformed suppression (EMS902), never part of the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from emslint.read.result import ReadIssue

DIRECTIVE = re.compile(r"^\s*emslint:\s*ignore\[([^\]]*)\]\s*(.*)$")
CODE = re.compile(r"^[A-Za-z0-9-]+$")
# "expires", "=" or ":" (spaces around it allowed) and one word, at the end: linear, each try stops at the word's end
EXPIRES = re.compile(r"(?:^|\s)expires\s*[=:]\s*(\S*)\s*$", re.IGNORECASE)
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(slots=True)
class InlineSuppression:
    line: int
    codes: list[str]
    reason: str
    used: set[str] = field(default_factory=set)
    expires: date | None = None  # after this day it hides nothing (EMS903)


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
        expires = None
        expiry = EXPIRES.search(reason)
        if expiry is not None:
            expires = _iso_date(expiry.group(1))
            if expires is None:
                problems.append(ReadIssue("suppression-invalid", f"suppression of {', '.join(codes)}: expires is "
                                          "not a date (expires=YYYY-MM-DD)", line, 1))
                continue
            reason = reason[: expiry.start()].strip()
            if not reason:
                problems.append(ReadIssue("suppression-invalid", f"suppression of {', '.join(codes)} gives no "
                                          "reason", line, 1))
                continue
        found.append(InlineSuppression(line, codes, reason, expires=expires))
    return found, problems


def _iso_date(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date; None for anything else (another format, a day that does not exist)."""
    if not ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
