"""A rule as loaded from its TOML file (see docs/rule-format.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from emslint.model import Cap, Severity


@dataclass(slots=True)
class Example:
    language: str  # "json" | "lua"
    code: str


@dataclass(slots=True)
class Match:
    pointer: str  # pattern into the facts document; "*" matches every array item / object member
    schema: dict[str, Any]  # JSON Schema the value at `pointer` must satisfy for a finding
    when: dict[str, Any] | None = None  # JSON Schema the whole facts document must satisfy
    link: str | None = None  # overrides the rule's link for this match
    message: str | None = None  # overrides the rule's message template


@dataclass(slots=True)
class FixSpec:
    """A rule's ``[[fix]]`` entry (docs/rule-format.md): what ``--fix`` does about one of its findings.

    ``kind``: ``set`` (write ``value``, or the facts value at ``value_from``, at the pointer), ``remove`` (delete the
    member), ``remove-duplicate`` (delete the repeated member the finding is at), ``rename`` (respell the key as
    the pointer's last token, the documented spelling), ``escape`` (double the backslashes of ``escapes``:
    ``invalid`` or ``control`` escapes of the string) or ``chmod`` (take the permission bits ``mode_remove`` off
    the file). The first entry whose ``pointer``, ``when`` and ``message`` fit the finding is used.
    """

    kind: str
    # chmod: unsafe when the file's owner is not the service account (the rule schema allows only these two)
    applicability: Literal["safe", "unsafe"]
    description: str  # template: {property}, {value}, {mode_from}, {mode_to}
    pointer: str | None = None  # only findings at this pointer of their file ("*" = any one token)
    when: dict[str, Any] | None = None  # JSON Schema the facts document must satisfy
    message: dict[str, Any] | None = None  # JSON Schema the finding's message must satisfy
    value: Any = None  # set
    value_from: str | None = None  # set: a pointer into the facts document
    escapes: str | None = None  # escape: invalid | control
    mode_remove: int = 0  # chmod: permission bits to take away
    only: str = ""  # when/message in words, for the rule's documentation


@dataclass(slots=True)
class Rule:
    id: str  # "EMS101"; stable, never reused
    name: str  # kebab-case, names the bad pattern
    title: str
    summary: str  # one sentence
    severity: Severity
    link: str | None  # "platform" | "ems-rest" | "lsr-rest" | None (not link-specific)
    caps: Cap | None  # what a finding does to its link's level while it stands (low | medium | unknown); None = nothing
    message: str  # template: {property}, {detail}
    group: str  # e.g. "transport", "secrets", "syntax"; selectable like a prefix
    what: str
    why: str
    fix: str
    bad: list[Example]
    good: list[Example]
    sources: list[str]
    matches: list[Match]
    profiles: tuple[str, ...] = ("production", "development")
    severity_by_profile: dict[str, Severity] = field(default_factory=dict)
    cwe: list[str] = field(default_factory=list)
    precision: str = "high"  # SARIF precision: very-high | high | medium | low
    status: str = "stable"  # stable | preview | deprecated
    since: str = "0.1.0"
    options: list[str] = field(default_factory=list)  # settings/flags that change the rule
    fixes: list[FixSpec] = field(default_factory=list)  # the [[fix]] entries, tried in order
    path: str = ""  # the file it was loaded from

    def severity_for(self, profile: str) -> Severity:
        return self.severity_by_profile.get(profile, self.severity)


class RuleFileError(Exception):
    """A rule file that cannot be used; the message is one line naming the file."""
