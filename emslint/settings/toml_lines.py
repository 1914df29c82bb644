"""Lines of keys in TOML text, for error messages: ``tomllib`` gives values but no positions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tomllib


KeyPath = tuple[str | int, ...]  # table and key names, array-of-tables indexes


def norm(part: Any) -> Any:
    return part.replace("-", "_") if isinstance(part, str) else part


def key_lines(text: str) -> dict[KeyPath, int]:
    """First line of every key path in (valid) TOML text: ("tool", "emslint", "fail_on") -> 14.

    Array items get their index: ("tool", "emslint", "per-path-ignores", 0) is the line of the first
    ``[[...]]`` header or inline ``{``. Keys are kept as written (quotes removed).
    """
    scanner = _TomlScanner(text)
    try:
        scanner.scan()
    except (ValueError, IndexError):  # a construct the scanner does not know: keep what it found
        pass
    return scanner.found


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}\s#]+")
_TIME_AFTER_SPACE = re.compile(r" [0-9]{2}:[^,\]}\s#]*")


class _TomlScanner:
    def __init__(self, text: str) -> None:
        self.s, self.i, self.line = text, 0, 1
        self.found: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}  # [[array of tables]] -> next index

    def scan(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.s):
                return
            if self.s[self.i] == "[":
                table = self._header()
            else:
                key = self._key()
                self._record((*table, *key))
                self._expect("=")
                self._value((*table, *key))
            self._skip(newlines=False)

    def _record(self, path: KeyPath) -> None:
        for n in range(1, len(path) + 1):
            self.found.setdefault(path[:n], self.line)

    def _header(self) -> KeyPath:
        double = self.s.startswith("[[", self.i)
        self.i += 2 if double else 1
        self._skip(newlines=False)
        key: KeyPath = self._key()
        self._skip(newlines=False)
        self.i += 2 if double else 1
        if double:
            n = self.arrays.get(key, 0)
            self.arrays[key] = n + 1
            key = (*key, n)
            self.found[key] = self.line
        self._record(key)
        return key

    def _key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self._skip(newlines=False)
            c = self.s[self.i]
            if c in "\"'":
                parts.append(self._string())
            else:
                m = _BARE_KEY.match(self.s, self.i)
                if not m:
                    raise ValueError(f"unexpected {c!r} at line {self.line}")
                parts.append(m.group())
                self.i = m.end()
            self._skip(newlines=False)
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return tuple(parts)

    def _expect(self, ch: str) -> None:
        self._skip(newlines=False)
        if self.s[self.i] != ch:
            raise ValueError(f"expected {ch!r} at line {self.line}")
        self.i += 1

    def _value(self, path: KeyPath) -> None:
        """Skip one TOML value (array, inline table, string or scalar), noting the line where each key path starts."""
        self._skip(newlines=False)
        c = self.s[self.i]
        if c == "[":
            self.i += 1
            n = 0
            while True:
                self._skip(newlines=True)
                if self.s[self.i] == "]":
                    self.i += 1
                    return
                self.found.setdefault((*path, n), self.line)
                self._value((*path, n))
                self._skip(newlines=True)
                if self.s[self.i] == ",":
                    self.i += 1
                n += 1
        elif c == "{":
            self.i += 1
            while True:
                self._skip(newlines=True)
                if self.s[self.i] == "}":
                    self.i += 1
                    return
                key = self._key()
                self._record((*path, *key))
                self._expect("=")
                self._value((*path, *key))
                self._skip(newlines=True)
                if self.s[self.i] == ",":
                    self.i += 1
        elif c in "\"'":
            self._string()
        else:
            m = _SCALAR.match(self.s, self.i)
            self.i = m.end() if m else self.i + 1
            # Date-times may contain one space ("1979-05-27 07:32:00").
            m = _TIME_AFTER_SPACE.match(self.s, self.i)
            if m:
                self.i = m.end()

    def _string(self) -> str:
        q = self.s[self.i]
        if self.s.startswith(q * 3, self.i):
            end = self.s.find(q * 3, self.i + 3)
            while q == '"' and end != -1 and _escaped(self.s, end):
                end = self.s.find(q * 3, end + 1)
            end += 3
            while end < len(self.s) and self.s[end] == q:  # up to two quotes may end the content
                end += 1
            value = self.s[self.i + 3 : end - 3]
        else:
            end = self.i + 1
            while self.s[end] != q:
                end += 2 if q == '"' and self.s[end] == "\\" else 1
            end += 1
            value = self.s[self.i + 1 : end - 1]
        self.line += self.s.count("\n", self.i, end)
        self.i = end
        return value

    def _skip(self, *, newlines: bool) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "#":
                nl = self.s.find("\n", self.i)
                self.i = len(self.s) if nl == -1 else nl
            elif c == "\n" and newlines:
                self.line += 1
                self.i += 1
            elif c in " \t\r" or (c == "\n" and newlines):
                self.i += 1
            else:
                return


def _escaped(s: str, pos: int) -> bool:
    n = 0
    while pos - n - 1 >= 0 and s[pos - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def syntax_error(shown: str, text: str, e: tomllib.TOMLDecodeError) -> str:
    msg = str(e)
    m = re.search(r"\(at line (\d+), column (\d+)\)$", msg)
    if m:
        line = int(m.group(1))
        detail = msg[: m.start()].strip() + f" (column {m.group(2)})"
    else:
        line = text.count("\n") + 1  # where tomllib would put it
        detail = msg.replace("(at end of document)", "(at end of file)").strip()
    return f"{shown}:{line}: invalid TOML: {detail}"
