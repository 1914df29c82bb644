"""The few types every stage of the pipeline shares: severities, levels, links, findings, verdicts, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from emslint.fixes.model import Fix


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


SEVERITY_NAMES: tuple[str, ...] = tuple(s.label for s in sorted(Severity, reverse=True))
"""critical, high, medium, low, info: the one list every setting, schema and report uses."""


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


class Cap(StrEnum):
    """What a finding does to its link's level while it stands (a rule's ``caps``).

    ``low`` and ``medium`` cap the level; ``unknown`` means the link cannot be judged (a value the product may read
    otherwise than emslint, a value the static reader cannot know): no level at all unless another finding already
    caps it at LOW. ``unreadable`` says the product cannot load the file at all: its links are unknown, and no other
    finding in that file counts for a level (what emslint read of it is not what the product runs with).
    """

    LOW = "low"
    MEDIUM = "medium"
    UNKNOWN = "unknown"
    UNREADABLE = "unreadable"

    @property
    def label(self) -> str:
        return self.value

    @property
    def level(self) -> Level | None:
        return None if self in (Cap.UNKNOWN, Cap.UNREADABLE) else Level.parse(self.value)


EMS_LINKS: tuple[str, ...] = ("platform", "ems-rest", "lsr-rest")
"""platform: EMS <-> ThingWorx WebSocket; ems-rest: the EMS's local REST server and its clients
(the LSR's rap_* side included); lsr-rest: the LSR's own REST server, called by the EMS."""

CONNECTOR_LINKS: tuple[str, ...] = ("connector-platform", "connector-edge", "connector-gas")
"""connector-platform: the eMessage Connector's / Connection Server's AlwaysOn WebSocket to ThingWorx;
connector-edge: its own listener, where Axeda agents (Edge devices) connect; connector-gas: the Connector's HTTP
client to the Axeda Global Access Server (remote sessions; the eMessage Connector only)."""

LINKS: tuple[str, ...] = (*EMS_LINKS, *CONNECTOR_LINKS)

FILE_LINKS: dict[str, tuple[str, ...]] = {
    "ems": ("platform", "ems-rest"),
    "ems-booted": ("platform", "ems-rest"),
    "lsr": ("ems-rest", "lsr-rest"),
    "connector": CONNECTOR_LINKS,  # emessage.conf, emessage-all.conf, a .conf given by name
    "cxserver": ("connector-platform", "connector-edge"),  # cxserver.conf: the Connection Server has no GAS client
}
"""The links each config file configures (by role). A file present by name configures its links even when it
cannot be read: they are then unknown, never absent."""


@dataclass(slots=True)
class Suppression:
    """Why a finding is not shown (it still counts for the level): who hid it and the reason given."""

    kind: Literal["inline", "per-path", "not-selected", "ignored", "baseline"]
    reason: str = ""
    where: str = ""  # file:line of the suppression comment or settings entry, when there is one

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "reason": self.reason, "where": self.where}


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
    link: str | None = None  # None: not about one link (a whole-file finding caps every link its file configures)
    caps: Cap | None = None  # what this finding does to its link's level while it stands
    related: list[str] = field(default_factory=list)  # display paths of certificate/key files
    exact: bool = True  # at the position of its own key or value (False: a "not set" key, shown at its parent)
    identity: str = ""  # what the finding is about, beyond rule/file/pointer (baseline key); never a secret
    links: tuple[str, ...] = ()  # the links whose level this finding affects (set by the levels stage)
    suppressed: Suppression | None = None  # set by the filters: hidden from the report, still capping
    fix: Fix | None = None  # what --fix (safe) or --fix --unsafe-fixes does about it (emslint.fixes)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, self.column, self.rule, self.pointer, self.message)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
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
            "fix": self.fix.to_dict() if self.fix is not None else None,
        }
        if self.suppressed is not None:
            data["suppressed"] = self.suppressed.to_dict()
        return data


VerdictState = Literal["high", "medium", "low", "unknown", "absent"]


@dataclass(slots=True)
class Verdict:
    """The level of a link or of a deployment, and the findings that decide it.

    ``state`` is the level's name, ``unknown`` (a file or value that configures it could not be judged) or
    ``absent`` (no file configures it: the LSR is not installed). ``at_most`` is the best level the known
    findings still allow (for ``unknown``: what it would be if the unknown part turned out fine).
    ``capped_by`` are the findings (rule ids) holding it at ``at_most``; ``unknown_by`` those making it unknown.
    """

    state: VerdictState
    at_most: Level | None = None
    capped_by: tuple[str, ...] = ()
    unknown_by: tuple[str, ...] = ()

    @property
    def level(self) -> Level | None:
        """The level when it is known, else None (unknown or absent)."""
        return None if self.state in ("unknown", "absent") else Level.parse(self.state)

    @property
    def label(self) -> str:
        return self.state

    def meets(self, required: Level) -> bool:
        """Whether this verdict is known to reach ``required``; unknown never does (except the floor, LOW)."""
        if self.state == "absent":
            return True
        if self.state == "unknown":
            return required == Level.LOW
        return Level.parse(self.state) >= required

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "at_most": self.at_most.label if self.at_most else None,
            "capped_by": list(self.capped_by),
            "unknown_by": list(self.unknown_by),
        }


ABSENT = Verdict("absent")

TargetKind = Literal["deployment", "not-ems"]


@dataclass(slots=True)
class TargetResult:
    """One deployment (a microserver folder) after linting.

    ``findings`` are those the report shows; ``suppressed`` those the filters hid (inline suppressions,
    per-path ignores, selection, baseline): they were judged like the others and still decide the levels.
    """

    path: str  # display path of the microserver folder (or of the single file given)
    files: list[str]  # display paths of the config files read
    findings: list[Finding]
    links: dict[str, Verdict]
    verdict: Verdict  # the deployment's: the lowest of its links
    analysed: bool = True  # False when an internal error stopped the analysis part-way
    errors: list[str] = field(default_factory=list)  # tool-execution notes (never secrets)
    suppressed: list[Finding] = field(default_factory=list)
    kind: TargetKind = "deployment"  # "not-ems": a config.json of another program (EMS016); no level
    # the OpenSSL model its cipher lists were read with (the facts' target.openssl); None without an EMS/LSR config
    openssl: dict[str, Any] | None = None
    # display path -> line -> that line with every value that is or may be a secret masked (HTML report only)
    excerpts: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def level(self) -> Level | None:
        """The deployment's level when it is known (None: unknown, or no link at all)."""
        return self.verdict.level

    def _all_links(self) -> list[tuple[str, Verdict]]:
        """Every link of :data:`LINKS` in order, ``absent`` where the result has none (a hand-made result)."""
        return [(link, self.links.get(link, ABSENT)) for link in LINKS]

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *self.suppressed]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "level": None if self.kind == "not-ems" or self.verdict.state == "absent" else self.verdict.state,
            "links": {k: (None if v.state == "absent" else v.state) for k, v in self._all_links()},
            "verdicts": {"deployment": self.verdict.to_dict(), **{k: v.to_dict() for k, v in self._all_links()}},
            "analysed": self.analysed,
            "openssl": dict(self.openssl) if self.openssl is not None else None,
            "files": list(self.files),
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.suppressed:
            data["suppressed"] = [f.to_dict() for f in self.suppressed]
        return data
