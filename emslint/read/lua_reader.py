"""Static reader for ``config.lua``: the ``scripts`` table as Lua 5.1 would build it, never running it.

The chunk is parsed with the full Lua grammar (5.1 plus the 5.2-5.4 additions, so any valid file parses) and
evaluated statically, statement by statement, in a model of Lua 5.1:

* Known values: nil, booleans, numbers (doubles), strings (bytes), tables built by constructors (by
  reference: ``local s = scripts; s.x = 1`` and ``{scripts}[1].x`` reach ``scripts``), functions the file
  defines, and what ``local``s, globals and table fields hold. The globals are a table too: ``_G.scripts``,
  ``_G["scripts"]``, ``getfenv()`` and ``getfenv(1)`` are the environment, as in Lua. ``rawset(t, k, v)`` with a
  known table and key is an assignment. Operators are evaluated as Lua 5.1 does (``..`` formats numbers
  with ``%.14g``, arithmetic converts numeric strings, ``or``/``and`` follow Lua truthiness).
* Everything else is "not statically known" (``Unknown``): function results, varargs, parameters, loop
  variables, globals the file never assigns, values assigned inside ``if``/loops/function bodies, after a
  conditional ``return`` or after a ``goto``/label. Such a ``scripts`` value is left out of ``data`` and
  listed in ``unknown[pointer] = reason`` (its positions are still given). ``do ... end`` blocks run once, so
  they are evaluated.

Writes the reader cannot follow (conservative: when in doubt, unknown):

* An assignment through a value that is not statically known and may be a table (``s.rap_ssl = x`` where
  ``s`` was set in an ``if``, a loop variable, a function result or parameter, an unknown global): key
  ``rap_ssl`` of every table may change, from then on (inside a function body: for good). A computed key
  (``t[k] = v``, ``rawset(t, k, v)``, ``{[k] = v}``) may change any key of that table, or of every table.
* A call of anything but a function the file defines or a standard function that cannot run code or change a
  table (``lua_builtins``): ``dofile``, ``require``, ``loadstring(...)()``, ``setmetatable``, ``setfenv``,
  ``pcall``, a global the file never assigns ...: it may run any code, so every value of every table that
  exists is unknown from then on, ``scripts`` included (even keys the file never sets).
* Loops and function bodies run any number of times, function bodies at any later time: inside them, a
  variable or field from outside whose name the file assigns anywhere (``_assignable_keys``, a syntactic
  over-approximation) is read as unknown, so that a later iteration cannot be missed.
* ``goto`` and labels (Lua 5.1 refuses them; 5.2+ may skip or repeat statements): everything after the first
  one is treated like a loop body whose statements may not run.

Each such statement is an ``UnresolvedWrite`` in ``ReadResult.unresolved_writes`` (its position, the
construct, the pointers it may change or ``None`` for any key of ``scripts``) when it may reach ``scripts``;
the pointers it changes are in ``unknown``.

Output conventions:

* ``data == {"scripts": {...}}``; tables become dicts, or lists when their keys are exactly 1..n (n >= 1).
  Pointers use 0-based indices for list items (``/scripts/T/tags/0`` is Lua's ``tags[1]``); an unknown list
  item is ``None`` in the list and listed in ``unknown``. Non-string keys become strings (``[2.5]`` ->
  ``"2.5"``, ``[true]`` -> ``"true"``); a string key wins over another key with the same text.
  Numbers are ``int`` when integral (below 2**53), else ``float``. Strings are the Lua bytes decoded as
  UTF-8 with ``errors="surrogateescape"`` (so ``"\\200"``, the byte 0xC8, gives ``"\\udcc8"``;
  ``.encode("utf-8", "surrogateescape")`` restores the bytes).
* ``positions[pointer]`` is the first token of the value expression of the last assignment (for a key removed
  by ``= nil``, of that ``nil``), ``key_positions[pointer]`` the key (``rap_ssl`` in ``scripts.rap_ssl``,
  ``file`` in ``{file = ...}``, the key expression of ``[k] = ...``, the value itself for list items).
  ``positions[""]`` is (1, 1).
* ``comments``: every comment as (line, text without ``--`` or the long brackets).

Issues (messages name keys, escapes and Lua tokens, never a string value of the file nor a name of a global
it reads): ``lua-syntax-error`` (Lua-style message at the offending token; reading resumes at the next line
starting with ``scripts`` or ``local``), ``lua-invalid-escape``, ``lua-control-escape``, ``lua-not-static``,
``lua-or-expression``, ``lua-too-deep``, ``lua-too-large``, ``lua-bom``. At most ``MAX_ISSUES`` are listed,
then one ``lua-syntax-error`` "... and N more problems". ``fatal`` (and ``data is None``) only when a syntax
error left nothing usable.

Bounded work: nesting is counted as Lua 5.1 does (each block and each sub-expression is a level, the main
chunk is level 1); Lua 5.1 refuses more than about 200 levels, so ``max_depth`` defaults to 200. Computed
strings share a budget of ``MAX_COMPUTED_BYTES`` (``s = s .. s`` forty times is not built), the data built
for ``scripts`` at most ``MAX_MEMBERS`` values (a table shared many times is not copied without end), and the
pointers listed for writes through unknown tables at most ``MAX_POINTER_CHECKS`` checks; past a cap a value
is unknown and ``lua-too-large`` says so. No input can cause a ``RecursionError`` or any other exception.
"""

from __future__ import annotations

import math
import re
import sys
from bisect import bisect_right
from typing import Any, Literal, NoReturn, TypeVar

from emslint.pointers import split as pointer_tokens
from emslint.read.lua_builtins import (
    FILE_METHODS,
    ITERATOR_OF,
    ITERATORS,
    LIBRARY_TABLES,
    PURE_ALIAS,
    PURE_OPAQUE,
    STRING_METHODS,
    shown_name,
)
from emslint.read.lua_lexer import Note, Token, tokenize
from emslint.read.result import ReadIssue, ReadResult, UnresolvedWrite, escape_pointer_token

MAX_ISSUES = 50
MAX_COMPUTED_BYTES = 4 * 1024 * 1024  # all strings built by '..' in one file, together
MAX_MEMBERS = 50_000  # values built into data["scripts"]
MAX_POINTER_CHECKS = 20_000  # (table, key) pairs checked for writes through unknown tables

SYNTAX = "lua-syntax-error"
NOT_STATIC = "lua-not-static"
OR_EXPRESSION = "lua-or-expression"
TOO_DEEP = "lua-too-deep"
TOO_LARGE = "lua-too-large"
BOM = "lua-bom"

_BINARY = {
    "or": (1, 1),
    "and": (2, 2),
    "<": (3, 3),
    ">": (3, 3),
    "<=": (3, 3),
    ">=": (3, 3),
    "~=": (3, 3),
    "==": (3, 3),
    "|": (4, 4),
    "~": (5, 5),
    "&": (6, 6),
    "<<": (7, 7),
    ">>": (7, 7),
    "..": (9, 8),
    "+": (10, 10),
    "-": (10, 10),
    "*": (11, 11),
    "/": (11, 11),
    "//": (11, 11),
    "%": (11, 11),
    "^": (14, 13),
}
_UNARY_PRIORITY = 12
_UNARY = frozenset(("not", "-", "#", "~"))
_BLOCK_FOLLOW = frozenset(("else", "elseif", "end", "eof", "until"))
_ARITH = frozenset(("+", "-", "*", "/", "//", "%", "^"))
_BITWISE = frozenset(("|", "~", "&", "<<", ">>"))
_ORDER = frozenset(("<", ">", "<=", ">="))
_C_SPACE = b" \t\n\v\f\r"
# One way only to split the digits (an optional part after a mandatory run): "[0-9]+\.?[0-9]*" backtracked
# quadratically on a long digit string that ends badly ("0xfff...g" + 1).
_STRTOD = re.compile(
    rb"[+-]?(?:0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    rb"|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)",
    re.IGNORECASE,
)

_GLOBAL_REASON = "a global variable (not assigned in this file)"
_FUNCTION_REASON = "assigned inside a function"
_GOTO_REASON = "assigned after a goto or label (Lua 5.1 refuses goto; Lua 5.2 and later may skip or repeat it)"
_VARYING_REASON = "read inside a loop or function body, where it may differ from run to run"


class Unknown:
    """A value emslint cannot know without running the file.

    ``alias``: it may be (or lead to) a table that exists, so a write through it may change ``scripts``;
    False for values that are never such a table (numbers, strings, booleans, library functions).
    ``prior``: for a table variable assigned under a condition, the table it held before.
    """

    __slots__ = ("alias", "prior", "reason")

    def __init__(self, reason: str, alias: bool = True, prior: object = None) -> None:
        self.reason = reason
        self.alias = alias
        self.prior = prior


class LFunction(Unknown):
    """A function defined in the file: calling it runs only code the reader has read (its body)."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("a function", alias=False)


class Builtin(Unknown):
    """A global the file never assigned (a standard library value while the file leaves it alone)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__(_GLOBAL_REASON, alias=not (name in PURE_OPAQUE or name in PURE_ALIAS or name in ITERATORS))
        self.name = name


class _Write:
    """A statement whose effect on tables the reader cannot follow (becomes an ``UnresolvedWrite``)."""

    __slots__ = ("column", "line", "pointers", "reason", "why")

    def __init__(self, reason: str, why: str, at: tuple[int, int], any_key: bool) -> None:
        self.reason = reason  # the construct, for the report
        self.why = why  # the reason of the values it makes unknown
        self.line, self.column = at
        self.pointers: set[str] | None = None if any_key else set()

    def touch(self, pointer: str | None) -> None:
        """It may change ``pointer`` (None: any key of scripts)."""
        if pointer is None:
            self.pointers = None
        elif self.pointers is not None:
            self.pointers.add(pointer)


class Slot:
    """Where a value lives (a local, a global, a table field), with its positions and notes.

    ``seq``: the reader's clock when it was assigned (later unresolved writes may change it); ``born``: when a
    local was declared; ``origin``: the unresolved write that made its value unknown; ``sticky``: a local that a
    function body assigns, unknown for good."""

    __slots__ = ("born", "kpos", "level", "notes", "origin", "seq", "sticky", "value", "vpos")

    def __init__(
        self,
        value: object,
        vpos: tuple[int, int],
        kpos: tuple[int, int],
        notes: tuple[Note, ...],
        level: int,
        seq: int = 0,
    ) -> None:
        self.value = value
        self.vpos = vpos
        self.kpos = kpos
        self.notes = notes
        self.level = level
        self.seq = seq
        self.born = seq
        self.origin: _Write | None = None
        self.sticky: str | None = None


class LTable:
    __slots__ = (
        "any_event",
        "born",
        "cleared",
        "dynamic",
        "dynamic_pos",
        "entries",
        "env",
        "level",
        "root",
        "sticky_any",
        "sticky_keys",
    )

    def __init__(self, level: int, born: int, root: bool = False, env: bool = False) -> None:
        self.entries: dict[object, Slot] = {}
        self.level = level  # block level where the table was created
        self.born = born  # the reader's clock when it was created
        self.dynamic: str | None = None  # why its list part may differ from what was read
        self.dynamic_pos = (1, 1)
        self.root = root  # the initial scripts table: reading a missing key is not "nil"
        self.env = env  # the globals: a missing key is a global the file never assigned
        # key -> (clock, value position, key position) of its last "= nil" (positions of absent keys)
        self.cleared: dict[object, tuple[int, tuple[int, int], tuple[int, int]]] = {}
        self.any_event: tuple[int, _Write] | None = None  # a write with a computed key, at that clock
        self.sticky_any: _Write | None = None  # ... inside a function body: any time
        self.sticky_keys: dict[object, _Write] = {}  # keys a function body assigns


# Undo log entries: a slot's fields as they were, or a scope's / table's entry as it was (None: absent).
_Undo = (
    tuple[Literal["slot"], Slot, None, tuple[object, tuple[int, int], tuple[int, int], tuple[Note, ...]]]
    | tuple[Literal["map"], dict[Any, Slot], object, Slot | None]
)


class _Ref:
    """What a suffixed expression denotes: a local, a table field (globals are fields of the environment),
    or a plain value."""

    __slots__ = ("base", "key", "kind", "kpos", "name", "path", "ptr", "slot", "value")

    def __init__(
        self,
        kind: str,
        *,
        value: object = None,
        name: str = "",
        slot: Slot | None = None,
        base: object = None,
        key: object = None,
        kpos: tuple[int, int] = (0, 0),
        path: str | None = None,
        ptr: str | None = None,
    ) -> None:
        self.kind = kind  # "local", "index", "value", "call"
        self.value = value
        self.name = name
        self.slot = slot
        self.base = base
        self.key = key
        self.kpos = kpos
        self.path = path  # dotted name for messages (os.getenv), None when not a plain name chain
        self.ptr = ptr  # JSON pointer when rooted at the scripts global with static string keys


class _Abort(Exception):
    """A syntax error (already recorded): leave the statement and resynchronise."""


# Boolean table keys, kept apart from the numbers 1 and 0 (True == 1 in Python).
_TRUE_KEY = ("bool", True)
_FALSE_KEY = ("bool", False)


def read_lua(text: str, *, max_depth: int = 200, had_bom: bool = False) -> ReadResult:
    """Read a ``config.lua`` text statically. ``had_bom``: the caller stripped a UTF-8 BOM. Never raises."""
    needed = max_depth * 8 + 1000
    old_limit = sys.getrecursionlimit()
    if old_limit < needed:
        sys.setrecursionlimit(needed)
    try:
        return _Reader(text, max_depth).run(had_bom)
    except RecursionError:  # pragma: no cover - the depth cap makes this unreachable
        issue = ReadIssue(TOO_DEEP, "nesting too deep to read", 1, 1)
        return ReadResult(data=None, issues=[issue], fatal=True)
    finally:
        if old_limit < needed and sys.getrecursionlimit() == needed:
            sys.setrecursionlimit(old_limit)


def _assignable_keys(toks: list[Token], text: str) -> tuple[frozenset[object], bool]:
    """Names and keys the file may assign anywhere, read from the tokens: a name or a literal bracket key
    before ``=`` or ``,`` (assignment targets, also arguments: an over-approximation), the names of function
    statement. True with them: a computed key is assigned somewhere (``t[k] =``, ``rawset`` in ``text``)."""
    keys: set[object] = set()
    any_key = "rawset" in text
    last = len(toks) - 1
    kinds = [tok.kind for tok in toks]
    for i in [i for i, kind in enumerate(kinds) if kind in _ASSIGN_MARKS]:
        if kinds[i] == "function":  # function a.b:c() assigns c (a field of a.b)
            j = i + 1
            while j < last and kinds[j] == "name" and kinds[j + 1] in (".", ":"):
                j += 2
            if kinds[j] == "name":
                name: str = toks[j].value
                keys.add(name.encode())
            continue
        if i == 0:
            continue
        before = kinds[i - 1]
        if before == "name":
            name = toks[i - 1].value
            keys.add(name.encode())
        elif before == "]":
            literal = toks[i - 2] if i >= 3 and kinds[i - 3] == "[" else None
            if literal is not None and literal.kind in ("string", "number"):
                keys.add(literal.value)
            elif literal is not None and literal.kind in ("true", "false"):
                keys.add(_TRUE_KEY if literal.kind == "true" else _FALSE_KEY)
            else:
                any_key = True
    return frozenset(keys), any_key


_ASSIGN_MARKS = frozenset(("=", ",", "function"))


def _construct(reason: str) -> str:
    """The statement behind a reason: "assigned inside an if block" -> "an assignment inside an if block"."""
    return "an assignment " + reason.removeprefix("assigned ")


class _Reader:
    def __init__(self, text: str, max_depth: int) -> None:
        """Tokenize ``text`` and set up the interpreter state of the static evaluation (globals, scopes, depth
        limit)."""
        lexed = tokenize(text)
        self.text = text
        self.toks: list[Token] = lexed.tokens
        self.comments = lexed.comments
        self.i = 0
        self.tok = self.toks[0]
        self.max_depth = max_depth
        self.issues: list[ReadIssue] = [ReadIssue(SYNTAX, msg, line, col) for msg, line, col in lexed.errors]
        self.syntax_errors = len(lexed.errors)
        self.or_notes: list[Note] = []
        self.notes: list[Note] = []  # notes of the expression being evaluated
        self.multi = False  # the last expression was a call or '...' (may yield several values)
        # The environment: globals are its fields; _G is the environment itself.
        self.env = LTable(0, 0, env=True)
        self.env.entries[b"scripts"] = Slot(LTable(0, 0, root=True), (1, 1), (1, 1), (), 0)
        self.env.entries[b"_G"] = Slot(self.env, (1, 1), (1, 1), (), 0)
        self.loose: dict[str, tuple[str, tuple[int, int], tuple[int, int]]] = {}
        self.unwound = 0  # blocks left open by syntax errors (their closers are skipped quietly)
        self.stmt_start = 0  # token index where the current top-level statement began
        self.prev_start = 0  # ... and the one before it
        self.last_restart = -1
        # Undo logs of the current and the previous top-level statement, so that recovery can take back
        # a statement that swallowed the next line ("scripts.a =" followed by "scripts.b = 1").
        self.undo: list[_Undo] = []
        self.prev_undo: list[_Undo] = []
        self.dead = False  # after an unconditional return of the main chunk: nothing runs any more
        self.ret_reason: str | None = None  # after a conditional return of the main chunk
        self.ret_since = 0  # the clock at the first one
        self.scopes: list[dict[str, Slot]] = [{}]
        # Writes the reader cannot follow. The clock orders them against assignments (Slot.seq) and table
        # creation (LTable.born): it ticks at every such write and at the start of every loop or function body.
        self.clock = 0
        self.writes: dict[tuple[tuple[int, int], str], _Write] = {}  # (position, construct) -> its write
        self.key_events: dict[object, tuple[int, _Write]] = {}  # key -> last write to it through an unknown table
        self.any_event: tuple[int, _Write] | None = None  # last write with a computed key through one
        self.sticky_keys: dict[object, _Write] = {}  # keys function bodies assign through unknown tables
        self.sticky_any: _Write | None = None  # code the reader cannot see may run: nothing is certain any more
        self.goto_since: int | None = None  # clock of the first goto or label of the main chunk
        self.assignable, self.assignable_any = _assignable_keys(self.toks, text)
        self.events = False  # any unresolved write so far (a shortcut for _cause)
        self.string_budget = MAX_COMPUTED_BYTES
        self.pointer_checks = MAX_POINTER_CHECKS
        self._reset()

    def _reset(self) -> None:
        """Back to the top level of the main chunk (start, and after a syntax error)."""
        del self.scopes[1:]
        self.level = 0
        self.depth = 1  # the main chunk
        # The conditional blocks (if, loops, function bodies) open here, outermost first: the clock when they
        # began, and why an assignment inside them to a variable or table made before may not happen (or may
        # happen again).
        self.cond_since: list[int] = []
        self.cond_reasons: list[str] = []
        self.varargs = [True]  # the main chunk is a vararg function
        self.notes = []
        self.blind_since: int | None = None  # clock at the start of the innermost loop or function body
        self.function_depth = 0
        self.function_since = 0  # clock at the start of the innermost function body

    # ----------------------------------------------------------------------------------------- driver

    def run(self, had_bom: bool) -> ReadResult:
        if had_bom:
            self.issues.append(
                ReadIssue(
                    BOM,
                    "the file starts with a UTF-8 byte order mark; Lua 5.1 refuses to load it "
                    "(Lua 5.4 skips it); save the file as UTF-8 without BOM",
                    1,
                    1,
                )
            )
        while True:
            try:
                self._chunk()
                break
            except _Abort:
                self._recover()
        return self._result()

    def _chunk(self) -> None:
        while self.tok.kind != "eof":
            self.notes.clear()
            self.prev_undo, self.undo = self.undo, []
            self.prev_start, self.stmt_start = self.stmt_start, self.i
            if self.tok.kind in _BLOCK_FOLLOW:
                if self.unwound > 0:  # the closer of a block left open by an earlier error
                    self.unwound -= self.tok.kind in ("end", "until")
                    self._go_to(self._next_restart(self.i + 1))
                    continue
                self._error(f"'<eof>' expected near {self._near()}")
            if self._statement() and self.tok.kind != "eof":
                self._error(f"'<eof>' expected near {self._near()}")

    def _recover(self) -> None:
        """Resynchronise after a syntax error at the next line that starts with ``scripts`` or ``local``."""
        self.unwound += self.level
        self._reset()
        toks = self.toks
        i = self.i
        line_start = i
        while line_start > 0 and not toks[line_start].first:
            line_start -= 1
        if (
            self.prev_start < line_start < self.stmt_start
            and line_start > self.last_restart
            and self._restart_at(toks[line_start])
        ):
            # the previous statement swallowed the start of this line: take it back, read the line again
            self._undo(self.prev_undo)
            target = line_start
        elif i > self.stmt_start and i > self.last_restart and self._restart_at(toks[i]):
            target = i
        else:
            target = self._next_restart(i + 1)
        self.last_restart = target
        self._go_to(target)

    def _next_restart(self, i: int) -> int:
        toks = self.toks
        last = len(toks) - 1
        while i < last and not self._restart_at(toks[i]):
            i += 1
        return min(i, last)

    def _go_to(self, i: int) -> None:
        self.i = i
        self.tok = self.toks[i]

    def _undo(self, log: list[_Undo]) -> None:
        for entry in reversed(log):
            if entry[0] == "slot":
                _, slot, _, fields = entry
                slot.value, slot.vpos, slot.kpos, slot.notes = fields
            else:
                _, container, key, old = entry
                if old is None:
                    container.pop(key, None)
                else:
                    container[key] = old
        log.clear()

    @staticmethod
    def _restart_at(tok: Token) -> bool:
        return tok.first and (tok.kind == "local" or (tok.kind == "name" and tok.value == "scripts"))

    # ------------------------------------------------------------------------------------ token helpers

    def _next(self) -> Token:
        tok = self.tok
        self.i += 1
        self.tok = self.toks[self.i]
        return tok

    def _near(self, tok: Token | None = None) -> str:
        tok = tok or self.tok
        kind = tok.kind
        if kind == "eof":
            return "<eof>"
        if kind == "string":
            return "<string>"
        if kind in ("name", "number"):
            # luac quotes the token; a bare word here may be an unquoted password, so only its kind is shown.
            return f"<{kind}>"
        if len(kind) == 1 and not kind.isprintable():
            return f"'char({ord(kind)})'"
        return f"'{kind}'"

    def _error(self, message: str, tok: Token | None = None) -> NoReturn:
        tok = tok or self.tok
        if tok.kind != "error":  # lexical errors were recorded by the lexer
            self.issues.append(ReadIssue(SYNTAX, message, tok.line, tok.col))
            self.syntax_errors += 1
        raise _Abort

    def _check(self, kind: str) -> Token:
        if self.tok.kind != kind:
            self._error(f"'{kind}' expected near {self._near()}")
        return self._next()

    def _check_match(self, what: str, who: str, line: int) -> None:
        if self.tok.kind == what:
            self._next()
            return
        if line == self.tok.line:
            self._error(f"'{what}' expected near {self._near()}")
        self._error(f"'{what}' expected (to close '{who}' at line {line}) near {self._near()}")

    def _name(self) -> Token:
        if self.tok.kind != "name":
            self._error(f"'<name>' expected near {self._near()}")
        return self._next()

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            tok = self.tok
            self.issues.append(
                ReadIssue(
                    TOO_DEEP,
                    f"nesting deeper than {self.max_depth} levels (tables, parentheses, operators, "
                    "blocks); Lua 5.1 refuses such a file (chunk has too many syntax levels); the "
                    "statement is not read",
                    tok.line,
                    tok.col,
                )
            )
            raise _Abort

    def _tick(self) -> int:
        self.clock += 1
        return self.clock

    def _region(self) -> int | None:
        """Enter a loop body: reads of outer values the file assigns anywhere become unknown."""
        saved = self.blind_since
        self.blind_since = self._tick()
        return saved

    # --------------------------------------------------------------------------------------- statements

    def _statement(self) -> bool:
        """Parse one statement; True if it was a ``return`` (which must end its block)."""
        kind = self.tok.kind
        if kind == ";":
            self._next()
        elif kind == "if":
            self._if()
        elif kind == "while":
            line = self._next().line
            saved = self._region()  # the condition is evaluated before every iteration
            self._expr()
            self._check("do")
            self._block("assigned inside a while loop")
            self._check_match("end", "while", line)
            self.blind_since = saved
        elif kind == "do":
            line = self._next().line
            self._block(None)
            self._check_match("end", "do", line)
        elif kind == "for":
            self._for()
        elif kind == "repeat":
            self._repeat()
        elif kind == "function":
            self._function_stat()
        elif kind == "local":
            self._next()
            if self.tok.kind == "function":
                self._local_function()
            else:
                self._local()
        elif kind == "return":
            self._return()
            return True
        elif kind == "break":
            self._next()
        elif kind == "::":
            self._goto_seen()
            self._next()
            self._name()
            self._check("::")
        elif kind == "name" and self.tok.value == "goto" and self.toks[self.i + 1].kind == "name":
            self._goto_seen()
            self._next()
            self._next()
        else:
            self._expr_statement()
        return False

    def _goto_seen(self) -> None:
        """A goto or label of the main chunk: what follows may be skipped or repeated (Lua 5.2+)."""
        if self.goto_since is None and len(self.varargs) == 1 and not self.dead:
            self.goto_since = self._tick()

    def _block(
        self,
        reason: str | None,
        params: list[Token] | None = None,
        param_reason: str = "a function parameter",
        param_alias: bool = True,
    ) -> None:
        self._enter()
        self.level += 1
        scope: dict[str, Slot] = {}
        self.scopes.append(scope)
        if reason is not None:
            self.cond_since.append(self._tick())
            self.cond_reasons.append(reason)
        for tok in params or ():
            pos = (tok.line, tok.col)
            param: str = tok.value
            scope[param] = Slot(Unknown(param_reason, param_alias), pos, pos, (), self.level, self.clock)
        while self.tok.kind not in _BLOCK_FOLLOW:
            if self._statement():
                break
        if reason is not None:
            self.cond_since.pop()
            self.cond_reasons.pop()
        self.scopes.pop()
        self.level -= 1
        self.depth -= 1

    def _if(self) -> None:
        line = self._next().line
        self._expr()
        self._check("then")
        self._block("assigned inside an if block")
        while self.tok.kind == "elseif":
            self._next()
            self._expr()
            self._check("then")
            self._block("assigned inside an if block")
        if self.tok.kind == "else":
            self._next()
            self._block("assigned inside an if block")
        self._check_match("end", "if", line)

    def _for(self) -> None:
        """A numeric or generic `for` loop: its body runs at most in the reader's imagination, so what it assigns
        becomes unknown."""
        for_tok = self._next()
        line = for_tok.line
        names = [self._name()]
        numeric = self.tok.kind == "="
        if numeric:
            self._next()
            self._expr()
            self._check(",")
            self._expr()
            if self.tok.kind == ",":
                self._next()
                self._expr()
        elif self.tok.kind in (",", "in"):
            while self.tok.kind == ",":
                self._next()
                names.append(self._name())
            self._check("in")
            iterator = self._expr_list()[0][0]
            # the generic for calls its iterator before every iteration
            if not isinstance(iterator, LFunction) and not (
                isinstance(iterator, Builtin) and iterator.name in ITERATORS
            ):
                at = (for_tok.line, for_tok.col)
                self._code("a generic for loop over an iterator that is not statically known", at)
        else:
            self._error(f"'=' or 'in' expected near {self._near()}")
        self._check("do")
        saved = self._region()
        self._block("assigned inside a for loop", names, "a loop variable", param_alias=not numeric)
        self.blind_since = saved
        self._check_match("end", "for", line)

    def _repeat(self) -> None:
        line = self._next().line
        saved_region = self._region()
        # the 'until' condition sees the block's locals, so it is parsed inside the block's scope
        self._enter()
        self.level += 1
        self.scopes.append({})
        self.cond_since.append(self._tick())
        self.cond_reasons.append("assigned inside a repeat loop")
        while self.tok.kind not in _BLOCK_FOLLOW:
            if self._statement():
                break
        self._check_match("until", "repeat", line)
        self._expr()
        self.cond_since.pop()
        self.cond_reasons.pop()
        self.scopes.pop()
        self.level -= 1
        self.depth -= 1
        self.blind_since = saved_region

    def _function_stat(self) -> None:
        line = self._next().line
        first = self._name()
        ref = self._variable(first)
        method = False
        while self.tok.kind in (".", ":"):
            method = self._next().kind == ":"
            key_tok = self._name()
            ref = self._field(ref, key_tok)
            if method:
                break
        value = self._function_body(line, method)
        at = (first.line, first.col)
        self._assign(ref, value, at, (), at)

    def _local_function(self) -> None:
        line = self._next().line
        name = self._name()
        slot = Slot(None, (name.line, name.col), (name.line, name.col), (), self.level, self.clock)
        local: str = name.value
        self.scopes[-1][local] = slot
        value = self._function_body(line, False)
        reason = self._conditional(self.level, self.clock)
        slot.value = Unknown(reason) if reason is not None else value

    def _function_body(self, line: int, method: bool) -> LFunction:
        """A function's parameters and body, read but not run: a later call makes what it writes unknown."""
        params: list[Token] = []
        if method:
            params.append(Token("name", "self", 0, 0, line, 1))
        self._check("(")
        vararg = False
        if self.tok.kind != ")":
            while True:
                if self.tok.kind == "name":
                    params.append(self._next())
                elif self.tok.kind == "...":
                    self._next()
                    vararg = True
                    break
                else:
                    self._error(f"<name> or '...' expected near {self._near()}")
                if self.tok.kind != ",":
                    break
                self._next()
        self._check(")")
        saved = self.blind_since, self.function_since
        # A function body runs only when (if ever) the function is called, maybe many times, maybe later:
        # what it assigns outside is unknown for good, what it reads from outside may have changed.
        self.function_depth += 1
        self.blind_since = self.function_since = self._tick()
        self.cond_since.append(self.function_since)
        self.cond_reasons.append(_FUNCTION_REASON)
        self.varargs.append(vararg)
        self._block(None, params)
        self.varargs.pop()
        self.function_depth -= 1
        self.blind_since, self.function_since = saved
        self.cond_since.pop()
        self.cond_reasons.pop()
        self._check_match("end", "function", line)
        return LFunction()

    def _local(self) -> None:
        names = []
        while True:
            names.append(self._name())
            if self.tok.kind == "<":
                self._next()
                attrib = self._name()
                if attrib.value not in ("const", "close"):
                    self._error(f"unknown attribute '{attrib.value}'", attrib)
                self._check(">")
            if self.tok.kind != ",":
                break
            self._next()
        values: list[tuple[object, tuple[int, int], tuple[Note, ...]]] = []
        if self.tok.kind == "=":
            self._next()
            values = self._expr_list(len(names))
        scope = self.scopes[-1]
        for index, name in enumerate(names):
            value, vpos, notes = values[index] if index < len(values) else (None, (name.line, name.col), ())
            if self.dead:
                value = Unknown("never assigned (after a return)")
            local: str = name.value
            self.undo.append(("map", scope, local, scope.get(local)))
            scope[local] = Slot(value, vpos, (name.line, name.col), notes, self.level, self.clock)

    def _return(self) -> None:
        self._next()
        if self.tok.kind not in _BLOCK_FOLLOW and self.tok.kind != ";":
            self._expr_list()
        if self.tok.kind == ";":
            self._next()
        if len(self.varargs) == 1:  # a return of the main chunk
            if not self.cond_since and self.goto_since is None:
                self.dead = True
            else:
                if self.ret_reason is None:
                    self.ret_reason, self.ret_since = "assigned after a conditional return", self._tick()

    def _expr_statement(self) -> None:
        first = self.tok
        ref = self._suffixed()
        if ref.kind == "call":  # a call statement (in "f() = 1" the '=' then starts a bad statement)
            return
        targets = [(ref, first)]
        while True:
            if targets[-1][0].kind not in ("local", "index"):
                self._error(f"syntax error near {self._near()}")
            if self.tok.kind != ",":
                break
            self._next()
            tok = self.tok
            targets.append((self._suffixed(), tok))
        self._check("=")
        values = self._expr_list(len(targets))
        # Lua 5.1 stores the last target first, so with a repeated target the first assignment wins.
        for index in range(len(targets) - 1, -1, -1):
            target, tok = targets[index]
            value, vpos, notes = values[index] if index < len(values) else (None, (tok.line, tok.col), ())
            self._assign(target, value, vpos, notes, (tok.line, tok.col))

    def _expr_list(self, wanted: int = 0) -> list[tuple[object, tuple[int, int], tuple[Note, ...]]]:
        """Evaluate ``exp {, exp}``; a trailing call or '...' fills the remaining ``wanted`` values."""
        values = []
        while True:
            mark = len(self.notes)
            tok = self.tok
            value = self._expr()
            notes = tuple(self.notes[mark:])
            del self.notes[mark:]
            values.append((value, (tok.line, tok.col), notes))
            if self.tok.kind != ",":
                break
            self._next()
        if self.multi and len(values) < wanted:
            value, vpos, notes = values[-1]
            values.extend((value, vpos, ()) for _ in range(wanted - len(values)))
        return values

    # --------------------------------------------------------------------- writes the reader cannot follow

    def _write(self, construct: str, why: str, at: tuple[int, int], any_key: bool = False) -> _Write:
        key = (at, construct)
        write = self.writes.get(key)
        if write is None:
            write = self.writes[key] = _Write(construct, why, at, any_key)
        return write

    def _wild(self, key: object, construct: str, at: tuple[int, int]) -> None:
        """A write to ``key`` of a table the reader cannot identify: that key of every table may change (any
        key if ``key`` is not a known string)."""
        if self.dead or self.sticky_any is not None:
            return
        if self._in_region() and not (isinstance(key, bytes) and key in self.assignable):
            # the environment and the library tables are read as stable inside loops and function bodies
            # unless the file assigns that name somewhere: a write the token scan did not see breaks that
            self._code(f"{construct} inside a loop or function body", at, "it may change any value")
            return
        self.events = True
        if isinstance(key, bytes):
            write = self._write(construct, f"{construct} on line {at[0]} may change it", at)
            if self.function_depth:
                self.sticky_keys.setdefault(key, write)
            else:
                self.key_events[key] = (self._tick(), write)
            return
        construct += ", with a key that is not a known string"
        write = self._write(construct, f"{construct} on line {at[0]} may change it", at, any_key=True)
        if self.function_depth:
            self.sticky_any = write
        else:
            self.any_event = (self._tick(), write)

    def _table_any(self, table: LTable, construct: str, at: tuple[int, int]) -> None:
        """A write with a computed key to a known table: any key of that table may change."""
        if self.dead or self.sticky_any is not None:
            return
        if table.env and self._in_region():
            self._code(f"{construct} to the globals inside a loop or function body", at, "it may change any value")
            return
        self.events = True
        write = self._write(construct, f"{construct} on line {at[0]} may change it", at)
        if self.function_depth and table.born < self.function_since:
            if table.sticky_any is None:
                table.sticky_any = write
        else:
            table.any_event = (self._tick(), write)

    def _code(self, construct: str, at: tuple[int, int], effect: str = "it may run any code") -> None:
        """Code the reader cannot see may run here: no value of any table is certain from now on. Each such
        statement is reported, the first one gives the reason of the unknown values."""
        if self.dead:
            return
        self.events = True
        write = self._write(f"{construct} ({effect})", f"{construct} on line {at[0]} may change it", at, True)
        if self.sticky_any is None:
            self.sticky_any = write

    def _cause(self, table: LTable, key: object, slot: Slot | None) -> _Write | None:
        """The unresolved write that may have changed ``table[key]`` since it was read, if any."""
        if not self.events:
            return None
        if self.sticky_any is not None:
            return self.sticky_any
        if table.sticky_any is not None:
            return table.sticky_any
        write = table.sticky_keys.get(key) or self.sticky_keys.get(key)
        if write is not None:
            return write
        if slot is not None:
            static = slot.seq
        else:
            cleared = table.cleared.get(key)
            static = cleared[0] if cleared is not None else table.born
        best: tuple[int, _Write] | None = None
        for event in (self.key_events.get(key), self.any_event, table.any_event):
            if event is not None and event[0] > static and (best is None or event[0] > best[0]):
                best = event
        return best[1] if best is not None else None

    def _any_causes(self, table: LTable) -> list[_Write]:
        """Unresolved writes that may have set any key of ``table``."""
        if not self.events:
            return []
        found = [w for w in (self.sticky_any, table.sticky_any) if w is not None]
        for event in (self.any_event, table.any_event):
            if event is not None and event[0] > table.born:
                found.append(event[1])
        return found

    def _library_cause(self, key: bytes) -> _Write | None:
        """A write that may have changed ``key`` of a standard library table (which exist from the start)."""
        if self.sticky_any is not None:
            return self.sticky_any
        event = self.key_events.get(key) or self.any_event
        return self.sticky_keys.get(key) or (event[1] if event is not None else None)

    def _in_region(self) -> bool:
        return self.blind_since is not None or self.goto_since is not None

    def _blind(self, born: int, key: object, by_computed_keys: bool = True) -> bool:
        """Inside a loop, a function body or after a goto: may this value from outside differ from what the
        reader followed, because the file assigns its name somewhere (``_assignable_keys``)?

        ``by_computed_keys``: a write with a computed key (``t[k] = v``) may change it too. Not so for locals
        (only ``name = v`` assigns them) and the environment and library tables (a computed-key write that may
        reach them inside a loop or function body counts as code that may change anything: ``_wild``)."""
        since = self.blind_since
        if self.goto_since is not None and (since is None or self.goto_since > since):
            since = self.goto_since
        if since is None or born >= since:
            return False
        return key in self.assignable or (by_computed_keys and self.assignable_any)

    def _conditional(self, level: int, born: int) -> str | None:
        """Why an assignment to a variable or table created at ``born`` (at block ``level``) may not happen.
        Clocks, not levels, tell whether it was made inside the conditional block: a table made in an earlier
        ``do`` block has the same level as an ``if`` block after it."""
        index = bisect_right(self.cond_since, born)  # the outermost conditional block begun after it was made
        if index < len(self.cond_since):
            return self.cond_reasons[index]
        if self.ret_reason is not None and born < self.ret_since:
            return self.ret_reason
        if self.goto_since is not None and born < self.goto_since:
            return _GOTO_REASON
        return None

    # ------------------------------------------------------------------------------------- assignment

    def _assign(
        self, ref: _Ref, value: object, vpos: tuple[int, int], notes: tuple[Note, ...], at: tuple[int, int]
    ) -> None:
        if self.dead:
            return
        if ref.kind == "local":
            slot = ref.slot
            assert slot is not None
            self.undo.append(("slot", slot, None, (slot.value, slot.vpos, slot.kpos, slot.notes)))
            if self.function_depth and slot.born < self.function_since and slot.sticky is None:
                slot.sticky = _FUNCTION_REASON  # the function may run at any later time
            reason = self._conditional(slot.level, slot.born)
            slot.value = Unknown(reason) if reason is not None else value
            slot.vpos, slot.kpos, slot.notes, slot.seq = vpos, ref.kpos, notes, self.clock
            return
        base = ref.base
        if isinstance(base, LTable):
            self._assign_field(base, ref.key, value, vpos, ref.kpos, notes, at, ref.ptr)
            return
        if isinstance(base, Unknown) and base.alias:
            self._wild(ref.key, "an assignment through a table value that is not statically known", at)
        if ref.ptr is not None:
            if isinstance(base, Unknown):
                self.loose[ref.ptr] = (base.reason, vpos, ref.kpos)
            else:
                self.loose[ref.ptr] = ("its parent is not a table (Lua raises an error)", vpos, ref.kpos)

    def _assign_field(
        self,
        table: LTable,
        key: object,
        value: object,
        vpos: tuple[int, int],
        kpos: tuple[int, int],
        notes: tuple[Note, ...],
        at: tuple[int, int],
        ptr: str | None,
        computed: str = "an assignment with a computed key",
    ) -> None:
        """``table[key] = value`` with the positions of the key and value, as Lua 5.1 assigns it (the last
        assignment wins)."""
        if isinstance(key, Unknown):
            self._table_any(table, computed, at)
            return
        if key is None or (isinstance(key, float) and key != key):
            _set_dynamic(table, _bad_key_reason(key), vpos)
            return
        if ptr is not None:
            self._clear_loose(ptr)
        if table.env and key == b"scripts":
            self.loose.clear()
        key = _table_key(key)
        if table.env and key not in self.assignable and self._in_region():  # rawset(_G, "name", v) in a loop
            self._code("a rawset of a global inside a loop or function body", at, "it may change any value")
        old = table.entries.get(key)
        self.undo.append(("map", table.entries, key, old))
        origin = None
        prior = old.value if old is not None and isinstance(old.value, LTable) else None
        if self.function_depth and table.born < self.function_since:
            origin = self._write(
                "an assignment inside a function body (it runs whenever the function is called)", _FUNCTION_REASON, at
            )
            table.sticky_keys.setdefault(key, origin)
            self.events = True
            value = Unknown(_FUNCTION_REASON, prior=prior)
        else:
            reason = self._conditional(table.level, table.born)
            if reason is not None:
                origin = self._write(_construct(reason), reason, at)
                value = Unknown(reason, prior=prior)
        if value is None:
            table.entries.pop(key, None)
            table.cleared[key] = (self.clock, vpos, kpos)
            return
        slot = Slot(value, vpos, kpos, notes, table.level, self.clock)
        slot.origin = origin
        table.entries[key] = slot

    def _clear_loose(self, ptr: str) -> None:
        if self.loose:
            for stale in [p for p in self.loose if p == ptr or p.startswith(ptr + "/")]:
                del self.loose[stale]

    def _rawset(self, args: list[object], at: tuple[int, int]) -> None:
        """``rawset(t, k, v)``: ``t[k] = v`` without metamethods (the reader models none)."""
        if self.dead:
            return
        table, key, value = [*args, None, None, None][:3]
        if isinstance(table, LTable):
            self._assign_field(table, key, value, at, at, (), at, None, "rawset with a computed key")
        elif isinstance(table, Unknown) and table.alias:
            self._wild(key, "rawset on a table that is not statically known", at)

    # ------------------------------------------------------------------------------------ expressions

    def _expr(self) -> object:
        return self._subexpr(0)

    def _subexpr(self, limit: int) -> object:
        """An expression with operators binding tighter than ``limit`` (Lua 5.1's subexpr, priorities and all)."""
        self._enter()
        tok = self.tok
        if tok.kind in _UNARY:
            self._next()
            operand = self._subexpr(_UNARY_PRIORITY)
            if tok.kind == "#" and isinstance(operand, LTable) and self._length_uncertain(operand):
                value: object = Unknown("the length of a table that may have changed", alias=False)
            else:
                value = _opaque(_unary(tok.kind, operand))
            self.multi = False
        else:
            value = self._simple()
        or_seen = False
        while True:
            op = self.tok.kind
            priority = _BINARY.get(op)
            if priority is None or priority[0] <= limit:
                break
            op_tok = self._next()
            right = self._subexpr(priority[1])
            if op in ("or", "and"):
                value = _logical(op, value, right)
                if not or_seen and not isinstance(value, Unknown):
                    or_seen = True
                    note = Note(OR_EXPRESSION, _OR_MESSAGE, op_tok.line, op_tok.col)
                    self.or_notes.append(note)
                    self.notes.append(note)
            elif op == "..":
                value = self._concat(value, right, op_tok)
            else:
                value = _opaque(_binary(op, value, right))
            self.multi = False
        self.depth -= 1
        return value

    def _concat(self, left: object, right: object, op_tok: Token) -> object:
        """``left .. right`` within the budget of computed strings (``s = s .. s`` forty times is not built)."""
        a, b = _concat_piece(left), _concat_piece(right)
        if a is None or b is None:
            return _opaque(_binary("..", left, right))
        size = len(a) + len(b)
        if size > self.string_budget:
            if self.string_budget >= 0:
                self.string_budget = -1  # reported once
                self.issues.append(
                    ReadIssue(
                        TOO_LARGE,
                        f"config.lua computes strings of more than {MAX_COMPUTED_BYTES // (1024 * 1024)} MiB "
                        "in total ('..'); emslint does not build them, so such values are not statically known",
                        op_tok.line,
                        op_tok.col,
                    )
                )
            return Unknown("a computed string too large to build", alias=False)
        self.string_budget -= size
        return a + b

    def _length_uncertain(self, table: LTable) -> bool:
        return bool(self._any_causes(table)) or self._blind(table.born, 1.0)

    def _simple(self) -> object:
        """A simple expression: number, string, nil, true, false, `...`, a table constructor, a function, or a
        suffixed expression."""
        tok = self.tok
        kind = tok.kind
        self.multi = False
        if kind == "number" or kind == "string":
            self._next()
            if tok.notes:
                self.notes.extend(tok.notes)
            return tok.value
        if kind == "nil":
            self._next()
            return None
        if kind == "true":
            self._next()
            return True
        if kind == "false":
            self._next()
            return False
        if kind == "{":
            return self._table()
        if kind == "function":
            line = self._next().line
            return self._function_body(line, False)
        if kind == "...":
            if not self.varargs[-1]:
                self._error("cannot use '...' outside a vararg function near '...'")
            self._next()
            self.multi = True
            return Unknown("the vararg expression '...'")
        ref = self._suffixed()
        return self._deref(ref)

    def _table(self) -> LTable:
        """A table constructor: positional and keyed fields in order, as Lua 5.1 builds the table."""
        line = self._next().line
        table = LTable(self.level, self.clock)
        pending: list[tuple[object, tuple[int, int], tuple[Note, ...]]] = []
        count = 0
        multi_item: Token | None = None  # the last field, if it is a list item that is a call or '...'
        while self.tok.kind != "}":
            if len(pending) == 50:  # Lua 5.1 stores list items in batches of 50 (LFIELDS_PER_FLUSH)
                count = _store_list(table, pending, count, self.clock)
            tok = self.tok
            mark = len(self.notes)
            multi_item = None
            if tok.kind == "name" and self.toks[self.i + 1].kind == "=":
                self._next()
                self._next()
                value_tok = self.tok
                value = self._expr()
                field_name: str = tok.value
                self._store(table, field_name.encode(), value, tok, mark, value_tok)
            elif tok.kind == "[":
                self._next()
                key_tok = self.tok
                key = self._expr()
                self._check("]")
                self._check("=")
                value_tok = self.tok
                value = self._expr()
                self._store(table, key, value, key_tok, mark, value_tok)
            else:
                value = self._expr()
                notes = tuple(self.notes[mark:])
                del self.notes[mark:]
                pending.append((value, (tok.line, tok.col), notes))
                multi_item = tok if self.multi else None
            if self.tok.kind not in (",", ";"):
                break
            self._next()
        _store_list(table, pending, count, self.clock)
        if multi_item is not None:  # f() or ... as the last item fills the rest of the list
            reason = "its last list item is a call or '...' that may yield several values"
            _set_dynamic(table, reason, (multi_item.line, multi_item.col))
        self._check_match("}", "{", line)
        self.multi = False
        return table

    def _store(
        self, table: LTable, key: object, value: object, key_tok: Token, mark: int, value_tok: Token
    ) -> None:
        notes = tuple(self.notes[mark:])
        del self.notes[mark:]
        kpos = (key_tok.line, key_tok.col)
        if isinstance(key, Unknown):
            self._table_any(table, "a table constructor with a computed key", kpos)
            return
        if key is None or (isinstance(key, float) and key != key):
            _set_dynamic(table, _bad_key_reason(key), kpos)
            return
        vpos = (value_tok.line, value_tok.col)
        key = _table_key(key)
        if value is None:
            table.entries.pop(key, None)
            table.cleared[key] = (self.clock, vpos, kpos)
            return
        table.entries[key] = Slot(value, vpos, kpos, notes, table.level, self.clock)

    def _suffixed(self) -> _Ref:
        """A primary expression followed by `.name`, `[exp]`, `:name(args)` and calls."""
        first = self.tok
        at = (first.line, first.col)
        ref = self._primary()
        while True:
            kind = self.tok.kind
            if kind == ".":
                self._next()
                ref = self._field(ref, self._name())
            elif kind == "[":
                self._next()
                key_tok = self.tok
                base = self._deref(ref)
                key = self._expr()
                self._check("]")
                kpos = (key_tok.line, key_tok.col)
                ptr = _ptr(ref.ptr, key)
                if ptr is None and base is self.env and key == b"scripts":
                    ptr = "/scripts"
                ref = _Ref("index", base=base, key=key, kpos=kpos, ptr=ptr)
            elif kind == ":":
                self._next()
                method: str = self._name().value
                receiver = self._deref(ref)
                callee = self._method(receiver, method)
                ref = self._call(callee, _extend(ref.path, f":{method}"), [receiver], at)
            elif kind in ("(", "string", "{"):
                callee = self._deref(ref)
                ref = self._call(callee, ref.path, [], at)
            else:
                return ref

    def _field(self, ref: _Ref, key_tok: Token) -> _Ref:
        base = self._deref(ref)
        name: str = key_tok.value
        path = _extend(ref.path, f".{name}")
        if ref.ptr is not None:
            ptr: str | None = f"{ref.ptr}/{escape_pointer_token(name)}"
        else:
            ptr = "/scripts" if base is self.env and name == "scripts" else None
        kpos = (key_tok.line, key_tok.col)
        return _Ref("index", base=base, key=name.encode(), kpos=kpos, path=path, ptr=ptr)

    def _primary(self) -> _Ref:
        tok = self.tok
        if tok.kind == "name":
            self._next()
            return self._variable(tok)
        if tok.kind == "(":
            line = self._next().line
            value = self._expr()
            self._check_match(")", "(", line)
            self.multi = False
            return _Ref("value", value=value)
        self._error(f"unexpected symbol near {self._near()}")

    def _variable(self, tok: Token) -> _Ref:
        name: str = tok.value
        kpos = (tok.line, tok.col)
        for scope in reversed(self.scopes):
            slot = scope.get(name)
            if slot is not None:
                return _Ref("local", name=name, slot=slot, kpos=kpos, path=name)
        ptr = "/scripts" if name == "scripts" else None
        return _Ref("index", base=self.env, key=name.encode(), kpos=kpos, path=name, ptr=ptr)

    def _method(self, receiver: object, name: str) -> object:
        """The function ``receiver:name`` calls."""
        key = name.encode()
        if isinstance(receiver, bytes) or (isinstance(receiver, Unknown) and not receiver.alias):
            # a string's methods are the string library's (through the string metatable's __index, which a
            # write to a key __index may have replaced); io.open's files have their own (both pure)
            stable = self._library_cause(key) is None and self._library_cause(b"__index") is None
            if stable and not self._blind(0, key, False) and not self._blind(0, b"__index", False):
                if name in STRING_METHODS:
                    return Builtin(f"string.{name}")
                if name in FILE_METHODS:
                    return Builtin(f"file:{name}")
            return Unknown("a method of a value that is not statically known")
        return self._index(_Ref("index", base=receiver, key=key))

    def _call(self, callee: object, path: str | None, args: list[object], at: tuple[int, int]) -> _Ref:
        tok = self.tok
        if tok.kind == "string":
            self._next()
            if tok.notes:
                self.notes.extend(tok.notes)
            args.append(tok.value)
        elif tok.kind == "{":
            args.append(self._table())
        elif tok.kind == "(":
            line = self._next().line
            if self.tok.kind != ")":
                for value, _pos, notes in self._expr_list():
                    args.append(value)
                    self.notes.extend(notes)  # so that a bad escape in an argument gets the target's pointer
            self._check_match(")", "(", line)
        else:
            self._error(f"function arguments expected near {self._near()}")
        value = self._call_effect(callee, args, at, path)
        self.multi = True
        return _Ref("call", value=value, path=_extend(path, "(...)"))

    def _call_effect(self, callee: object, args: list[object], at: tuple[int, int], path: str | None) -> object:
        """What calling ``callee`` (written ``path``) does to the values the reader follows, and what it
        returns. Messages show a function's name only if it is a standard one (never a name the file made up:
        an unquoted password reads as one)."""
        if isinstance(callee, LFunction):  # its body was read: what it assigns is unknown already
            return Unknown("a function call")
        name = callee.name if isinstance(callee, Builtin) else None
        shown = shown_name(name or path or "")
        reason = f"function call {shown}" if shown else "a function call"
        if name is not None:
            if name in ITERATOR_OF:
                return Builtin(ITERATOR_OF[name])
            if name in PURE_OPAQUE and self._pure_arguments(name, args):
                return Unknown(reason, alias=False)
            if name == "getfenv" and not self.function_depth and (not args or args[:1] == [1.0]):
                return self.env
            if name in PURE_ALIAS or name in ITERATORS:
                return Unknown(reason)
            if name == "rawset":
                self._rawset(args, at)
                return args[0] if args else None
        self._code(f"a call of {shown}" if shown else "a call of a function that is not statically known", at)
        return Unknown(reason)

    def _pure_arguments(self, name: str, args: list[object]) -> bool:
        if name == "print":  # print calls the global tostring
            called = self._index(_Ref("index", base=self.env, key=b"tostring"))
            return isinstance(called, Builtin) and called.name == "tostring"
        if name == "string.gsub":  # calls its replacement if that is a function
            replacement = args[2] if len(args) > 2 else None
            return not (isinstance(replacement, Unknown) and replacement.alias)
        return True

    def _deref(self, ref: _Ref) -> object:
        kind = ref.kind
        if kind == "local":
            slot = ref.slot
            assert slot is not None
            if slot.sticky is not None:
                return Unknown(slot.sticky)
            if self._blind(slot.born, ref.name.encode(), False):
                return Unknown(_VARYING_REASON)
            if slot.notes:
                self.notes.extend(slot.notes)
            return slot.value
        if kind == "index":
            return self._index(ref)
        return ref.value

    def _index(self, ref: _Ref) -> object:
        """The value of ``ref`` (``base[key]``), unknown when the base or key is."""
        base = ref.base
        key = ref.key
        if isinstance(base, LTable):
            if isinstance(key, Unknown):
                return Unknown(key.reason)
            if key is None or (isinstance(key, float) and key != key):
                return None
            key = _table_key(key)
            if self._blind(base.born, key, not base.env):
                return Unknown(_VARYING_REASON)
            slot = base.entries.get(key)
            cause = self._cause(base, key, slot)
            if cause is not None:
                return Unknown(cause.why)
            if slot is not None:
                if slot.notes:
                    self.notes.extend(slot.notes)
                return slot.value
            if base.env:
                return Builtin(key.decode("utf-8", "surrogateescape")) if isinstance(key, bytes) else None
            if base.root:
                return Unknown(f"{ref.path or 'a scripts value'} is read before it is assigned")
            if base.dynamic:
                return Unknown(f"a field of a table that may have changed ({base.dynamic})")
            return None
        if isinstance(base, Builtin) and base.name in LIBRARY_TABLES and isinstance(key, bytes):
            if self._library_cause(key) is not None or self._blind(0, key, False):
                return Unknown(_VARYING_REASON)
            return Builtin(f"{base.name}.{key.decode('utf-8', 'surrogateescape')}")
        if isinstance(base, Unknown):
            return Unknown(base.reason, alias=base.alias)
        if isinstance(key, Unknown):
            return Unknown(key.reason)
        if isinstance(base, bytes):
            return Unknown("a string method", alias=False)
        return Unknown(f"indexing a {_type_name(base)} value (Lua raises an error)", alias=False)

    # ---------------------------------------------------------------------------------------- results

    def _result(self) -> ReadResult:
        """The `scripts` table as plain data with the position of every value: what the reader hands to the pipeline."""
        result = ReadResult(comments=self.comments)
        result.positions[""] = (1, 1)
        env = self.env
        slot = env.entries.get(b"scripts")
        if slot is not None:
            result.positions["/scripts"] = slot.vpos
            result.key_positions["/scripts"] = slot.kpos
        elif b"scripts" in env.cleared:
            _, result.positions["/scripts"], result.key_positions["/scripts"] = env.cleared[b"scripts"]
        builder = _Builder(self, result)
        root = slot.value if slot is not None else None
        cause = self._cause(env, b"scripts", slot)
        if cause is None and slot is not None and isinstance(root, Unknown):
            cause = slot.origin
        if cause is None and isinstance(root, LTable):
            scripts = builder.table(root, "/scripts", "scripts", 1, root=True)
        else:
            # scripts itself may have been replaced: every key is unknown, also those the file never sets
            if cause is not None:
                cause.touch(None)
            reason = cause.why if cause is not None else getattr(root, "reason", "scripts is not a table")
            prior = root if isinstance(root, LTable) else getattr(root, "prior", None)
            scripts = {}
            if isinstance(prior, LTable):
                builder.every_key_unknown(prior, reason)
            else:
                builder.unknown("/scripts", "scripts", reason, result.positions.get("/scripts", (1, 1)))
        for ptr, (reason, vpos, kpos) in self.loose.items():
            if ptr not in result.unknown:
                result.positions[ptr] = vpos
                result.key_positions[ptr] = kpos
                builder.unknown(ptr, _dotted(ptr), reason, vpos)
        issues = self.issues
        for tok in self.toks:
            for note in tok.notes:
                issues.append(ReadIssue(note.code, note.message, note.line, note.col, note.pointer or ""))
        for note in self.or_notes:
            issues.append(ReadIssue(note.code, note.message, note.line, note.col, note.pointer or ""))
        issues.sort(key=lambda issue: (issue.line, issue.column, issue.code))
        if len(issues) > MAX_ISSUES:
            more = len(issues) - MAX_ISSUES
            last = issues[MAX_ISSUES]
            del issues[MAX_ISSUES:]
            message = f"... and {more} more problems (not listed)"
            issues.append(ReadIssue(SYNTAX, message, last.line, last.column))
        result.issues = issues
        result.unresolved_writes = self._unresolved()
        if self.syntax_errors and not scripts and not result.unknown:
            result.fatal = True
            result.data = None
        else:
            result.data = {"scripts": scripts}
        return result

    def _unresolved(self) -> list[UnresolvedWrite]:
        """The writes that may reach scripts (those that changed nothing scripts holds are left out)."""
        found = []
        for write in self.writes.values():
            if write.pointers is None:
                found.append(UnresolvedWrite(write.line, write.column, write.reason, None))
            elif write.pointers:
                found.append(UnresolvedWrite(write.line, write.column, write.reason, tuple(sorted(write.pointers))))
        found.sort(key=lambda w: (w.line, w.column, w.reason))
        return found

    def absent_causes(self, table: LTable) -> list[tuple[object, _Write]]:
        """Keys ``table`` lacks that a write through an unknown table may have set, with that write."""
        if not (self.key_events or self.sticky_keys or table.sticky_keys):
            return []
        entries = self.entries_checked(table)
        if entries is None:
            return []
        found = []
        for key, (seq, write) in self.key_events.items():
            if key not in entries:
                cleared = table.cleared.get(key)
                if seq > (cleared[0] if cleared is not None else table.born):
                    found.append((key, write))
        for sticky in (self.sticky_keys, table.sticky_keys):
            found.extend((key, write) for key, write in sticky.items() if key not in entries)
        return found

    def entries_checked(self, table: LTable) -> dict[object, Slot] | None:
        """``table.entries``, or None once ``MAX_POINTER_CHECKS`` is spent: then every write through an unknown
        table counts as one that may change any key of scripts (pointers None), which no pointer list misses."""
        if self.pointer_checks < 0:
            return None
        self.pointer_checks -= len(self.key_events) + len(self.sticky_keys) + len(table.sticky_keys)
        if self.pointer_checks >= 0:
            return table.entries
        for _, write in self.key_events.values():
            write.touch(None)
        for sticky in (self.sticky_keys, table.sticky_keys):
            for write in sticky.values():
                write.touch(None)
        return None


_PATH_SHOWN = 120


def _extend(path: str | None, suffix: str) -> str | None:
    """``path + suffix`` for messages, capped: a chain ``f()()()...`` of 30,000 links would be quadratic."""
    if not path or path.endswith(" ..."):
        return path or None
    if len(path) + len(suffix) > _PATH_SHOWN:
        return path + " ..."
    return path + suffix


class _Builder:
    """Turns the table graph into plain data, positions, unknown pointers and pointer-bound notes."""

    def __init__(self, reader: _Reader, result: ReadResult) -> None:
        self.reader = reader
        self.result = result
        self.active: set[int] = set()
        self.members = 0
        self.capped = False

    def unknown(self, ptr: str, label: str, reason: str, vpos: tuple[int, int]) -> None:
        self.result.unknown[ptr] = reason
        self.reader.issues.append(
            ReadIssue(
                NOT_STATIC,
                f"the value of {label} is not statically known ({reason}); emslint does "
                "not run config.lua, so rules do not check it",
                vpos[0],
                vpos[1],
                ptr,
            )
        )

    def every_key_unknown(self, table: LTable, reason: str) -> None:
        """``scripts`` may have been replaced: its keys as read get positions, none a value."""
        result = self.result
        for key, slot in table.entries.items():
            name = _key_text(key)
            if name is None:
                continue
            child = f"/scripts/{escape_pointer_token(name)}"
            result.positions[child] = slot.vpos
            result.key_positions[child] = slot.kpos
            if slot.origin is not None:  # an assignment under a condition may change it as well
                slot.origin.touch(child)
            self.unknown(child, _label("scripts", key, name), reason, slot.vpos)

    def table(
        self, table: LTable, ptr: str, label: str, depth: int, root: bool = False
    ) -> dict[str, object] | list[object]:
        """``label``: the Lua expression of the table for messages (``scripts.T.tags[2]``)."""
        result = self.result
        reader = self.reader
        if table.dynamic:
            line, col = table.dynamic_pos
            reader.issues.append(
                ReadIssue(
                    NOT_STATIC,
                    f"{label} may hold other values than those read ({table.dynamic})",
                    line,
                    col,
                    ptr,
                )
            )
        for write in reader._any_causes(table):
            write.touch(None if root else ptr)
        absent = reader.absent_causes(table)
        entries = table.entries
        n = len(entries)
        is_list = (
            not root
            and not absent
            and n > 0
            and all(isinstance(k, float) and 1 <= k <= n and k.is_integer() for k in entries)
        )
        self.active.add(id(table))
        out: dict[str, object] | list[object]
        if is_list:
            out = []
            for index in range(1, n + 1):
                number = float(index)
                out.append(
                    self._member(table, number, entries[number], f"{ptr}/{index - 1}", f"{label}[{index}]", depth)
                )
        else:
            out = {}
            # a string key wins over a number or boolean key with the same text ("1" and 1)
            names = {key.decode("utf-8", "surrogateescape") for key in entries if isinstance(key, bytes)}
            for key, slot in entries.items():
                name = _key_text(key)
                if name is None or (not isinstance(key, bytes) and name in names):
                    continue
                child = f"{ptr}/{escape_pointer_token(name)}"
                value = self._member(table, key, slot, child, _label(label, key, name), depth)
                if child not in result.unknown:
                    out[name] = value
            for key, write in absent:  # keys a write through an unknown table may have added
                name = _key_text(key)
                if name is None:
                    continue
                child = f"{ptr}/{escape_pointer_token(name)}"
                out.pop(name, None)
                if child not in result.unknown:
                    result.unknown[child] = write.why
                    result.positions[child] = result.key_positions[child] = (write.line, write.column)
                write.touch(child)
            for key, (_seq, vpos, kpos) in table.cleared.items():  # keys removed by "= nil"
                name = _key_text(key)
                if key not in entries and name is not None:
                    child = f"{ptr}/{escape_pointer_token(name)}"
                    result.positions.setdefault(child, vpos)
                    result.key_positions.setdefault(child, kpos)
        self.active.discard(id(table))
        return out

    def _member(self, table: LTable, key: object, slot: Slot, ptr: str, label: str, depth: int) -> object:
        """One value of the `scripts` table converted to plain data, its positions and notes recorded under ``ptr``."""
        result = self.result
        result.positions[ptr] = slot.vpos
        result.key_positions[ptr] = slot.kpos
        for note in slot.notes:
            if note.pointer is None:
                note.pointer = ptr
        value = slot.value
        if slot.origin is not None:  # made unknown by a conditional assignment or a function body
            slot.origin.touch(ptr)
        cause = self.reader._cause(table, key, slot)
        if cause is not None:
            cause.touch(ptr)
            self.unknown(ptr, label, cause.why, slot.vpos)
            return None
        if isinstance(value, Unknown):
            self.unknown(ptr, label, value.reason, slot.vpos)
            return None
        if isinstance(value, LTable):
            if id(value) in self.active:
                self.unknown(ptr, label, "a table that contains itself", slot.vpos)
                return None
            if depth >= self.reader.max_depth:
                reason = f"tables nested deeper than {self.reader.max_depth} levels"
                self.unknown(ptr, label, reason, slot.vpos)
                return None
            self.members += len(value.entries) + 1
            if self.members > MAX_MEMBERS:
                self._cap(slot.vpos)
                self.unknown(ptr, label, f"more than {MAX_MEMBERS} values in scripts", slot.vpos)
                return None
            return self.table(value, ptr, label, depth + 1)
        return _plain(value)

    def _cap(self, where: tuple[int, int]) -> None:
        if not self.capped:
            self.capped = True
            self.reader.issues.append(
                ReadIssue(
                    TOO_LARGE,
                    f"the scripts table holds more than {MAX_MEMBERS} values (a table used in many places is "
                    "copied each time); emslint does not build the rest, so they are not statically known",
                    where[0],
                    where[1],
                )
            )


# ------------------------------------------------------------------------------------ Lua 5.1 semantics

_OR_MESSAGE = (
    "'or'/'and' expression of constants, evaluated statically: Lua's 'a or b' yields a unless a is nil or "
    "false, 'a and b' yields b unless a is nil or false, so only one operand is ever used; write that value "
    "alone"
)


def _set_dynamic(table: LTable, reason: str, where: tuple[int, int]) -> None:
    if table.dynamic is None:
        table.dynamic, table.dynamic_pos = reason, where


def _bad_key_reason(key: object) -> str:
    if isinstance(key, Unknown):
        return f"a field with a key that is not statically known: {key.reason}"
    return "a field with a nil or NaN key (Lua raises an error)"


def _table_key(key: object) -> object:
    if key is True:
        return _TRUE_KEY
    if key is False:
        return _FALSE_KEY
    return key


def _key_text(key: object) -> str | None:
    if isinstance(key, bytes):
        return key.decode("utf-8", "surrogateescape")
    if isinstance(key, float):
        return _tostring(key).decode()
    if key == _TRUE_KEY:
        return "true"
    if key == _FALSE_KEY:
        return "false"
    return None  # a table used as a key


def _plain(value: object) -> object:
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _ptr(parent: str | None, key: object) -> str | None:
    if parent is None or not isinstance(key, bytes):
        return None
    return f"{parent}/{escape_pointer_token(key.decode('utf-8', 'surrogateescape'))}"


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _label(parent: str, key: object, name: str) -> str:
    """How Lua code would name a field (for messages): ``t.file``, ``t["key with space"]``, ``t[2.5]``."""
    if isinstance(key, bytes):
        return f"{parent}.{name}" if _IDENTIFIER.match(name) else f"{parent}[{name!r}]"
    return f"{parent}[{name}]"


def _dotted(ptr: str) -> str:
    return ".".join(pointer_tokens(ptr)) or "the file"


def _type_name(value: object) -> str:
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, float):
        return "number"
    if isinstance(value, bytes):
        return "string"
    if isinstance(value, LTable):
        return "table"
    return "unknown"


def _truthy(value: object) -> bool:
    return value is not None and value is not False


def _may_alias(value: object) -> bool:
    return isinstance(value, LTable) or (isinstance(value, Unknown) and value.alias)


def _opaque(value: object) -> object:
    """The result of an operator: never a table, so an unknown one leads to no table either."""
    if isinstance(value, Unknown) and (value.alias or type(value) is not Unknown):
        return Unknown(value.reason, alias=False)
    return value


def _logical(op: str, left: object, right: object) -> object:
    if isinstance(left, LFunction):  # a function is true
        return left if op == "or" else right
    if isinstance(left, Unknown):  # either operand
        return Unknown(left.reason, alias=left.alias or _may_alias(right))
    if op == "or":
        return left if _truthy(left) else right
    return right if _truthy(left) else left
def _tonumber(value: object) -> float | None:
    """Lua 5.1's arithmetic coercion (luaV_tonumber: numbers, and strings that strtod reads whole)."""
    if isinstance(value, float):
        return value
    if not isinstance(value, bytes):
        return None
    text = value.strip(_C_SPACE)
    m = _STRTOD.fullmatch(text)
    if m is None:
        return None
    raw = text.decode("ascii")
    body = raw.lstrip("+-")
    if body[:2].lower() == "0x":
        number = float(int(body, 16)) if not any(c in body for c in ".pP") else float.fromhex(body)
        return -number if raw.startswith("-") else number
    return float(raw)


def _tostring(value: float) -> bytes:
    if value != value:  # glibc's printf shows the sign of a NaN (0/0 is "-nan" on x86)
        return b"-nan" if math.copysign(1.0, value) < 0 else b"nan"
    return f"{value:.14g}".encode()  # LUAI_NUMFFORMAT


def _concat_piece(value: object) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if isinstance(value, float):
        return _tostring(value)
    return None


def _binary(op: str, left: object, right: object) -> object:
    if isinstance(left, Unknown):
        return left
    if isinstance(right, Unknown):
        return right
    if op == "..":
        a, b = _concat_piece(left), _concat_piece(right)
        if a is None or b is None:
            bad = right if a is not None else left
            return Unknown(f"concatenating a {_type_name(bad)} value (Lua raises an error)")
        return a + b
    if op in _ARITH:
        x, y = _tonumber(left), _tonumber(right)
        if x is None or y is None:
            bad = right if x is not None else left
            return Unknown(f"arithmetic on a {_type_name(bad)} value (Lua raises an error)")
        return _arith(op, x, y)
    if op == "==":
        return _raw_equal(left, right)
    if op == "~=":
        return not _raw_equal(left, right)
    if op in _ORDER:
        if isinstance(left, float) and isinstance(right, float):
            return _order(op, left, right)
        if isinstance(left, bytes) and isinstance(right, bytes):
            return _order(op, left, right)
        return Unknown("comparing values of different types (Lua raises an error)")
    return Unknown(f"the bitwise operator '{op}' (Lua 5.3 and later)")


_Ordered = TypeVar("_Ordered", float, bytes)


def _order(op: str, left: _Ordered, right: _Ordered) -> bool:
    """``<``, ``<=``, ``>`` or ``>=`` of two numbers or two strings (Lua compares nothing else)."""
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


# The NaN the FPU produces for 0/0 (its sign differs between platforms, as in C).
_DEFAULT_NAN = math.inf * 0.0


def _raw_equal(left: object, right: object) -> bool:
    if type(left) is not type(right):
        return False
    if isinstance(left, LTable):
        return left is right
    return left == right


def _arith(op: str, x: float, y: float) -> object:
    try:
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            return _divide(x, y)
        if op == "%":  # luai_nummod of Lua 5.1, with IEEE results for zero and infinities
            quotient = _divide(x, y)
            return x - (float(math.floor(quotient)) if math.isfinite(quotient) else quotient) * y
        if op == "//":
            quotient = _divide(x, y)
            return math.floor(quotient) if math.isfinite(quotient) else quotient
        return _power(x, y)
    except (OverflowError, ValueError, ZeroDivisionError):
        return Unknown("arithmetic that overflows")


def _divide(x: float, y: float) -> float:
    if y != 0:
        return x / y
    if x != x:
        return x
    if x == 0:
        return _DEFAULT_NAN
    return math.copysign(math.inf, x) * math.copysign(1.0, y)


def _power(x: float, y: float) -> float:
    try:
        return math.pow(x, y)
    except OverflowError:
        return math.inf if x > 0 or y % 2 == 0 else -math.inf
    except ValueError:
        return math.inf if x == 0 else _DEFAULT_NAN


def _unary(op: str, value: object) -> object:
    if isinstance(value, Unknown):
        return value
    if op == "not":
        return not _truthy(value)
    if op == "-":
        number = _tonumber(value)
        if number is None:
            return Unknown(f"arithmetic on a {_type_name(value)} value (Lua raises an error)")
        return -number
    if op == "#":
        if isinstance(value, bytes):
            return float(len(value))
        if isinstance(value, LTable) and not value.dynamic:
            n = 0
            entries = value.entries
            while float(n + 1) in entries:
                if isinstance(entries[float(n + 1)].value, Unknown):  # may be nil
                    return Unknown("the length of a table with an item that is not statically known")
                n += 1
            if len(value.entries) == n:
                return float(n)
            return Unknown("the length of a table with holes")
        return Unknown(f"the length of a {_type_name(value)} value")
    return Unknown("the bitwise operator '~' (Lua 5.3 and later)")


def _store_list(
    table: LTable, pending: list[tuple[object, tuple[int, int], tuple[Note, ...]]], count: int, seq: int
) -> int:
    for value, vpos, notes in pending:
        count += 1
        key = float(count)
        if value is None:
            table.entries.pop(key, None)
        else:
            table.entries[key] = Slot(value, vpos, vpos, notes, table.level, seq)
    pending.clear()
    return count
