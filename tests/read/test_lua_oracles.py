"""Differential tests of the static Lua reader against two oracles (test extra only, never product code):

1. real Lua 5.1 (``lupa.lua51``) in a sandbox: the chunk sees ``scripts``, ``_G`` (its own environment),
   ``getfenv`` (levels 1 and none only) and ``rawset``; no libraries, an instruction budget, a memory cap,
   text chunks only. On every fixture that is valid 5.1 and statically evaluable, and on generated configs,
   it must build the same ``scripts`` table as the reader. (``tests/read/test_lua_writes.py`` adds globals
   the reader cannot follow, to check that it never claims a wrong value.)
2. luaparser (Lua 5.4 grammar): it must accept exactly the files the reader reads without a syntax error,
   leaving out files whose strings have escapes that only Lua 5.1 accepts (and Lua 5.1's nested ``[[``).
"""

from __future__ import annotations

import contextlib
import io
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from emslint.read.lua_reader import read_lua
from emslint.read.result import ReadResult
from tests.read.test_lua_reader import CASES, Case

SANDBOX = """
function(src, extra)
  if src:sub(1, 1) == "\\27" then return nil, "binary chunk refused", false end
  local env = { scripts = {}, rawset = rawset }
  env._G = env
  -- the chunk's own environment (getfenv(2) seen from here); level 0 or 2+ would reach the host's globals
  env.getfenv = function(level)
    if level ~= nil and level ~= 1 then error("getfenv level refused by the sandbox") end
    return getfenv(2)
  end
  if extra then extra(env) end
  local f, err = loadstring(src, "=config.lua")
  if not f then return nil, err, false end
  setfenv(f, env)
  debug.sethook(function() error("instruction budget exceeded") end, "", 1000000)
  local ok, e = pcall(f)
  debug.sethook()
  if not ok then return nil, e, true end
  return env.scripts, nil, true
end
"""


class Lua51:
    def __init__(self) -> None:
        lua51 = pytest.importorskip("lupa.lua51")
        self.lupa = lua51
        self.runtime = lua51.LuaRuntime(
            register_eval=False,
            register_builtins=False,
            unpack_returned_tuples=True,
            encoding=None,
            max_memory=32 * 1024 * 1024,
        )
        self.run = self.runtime.eval(SANDBOX)

    def load(self, src: str, extra: object = None) -> tuple[object, str | None, bool]:
        """(scripts as plain data or None, error, whether the chunk compiled). ``extra``: a Lua function that
        adds globals to the environment."""
        table, error, compiled = self.run(src.encode("utf-8", "surrogateescape"), extra)
        if table is None:
            return None, (error or b"").decode("utf-8", "replace"), bool(compiled)
        return self._plain(table, force_dict=True), None, True

    def _plain(self, value: object, force_dict: bool = False) -> object:
        if self.lupa.lua_type(value) == "table":
            items = list(value.items())
            n = len(items)
            numeric = all(isinstance(k, (int, float)) and not isinstance(k, bool) for k, _ in items)
            if (
                not force_dict
                and n
                and numeric
                and sorted(float(k) for k, _ in items) == [float(i) for i in range(1, n + 1)]
            ):
                return [self._plain(v) for _, v in sorted(items, key=lambda kv: float(kv[0]))]
            # as the reader does: a string key wins over a number or boolean key with the same text
            items.sort(key=lambda kv: isinstance(kv[0], bytes))
            return {_key(k): self._plain(v) for k, v in items}
        if isinstance(value, bytes):
            return value.decode("utf-8", "surrogateescape")
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            number = float(value)
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        raise AssertionError(f"unexpected Lua value of type {type(value).__name__}")


def _key(key: object) -> str:
    if isinstance(key, bytes):
        return key.decode("utf-8", "surrogateescape")
    if isinstance(key, bool):
        return "true" if key else "false"
    return f"{float(key):.14g}"


def _same(a: object, b: object) -> bool:
    """Equality where NaN equals NaN (0/0 in a config is legal, if odd)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.fixture(scope="module")
def lua51() -> Lua51:
    return Lua51()


def _syntax_errors(result: ReadResult) -> list:
    return [i for i in result.issues if i.code == "lua-syntax-error"]


def _only_lua51(result: ReadResult) -> bool:
    """Strings whose reading depends on the dialect: luaparser (5.4) cannot be the judge."""
    return any(i.code == "lua-invalid-escape" or "Lua 5.1 refuses" in i.message for i in result.issues)


# ------------------------------------------------------------------------------------------ Lua 5.1


@pytest.mark.parametrize("case", [c for c in CASES if c.lua51], ids=lambda c: c.name)
def test_lua_fixture_equals_lua51(case: Case, lua51: Lua51) -> None:
    expected, error, _compiled = lua51.load(case.src)
    assert error is None
    result = read_lua(case.src)
    assert result.unknown == {}
    assert _same(result.data["scripts"], expected)


def test_lua_sandbox_refuses_what_it_must(lua51: Lua51) -> None:
    assert lua51.load("while true do end")[1].endswith("instruction budget exceeded")
    assert "nil value" in lua51.load('os.execute("id")')[1]
    assert lua51.load("\x1bLua")[1] == "binary chunk refused"


KEYWORDS = {
    "and",
    "break",
    "do",
    "else",
    "elseif",
    "end",
    "false",
    "for",
    "function",
    "goto",
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
}
NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True).filter(lambda s: s not in KEYWORDS)
STRING_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        " ",
        "0",
        "/",
        ":",
        ".",
        "-",
        "é",
        "€",
        "[",
        "]",
        "=",
        "'",
        '"',
        "\\n",
        "\\t",
        "\\\\",
        "\\a",
        "\\r",
        "\\065",
        "\\9",
        "\\200",
        "\\195\\169",
        "\\T",
        "\\e",
        "\\x41",
        "\\z",
        "\\\n",
    ]
)


@st.composite
def string_literal(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        level = "=" * draw(st.integers(0, 2))
        body = "".join(draw(st.lists(st.sampled_from(["a", " ", "\n", "\\T", "é", "\r\n", "x"]), max_size=6)))
        return f"[{level}[{body}]{level}]"
    quote = draw(st.sampled_from(['"', "'"]))
    pieces = draw(st.lists(STRING_PIECES, max_size=8))
    body = "".join(("\\" + p) if p == quote else p for p in pieces)
    return f"{quote}{body}{quote}"


def number_literal() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**6), 10**6).map(str),
        st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: math.copysign(1, x) > 0).map(repr),
        st.integers(0, 2**40).map(hex),
        st.sampled_from(["1e3", ".5", "3.", "0x1p4", "2^53"]),
    )


class Program:
    """A generated config and the kind of every name it defined, so references stay well typed."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.kinds: dict[str, str] = {}  # "x" (a local) or "scripts.k" -> "string" | "number" | ...

    def ref(self, kind: str) -> str | None:
        names = sorted(n for n, k in self.kinds.items() if k == kind)
        return self.draw(st.sampled_from(names)) if names and self.draw(st.booleans()) else None

    def expr(self, kind: str, depth: int = 0) -> str:
        draw = self.draw
        ref = self.ref(kind)
        if ref is not None:
            return ref
        deep = depth < 3 and draw(st.booleans())
        if kind == "string":
            if deep:
                op = draw(st.sampled_from(["..", "..", "or", "and"]))
                # a number is concatenated only as a literal: Lua 5.1's constant folding turns a computed -0
                # into "0" or "-0" depending on the function's constant table, which no reader should model
                right = draw(number_literal()) if op == ".." and draw(st.booleans()) else self.expr("string", depth + 1)
                return f"({self.expr('string', depth + 1)} {op} {right})"
            return draw(string_literal())
        if kind == "number":
            if deep:
                if draw(st.integers(0, 4)) == 0:
                    return f"(#({self.expr('string', depth + 1)}))"
                op = draw(st.sampled_from(["+", "-", "*", "/", "%", "^"]))
                left, right = self.expr("number", depth + 1), self.expr("number", depth + 1)
                return f"({left} {op} {right})" if draw(st.booleans()) else f"-({left})"
            return draw(number_literal())
        if kind == "bool":
            if deep:
                choice = draw(st.integers(0, 2))
                if choice == 0:
                    return f"not ({self.expr(draw(st.sampled_from(['bool', 'nil', 'string'])), depth + 1)})"
                if choice == 1:
                    op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "~="]))
                    return f"({self.expr('number', depth + 1)} {op} {self.expr('number', depth + 1)})"
                return f"({self.expr('string', depth + 1)} == {self.expr('string', depth + 1)})"
            return draw(st.sampled_from(["true", "false"]))
        if kind == "nil":
            return "nil"
        return self.table(depth)

    def table(self, depth: int) -> str:
        draw = self.draw
        fields = []
        for _ in range(draw(st.integers(0, 4 if depth < 3 else 0))):
            kind = draw(st.sampled_from(["string", "number", "bool", "table", "nil"]))
            value = self.expr(kind, depth + 1)
            form = draw(st.integers(0, 3))
            if form == 0:
                fields.append(f"{draw(NAMES)} = {value}")
            elif form == 1:
                key = draw(st.one_of(string_literal(), st.integers(-2, 5).map(str)))
                fields.append(f"[{key}] = {value}")
            else:
                fields.append(value)
        seps = [draw(st.sampled_from([", ", "; ", ",\n  "])) for _ in fields]
        body = "".join(f + s for f, s in zip(fields, seps, strict=True))
        if fields and draw(st.booleans()):
            body = body.rstrip(",; \n")
        return "{ " + body + " }"

    def statement(self) -> str:
        draw = self.draw
        target_form = draw(st.integers(0, 4))
        tables = sorted(n for n, k in self.kinds.items() if k == "table" and n.startswith("scripts."))
        if target_form == 1 and tables:
            # scalars only: a table stored into an older table could make a cycle
            value = self.expr(draw(st.sampled_from(["string", "number", "bool", "nil"])))
            return f"{draw(st.sampled_from(tables))}.{draw(NAMES)} = {value}"
        kind = draw(st.sampled_from(["string", "number", "bool", "table", "nil"]))
        value = self.expr(kind)
        if target_form == 0:
            name = draw(NAMES)
            self.kinds[name] = kind
            return f"local {name} = {value}"
        key = draw(NAMES)
        # the reader reads an unset scripts key as unknown (the LSR may fill scripts beforehand)
        if kind == "nil":
            self.kinds.pop(f"scripts.{key}", None)
        else:
            self.kinds[f"scripts.{key}"] = kind
        if target_form == 2:
            return f'scripts["{key}"] = {value}'
        return f"scripts.{key} = {value}"


@st.composite
def configs(draw: st.DrawFn) -> str:
    program = Program(draw)
    lines = []
    for _ in range(draw(st.integers(1, 10))):
        lines.append(program.statement())
        extra = draw(st.integers(0, 6))
        if extra == 0:
            lines[-1] += " -- " + draw(st.sampled_from(["note", "emslint: ignore[X] y", "[[ not long"]))
        elif extra == 1:
            lines.append(draw(st.sampled_from(["--[==[ long\ncomment ]==]", "--[[ c ]]", ""])))
        elif extra == 2:
            lines[-1] += ";"
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(src=configs())
def test_lua_generated_configs_equal_lua51(src: str) -> None:
    lua51 = _LUA51()
    expected, error, compiled = lua51.load(src)
    result = read_lua(src)
    if error is None:
        # Lua 5.1 merges the constants 0 and -0 of one chunk (they compare equal), so a later literal 0 can
        # print as "-0" after an earlier -(0): a quirk of its constant table that the reader does not copy.
        assume("-0" not in repr(expected))
        assert not _syntax_errors(result), [i.message for i in result.issues]
        assert result.unknown == {}
        assert _same(result.data["scripts"], expected), (result.data["scripts"], expected)
    elif not compiled:
        assert _syntax_errors(result), error
    else:  # a run-time error in Lua: the reader must not claim to know everything
        assert result.unknown or any(i.code == "lua-not-static" for i in result.issues), error


_RUNTIME: list[Lua51] = []


def _LUA51() -> Lua51:  # one sandbox for all generated examples
    if not _RUNTIME:
        _RUNTIME.append(Lua51())
    return _RUNTIME[0]


# ---------------------------------------------------------------------------------------- luaparser


def _luaparser_parses(src: str) -> bool:
    """luaparser's verdict. Only its SyntaxException counts as "refused": luaparser 4.2 raises ValueError for
    hex floats (``0x1p4``) after its grammar accepted them (a bug in its number conversion)."""
    ast = pytest.importorskip("luaparser.ast")
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            ast.parse(src)
        except ast.SyntaxException:
            return False
        except ValueError:
            return True
    return True


@pytest.mark.parametrize("case", [c for c in CASES if c.luaparser], ids=lambda c: c.name)
def test_lua_fixture_syntax_verdict_equals_luaparser(case: Case) -> None:
    result = read_lua(case.src)
    assert not _only_lua51(result)
    assert _luaparser_parses(case.src) == (not _syntax_errors(result))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(src=configs())
def test_lua_generated_configs_syntax_verdict_equals_luaparser(src: str) -> None:
    result = read_lua(src)
    if _only_lua51(result):
        return
    assert _luaparser_parses(src) == (not _syntax_errors(result))


BROKEN = st.sampled_from(
    [
        "scripts.a = = 1",
        "scripts.a = {",
        "scripts.a = }",
        'scripts.a = "x',
        "scripts.a == 1",
        "scripts.a 1",
        "local = 1",
        "scripts.a = 1 2",
        "scripts.a = [[x",
        "scripts.a = (1",
        "scripts.a = 1 +",
        "end",
        "scripts.a = { a = 1 b = 2 }",
        "if x then",
        "scripts.a = 3x",
        "scripts.a = 1 .. ",
    ]
)


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(src=configs(), broken=BROKEN, first=st.booleans())
def test_lua_broken_configs_syntax_verdict_equals_luaparser(src: str, broken: str, first: bool) -> None:
    src = f"{broken}\n{src}" if first else f"{src}{broken}\n"  # not inside a multi-line string
    result = read_lua(src)
    if _only_lua51(result):
        return
    assert _syntax_errors(result)
    assert not _luaparser_parses(src)
