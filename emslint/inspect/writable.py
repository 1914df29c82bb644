"""Files and folders whose *write* access matters beyond the configs and keys (research notes §2.2, CWE-732).

Facts ``files`` items (the permission rules judge them; only ``stat`` is ever called, no content is read):

==================  =========  =====================================================================
role                link       what
==================  =========  =====================================================================
lsr-script          lsr-rest   ``scripts.<thing>.file``: Lua code the LSR runs
lsr-template        lsr-rest   ``scripts.<thing>.template``: ``etc/custom/templates/<template>.lua``
lsr-code            lsr-rest   the folders ``etc/custom/templates`` and ``etc/custom/scripts`` and every
                               file in them (not in sub-folders; at most :data:`MAX_LISTED` entries),
                               located at themselves (no config key names them)
data-folder         platform   ``file.staging_dir``, every ``file.virtual_dirs`` folder,
                               ``offline_msg_store.directory``, ``logger.publish_directory`` and
                               ``scripts.log_publish_directory``
==================  =========  =====================================================================

CA lists (``certificates.cert_chain``, ``http_client_ca_certs``, ``scripts.rap_cert_file``) get their mode in
:mod:`emslint.inspect.keymaterial`.

Where the LSR looks for ``file`` is not documented: it is tried, in order, as written (relative to the
microserver folder), in ``etc/custom/scripts/``, ``etc/thingworx/lua/scripts/`` and ``etc/thingworx/lua/``; the
first regular file found is the one judged. Every path goes through
:func:`emslint.inspect.paths.resolve_config_path`: nothing outside the allowed roots is ever stat-ed, and a
symlink that leads out is not followed. Listed folder entries that are symlinks are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emslint.inspect.paths import NOT_A_FILE, OK, ResolvedPath, shown_path
from emslint.inspect.permissions import mode_facts
from emslint.read.result import join_pointer

MAX_LISTED = 256  # entries of one code folder looked at: a folder of thousands is not a deployment's code
SCRIPT_FOLDERS = ("", "etc/custom/scripts/", "etc/thingworx/lua/scripts/", "etc/thingworx/lua/")
CODE_FOLDERS = ("etc/custom/templates", "etc/custom/scripts")
_EMS_FOLDERS = (("file", "staging_dir"), ("offline_msg_store", "directory"), ("logger", "publish_directory"))

Resolve = Callable[[str], ResolvedPath]
Display = Callable[[Path], str]


def writable_items(ems: dict[str, Any] | None, lsr: dict[str, Any] | None, *, resolve: Resolve, display: Display,
                   folder_owner_uid: int | None) -> list[dict[str, Any]]:
    """The items above, in a fixed order: LSR code first, then data folders."""
    seen: set[str] = set()
    items: list[dict[str, Any]] = []

    def add(at: dict[str, Any] | None, role: str, link: str, found: ResolvedPath, folder: bool) -> None:
        if found.status not in (OK, NOT_A_FILE) or found.path is None:
            return
        mode = mode_facts(found.path, folder_owner_uid=folder_owner_uid, folders=folder)
        shown = shown_path(display, found.path)
        if (mode is None and found.status != OK) or shown in seen:
            return  # a FIFO or device, or a file already judged under another name
        seen.add(shown)
        at = at or {"file": shown, "pointer": "", "line": 1, "column": 1}  # no config key names it: at itself
        items.append({"at": at, "role": role, "link": link, "path": shown, "related": [shown], "status": "ok",
                      "detail": shown, "mode": mode})

    if isinstance(lsr, dict):
        for name, thing in lsr.items():
            if not isinstance(thing, dict):
                continue
            script = thing.get("file")
            if isinstance(script, str) and script.strip():
                found = _first_file(script, resolve)
                if found is not None:
                    add({"file": "lsr", "pointer": join_pointer(join_pointer("/scripts", name), "file")},
                        "lsr-script", "lsr-rest", found, False)
            template = thing.get("template")
            if isinstance(template, str) and template.strip() and "/" not in template and "\\" not in template:
                add({"file": "lsr", "pointer": join_pointer(join_pointer("/scripts", name), "template")},
                    "lsr-template", "lsr-rest", resolve(f"etc/custom/templates/{template}.lua"), False)
        for folder in CODE_FOLDERS:
            found = resolve(folder)
            if found.status != NOT_A_FILE or found.path is None or not found.path.is_dir():
                continue
            add(None, "lsr-code", "lsr-rest", found, True)
            for entry in _entries(found.path):
                add(None, "lsr-code", "lsr-rest", resolve(f"{folder}/{entry}"), False)
    if isinstance(ems, dict):
        for group, key in _EMS_FOLDERS:
            value = ems.get(group, {}).get(key) if isinstance(ems.get(group), dict) else None
            if isinstance(value, str) and value.strip():
                add({"file": "ems", "pointer": f"/{group}/{key}"}, "data-folder", "platform", resolve(value), True)
        transfer = ems.get("file")
        entries = transfer.get("virtual_dirs") if isinstance(transfer, dict) else None
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            for name, value in (entry.items() if isinstance(entry, dict) else ()):
                if isinstance(value, str) and value.strip():
                    pointer = join_pointer(join_pointer("/file/virtual_dirs", index), name)
                    add({"file": "ems", "pointer": pointer}, "data-folder", "platform", resolve(value), True)
    if isinstance(lsr, dict):
        logs = lsr.get("log_publish_directory")
        if isinstance(logs, str) and logs.strip():
            add({"file": "lsr", "pointer": "/scripts/log_publish_directory"}, "data-folder", "lsr-rest",
                resolve(logs), True)
    return items


def _first_file(script: str, resolve: Resolve) -> ResolvedPath | None:
    if os.path.isabs(script):
        found = resolve(script)
        return found if found.status == OK else None
    for folder in SCRIPT_FOLDERS:
        found = resolve(folder + script)
        if found.status == OK:
            return found
    return None


def _entries(folder: Path) -> list[str]:
    """Names of the regular files (not symlinks) directly in ``folder``, at most MAX_LISTED looked at."""
    names: list[str] = []
    try:
        with os.scandir(folder) as listing:
            for count, entry in enumerate(listing):
                if count >= MAX_LISTED:
                    break
                try:
                    if entry.is_file(follow_symlinks=False):
                        names.append(entry.name)
                except OSError:
                    continue
    except OSError:
        return []
    return sorted(names)
