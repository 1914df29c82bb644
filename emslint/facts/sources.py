"""The config files of one target as read, and the mapping from pointers back to line and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from emslint.read.result import ReadIssue, ReadResult


@dataclass(slots=True)
class SourceFile:
    role: str  # "ems" | "ems-booted" | "lsr"
    display: str
    result: ReadResult | None  # None when the file could not be read at all
    issues: list[ReadIssue] = field(default_factory=list)  # source, encoding, reader and schema issues
    text: str | None = None

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `pointer`, or of its nearest present parent; (1, 1) for the whole file."""
        if self.result is None:
            return 1, 1
        table = self.result.key_positions if key else self.result.positions
        if pointer in table:
            return table[pointer]
        current = pointer
        while current:
            if current in self.result.positions:
                return self.result.positions[current]
            current = current.rpartition("/")[0]
        return self.result.positions.get("", (1, 1))


class Sources:
    """The files of one target by role; the primary EMS file is config.json, else config.json.booted."""

    def __init__(self, files: list[SourceFile]) -> None:
        self.by_role = {f.role: f for f in files}
        self.files = files

    def get(self, role: str) -> SourceFile | None:
        if role == "ems":
            return self.by_role.get("ems") or self.by_role.get("ems-booted")
        return self.by_role.get(role)

    def first(self) -> SourceFile | None:
        return self.files[0] if self.files else None
