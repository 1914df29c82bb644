"""``--fix`` and ``--diff``: the fixes of a deployment applied, round after round, in memory; then written.

A round applies every fix the last lint offered (the safe ones, and with ``--unsafe-fixes`` the unsafe ones:
:mod:`emslint.fixes.plan` checked them together), then lints the deployment again as if the files were written
(:mod:`emslint.fixes.overlay`); it stops when nothing more is offered (so a second ``--fix`` changes nothing) or
after :data:`MAX_ROUNDS`. Only then is anything written, each file on its own and atomically:

* the file is opened again without following a symbolic link (``O_NOFOLLOW``, relative to its folder held
  open) and must still hold the bytes the fixes were made on; otherwise it is left alone;
* the new text goes to a fresh temporary file in the same folder (``O_CREAT|O_EXCL|O_NOFOLLOW``), which gets the
  original's owner, group and mode and is synced, then replaces the original with ``rename``: a reader sees the
  old file or the new one, never half of one; on any error the temporary file is removed and the original
  stays as it was;
* a mode change is made on the opened file (``fchmod``), never through a link.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from emslint.fixes.model import Edit, Fix
from emslint.fixes.overlay import overlaid, real
from emslint.fixes.plan import fixed_state
from emslint.model import TargetResult

MAX_ROUNDS = 10
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_READ_LIMIT = 16 * 1024 * 1024


class FixError(Exception):
    """A fix that could not be written; the message is one line naming the file (never its content)."""


@dataclass(slots=True)
class Change:
    """One file a deployment's fixes change: its bytes and mode before and after (None: unchanged)."""

    display: str
    path: str
    original: bytes
    new: bytes | None = None
    mode_from: int | None = None
    mode_to: int | None = None
    role: str = ""  # ems | lsr: how its text is read (for the diff's masking); "" for other files


@dataclass(slots=True)
class Outcome:
    """What fixing a deployment does: the files it changes, how many fixes, and the lint after them."""

    changes: list[Change]
    applied: int
    result: TargetResult
    converged: bool = True


def wanted(fix: Fix, unsafe: bool) -> bool:
    return fix.applicability == "safe" or unsafe


def fix_target(result: TargetResult, lint: Callable[[], TargetResult], *, unsafe: bool,
               roles: dict[str, str]) -> Outcome:
    """Apply ``result``'s fixes round after round in memory (``lint`` lints the deployment; it is called under an
    overlay of the fixed files). ``roles``: display path -> role of each config file."""
    data: dict[str, bytes] = {}
    modes: dict[str, int] = {}
    originals: dict[str, Change] = {}
    applied = 0
    current = result
    for _ in range(MAX_ROUNDS):
        fixes = [f.fix for f in current.findings if f.fix is not None and wanted(f.fix, unsafe)]
        if not fixes:
            return Outcome(_changes(originals, data, modes), applied, current)
        for fix in fixes:
            for edit in fix.edits:
                _remember(originals, edit, data, roles)
        step, step_modes = fixed_state(fixes, data)
        if step is None:
            break  # a file could not be read again: nothing more this time
        data.update(step)
        modes.update(step_modes)
        applied += len(fixes)
        with overlaid(data, modes):
            current = lint()
    else:
        return Outcome(_changes(originals, data, modes), applied, current, converged=False)
    return Outcome(_changes(originals, data, modes), applied, current)


def _remember(originals: dict[str, Change], edit: Edit, data: dict[str, bytes], roles: dict[str, str]) -> None:
    key = real(edit.path)
    if key in originals:
        return
    try:
        with open(key, "rb") as handle:
            original = handle.read(_READ_LIMIT)
        mode = stat.S_IMODE(os.lstat(edit.path).st_mode)
    except OSError:
        return
    originals[key] = Change(edit.file, edit.path, original, mode_from=mode, role=roles.get(edit.file, ""))


def _changes(originals: dict[str, Change], data: dict[str, bytes], modes: dict[str, int]) -> list[Change]:
    out = []
    for key, change in originals.items():
        new = data.get(key)
        mode = modes.get(key)
        change.new = new if new is not None and new != change.original else None
        change.mode_to = mode if mode is not None and mode != change.mode_from else None
        if change.new is not None or change.mode_to is not None:
            out.append(change)
    return out


# ---- writing -------------------------------------------------------------------------------------------


def write_change(change: Change) -> None:
    """Write one file's new bytes (atomically, owner, group and mode kept or set) and/or its new mode. Raises
    :class:`FixError`; the original is then as it was."""
    path = Path(change.path)
    try:
        folder = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError as exc:
        raise FixError(f"{change.display}: cannot open its folder ({exc.strerror or exc}); not fixed") from None
    try:
        st = _check_unchanged(folder, path.name, change)
        if change.new is None:
            _chmod(folder, path.name, change)
            return
        _replace(folder, path.name, change, st)
    finally:
        os.close(folder)


def _check_unchanged(folder: int, name: str, change: Change) -> os.stat_result:
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
    except OSError as exc:
        raise FixError(f"{change.display}: cannot open it without following a link ({exc.strerror or exc}); "
                       "not fixed") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            raise FixError(f"{change.display}: not a regular file with one name; not fixed")
        chunks = []
        total = 0
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            total += len(chunk)
            if total > _READ_LIMIT:
                break
        if b"".join(chunks) != change.original:
            raise FixError(f"{change.display}: changed since it was read; not fixed")
        return st
    except OSError as exc:
        raise FixError(f"{change.display}: cannot read it again ({exc.strerror or exc}); not fixed") from None
    finally:
        os.close(fd)


def _chmod(folder: int, name: str, change: Change) -> None:
    assert change.mode_to is not None
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
        try:
            os.fchmod(fd, change.mode_to)
        finally:
            os.close(fd)
    except OSError as exc:
        raise FixError(f"{change.display}: cannot change its mode ({exc.strerror or exc}); not fixed") from None


def _replace(folder: int, name: str, change: Change, st: os.stat_result) -> None:
    assert change.new is not None
    temporary = f".{name}.emslint-{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder)
    except OSError as exc:
        raise FixError(f"{change.display}: cannot create a file beside it ({exc.strerror or exc}); "
                       "not fixed") from None
    try:
        try:
            view = memoryview(change.new)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                os.fchown(fd, st.st_uid, st.st_gid)
            os.fchmod(fd, change.mode_to if change.mode_to is not None else stat.S_IMODE(st.st_mode))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise FixError(f"{change.display}: cannot write it ({exc.strerror or exc}); not fixed, left as it "
                       "was") from None
    with contextlib.suppress(OSError):
        os.fsync(folder)
