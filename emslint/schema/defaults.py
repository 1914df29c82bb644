"""Defaults and ``x-emslint`` annotations read from the shipped schemas (data stays data).

* :func:`defaults` -- nested dict of the defaults (``defaults("ems")["http_server"]["ssl"] is False``).
* :func:`pattern_defaults` -- defaults of array items and LSR thing tables (``/auto_bind/*/port``,
  ``/scripts/*/scanRate``), which a nested dict cannot hold.
* :func:`annotations` -- pointer pattern -> ``x-emslint`` dict, e.g. ``/http_server/password`` ->
  ``{"secret": True, ...}``, ``/auto_bind/*/password``, ``/scripts/rap_password``: every secret, identity and
  file path the facts layer needs.

Pointer patterns are RFC 6901 pointers into the document as read (``/scripts/...`` for config.lua) where ``*``
stands for any array index or any member of an open object. Everything is computed once per process.
"""

# No `from __future__ import annotations`: it would bind the name `annotations`, a function of this module (the
# function replaced it at run time, but type checkers saw the __future__ feature, not the function).
import re
from functools import cache
from typing import Any

from emslint.pointers import escape_token, unescape_token
from emslint.pointers import split as pointer_tokens
from emslint.schema import load_schema

Version = tuple[int, int, int]
_VERSION = re.compile(r"^\s*[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


class Member:
    """One place in the document that the schema describes (a plain class: dataclasses cost import time)."""

    __slots__ = ("added", "name", "node", "note", "parent", "pattern", "removed", "target")

    def __init__(self, pattern: str, parent: str, name: str, node: dict[str, Any], target: dict[str, Any],
                 note: dict[str, Any], added: Version | None, removed: Version | None) -> None:  # fmt: skip
        self.pattern = pattern  # "/http_server/port", "/auto_bind/*/port", "/scripts/*" (a thing table)
        self.parent = parent  # pattern of the containing object or array
        self.name = name  # the key; "*" for array items and members of open objects
        self.node = node  # the schema as written at this place (may hold a $ref)
        self.target = target  # the schema after following $ref (holds properties/items)
        self.note = note  # x-emslint: the target's, overridden by the place's own
        self.added = added  # this member or an ancestor needs at least this version
        self.removed = removed  # this member or an ancestor is gone from this version on

    def __repr__(self) -> str:
        return f"Member({self.pattern!r})"


def parse_version(text: str | None) -> Version | None:
    """``"5.4.10"`` -> ``(5, 4, 10)``; ``"5.4"`` -> ``(5, 4, 0)``; None or unparsable -> None."""
    if not text:
        return None
    match = _VERSION.match(str(text))
    if not match:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor or 0), int(patch or 0)


def show_version(version: Version) -> str:
    return ".".join(str(v) for v in version)



def _resolve(root: dict[str, Any], node: Any) -> dict[str, Any]:
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
        ref = node["$ref"]
        target: Any = root
        for token in ref[2:].split("/") if ref.startswith("#/") else []:
            target = (
                target.get(unescape_token(token)) if isinstance(target, dict) else None
            )
        if not isinstance(target, dict):
            return node
        if not any(k in node for k in ("properties", "items", "additionalProperties")):
            node = target
        else:
            return node
        seen += 1
    return node if isinstance(node, dict) else {}


def _note(node: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    merged = dict(target.get("x-emslint") or {}) if target is not node else {}
    merged.update(node.get("x-emslint") or {})
    return merged


def _bounds(
    note: dict[str, Any], added: Version | None, removed: Version | None
) -> tuple[Version | None, Version | None]:
    versions = note.get("versions") or {}
    own_added = parse_version(versions.get("added"))
    own_removed = parse_version(versions.get("removed"))
    if own_added and (added is None or own_added > added):
        added = own_added
    if own_removed and (removed is None or own_removed < removed):
        removed = own_removed
    return added, removed


@cache
def schema_members(kind: str) -> tuple[Member, ...]:
    """Every property, array item and open-object member the schema of ``kind`` describes, parents first."""
    root = load_schema(kind)
    out: list[Member] = []
    _walk(root, root, "", out, (), None, None)
    return tuple(out)


def _walk(
    root: dict[str, Any],
    node: dict[str, Any],
    pattern: str,
    out: list[Member],
    refs: tuple[int, ...],  # ids of the schemas being walked
    added: Version | None,
    removed: Version | None,
) -> None:
    target = _resolve(root, node)
    if id(target) in refs:  # recursive schema: stop
        return
    refs = (*refs, id(target))
    children: list[tuple[str, Any]] = []
    if isinstance(target.get("properties"), dict):
        children.extend(target["properties"].items())
    if isinstance(target.get("items"), dict):
        children.append(("*", target["items"]))
    if isinstance(target.get("additionalProperties"), dict):
        children.append(("*", target["additionalProperties"]))
    for name, sub in children:
        if not isinstance(sub, dict):
            continue
        sub_target = _resolve(root, sub)
        note = _note(sub, sub_target)
        child_added, child_removed = _bounds(note, added, removed)
        child = f"{pattern}/{'*' if name == '*' else escape_token(name)}"
        out.append(Member(child, pattern, name, sub, sub_target, note, child_added, child_removed))
        _walk(root, sub, child, out, refs, child_added, child_removed)


def _default_of(member: Member, version: Version | None) -> Any:
    default = member.node.get("default", member.target.get("default"))
    before = (member.note.get("versions") or {}).get("default_before") or {}
    if version is not None and before:
        for limit in sorted(before, key=lambda v: parse_version(v) or (0, 0, 0)):
            bound = parse_version(limit)
            if bound is not None and version < bound:
                return before[limit]
    return default


def _applies(member: Member, version: Version | None) -> bool:
    if member.note.get("not_a_key"):
        return False
    if version is None:
        return True
    if member.added is not None and version < member.added:
        return False
    return not (member.removed is not None and version >= member.removed)


@cache
def _defaults(kind: str, version: Version | None) -> tuple[dict[str, Any], dict[str, Any]]:
    nested: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    for member in schema_members(kind):
        if member.name == "*" or not _applies(member, version):
            continue
        value = _default_of(member, version)
        if value is None:
            continue
        if "*" in member.pattern.split("/"):
            patterns[member.pattern] = value
            continue
        tokens = pointer_tokens(member.pattern)
        here = nested
        for token in tokens[:-1]:
            here = here.setdefault(token, {})
        here[tokens[-1]] = value
    return nested, patterns


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def defaults(kind: str, ems_version: str | None = None) -> dict[str, Any]:
    """Nested dict of the defaults of ``kind`` ("ems"; "lsr" gives ``{"scripts": {...}}``); a fresh copy.

    Without ``ems_version`` every key that has a default is included (obsolete ones too, e.g.
    ``http_server.use_default_certificate: false``) with the newest default value. With a version, keys that
    version does not read are left out and version-specific defaults apply (``ws_connection.msg_timeout`` is
    5000 before 5.4.5). Keys whose default is "none", "empty" or undocumented have no entry.
    """
    fresh: dict[str, Any] = _copy(_defaults(kind, parse_version(ems_version))[0])
    return fresh


def pattern_defaults(kind: str, ems_version: str | None = None) -> dict[str, Any]:
    """Defaults below a ``*``: ``{"/auto_bind/*/port": 8001, "/scripts/*/scanRate": 60000, ...}``."""
    return dict(_defaults(kind, parse_version(ems_version))[1])


@cache
def annotations(kind: str) -> dict[str, dict[str, Any]]:
    """Pointer pattern -> ``x-emslint`` dict for every annotated place (cached: treat as read-only).

    Keys used: ``secret``, ``identity``, ``encrypted`` (an encrypted value is accepted), ``link``
    (platform | ems-rest | lsr-rest), ``path`` (certificate | private-key | ca-list | directory | file),
    ``versions`` (added, removed, renamed_to, moved_to, still_accepted, first_listed, last_listed,
    default_before), ``legacy_forms``, ``legacy_values``, ``not_a_key``, ``coerce`` (LSR string forms),
    ``table`` (LSR thing tables), ``default_from``, ``default_unknown``.
    """
    return {m.pattern: m.note for m in schema_members(kind) if m.note}
