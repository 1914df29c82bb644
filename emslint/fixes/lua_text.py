"""Spans in config.lua text, from the reader's own lexer: a value that is one literal token, a whole
``scripts.key = value`` statement, the escapes of a string, and literals to write.

Only a value written as one literal (``true``, ``8000``, ``"C:\\\\dir"``) is ever replaced: an expression
(``"a" .. b``, a call, a variable) is left alone, since the text cannot say what replacing a part of it means.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from emslint.fixes.text import FileText
from emslint.read.lua_lexer import Token, tokenize

# What may follow a value that is a whole expression (the end of a statement or of a table field).
_ENDS_VALUE = frozenset(("name", ";", ",", "}", "eof", "local", "function", "if", "for", "while", "do", "return",
                         "repeat", "break", "goto", "end", "until", "else", "elseif", "::"))
_LITERALS = frozenset(("string", "number", "true", "false", "nil"))
_LUA51_ESCAPES = frozenset("abfnrtv\\\"'\r\n0123456789")
_CONTROL = frozenset("abfnrtv")
_HSPACE = " \t"


class LuaText:
    """The tokens of a config.lua text, found by offset."""

    def __init__(self, ft: FileText) -> None:
        self.ft = ft
        self.tokens: list[Token] = tokenize(ft.text).tokens
        self.starts = [t.offset for t in self.tokens]

    def index_at(self, offset: int) -> int | None:
        """The index of the token starting exactly at ``offset``."""
        i = bisect_right(self.starts, offset) - 1
        return i if i >= 0 and self.tokens[i].offset == offset else None

    def index_containing(self, offset: int) -> int | None:
        i = bisect_right(self.starts, offset) - 1
        return i if i >= 0 and self.tokens[i].offset <= offset < self.tokens[i].end else None

    def literal_value(self, offset: int) -> Token | None:
        """The token at ``offset`` when it is a literal forming the whole value of an assignment or a field."""
        i = self.index_at(offset)
        if i is None or i == 0:
            return None
        token = self.tokens[i]
        if token.kind not in _LITERALS or self.tokens[i - 1].kind != "=":
            return None
        return token if self.tokens[i + 1].kind in _ENDS_VALUE else None

    def statement_removal(self, key_offset: int) -> tuple[int, int] | None:
        """The lines of ``scripts.<key> = <literal>`` (the key's name token at ``key_offset``) when the statement
        is alone on its lines; None otherwise."""
        i = self.index_at(key_offset)
        toks = self.tokens
        if i is None or i < 2 or toks[i - 1].kind != ".":
            return None
        if toks[i - 2].kind != "name" or toks[i - 2].value != "scripts":
            return None
        if i + 3 >= len(toks) or toks[i + 1].kind != "=" or self.literal_value(toks[i + 2].offset) is None:
            return None
        start, end = toks[i - 2].offset, toks[i + 2].end
        if toks[i + 3].kind == ";":
            end = toks[i + 3].end
        if i - 3 >= 0 and toks[i - 3].kind in ("=", ",", "..", "(", "{", "["):
            return None  # the name is part of an expression
        text, ft = self.ft.text, self.ft
        if text[ft.line_start(start):start].strip(_HSPACE):
            return None
        tail = end
        while tail < len(text) and text[tail] in _HSPACE:
            tail += 1
        if tail < len(text) and text[tail] not in "\r\n":
            return None  # a comment or another statement shares the line
        return ft.line_start(start), ft.line_end(tail) if tail < len(text) else tail

    def string_escapes(self, token: Token) -> Iterator[tuple[int, str]]:
        """(offset of the backslash, kind) of every escape of a quoted string token: ``valid``, ``control``
        (\\a \\b \\f \\n \\r \\t \\v) or ``invalid`` (Lua 5.1 drops the backslash)."""
        text = self.ft.text
        if token.kind != "string" or text[token.offset] not in "\"'":
            return
        j, stop = token.offset + 1, token.end - 1
        while j < stop:
            k = text.find("\\", j, stop)
            if k < 0:
                return
            c = text[k + 1] if k + 1 < stop else ""
            if c not in _LUA51_ESCAPES:
                yield k, "invalid"
            else:
                yield k, "control" if c in _CONTROL else "valid"
            j = k + 2 if c != "\r" or text[k + 2:k + 3] != "\n" else k + 3


def lua_literal(value: object, like: Token | None, text: str) -> str | None:
    """``value`` written as a Lua literal in the style of the token it replaces: a boolean written as a string
    ("true", which the LSR reads as true) stays a string, a string keeps its quote character."""
    quote = text[like.offset] if like is not None and like.kind == "string" and text[like.offset] in "\"'" else '"'
    if isinstance(value, bool):
        word = "true" if value else "false"
        return f"{quote}{word}{quote}" if like is not None and like.kind == "string" else word
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if any(ord(c) < 0x20 for c in value):
            return None
        body = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
        return f"{quote}{body}{quote}"
    return None
