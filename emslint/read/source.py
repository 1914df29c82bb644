"""Safe file source: bytes from disk without hanging, exhausting memory or writing, then text from bytes.

``read_source`` never opens anything but a regular file (a FIFO would block the open, ``/dev/zero`` never
ends) and reads at most ``max_bytes + 1`` bytes. ``decode_text`` turns the bytes into text for the readers
and reports encoding problems as ``ReadIssue``s. Messages never contain file content and never the path:
the caller prefixes the display path it shows to the user.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from emslint.read.result import ReadIssue

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
_CHUNK = 1 << 16
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # an open that races into a FIFO must not block
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(slots=True)
class SourceBytes:
    path: Path
    data: bytes
    mode: int  # st_mode of the file that was read (fstat of the open descriptor)


@dataclass(slots=True)
class SourceError:
    """Why a file could not be read. ``kind`` is one of: ``not-found``, ``permission``, ``symlink-loop``,
    ``not-a-file``, ``too-large``, ``io-error``. ``message`` is one line, without the path."""

    kind: str
    message: str


@dataclass(slots=True)
class DecodedText:
    text: str
    issues: list[ReadIssue] = field(default_factory=list)
    has_bom: bool = False
    ok: bool = True  # False: the text is unusable (UTF-16/32, NUL bytes); `text` is then ""


def read_source(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceBytes | SourceError:
    """Read a config file, refusing anything but a regular file of at most ``max_bytes`` bytes.

    Symlinks are followed (a config symlinked from elsewhere is normal), but the target's type is checked
    before opening and again on the open descriptor. Nothing is ever written.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        return _error_from(exc)
    refused = _refuse_type(st.st_mode)
    if refused:
        if _is_symlink(path):
            refused.message += " (the path is a symbolic link to it)"
        return refused
    if st.st_size > max_bytes:
        return _too_large(max_bytes)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError) as exc:
        return _error_from(exc)
    try:
        fst = os.fstat(fd)
        refused = _refuse_type(fst.st_mode)  # the path may have been swapped since stat()
        if refused:
            return refused
        data = _read_capped(fd, max_bytes + 1)
    except OSError as exc:
        return _error_from(exc)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return _too_large(max_bytes)
    overlay = sys.modules.get("emslint.fixes.overlay")  # only a run judging fixes has imported it
    edited = overlay.data_of(path) if overlay is not None else None  # a fix being judged: the edited bytes
    return SourceBytes(path=path, data=data if edited is None else edited, mode=fst.st_mode)


def _is_symlink(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _read_capped(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _refuse_type(mode: int) -> SourceError | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        what = "is a directory"
    elif stat.S_ISFIFO(mode):
        what = "is a named pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "is a device"
    elif stat.S_ISSOCK(mode):
        what = "is a socket"
    else:
        what = "is not a regular file"
    return SourceError("not-a-file", f"{what}, not a regular file; not opened")


def _too_large(max_bytes: int) -> SourceError:
    return SourceError("too-large", f"file is larger than the {_size(max_bytes)} limit; not read")


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"


def _error_from(exc: OSError | ValueError) -> SourceError:
    if isinstance(exc, ValueError):  # e.g. a NUL character in the path
        return SourceError("io-error", "invalid path")
    code = exc.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        return SourceError("not-found", "no such file")
    if code in (errno.EACCES, errno.EPERM):
        return SourceError("permission", "permission denied")
    if code == errno.ELOOP:
        return SourceError("symlink-loop", "too many levels of symbolic links (symlink loop)")
    if code == errno.EISDIR:
        return SourceError("not-a-file", "is a directory, not a regular file; not opened")
    return SourceError("io-error", f"cannot read: {exc.strerror or 'I/O error'}")


# ---------------------------------------------------------------------------------------------------------
# bytes -> text

_BOMS_UNUSABLE: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian, with byte order mark)"),  # before UTF-16 LE: same prefix
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian, with byte order mark)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian, with byte order mark)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian, with byte order mark)"),
)
_LINE_BREAK = re.compile(r"\r\n?|\n")


def decode_text(data: bytes, *, c_string: bool = False) -> DecodedText:
    """Decode a config file's bytes as UTF-8.

    With ``c_string`` (config.json: the EMS hands the file's bytes to cJSON as a C string), the text ends at the
    first NUL byte, as it does for the EMS; a ``nul-truncated`` issue says where.

    * UTF-8 with a BOM: the BOM is stripped (positions count from the first character after it) and an
      informational ``encoding-bom`` issue is given at 1:1.
    * UTF-16/UTF-32 (by BOM, or BOM-less UTF-16 by its NUL pattern) and NUL bytes: ``encoding-error``,
      ``ok=False``, ``text=""``.
    * Invalid UTF-8: ``encoding-invalid-utf8`` at the first bad byte, and the text is still decoded with U+FFFD
      for each bad sequence and ``ok=True``, so that the rest of the file is linted and line numbers stay
      right (a Latin-1 ``é`` in a comment or description should not hide the security findings).
    * CRLF and lone CR line breaks are kept as they are.
    """
    for bom, name in _BOMS_UNUSABLE:
        if data.startswith(bom):
            return _unusable(f"file is encoded as {name}; config files must be UTF-8")
    utf16 = _bomless_utf16(data)
    if utf16:
        message = f"file looks like {utf16} without a byte order mark; config files must be UTF-8"
        return _unusable(message)
    issues: list[ReadIssue] = []
    has_bom = data.startswith(codecs.BOM_UTF8)
    if has_bom:
        data = data[len(codecs.BOM_UTF8) :]
        issues.append(ReadIssue("encoding-bom", "file starts with a UTF-8 byte order mark (BOM)", 1, 1))
    nul = data.find(b"\x00")
    if nul >= 0 and c_string:
        line, column = _line_col(data[:nul].decode("utf-8", errors="replace"))
        rest = data[nul:].strip(b"\x00 \t\r\n")
        issues.append(ReadIssue("nul-truncated", "NUL byte in the file: the EMS reads the text only up to it"
                                + ("; what follows is never read" if rest else ""), line, column))
        data = data[:nul]
    elif nul >= 0:
        line, column = _line_col(data[:nul].decode("utf-8", errors="replace"))
        issues.append(
            ReadIssue("encoding-error", "NUL byte in the file; this is not a text config file", line, column)
        )
        return DecodedText(text="", issues=issues, has_bom=has_bom, ok=False)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(data[: exc.start].decode("utf-8"))
        issues.append(
            ReadIssue(
                "encoding-invalid-utf8",
                "invalid UTF-8 (the file may be Latin-1 or Windows-1252; save it as UTF-8); "
                "read with U+FFFD in place of each invalid byte",
                line,
                column,
            )
        )
        text = data.decode("utf-8", errors="replace")
    return DecodedText(text=text, issues=issues, has_bom=has_bom, ok=True)


def _unusable(message: str) -> DecodedText:
    return DecodedText(text="", issues=[ReadIssue("encoding-error", message, 1, 1)], ok=False)


def _bomless_utf16(data: bytes) -> str:
    """'UTF-16 (little-endian)' etc. when ASCII text encoded as UTF-16 shows NULs in every other byte."""
    sample = data[:512]
    half = len(sample) // 2
    if half < 2:
        return ""
    even_nul = sample[0 : 2 * half : 2].count(0)
    odd_nul = sample[1 : 2 * half : 2].count(0)
    if odd_nul >= 0.6 * half and even_nul <= 0.1 * half:
        return "UTF-16 (little-endian)"
    if even_nul >= 0.6 * half and odd_nul <= 0.1 * half:
        return "UTF-16 (big-endian)"
    return ""


def _line_col(prefix: str) -> tuple[int, int]:
    """1-based line and column (code points) of the position just after ``prefix``."""
    line = 1
    start = 0
    for m in _LINE_BREAK.finditer(prefix):
        line += 1
        start = m.end()
    return line, len(prefix) - start + 1
