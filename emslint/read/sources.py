"""The config files of one target as read, and the mapping from pointers back to line and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from emslint.read.result import ReadIssue, ReadResult, position_of
from emslint.read.suppressions import InlineSuppression


@dataclass(slots=True)
class SourceFile:
    role: str  # "ems" | "ems-booted" | "lsr" | "connector" | "cxserver" | "entity-export"
    display: str
    result: ReadResult | None  # None when the file could not be read at all
    issues: list[ReadIssue] = field(default_factory=list)  # source, encoding, reader and schema issues
    text: str | None = None
    suppressions: list[InlineSuppression] = field(default_factory=list)  # config.lua's inline suppressions
    foreign: bool = False  # a config.json of another program (no EMS group): not part of the deployment (EMS016)

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `pointer`, or of its nearest present parent; (1, 1) for the whole file."""
        return (1, 1) if self.result is None else position_of(self.result, pointer, key=key)


class Sources:
    """The files of one target by role; the primary EMS file is config.json, else config.json.booted."""

    def __init__(self, files: list[SourceFile]) -> None:
        self.by_role = {f.role: f for f in files}
        self.files = files

    def get(self, role: str) -> SourceFile | None:
        """The file of ``role`` (foreign ones included: findings are still located in them)."""
        if role == "ems":
            return self.by_role.get("ems") or self.by_role.get("ems-booted")
        if role == "connector":  # the facts' connector sections come from either product's file
            return self.by_role.get("connector") or self.by_role.get("cxserver")
        return self.by_role.get(role)

    def live(self, role: str) -> SourceFile | None:
        """The file of ``role`` when it belongs to the deployment (not a foreign config.json)."""
        found = self.get(role)
        return None if found is None or found.foreign else found

    def first(self) -> SourceFile | None:
        return self.files[0] if self.files else None
