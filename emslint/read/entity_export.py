"""ThingWorx entity exports (``.xml``): the TokenPropertyAuthenticator's "Update Token on First Message".

The eMessage Connector's agents authenticate with a token that the platform's TokenPropertyAuthenticator checks;
its option "Update Token on First Message" (selected by default) stores the first token an agent sends (trust on
first use). That setting lives on the platform, not in the Connector's file, so emslint can judge it only from an
entity export of the authenticator (Composer: Export), given on the command line or lying beside the connector
file.

The XML is untrusted and parsed with the protections of defusedxml, by hand on the standard library's expat: a
document type declaration (DTD) is refused outright, and with it every entity definition (no entity expansion,
no external entity, no billion laughs); the file is read only up to :data:`MAX_EXPORT_BYTES`; no tree is built
(a streaming parse keeps the path of open elements, at most :data:`MAX_DEPTH` deep, and the few values it wants).

What is read (the export format of the authenticator was not found in PTC's pages; this follows the entity XML
that Composer writes for other entities): an element ``Authenticator`` whose ``name`` contains
``TokenPropertyAuthenticator``; inside it, a configuration-table field whose name, without case and separators,
contains ``updatetokenonfirst`` (``<updateTokenOnFirstMessage>true</updateTokenOnFirstMessage>`` in a ``Row``,
or ``<FieldDefinition name="updateTokenOnFirstMessage" value="true"/>``). A field that is not in the export
takes PTC's documented default: selected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from emslint.discover import ConfigFile
from emslint.read.result import ReadIssue, ReadResult
from emslint.read.source import SourceError, read_source
from emslint.read.sources import SourceFile

MAX_EXPORT_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 256
MAX_VALUE_CHARS = 64
MARKER = b"TokenPropertyAuthenticator"
AUTHENTICATOR = "TokenPropertyAuthenticator"
_FIELD = "updatetokenonfirst"
_SEPARATORS = re.compile(r"[^a-z0-9]")


@dataclass(slots=True)
class Authenticator:
    """One TokenPropertyAuthenticator in an export (never holds a token: the export's values are not kept)."""

    line: int
    column: int
    name: str
    update_token_on_first_message: bool
    explicit: bool  # the option is written in the export (else PTC's default, selected)
    enabled: bool | None  # the entity's enabled attribute, when written


@dataclass(slots=True)
class EntityExport:
    authenticators: list[Authenticator] = field(default_factory=list)
    issues: list[ReadIssue] = field(default_factory=list)


class _Refused(Exception):
    """The document declares a DTD or entities (never expanded: the file is not read further)."""


class _TooDeep(Exception):
    pass


def read_entity_export(data: bytes) -> EntityExport:
    """The TokenPropertyAuthenticators of an export's bytes, and problems as issues (never an exception)."""
    out = EntityExport()
    if len(data) > MAX_EXPORT_BYTES:
        out.issues.append(ReadIssue("entity-export-unreadable", f"larger than {MAX_EXPORT_BYTES // (1024 * 1024)} "
                                    "MiB; not read", 1, 1))
        return out
    parser = expat.ParserCreate()
    state = _State(parser)
    parser.StartDoctypeDeclHandler = state.refuse
    parser.EntityDeclHandler = state.refuse
    parser.UnparsedEntityDeclHandler = state.refuse
    parser.ExternalEntityRefHandler = state.refuse_external
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    parser.CharacterDataHandler = state.text
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Refused:
        out.issues.append(ReadIssue("entity-export-refused", "the XML declares a document type (DTD) or entities: "
                                    "refused, as defusedxml does; nothing in it was read",
                                    parser.CurrentLineNumber, parser.CurrentColumnNumber + 1))
        return out
    except _TooDeep:
        out.issues.append(ReadIssue("entity-export-unreadable", f"elements nested more than {MAX_DEPTH} deep; not "
                                    "read further", parser.CurrentLineNumber, parser.CurrentColumnNumber + 1))
        return out
    except expat.ExpatError as exc:
        text = expat.ErrorString(exc.code) or "not well-formed"
        out.issues.append(ReadIssue("entity-export-invalid", f"not well-formed XML ({text}); nothing in it was read",
                                    exc.lineno or 1, (exc.offset or 0) + 1))
        return out
    except (ValueError, RecursionError):
        out.issues.append(ReadIssue("entity-export-invalid", "not well-formed XML; nothing in it was read", 1, 1))
        return out
    out.authenticators = state.found
    return out


class _State:
    """The streaming parse: open elements and the authenticator being read."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        self.depth = 0
        self.found: list[Authenticator] = []
        self.current: Authenticator | None = None
        self.current_depth = 0
        self.field_depth = 0  # depth of an open <updateTokenOnFirstMessage> element (0: none)
        self.value: list[str] = []

    def refuse(self, *_args: object) -> None:
        raise _Refused

    def refuse_external(self, _context: str, _base: str | None, _system: str | None, _public: str | None) -> int:
        raise _Refused

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        local = tag.rpartition(":")[2]
        if local == "Authenticator" and AUTHENTICATOR in attrs.get("name", ""):
            enabled = attrs.get("enabled")
            self.current = Authenticator(self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1,
                                         _short(attrs.get("name", "")), True, False,
                                         None if enabled is None else enabled.strip().lower() == "true")
            self.current_depth = self.depth
            return
        if self.current is None:
            return
        if _is_field(local):
            self.field_depth = self.depth
            self.value = []
        elif _is_field(attrs.get("name", "")) and "value" in attrs:
            self._set(attrs["value"])

    def text(self, data: str) -> None:
        if self.field_depth and sum(map(len, self.value)) < MAX_VALUE_CHARS:
            self.value.append(data)

    def end(self, _tag: str) -> None:
        if self.field_depth and self.depth == self.field_depth:
            self._set("".join(self.value))
            self.field_depth = 0
        if self.current is not None and self.depth == self.current_depth:
            self.found.append(self.current)
            self.current = None
        self.depth -= 1

    def _set(self, text: str) -> None:
        assert self.current is not None
        word = text.strip().lower()
        if word in ("true", "false"):
            self.current.update_token_on_first_message = word == "true"
            self.current.explicit = True


def authenticator_fields(found: Authenticator) -> dict[str, Any]:
    """An authenticator as plain data (the read result of an export given by name)."""
    return {"line": found.line, "column": found.column, "name": found.name,
            "update_token_on_first_message": found.update_token_on_first_message, "explicit": found.explicit,
            "enabled": found.enabled}


def _is_field(name: str) -> bool:
    return _FIELD in _SEPARATORS.sub("", name.lower())


def _short(name: str) -> str:
    text = name if len(name) <= 80 else name[:77] + "..."
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def read_export_path(path: Path, *, require_marker: bool) -> EntityExport | None:
    """Read an export file from disk (capped). With ``require_marker`` (a file merely lying beside a connector
    file), None when it does not mention the authenticator at all: such files (logback.xml) are not reported."""
    raw = read_source(path, max_bytes=MAX_EXPORT_BYTES)
    if isinstance(raw, SourceError):
        if require_marker:
            return None
        return EntityExport(issues=[ReadIssue("entity-export-unreadable", raw.message, 1, 1)])
    if require_marker and MARKER not in raw.data:
        return None
    return read_entity_export(raw.data)


def read_export_file(config: ConfigFile) -> SourceFile:
    """An export given on the command line, as a source file of its own target (foreign without an
    authenticator: it is then no part of any deployment)."""
    if config.refused:
        return SourceFile(config.role, config.display, None,
                          [ReadIssue("entity-export-unreadable", config.refused, 1, 1)])
    export = read_export_path(config.path, require_marker=False)
    assert export is not None
    if not export.authenticators and not export.issues:
        issue = ReadIssue("entity-export-no-authenticator", "no TokenPropertyAuthenticator in this file; nothing "
                          "in it was checked", 1, 1)
        return SourceFile(config.role, config.display, None, [issue], foreign=True)
    result = ReadResult(data={"authenticators": [authenticator_fields(a) for a in export.authenticators]})
    return SourceFile(config.role, config.display, result if export.authenticators else None, export.issues)
