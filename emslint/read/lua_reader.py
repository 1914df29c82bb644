"""Static reader for ``config.lua``: the ``scripts`` table as Lua 5.1 would build it, never running it.

The chunk is parsed with the full Lua grammar (5.1 plus the 5.2-5.4 additions, so any valid file parses) and
evaluated statically, statement by statement, in a model of Lua 5.1:

* Known values: nil, booleans, numbers (doubles), strings (bytes), tables built by constructors, and what
  ``local``s, globals assigned earlier in the file and ``scripts.*`` hold. Operators on them are evaluated
  as Lua 5.1 does (``..`` formats numbers with ``%.14g``, arithmetic converts numeric strings, ``or``/``and``
  follow Lua truthiness).
* Everything else is "not statically known": function calls (``os.getenv``, ``require``, ``dofile``; none is
  run), function values, varargs, globals never assigned in the file, values assigned inside ``if``/loops/
  function bodies or after a conditional ``return``. Such a ``scripts`` value is left out of ``data`` and
  listed in ``unknown[pointer] = reason`` (its positions are still given). ``do ... end`` blocks always run
  once, so they are evaluated.
* Tables passed to a function, and ``scripts`` after ``dofile``/``require``/``load*``/``setmetatable``, may
  change invisibly: a ``lua-not-static`` issue says so at the table's pointer; its known values are kept.

Output conventions:

* ``data == {"scripts": {...}}``; tables become dicts, or lists when their keys are exactly 1..n (n >= 1).
  Pointers use 0-based indices for list items (``/scripts/T/tags/0`` is Lua's ``tags[1]``); an unknown list
  item is ``None`` in the list and listed in ``unknown``. Non-string keys become strings (``[2.5]`` ->
  ``"2.5"``, ``[true]`` -> ``"true"``); a string key wins over another key with the same text.
  Numbers are ``int`` when integral (below 2**53), else ``float``. Strings are the Lua bytes decoded as
  UTF-8 with ``errors="surrogateescape"`` (so ``"\\200"``, the byte 0xC8, gives ``"\\udcc8"``;
  ``.encode("utf-8", "surrogateescape")`` restores the bytes).
* ``positions[pointer]`` is the first token of the value expression of the last assignment,
  ``key_positions[pointer]`` the key (``rap_ssl`` in ``scripts.rap_ssl``, ``file`` in ``{file = ...}``,
  the key expression of ``[k] = ...``, the value itself for list items). ``positions[""]`` is (1, 1).
* ``comments``: every comment as (line, text without ``--`` or the long brackets).

Issues (messages name keys, escapes and Lua tokens, never a string value of the file):
``lua-syntax-error`` (Lua-style message at the offending token; reading resumes at the next line starting
with ``scripts`` or ``local``), ``lua-invalid-escape``, ``lua-control-escape``, ``lua-not-static``,
``lua-or-expression``, ``lua-too-deep``, ``lua-bom``. At most ``MAX_ISSUES`` are listed, then one
``lua-syntax-error`` "... and N more problems". ``fatal`` (and ``data is None``) only when a syntax error
left nothing usable.

Nesting is counted as Lua 5.1 does (each block and each sub-expression is a level, the main chunk is
level 1); Lua 5.1 refuses more than about 200 levels, so ``max_depth`` defaults to 200. No input can
cause a ``RecursionError`` or any other exception.
"""

from __future__ import annotations

import math
import re
import sys
from typing import NoReturn

from emslint.read.lua_lexer import Note, Token, tokenize
from emslint.read.result import ReadIssue, ReadResult, escape_pointer_token

MAX_ISSUES = 50

SYNTAX = "lua-syntax-error"
NOT_STATIC = "lua-not-static"
OR_EXPRESSION = "lua-or-expression"
TOO_DEEP = "lua-too-deep"
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
# Calls that can assign scripts.* behind the reader's back (they run other code or change the table).
_LOADERS = frozenset(
    ("dofile", "loadfile", "loadstring", "load", "require", "setfenv", "setmetatable", "rawset")
)
_C_SPACE = b" \t\n\v\f\r"
_STRTOD = re.compile(
    rb"[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    rb"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)",
    re.IGNORECASE,
)


class Unknown:
    """A value emslint cannot know without running the file."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class Slot:
    """Where a value lives (a local, a global, a table field), with its positions and notes."""

    __slots__ = ("kpos", "level", "notes", "value", "vpos")

    def __init__(
        self, value: object, vpos: tuple[int, int], kpos: tuple[int, int], notes: tuple[Note, ...], level: int
    ) -> None:
        self.value = value
        self.vpos = vpos
        self.kpos = kpos
        self.notes = notes
        self.level = level


class LTable:
    __slots__ = ("dynamic", "dynamic_pos", "entries", "level", "root")

    def __init__(self, level: int, root: bool = False) -> None:
        self.entries: dict[object, Slot] = {}
        self.level = level  # block level where the table was created
        self.dynamic: str | None = None  # why its contents may differ from what was read
        self.dynamic_pos = (1, 1)
        self.root = root  # the initial scripts table: reading a missing key is not "nil"


class _Ref:
    """What a suffixed expression denotes: a variable, a table field, or a plain value."""

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
        self.kind = kind  # "local", "global", "index", "value", "call"
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


class _Reader:
    def __init__(self, text: str, max_depth: int) -> None:
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
        root = LTable(0, root=True)
        self.globals: dict[str, Slot] = {"scripts": Slot(root, (1, 1), (1, 1), (), 0)}
        self.loose: dict[str, tuple[str, tuple[int, int], tuple[int, int]]] = {}
        self.unwound = 0  # blocks left open by syntax errors (their closers are skipped quietly)
        self.stmt_start = 0  # token index where the current top-level statement began
        self.prev_start = 0  # ... and the one before it
        self.last_restart = -1
        # Undo logs of the current and the previous top-level statement, so that recovery can take back
        # a statement that swallowed the next line ("scripts.a =" followed by "scripts.b = 1").
        self.undo: list[tuple] = []
        self.prev_undo: list[tuple] = []
        self.dead = False  # after an unconditional return of the main chunk: nothing runs any more
        self.ret_reason: str | None = None  # after a conditional return of the main chunk
        self.scopes: list[dict[str, Slot]] = [{}]
        self._reset()

    def _reset(self) -> None:
        """Back to the top level of the main chunk (start, and after a syntax error)."""
        del self.scopes[1:]
        self.level = 0
        self.depth = 1  # the main chunk
        self.reason: str | None = None  # why assignments to outer variables are not static here
        self.reason_level = 0  # block level where that reason began
        self.varargs = [True]  # the main chunk is a vararg function
        self.notes = []

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

    def _undo(self, log: list[tuple]) -> None:
        for kind, container, key, old in reversed(log):
            if kind == "slot":
                container.value, container.vpos, container.kpos, container.notes = old
            elif old is None:
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
            self._expr()
            self._check("do")
            self._block("assigned inside a while loop")
            self._check_match("end", "while", line)
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
            self._next()
            self._name()
            self._check("::")
        elif kind == "name" and self.tok.value == "goto" and self.toks[self.i + 1].kind == "name":
            self._next()
            self._next()
        else:
            self._expr_statement()
        return False

    def _block(
        self,
        reason: str | None,
        params: list[Token] | None = None,
        param_reason: str = "a function parameter",
    ) -> None:
        self._enter()
        self.level += 1
        scope: dict[str, Slot] = {}
        self.scopes.append(scope)
        saved = self.reason, self.reason_level
        if reason is not None and self.reason is None:
            self.reason, self.reason_level = reason, self.level
        for tok in params or ():
            scope[tok.value] = Slot(
                Unknown(param_reason), (tok.line, tok.col), (tok.line, tok.col), (), self.level
            )
        while self.tok.kind not in _BLOCK_FOLLOW:
            if self._statement():
                break
        self.reason, self.reason_level = saved
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
        line = self._next().line
        names = [self._name()]
        if self.tok.kind == "=":
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
            self._expr_list()
        else:
            self._error(f"'=' or 'in' expected near {self._near()}")
        self._check("do")
        self._block("assigned inside a for loop", names, "a loop variable")
        self._check_match("end", "for", line)

    def _repeat(self) -> None:
        line = self._next().line
        # the 'until' condition sees the block's locals, so it is parsed inside the block's scope
        self._enter()
        self.level += 1
        self.scopes.append({})
        saved = self.reason, self.reason_level
        if self.reason is None:
            self.reason, self.reason_level = "assigned inside a repeat loop", self.level
        while self.tok.kind not in _BLOCK_FOLLOW:
            if self._statement():
                break
        self._check_match("until", "repeat", line)
        self._expr()
        self.reason, self.reason_level = saved
        self.scopes.pop()
        self.level -= 1
        self.depth -= 1

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
        self._assign(ref, value, (first.line, first.col), ())

    def _local_function(self) -> None:
        line = self._next().line
        name = self._name()
        slot = Slot(None, (name.line, name.col), (name.line, name.col), (), self.level)
        self.scopes[-1][name.value] = slot
        slot.value = self._wrap(self.level, self._function_body(line, False))

    def _function_body(self, line: int, method: bool) -> Unknown:
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
        saved = self.reason, self.reason_level
        # a function body runs only when (if ever) the function is called
        self.reason, self.reason_level = "assigned inside a function", self.level + 1
        self.varargs.append(vararg)
        self._block(None, params)
        self.varargs.pop()
        self.reason, self.reason_level = saved
        self._check_match("end", "function", line)
        return Unknown("a function")

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
            elif self.ret_reason is not None and self.level == 0:
                value = Unknown(self.ret_reason)
            self.undo.append(("map", scope, name.value, scope.get(name.value)))
            scope[name.value] = Slot(value, vpos, (name.line, name.col), notes, self.level)

    def _return(self) -> None:
        self._next()
        if self.tok.kind not in _BLOCK_FOLLOW and self.tok.kind != ";":
            self._expr_list()
        if self.tok.kind == ";":
            self._next()
        if len(self.varargs) == 1:  # a return of the main chunk
            if self.reason is None:
                self.dead = True
            else:
                self.ret_reason = "assigned after a conditional return"

    def _expr_statement(self) -> None:
        first = self.tok
        ref = self._suffixed()
        if ref.kind == "call":  # a call statement (in "f() = 1" the '=' then starts a bad statement)
            return
        targets = [(ref, first)]
        while True:
            if targets[-1][0].kind not in ("local", "global", "index"):
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
            self._assign(target, value, vpos, notes)

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

    # ------------------------------------------------------------------------------------- assignment

    def _wrap(self, level: int, value: object) -> object:
        """The value as seen after the statement: unknown if it may or may not have been assigned."""
        if self.reason is not None and level < self.reason_level:
            return Unknown(self.reason)
        if self.ret_reason is not None and level == 0:
            return Unknown(self.ret_reason)
        return value

    def _assign(self, ref: _Ref, value: object, vpos: tuple[int, int], notes: tuple[Note, ...]) -> None:
        if self.dead:
            return
        if ref.kind in ("local", "global"):
            slot = ref.slot
            if slot is None:
                self.undo.append(("map", self.globals, ref.name, None))
                slot = self.globals[ref.name] = Slot(None, vpos, ref.kpos, (), 0)
            else:
                self.undo.append(("slot", slot, None, (slot.value, slot.vpos, slot.kpos, slot.notes)))
            if ref.ptr == "/scripts":
                self.loose.clear()
            slot.value = self._wrap(slot.level, value)
            slot.vpos, slot.kpos, slot.notes = vpos, ref.kpos, notes
            return
        base = ref.base
        if isinstance(base, LTable):
            self._assign_field(base, ref, value, vpos, notes)
        elif ref.ptr is not None:
            if isinstance(base, Unknown):
                self.loose[ref.ptr] = (base.reason, vpos, ref.kpos)
            else:
                self.loose[ref.ptr] = ("its parent is not a table (Lua raises an error)", vpos, ref.kpos)

    def _assign_field(
        self, table: LTable, ref: _Ref, value: object, vpos: tuple[int, int], notes: tuple[Note, ...]
    ) -> None:
        value = self._wrap(table.level, value)
        key = ref.key
        if isinstance(key, Unknown) or key is None or (isinstance(key, float) and key != key):
            _set_dynamic(table, _bad_key_reason(key), vpos)
            return
        if ref.ptr is not None:
            self._clear_loose(ref.ptr)
        key = _table_key(key)
        self.undo.append(("map", table.entries, key, table.entries.get(key)))
        if value is None:
            table.entries.pop(key, None)
            return
        table.entries[key] = Slot(value, vpos, ref.kpos, notes, table.level)

    def _clear_loose(self, ptr: str) -> None:
        if self.loose:
            for stale in [p for p in self.loose if p == ptr or p.startswith(ptr + "/")]:
                del self.loose[stale]

    # ------------------------------------------------------------------------------------ expressions

    def _expr(self) -> object:
        return self._subexpr(0)

    def _subexpr(self, limit: int) -> object:
        self._enter()
        tok = self.tok
        if tok.kind in _UNARY:
            self._next()
            value = _unary(tok.kind, self._subexpr(_UNARY_PRIORITY))
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
            else:
                value = _binary(op, value, right)
            self.multi = False
        self.depth -= 1
        return value

    def _simple(self) -> object:
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
        line = self._next().line
        table = LTable(self.level)
        pending: list[tuple[object, tuple[int, int], tuple[Note, ...]]] = []
        count = 0
        multi_item: Token | None = None  # the last field, if it is a list item that is a call or '...'
        while self.tok.kind != "}":
            if len(pending) == 50:  # Lua 5.1 stores list items in batches of 50 (LFIELDS_PER_FLUSH)
                count = _store_list(table, pending, count)
            tok = self.tok
            mark = len(self.notes)
            multi_item = None
            if tok.kind == "name" and self.toks[self.i + 1].kind == "=":
                self._next()
                self._next()
                value_tok = self.tok
                value = self._expr()
                self._store(table, tok.value.encode(), value, tok, mark, value_tok)
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
        _store_list(table, pending, count)
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
        if isinstance(key, Unknown) or key is None or (isinstance(key, float) and key != key):
            _set_dynamic(table, _bad_key_reason(key), (key_tok.line, key_tok.col))
            return
        if value is None:
            table.entries.pop(_table_key(key), None)
            return
        vpos = (value_tok.line, value_tok.col)
        table.entries[_table_key(key)] = Slot(value, vpos, (key_tok.line, key_tok.col), notes, table.level)

    def _suffixed(self) -> _Ref:
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
                ref = _Ref("index", base=base, key=key, kpos=kpos, ptr=_ptr(ref.ptr, key))
            elif kind == ":":
                self._next()
                method = self._name()
                receiver = self._deref(ref)
                ref = self._call(_extend(ref.path, f":{method.value}"), [receiver])
            elif kind in ("(", "string", "{"):
                self._deref(ref)
                ref = self._call(ref.path, [])
            else:
                return ref

    def _field(self, ref: _Ref, key_tok: Token) -> _Ref:
        base = self._deref(ref)
        name = key_tok.value
        path = _extend(ref.path, f".{name}")
        ptr = f"{ref.ptr}/{escape_pointer_token(name)}" if ref.ptr is not None else None
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
        name = tok.value
        kpos = (tok.line, tok.col)
        for scope in reversed(self.scopes):
            slot = scope.get(name)
            if slot is not None:
                return _Ref("local", name=name, slot=slot, kpos=kpos, path=name)
        slot = self.globals.get(name)
        ptr = "/scripts" if name == "scripts" else None
        return _Ref("global", name=name, slot=slot, kpos=kpos, path=name, ptr=ptr)

    def _call(self, path: str | None, args: list[object]) -> _Ref:
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
        name = path or "a function"
        where = (tok.line, tok.col)
        for arg in args:
            if isinstance(arg, LTable):
                _set_dynamic(arg, f"it is passed to {name}", where)
        if path is not None and path.split(".")[0].split(":")[0] in _LOADERS:
            root = self.globals["scripts"].value
            if isinstance(root, LTable):
                _set_dynamic(root, f"{path} runs code that may assign scripts values", where)
        self.multi = True
        reason = f"function call {path}" if path else "a function call"
        return _Ref("call", value=Unknown(reason), path=_extend(path, "(...)"))

    def _deref(self, ref: _Ref) -> object:
        kind = ref.kind
        if kind in ("local", "global"):
            slot = ref.slot
            if slot is None:
                return Unknown("a global variable (not assigned in this file)")
            if slot.notes:
                self.notes.extend(slot.notes)
            return slot.value
        if kind == "index":
            return self._index(ref)
        return ref.value

    def _index(self, ref: _Ref) -> object:
        base = ref.base
        key = ref.key
        if isinstance(base, Unknown):
            return base
        if isinstance(key, Unknown):
            return key
        if isinstance(base, LTable):
            if key is None or (isinstance(key, float) and key != key):
                return None
            slot = base.entries.get(_table_key(key))
            if slot is not None:
                if slot.notes:
                    self.notes.extend(slot.notes)
                return slot.value
            if base.root:
                return Unknown(f"{ref.path or 'a scripts value'} is read before it is assigned")
            if base.dynamic:
                return Unknown(f"a field of a table that may have changed ({base.dynamic})")
            return None
        if isinstance(base, bytes):
            return Unknown("a string method")
        return Unknown(f"indexing a {_type_name(base)} value (Lua raises an error)")

    # ---------------------------------------------------------------------------------------- results

    def _result(self) -> ReadResult:
        result = ReadResult(comments=self.comments)
        result.positions[""] = (1, 1)
        slot = self.globals["scripts"]
        result.positions["/scripts"] = slot.vpos
        result.key_positions["/scripts"] = slot.kpos
        root = slot.value
        builder = _Builder(self, result)
        if isinstance(root, LTable):
            scripts = builder.table(root, "/scripts", "scripts", 1, force_dict=True)
        else:
            scripts = {}
            reason = root.reason if isinstance(root, Unknown) else "scripts is not a table"
            builder.unknown("/scripts", "scripts", reason, slot.vpos)
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
        if self.syntax_errors and not scripts and not result.unknown:
            result.fatal = True
            result.data = None
        else:
            result.data = {"scripts": scripts}
        return result


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

    def table(self, table: LTable, ptr: str, label: str, depth: int, force_dict: bool = False) -> dict | list:
        """``label``: the Lua expression of the table for messages (``scripts.T.tags[2]``)."""
        result = self.result
        if table.dynamic:
            line, col = table.dynamic_pos
            self.reader.issues.append(
                ReadIssue(
                    NOT_STATIC,
                    f"{label} may hold other values than those read ({table.dynamic})",
                    line,
                    col,
                    ptr,
                )
            )
        entries = table.entries
        n = len(entries)
        is_list = (
            not force_dict
            and n > 0
            and all(isinstance(k, float) and 1 <= k <= n and k.is_integer() for k in entries)
        )
        self.active.add(id(table))
        out: dict | list
        if is_list:
            out = []
            for index in range(1, n + 1):
                out.append(
                    self._member(entries[float(index)], f"{ptr}/{index - 1}", f"{label}[{index}]", depth)
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
                value = self._member(slot, child, _label(label, key, name), depth)
                if child not in result.unknown:
                    out[name] = value
        self.active.discard(id(table))
        return out

    def _member(self, slot: Slot, ptr: str, label: str, depth: int) -> object:
        result = self.result
        result.positions[ptr] = slot.vpos
        result.key_positions[ptr] = slot.kpos
        for note in slot.notes:
            if note.pointer is None:
                note.pointer = ptr
        value = slot.value
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
            return self.table(value, ptr, label, depth + 1)
        return _plain(value)


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
    return ".".join(t.replace("~1", "/").replace("~0", "~") for t in ptr.split("/")[1:]) or "the file"


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


def _logical(op: str, left: object, right: object) -> object:
    if isinstance(left, Unknown):
        return left
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
        if not (isinstance(left, float) and isinstance(right, float)) and not (
            isinstance(left, bytes) and isinstance(right, bytes)
        ):
            return Unknown("comparing values of different types (Lua raises an error)")
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right
    return Unknown(f"the bitwise operator '{op}' (Lua 5.3 and later)")


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
            while float(n + 1) in value.entries:
                n += 1
            if len(value.entries) == n:
                return float(n)
            return Unknown("the length of a table with holes")
        return Unknown(f"the length of a {_type_name(value)} value")
    return Unknown("the bitwise operator '~' (Lua 5.3 and later)")


def _store_list(
    table: LTable, pending: list[tuple[object, tuple[int, int], tuple[Note, ...]]], count: int
) -> int:
    for value, vpos, notes in pending:
        count += 1
        key = float(count)
        if value is None:
            table.entries.pop(key, None)
        else:
            table.entries[key] = Slot(value, vpos, vpos, notes, table.level)
    pending.clear()
    return count
