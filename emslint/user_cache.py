"""The user's cache folder, for data emslint can always recompute (parsed rule files, inspections of key material).

Where: ``EMSLINT_CACHE_DIR`` if set, else ``<user cache home>/emslint`` (``XDG_CACHE_HOME`` or ``~/.cache``;
``%LOCALAPPDATA%`` on Windows); ``EMSLINT_NO_CACHE=1`` turns every cache off.

A cache that someone else could have written would let them decide findings (switch a rule off, mark a key as
good), so the folder and each file are checked and held open before use (:class:`CacheFolder`): every path
component up to the user's cache home is a real directory of this user that nobody else may write, files are
opened without following links and must be this user's and writable by nobody else, and writes are atomic. Any
doubt means "no cache": recomputing is always correct. On Windows (no ``dir_fd``) there is no cache.
See docs/decisions/0003-startup-and-fleet.md (decisions 3 and 7).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import Any


def cache_location() -> tuple[Path, Path] | None:
    """(cache folder, trusted base): ``EMSLINT_CACHE_DIR`` is both; else ``<user cache home>/emslint`` and the
    user's cache home (``XDG_CACHE_HOME``, ``~/.cache``; ``LOCALAPPDATA`` on Windows)."""
    if os.environ.get("EMSLINT_NO_CACHE"):
        return None
    if os.environ.get("EMSLINT_CACHE_DIR"):
        folder = Path(os.environ["EMSLINT_CACHE_DIR"])
        return folder, folder
    base = os.environ.get("LOCALAPPDATA" if os.name == "nt" else "XDG_CACHE_HOME")
    try:
        home = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home folder
        return None
    return home / "emslint", home


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_PINNED = os.name != "nt" and {os.open, os.rename, os.unlink, os.stat} <= os.supports_dir_fd  # replace = rename


def _ours(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else: nobody else can plant or swap what it holds."""
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


class CacheFolder:
    """The cache folder, checked and then held open: every file operation goes through the held descriptor
    (``dir_fd``), so a folder swapped after the check is never used.

    The check, before anything is read or written: every path component from the cache folder up to the
    trusted base is a real directory (``lstat``: no symbolic link), owned by this user and not writable by
    group or others. Anything else means no cache (recomputing is always correct).
    """

    def __init__(self, folder: Path, fd: int) -> None:
        self.folder = folder
        self.fd = fd

    @classmethod
    def open(cls, folder: Path, base: Path, *, create: bool) -> CacheFolder | None:
        if not _PINNED:
            return None
        try:
            if create:
                _make_folders(folder, base)
            current = folder
            while True:
                st = os.lstat(current)
                if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode) or not _ours(st):
                    return None
                if current == base or current.parent == current:
                    break
                current = current.parent
            fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISDIR(st.st_mode) or not _ours(st):
                os.close(fd)
                return None
        except OSError:
            os.close(fd)
            return None
        return cls(folder, fd)

    def close(self) -> None:
        os.close(self.fd)

    def read(self, name: str) -> bytes | None:
        """The file's bytes, if it is a regular file of ours that nobody else can write."""
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=self.fd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _ours(st):
                return None
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)

    def read_json(self, name: str) -> Any:
        """The JSON document in file ``name``; ``None`` when it is not there, not ours (see :meth:`read`) or not
        JSON."""
        raw = self.read(name)
        if raw is None:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            return None

    def write_json(self, name: str, data: Any, *, prefix: str, keep: int) -> None:
        """``data`` as ASCII JSON (a lone surrogate in a path survives), written atomically if it reads back as
        written (a TOML date, say, would not: then nothing is written and it is recomputed next time); then the
        newest ``keep`` files of ``prefix`` are kept. Failing to write is not an error."""
        try:
            text = json.dumps(data, allow_nan=False)
            if json.loads(text) != data:
                return
            self.write(name, text.encode("ascii"))
            self.prune(prefix, keep=keep)
        except (OSError, TypeError, ValueError, UnicodeError):
            return

    def write(self, name: str, data: bytes) -> None:
        """Atomically: a fresh file with a random name (``O_CREAT|O_EXCL|O_NOFOLLOW``, mode 0600), then
        ``os.replace`` in the same folder. Parallel runs never see half a file; nothing planted is followed."""
        temporary = f".{name}.{os.urandom(8).hex()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)
            raise

    def prune(self, prefix: str, keep: int) -> None:
        """Remove all but the ``keep`` newest ``<prefix>*.json``: only regular files of ours, never through a
        link."""
        found = []
        for name in os.listdir(self.fd):
            if not (name.startswith(prefix) and name.endswith(".json")):
                continue
            st = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                found.append((st.st_mtime, name))
        for _, name in sorted(found, reverse=True)[keep:]:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=self.fd)


def _make_folders(folder: Path, base: Path) -> None:
    """Create the missing folders from ``base`` down to ``folder`` (mode 0700), never through a link."""
    missing = []
    current = folder
    while not os.path.lexists(current):
        missing.append(current)
        if current == base or current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)


def open_cache(*, create: bool = True) -> CacheFolder | None:
    """The user's cache folder, checked and held open (close it after use), or ``None``: no cache this time."""
    location = cache_location()
    return CacheFolder.open(*location, create=create) if location else None
