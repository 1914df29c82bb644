"""The few types every stage of the pipeline shares: severities, levels, links, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]


class Level(IntEnum):
    """PTC's three rungs: LOW = "No Security (testing only)", MEDIUM, HIGH."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.strip().upper()]


LINKS: tuple[str, ...] = ("platform", "ems-rest", "lsr-rest")
"""platform: EMS <-> ThingWorx WebSocket; ems-rest: the EMS's local REST server and its clients
(the LSR's rap_* side included); lsr-rest: the LSR's own REST server, called by the EMS."""


@dataclass(slots=True)
class Finding:
    rule: str  # stable id, e.g. "EMS101"
    name: str  # kebab-case rule name
    severity: Severity
    message: str  # names the property and the problem; never a secret value
    file: str  # display path (as given on the command line; relative stays relative)
    line: int  # 1-based; whole-file findings use 1
    column: int  # 1-based
    pointer: str  # RFC 6901 pointer into the file's document; "" = whole file
    link: str | None = None
    caps: Level | None = None  # highest level `link` can reach while this finding stands
    related: list[str] = field(default_factory=list)  # display paths of certificate/key files
    value_hash: str = ""  # short hash of the offending value (baseline identity); never the value

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.pointer, self.message)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.label,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "link": self.link,
            "caps": self.caps.label if self.caps else None,
            "related": list(self.related),
        }


@dataclass(slots=True)
class TargetResult:
    """One deployment (a microserver folder) after linting."""

    path: str  # display path of the microserver folder (or of the single file given)
    files: list[str]  # display paths of the config files read
    findings: list[Finding]
    links: dict[str, Level | None]  # None = link absent (no file configures it)
    level: Level | None  # lowest level among present links; None when nothing was read
    analysed: bool = True  # False when an internal error stopped the analysis part-way
    errors: list[str] = field(default_factory=list)  # tool-execution notes (never secrets)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "level": self.level.label if self.level else None,
            "links": {k: (v.label if v else None) for k, v in self.links.items()},
            "analysed": self.analysed,
            "files": list(self.files),
            "findings": [f.to_dict() for f in self.findings],
        }
