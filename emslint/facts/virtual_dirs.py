"""``file.virtual_dirs`` as the EMS's file system sees them: normalised, and compared with where the microserver is.

Rules judge the normalised path (EMS803, EMS804); this module only computes it. A value is normalised lexically,
never looked up: ``\\`` becomes ``/``, a drive letter is lower-cased (``C:\\`` -> ``c:/``), ``\\\\?\\`` is dropped,
repeated and trailing separators and ``.`` go, ``..`` climbs (never above a root). ``/srv/ms/transfer/..`` is
``/srv/ms``; ``/a/b/../../..`` is ``/``.

Where the microserver is on the device is not in the configs. Its candidates (``microserver_paths``):

* the scanned deployment folder's absolute path (right when emslint runs on the device);
* ``<P>`` for every absolute path ``<P>/etc/<rest>`` written in config.json or config.lua whose ``etc/<rest>``
  exists in the scanned deployment folder (a certificate written as ``/opt/ems/etc/certs/ca.pem`` when the folder
  holds ``etc/certs/ca.pem``: the device runs the microserver from ``/opt/ems``). The check never leaves the scan
  root (:func:`emslint.inspect.paths.resolve_config_path`).

Folders named like the shipped distribution (``microserver``, its ``etc``) are recognised by EMS803's pattern.
A virtual dir ``shares_microserver`` when it is a candidate, an ancestor of one, or its ``etc`` folder or below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from emslint.facts.mask import without_url_credentials
from emslint.inspect.paths import NOT_A_FILE, OK, resolve_config_path
from emslint.read.result import join_pointer

_DRIVE = re.compile(r"^[A-Za-z]:")


def normalise(text: str) -> dict[str, Any]:
    """``{"path", "absolute", "windows"}`` of a configured folder (lexical; see the module)."""
    value = text.strip()
    windows = "\\" in value or _DRIVE.match(value) is not None
    unc = value.startswith("\\\\") and not value.startswith(("\\\\?\\", "\\\\.\\"))  # \\server\share
    value = value.replace("\\", "/")
    if value.startswith(("//?/", "//./")):
        value = value[4:]
    anchor = ""
    if _DRIVE.match(value):
        anchor, value = value[:2].lower(), value[2:]
    named = [p for p in value.split("/") if p][:2]
    if unc and len(named) == 2 and not {".", ".."} & set(named):
        anchor, value = "//", value[2:]  # UNC: \\server\share (on POSIX, // is /)
    elif value.startswith("/"):
        anchor += "/"
    absolute = anchor.endswith("/")
    parts: list[str] = []
    for part in value.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not absolute:
                parts.append("..")
            continue
        parts.append(part)
    # "c:" alone is the current folder of drive C; a bare relative path that climbs nowhere is "."
    path = anchor + "/".join(parts) if absolute or anchor else "/".join(parts) or "."
    return {"path": path, "absolute": absolute, "windows": windows}


def _fold(path: str, windows: bool) -> str:
    return path.lower() if windows else path


def _within(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or below it (normalised paths)."""
    return path == folder or path.startswith(folder if folder.endswith("/") else folder + "/")


def _strings(data: Any, depth: int = 0) -> Iterator[str]:
    if depth > 64:
        return
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value, depth + 1)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value, depth + 1)
    elif isinstance(data, str):
        yield data


def microserver_paths(ems: dict[str, Any] | None, lsr: dict[str, Any] | None, root: Path, scan_root: Path) -> list[str]:
    """Where the microserver may be on the device (normalised, see the module); the scanned folder first."""

    found: list[str] = []
    try:
        found.append(normalise(str(root.resolve()))["path"])
    except (OSError, RuntimeError):
        pass
    seen: set[str] = set()
    for text in [*_strings(ems), *_strings(lsr)]:
        if "etc" not in text or len(text) > 4096:
            continue
        norm = normalise(text)
        path = norm["path"]
        if not norm["absolute"] or path in seen:
            continue
        seen.add(path)
        head, sep, rest = path.rpartition("/etc/")
        if not sep or not rest or ".." in rest.split("/"):
            continue
        where = resolve_config_path("etc/" + rest, microserver_root=root, config_dir=root, scan_root=scan_root)
        if where.status in (OK, NOT_A_FILE):
            device = head + "/" if head.endswith(":") else head or "/"
            if device not in found:
                found.append(device)
    return found


def virtual_dir_items(ems: dict[str, Any] | None, microserver: list[str]) -> list[dict[str, Any]] | None:
    """One item per ``file.virtual_dirs`` entry (``{name: path}``) with a string path; None without the group."""
    file_group = ems.get("file") if isinstance(ems, dict) else None
    entries = file_group.get("virtual_dirs") if isinstance(file_group, dict) else None
    if not isinstance(entries, list):
        return None
    items: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        for name, value in entry.items():
            if not isinstance(value, str) or not value.strip():
                continue
            if "://" in value:  # a URL where a folder belongs: its user information never reaches a report
                value = without_url_credentials(value)
            norm = normalise(value)
            items.append({
                "at": {"file": "ems", "pointer": join_pointer(join_pointer("/file/virtual_dirs", index), name)},
                "detail": norm["path"],
                **norm,
                "shares_microserver": norm["absolute"] and _shares(norm, microserver),
            })
    return items


def _shares(norm: dict[str, Any], microserver: list[str]) -> bool:
    path = _fold(norm["path"], norm["windows"])
    for candidate in microserver:
        folded = _fold(candidate, norm["windows"] or _DRIVE.match(candidate) is not None)
        etc = folded.rstrip("/") + "/etc"
        if _within(folded, path) or _within(path, etc):
            return True
    return False
