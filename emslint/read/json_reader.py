"""Tolerant, exact reader for ``config.json``: plain values, a position for every key and value, issues.

Strict JSON (RFC 8259) is the target. Every deviation becomes a ``ReadIssue`` at its exact position and
reading goes on with what can be recovered, so that the rules still see the rest of the file:

* ``json-syntax-error``: what a strict parser (and so the EMS) refuses. Recovery: a missing comma is
  assumed, a trailing comma ignored, single-quoted and curly-quoted strings, unquoted keys and bare words
  are read as strings (``True``/``False``/``None`` as their JSON values), ``=`` is read as ``:``, ``;`` as
  ``,``, a fragment without outer braces is read as if wrapped in ``{ }``, a mismatched closing bracket
  closes the inner containers, NaN/Infinity are read as floats (as ``json.loads`` does), an unterminated
  string ends at the end of its line. Text after the document (``json-trailing-content``) is reported and not read,
  as cJSON ignores it.
* ``json-comment``: ``//`` and ``/* */`` comments, skipped; one issue per file at the first, with a count.
* ``json-invalid-escape``: ``\\s``, ``\\a``, ... (Windows paths); one issue per string at the first bad
  escape. The value is recovered as the literal text: ``"c:\\some"`` reads as ``c:\\some`` (backslash kept),
  which is what the author meant.
* ``json-control-escape``: valid escapes that decode to control characters (``\\f`` of ``c:\\folder``);
  one issue per string at the first one. The value is the decoded one (as the EMS sees it).
* ``json-duplicate-key`` / ``json-conflicting-key``: at the later key, with the same / another value. ``data``
  keeps the FIRST value and its positions, as the EMS reads it (the C SDK's cJSON returns the first member with
  a matching name); a strict JSON reader such as ``json.loads`` keeps the last.
* ``json-too-deep``: nesting deeper than ``max_depth``; reading stops there (what was read is kept).
* ``json-empty``: the file is empty or whitespace only (``fatal``). A file of comments only, or one that
  does not start like JSON at all (``<xml>``), is ``fatal`` with one ``json-syntax-error``.

A raw line break inside a string ends the string there (``the string has no closing quote``) unless the
next line closes it, followed by what may follow a string (``,`` ``}`` ``]`` ``:``); then the string is read
across the line break. A trailing comma before that line break is taken as the separator.

At most ``MAX_ISSUES`` issues are listed per file, then one ``json-syntax-error`` "... and N more
problems". Curly quotes and non-JSON whitespace (e.g. no-break spaces from web pages) are, like comments,
reported once per file with a count. Messages name keys, escapes and positions, never a string value.

``fatal`` is set when nothing usable was read (no root value). The parser uses an explicit stack: no
recursion, so no ``RecursionError`` at any depth. Strings go through the stdlib's C ``scanstring`` and
numbers through the stdlib's number regex; only strings that fail there take the tolerant path.
"""

from __future__ import annotations

import json.decoder
import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate, count, islice, repeat
from json.scanner import NUMBER_RE
from operator import add, sub
from typing import Any, Literal, cast

from emslint.pointers import escape_token
from emslint.read.matching import always_match
from emslint.read.result import ReadIssue, ReadResult, Shadowed
from emslint.schema.compiler import json_equal

# The C scanner's string reader: real and stable since Python 2.6, but typeshed does not declare it.
scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

MAX_ISSUES = 50
STOP_AFTER = 1000  # problems; a file with more is not a config file, and junk must not take long

SYNTAX = "json-syntax-error"
COMMENT = "json-comment"
INVALID_ESCAPE = "json-invalid-escape"
CONTROL_ESCAPE = "json-control-escape"
DUPLICATE = "json-duplicate-key"
CONFLICT = "json-conflicting-key"
TRAILING = "json-trailing-content"
TOO_DEEP = "json-too-deep"
EMPTY = "json-empty"

# always_match: the patterns that match the empty string, and _CLOSER_RUN (called where s[i] is that closer).
_WS = always_match(re.compile(r"[ \t\n\r]*"))
_SPACES = always_match(re.compile(r"[ \t]*"))
_NUMBER = NUMBER_RE.match
_NEWLINE = re.compile(r"\r\n?|\n")
# Unquoted text: up to whitespace, JSON punctuation, quotes, '=', ';' or a comment.
# Runs of plain characters are matched in one step: one step per character is slow on megabytes.
_BARE = re.compile(r"""(?:[^\s,:\[\]{}"'=;/\u201c\u201d\u201e]+|/(?![/*]))+""").match
# The strict common cases, one regex each: `"key": ` after '{', `, "key": ` and `, ` each optionally followed
# by a plain scalar (groups: key or comma, string, integer part, fraction, exponent, literal). Keys with `~`
# or `/` (pointer escaping), escapes, control characters, curly quotes or comments take the general path.
_WSR = r"[ \t\n\r]*"
_KEY_RE = r'"([^"\\\x00-\x1f\u201c\u201d~/]*)"' + _WSR + ":" + _WSR
_STR_RE = r'"([^"\\\x00-\x1f\u201c\u201d]*)"'
_SCALAR_RE = (
    r"(?:" + _STR_RE + r"|(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?|(true|false|null))(?![\w.+\-$/\\])"
)
_MEMBER = re.compile(_WSR + _KEY_RE + "(?:" + _SCALAR_RE + ")?").match
_NEXT_MEMBER = re.compile(_WSR + "," + _WSR + _KEY_RE + "(?:" + _SCALAR_RE + ")?").match
_NEXT_ELEM = re.compile(_WSR + "(,)" + _WSR + "(?:" + _SCALAR_RE + ")?").match
_SIMPLE_STRING = re.compile(_STR_RE).match
_LITERAL_VALUES = {"true": True, "false": False, "null": None}
_IDENT = re.compile(r"[\w$][\w$.\-]*").match
# No two adjacent repeats can share a digit: `\d+\.?\d*` backtracked quadratically on "000...0t".
_NUMERIC = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z").match
_HEX4 = re.compile(r"[0-9a-fA-F]{4}\Z").match
_LOW_SURROGATE = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}").match
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|(.))", re.DOTALL)
_DECODE_SPECIAL = re.compile(r"[\\\x00-\x1f]")
_CURLY_IN = re.compile("[\u201c\u201d]")
_BALANCE = re.compile(r"""[\[\]{}"]""")
_DQ_STRING_END = always_match(re.compile(r'(?:[^"\\\r\n]|\\.)*"?'))
_FRAGMENT = re.compile(
    r"""(?:"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'"""
    '|[\u201c\u201d\u201e][^\u201c\u201d\u201e"\\r\\n]*[\u201c\u201d"]'
    r"|[A-Za-z_$][\w$.\-]*)[ \t]*[:=]"
).match

_QUOTES = frozenset("\"'\u201c\u201d\u201e")
_REST_OF_LINE = always_match(re.compile(r"[^,}\]\r\n]*"))
_LINE_BREAK_IN = re.compile(r"[\r\n]").search
_CLOSER_RUN = {"}": always_match(re.compile(r"\}+")), "]": always_match(re.compile(r"\]+"))}
_CURLY_OPEN = "\u201c\u201d\u201e"
_DIGIT_START = frozenset("-0123456789")
_WORD_TAIL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-$")
_WORD_TAIL_OR_SLASH = _WORD_TAIL | {"/"}
# Whitespace Python knows but JSON does not, plus BOM and zero-width space; '/' starts a comment.
_SLOW_WS = frozenset(
    "/\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_CONTROL_NAMES = {
    "b": "backspace (U+0008)",
    "f": "form feed (U+000C)",
    "n": "line feed (U+000A)",
    "r": "carriage return (U+000D)",
    "t": "tab (U+0009)",
}
_LITERALS: tuple[tuple[str, Any], ...] = (("true", True), ("false", False), ("null", None))
_NONFINITE = frozenset({"NaN", "Infinity", "-Infinity"})
_PY_BOOLS = {"True": True, "TRUE": True, "False": False, "FALSE": False}
_PY_NULLS = frozenset({"None", "NULL", "Null", "nil", "undefined"})

# string kinds: double quotes, single quotes, curly quotes
_DQ, _SQ, _CQ = 0, 1, 2
_CLOSERS = {_DQ: '"', _SQ: "'", _CQ: '\u201c\u201d"'}
_EXTENT = {
    _DQ: re.compile(r'["\\\r\n]').search,
    _SQ: re.compile(r"['\\\r\n]").search,
    _CQ: re.compile('[\u201c\u201d"\\\\\r\n]').search,
}

# parser states
_KEY, _ELEM, _VALUE, _AFTER, _DONE = range(5)

_Pending = list[tuple[str, str, int]]  # (code, message, offset) found in a string, pointer added later


class _ObjectFrame:
    """An object being read. ``is_obj`` is a literal, so ``if frame.is_obj`` tells mypy which frame it is."""

    __slots__ = ("closer", "container", "is_obj", "opened", "pointer")

    def __init__(self, container: dict[str, Any], pointer: str, opened: int, closer: str | None) -> None:
        self.container = container
        self.pointer = pointer
        self.is_obj: Literal[True] = True
        self.opened = opened
        self.closer = closer  # None: the brace-less object of a fragment


class _ArrayFrame:
    """An array being read."""

    __slots__ = ("closer", "container", "is_obj", "opened", "pointer")

    def __init__(self, container: list[Any], pointer: str, opened: int) -> None:
        self.container = container
        self.pointer = pointer
        self.is_obj: Literal[False] = False
        self.opened = opened
        self.closer = "]"


_Frame = _ObjectFrame | _ArrayFrame


_MISSING = object()


class _Stop(Exception):
    """Too many problems: stop reading (what was read is kept)."""


class _LoneSurrogate(ValueError):
    """A valid-looking string holds half a UTF-16 pair (\\ud800): read it again on the tolerant path."""


def read_json(text: str, *, max_depth: int = 200) -> ReadResult:
    """Read config.json text (already decoded, see ``source.decode_text``) into a ``ReadResult``."""
    reader = _Reader(text, max_depth)
    reader.run()
    return reader.result()


class _Reader:
    def __init__(self, text: str, max_depth: int) -> None:
        self.bom = text.startswith("\ufeff")
        if self.bom:  # normally stripped by decode_text; positions count without it either way
            text = text[1:]
        self.s = text
        self.n = len(text)
        self.max_depth = max_depth
        self.root: Any = _MISSING
        self.stack: list[_Frame] = []
        self.open = {"}": 0, "]": 0}  # open containers by closer (the fragment's brace-less root is not one)
        self.pos: dict[str, int] = {}
        self.keypos: dict[str, int] = {}
        self.issues: list[tuple[str, str, int, str]] = []
        self.extra: list[tuple[str, str, int, str]] = []  # once-per-file and stop issues, never capped
        self.suppressed = 0
        self.suppressed_at = -1
        self.comments = 0
        self.first_comment = -1
        self.curly = 0
        self.first_curly = -1
        self.odd_ws = 0
        self.first_odd_ws = -1
        self.odd_ws_char = ""
        self.duplicates: list[tuple[str, str, int, int, Any, Any]] = []
        self.replaced_container = False
        self.stopped = False
        self._starts: list[int] | None = None

    # ----------------------------------------------------------------------------------------- results

    def result(self) -> ReadResult:
        lc = self.line_col
        if self.duplicates:
            self._duplicate_issues()
        if self.replaced_container:
            self._prune_stale_positions()
        issues = sorted(self.issues + self.extra, key=lambda t: t[2])
        if self.suppressed:
            more = f"... and {self.suppressed} more problems (not listed)"
            if self.stopped:
                more += f"; reading stopped after {STOP_AFTER} problems"
            issues.append((SYNTAX, more, self.suppressed_at, ""))
        read_issues = [ReadIssue(code, msg, *lc(off), ptr) for code, msg, off, ptr in issues]
        if self.bom:
            bom = ReadIssue("encoding-bom", "byte order mark (BOM) at the start; skipped", 1, 1)
            read_issues.insert(0, bom)
        missing = self.root is _MISSING
        shadowed = [Shadowed(ptr, later, *lc(key_off)) for _, ptr, _, key_off, _, later in self.duplicates]
        return ReadResult(
            data=None if missing else self.root,
            positions=self._convert(self.pos),
            key_positions=self._convert(self.keypos),
            issues=read_issues,
            fatal=missing,
            shadowed=shadowed,
        )

    def _convert(self, offsets: dict[str, int]) -> dict[str, tuple[int, int]]:
        """pointer -> offset into pointer -> (line, column), with C-level iteration only (it is hot)."""
        starts = self.line_starts()
        shifted = [0, *map(sub, starts, repeat(1))]  # shifted[line] = offset where that line starts - 1
        offs = list(offsets.values())
        lines = list(map(bisect_right, repeat(starts, len(offs)), offs))
        columns = map(sub, offs, map(shifted.__getitem__, lines))
        return dict(zip(offsets.keys(), zip(lines, columns, strict=True), strict=True))

    def line_starts(self) -> list[int]:
        """Offsets where lines start; a line ends at LF, CRLF or a lone CR."""
        starts = self._starts
        if starts is None:
            s = self.s
            if s.count("\r") == s.count("\r\n"):  # LF or CRLF only: C-speed split and running sums
                lengths = map(len, s.split("\n"))
                starts = [0, *map(add, accumulate(islice(lengths, s.count("\n"))), count(1))]
            else:
                starts = [0, *(m.end() for m in _NEWLINE.finditer(s))]
            self._starts = starts
        return starts

    def line_col(self, off: int) -> tuple[int, int]:
        starts = self.line_starts()
        ln = bisect_right(starts, off)
        return ln, off - starts[ln - 1] + 1

    def where(self, off: int) -> str:
        line, col = self.line_col(off)
        return f"line {line}, column {col}"

    def issue(self, code: str, message: str, off: int, pointer: str) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append((code, message, off, pointer))
            return
        if not self.suppressed:
            self.suppressed_at = off
        self.suppressed += 1
        if self.suppressed + MAX_ISSUES >= STOP_AFTER:
            raise _Stop

    def flush(self, pending: _Pending | None, pointer: str) -> None:
        if pending:
            for code, message, off in pending:
                self.issue(code, message, off, pointer)

    # -------------------------------------------------------------------------------------- whitespace

    def ws(self, i: int) -> int:
        s = self.s
        i = _WS(s, i).end()
        while i < self.n and s[i] in _SLOW_WS:
            c = s[i]
            if c == "/":
                nxt = s[i + 1 : i + 2]
                if nxt == "/":
                    self._comment(i)
                    m = _NEWLINE.search(s, i)
                    i = m.start() if m else self.n
                elif nxt == "*":
                    self._comment(i)
                    end = s.find("*/", i + 2)
                    if end < 0:
                        self.issue(SYNTAX, "unterminated /* comment (no closing */)", i, self._here())
                        i = self.n
                    else:
                        i = end + 2
                else:
                    return i
            else:
                self.odd_ws += 1
                if self.first_odd_ws < 0:
                    self.first_odd_ws = i
                    self.odd_ws_char = c
                i += 1
            i = _WS(s, i).end()
        return i

    def _comment(self, i: int) -> None:
        self.comments += 1
        if self.first_comment < 0:
            self.first_comment = i

    def _here(self) -> str:
        return self.stack[-1].pointer if self.stack else ""

    # ------------------------------------------------------------------------------------------- driver

    def run(self) -> None:
        try:
            self._run()
        except _Stop:
            self.stopped = True
        self._add_once_per_file_issues()

    def _run(self) -> None:
        s = self.s
        i = self.ws(0)
        if i >= self.n:
            if self.comments:
                self.issue(SYNTAX, "no JSON value in the file, only comments", self._end(), "")
            else:
                self.extra.append((EMPTY, "the file is empty", 0, ""))
        elif _FRAGMENT(s, i):
            self.issue(
                SYNTAX,
                "the file is a fragment without the enclosing '{' and '}'; read as if wrapped in braces",
                i,
                "",
            )
            root: dict[str, Any] = {}
            self.root = root
            self.pos[""] = i
            self.stack.append(_ObjectFrame(root, "", i, None))
            self.loop(i, _KEY)
        elif self._can_start_document(i):
            self.loop(i, _VALUE)
        else:
            self.issue(SYNTAX, f"expected '{{' at the start of the document, found {_show(s[i])}", i, "")

    def _can_start_document(self, i: int) -> bool:
        c = self.s[i]
        if c in "{[\"'-0123456789" or c in _CURLY_OPEN:
            return True
        m = _BARE(self.s, i)
        word = m.group() if m else ""
        return word in ("true", "false", "null") or word in _NONFINITE or word in _PY_BOOLS

    def _add_once_per_file_issues(self) -> None:
        if self.comments:
            n = self.comments
            what = f"{n} comment{'s' if n != 1 else ''}; config.json must be strict JSON"
            if n >= 5:
                what += " (this looks like the .documented reference file)"
            self.extra.append((COMMENT, what, self.first_comment, ""))
        if self.curly:
            n = self.curly
            self.extra.append(
                (
                    SYNTAX,
                    f"curly quotes \u201c \u201d used as string quotes ({_times(n)}); "
                    'JSON needs straight double quotes "',
                    self.first_curly,
                    "",
                )
            )
        if self.odd_ws:
            n = self.odd_ws
            self.extra.append(
                (
                    SYNTAX,
                    f"{_char_name(self.odd_ws_char)} is not JSON whitespace ({_times(n)}); "
                    "only space, tab, CR and LF are allowed",
                    self.first_odd_ws,
                    "",
                )
            )

    def _end(self) -> int:
        """Offset just after the last non-whitespace character (where an EOF problem is reported)."""
        return len(self.s.rstrip(" \t\r\n"))

    def loop(self, i: int, state: int) -> None:
        """The state machine. The strict common cases (`, "key": ` and plain strings) take one regex each;
        everything else goes through the general, tolerant code below them."""
        s, n, stack, pos, keypos = self.s, self.n, self.stack, self.pos, self.keypos
        wsm, ws = _WS, self.ws
        after_comma = -1  # offset of the comma before the current key/element; -1 after '{', '[' or junk
        key: str = ""
        key_ptr = ""
        key_off = -1
        val: Any
        top = _ObjectFrame({}, "", -1, None)  # stands for "no container": the root value is being read
        frame: _Frame = stack[-1] if stack else top
        while True:
            # Fast path: `, "key": scalar` / `"key": ` in objects, `, scalar` / `, ` in arrays, one regex.
            if state == _AFTER:
                if not stack:
                    i = wsm(s, i).end()  # a comment here is text after the document too: cJSON never reads it
                    if i < n:
                        self.issue(
                            TRAILING,
                            "text after the end of the document: the EMS (cJSON) reads the first value and ignores "
                            "the rest, which a reviewer still sees",
                            i,
                            "",
                        )
                    return
                frame = stack[-1]
                m = _NEXT_MEMBER(s, i) if frame.is_obj else _NEXT_ELEM(s, i)
            elif state == _KEY:
                m = _MEMBER(s, i)
            else:
                m = None
            if m is not None:
                if frame.is_obj:
                    key, sv, ig, fr, ex, lit = m.groups()
                    key_off = m.start(1) - 1
                    key_ptr = f"{frame.pointer}/{key}"
                else:
                    _, sv, ig, fr, ex, lit = m.groups()
                    after_comma = m.start(1)
                i = m.end()
                if sv is not None:
                    val = sv
                    voff = m.start(2) - 1
                elif ig is not None:
                    voff = m.start(3)
                    if fr or ex:
                        val = float(ig + (fr or "") + (ex or ""))
                    else:
                        try:
                            val = int(ig)
                        except ValueError:
                            where = key_ptr if frame.is_obj else f"{frame.pointer}/{len(frame.container)}"
                            val = self._int(ig, voff, where)
                elif lit is not None:
                    val = _LITERAL_VALUES[lit]
                    voff = m.start(6)
                else:  # `"key": ` or `, ` followed by something else: the general path
                    state = _VALUE if frame.is_obj else _ELEM
                    continue
                if frame.is_obj:
                    container = frame.container
                    if key in container:
                        self._duplicate(key, key_ptr, key_off, container[key], val)
                    else:
                        container[key] = val
                        keypos[key_ptr] = key_off
                        pos[key_ptr] = voff
                else:
                    elements = frame.container
                    pos[f"{frame.pointer}/{len(elements)}"] = voff
                    elements.append(val)
                state = _AFTER
                continue

            if state == _AFTER:
                value_end = i
                i = wsm(s, i).end()
                if i < n and s[i] in _SLOW_WS:
                    i = ws(i)
                if i >= n:
                    self._eof()
                    return
                c = s[i]
                if c == ",":
                    after_comma = i
                    i += 1
                    state = _KEY if frame.is_obj else _ELEM
                elif c == frame.closer:
                    stack.pop()
                    self.open[c] -= 1
                    i += 1
                elif c == "}" or c == "]":
                    i = self._mismatched(i, c)
                elif c == ";":
                    self.issue(SYNTAX, "';' is not a separator in JSON; use ','", i, frame.pointer)
                    after_comma = i
                    i += 1
                    state = _KEY if frame.is_obj else _ELEM
                elif c == ":" or c == "=":
                    self.issue(SYNTAX, f"unexpected '{c}' after a value", i, frame.pointer)
                    i += 1
                elif frame.is_obj and c not in _QUOTES and not _LINE_BREAK_IN(s, value_end, i):
                    # Unquoted text after a value on the same line is the rest of that value (an unquoted
                    # passphrase of several words, a doubled quote), not a property name: skipped, and its
                    # text stays out of messages and pointers.
                    self.issue(
                        SYNTAX,
                        "unexpected text after a value; skipped up to the next ',' or line break (the text "
                        "is not shown: it may be part of a secret)",
                        i,
                        frame.pointer,
                    )
                    i = _REST_OF_LINE(s, i).end()
                else:
                    what = "members" if frame.is_obj else "array elements"
                    self.issue(SYNTAX, f"missing ',' between {what}", i, frame.pointer)
                    after_comma = -1
                    state = _KEY if frame.is_obj else _ELEM
                continue

            if state == _KEY:
                i = wsm(s, i).end()
                if i < n and s[i] in _SLOW_WS:
                    i = ws(i)
                if i >= n:
                    if after_comma >= 0 and frame.closer is None:
                        self.issue(
                            SYNTAX,
                            "trailing comma at the end of the file is not allowed",
                            after_comma,
                            frame.pointer,
                        )
                    state = _AFTER
                    continue
                c = s[i]
                if c == "}" or c == "]":
                    if after_comma >= 0:
                        self._trailing_comma(after_comma, c, frame)
                    state = _AFTER
                    continue
                if c == ",":
                    self.issue(SYNTAX, "unexpected ',' where a property name is expected", i, frame.pointer)
                    after_comma = i
                    i += 1
                    continue
                if c == "{" or c == "[":
                    self.issue(
                        SYNTAX,
                        f"expected a property name in double quotes, found '{c}'; that value is skipped",
                        i,
                        frame.pointer,
                    )
                    i = self._skip_balanced(i)
                    state = _AFTER
                    continue
                got = self._key(i)
                if got is None:
                    self.issue(
                        SYNTAX, f"unexpected {_show(c)} where a property name is expected", i, frame.pointer
                    )
                    i = self._skip_junk(i)
                    after_comma = -1
                    continue
                key, j, pending = got
                key_off = i
                key_ptr = _child(frame.pointer, key)
                i = ws(j)
                # A string followed by neither ':' nor a value is as likely a value that lost its name (a
                # password whose key was deleted) as a name: its text stays out of messages and pointers.
                lost = i < n and s[i] in ",}]"
                self.flush(pending, frame.pointer if lost else key_ptr)
                state = _VALUE
                if i >= n:
                    state = _AFTER
                elif s[i] == ":":
                    i += 1
                elif s[i] == "=":
                    self.issue(
                        SYNTAX,
                        f"'=' after {_show_key(key)}: JSON uses ':' between a property "
                        "name and its value (this looks like INI or Lua syntax)",
                        i,
                        key_ptr,
                    )
                    i += 1
                elif lost:
                    self.issue(
                        SYNTAX,
                        "a string without ':' and a value where a member is expected: a property name lost "
                        "its value, or a value its name (the text is not shown: it may be a secret)",
                        i,
                        frame.pointer,
                    )
                    state = _AFTER
                else:
                    self.issue(SYNTAX, f"missing ':' after property name {_show_key(key)}", i, key_ptr)
                continue

            # _VALUE (a member's value or the root value) or _ELEM (an array element)
            i = wsm(s, i).end()
            if i < n and s[i] in _SLOW_WS:
                i = ws(i)
            if i >= n:
                state = _AFTER
                continue
            c = s[i]
            if state == _ELEM:
                if c == "]" or c == "}":
                    if after_comma >= 0:
                        self._trailing_comma(after_comma, c, frame)
                    state = _AFTER
                    continue
                if c == ",":
                    self.issue(SYNTAX, "missing value before ','", i, frame.pointer)
                    after_comma = i
                    i += 1
                    continue
                ptr = f"{frame.pointer}/{len(frame.container)}"
            elif frame is top:
                ptr = ""
            else:
                if c == "," or c == "}" or c == "]":
                    self.issue(SYNTAX, f"property {_show_key(key)} has no value", i, key_ptr)
                    state = _AFTER
                    continue
                ptr = key_ptr
            nstate = _AFTER
            m = None
            if c == '"':
                m = _SIMPLE_STRING(s, i)
                if m is not None:
                    val = m.group(1)
                    j = m.end()
            elif c in _DIGIT_START:
                m = _NUMBER(s, i)
                if m is not None:
                    j = m.end()
                    if j < n and s[j] in _WORD_TAIL_OR_SLASH:
                        m = None
                    else:
                        integer, frac, exp = m.groups()
                        if frac or exp:
                            val = float(integer + (frac or "") + (exp or ""))
                        else:
                            try:
                                val = int(integer)
                            except ValueError:
                                val = self._int(integer, i, ptr)
            if m is None:
                val, j, nstate = self.value(i, ptr, state)
                if nstate == _DONE:
                    return
                if val is _MISSING:
                    i, state = j, nstate
                    continue
            if frame is top:
                self.root = val
            elif frame.is_obj:  # state _VALUE (_ELEM is the state of array frames only)
                container = frame.container
                if key in container:  # the EMS reads the first: the later value is read into a shadow place
                    ptr = self._duplicate(key, ptr, key_off, container[key], val)
                else:
                    container[key] = val
                    keypos[ptr] = key_off
            else:
                frame.container.append(val)
            pos[ptr] = i

            # a value was attached at `ptr`
            if nstate != _AFTER:  # a container was opened: go inside
                if nstate == _KEY:
                    frame = _ObjectFrame(val, ptr, i, "}")
                    self.open["}"] += 1
                else:
                    frame = _ArrayFrame(val, ptr, i)
                    self.open["]"] += 1
                stack.append(frame)
            i, state, after_comma = j, nstate, -1

    def _key(self, i: int) -> tuple[str, int, _Pending | None] | None:
        """A property name at ``i`` in any quoting: (key, next offset, issues), or None if there is none."""
        s = self.s
        c = s[i]
        if c == '"':
            try:
                key, j = scanstring(s, i + 1, True)
                pending = self._control_escapes(i + 1, j - 1) if s.find("\\", i + 1, j) >= 0 else None
            except ValueError:
                key, j, pending = self._tolerant_string(i, _DQ)
            if "\u201d" in key or "\u201c" in key:
                cut = self._curly_cut(i, j, ":")
                if cut is not None:
                    key, j, pending = cut
            return key, j, pending
        if c == "'" or c in _CURLY_OPEN:
            return self._odd_string(i)
        m = _IDENT(s, i)
        if m is None:
            return None
        return m.group(), m.end(), [(SYNTAX, "property names must be in double quotes", i)]

    # ---------------------------------------------------------------------------------------- values

    def value(self, i: int, ptr: str, state: int) -> tuple[Any, int, int]:
        """The value at ``i`` (not whitespace): (value, next offset, next state).

        The next state is _AFTER for a scalar, _KEY/_ELEM for a new (empty) container that the caller
        attaches and enters, _DONE when too deep; the value is _MISSING (and the state unchanged) when
        there is no value at ``i`` (the character is reported and skipped)."""
        s = self.s
        c = s[i]
        if c == '"':
            try:
                val, j = scanstring(s, i + 1, True)
            except ValueError:
                val, j, pending = self._tolerant_string(i, _DQ)
                self.flush(pending, ptr)
                return val, j, _AFTER
            if "\u201d" in val or "\u201c" in val:
                cut = self._curly_cut(i, j, ",}]/")
                if cut is not None:
                    val, j, pending = cut
                    self.flush(pending, ptr)
                    return val, j, _AFTER
            if s.find("\\", i + 1, j) >= 0:
                try:
                    escapes = self._control_escapes(i + 1, j - 1)
                except _LoneSurrogate:
                    val, j, escapes = self._tolerant_string(i, _DQ)
                self.flush(escapes, ptr)
            return val, j, _AFTER
        if c == "{" or c == "[":
            if len(self.stack) >= self.max_depth:
                message = f"nesting deeper than {self.max_depth} levels; reading stopped here"
                self.extra.append((TOO_DEEP, message, i, ptr))
                return _MISSING, i, _DONE
            return ({}, i + 1, _KEY) if c == "{" else ([], i + 1, _ELEM)
        if c in "-0123456789":
            m = _NUMBER(s, i)
            if m is not None:
                j = m.end()
                if self._boundary(j):
                    integer, frac, exp = m.groups()
                    if frac or exp:
                        return float(integer + (frac or "") + (exp or "")), j, _AFTER
                    return self._int(integer, i, ptr), j, _AFTER
        elif c in "tfn":
            for word, val in _LITERALS:
                if s.startswith(word, i):
                    j = i + len(word)
                    if self._boundary(j):
                        return val, j, _AFTER
        elif c == "'" or c in _CURLY_OPEN:
            val, j, pending = self._odd_string(i)
            self.flush(pending, ptr)
            return val, j, _AFTER
        m = _BARE(s, i)
        if m is None:
            parent = self.stack[-1].pointer if self.stack else ""
            self.issue(SYNTAX, f"unexpected {_show(c)} where a value is expected", i, parent)
            return _MISSING, i + 1, state
        return self._bare_word(m.group(), i, ptr), m.end(), _AFTER

    def _boundary(self, j: int) -> bool:
        """Does a number or literal end at j (and not go on as a bare word like `8000ms` or `true/false`)?"""
        s = self.s
        if j >= self.n:
            return True
        c = s[j]
        if c == "/":
            return s[j + 1 : j + 2] in ("/", "*")
        return c not in _WORD_TAIL

    def _duplicate(self, key: str, ptr: str, key_off: int, first: Any, later: Any) -> str:
        """Record a repeated key; the first value stays (cJSON's lookup returns the first member). Returns the
        pointer the later value is read under: a shadow one, whose positions are dropped at the end."""
        self.duplicates.append((key, ptr, self.keypos.get(ptr, key_off), key_off, first, later))
        self.replaced_container = True
        return f"{ptr}~dup{len(self.duplicates)}"  # "~d" is no RFC 6901 escape: no real pointer has it

    def _duplicate_issues(self) -> None:
        for key, ptr, first_off, key_off, first, later in self.duplicates:
            line = self.line_col(first_off)[0]
            if json_equal(first, later):
                self.issue(DUPLICATE, f"duplicate key {_show_key(key)} (first at line {line}) with the same value",
                           key_off, ptr)
            else:
                self.issue(CONFLICT, f"duplicate key {_show_key(key)} with another value than at line {line}: the "
                           "EMS (cJSON) reads the first, a strict JSON reader the last", key_off, ptr)

    def _int(self, digits: str, i: int, ptr: str) -> int | float:
        try:
            return int(digits)
        except ValueError:  # more digits than int() accepts (sys.get_int_max_str_digits)
            self.issue(SYNTAX, "number has too many digits", i, ptr)
            return float(digits)

    def _bare_word(self, word: str, i: int, ptr: str) -> Any:
        if word in _NONFINITE:
            self.issue(SYNTAX, "NaN and Infinity are not valid JSON numbers", i, ptr)
            return float(word)
        if word in _PY_BOOLS:
            self.issue(SYNTAX, f"{word} is not JSON: booleans are lowercase true and false", i, ptr)
            return _PY_BOOLS[word]
        if word in _PY_NULLS:
            self.issue(SYNTAX, f"{word} is not JSON: write null", i, ptr)
            return None
        if _NUMERIC(word):
            self.issue(
                SYNTAX,
                "malformed number: JSON numbers have no leading '+' or leading zeros and "
                "need digits on both sides of '.'",
                i,
                ptr,
            )
            try:
                return float(word) if any(ch in word for ch in ".eE") else int(word)
            except ValueError:
                return float(word)
        self.issue(
            SYNTAX, "unquoted text where a value is expected; strings must be in double quotes", i, ptr
        )
        return word

    # ------------------------------------------------------------------------------------ structure

    def _trailing_comma(self, comma: int, closer: str, frame: _Frame) -> None:
        self.issue(SYNTAX, f"trailing comma before '{closer}' is not allowed", comma, frame.pointer)

    def _mismatched(self, i: int, c: str) -> int:
        """A closer that does not close the innermost container. If an enclosing container takes it, the
        inner ones are closed (one issue); otherwise it is stray and skipped (O(1): no stack search)."""
        stack = self.stack
        if not self.open[c]:
            kind = "object" if c == "}" else "array"
            end = _CLOSER_RUN[c](self.s, i).end()
            times = f" ({end - i} times)" if end - i > 1 else ""
            self.issue(SYNTAX, f"unexpected '{c}'{times}: no {kind} is open here", i, stack[-1].pointer)
            return end
        k = len(stack) - 2
        while stack[k].closer != c:
            k -= 1
        inner = stack[-1]
        self.issue(
            SYNTAX,
            f"'{inner.closer}' missing: the {_kind(inner)} opened at {self.where(inner.opened)} "
            f"is not closed before '{c}'",
            i,
            inner.pointer,
        )
        for frame in stack[k + 1 :]:
            self.open[cast(str, frame.closer)] -= 1  # only the fragment's brace-less root has none: stack[0]
        del stack[k + 1 :]
        return i  # the enclosing container now takes the closer

    def _eof(self) -> None:
        unclosed = [f for f in self.stack if f.closer is not None]
        if not unclosed:
            return
        inner = unclosed[-1]
        more = f" ({len(unclosed) - 1} more unclosed)" if len(unclosed) > 1 else ""
        self.issue(
            SYNTAX,
            f"unexpected end of file: '{inner.closer}' missing for the {_kind(inner)} opened at "
            f"{self.where(inner.opened)}{more}",
            self._end(),
            inner.pointer,
        )

    def _skip_junk(self, i: int) -> int:
        m = _BARE(self.s, i)
        return m.end() if m else i + 1

    def _skip_balanced(self, i: int) -> int:
        s = self.s
        depth = 0
        while True:
            m = _BALANCE.search(s, i)
            if m is None:
                return self.n
            i = m.start()
            c = s[i]
            if c == '"':
                i = _DQ_STRING_END(s, i + 1).end()
                continue
            depth += 1 if c in "{[" else -1
            i += 1
            if depth <= 0:
                return i

    # ------------------------------------------------------------------------------------------ strings

    def _odd_string(self, i: int) -> tuple[str, int, _Pending]:
        """A string in single or curly quotes (a syntax error, recovered)."""
        if self.s[i] == "'":
            val, j, pending = self._tolerant_string(i, _SQ)
            pending.insert(0, (SYNTAX, "strings must use double quotes \", not single quotes '", i))
            return val, j, pending
        self._curly(i)
        return self._tolerant_string(i, _CQ)

    def _curly(self, i: int) -> None:
        self.curly += 1
        if self.first_curly < 0:
            self.first_curly = i

    def _tolerant_string(self, i: int, kind: int) -> tuple[str, int, _Pending]:
        """Read the string opened at ``i`` whatever is wrong with it; return (value, next offset, issues)."""
        s, n = self.s, self.n
        closers, search = _CLOSERS[kind], _EXTENT[kind]
        pending: _Pending = []
        j = i + 1
        while True:
            m = search(s, j)
            if m is None:
                end, resume = self._string_to_eof(i, kind, pending)
                break
            k = m.start()
            ch = s[k]
            if ch == "\\":
                j = k + 2 if k + 1 < n and s[k + 1] not in "\r\n" else k + 1
                continue
            if ch in closers:
                end, resume = k, k + 1
                break
            q = self._curly_close(i + 1, k, kind)
            if q >= 0:
                end, resume = q, q + 1
                break
            if self._closes_on_next_line(k, kind):
                pending.append((CONTROL_ESCAPE, "line break inside a string: the EMS (cJSON) reads it as part of "
                                "the value, strict JSON tools refuse the file; write it as \\n", k))
                j = k + 2 if s.startswith("\r\n", k) else k + 1
                continue
            pending.append((SYNTAX, "the string has no closing quote before the end of the line", k))
            end = resume = k
            last = len(s[i + 1 : k].rstrip(" \t")) + i + 1
            if last > i + 1 and s[last - 1] == ",":  # `"value,` then a new line: the comma is a separator
                end = resume = last - 1
            break
        return self._decode(i + 1, end, kind, pending), resume, pending

    def _curly_cut(self, i: int, j: int, followers: str) -> tuple[str, int, _Pending] | None:
        """A valid string s[i:j] that swallowed a curly closing quote: `"appKey”: "x"`. When what follows
        it is wrong and a curly quote is inside, the string is cut at that quote."""
        s = self.s
        t = _WS(s, j).end()
        if t >= self.n or s[t] in followers:
            return None
        m = _CURLY_IN.search(s, i + 1, j - 1)
        if m is None:
            return None
        q = m.start()
        self._curly(q)
        pending: _Pending = []
        return self._decode(i + 1, q, _DQ, pending), q + 1, pending

    def _string_to_eof(self, i: int, kind: int, pending: _Pending) -> tuple[int, int]:
        q = self._curly_close(i + 1, self.n, kind)
        if q >= 0:
            return q, q + 1
        pending.append((SYNTAX, "the string has no closing quote (reached the end of the file)", i))
        return self.n, self.n

    def _curly_close(self, a: int, b: int, kind: int) -> int:
        """In a straight-quoted string without its closing quote: a curly quote that ends it, or -1."""
        if kind == _CQ:
            return -1
        m = _CURLY_IN.search(self.s, a, b)
        if m is None:
            return -1
        self._curly(m.start())
        return m.start()

    def _closes_on_next_line(self, k: int, kind: int) -> bool:
        """Does the next line close the string, followed by what may follow a string (`,` `}` ...)?"""
        s, n = self.s, self.n
        closers, search = _CLOSERS[kind], _EXTENT[kind]
        j = k + 2 if s.startswith("\r\n", k) else k + 1
        while True:
            m = search(s, j)
            if m is None:
                return False
            p = m.start()
            ch = s[p]
            if ch == "\\":
                if p + 1 < n and s[p + 1] in "\r\n":
                    return False
                j = p + 2
                continue
            if ch not in closers:
                return False
            t = _SPACES(s, p + 1).end()
            return t >= n or s[t] in ",}]:\r\n/"

    def _decode(self, a: int, b: int, kind: int, pending: _Pending) -> str:
        """Decode the content s[a:b] of a tolerant string; invalid escapes are kept as literal text."""
        s = self.s
        m = _DECODE_SPECIAL.search(s, a, b)
        if m is None:
            return s[a:b]
        chunks: list[str] = []
        invalid: list[str] = []
        invalid_at = -1
        controls: list[str] = []
        control_at = -1
        raw_control_at = -1
        j = a
        while m is not None:
            k = m.start()
            chunks.append(s[j:k])
            ch = s[k]
            if ch != "\\":
                if ch not in "\r\n" and raw_control_at < 0:
                    raw_control_at = k
                    pending.append(
                        (
                            CONTROL_ESCAPE,
                            f"raw control character {_control_name(ch)} inside a string: the EMS (cJSON) reads "
                            "it as part of the value, strict JSON tools refuse the file; write it as an escape",
                            k,
                        )
                    )
                chunks.append(ch)
                j = k + 1
            else:
                e = s[k + 1] if k + 1 < b else ""
                text, j, name, is_control = self._escape(k, b, e, kind)
                chunks.append(text)
                if is_control:
                    if control_at < 0:
                        control_at = k
                    controls.append(name)
                elif name:
                    if invalid_at < 0:
                        invalid_at = k
                    if name not in invalid:
                        invalid.append(name)
            m = _DECODE_SPECIAL.search(s, j, b)
        chunks.append(s[j:b])
        if invalid:
            pending.append((INVALID_ESCAPE, _invalid_message(invalid), invalid_at))
        if controls:
            pending.append((CONTROL_ESCAPE, _control_message(controls), control_at))
        return "".join(chunks)

    def _escape(self, k: int, b: int, e: str, kind: int) -> tuple[str, int, str, bool]:
        """Escape at k: (decoded text, next offset, name if invalid or control else '', is_control)."""
        s = self.s
        if e in _SIMPLE_ESCAPES:
            control = e in _CONTROL_NAMES
            return _SIMPLE_ESCAPES[e], k + 2, "\\" + e if control else "", control
        if e == "'" and kind == _SQ:
            return "'", k + 2, "", False
        if e == "u" and k + 6 <= b and _HEX4(s, k + 2, k + 6):
            cp = int(s[k + 2 : k + 6], 16)
            j = k + 6
            if 0xD800 <= cp <= 0xDBFF and j + 6 <= b and s.startswith("\\u", j) and _HEX4(s, j + 2, j + 6):
                low = int(s[j + 2 : j + 6], 16)
                if 0xDC00 <= low <= 0xDFFF:
                    cp = 0x10000 + (((cp - 0xD800) << 10) | (low - 0xDC00))
                    j += 6
            if 0xD800 <= cp <= 0xDFFF:  # half a pair: kept as written (cJSON 1.7 refuses it, the SDK's drops it)
                return s[k:j], j, s[k:j], False
            control = 0 < cp < 0x20  # U+0000 is the reading model's (cjson_view)
            return chr(cp), j, s[k : k + 6] if control else "", control
        if not e:
            return "\\", k + 1, "\\ at the end of the string", False
        if e in "\r\n":
            return "\\", k + 1, "\\ at the end of a line", False
        return "\\", k + 1, _escape_name(e), False  # the next char follows as literal text

    def _control_escapes(self, a: int, b: int) -> _Pending | None:
        """Fast path: a valid string s[a:b] (between the quotes) that contains a backslash."""
        controls: list[str] = []
        first = -1
        paired_low = -1  # where the low half of a surrogate pair starts
        for m in _ESCAPE.finditer(self.s, a, b):
            hexa, single = m.groups()
            if single is not None:
                if single not in _CONTROL_NAMES:
                    continue
            else:
                cp = int(hexa, 16)
                if 0xD800 <= cp <= 0xDFFF:
                    if cp <= 0xDBFF and _LOW_SURROGATE(self.s, m.end(), b):
                        paired_low = m.end()
                    elif m.start() != paired_low:
                        raise _LoneSurrogate
                    continue
                if not 0 < cp < 0x20:  # U+0000 is the reading model's (cjson_view)
                    continue
            if first < 0:
                first = m.start()
            controls.append(m.group())
        if not controls:
            return None
        return [(CONTROL_ESCAPE, _control_message(controls), first)]

    # ------------------------------------------------------------------------------------ positions

    def _prune_stale_positions(self) -> None:
        """Drop positions under values that a duplicate key replaced (they are not in ``data``)."""
        alive: set[str] = set()
        todo: list[tuple[str, Any]] = [("", self.root)]
        while todo:
            ptr, val = todo.pop()
            alive.add(ptr)
            if isinstance(val, dict):
                todo.extend((_child(ptr, k), v) for k, v in val.items())
            elif isinstance(val, list):
                todo.extend((f"{ptr}/{idx}", v) for idx, v in enumerate(val))
        self.pos = {p: o for p, o in self.pos.items() if p in alive}
        self.keypos = {p: o for p, o in self.keypos.items() if p in alive}


# ----------------------------------------------------------------------------------------------- helpers


def _child(parent: str, key: str) -> str:
    if "~" in key or "/" in key:  # rare: the common key goes without a call
        key = escape_token(key)
    return f"{parent}/{key}"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _kind(frame: _Frame) -> str:
    return "object" if frame.is_obj else "array"


def _show(c: str) -> str:
    """A character for a message: punctuation as itself, anything that may be part of a value generically."""
    if "!" <= c <= "~" and not c.isalnum():
        return f"'{c}'"
    if c.isalnum():
        return "text"
    return _char_name(c)


def _char_name(c: str) -> str:
    names = {
        "\xa0": "no-break space",
        "\ufeff": "byte order mark",
        "\u200b": "zero-width space",
        "\x0b": "vertical tab",
        "\x0c": "form feed",
        "\u3000": "ideographic space",
    }
    name = names.get(c)
    return f"U+{ord(c):04X} ({name})" if name else f"U+{ord(c):04X}"


def _control_name(c: str) -> str:
    return {"\t": "U+0009 (tab)"}.get(c, f"U+{ord(c):04X}")


def _show_key(key: str) -> str:
    text = key if len(key) <= 60 else key[:57] + "..."
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return f'"{text}"'


def _escape_name(e: str) -> str:
    return f"\\{e}" if e.isprintable() and not e.isspace() else f"\\ followed by U+{ord(e):04X}"


def _invalid_message(names: list[str]) -> str:
    listed = ", ".join(names)
    lone = [name for name in names if len(name) == 6 and name.startswith("\\u")]
    if lone and len(lone) == len(names):
        return (
            f"escape {listed} is half of a UTF-16 surrogate pair, without its other half (read as written): cJSON "
            "1.7 refuses the file, older cJSON drops the escape; write the character itself or the whole pair"
        )
    return (
        f"invalid escape {listed} in a string (read with the backslash kept); JSON allows only "
        '\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX; in a Windows path write \\\\ or /'
    )


def _control_message(names: list[str]) -> str:
    first = names[0]
    name = _CONTROL_NAMES.get(first[1])
    what = f"a {name} control character" if name else f"the control character U+{first[2:].upper()}"
    others = sorted(set(names[1:]) - {first})
    also = f" (also {', '.join(others)})" if others else ""
    return (
        f"escape {first} decodes to {what}{also}; "
        "if a backslash was meant (a Windows path like c:\\folder), write \\\\ or /"
    )
