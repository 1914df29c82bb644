"""config.json as the EMS reads it: the C SDK's cJSON looks names up case-insensitively and reads values as C
strings (docs/reading-model.md, ../shared/reference/ems-releases-and-csdk.md §0; the EMS binary is closed, so this
is the model of the SDK it is built on, cross-checked against libcjson in tests/read/test_cjson_oracle.py).

The JSON reader already keeps the first of two members with the same name (cJSON's lookup returns the first).
This step adds the rest, in place on the read result:

* a member whose name matches a documented key without regard to case (``"Validate"``) is what the EMS reads for
  that key: it is moved to the documented spelling (``json-key-case``); of several such members the first in the
  file wins, and members with another value than the first are reported (``json-conflicting-key``);
* a string holding U+0000 is what a C string makes of it: the text before the NUL (``json-nul-in-string``); so is a
  member's name (``"encryption\\u0000x"`` is ``encryption`` to the EMS);
* names are compared as cJSON compares them: bytes, with ASCII letters folded (not Python's Unicode ``lower``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from emslint.read.result import ReadIssue, ReadResult, Shadowed, escape_pointer_token
from emslint.schema.compiler import json_equal
from emslint.schema.defaults import schema_members

KEY_CASE = "json-key-case"
CONFLICT = "json-conflicting-key"
NUL_IN_STRING = "json-nul-in-string"


@cache
def _documented_names() -> Mapping[str, Mapping[str, str]]:
    """Schema pattern of an object -> lower-cased documented member name -> its spelling."""
    names: dict[str, dict[str, str]] = {}
    for member in schema_members("ems"):
        if member.name != "*":
            names.setdefault(member.parent, {})[member.name.lower()] = member.name
    return names


def apply_cjson_model(result: ReadResult) -> None:
    """Rewrite ``result`` (data, positions, issues) into what the EMS's cJSON makes of the file."""
    if result.data is None:
        return
    issues: list[ReadIssue] = []
    moves: dict[str, str | None] = {}  # old pointer of a member -> its new pointer, or None: dropped
    result.data = _value(result.data, "", "", result, issues, moves)
    if moves:
        for issue in issues:
            issue.pointer = _moved_pointer(issue.pointer, moves) or issue.pointer
        result.positions = _moved(result.positions, moves)
        result.key_positions = _moved(result.key_positions, moves)
    result.issues.extend(issues)


def _moved_pointer(pointer: str, moves: Mapping[str, str | None]) -> str | None:
    """Where ``pointer`` is after the moves (None when it was dropped)."""
    prefix = pointer
    while prefix and prefix not in moves:
        prefix = prefix.rpartition("/")[0]
    if not prefix:
        return pointer
    target = moves[prefix]
    return None if target is None else target + pointer[len(prefix):]


def _moved(table: dict[str, tuple[int, int]], moves: Mapping[str, str | None]) -> dict[str, tuple[int, int]]:
    """``table`` with every pointer under a moved member re-rooted (one pass; each pointer checks its ancestors)."""
    out: dict[str, tuple[int, int]] = {}
    for pointer, position in table.items():
        moved = _moved_pointer(pointer, moves)
        if moved is not None:
            out[moved] = position
    return out


def _value(value: Any, pointer: str, pattern: str, result: ReadResult, issues: list[ReadIssue],
           moves: dict[str, str | None]) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            line, column = result.positions.get(pointer, (1, 1))
            issues.append(ReadIssue(NUL_IN_STRING, "the string holds a NUL character (\\u0000): the EMS reads it "
                                    "as a C string, only up to the NUL", line, column, pointer))
            return value.split("\x00", 1)[0]
        return value
    if isinstance(value, list):
        return [_value(item, f"{pointer}/{i}", f"{pattern}/*", result, issues, moves) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return _object(value, pointer, pattern, result, issues, moves)
    return value


def _object(obj: dict[str, Any], pointer: str, pattern: str, result: ReadResult, issues: list[ReadIssue],
            moves: dict[str, str | None]) -> dict[str, Any]:
    """One object as the EMS's cJSON sees it: first match of each documented name, compared without (ASCII) case,
    as a C string."""
    documented = _documented_names().get(pattern, {})
    out: dict[str, Any] = {}
    first_of: dict[str, str] = {}  # documented name -> the spelling the EMS reads for it
    for key, value in obj.items():
        c_name = _c_name(key, pointer, result, issues) if isinstance(key, str) else None
        name = documented.get(c_name) if c_name is not None else None
        child_pattern = f"{pattern}/{escape_pointer_token(name)}" if name else f"{pattern}/*"
        child = f"{pointer}/{escape_pointer_token(key)}"
        if name is None:
            out[key] = _value(value, child, child_pattern, result, issues, moves)
            continue
        if name in first_of:  # another spelling of a name already read: the EMS never sees this one
            earlier = first_of[name]
            line, column = result.key_positions.get(child, (1, 1))
            result.shadowed.append(Shadowed(f"{pointer}/{escape_pointer_token(name)}", value, line, column))
            if not json_equal(obj[earlier], value):
                first_line = result.key_positions.get(f"{pointer}/{escape_pointer_token(earlier)}", (1, 1))[0]
                issues.append(ReadIssue(CONFLICT, f"{_q(key)} and {_q(earlier)} (line {first_line}) are one key to "
                                        f"the EMS, which compares names without case and reads the first; the "
                                        f"values differ", line, column, f"{pointer}/{escape_pointer_token(name)}"))
            moves[child] = None
            continue
        first_of[name] = key
        canonical = f"{pointer}/{escape_pointer_token(name)}"
        if key != name:
            line, column = result.key_positions.get(child, (1, 1))
            issues.append(ReadIssue(KEY_CASE, f"{_q(key)} is read by the EMS as {_q(name)} (cJSON compares names "
                                    f"without case)", line, column, canonical))
            moves[child] = canonical
        out[name] = _value(value, child, child_pattern, result, issues, moves)
    return out


def _c_name(key: str, pointer: str, result: ReadResult, issues: list[ReadIssue]) -> str | None:
    """The name as cJSON compares it with a documented one: a C string (up to a NUL), case folded the way the C
    library's ``tolower`` does (ASCII only: "appKey" spelt with a Kelvin sign for the K is no ``appKey`` to the EMS,
    though Python's ``str.lower`` makes it one). None: it can match no documented (ASCII) name."""
    if "\x00" in key:
        line, column = result.key_positions.get(f"{pointer}/{escape_pointer_token(key)}", (1, 1))
        issues.append(ReadIssue(NUL_IN_STRING, "the name holds a NUL character (\\u0000): the EMS reads it as a C "
                                "string, only up to the NUL", line, column, pointer))
        key = key.split("\x00", 1)[0]
    return key.lower() if key.isascii() else None


def _q(key: str) -> str:
    text = key.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text) + '"'
