"""Lexer for the whole Lua lexical grammar, with Lua 5.1 string semantics (the LSR embeds Lua 5.1).

* Comments: ``--`` to the end of the line and long comments ``--[==[ ... ]==]`` (all levels). Every comment
  is returned as ``(line, text)`` without the markers, for inline suppressions.
* Strings: ``"..."`` and ``'...'`` with every Lua 5.1 escape (``\\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\'``,
  ``\\ddd`` decimal, backslash-newline). An unknown escape keeps the character and drops the backslash, as
  Lua 5.1 does: ``"C:\\ThingWorx"`` is ``C:ThingWorx``. ``\\x``, ``\\u{}`` and ``\\z`` do not exist in 5.1
  (``\\x41`` is ``x41``). Unknown escapes and escapes that yield control characters become notes
  (``lua-invalid-escape``, ``lua-control-escape``) at the first such escape of the string.
* Long strings ``[==[ ... ]==]``: no escapes, a newline right after the opening bracket is dropped, every
  newline sequence (``\\r\\n``, ``\\n\\r``, ``\\r``, ``\\n``) becomes ``\\n``. Lua 5.1 refuses ``[[`` inside a
  level-0 long string or comment ("nesting of [[...]] is deprecated"); that is reported, and lexing goes on.
* Numbers: decimal, hexadecimal, hex floats; every number is a float (Lua 5.1 numbers are doubles).
* Lua strings are bytes: a string token's value is ``bytes`` (the source text encoded as UTF-8 with
  ``surrogateescape``, so bytes that the caller decoded with ``surrogateescape`` come back unchanged).
* Operators and keywords: those of Lua 5.4 (a superset of 5.1), so that the parser can skip any chunk.
* Positions: 1-based line, 1-based column counted in code points; lines end at ``\\r\\n``, ``\\r`` or ``\\n``.

Lexical errors never raise: they are recorded in ``LexResult.errors`` and an ``error`` token is put in the
stream, after which lexing goes on at the next line (unfinished string) or stops (unfinished long string).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from emslint.read.matching import always_match

KEYWORDS = frozenset(
    (
        "and",
        "break",
        "do",
        "else",
        "elseif",
        "end",
        "false",
        "for",
        "function",
        "if",
        "in",
        "local",
        "nil",
        "not",
        "or",
        "repeat",
        "return",
        "then",
        "true",
        "until",
        "while",
    )
)

# One match per token, leading whitespace included. Complete quoted strings are matched here; an
# unfinished one falls through to the 'quote' group.
_TOKEN = re.compile(
    r"[ \t\r\n\f\v]*(?:"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<comment>--)"
    r"|(?P<op>\.\.\.|\.\.|==|~=|<=|>=|<<|>>|//|::|[-+*/%^#&~|<>=(){}\];:,]|\.(?![0-9])|\[(?![=\[]))"
    r"|(?P<dq>\"[^\"\\\r\n]*(?:\\(?:\r\n|\n\r|[\s\S])[^\"\\\r\n]*)*\")"
    r"|(?P<sq>'[^'\\\r\n]*(?:\\(?:\r\n|\n\r|[\s\S])[^'\\\r\n]*)*')"
    r"|(?P<num>[0-9]|\.[0-9])"
    r"|(?P<long>\[=*\[)"
    r"|(?P<badlong>\[=+)"
    r"|(?P<quote>[\"'])"
    r"|(?P<eof>\Z)"
    r"|(?P<other>[\s\S]))"
)


class _TokenMatch(Protocol):
    """What ``tokenize`` uses of a ``_TOKEN`` match. Every alternative is a named group and ``eof``/``other``
    take what the others do not, so the match never fails and ``lastgroup`` is never None."""

    @property
    def lastgroup(self) -> str: ...
    def start(self, group: str) -> int: ...
    def end(self) -> int: ...
    def group(self, group: str) -> str: ...


_MATCH_TOKEN = cast(Callable[[str, int], _TokenMatch], _TOKEN.match)
_NEWLINE = re.compile(r"\r\n?|\n")
_LONG_NEWLINE = re.compile(r"\r\n|\n\r|\r")
_FIRST_NEWLINE = re.compile(r"\r\n|\n\r|\r|\n")
_LONG_OPEN = re.compile(r"\[=*\[")
_SHORT_COMMENT = always_match(re.compile(r"[^\r\n]*"))  # matches the empty string
# Lua 5.4's read_numeral: digits, '.', hex digits, exponent marks with an optional sign, then one letter
# more if the numeral touches one (to force an error, as Lua does).
# Called only where the token's 'num' group (or "0x") starts: they always match.
_NUM_HEX = always_match(re.compile(r"0[xX](?:[pP][+-]?|[0-9a-fA-F.])*[A-Za-z_]?"))
_NUM_DEC = always_match(re.compile(r"[0-9.](?:[eE][+-]?|[0-9a-fA-F.])*[A-Za-z_]?"))
# One way to split the digits only: "[0-9]+\.?[0-9]*" backtracked quadratically on a long run ending badly.
_DEC_OK = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX_OK = re.compile(r"0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?")
# Both match the empty string.
_DQ_BODY = always_match(re.compile(r'[^"\\\r\n]*(?:\\(?:\r\n|\n\r|[\s\S])[^"\\\r\n]*)*'))
_SQ_BODY = always_match(re.compile(r"[^'\\\r\n]*(?:\\(?:\r\n|\n\r|[\s\S])[^'\\\r\n]*)*"))
_ESCAPE = re.compile(r"\\(?:([0-9]{1,3})|(\r\n|\n\r|\r|\n)|([\s\S]))")

_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34, "'": 39}
CONTROL_NAMES = {
    "a": "bell",
    "b": "backspace",
    "f": "form feed",
    "n": "newline",
    "r": "carriage return",
    "t": "tab",
    "v": "vertical tab",
}
INVALID_ESCAPE = "lua-invalid-escape"
CONTROL_ESCAPE = "lua-control-escape"


class Token:
    """One token. ``kind`` is ``name``, ``number``, ``string``, ``eof``, ``error`` or the keyword/symbol
    itself. ``value``: the name (str), the number (float), the string (bytes), or the error message.

    ``value`` is typed ``Any`` because ``kind`` (a string, not a type) says which: the parser reads it into a
    typed local (``name: str = tok.value``) instead of paying an ``isinstance`` per token."""

    __slots__ = ("col", "end", "first", "kind", "line", "notes", "offset", "value")

    def __init__(self, kind: str, value: Any, offset: int, end: int, line: int, col: int) -> None:
        self.kind = kind
        self.value = value
        self.offset = offset
        self.end = end
        self.line = line
        self.col = col
        self.first = False  # first token on its line (error recovery starts at such tokens)
        self.notes: tuple[Note, ...] = ()

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Token({self.kind!r}, {self.line}:{self.col})"


class Note:
    """A reader issue that belongs to a value: the parser fills in ``pointer`` with the JSON pointer of the
    first ``scripts`` value the string (or expression) ends up in."""

    __slots__ = ("code", "col", "line", "message", "pointer")

    def __init__(self, code: str, message: str, line: int, col: int) -> None:
        self.code = code
        self.message = message
        self.line = line
        self.col = col
        self.pointer: str | None = None


@dataclass(slots=True)
class LexResult:
    tokens: list[Token]
    comments: list[tuple[int, str]] = field(default_factory=list)
    # (message, line, column) of lexical errors; each also left an ``error`` token in the stream
    # (except "nesting of [[...]]", which Lua 5.1 refuses but which does not disturb the token stream).
    errors: list[tuple[str, int, int]] = field(default_factory=list)


class _Lines:
    """Offset -> (line, column) for one text."""

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(m.end() for m in _NEWLINE.finditer(text))

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def tokenize(text: str) -> LexResult:
    """Split ``text`` into tokens (the last one is ``eof``). Never raises."""
    lines = _Lines(text)
    starts = lines.starts
    last_start = len(starts) - 1
    result = LexResult([])
    tokens = result.tokens
    append = tokens.append
    pos = 0
    if text.startswith("#"):  # lua_loadfile skips a first line starting with '#' (a shebang)
        pos = _SHORT_COMMENT(text, 1).end()
    match = _MATCH_TOKEN
    keywords = KEYWORDS
    li = 0  # index into starts of the line of the current token
    last_line = 0
    while True:
        m = match(text, pos)
        kind = m.lastgroup
        start = m.start(kind)
        pos = m.end()
        while li < last_start and starts[li + 1] <= start:
            li += 1
        if kind == "name":
            word = m.group(kind)
            kind = word if word in keywords else "name"
            token = Token(kind, word, start, pos, li + 1, start - starts[li] + 1)
        elif kind == "op":
            op = m.group(kind)
            token = Token(op, op, start, pos, li + 1, start - starts[li] + 1)
        elif kind == "dq" or kind == "sq":
            body = text[start + 1 : pos - 1]
            if "\\" in body:
                token = _decode_escapes(body, start, pos, lines, result)
            else:
                token = Token(
                    "string",
                    body.encode("utf-8", "surrogateescape"),
                    start,
                    pos,
                    li + 1,
                    start - starts[li] + 1,
                )
        elif kind == "comment":
            pos, long_comment = _comment(text, pos, lines, result)
            if long_comment is None:
                continue
            token = long_comment
        elif kind == "eof":
            break
        elif kind == "num":
            token, pos = _number(text, start, lines, result)
        elif kind == "long":
            token, pos = _long_string(text, start, pos, lines, result)
        elif kind == "quote":
            token, pos = _unfinished(text, start, lines, result)
        elif kind == "badlong":
            token = _error(result, "invalid long string delimiter", start, pos, lines)
        else:
            char = m.group(kind)
            token = Token(char, char, start, pos, li + 1, start - starts[li] + 1)
        if token.line != last_line:
            token.first = True
            last_line = token.line
        append(token)
    n = len(text)
    eof = Token("eof", None, n, n, *lines.at(n))
    eof.first = eof.line != last_line
    append(eof)
    return result


def _error(result: LexResult, message: str, start: int, end: int, lines: _Lines) -> Token:
    line, col = lines.at(start)
    result.errors.append((message, line, col))
    return Token("error", message, start, end, line, col)


def _comment(text: str, pos: int, lines: _Lines, result: LexResult) -> tuple[int, Token | None]:
    line = lines.at(pos - 2)[0]
    m = _LONG_OPEN.match(text, pos)
    if m is None:
        end = _SHORT_COMMENT(text, pos).end()
        result.comments.append((line, text[pos:end]))
        return end, None
    close = "]" + "=" * (m.end() - m.start() - 2) + "]"
    stop = text.find(close, m.end())
    if stop < 0:
        return len(text), _error(result, "unfinished long comment", pos - 2, len(text), lines)
    _check_nesting(text, m.start(), m.end(), stop, lines, result)
    result.comments.append((line, text[m.end() : stop]))
    return stop + len(close), None


def _check_nesting(text: str, opening: int, body: int, stop: int, lines: _Lines, result: LexResult) -> None:
    """The long bracket at text[opening:body] (its body ends at ``stop``): is a level-0 one nested?"""
    if body - opening == 2:
        inner = text.find("[[", body, stop)
        if inner >= 0:
            result.errors.append(("nesting of [[...]] is deprecated (Lua 5.1 refuses it)", *lines.at(inner)))


def _long_string(text: str, start: int, pos: int, lines: _Lines, result: LexResult) -> tuple[Token, int]:
    """``[==[ ... ]==]``: ``pos`` is just after the opening bracket."""
    close = "]" + "=" * (pos - start - 2) + "]"
    stop = text.find(close, pos)
    if stop < 0:
        return _error(result, "unfinished long string", start, len(text), lines), len(text)
    _check_nesting(text, start, pos, stop, lines, result)
    body = text[pos:stop]
    first = _FIRST_NEWLINE.match(body)
    if first:
        body = body[first.end() :]
    if "\r" in body:
        body = _LONG_NEWLINE.sub("\n", body)
    end = stop + len(close)
    return Token("string", body.encode("utf-8", "surrogateescape"), start, end, *lines.at(start)), end


def _number(text: str, start: int, lines: _Lines, result: LexResult) -> tuple[Token, int]:
    m = (_NUM_HEX if text.startswith(("0x", "0X"), start) else _NUM_DEC)(text, start)
    raw = m.group()
    end = m.end()
    value = _number_value(raw)
    if value is None:
        # luac shows the text; an unquoted secret (a GUID starts like a number) would leak, so only its kind.
        return _error(result, "malformed number near <number>", start, end, lines), end
    return Token("number", value, start, end, *lines.at(start)), end


def _number_value(raw: str) -> float | None:
    if raw[:2] in ("0x", "0X"):
        if not _HEX_OK.fullmatch(raw):
            return None
        try:
            if "." not in raw and "p" not in raw and "P" not in raw:
                return float(int(raw, 16))
            return float.fromhex(raw)
        except OverflowError:  # strtod gives HUGE_VAL, as float("1e999") does for decimals
            return float("inf")
    if not _DEC_OK.fullmatch(raw):
        return None
    return float(raw)


def _unfinished(text: str, start: int, lines: _Lines, result: LexResult) -> tuple[Token, int]:
    """A quote whose string does not end on its line: report it, go on at the end of the line."""
    body_end = (_DQ_BODY if text[start] == '"' else _SQ_BODY)(text, start + 1).end()
    return _error(result, "unfinished string", start, body_end, lines), body_end


def _decode_escapes(body: str, start: int, end: int, lines: _Lines, result: LexResult) -> Token:
    """A short string's body with Lua 5.1's escapes decoded to bytes; unknown escapes and control characters are
    noted with their positions."""
    out = bytearray()
    invalid: list[str] = []
    invalid_at = -1
    control: list[str] = []
    control_at = -1
    last = 0
    base = start + 1
    for m in _ESCAPE.finditer(body):
        out += body[last : m.start()].encode("utf-8", "surrogateescape")
        last = m.end()
        digits, newline, char = m.groups()
        if digits is not None:
            code = int(digits)
            if code > 255:
                return _error(result, "escape sequence too large", base + m.start(), end, lines)
            out.append(code)
            if code < 32 or code == 127:
                control_at = base + m.start() if control_at < 0 else control_at
                control.append(f"\\{digits}")
        elif newline is not None:
            out.append(10)
        elif char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
            if char in CONTROL_NAMES:
                control_at = base + m.start() if control_at < 0 else control_at
                control.append(f"\\{char}")
        else:
            out += char.encode("utf-8", "surrogateescape")
            invalid_at = base + m.start() if invalid_at < 0 else invalid_at
            shown = char if char.isprintable() and not char.isspace() else f"<{ord(char):#04x}>"
            invalid.append("\\" + shown)
    out += body[last:].encode("utf-8", "surrogateescape")
    token = Token("string", bytes(out), start, end, *lines.at(start))
    notes = []
    if invalid:
        notes.append(Note(INVALID_ESCAPE, invalid_escape_message(invalid), *lines.at(invalid_at)))
    if control:
        notes.append(Note(CONTROL_ESCAPE, control_escape_message(control), *lines.at(control_at)))
    token.notes = tuple(notes)
    return token


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def invalid_escape_message(escapes: list[str]) -> str:
    names = _unique(escapes)
    later = [e for e in names if e in ("\\x", "\\u", "\\z")]
    unknown = [e for e in names if e not in later]
    parts = []
    if unknown:
        parts.append(
            f"unknown escape sequence{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} in a string: "
            "Lua 5.1 drops the backslash (a Windows path such as C:\\dir\\file is mangled) and Lua 5.2 and "
            "later refuse to load the file"
        )
    if later:
        parts.append(
            f"escape sequence{'s' if len(later) > 1 else ''} {', '.join(later)} in a string: "
            "Lua 5.1 does not know it and drops the backslash, Lua 5.2 and later decode it (\\x hex, "
            "\\z skip spaces, \\u{} UTF-8 in 5.3+), so the value depends on the Lua version"
        )
    return "; ".join(parts) + "; write paths with '/' or '\\\\', or as a long string [[...]]"


def control_escape_message(escapes: list[str]) -> str:
    described = []
    for name in _unique(escapes):
        what = CONTROL_NAMES.get(name[1:], f"control character {name[1:]}")
        described.append(f"{name} ({what})")
    return (
        f"escape sequence{'s' if len(described) > 1 else ''} {', '.join(described)} in a string "
        f"yield{'' if len(described) > 1 else 's'} control characters; if this is a Windows path, write "
        "'\\\\' or '/', or use a long string [[...]]"
    )
