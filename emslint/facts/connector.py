"""Facts of an eMessage Connector / Connection Server file (sections ``connector``, ``connector_raw``,
``derived.connector``, ``authenticators``, and its items in ``files``; see schemas/facts.schema.json).

* :func:`effective_connector`: the file as the product reads it: what is written over PTC's documented defaults
  (``schemas/connector.schema.json``), ``"yes"``/``"on"``/``"8443"`` coerced as Typesafe config does, a value
  from the environment as ``{"$unknown": reason}`` (never guessed, never a default);
* :func:`connector_derived`: what rules need computed: each platform URL's scheme, the TLS switches with whether
  they are written, file-transfer URLs, the health-check port, level-deciding values set from the environment;
* :func:`keystore_items`: the key and trust stores the file names (status, mode, JKS or PKCS #12), found with
  the same resolver as the EMS's files: nothing outside the scanned folder is looked at;
* :func:`authenticator_items`: the TokenPropertyAuthenticators of the entity exports given or beside the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from emslint.facts.normalize import UNKNOWN_KEY, deep_merge
from emslint.inspect.paths import OK, resolve_config_path
from emslint.inspect.permissions import mode_facts
from emslint.json_values import copy_json
from emslint.pointers import split as pointer_tokens
from emslint.pointers import value_at
from emslint.read.entity_export import authenticator_fields, read_export_path
from emslint.read.result import ReadIssue, join_pointer
from emslint.read.source import SourceError, read_source
from emslint.read.sources import SourceFile
from emslint.schema.defaults import annotations as schema_notes
from emslint.schema.defaults import defaults

PRODUCTS = {"connector": "emessage-connector", "cxserver": "connection-server"}
_TRUE = ("true", "yes", "on")  # Typesafe config's getBoolean, exactly so (case matters)
_FALSE = ("false", "no", "off")
_TLS_SCHEMES = {"wss": True, "https": True, "ws": False, "http": False}
MAX_EXPORTS_BESIDE = 32
MAX_KEYSTORE_BYTES = 1024 * 1024


def _tokens(pointer: str) -> list[str]:
    return pointer_tokens(pointer)


def _set(doc: dict[str, Any], pointer: str, value: Any) -> None:
    tokens = _tokens(pointer)
    node: Any = doc
    for token in tokens[:-1]:
        if isinstance(node, dict):
            child = node.get(token)
            if not isinstance(child, (dict, list)):
                child = node[token] = {}
            node = child
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return
    if isinstance(node, dict) and tokens:
        node[tokens[-1]] = value
    elif isinstance(node, list) and tokens and tokens[-1].isdigit() and int(tokens[-1]) < len(node):
        node[int(tokens[-1])] = value


def typesafe_boolean(value: Any) -> Any:
    """A value as Typesafe config's ``getBoolean`` reads it (anything else unchanged)."""
    if isinstance(value, str):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    return value


def _typesafe_integer(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


def effective_connector(raw: dict[str, Any] | None, unknown: dict[str, str]) -> dict[str, Any] | None:
    """The connector file as the product reads it (see the module)."""
    if not isinstance(raw, dict):
        return None

    merged: dict[str, Any] = deep_merge(defaults("connector"), copy_json(raw))
    for pattern, note in schema_notes("connector").items():
        coerce = note.get("coerce")
        if coerce and "*" not in pattern:
            value = value_at(merged, pattern)
            if value is not None:
                _set(merged, pattern, typesafe_boolean(value) if coerce == "boolean" else _typesafe_integer(value))
    for pointer, reason in unknown.items():
        if pointer:
            _set(merged, pointer, {UNKNOWN_KEY: reason})
    return merged


# ------------------------------------------------------------------------------------------- derived facts

_SETTINGS = {
    "listener_tls": ("/cx-server/protocol/http-server/ssl/enabled", "connector-edge", False),
    "gas_tls": ("/cx-server/remote-access/gas/http-client/ssl/enabled", "connector-gas", True),
    "gas_verify_host": ("/cx-server/remote-access/gas/http-client/ssl/verify-host", "connector-gas", True),
    "gas_trust_all": ("/cx-server/remote-access/gas/http-client/ssl/trust-all-certificates", "connector-gas", True),
}
PLATFORMS = "/cx-server/transport/websockets/platforms"
TRANSFER_URLS = ("/cx-server/emessage/file-transfer/upload/url", "/cx-server/emessage/file-transfer/download/url")
HEALTH_PORT = "/cx-server/health-check/port"


def connector_derived(source: SourceFile, effective: dict[str, Any]) -> dict[str, Any]:
    """``derived.connector``: computed facts of one connector file (every key always present)."""
    role = source.role
    result = source.result
    written = result.positions if result is not None else {}
    unknown = result.unknown if result is not None else {}

    def at(pointer: str) -> dict[str, Any]:
        return {"file": role, "pointer": pointer}

    settings: dict[str, Any] = {}
    for name, (pointer, link, gas_only) in _SETTINGS.items():
        if gas_only and role != "connector":
            continue
        value = value_at(effective, pointer)
        settings[name] = {"at": at(pointer), "link": link, "written": pointer in written,
                          "value": value if isinstance(value, bool) else None}
    platforms = [dict(_url_facts(text), at=at(pointer), link="connector-platform")
                 for pointer, text in _entries(effective, PLATFORMS)]
    transfers = [dict(_url_facts(text), at=at(pointer), link="connector-edge")
                 for pointer in TRANSFER_URLS
                 if isinstance(text := value_at(effective, pointer), str)]
    port = value_at(effective, HEALTH_PORT)
    health = ({"at": at(HEALTH_PORT), "port": port, "detail": str(port), "link": "connector-edge"}
              if isinstance(port, int) and not isinstance(port, bool) else None)
    return {
        "product": PRODUCTS.get(role),
        "settings": settings,
        "platforms": platforms,
        "transfer_urls": transfers,
        "health_check": health,
        "from_environment": _from_environment(role, unknown),
    }


def _entries(effective: dict[str, Any], pointer: str) -> list[tuple[str, Any]]:
    """The platform URLs: a string (commas separate several), or an array of them; unknown ones are left out."""
    value = value_at(effective, pointer)
    if isinstance(value, str):
        return [(pointer, part) for part in value.split(",") if part.strip()] or [(pointer, value)]
    if isinstance(value, list):
        return [(join_pointer(pointer, i), item) for i, item in enumerate(value)
                if not (isinstance(item, dict) and UNKNOWN_KEY in item) and item is not None]
    return []


def _url_facts(text: Any) -> dict[str, Any]:
    """Scheme, TLS and a shown form of a URL (scheme://host:port only: no path, query or user part, which may
    hold an application key or a password)."""
    if not isinstance(text, str):
        return {"scheme": None, "tls": None, "detail": "not a URL string"}
    value = text.strip()
    scheme, sep, rest = value.partition("://")
    if not sep or not scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        return {"scheme": None, "tls": None, "detail": "no scheme (wss:// or ws://)"}
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if found >= 0:
            end = min(end, found)
    authority = rest[:end]
    host = authority.rpartition("@")[2]  # never the user:password part
    shown = "".join(ch if ch.isprintable() and not ch.isspace() else "?" for ch in host[:120])
    lowered = scheme.lower()
    return {"scheme": lowered, "tls": _TLS_SCHEMES.get(lowered), "detail": f"{lowered[:20]}://{shown}"}


def _from_environment(role: str, unknown: dict[str, str]) -> list[dict[str, Any]]:
    """Level-deciding values (``x-emslint.level``) that the file takes from the environment."""

    places = [(pattern, note["link"]) for pattern, note in schema_notes("connector").items()
              if note.get("level") and note.get("link")]
    items = []
    for pointer, reason in sorted(unknown.items()):
        for pattern, link in places:
            if pointer == pattern or pointer.startswith(pattern + "/") or pattern.startswith(pointer + "/"):
                if link == "connector-gas" and role != "connector":
                    continue
                items.append({"at": {"file": role, "pointer": pointer}, "link": link, "detail": reason})
                break
    return items


# ------------------------------------------------------------------------------------------ key stores


def keystore_items(source: SourceFile, effective: dict[str, Any], *, root: Path, scan_root: Path,
                   allowed_roots: tuple[Path, ...], folder_uid: int | None, conf_path: Path) -> list[dict[str, Any]]:
    """``files`` items for the key and trust stores the connector file names (never opened outside the roots)."""

    items = []
    for pattern, note in schema_notes("connector").items():
        kind = note.get("path")
        text = value_at(effective, pattern)
        if kind is None or not isinstance(text, str):
            continue
        found = resolve_config_path(text, microserver_root=root, config_dir=conf_path.parent, scan_root=scan_root,
                                    allowed_roots=allowed_roots)
        shown = _display(_base_display(source.display, conf_path.parent, root), root, found.path) \
            if found.path is not None else text
        item: dict[str, Any] = {
            "at": {"file": source.role, "pointer": pattern},
            "role": f"connector-{kind}",
            "link": note.get("link"),
            "path": shown,
            "related": [shown],
            "status": found.status,
            "detail": found.detail,
            "format": None,
            "mode": None,
        }
        if found.status == OK and found.path is not None:
            item["format"] = _store_format(found.path)
            item["detail"] = _FORMAT_NAMES[item["format"]]
            item["mode"] = mode_facts(found.path, folder_owner_uid=folder_uid)
        items.append(item)
    return items


def _base_display(conf_display: str, folder: Path, root: Path) -> str:
    """How ``root`` (the connector file's folder or the one above it) is shown, from the file's display."""
    base = Path(conf_display).parent
    if os.path.abspath(root) != os.path.abspath(folder):
        base = base.parent
    return base.as_posix()


def _display(base: str, folder: Path, path: Path) -> str:
    """A referenced file's path as the user would write it: relative to ``folder``, shown as ``base``."""
    try:
        rest = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(folder)))
    except ValueError:
        return str(path)
    if rest.parts and rest.parts[0] == "..":
        return str(path)
    return (Path(base) / rest).as_posix() if base not in ("", ".") else rest.as_posix()


_FORMAT_NAMES = {"jks": "JKS", "jceks": "JCEKS", "pkcs12": "PKCS #12", "unknown": "unknown"}


def _store_format(path: Path) -> str:
    """jks, jceks, pkcs12 (a DER sequence) or unknown, from the first bytes (the file is read capped)."""

    raw = read_source(path, max_bytes=MAX_KEYSTORE_BYTES)
    if isinstance(raw, SourceError) or len(raw.data) < 4:
        return "unknown"
    head = raw.data[:4]
    if head == b"\xfe\xed\xfe\xed":
        return "jks"
    if head == b"\xce\xce\xce\xce":
        return "jceks"
    if head[0] == 0x30:
        return "pkcs12"
    return "unknown"


# ---------------------------------------------------------------------------------------- entity exports


def authenticator_items(sources: list[SourceFile], connector: SourceFile | None,
                        conf_path: Path | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(``authenticators`` items, ``issues`` items) of the exports given by name and of those beside the
    connector file (``*.xml`` that mention the authenticator; at most :data:`MAX_EXPORTS_BESIDE` looked at)."""
    items: list[dict[str, Any]] = []
    issues: list[dict[str, Any]] = []
    for source in sources:
        if source.role == "entity-export" and source.result is not None and isinstance(source.result.data, dict):
            for found in source.result.data.get("authenticators", []):
                items.append(_authenticator(source.role, found))
    if connector is None or conf_path is None:
        return items, issues

    given = {os.path.abspath(s.display) for s in sources if s.role == "entity-export"}
    for path in _exports_beside(conf_path.parent):
        if os.path.abspath(path) in given:
            continue
        export = read_export_path(path, require_marker=True)
        if export is None:
            continue
        shown = _display(Path(connector.display).parent.as_posix(), conf_path.parent, path)
        items.extend(_authenticator(shown, authenticator_fields(a)) for a in export.authenticators)
        issues.extend(_issue(shown, issue) for issue in export.issues)
    return items, issues


def _exports_beside(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.lower().endswith(".xml") and _regular(e))
    except OSError:
        return []
    return [folder / name for name in names[:MAX_EXPORTS_BESIDE]]


def _regular(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _authenticator(file: str, found: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": {"file": file, "pointer": "", "line": found["line"], "column": found["column"]},
        "name": found["name"],
        "update_token_on_first_message": found["update_token_on_first_message"],
        "explicit": found["explicit"],
        "enabled": found["enabled"],
        "link": "connector-edge",
        "detail": found["name"],
    }


def _issue(file: str, issue: ReadIssue) -> dict[str, Any]:
    return {"at": {"file": file, "pointer": issue.pointer, "line": issue.line, "column": issue.column},
            "code": issue.code, "detail": issue.message}

