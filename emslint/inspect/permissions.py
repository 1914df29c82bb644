"""POSIX permission facts of a file: read with ``stat``, never changed, never opened."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any


def mode_facts(path: Path, *, folder_owner_uid: int | None = None, folders: bool = False) -> dict[str, Any] | None:
    """Mode bits and owner of ``path`` (following symlinks: the file the EMS/LSR actually reads).

    Returns ``None`` on Windows, where POSIX modes are meaningless, when the file cannot be examined, and
    when it is not a regular file (on a FIFO or device the bits mean something else). ``owner_differs``
    compares the owner with ``folder_owner_uid`` (the microserver folder's owner, i.e. the service account);
    ``None`` without it. With ``folders``, a folder's bits are given too (write access to a folder lets others
    add, rename and, without the sticky bit, replace the files in it).
    Note that root reads any file whatever its mode; the bits are still reported as they are.
    """
    if os.name == "nt":
        return None
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not (stat.S_ISREG(st.st_mode) or (folders and stat.S_ISDIR(st.st_mode))):
        return None  # a FIFO, device or folder where a file should be: its bits say nothing about a file
    overlay = sys.modules.get("emslint.fixes.overlay")  # only a run judging fixes has imported it
    changed = overlay.mode_of(path) if overlay is not None else None  # a fix being judged: the mode it would set
    mode = stat.S_IMODE(st.st_mode) if changed is None else changed
    facts: dict[str, Any] = {
        "octal": f"{mode:04o}",
        "group_readable": bool(mode & stat.S_IRGRP),
        "group_writable": bool(mode & stat.S_IWGRP),
        "world_readable": bool(mode & stat.S_IROTH),
        "world_writable": bool(mode & stat.S_IWOTH),
        "owner_uid": st.st_uid,
        "owner_differs": None if folder_owner_uid is None else st.st_uid != folder_owner_uid,
    }
    if stat.S_ISDIR(st.st_mode):  # the sticky bit keeps others from renaming or deleting files they do not own
        facts["sticky"] = bool(mode & stat.S_ISVTX)
    return facts
