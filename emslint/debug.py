"""EMSLINT_DEBUG: where an internal error happened, without what it was about.

Exception messages can quote the data that caused them (``int()`` quotes the text it could not read, a
``KeyError`` its key), and that data may be a secret from a config. So the debug trace shows the frames
(file, line, function, source line) and the exception types of the whole chain, never their messages.
"""

from __future__ import annotations

import os
import sys
import traceback


def enabled() -> bool:
    return bool(os.environ.get("EMSLINT_DEBUG"))


def safe_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` (and its causes) with every exception message left out."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{type(current).__qualname__}: (message withheld)\n")
        current = current.__cause__ or current.__context__
    return "\nwhile handling, or caused by:\n".join(reversed(parts))


def report(exc: BaseException, where: str = "") -> None:
    """Write the safe traceback to stderr when EMSLINT_DEBUG is set."""
    if enabled():
        sys.stderr.write(f"emslint debug{': ' + where if where else ''}\n{safe_traceback(exc)}")
