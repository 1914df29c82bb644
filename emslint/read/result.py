"""What every reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emslint.pointers import escape_token, join


@dataclass(slots=True)
class ReadIssue:
    """A deviation found while reading (syntax, escapes, encoding, duplicate keys ...).

    ``code`` names the rule that reports it (a rule file matches on it), e.g. ``json-syntax``.
    ``message`` must never contain a secret value: name the key, not the value.
    """

    code: str
    message: str
    line: int
    column: int
    pointer: str = ""


@dataclass(frozen=True, slots=True)
class UnresolvedWrite:
    """A statement of config.lua that may change ``scripts`` in a way the static reader cannot follow.

    ``line``/``column``: where the statement (the assignment target or the call) starts, 1-based.
    ``reason``: the construct, never a value of the file ("an assignment inside an if block",
    "rawset with a computed key", "a call of loadstring (it may run any code)").
    ``pointers``: the RFC 6901 pointers it may change (a pointer to a table stands for everything below it),
    each also listed in ``ReadResult.unknown`` when it holds a value; ``None``: any key of ``scripts``,
    including keys the file never sets (their defaults are not certain either).
    """

    line: int
    column: int
    reason: str
    pointers: tuple[str, ...] | None


@dataclass(slots=True)
class Shadowed:
    """A value written in the file that the product never reads (a repeated key: the EMS reads the first). It is
    still text on disk: secret checks look at it. ``pointer`` is where the value would be read."""

    pointer: str
    value: Any
    line: int
    column: int


@dataclass(slots=True)
class ReadResult:
    data: Any = None  # plain Python value (dict/list/str/int/float/bool/None); None if nothing usable
    # RFC 6901 pointer -> (line, column) of the value, both 1-based, columns in code points.
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    # pointer of a member -> (line, column) of its key (for unknown-key findings).
    key_positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    issues: list[ReadIssue] = field(default_factory=list)
    # Lua only: pointer -> why its value is not statically known (the value is absent from `data`).
    unknown: dict[str, str] = field(default_factory=dict)
    # Lua only: statements that may change scripts values the reader could not follow (see UnresolvedWrite).
    unresolved_writes: list[UnresolvedWrite] = field(default_factory=list)
    # Comments as (line, text without the comment marker); Lua only (inline suppressions).
    comments: list[tuple[int, str]] = field(default_factory=list)
    fatal: bool = False  # the file could not be read into anything usable
    # Values in the file that are never read (repeated keys); secrets checks still see them.
    shadowed: list[Shadowed] = field(default_factory=list)
    # HOCON only: pointer -> name of the included file that defined the value (positions are in that file).
    origins: dict[str, str] = field(default_factory=dict)


escape_pointer_token = escape_token
join_pointer = join


def position_of(result: ReadResult, pointer: str, *, key: bool = False) -> tuple[int, int]:
    """Line and column of ``pointer`` (of its key with ``key``), else of its nearest present parent; (1, 1) for
    the whole file. Absent keys are reported where their parent is."""
    if key and pointer in result.key_positions:
        return result.key_positions[pointer]
    current = pointer
    while current:
        if current in result.positions:
            return result.positions[current]
        current = current.rpartition("/")[0]
    return result.positions.get("", (1, 1))
