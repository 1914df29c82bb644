"""Resolve a path written in config.json / config.lua to a file on disk, without ever opening it.

Status values of :class:`ResolvedPath`:

* ``ok``            a regular file exists there (``path`` is the file to read)
* ``missing``       nothing there (``path`` is the location the EMS/LSR would try first)
* ``windows-path``  ``C:\\...``, ``C:/...``, ``C:rel``, ``\\\\server\\share``, ``\\rooted``, or backslashes,
                    on a POSIX machine: understood, but not resolvable here
* ``placeholder``   a template value: ``/path/to/...``, ``/pathto/...``, ``<EMS_HOME>/...``, ``{TOKEN}``,
                    prose such as ``Path to CA cert file.``, an empty or blank value
* ``outside-root``  the path leads outside every allowed root (an absolute path elsewhere, ``..`` climbing
                    out, or a symlink on the way whose target lies outside): never opened, never examined
* ``not-a-file``    a directory, FIFO, socket or device: never opened
* ``control-chars`` the value holds control characters (mangled by a JSON/Lua escape such as ``\\f``
                    or ``\\t``)
* ``unreadable``    the file system refused to tell (permission denied on a folder, symlink loop,
                    name too long)

Relative paths are tried against the microserver folder first (the EMS and LSR run from it), then against
the folder of the config file.

``allowed_roots`` (default: the scan root only) bounds what may be looked at: a candidate location is first
checked *lexically* (``..`` collapsed, no file system access) against the roots, and one outside all of them
is neither stat-ed nor opened: the verdict is ``outside-root`` at once (the EMS would try that location, so
whatever comes after it cannot be known either). Inside, symlinks whose targets leave every root are not
followed, wherever they sit. The config files are untrusted: without this a config could make emslint read
``/etc/shadow`` and report facts about it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from emslint import run_memo

OK = "ok"
MISSING = "missing"
WINDOWS_PATH = "windows-path"
PLACEHOLDER = "placeholder"
OUTSIDE_ROOT = "outside-root"
NOT_A_FILE = "not-a-file"
CONTROL_CHARS = "control-chars"
UNREADABLE = "unreadable"

STATUSES: tuple[str, ...] = (
    OK,
    MISSING,
    WINDOWS_PATH,
    PLACEHOLDER,
    OUTSIDE_ROOT,
    NOT_A_FILE,
    CONTROL_CHARS,
    UNREADABLE,
)


@dataclass(frozen=True)
class ResolvedPath:
    text: str  # the value as configured (never shown for secrets: paths are not secrets)
    path: (
        Path | None
    )  # the file (ok, not-a-file), the first location tried (missing), the link (outside-root)
    status: str
    detail: str  # one line for a finding message


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DRIVE = re.compile(r"^[A-Za-z]:")  # C:\x, C:/x and the drive-relative C:x
_PLACEHOLDER_PREFIX = re.compile(r"^/?path/?to(/|\b)|^/pathto/", re.IGNORECASE)
_ANGLE_OR_BRACE = re.compile(r"<[^<>]*>|\{[^{}]*\}|\$\{")
_PROSE_START = re.compile(
    r"^(path|full path|absolute path|location|enter|insert|put|your|the|some|a|an)\b", re.IGNORECASE
)


def resolve_config_path(
    text: str,
    *,
    microserver_root: Path,
    config_dir: Path,
    scan_root: Path,
    allowed_roots: tuple[Path, ...] | None = None,
) -> ResolvedPath:
    """Classify ``text`` and find the file it names, never looking outside ``allowed_roots`` (default: just
    ``scan_root``). Never raises for any string input."""
    return PathResolver(microserver_root=microserver_root, config_dir=config_dir, scan_root=scan_root,
                        allowed_roots=allowed_roots)(text)


class PathResolver:
    """:func:`resolve_config_path` for the many paths of one deployment: the roots' absolute and real paths, the
    working folder and which folders on the way are symbolic links are looked up once, not once per path (a
    deployment names a dozen files in the same few folders)."""

    def __init__(self, *, microserver_root: Path, config_dir: Path, scan_root: Path,
                 allowed_roots: tuple[Path, ...] | None = None) -> None:
        self.microserver_root = microserver_root
        self.config_dir = config_dir
        self.roots = _Roots(allowed_roots or (scan_root,))
        self._bases = (os.fspath(microserver_root), os.fspath(config_dir))

    def __call__(self, text: str) -> ResolvedPath:
        early = _classify_text(text)
        if early is not None:
            return early
        roots = self.roots
        # strings until a verdict is made (a Path for every candidate was a third of the time)
        candidates = [_as_pathlib_has_it(text)] if os.path.isabs(text) else [
            _as_pathlib_has_it(os.path.join(base, text)) for base in self._bases]
        for candidate in candidates:
            if not roots.contains_lexically(candidate):
                return ResolvedPath(
                    text, Path(candidate), OUTSIDE_ROOT, f"'{text}' is outside the scanned folder{roots.plural}"
                )
            found = _probe(text, candidate, roots)
            if found is not None:
                return found
        if "\\" in text and os.name != "nt":
            return ResolvedPath(
                text, None, WINDOWS_PATH, "a path with backslashes (Windows) cannot be resolved here"
            )
        where = "as written" if os.path.isabs(text) else "relative to the microserver folder or the config folder"
        return ResolvedPath(text, Path(candidates[0]), MISSING, f"file not found ({where})")


def _as_pathlib_has_it(candidate: str) -> str:
    """``str(Path(candidate))``: no ``.`` component, no repeated or trailing ``/`` (``link/.`` would otherwise be
    looked at through the link), computed only when there is something to remove."""
    if "//" in candidate or "/./" in candidate or candidate.endswith(("/", "/.")) or candidate.startswith("./"):
        return str(Path(candidate))
    return candidate


def _classify_text(text: str) -> ResolvedPath | None:
    """The verdicts that need no file system access."""
    if not isinstance(text, str):
        return ResolvedPath(str(text), None, PLACEHOLDER, "not a path string")
    if text.strip() == "":
        return ResolvedPath(text, None, PLACEHOLDER, "empty path")
    if _CONTROL.search(text):
        return ResolvedPath(
            text,
            None,
            CONTROL_CHARS,
            "path contains control characters (a backslash escape such as \\f or \\t)",
        )
    if _is_placeholder(text):
        return ResolvedPath(text, None, PLACEHOLDER, "placeholder path from a template, not a real file")
    if os.name != "nt" and (_DRIVE.match(text) or text.startswith("\\")):
        return ResolvedPath(text, None, WINDOWS_PATH, "a Windows path cannot be resolved on this machine")
    return None


def _is_placeholder(text: str) -> bool:
    t = text.strip()
    if _PLACEHOLDER_PREFIX.match(t) or _ANGLE_OR_BRACE.search(t):
        return True
    if "/" in t or "\\" in t:
        return False
    # Prose such as "Path to CA cert file." or "Enter path here": words, no separator, no file extension.
    words = t.split()
    return len(words) >= 2 and (t.endswith(".") or bool(_PROSE_START.match(t)))


class _Roots:
    """The allowed roots, as absolute lexical paths and (computed once a symlink needs them) real paths."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        self.given = roots
        self.lexical = [os.path.abspath(r) for r in roots]
        self._above = self._ancestors(self.lexical)
        self._real: list[str] | None = None
        self.plural = "s" if len(roots) > 1 else ""
        self.cwd = os.getcwd()
        self._modes: dict[str, int | None] = {}  # folder or file -> its lstat mode (None: not there): lstat once

    def lstat_mode(self, prefix: str) -> int | None:
        """``os.lstat(prefix).st_mode``, or None when there is nothing there (``os.path.lexists`` is False)."""
        if prefix in self._modes:
            return self._modes[prefix]
        try:
            found: int | None = os.lstat(prefix).st_mode
        except (OSError, ValueError):
            found = None
        self._modes[prefix] = found
        return found

    def real(self) -> list[str]:
        if self._real is None:
            self._real = [real_folder(os.fspath(r)) for r in self.given]
        return self._real

    def contains_lexically(self, candidate: str | Path) -> bool:
        """Is ``candidate``, with ``..`` collapsed as written, inside a root (lexical or real)? No file system
        access except the roots' own real paths, computed once."""
        path = os.path.normpath(_absolute(str(candidate), self.cwd))
        return any(_is_within(path, r) for r in self.lexical) or any(_is_within(path, r) for r in self.real())

    def leading(self, text: str) -> str | None:
        """The longest root that ``text`` (absolute, not normalised) starts with, as written, followed by ``/``."""
        found = None
        for root in self.lexical:
            if root != "/" and text.startswith(root + "/") and (found is None or len(root) > len(found)):
                found = root
        return found

    def above(self, prefix: str) -> bool:
        """Is ``prefix`` (absolute, without a trailing ``/``) one of the roots or an ancestor of one (its symlinks
        are part of the root)?"""
        return prefix in self._above

    @staticmethod
    def _ancestors(roots: list[str]) -> frozenset[str]:
        found = set()
        for root in roots:
            found.add(root)
            while (parent := os.path.dirname(root)) != root:
                found.add(parent)
                root = parent
        return frozenset(found)

    def holds(self, target: str) -> bool:
        return any(_is_within(target, r) for r in self.real())


def _absolute(text: str, cwd: str) -> str:
    if os.path.isabs(text):
        return text
    return cwd if text == "." else os.path.join(cwd, text)


def _probe(text: str, candidate: str, roots: _Roots) -> ResolvedPath | None:
    """The verdict for one candidate location (inside a root, lexically), or None when nothing is there."""
    try:
        escape, mode = _walk(candidate, roots)
        if escape is not None:
            return ResolvedPath(
                text,
                escape,
                OUTSIDE_ROOT,
                f"'{text}' leads outside the scanned folder{roots.plural} through a symbolic link",
            )
        if mode == _NOT_LOOKED_AT:  # the candidate is a root or above one: the walk had nothing to look at
            mode = os.lstat(candidate).st_mode if os.path.lexists(candidate) else None
        if mode is None:
            return None
        if stat.S_ISLNK(mode):
            mode = os.stat(candidate).st_mode
    except FileNotFoundError:
        # a dangling symlink inside the tree
        return ResolvedPath(text, Path(candidate), MISSING, "symbolic link to a file that does not exist")
    except (OSError, RuntimeError, ValueError) as exc:
        return ResolvedPath(text, Path(candidate), UNREADABLE, _os_reason(exc))
    if not stat.S_ISREG(mode):
        return ResolvedPath(text, Path(candidate), NOT_A_FILE, f"not a regular file ({_kind(mode)})")
    return ResolvedPath(text, Path(candidate), OK, "")


_NOT_LOOKED_AT = -1  # a mode no lstat gives


def _walk(candidate: str | Path, roots: _Roots) -> tuple[Path | None, int | None]:
    """(the first symlink on ``candidate``'s way whose target lies outside every root, the candidate's own lstat
    mode: None when it is not there, :data:`_NOT_LOOKED_AT` when it is a root or above one).

    Symlinks among the ancestors of a root itself (``/tmp -> /private/tmp``) are part of the root and
    ignored. ``resolve()`` walks every other link. With strings: one ``lstat`` per component below the root
    (each inside a root, lexically: the caller checked), shared by the paths of a deployment, and the roots'
    real paths are computed only once a link is met (most configs have none).
    """
    text = _absolute(str(candidate), roots.cwd)
    # Not normalised: "certs/../x" must still look at "certs", which may be a link.
    prefix = "//" if text.startswith("//") and not text.startswith("///") else "/"  # the anchor, as pathlib has it
    root = roots.leading(text)
    if root is not None:  # every prefix up to a root is the root or above it: nothing to look at there
        prefix, text = root, text[len(root):]
    mode: int | None = _NOT_LOOKED_AT
    for part in text.split("/"):
        if not part:
            continue
        prefix = prefix + part if prefix.endswith("/") else f"{prefix}/{part}"
        if roots.above(prefix):
            mode = _NOT_LOOKED_AT
            continue
        mode = roots.lstat_mode(prefix)
        if mode is None:
            return None, None  # nothing can be reached through a component that is not there, nor escape
        if not stat.S_ISLNK(mode):
            continue
        target = str(Path(prefix).resolve(strict=False))  # a loop raises RuntimeError, as before
        if not roots.holds(target):
            return Path(prefix), mode
    return None, mode


_link_free = run_memo.memo()  # folders whose every component is known not to be a symbolic link


def real_folder(path: str) -> str:
    """``os.path.realpath(path)``, each folder on the way looked at once per run (:mod:`emslint.run_memo`): an
    absolute path without ``.``, ``..``, ``//`` or a link on the way is its own real path, so a fleet's
    deployments share the work for the folders above them. Anything else is left to ``realpath`` (``link/..``
    is not the link's folder, and where a loop ends depends on the rest of the path)."""
    absolute = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    if os.name != "posix" or "//" in absolute or any(p in (".", "..") for p in absolute.split("/")):
        return os.path.realpath(path)
    real = absolute.rstrip("/") or "/"
    walked: list[str] = []
    current = real
    while current != "/" and current not in _link_free:
        try:
            link = stat.S_ISLNK(os.lstat(current).st_mode)
        except (OSError, ValueError):
            link = False  # not there: realpath keeps the name as it is
        if link:
            return os.path.realpath(path)
        walked.append(current)
        current = os.path.dirname(current)
    for folder in walked:
        run_memo.remember(_link_free, folder, True)
    return real


def shown_path(display: Callable[[Path], str], path: Path) -> str:
    """``path`` as reports show it (``display``), or as written when the display helper cannot place it (outside
    the root, say)."""
    try:
        return display(path)
    except Exception:  # any failure of the helper: the path itself is still a fine name
        return path.as_posix()


def _is_within(path: str, root: str) -> bool:
    """``Path(path).is_relative_to(root)`` for normalised absolute paths, with strings."""
    return path == root or path.startswith(root if root.endswith("/") else root + "/")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, PermissionError):
        return "permission denied while looking up the path"
    if getattr(exc, "errno", None) == errno.ENAMETOOLONG:
        return "path name too long"
    return "the path cannot be examined"
