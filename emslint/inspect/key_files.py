"""Read a certificate, CA-list or key file: bounded, read-only, never anything but a regular file.

Kept apart from the parsers (:mod:`.certificates`) so that reading a file to see whether it changed
(:mod:`.keymaterial_cache`) costs no parser imports.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_BYTES = 1 << 20  # 1 MiB: a CA bundle is ~200 KiB; anything larger is not a certificate file


def read_capped(path: Path, max_bytes: int = MAX_BYTES) -> tuple[bytes | None, str, str]:
    """(data, status, detail) with status ``ok``, ``too-large``, ``unreadable`` or ``not-a-file``.

    Opens read-only and non-blocking, then checks on the open descriptor that it is a regular file, so a
    FIFO or device swapped in after path resolution is never read.
    """
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(path, flags)
    except PermissionError:
        return None, "unreadable", "permission denied"
    except OSError:
        return None, "unreadable", "the file cannot be opened"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, "not-a-file", "not a regular file"
        if st.st_size > max_bytes:
            return None, "too-large", f"file is larger than {max_bytes // 1024} KiB"
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            return None, "too-large", f"file is larger than {max_bytes // 1024} KiB"
        return b"".join(chunks), "ok", ""
    except OSError:
        return None, "unreadable", "the file cannot be read"
    finally:
        os.close(fd)
