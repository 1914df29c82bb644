"""The read stage: each config file of a target from disk to a :class:`SourceFile` (data, positions, issues).

Bytes are read safely (:mod:`emslint.read.source`), decoded, parsed by the file's reader (JSON, Lua or HOCON,
never executed) and validated against its schema. Every problem becomes an issue, never an exception. Connector
files are read by :mod:`emslint.read.connector`, ThingWorx entity exports by :mod:`emslint.read.entity_export`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from emslint.discover import BACKUP_ROLES, CONNECTOR_ROLES, ENTITY_EXPORT, ConfigFile, reads_as
from emslint.profiling import stage
from emslint.read.cjson_view import apply_cjson_model
from emslint.read.json_reader import read_json
from emslint.read.lua_reader import read_lua
from emslint.read.result import ReadIssue, ReadResult, position_of
from emslint.read.source import SourceError, decode_text, read_source
from emslint.read.sources import SourceFile
from emslint.read.suppressions import InlineSuppression, parse_suppressions
from emslint.schema.defaults import schema_members
from emslint.schema.validate import validate_config

MAX_CONFIG_BYTES = 2 * 1024 * 1024  # real configs are a few KB; positions cost ~130 bytes per value


def read_config(config: ConfigFile, *, ems_version: str | None = None, inline_suppressions: bool = True,
                allowed_roots: tuple[Path, ...] = ()) -> SourceFile:
    """Read one config file into a SourceFile; every problem becomes an issue, never an exception.

    ``allowed_roots``: where a connector file's includes may be read (the scanned folder first)."""
    if config.role in CONNECTOR_ROLES:
        from emslint.read.connector import read_connector

        roots = allowed_roots or (config.path.parent,)
        return read_connector(config, allowed_roots=roots, inline_suppressions=inline_suppressions)
    if config.role == ENTITY_EXPORT:
        from emslint.read.entity_export import read_export_file

        return read_export_file(config)
    if config.refused:
        return SourceFile(config.role, config.display, None, [ReadIssue("file-unreadable", config.refused, 1, 1)])
    with stage("read"):
        raw = read_source(config.path, max_bytes=MAX_CONFIG_BYTES)
    if isinstance(raw, SourceError):
        return SourceFile(config.role, config.display, None, [ReadIssue("file-unreadable", raw.message, 1, 1)])
    with stage("read"):
        decoded = decode_text(raw.data, c_string=reads_as(config.role) != "lsr")
    issues = list(decoded.issues)
    if not decoded.ok:
        return SourceFile(config.role, config.display, None, issues)
    kind = reads_as(config.role)
    result: ReadResult
    if kind == "lsr":
        with stage("lua-parse"):
            result = read_lua(decoded.text, had_bom=decoded.has_bom)
        issues = [i for i in issues if i.code != "encoding-bom"]
    else:
        with stage("json-parse"):
            result = read_json(decoded.text)
            apply_cjson_model(result)
    if kind == "ems" and isinstance(result.data, dict) and result.data and not _has_ems_group(result.data):
        issue = ReadIssue("not-an-ems-config", "", 1, 1)
        return SourceFile(config.role, config.display, None, [issue], decoded.text, foreign=True)
    issues.extend(result.issues)
    if result.data is not None and not result.fatal:
        with stage("schema"):
            for issue in validate_config(kind, result.data, ems_version=ems_version, unknown=result.unknown):
                key = issue.code in ("schema-unknown-key", "schema-obsolete-key")
                issue.line, issue.column = position_of(result, issue.pointer, key=key)
                issues.append(issue)
    suppressions: list[InlineSuppression] = []
    if inline_suppressions and result.comments and config.role not in BACKUP_ROLES:  # a copy's comments govern nothing
        suppressions, problems = parse_suppressions(result.comments)
        issues.extend(problems)
    return SourceFile(config.role, config.display, result, issues, decoded.text, suppressions)



@cache
def _ems_groups() -> frozenset[str]:
    """The top-level keys of config.json the EMS reads (from its schema), lower-cased: cJSON compares names
    case-insensitively (ASCII letters only, as C strings: see cjson_view)."""
    return frozenset(m.name.lower() for m in schema_members("ems") if m.parent == "" and m.name != "*")


def _has_ems_group(data: dict[str, Any]) -> bool:
    """Whether a config.json object holds any EMS group: an object of other keys only is another program's file
    (EMS016); an empty one is an EMS config that sets nothing."""
    groups = _ems_groups()
    names = (key.split("\x00", 1)[0] for key in data if isinstance(key, str))
    return any(name.isascii() and name.lower() in groups for name in names)
