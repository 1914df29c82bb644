"""Spans in config.json text: where a value, a key or a whole member starts and ends.

Only strict forms are edited: double-quoted strings on one line, JSON numbers and literals, and containers made
of them (a member holding a comment, a single-quoted or unquoted word is never removed or replaced). Every scan
is one forward pass, linear in the text it covers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import cast

from emslint.fixes.text import FileText

_WS = " \t\r\n"
_HSPACE = " \t"
_SCALAR = re.compile(r"(?:-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?|true|false|null)(?![\w.+\-$/\\])")
_STRING_STOP = re.compile(r'["\\\x00-\x1f]')
_ESCAPE_BODY = re.compile(r'["\\/bfnrt]|u[0-9a-fA-F]{4}')
_CONTAINER_STOP = re.compile(r'["{}\[\]/]')
_BARE = re.compile(r"[^\s,:\[\]{}\"'=;/]++")
# Matches the empty string, so never None: typed so once here (as emslint.read.matching.always_match does).
_REST_OF_LINE = cast(Callable[[str, int], re.Match[str]], re.compile(r"[^\r\n]*+").match)


def skip_ws(s: str, i: int) -> int:
    n = len(s)
    while i < n and s[i] in _WS:
        i += 1
    return i


def skip_ws_back(s: str, i: int) -> int:
    """The offset after the last non-whitespace character before ``i``."""
    while i > 0 and s[i - 1] in _WS:
        i -= 1
    return i


def string_end(s: str, i: int) -> int | None:
    """The offset after the strict double-quoted string starting at ``i`` (any escape allowed, no raw control
    character or line break), or None."""
    if i >= len(s) or s[i] != '"':
        return None
    j = i + 1
    while True:
        m = _STRING_STOP.search(s, j)
        if m is None:
            return None
        c = m.group()
        if c == '"':
            return m.end()
        if c != "\\" or m.end() >= len(s) or s[m.end()] in "\r\n":
            return None
        j = m.end() + 1


def decoded_string(s: str, i: int, end: int) -> str | None:
    """The value of the strict JSON string ``s[i:end]`` (None if it is not one)."""

    try:
        value = json.loads(s[i:end])
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def scalar_end(s: str, i: int) -> int | None:
    """The offset after the JSON number or literal at ``i``, or None."""
    m = _SCALAR.match(s, i)
    return m.end() if m else None


def value_end(s: str, i: int) -> int | None:
    """The offset after the strict value at ``i``: a string, a number, a literal, or a container whose inside
    holds no comment (None otherwise)."""
    if i >= len(s):
        return None
    c = s[i]
    if c == '"':
        return string_end(s, i)
    if c not in "{[":
        return scalar_end(s, i)
    depth = 0
    j = i
    while True:
        m = _CONTAINER_STOP.search(s, j)
        if m is None:
            return None
        c = m.group()
        if c == '"':
            end = string_end(s, m.start())
            if end is None:
                return None
            j = end
        elif c == "/":  # a comment (or junk) inside: never removed with the member
            return None
        else:
            depth += 1 if c in "{[" else -1
            j = m.end()
            if depth == 0:
                return j


def member_removal(ft: FileText, key: int) -> tuple[int, int] | None:
    """The characters to delete to remove the member whose key starts at ``key``, with one separator, so that
    what remains has the members it had, minus this one, laid out as before: a member alone on its lines goes with
    its lines, one among others on a line goes with its comma. None when the member is not in strict form."""
    s = ft.text
    key_end = string_end(s, key)
    if key_end is None:
        return None
    colon = skip_ws(s, key_end)
    if colon >= len(s) or s[colon] != ":":
        return None
    value = skip_ws(s, colon + 1)
    end = value_end(s, value)
    if end is None:
        return None
    after = skip_ws(s, end)
    own_line = s[ft.line_start(key):key].strip(_HSPACE) == ""
    if after < len(s) and s[after] == ",":  # a member follows (or a tolerated trailing comma)
        rest = after + 1
        while rest < len(s) and s[rest] in _HSPACE:
            rest += 1
        if own_line and (rest >= len(s) or s[rest] in "\r\n") and "\n" not in s[end:after] and "\r" not in s[end:after]:
            return ft.line_start(key), ft.line_end(rest)
        if "\n" in s[end:after] or "\r" in s[end:after]:
            return None  # a comma on a line of its own: leave such layouts to the author
        return key, rest
    before = skip_ws_back(s, key)
    if before > 0 and s[before - 1] == ",":  # the last member: its comma before it goes with it
        return before - 1, end
    if before > 0 and s[before - 1] == "{":  # the only member
        tail = end
        while tail < len(s) and s[tail] in _HSPACE:
            tail += 1
        if own_line and tail < len(s) and s[tail] in "\r\n":
            return ft.line_start(key), ft.line_end(tail)
        return key, end
    return None


def json_tokens(s: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) over the whole text, in order, for showing a diff: ``space``, ``punct``, ``key`` (a
    string followed by ':'), ``string``, ``comment``, ``word`` (numbers, literals, bare words) and ``other``.
    Tolerant: an unterminated string ends at its line's end; nothing raises; one pass."""
    n = len(s)
    i = 0
    while i < n:
        c = s[i]
        if c in _WS:
            j = skip_ws(s, i)
            yield i, j, "space"
        elif c in "{}[],:":
            j = i + 1
            yield i, j, "punct"
        elif c == "/" and s.startswith("//", i):
            j = _REST_OF_LINE(s, i).end()
            yield i, j, "comment"
        elif c == "/" and s.startswith("/*", i):
            k = s.find("*/", i + 2)
            j = n if k < 0 else k + 2
            yield i, j, "comment"
        elif c in "\"'\u201c\u201d":
            j = _loose_string_end(s, i)
            kind = "key" if skip_ws(s, j) < n and s[skip_ws(s, j)] == ":" else "string"
            yield i, j, kind
        else:
            m = _BARE.match(s, i)
            j = m.end() if m else i + 1
            yield i, j, "word" if m else "other"
        i = j


def _loose_string_end(s: str, i: int) -> int:
    quote = s[i]
    closers = {'"': '"', "'": "'"}.get(quote, "\u201c\u201d\"")
    j = i + 1
    n = len(s)
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c in "\r\n":
            return j
        j += 1
        if c in closers:
            return j
    return min(j, n)


def escapes(s: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """(offset of the backslash, the escape's kind) of every escape in the string ``s[start:end]``: ``valid``,
    ``control`` (\\b \\f \\n \\r \\t: a control character, what a Windows path such as c:\\folder turns into) or
    ``invalid``."""
    j = start + 1
    stop = end - 1
    while j < stop:
        k = s.find("\\", j, stop)
        if k < 0:
            return
        nxt = s[k + 1] if k + 1 < stop else ""
        m = _ESCAPE_BODY.match(s, k + 1, stop)
        if m is None:
            yield k, "invalid"
            j = k + 1 + (1 if nxt else 0)
        else:
            yield k, "control" if nxt in "bfnrt" else "valid"
            j = m.end()
