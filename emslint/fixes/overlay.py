"""Files as they would be after a fix, seen by the pipeline without touching the disk.

To judge a fix, the deployment is linted again as if its edits were written: :func:`overlaid` makes
:func:`emslint.read.source.read_source` return the edited bytes and :func:`emslint.inspect.permissions.mode_facts`
the changed mode for the files it names (by real path), for the current context only. Nothing is written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Overlay:
    data: Mapping[str, bytes] = field(default_factory=dict)  # real path -> bytes
    modes: Mapping[str, int] = field(default_factory=dict)  # real path -> permission bits


_current: ContextVar[Overlay | None] = ContextVar("emslint_fix_overlay", default=None)


def real(path: str | Path) -> str:
    return os.path.realpath(os.fspath(path))


@contextlib.contextmanager
def overlaid(data: Mapping[str, bytes], modes: Mapping[str, int]) -> Iterator[None]:
    """Within the block, these files read as ``data`` and have ``modes`` (keys: real paths); an overlay already
    active stays under it."""
    outer = _current.get()
    merged = Overlay({**(outer.data if outer else {}), **data}, {**(outer.modes if outer else {}), **modes})
    token = _current.set(merged)
    try:
        yield
    finally:
        _current.reset(token)


def data_of(path: str | Path) -> bytes | None:
    """The overlaid bytes of ``path``, if an overlay names it."""
    overlay = _current.get()
    if overlay is None or not overlay.data:
        return None
    return overlay.data.get(real(path))


def mode_of(path: str | Path) -> int | None:
    """The overlaid permission bits of ``path``, if an overlay names it."""
    overlay = _current.get()
    if overlay is None or not overlay.modes:
        return None
    return overlay.modes.get(real(path))
