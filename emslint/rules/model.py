"""A rule as loaded from its TOML file (see docs/rule-format.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    path: str = ""  # the file it was loaded from

    def severity_for(self, profile: str) -> Severity:
        return self.severity_by_profile.get(profile, self.severity)
