"""The read stage of an eMessage Connector / Connection Server file (``emessage.conf``, ``cxserver.conf``).

The file is read as Typesafe config reads it (:func:`emslint.read.hocon_reader.read_hocon`): nothing is executed,
no environment variable is looked at (``${X}`` from the environment is an unknown value), and ``include``s are
followed only to files inside the scanned folder (or a folder named by ``allow_outside``), through the reader's
callback: never a URL, never a classpath resource, never a file outside.

Every issue code of a connector file starts with ``connector-`` (``connector-file-unreadable``,
``connector-schema-unknown-key`` ...) or ``hocon-`` (the reader's own), so that the EMS rules, which match
``file-unreadable`` or ``schema-unknown-key``, never report about a connector file and the EMC rules never about
an EMS one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from emslint.discover import ConfigFile
from emslint.inspect.paths import MISSING, OK, OUTSIDE_ROOT, resolve_config_path
from emslint.profiling import stage
from emslint.read.hocon_reader import IncludeResult, read_hocon
from emslint.read.result import ReadIssue, position_of
from emslint.read.source import SourceError, decode_text, read_source
from emslint.read.sources import SourceFile
from emslint.read.suppressions import InlineSuppression, parse_suppressions

MAX_CONNECTOR_BYTES = 2 * 1024 * 1024  # a real emessage-all.conf is a few tens of KB
MAX_INCLUDE_BYTES = 2 * 1024 * 1024
MAX_INCLUDED_FILES = 64  # include statements followed per file read, in all
TOP_GROUP = "cx-server"


def read_connector(config: ConfigFile, *, allowed_roots: tuple[Path, ...],
                   inline_suppressions: bool = True) -> SourceFile:
    """Read one connector file into a SourceFile; every problem becomes an issue, never an exception."""
    if config.refused:
        return _unread(config, ReadIssue("file-unreadable", config.refused, 1, 1))
    with stage("read"):
        raw = read_source(config.path, max_bytes=MAX_CONNECTOR_BYTES)
    if isinstance(raw, SourceError):
        return _unread(config, ReadIssue("file-unreadable", raw.message, 1, 1))
    decoded = decode_text(raw.data)
    issues = list(decoded.issues)
    if not decoded.ok:
        return _unread(config, *issues)
    with stage("hocon-parse"):
        result = read_hocon(decoded.text, include=_includes(config.path.parent, allowed_roots))
    if isinstance(result.data, dict) and result.data and TOP_GROUP not in result.data and not result.unknown:
        issue = ReadIssue("connector-no-cx-server", "", 1, 1)
        return SourceFile(config.role, config.display, None, [_renamed(issue)], decoded.text, foreign=True)
    issues.extend(result.issues)
    if isinstance(result.data, dict) and not result.fatal:
        from emslint.schema.validate import validate_config

        with stage("schema"):
            for issue in validate_config("connector", result.data, unknown=result.unknown):
                key = issue.code in ("schema-unknown-key", "schema-obsolete-key")
                issue.line, issue.column = position_of(result, issue.pointer, key=key)
                issues.append(issue)
    suppressions: list[InlineSuppression] = []
    if inline_suppressions and result.comments:
        suppressions, problems = parse_suppressions(result.comments)
        issues.extend(problems)
    return SourceFile(config.role, config.display, result, [_renamed(i) for i in issues], decoded.text,
                      suppressions)


def _unread(config: ConfigFile, *issues: ReadIssue) -> SourceFile:
    return SourceFile(config.role, config.display, None, [_renamed(i) for i in issues])


_KEPT = ("hocon-", "connector-", "suppression-", "internal-error")


def _renamed(issue: ReadIssue) -> ReadIssue:
    """The issue under a ``connector-`` code: the EMS rules match the plain codes."""
    if not issue.code.startswith(_KEPT):
        issue.code = f"connector-{issue.code}"
    return issue


def _includes(folder: Path, allowed_roots: tuple[Path, ...]) -> Callable[[str], IncludeResult]:
    """The include callback for a file in ``folder``: files inside ``allowed_roots`` only, each read capped."""
    count = [0]

    def include_from(here: Path) -> Callable[[str], IncludeResult]:
        def include(name: str) -> IncludeResult:
            count[0] += 1
            if count[0] > MAX_INCLUDED_FILES:
                return IncludeResult(name=name, status="refused",
                                     message=f"more than {MAX_INCLUDED_FILES} includes are not followed")
            return _include_file(name, here, allowed_roots, include_from)

        return include

    return include_from(folder)


def _include_file(name: str, here: Path, allowed_roots: tuple[Path, ...],
                  nested: Callable[[Path], Callable[[str], IncludeResult]]) -> IncludeResult:

    # Typesafe config tries the name as written, then with .conf (.json and .properties are not HOCON here)
    names = [name] if Path(name).suffix else [name, f"{name}.conf"]
    resolved = None
    for candidate in names:
        resolved = resolve_config_path(candidate, microserver_root=here, config_dir=here, scan_root=allowed_roots[0],
                                       allowed_roots=allowed_roots)
        if resolved.status != MISSING:
            break
    assert resolved is not None
    if resolved.status == MISSING:
        return IncludeResult(name=name, status="not-found")
    if resolved.status == OUTSIDE_ROOT:
        return IncludeResult(name=name, status="refused", message="it is outside the scanned folder")
    if resolved.status != OK or resolved.path is None:
        return IncludeResult(name=name, status="error", message=resolved.detail)
    raw = read_source(resolved.path, max_bytes=MAX_INCLUDE_BYTES)
    if isinstance(raw, SourceError):
        return IncludeResult(name=name, status="error", message=raw.message)
    decoded = decode_text(raw.data)
    if not decoded.ok:
        return IncludeResult(name=name, status="error", message="not a UTF-8 text file")
    return IncludeResult(text=decoded.text, name=name, include=nested(resolved.path.parent))
