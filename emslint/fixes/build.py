"""From a finding and its rule's ``[[fix]]`` entry to the edits on the file as read (not yet validated).

Every builder returns None rather than guess: a value it cannot find as one token, a key in a tolerated but
odd spelling, a member beside a comment, a file that is a symbolic link, one this account could not write
while keeping its owner, or any place that holds a secret. A fix never writes, moves or rewrites a secret.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emslint.facts.mask import is_secret_pointer
from emslint.fixes import json_text
from emslint.fixes.lua_text import LuaText, lua_literal
from emslint.fixes.model import Edit, Fix
from emslint.fixes.text import FileText
from emslint.model import Finding
from emslint.pointers import dotted, unescape_token, value_at
from emslint.read.result import ReadResult
from emslint.read.source import SourceError, read_source
from emslint.rules.model import FixSpec
from emslint.schema.compiler import compile_schema, json_equal

_GUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_LUA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_KIND = {"ems": "ems", "ems-booted": "ems", "lsr": "lsr"}


@dataclass(slots=True)
class ConfigText:
    """One config file as far as fixes go: where it is, what was read, and whether it may be edited."""

    role: str
    display: str
    path: Path
    result: ReadResult
    ft: FileText | None  # None: its text may not be edited (see editable)
    secrets: tuple[str, ...]  # pointers of secret and identity values in it (facts "secrets")
    _lua: LuaText | None = None

    @property
    def kind(self) -> str:
        return _KIND[self.role]

    def lua(self) -> LuaText:
        if self._lua is None:
            assert self.ft is not None
            self._lua = LuaText(self.ft)
        return self._lua

    def secret(self, pointer: str) -> bool:
        """Whether the value at ``pointer`` is, holds or lies in a secret."""
        if is_secret_pointer(self.kind, pointer):
            return True
        prefix = pointer + "/"
        return any(p == pointer or p.startswith(prefix) or pointer.startswith(p + "/") for p in self.secrets)


def config_text(role: str, display: str, path: Path, result: ReadResult | None, text: str | None,
                secrets: tuple[str, ...]) -> ConfigText | None:
    """The config's text tied to its bytes now on disk, when its text may be edited: config.json or config.lua
    (not the EMS's own booted copy), a regular file and no symbolic link, this account able to replace it in its
    folder keeping its owner."""
    if result is None or text is None or result.fatal or role not in ("ems", "lsr"):
        return None
    if not _replaceable(path):
        return None
    raw = read_source(path)
    if isinstance(raw, SourceError):
        return None
    ft = FileText.load(text, raw.data)
    return ConfigText(role, display, path, result, ft, secrets) if ft is not None else None


def _replaceable(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:  # a hard link: the other names would keep the old text
        return False
    if os.geteuid() not in (0, st.st_uid):
        return False
    return os.access(path.parent, os.W_OK | os.X_OK)


# ---- choosing the entry --------------------------------------------------------------------------------


def choose(specs: list[FixSpec], finding: Finding, facts: dict[str, Any]) -> FixSpec | None:
    """The first entry whose pointer, ``when`` and ``message`` conditions fit ``finding``."""
    for spec in specs:
        if spec.pointer is not None and not _pointer_matches(spec.pointer, finding.pointer):
            continue
        if spec.when is not None and not _valid(spec.when, facts):
            continue
        if spec.message is not None and not _valid(spec.message, finding.message):
            continue
        return spec
    return None


# id(schema) -> (schema, its validator): compiled once per process
_compiled: dict[int, tuple[dict[str, Any], Any]] = {}


def _valid(schema: dict[str, Any], value: Any) -> bool:
    found = _compiled.get(id(schema))
    if found is None or found[0] is not schema:
        found = _compiled[id(schema)] = (schema, compile_schema(schema))
    return bool(found[1].is_valid(value))


def _pointer_matches(pattern: str, pointer: str) -> bool:
    want, got = pattern.split("/"), pointer.split("/")
    return len(want) == len(got) and all(w in ("*", g) for w, g in zip(want, got, strict=True))


def _data_at(result: ReadResult, pointer: str) -> tuple[bool, Any]:
    node = result.data
    for token in pointer.split("/")[1:]:
        token = unescape_token(token)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node



# ---- text edits ----------------------------------------------------------------------------------------


def _replace(cfg: ConfigText, start: int, end: int, content: str) -> Edit:
    ft = cfg.ft
    assert ft is not None
    line, column = ft.position(start)
    end_line, end_column = ft.position(end)
    return Edit(file=cfg.display, path=str(cfg.path), start=ft.byte(start), end=ft.byte(end), content=content,
                line=line, column=column, end_line=end_line, end_column=end_column)


def _describe(spec: FixSpec, pointer: str, value: str = "", mode_from: int = 0, mode_to: int = 0) -> str:
    return (spec.description.replace("{property}", dotted(pointer)).replace("{value}", value)
            .replace("{mode_from}", f"{mode_from:04o}").replace("{mode_to}", f"{mode_to:04o}"))


def build_text_fix(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> Fix | None:
    """The edits of a text fix (set, remove, remove-duplicate, rename, escape) in ``cfg``, or None."""
    if cfg.ft is None:
        return None
    builder = _BUILDERS.get((spec.kind, cfg.kind))
    if builder is None:
        return None
    made = builder(spec, finding, cfg, facts)
    if made is None:
        return None
    edits, value = made
    return Fix(spec.applicability, _describe(spec, finding.pointer, value), tuple(edits))


_Made = tuple[list[Edit], str] | None


def _set_value(spec: FixSpec, cfg: ConfigText, facts: dict[str, Any]) -> Any:
    value = value_at(facts, spec.value_from) if spec.value_from else spec.value
    if isinstance(value, (dict, list)) or value is None or (isinstance(value, float) and not value.is_integer()):
        return None
    if isinstance(value, str) and (_GUID.search(value) or "appkey" in value.lower()):
        return None
    return value


def _json_set(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> _Made:
    pointer = finding.pointer
    value = _set_value(spec, cfg, facts)
    if value is None or cfg.secret(pointer) or pointer not in cfg.result.positions:
        return None
    present, current = _data_at(cfg.result, pointer)
    if not present or json_equal(current, value):
        return None
    ft = cfg.ft
    assert ft is not None
    s = ft.text
    start = ft.offset(*cfg.result.positions[pointer])
    if start is None:
        return None
    end = json_text.value_end(s, start)
    if end is None or s[start] in "{[":
        return None
    try:
        written = json.loads(s[start:end])
    except ValueError:
        return None
    if not json_equal(written, current):
        return None  # the token is not what was read there (a repeated key, a case variant): leave it
    content = json.dumps(value, ensure_ascii=False)
    return [_replace(cfg, start, end, content)], content


def _lua_set(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> _Made:
    pointer = finding.pointer
    value = _set_value(spec, cfg, facts)
    if value is None or cfg.secret(pointer) or not pointer.startswith("/scripts/"):
        return None
    lua = cfg.lua()
    text = lua.ft.text
    if pointer in cfg.result.positions:
        present, _ = _data_at(cfg.result, pointer)
        start = lua.ft.offset(*cfg.result.positions[pointer])
        token = lua.literal_value(start) if present and start is not None else None
        if token is None:
            return None
        content = lua_literal(value, token, text)
        if content is None:
            return None
        return [_replace(cfg, token.offset, token.end, content)], content
    name = pointer.removeprefix("/scripts/")
    if not _LUA_NAME.match(name) or pointer in cfg.result.unknown:
        return None
    literal = lua_literal(value, None, text)
    if literal is None:
        return None
    newline = lua.ft.newline()
    lead = "" if not text or text.endswith(("\n", "\r")) else newline
    content = f"{lead}scripts.{name} = {literal}{newline}"
    return [_replace(cfg, len(text), len(text), content)], literal


def _json_remove(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> _Made:
    pointer = finding.pointer
    if cfg.secret(pointer) or pointer not in cfg.result.key_positions:
        return None
    ft = cfg.ft
    assert ft is not None
    key = ft.offset(*cfg.result.key_positions[pointer])
    span = json_text.member_removal(ft, key) if key is not None else None
    if span is None or key is None or not _key_named(cfg, key, pointer, exact=False):
        return None
    return [_replace(cfg, span[0], span[1], "")], ""


def _lua_remove(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> _Made:
    pointer = finding.pointer
    if cfg.secret(pointer) or pointer not in cfg.result.key_positions or pointer.count("/") != 2:
        return None
    lua = cfg.lua()
    key = lua.ft.offset(*cfg.result.key_positions[pointer])
    span = lua.statement_removal(key) if key is not None else None
    if span is None:
        return None
    return [_replace(cfg, span[0], span[1], "")], ""


def _json_remove_duplicate(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> _Made:
    """The repeated member the finding is at (a later key, or a later spelling in another case): the EMS reads
    the first, so the file keeps what the EMS reads."""
    pointer = finding.pointer
    if cfg.secret(pointer):
        return None
    ft = cfg.ft
    assert ft is not None
    key = ft.offset(finding.line, finding.column)
    if key is None or key == ft.offset(*cfg.result.key_positions.get(pointer, (0, 0))):
        return None  # the first occurrence: never the one removed
    if not _key_named(cfg, key, pointer, exact=False):
        return None
    span = json_text.member_removal(ft, key)
    return ([_replace(cfg, span[0], span[1], "")], "") if span else None


def _json_rename(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> _Made:
    pointer = finding.pointer
    name = unescape_token(pointer.rpartition("/")[2])
    if any(s.pointer == pointer for s in cfg.result.shadowed):
        return None  # the documented spelling is there too: a duplicate to resolve, not a key to respell
    ft = cfg.ft
    assert ft is not None
    key = ft.offset(finding.line, finding.column)
    if key is None or not _key_named(cfg, key, pointer, exact=False) or _key_named(cfg, key, pointer, exact=True):
        return None
    end = json_text.string_end(ft.text, key)
    content = json.dumps(name, ensure_ascii=False)
    return ([_replace(cfg, key, end, content)], content) if end is not None else None


def _key_named(cfg: ConfigText, key: int, pointer: str, *, exact: bool) -> bool:
    """Whether the strict string at ``key`` is the pointer's last token (without regard to case unless
    ``exact``) and followed by ':'."""
    assert cfg.ft is not None
    s = cfg.ft.text
    end = json_text.string_end(s, key)
    if end is None:
        return False
    after = json_text.skip_ws(s, end)
    if after >= len(s) or s[after] != ":":
        return False
    name = json_text.decoded_string(s, key, end)
    want = unescape_token(pointer.rpartition("/")[2])
    return name == want if exact else (name is not None and name.lower() == want.lower())


def _json_escape(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> _Made:
    pointer = finding.pointer
    if cfg.secret(pointer) or pointer not in cfg.result.positions:
        return None
    ft = cfg.ft
    assert ft is not None
    start = ft.offset(*cfg.result.positions[pointer])
    at = ft.offset(finding.line, finding.column)
    end = json_text.string_end(ft.text, start) if start is not None else None
    if start is None or end is None or at is None or not start < at < end:
        return None
    points = [k for k, kind in json_text.escapes(ft.text, start, end) if kind == spec.escapes]
    return _insert_backslashes(cfg, points)


def _lua_escape(spec: FixSpec, finding: Finding, cfg: ConfigText, facts: dict[str, Any]) -> _Made:
    pointer = finding.pointer
    if cfg.secret(pointer):
        return None
    lua = cfg.lua()
    at = lua.ft.offset(finding.line, finding.column)
    index = lua.index_containing(at) if at is not None else None
    if index is None:
        return None
    token = lua.tokens[index]
    value = token.value.decode("utf-8", "surrogateescape") if isinstance(token.value, bytes) else ""
    if _GUID.search(value) or "appkey" in value.lower():
        return None
    points = [k for k, kind in lua.string_escapes(token) if kind == spec.escapes]
    return _insert_backslashes(cfg, points)


def _insert_backslashes(cfg: ConfigText, points: list[int]) -> _Made:
    if not points:
        return None
    return [_replace(cfg, k, k, "\\") for k in points], ""


_BUILDERS = {
    ("set", "ems"): _json_set,
    ("set", "lsr"): _lua_set,
    ("remove", "ems"): _json_remove,
    ("remove", "lsr"): _lua_remove,
    ("remove-duplicate", "ems"): _json_remove_duplicate,
    ("rename", "ems"): _json_rename,
    ("escape", "ems"): _json_escape,
    ("escape", "lsr"): _lua_escape,
}


# ---- file modes ----------------------------------------------------------------------------------------


def build_chmod_fix(spec: FixSpec, finding: Finding, path: Path, display: str, service_uid: int | None) -> Fix | None:
    """Take ``spec.mode_remove`` off the file's mode. Safe as declared only when the file belongs to the service
    account (the microserver folder's owner), whose own access is untouched; otherwise the service may read or
    write it through its group or as another account, so the fix is unsafe."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or os.geteuid() not in (0, st.st_uid):
        return None
    mode = stat.S_IMODE(st.st_mode)
    new = mode & ~spec.mode_remove
    if new == mode or not new & stat.S_IRUSR:
        return None
    applicability = spec.applicability if service_uid is not None and st.st_uid == service_uid else "unsafe"
    edit = Edit(file=display, path=str(path), kind="chmod", mode_from=mode, mode_to=new)
    return Fix(applicability, _describe(spec, finding.pointer, mode_from=mode, mode_to=new), (edit,))
