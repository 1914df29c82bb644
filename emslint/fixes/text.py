"""A config file's text as the readers saw it, tied to its bytes on disk: positions <-> offsets <-> bytes.

The readers give (line, column) per pointer: 1-based, columns in code points, lines ending at ``\\r\\n``, ``\\r``
or ``\\n`` (both readers count them the same way). With the decoded text that is exactly one character offset;
with the file's bytes (a UTF-8 byte order mark, then the text as UTF-8) exactly one byte offset. A file whose
text does not encode back to its bytes (invalid UTF-8 read as U+FFFD, text after a NUL) gets no text edits.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass, field

_LINE_BREAK = re.compile(r"\r\n?|\n")


@dataclass(slots=True)
class FileText:
    """The text a reader read and the bytes it came from (``raw``); ``None`` from :meth:`load` when they differ."""

    text: str
    raw: bytes
    bom: int  # bytes of the UTF-8 byte order mark before the text (0 or 3)
    _starts: list[int] = field(default_factory=list)
    _ascii: bool = False

    @classmethod
    def load(cls, text: str, raw: bytes) -> FileText | None:
        bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        if raw[bom:] != encoded:
            return None
        starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
        return cls(text, raw, bom, starts, text.isascii())

    def offset(self, line: int, column: int) -> int | None:
        """The character offset of (line, column), or None when it is not in the text."""
        if line < 1 or line > len(self._starts) or column < 1:
            return None
        off = self._starts[line - 1] + column - 1
        end = self._starts[line] if line < len(self._starts) else len(self.text)
        return off if off <= end else None

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character offset."""
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def byte(self, offset: int) -> int:
        """The byte offset in the file of a character offset."""
        if self._ascii:
            return self.bom + offset
        return self.bom + len(self.text[:offset].encode("utf-8"))

    def line_start(self, offset: int) -> int:
        return self._starts[bisect_right(self._starts, offset) - 1]

    def line_end(self, offset: int) -> int:
        """The offset just after the line break that ends the line of ``offset`` (the text's end on the last)."""
        index = bisect_right(self._starts, offset)
        return self._starts[index] if index < len(self._starts) else len(self.text)

    def newline(self) -> str:
        """The file's line break (the first one), ``\\n`` when it has none."""
        m = _LINE_BREAK.search(self.text)
        return m.group() if m else "\n"
