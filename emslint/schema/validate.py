"""Validate config.json / the config.lua ``scripts`` table against the shipped schemas -> reader-style issues.

Codes (rules match on these exact strings):

``schema-unknown-key``   a key the schema does not know, with a did-you-mean (case- and separator-insensitive
                         match first, then a key of another group, then difflib); also a key the given
                         ``ems_version`` does not read yet, and ``disableCertValidation`` (not a real key)
``schema-obsolete-key``  a known key removed, renamed or moved by the given version (any version when none is
                         given), and the 5.4.0 array form of ``certificates.cert_chain``
``schema-type``          wrong JSON type (config.json ``"allow_self_signed": "true"`` is one; the LSR's
                         ``"true"``/``"8001"`` string forms are not)
``schema-enum``          not one of the allowed values (``const`` too)
``schema-range``         a number or a size out of bounds
``schema-required``      a required key is missing (pointer = the missing key; position = its parent)
``schema-invalid``       anything else (a pattern, uniqueness ...)

Messages name keys, types, limits and allowed values, never the value found.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from emslint.pointers import split as pointer_tokens
from emslint.pointers import unescape_token
from emslint.printable import escape_unsafe
from emslint.read.result import ReadIssue, join_pointer
from emslint.schema import load_schema
from emslint.schema.compiler import Path, SchemaError, Validator, compile_schema, json_type
from emslint.schema.defaults import Member, Version, parse_version, schema_members, show_version

CODES = (
    "schema-unknown-key",
    "schema-obsolete-key",
    "schema-type",
    "schema-enum",
    "schema-range",
    "schema-required",
    "schema-invalid",
)
_CODE_BY_KEYWORD = {
    "type": "schema-type",
    "enum": "schema-enum",
    "const": "schema-enum",
    "required": "schema-required",
    **dict.fromkeys(
        (
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
        ),
        "schema-range",
    ),
}
_PRODUCT = {"ems": "EMS", "lsr": "LSR", "connector": "Connector"}
_UNKNOWN_MARK = "$unknown"
_SEPARATORS = str.maketrans("", "", "_-. \t")


class _Kind:
    """Everything validate_config needs about one schema, built once per process."""

    def __init__(self, name: str, root: dict[str, Any]) -> None:
        self.name = name
        self.root = root
        self.validator = compile_schema(root)
        self.groups: dict[str, dict[str, Member]] = {}  # parent pattern -> key -> member
        self.wildcard: dict[str, Member] = {}  # parent pattern -> the "*" member (array items, open objects)
        self.by_name: dict[str, list[Member]] = {}  # normalised key -> members in any group
        self.versioned = _Trie()  # members whose own x-emslint carries version facts, by pattern
        self.facts: dict[str, _Facts] = {}  # pattern -> parsed version facts of the members in ``versioned``


def validator(kind: str) -> Validator:
    """The compiled validator of the ``kind`` schema (cached per process)."""
    return _kind(kind).validator


@cache
def _kind(kind: str) -> _Kind:
    info = _Kind(kind, load_schema(kind))
    for member in schema_members(kind):
        if member.name == "*":
            info.wildcard[member.parent] = member
        else:
            info.groups.setdefault(member.parent, {})[member.name] = member
            info.by_name.setdefault(_normal(member.name), []).append(member)
        note = member.note
        if note.get("not_a_key") or note.get("legacy_forms") or _own_versions(member):
            info.versioned.add(_tokens(member.pattern), member)
            info.facts[member.pattern] = _Facts(member)
    return info


def validate_config(
    kind: str, data: Any, *, ems_version: str | None = None, unknown: Mapping[str, str] | None = None
) -> list[ReadIssue]:
    """Schema issues of one config document, sorted by pointer; line/column are left 0 for the caller.

    ``kind`` is "ems" (``data`` = the config.json document) or "lsr" (``data`` = ``{"scripts": {...}}``,
    pointers ``/scripts/...``). ``unknown``: pointers whose value is not statically known (the Lua reader's
    ``ReadResult.unknown``); nothing is reported at or below them, and values ``{"$unknown": ...}`` count as
    unknown too.
    """
    info = _kind(kind)
    version = parse_version(ems_version)
    issues: list[ReadIssue] = []
    if not info.validator.is_valid(data):
        for error in info.validator.errors(data):
            if _is_unknown(data, error, unknown):
                continue
            issue = _issue(info, data, error)
            if issue is not None:
                issues.append(issue)
    issues.extend(_version_issues(info, data, version))
    return _sorted_unique(issues)


# ------------------------------------------------------------------------------------------ schema errors


def _issue(info: _Kind, data: Any, error: SchemaError) -> ReadIssue | None:
    keyword = error.keyword
    if keyword == "additionalProperties" and error.key is not None:
        return _unknown_key(info, error.path, error.key)
    node = _schema_node(info.root, error.schema_path[:-1]) if keyword != "false" else {}
    note = node.get("x-emslint") or {}
    if keyword == "type" and note.get("table") == "thing" and error.path:
        return _unknown_key(info, error.path[:-1], str(error.path[-1]))  # a scalar that is no known setting
    where = _dotted(error.path)
    if keyword == "required" and error.key is not None:
        pointer = _pointer((*error.path, error.key))
        return ReadIssue(
            "schema-required", f"{_q(error.key)} is required in {where or 'the document'}", 0, 0, pointer
        )
    value = _value_at(data, error.path)
    code = _CODE_BY_KEYWORD.get(keyword, "schema-invalid")
    message = error.message
    if note.get("coerce") and keyword in ("type", "pattern"):
        code = "schema-type"
        message = f"expected {note['coerce']} (or a string holding one), got {_type_phrase(value, keyword)}"
    elif keyword == "pattern" and note.get("pattern_message"):
        message = note["pattern_message"]
    elif keyword == "enum":
        message += _enum_hint(node, note, value, _PRODUCT[info.name])
    subject = where or "the document"
    return ReadIssue(code, f"{subject}: {message}", 0, 0, _pointer(error.path))


def _type_phrase(value: Any, keyword: str) -> str:
    return "a string that is not one" if keyword == "pattern" else json_type(value)


def _enum_hint(node: dict[str, Any], note: dict[str, Any], value: Any, product: str) -> str:
    if not isinstance(value, str):
        return ""
    legacy = (note.get("legacy_values") or {}).get(value)
    if isinstance(legacy, dict):  # a value the schema knows as retired: naming it reveals nothing
        return f"; {_q(value)} was retired in {product} {legacy.get('removed')}: {legacy.get('note', '')}"
    for allowed in node.get("enum") or ():
        if isinstance(allowed, str) and value != allowed and value.strip().lower() == allowed.lower():
            return f"; differs from {_q(allowed)} only in case or spaces"
    return ""


def _schema_node(root: dict[str, Any], schema_path: Path) -> dict[str, Any]:
    """The schema object at ``schema_path`` ("$ref" in it = a reference followed there)."""
    node: Any = root
    previous: Any = None
    for token in schema_path:
        naming = previous in ("properties", "patternProperties", "$defs")  # token is a name, not a keyword
        previous = None if naming else token
        if token == "$ref" and not naming and isinstance(node, dict):
            node = _follow(root, node.get("$ref", ""))
        elif isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and isinstance(token, int) and token < len(node):
            node = node[token]
        else:
            return {}
    return node if isinstance(node, dict) else {}


def _follow(root: dict[str, Any], ref: str) -> Any:
    node: Any = root
    for token in ref[2:].split("/") if ref.startswith("#/") else []:
        node = node.get(unescape_token(token)) if isinstance(node, dict) else None
    return node


# ------------------------------------------------------------------------------------------- unknown keys


def _unknown_key(info: _Kind, parent: Path, key: str | int) -> ReadIssue:
    parent_pattern = _pattern_of(info, parent)
    where = _dotted(parent) or "the top level"
    hint = _suggest(info, parent_pattern, key) if parent_pattern is not None else ""
    message = f"unknown key {_q(key)} in {where}" + (f"; {hint}" if hint else "")
    return ReadIssue("schema-unknown-key", message, 0, 0, _pointer((*parent, key)))


def _suggest(info: _Kind, parent_pattern: str, key: str | int) -> str:
    siblings = {n: m for n, m in info.groups.get(parent_pattern, {}).items() if not m.note.get("not_a_key")}
    wanted = _normal(str(key))
    for name, member in siblings.items():
        if _normal(name) == wanted:
            return f"did you mean {_q(name)}?" + _obsolete_aside(info, member)
    elsewhere = [
        m for m in info.by_name.get(wanted, []) if m.parent != parent_pattern and not m.note.get("not_a_key")
    ]
    if elsewhere:
        places = sorted({_display_pattern(info, m.pattern) for m in elsewhere})
        shown = ", ".join(places[:3]) + (", ..." if len(places) > 3 else "")
        return f"it belongs elsewhere: {shown}"
    close = _close_match(wanted, siblings)
    if close is not None:
        return f"did you mean {_q(close)}?" + _obsolete_aside(info, siblings[close])
    return ""


def _close_match(wanted: str, siblings: dict[str, Member]) -> str | None:
    if not siblings or not wanted:
        return None
    import difflib  # only on this cold path

    normal = {_normal(name): name for name in siblings}
    found = difflib.get_close_matches(wanted, list(normal), n=1, cutoff=0.8)
    return normal[found[0]] if found else None


def _obsolete_aside(info: _Kind, member: Member) -> str:
    versions = member.note.get("versions") or {}
    product = _PRODUCT[info.name]
    if versions.get("renamed_to"):
        return f" (renamed {_q(versions['renamed_to'])} in {product} {versions.get('removed')})"
    if versions.get("moved_to"):
        return f" (moved to {versions['moved_to']} in {product} {versions.get('removed')})"
    if versions.get("removed"):
        return f" (removed in {product} {versions['removed']})"
    return ""


def _tokens(pattern: str) -> list[str]:
    return pointer_tokens(pattern)


def _normal(name: str) -> str:
    return name.translate(_SEPARATORS).lower()


# ----------------------------------------------------------------------------------- version-aware checks


def _own_versions(member: Member) -> bool:
    versions = member.note.get("versions") or {}
    return any(k in versions for k in ("added", "removed", "renamed_to", "moved_to"))


class _Trie:
    """Pointer patterns as a tree, so that one walk over the document finds every versioned key."""

    __slots__ = ("children", "members", "star")

    def __init__(self) -> None:
        self.members: list[Member] = []
        self.children: dict[str, _Trie] = {}
        self.star: _Trie | None = None

    def add(self, tokens: list[str], member: Member) -> None:
        node = self
        for token in tokens:
            if token == "*":
                node.star = node.star or _Trie()
                node = node.star
            else:
                node = node.children.setdefault(token, _Trie())
        node.members.append(member)

    def walk(self, data: Any, path: Path, out: list[tuple[Member, Path, Any]]) -> None:
        for member in self.members:
            out.append((member, path, data))
        if isinstance(data, dict):
            for token, child in self.children.items():
                if token in data:
                    child.walk(data[token], (*path, token), out)
            if self.star is not None:
                for key, value in data.items():
                    self.star.walk(value, (*path, key), out)
        elif isinstance(data, list) and self.star is not None:
            for index, value in enumerate(data):
                self.star.walk(value, (*path, index), out)


def _version_issues(info: _Kind, data: Any, version: Version | None) -> list[ReadIssue]:
    found: list[tuple[Member, Path, Any]] = []
    info.versioned.walk(data, (), found)
    issues = []
    for member, path, value in found:
        issue = _version_issue(info, member, path, value, version)
        if issue is not None:
            issues.append(issue)
    return issues


class _Facts:
    """The version facts of one member, parsed once."""

    __slots__ = ("added", "legacy_forms", "not_a_key", "removed")

    def __init__(self, member: Member) -> None:
        note = member.note
        versions = note.get("versions") or {}
        self.not_a_key: str | None = note.get("not_a_key")
        self.added = parse_version(versions.get("added"))
        self.removed = parse_version(versions.get("removed"))
        self.legacy_forms = tuple(  # (JSON type, removed in, note)
            (form, parse_version(fact.get("removed")), fact.get("note", "obsolete form"))
            for form, fact in (note.get("legacy_forms") or {}).items()
        )


def _version_issue(
    info: _Kind, member: Member, path: Path, value: Any, version: Version | None
) -> ReadIssue | None:
    facts = info.facts[member.pattern]
    product = _PRODUCT[info.name]
    if facts.not_a_key:
        text = f"{_name(path)} is not an {product} key: {facts.not_a_key}"
        return ReadIssue("schema-unknown-key", text, 0, 0, _pointer(path))
    if facts.removed is not None and (version is None or version >= facts.removed):
        text = _obsolete_message(_name(path), member.note.get("versions") or {}, product)
        return ReadIssue("schema-obsolete-key", text, 0, 0, _pointer(path))
    if facts.added is not None and version is not None and version < facts.added:
        added = show_version(facts.added)
        running = show_version(version)
        text = f"{_name(path)} was added in {product} {added}; {product} {running} does not read it"
        return ReadIssue("schema-unknown-key", text, 0, 0, _pointer(path))
    for form, gone, note in facts.legacy_forms:
        if json_type(value) == form and (version is None or (gone is not None and version >= gone)):
            return ReadIssue("schema-obsolete-key", f"{_name(path)}: {note}", 0, 0, _pointer(path))
    return None


def _name(path: Path) -> str:
    return _q(_dotted(path))


def _obsolete_message(name: str, versions: dict[str, Any], product: str) -> str:
    removed = versions.get("removed")
    if versions.get("renamed_to"):
        text = f"{name} was renamed {_q(versions['renamed_to'])} in {product} {removed}"
        return text + (" (which still reads the old name)" if versions.get("still_accepted") else "")
    if versions.get("moved_to"):
        return f"{name} moved to {versions['moved_to']} in {product} {removed}"
    text = f"{name} was removed in {product} {removed}"
    return text + (f": {versions['note']}" if versions.get("note") else "")


# ---------------------------------------------------------------------------------------------- plumbing


def _is_unknown(data: Any, error: SchemaError, unknown: Mapping[str, str] | None) -> bool:
    """The error sits at or below a value that is not statically known."""
    path = (*error.path, error.key) if error.keyword == "required" and error.key is not None else error.path
    node: Any = data
    pointer = ""
    for token in path:
        if _is_mark(node) or (unknown and pointer in unknown):
            return True
        pointer = join_pointer(pointer, token)
        if isinstance(node, dict):
            node = node.get(token) if isinstance(token, str) else None
        elif isinstance(node, list) and isinstance(token, int) and token < len(node):
            node = node[token]
        else:
            node = None
    return _is_mark(node) or bool(unknown and pointer in unknown)


def _is_mark(value: Any) -> bool:
    return isinstance(value, dict) and _UNKNOWN_MARK in value and len(value) == 1


def _value_at(data: Any, path: Path) -> Any:
    node = data
    for token in path:
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and isinstance(token, int) and token < len(node):
            node = node[token]
        else:
            return None
    return node


def _pattern_of(info: _Kind, path: Path) -> str | None:
    pattern = ""
    for token in path:
        if isinstance(token, str) and token in info.groups.get(pattern, {}):
            pattern = f"{pattern}/{token.replace('~', '~0').replace('/', '~1')}"
        elif pattern in info.wildcard:
            pattern = f"{pattern}/*"
        else:
            return None
    return pattern


def _display_pattern(info: _Kind, pattern: str) -> str:
    """``/auto_bind/*/user`` -> ``auto_bind[].user``; ``/scripts/*/file`` -> ``scripts.<Name>.file``."""
    text = ""
    sofar = ""
    for token in pattern.split("/")[1:]:
        sofar = f"{sofar}/{token}"
        if token == "*":
            member = info.wildcard.get(sofar[:-2])
            table = member is not None and member.note.get("table")
            text += ".<Name>" if table else "[]"
        else:
            text += f".{token}" if text else token
    return text


def _dotted(path: Path) -> str:
    """The path as messages name it; key names come from the config, so control characters are escaped (a
    message is one line)."""
    text = ""
    for token in path:
        if isinstance(token, int):
            text += f"[{token}]"
        else:
            name = escape_unsafe(str(token))
            text += f".{name}" if text else name
    return text


def _pointer(path: Path) -> str:
    pointer = ""
    for token in path:
        pointer = join_pointer(pointer, token)
    return pointer


def _q(text: Any) -> str:
    shown = str(text)
    if len(shown) > 60:
        shown = shown[:59] + "…"
    return repr(shown)


def _sorted_unique(issues: list[ReadIssue]) -> list[ReadIssue]:
    seen: set[tuple[str, str, str]] = set()
    out: list[ReadIssue] = []
    for issue in sorted(issues, key=lambda i: (i.pointer, i.code, i.message)):
        key = (issue.code, issue.pointer, issue.message)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out
