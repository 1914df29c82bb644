"""Tokens of a HOCON file, as Typesafe config's tokenizer cuts them, with offsets and tolerant recovery.

The rules follow ``com.typesafe.config.impl.Tokenizer`` (lightbend/config):

* Whitespace is what ``ConfigImplUtil.isWhitespace`` accepts (Unicode Zs/Zl/Zp, ``\\t``-``\\r``,
  U+001C-U+001F, the BOM); only ``\\n`` is a newline token. Runs of other whitespace are ``WS`` tokens (the
  parser keeps them only between two simple values, where they belong to a value concatenation).
* ``#`` and ``//`` start a comment to the end of the line (outside quoted strings).
* A token starting with a digit or ``-`` takes every following character of ``0123456789eE+-.``; with a
  ``.``, ``e`` or ``E`` it is a double, else a 64-bit long. If that fails (``192.168.1.1``, ``1-2``, a long
  out of range) it is unquoted text, as Typesafe config does.
* Unquoted text runs to whitespace, ``//`` or one of ``$"{}[]:=,+#`^?!@*&\\``; it starting with ``true``,
  ``false`` or ``null`` yields that literal and the rest as the next token (``truefoo`` = ``true`` ``foo``).
* ``"..."`` is a JSON string; three double quotes open a raw multi-line string, ended by the last three of
  a run of at least three quotes. ``${path}`` and ``${?path}`` are substitutions, ``+=`` a separator.

Tolerance (Typesafe config stops at the first of these; each is an issue here and lexing goes on): an
invalid escape keeps the backslash as text, a raw control character in a quoted string is kept, a quoted
string without its closing quote ends at the end of its line, an unterminated triple-quoted string or
substitution ends at the end of the file or line, a reserved character becomes a ``BAD`` token.

Work is linear: every step consumes at least one character and the regexes used have no nested
alternatives that can backtrack.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# token kinds
LBRACE, RBRACE, LBRACK, RBRACK, COLON, EQUALS, PLUSEQ, COMMA = range(8)
NEWLINE, WS, QUOTED, UNQUOTED, NUMBER, TRUE, FALSE, NULL, SUBST, BAD, EOF = range(8, 19)

SIMPLE = frozenset({QUOTED, UNQUOTED, NUMBER, TRUE, FALSE, NULL, SUBST})
KEY_PARTS = frozenset({QUOTED, UNQUOTED, NUMBER, TRUE, FALSE, NULL})
NAMES = {
    LBRACE: "'{'",
    RBRACE: "'}'",
    LBRACK: "'['",
    RBRACK: "']'",
    COLON: "':'",
    EQUALS: "'='",
    PLUSEQ: "'+='",
    COMMA: "','",
    NEWLINE: "end of line",
    WS: "whitespace",
    QUOTED: "a quoted string",
    UNQUOTED: "unquoted text",
    NUMBER: "a number",
    TRUE: "true",
    FALSE: "false",
    NULL: "null",
    SUBST: "a substitution",
    BAD: "a reserved character",
    EOF: "end of file",
}

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_PUNCT = {"{": LBRACE, "}": RBRACE, "[": LBRACK, "]": RBRACK, ":": COLON, "=": EQUALS, ",": COMMA}
_FORBIDDEN = '$"{}[]:=,+#`^?!@*&\\'


# ConfigImplUtil.isWhitespace minus '\n': Java's isWhitespace (Unicode Zs/Zl/Zp, \t..\r, U+001C..U+001F) plus
# the no-break spaces Java leaves out and the BOM. tests/read/test_hocon_lexer.py checks it against unicodedata.
WHITESPACE_CHARS = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_WS_CLASS = re.escape(WHITESPACE_CHARS)
WHITESPACE = frozenset(WHITESPACE_CHARS) | {"\n"}
_WS_RUN = re.compile(f"[{_WS_CLASS}]+").match
_UNQUOTED_RUN = re.compile(
    r"[^" + re.escape(_FORBIDDEN) + _WS_CLASS + r"\n/]*(?:/(?!/)[^" + re.escape(_FORBIDDEN) + _WS_CLASS + r"\n/]*)*"
).match
_NUMBER_RUN = re.compile(r"[0-9eE+\-.]*").match
_QUOTED_PLAIN = re.compile(r'[^"\\\x00-\x1f]*').match
_LINE_END = re.compile(r"\n").search
_HEX4 = re.compile(r"[0-9a-fA-F]{4}").fullmatch
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _run_end(match: Callable[[str, int], re.Match[str] | None], s: str, i: int) -> int:
    """End of the run a ``*``-pattern matches at ``i`` (such a pattern always matches, maybe empty)."""
    m = match(s, i)
    return m.end() if m else i


@dataclass(slots=True)
class Token:
    kind: int
    start: int  # offset of the first character
    end: int  # offset after the last character
    text: str = ""  # decoded string (QUOTED), raw text (UNQUOTED, NUMBER, WS, literals)
    value: Any = None  # NUMBER: int or float
    optional: bool = False  # SUBST: ${?...}
    parts: list[Token] | None = None  # SUBST: the tokens of the path expression


@dataclass(slots=True)
class LexIssue:
    code: str
    message: str
    offset: int


@dataclass(slots=True)
class Lexed:
    tokens: list[Token] = field(default_factory=list)
    issues: list[LexIssue] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)  # (offset of the marker, text after it)


def tokenize(text: str) -> Lexed:
    """Cut ``text`` into tokens; the list always ends with an ``EOF`` token."""
    return _Lexer(text).run()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.out = Lexed()

    def issue(self, code: str, message: str, offset: int) -> None:
        self.out.issues.append(LexIssue(code, message, offset))

    def run(self) -> Lexed:
        tokens = self.out.tokens
        i = 0
        while i < self.n:
            tok, i = self.next_token(i, in_subst=False)
            if tok is not None:
                tokens.append(tok)
        tokens.append(Token(EOF, self.n, self.n))
        return self.out

    def next_token(self, i: int, *, in_subst: bool) -> tuple[Token | None, int]:
        """The token at ``i`` (None for a comment) and the offset after it."""
        s = self.s
        c = s[i]
        if c == "\n":
            return Token(NEWLINE, i, i + 1, "\n"), i + 1
        m = _WS_RUN(s, i)
        if m:
            return Token(WS, i, m.end(), m.group()), m.end()
        if c == "#" or s.startswith("//", i):
            m = _LINE_END(s, i)
            end = m.start() if m else self.n
            marker = 1 if c == "#" else 2
            self.out.comments.append((i, s[i + marker : end]))
            return None, end
        if c == '"':
            return self.quoted(i)
        if c == "$" and not in_subst:
            return self.substitution(i)
        if c in _PUNCT:
            return Token(_PUNCT[c], i, i + 1, c), i + 1
        if c == "+":
            if s.startswith("+=", i):
                return Token(PLUSEQ, i, i + 2, "+="), i + 2
            self.issue("hocon-syntax-error", "'+' not followed by '=' (quote the value if '+' is part of it)", i)
            return Token(BAD, i, i + 1, c), i + 1
        if c in "0123456789-":
            return self.number(i)
        if c in _FORBIDDEN:
            self.issue(
                "hocon-syntax-error",
                f"reserved character '{c}' is not allowed outside quotes (quote the value)",
                i,
            )
            return Token(BAD, i, i + 1, c), i + 1
        return self.unquoted(i)

    def unquoted(self, i: int) -> tuple[Token, int]:
        s = self.s
        end = _run_end(_UNQUOTED_RUN, s, i)
        if end == i:  # a lone '/' before '//' cannot happen ('//' is a comment); keep progress anyway
            end = i + 1
        word = s[i:end]
        for lit, kind in (("true", TRUE), ("null", NULL), ("false", FALSE)):
            if word.startswith(lit):
                k = i + len(lit)
                return Token(kind, i, k, lit), k
        return Token(UNQUOTED, i, end, word), end

    def number(self, i: int) -> tuple[Token, int]:
        s = self.s
        end = _run_end(_NUMBER_RUN, s, i + 1)
        raw = s[i:end]
        value: int | float | None = None
        if any(ch in raw for ch in ".eE"):
            try:
                value = float(raw)
            except ValueError:
                value = None
        else:
            try:
                as_int = int(raw)
                value = as_int if _LONG_MIN <= as_int <= _LONG_MAX else None
            except ValueError:
                value = None
        if value is None:
            if "+" in raw:
                at = i + raw.index("+")
                self.issue("hocon-syntax-error", "reserved character '+' is not allowed outside quotes", at)
                return Token(BAD, i, end, raw), end
            return Token(UNQUOTED, i, end, raw), end  # not a number after all: unquoted text
        return Token(NUMBER, i, end, raw, value), end

    def quoted(self, i: int) -> tuple[Token, int]:
        """A quoted string (or a triple-quoted one) starting at ``i``, with HOCON's escapes decoded."""
        s = self.s
        if s.startswith('"""', i):
            return self.triple(i)
        chunks: list[str] = []
        j = i + 1
        bad_escape_reported = False
        control_reported = False
        while True:
            k = _run_end(_QUOTED_PLAIN, s, j)
            chunks.append(s[j:k])
            j = k
            if j >= self.n:
                self.issue("hocon-syntax-error", "quoted string has no closing quote (end of file)", i)
                return Token(QUOTED, i, j, "".join(chunks)), j
            c = s[j]
            if c == '"':
                return Token(QUOTED, i, j + 1, "".join(chunks)), j + 1
            if c == "\\":
                text, j, ok = self.escape(j)
                chunks.append(text)
                if not ok and not bad_escape_reported:
                    bad_escape_reported = True
                    self.issue(
                        "hocon-invalid-escape",
                        "invalid escape in a quoted string (Typesafe config refuses the file; read with the "
                        "backslash kept); quoted strings use JSON escapes: write \\\\ for a backslash",
                        j - 1 if j - 1 > i else i,
                    )
                continue
            if c == "\n":
                self.issue("hocon-syntax-error", "quoted string has no closing quote before the end of the line", i)
                return Token(QUOTED, i, j, "".join(chunks)), j
            if not control_reported:  # a raw control character, e.g. a tab
                control_reported = True
                self.issue(
                    "hocon-syntax-error",
                    f"raw control character U+{ord(c):04X} in a quoted string (Typesafe config refuses it; "
                    "write it as an escape)",
                    j,
                )
            chunks.append(c)
            j += 1

    def escape(self, j: int) -> tuple[str, int, bool]:
        """The escape at ``j`` (a backslash): (decoded text, next offset, valid)."""
        s = self.s
        e = s[j + 1] if j + 1 < self.n else ""
        if e in _SIMPLE_ESCAPES and e:
            return _SIMPLE_ESCAPES[e], j + 2, True
        if e == "u" and j + 6 <= self.n and _HEX4(s, j + 2, j + 6):
            cp = int(s[j + 2 : j + 6], 16)
            k = j + 6
            if 0xD800 <= cp <= 0xDBFF and s.startswith("\\u", k) and _HEX4(s, k + 2, k + 6):
                low = int(s[k + 2 : k + 6], 16)
                if 0xDC00 <= low <= 0xDFFF:  # a UTF-16 pair, as Java strings hold it
                    return chr(0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)), k + 6, True
            return chr(cp), k, True
        return "\\", j + 1, False

    def triple(self, i: int) -> tuple[Token, int]:
        s = self.s
        k = s.find('"""', i + 3)
        if k < 0:
            self.issue("hocon-syntax-error", 'triple-quoted string has no closing """ (end of file)', i)
            return Token(QUOTED, i, self.n, s[i + 3 :]), self.n
        end = k + 3
        while end < self.n and s[end] == '"':  # a run of more than three quotes: the last three close it
            end += 1
        return Token(QUOTED, i, end, s[i + 3 : end - 3]), end

    def substitution(self, i: int) -> tuple[Token, int]:
        s = self.s
        if not s.startswith("${", i):
            self.issue("hocon-syntax-error", "'$' not followed by '{' (quote the value if '$' is part of it)", i)
            return Token(BAD, i, i + 1, "$"), i + 1
        j = i + 2
        optional = s.startswith("?", j)
        if optional:
            j += 1
        parts: list[Token] = []
        while True:
            if j >= self.n or s[j] == "\n":
                self.issue("hocon-syntax-error", "substitution '${' is not closed with '}'", i)
                return Token(SUBST, i, j, s[i:j], optional=optional, parts=parts), j
            if s[j] == "}":
                return Token(SUBST, i, j + 1, s[i : j + 1], optional=optional, parts=parts), j + 1
            if s[j] == "$":
                self.issue("hocon-syntax-error", "substitutions cannot be nested", j)
                parts.append(Token(BAD, j, j + 1, "$"))
                j += 1
                continue
            tok, j = self.next_token(j, in_subst=True)
            if tok is not None:
                parts.append(tok)
