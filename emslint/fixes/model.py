"""A fix as the report shows it: its applicability, what it does, and its edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Applicability = Literal["safe", "unsafe"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to one file.

    ``replace``: the bytes ``start``..``end`` of the file as read (byte offsets, a UTF-8 byte order mark counted)
    become ``content`` (UTF-8); ``line``/``column`` .. ``end_line``/``end_column`` is the same span in the
    report's coordinates (1-based, columns in code points, end exclusive). ``chmod``: the file's permission bits
    ``mode_from`` become ``mode_to`` (always a subset: a fix never widens access).

    ``path`` is where the file is (as this process opens it); ``file`` its display path. ``content`` is never a
    secret (edits that would touch one are never made).
    """

    file: str
    path: str
    kind: Literal["replace", "chmod"] = "replace"
    start: int = 0
    end: int = 0
    content: str = ""
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1
    mode_from: int = 0
    mode_to: int = 0

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "chmod":
            return {"file": self.file, "kind": "chmod", "mode_from": f"{self.mode_from:04o}",
                    "mode_to": f"{self.mode_to:04o}"}
        return {"file": self.file, "kind": "replace", "start": self.start, "end": self.end,
                "line": self.line, "column": self.column, "end_line": self.end_line, "end_column": self.end_column,
                "content": self.content}


@dataclass(frozen=True, slots=True)
class Fix:
    """What ``--fix`` (safe) or ``--unsafe-fixes`` (unsafe) does about one finding."""

    applicability: Applicability
    description: str  # names keys and values the fix writes; never a secret
    edits: tuple[Edit, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"applicability": self.applicability, "description": self.description,
                "edits": [e.to_dict() for e in self.edits]}
