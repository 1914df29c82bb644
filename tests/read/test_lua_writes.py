"""Writes to ``scripts`` the static reader cannot follow: every key they may touch is unknown, never wrong.

1. Fixtures per construct (aliases under conditions, function parameters and results, loop variables, unknown
   globals, computed keys, calls that may run code, replacing ``scripts`` or the environment, function bodies,
   conditional blocks, ``goto``): exact unknown pointers and ``unresolved_writes``.
2. Property, against real Lua 5.1 (lupa, sandboxed as in ``test_lua_oracles.py``, with a few more globals:
   ``flag``, ``pairs``, ``ipairs``, ``next``, ``select``, ``type``, ``setmetatable``, a sandboxed
   ``loadstring`` and ``ext``, a function that changes the table it gets): configs made of a base file and
   random writes through aliases, conditions, loops and functions; run with ``flag`` true and false. For every
   key, the reader's value equals Lua's, or the key is in ``unknown`` (or a write may change any key).
   The same for ``goto`` programs against Lua 5.4, which runs them (Lua 5.1 refuses ``goto``).
3. Bounded work, by counts and allocated memory (never by time): computed strings, tables shared many
   times, writes through unknown tables over many tables.
"""

from __future__ import annotations

import random
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emslint.read.lua_lexer import tokenize
from emslint.read.lua_reader import (
    MAX_COMPUTED_BYTES,
    MAX_MEMBERS,
    MAX_POINTER_CHECKS,
    _assignable_keys,
    read_lua,
)
from emslint.read.result import ReadResult, UnresolvedWrite
from tests.read.test_lua_oracles import Lua51

BASE = 'scripts.rap_ssl = true\nscripts.rap_host = "localhost"\nscripts.T = { file = "t.lua" }\n'
BASE_KEYS = {"/scripts/rap_ssl", "/scripts/rap_host", "/scripts/T"}

THROUGH = "an assignment through a table value that is not statically known"
COMPUTED = "an assignment with a computed key"
BODY = "an assignment inside a function body (it runs whenever the function is called)"
GOTO = "an assignment after a goto or label (Lua 5.1 refuses goto; Lua 5.2 and later may skip or repeat it)"
SSL_EVERYWHERE = ("/scripts/T/rap_ssl", "/scripts/rap_ssl")


def _writes(result: ReadResult) -> list[tuple]:
    return [(w.line, w.reason, w.pointers) for w in result.unresolved_writes]


# (id, source after BASE (line 4 on), unknown pointers, unresolved writes as (line, reason, pointers))
KNOWN_KEY = [
    ("if-alias", "if flag then s = scripts end\ns.rap_ssl = false\n", {"/scripts/rap_ssl", "/scripts/T/rap_ssl"},
     [(5, THROUGH, SSL_EVERYWHERE)]),
    ("and-or-alias", "local s = flag and scripts or {}\ns.rap_ssl = false\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(5, THROUGH, SSL_EVERYWHERE)]),
    ("if-else-alias", "local s\nif flag then s = scripts else s = {} end\ns.rap_ssl = false\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(6, THROUGH, SSL_EVERYWHERE)]),
    ("loop-alias", "local s = {}\nwhile flag do s = scripts end\ns.rap_ssl = false\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(6, THROUGH, SSL_EVERYWHERE)]),
    ("function-result", "local function h() return scripts end\nh().rap_ssl = false\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(5, THROUGH, SSL_EVERYWHERE)]),
    ("function-parameter", "local function f(t) t.rap_ssl = false end\nf(scripts)\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(4, THROUGH, SSL_EVERYWHERE)]),
    ("function-value-parameter", "local set = function(t, v) t.rap_ssl = v end\nset(scripts, false)\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(4, THROUGH, SSL_EVERYWHERE)]),
    ("method-self", "local o = {}\nfunction o:off(t) t.rap_ssl = false end\no:off(scripts)\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(5, THROUGH, SSL_EVERYWHERE)]),
    ("upvalue-set-by-a-function", "local s = {}\nlocal function set() s = scripts end\nset()\ns.rap_ssl = false\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(7, THROUGH, SSL_EVERYWHERE)]),
    ("pairs-loop-variable", "for _, v in pairs({ scripts }) do v.rap_ssl = false end\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(4, THROUGH, SSL_EVERYWHERE)]),
    ("ipairs-loop-variable", "for _, v in ipairs({ scripts }) do v.rap_ssl = false end\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(4, THROUGH, SSL_EVERYWHERE)]),
    ("next-loop-variable", "for _, v in next, { scripts } do v.rap_ssl = false end\n",
     {"/scripts/rap_ssl", "/scripts/T/rap_ssl"}, [(4, THROUGH, SSL_EVERYWHERE)]),
    ("unknown-global", "unknown_global.rap_ssl = false\n", {"/scripts/rap_ssl", "/scripts/T/rap_ssl"},
     [(4, THROUGH, SSL_EVERYWHERE)]),
    ("select-result", "select(2, nil, scripts).rap_ssl = false\n", {"/scripts/rap_ssl", "/scripts/T/rap_ssl"},
     [(4, THROUGH, SSL_EVERYWHERE)]),
    ("getfenv-level-0", "getfenv(0).scripts.rap_ssl = false\n", {"/scripts/rap_ssl", "/scripts/T/rap_ssl"},
     [(4, THROUGH, SSL_EVERYWHERE)]),
    ("package-loaded", "package.loaded._G.scripts.rap_ssl = false\n", {"/scripts/rap_ssl", "/scripts/T/rap_ssl"},
     [(4, THROUGH, SSL_EVERYWHERE)]),
    ("vararg", "local a = ...\na.rap_ssl = false\n", {"/scripts/rap_ssl", "/scripts/T/rap_ssl"},
     [(5, THROUGH, SSL_EVERYWHERE)]),
    ("rawset-unknown-table", 'rawset(unknown_global, "rap_ssl", false)\n', {"/scripts/rap_ssl", "/scripts/T/rap_ssl"},
     [(4, "rawset on a table that is not statically known", SSL_EVERYWHERE)]),
    ("nested-thing-through-alias", "local m = scripts.T\nif flag then m = {} end\nm.file = 'x.lua'\n",
     {"/scripts/T/file", "/scripts/file"}, [(6, THROUGH, ("/scripts/T/file", "/scripts/file"))]),
    # a later plain assignment wins again: it runs after the write, whatever table that one reached
    ("overridden-later", "if flag then s = scripts end\ns.rap_ssl = false\nscripts.rap_ssl = true\n"
     "scripts.T.rap_ssl = 1\n", set(), []),
]

ANY_KEY = [
    ("rawset-computed-key", 'rawset(scripts, os.getenv("K"), false)\n', "rawset with a computed key"),
    ("computed-key", 'scripts[os.getenv("K")] = false\n', COMPUTED),
    ("computed-key-in-a-loop", "for k in pairs(scripts) do scripts[k] = nil end\n", COMPUTED),
    ("constructor-computed-key", 'scripts = { rap_ssl = true, [os.getenv("K")] = false }\n',
     "a table constructor with a computed key", {"/scripts/rap_ssl"}),  # the old keys are gone: a new table
    ("loadstring", 'loadstring("scripts.rap_ssl = false")()\n', "a call of a function that is not statically known"),
    ("loadstring-later", 'local f = loadstring("scripts.rap_ssl = false")\nf()\n',
     "a call of a function that is not statically known"),
    ("dofile", 'dofile("/opt/site.lua")\n', "a call of dofile"),
    ("require", 'require("site")\n', "a call of require"),
    ("setfenv", "setfenv(1, { scripts = {} })\n", "a call of setfenv"),
    ("setmetatable", "setmetatable(scripts, {})\n", "a call of setmetatable"),
    ("pcall", "pcall(print)\n", "a call of pcall"),
    ("unknown-function-gets-scripts", "ext(scripts)\n", "a call of a function that is not statically known"),
    ("unknown-function-no-arguments", "site_setup()\n", "a call of a function that is not statically known"),
    ("table-insert", "table.insert(scripts.T, 1)\n", "a call of table.insert"),
    ("debug-sethook", 'debug.sethook(print, "l")\n', "a call of debug.sethook"),
    ("coroutine", "coroutine.wrap(print)()\n", "a call of coroutine.wrap"),
    ("unknown-iterator", "for x in site_iterator do end\n", "a generic for loop over an iterator that is not"),
    ("gsub-unknown-replacement", 'string.gsub("a", "a", site_function)\n', "a call of string.gsub"),
    ("replaced-library-function", 'os.getenv = site_function\nlocal v = os.getenv("X")\n',
     "a call of os.getenv"),
    ("print-with-replaced-tostring", "tostring = site_function\nprint(1)\n", "a call of print"),
    ("string-metatable", 'getmetatable("").__index = site_table\nlocal u = ("x"):upper()\n',
     "a call of a function that is not statically known"),
    ("replace-scripts-in-if", "if flag then scripts = {} end\n", "an assignment inside an if block"),
    ("replace-scripts-through-_G-in-if", "if flag then _G.scripts = {} end\n", "an assignment inside an if block"),
    ("replace-scripts-in-function", "function reset() scripts = {} end\n", BODY),
    ("replace-scripts-through-_G-in-function", "local function reset() _G.scripts = {} end\n", BODY),
    ("computed-global-in-a-loop", 'for _, k in ipairs({ "a" }) do _G[k] = 1 end\n',
     "an assignment with a computed key to the globals inside a loop or function body"),
    ("list-filled-in-a-loop", "for i = 1, 2 do scripts.T[i] = i end\n", THROUGH + " inside a loop or function body"),
]


@pytest.mark.parametrize("name, src, unknown, writes", KNOWN_KEY, ids=[c[0] for c in KNOWN_KEY])
def test_lua_write_of_a_known_key(name: str, src: str, unknown: set, writes: list) -> None:
    result = read_lua(BASE + src)
    assert set(result.unknown) == unknown
    assert _writes(result) == writes
    scripts = result.data["scripts"]
    if "/scripts/rap_host" not in unknown:
        assert scripts["rap_host"] == "localhost"  # what no write may reach is still read


@pytest.mark.parametrize("case", ANY_KEY, ids=[c[0] for c in ANY_KEY])
def test_lua_write_of_any_key(case: tuple) -> None:
    _name, src, reason, *unknown = case
    result = read_lua(BASE + src)
    assert set(result.unknown) >= (unknown[0] if unknown else BASE_KEYS)  # every key the file set, and ...
    assert any(w.pointers is None and w.reason.startswith(reason) for w in result.unresolved_writes), _writes(result)
    assert "rap_ssl" not in result.data["scripts"]


@pytest.mark.parametrize(
    "src",
    [
        'dofile("x.lua")\nscripts.rap_ssl = true\n',  # a metatable set by that code may catch the assignment
        "setmetatable(scripts, { __newindex = function() end })\nscripts.rap_ssl = true\n",
        "function f() scripts.rap_ssl = false end\nscripts.rap_ssl = true\nf()\n",  # the body runs later
        "local function f(t) t.rap_ssl = false end\nscripts.rap_ssl = true\nf(scripts)\n",
    ],
)
def test_lua_assignments_after_what_may_run_later_are_not_certain(src: str) -> None:
    result = read_lua(BASE + src)
    assert "/scripts/rap_ssl" in result.unknown
    assert result.unresolved_writes


def test_lua_conditional_assignments_are_unresolved_writes() -> None:
    src = (
        "if flag then scripts.a = 1 elseif other then scripts.b = 2 else scripts.c = 3 end\n"
        "while flag do scripts.d = 4 end\nrepeat scripts.e = 5 until flag\nfor i = 1, 2 do scripts.f = i end\n"
        "if flag then return end\nscripts.g = 7\n"
    )
    result = read_lua(BASE + src)
    assert _writes(result) == [
        (4, "an assignment inside an if block", ("/scripts/a",)),
        (4, "an assignment inside an if block", ("/scripts/b",)),
        (4, "an assignment inside an if block", ("/scripts/c",)),
        (5, "an assignment inside a while loop", ("/scripts/d",)),
        (6, "an assignment inside a repeat loop", ("/scripts/e",)),
        (7, "an assignment inside a for loop", ("/scripts/f",)),
        (9, "an assignment after a conditional return", ("/scripts/g",)),
    ]
    assert result.data["scripts"]["rap_ssl"] is True


def test_lua_function_bodies_change_keys_for_good() -> None:
    src = "function g() scripts.rap_ssl = false end\nscripts.rap_ssl = true\ng()\nscripts.rap_host = 'h'\n"
    result = read_lua(BASE + src)
    assert _writes(result) == [(4, BODY, ("/scripts/rap_ssl",))]
    assert "/scripts/rap_ssl" in result.unknown
    assert result.data["scripts"]["rap_host"] == "h"


@pytest.mark.parametrize(
    "src, line",
    [
        ("goto skip\nscripts.rap_ssl = false\n::skip::\n", 5),  # Lua 5.2+ skips the assignment
        ("if flag then goto skip end\nscripts.rap_ssl = false\n::skip::\n", 5),
        ("::top::\nscripts.rap_ssl = false\nif flag then goto top end\n", 5),  # a loop
        ("do goto skip end\nscripts.rap_ssl = false\n::skip::\n", 5),
    ],
)
def test_lua_goto_makes_what_follows_uncertain(src: str, line: int) -> None:
    result = read_lua(BASE + "scripts.before = 1\n" + src)
    assert result.data["scripts"]["before"] == 1 and result.data["scripts"]["rap_host"] == "localhost"
    assert "/scripts/rap_ssl" in result.unknown
    assert (line + 1, GOTO, ("/scripts/rap_ssl",)) in _writes(result)


def test_lua_writes_that_reach_nothing_in_scripts_are_not_listed() -> None:
    src = "local t = {}\nif flag then t.x = 1 end\nif flag then x = 1 end\nlocal u = {}\nu[os.getenv('K')] = 1\n"
    result = read_lua(BASE + src)
    assert result.unresolved_writes == []
    assert result.unknown == {}


def test_lua_a_table_written_under_a_condition_then_put_in_scripts() -> None:
    result = read_lua(BASE + "local t = { a = 1 }\nif flag then t.a = 2 end\nscripts.N = t\n")
    assert result.unknown == {"/scripts/N/a": "assigned inside an if block"}
    assert _writes(result) == [(5, "an assignment inside an if block", ("/scripts/N/a",))]


def test_lua_unresolved_write_type() -> None:
    [write] = read_lua(BASE + "if flag then scripts.rap_ssl = false end\n").unresolved_writes
    assert write == UnresolvedWrite(4, 14, "an assignment inside an if block", ("/scripts/rap_ssl",))


def test_lua_write_reasons_never_contain_names_or_values_of_the_file() -> None:
    secret = "hunter2xyz"
    src = (
        f'{secret}(scripts)\nscripts[{secret}] = 1\nrawset(scripts, {secret}, 1)\n{secret}.rap_ssl = "{secret}"\n'
        f'if {secret} then scripts.rap_ssl = "{secret}" end\nlocal {secret} = loadstring("{secret}")\n{secret}()\n'
        f"for x in {secret} do end\nscripts.p = {secret}\n"
    )
    result = read_lua(BASE + src)
    texts = [w.reason for w in result.unresolved_writes] + list(result.unknown.values())
    texts += [i.message for i in result.issues]
    assert result.unresolved_writes
    assert not [t for t in texts if secret in t]


def test_lua_assignable_keys_scan() -> None:
    src = (
        'a = 1\nlocal b, c = 2\nt.d = 3\nt["e"] = 4\nt[5] = 6\nfunction f.g:h() end\nlocal function i() end\n'
        "x = { y = 1 }\nprint(z)\n"
    )
    keys, any_key = _assignable_keys(tokenize(src).tokens, src)
    assert keys == {b"a", b"b", b"c", b"d", b"e", 5.0, b"h", b"i", b"x", b"y"}
    assert not any_key
    for computed in ("t[k] = 1\n", "rawset(t, 'k', 1)\n", "t[1 + 1], u = 1, 2\n"):
        assert _assignable_keys(tokenize(computed).tokens, computed)[1], computed


def test_lua_loops_read_what_they_may_change_as_unknown() -> None:
    # the second iteration writes scripts.rap_ssl through cur; a single pass would write the box only
    src = "local box = {}\nlocal cur = box\nfor i = 1, 2 do cur.rap_ssl = false; cur = scripts end\n"
    result = read_lua(BASE + src)
    assert "/scripts/rap_ssl" in result.unknown
    src = 'local k = "x"\nfor i = 1, 2 do scripts[k] = false; k = "rap_ssl" end\n'
    assert "/scripts/rap_ssl" in read_lua(BASE + src).unknown
    # what the loop cannot change is still read
    src = 'for _, n in ipairs({ "a", "b" }) do scripts[n] = { file = string.format("%s.lua", n) } end\n' \
          "scripts.rap_port = 8000\n"
    result = read_lua(BASE + src)
    assert result.data["scripts"] == {"rap_port": 8000}
    assert _writes(result) == [(4, COMPUTED, None)]


# ------------------------------------------------------------------------------- property: never wrong


EXTRA = """
function(flag)
  return function(env)
    env.flag = flag
    env.pairs, env.ipairs, env.next, env.select, env.type = pairs, ipairs, next, select, type
    env.setmetatable = setmetatable
    env.loadstring = function(s)
      local g, e = loadstring(s)
      if g then setfenv(g, env) end
      return g, e
    end
    env.ext = function(t) if type(t) == "table" then t.rap_ssl = "ext" end return t end
  end
end
"""

KEYS = ["rap_ssl", "rap_host", "x"]
VALUES = ["true", "false", "1", "'v'", "nil", "{ a = 1 }"]
TEMPLATES = [
    "_G.scripts.{K} = {V}", '_G["scripts"].{K} = {V}', "local s = scripts; s.{K} = {V}",
    "local t = {{ scripts }}; t[1].{K} = {V}", "local t = {{ s = scripts }}; t.s.{K} = {V}",
    "getfenv().scripts.{K} = {V}", "getfenv(1).scripts.{K} = {V}", "if flag then scripts.{K} = {V} end",
    "if flag then al = scripts else al = {{}} end; al.{K} = {V}", "local a = flag and scripts or {{}}; a.{K} = {V}",
    'rawset(scripts, "{K}", {V})', 'rawset(scripts, flag and "{K}" or "{K2}", {V})',
    "for _, v in pairs({{ scripts }}) do v.{K} = {V} end", "for i = 1, 2 do scripts.{K} = {V} end",
    "while flag do scripts.{K} = {V}; flag = false end", "local function f(t) t.{K} = {V} end f(scripts)",
    "function g() scripts.{K} = {V} end g()", "local function h() return scripts end h().{K} = {V}",
    "ext(scripts)", 'loadstring("scripts.{K} = {V}")()', "scripts = {{ {K} = {V} }}",
    "_G.scripts = {{ {K} = {V} }}", "if flag then scripts = {{ {K} = {V} }} end", "scripts.{K} = nil",
    "_G = {{ scripts = {{}} }}; _G.scripts.{K} = {V}",
    "setmetatable(scripts, {{ __newindex = function(t, k, v) rawset(t, k, 'meta') end }})",
    "local a = {{}}; local b = a; b.{K} = {V}; scripts.{K2} = a", "scripts.T.{K} = {V}",
    "local m = scripts.T; if flag then m = scripts end; m.{K} = {V}",
    "local u = {{}}; for _, x in ipairs({{ u, scripts }}) do x.{K} = {V} end",
    "repeat local q = scripts; q.{K} = {V} until true", "do local d = scripts; d.{K} = {V} end",
    "local box = {{}}; local cur = box; for i = 1, 2 do cur.{K} = {V}; cur = scripts end",
    'local k = "{K2}"; for i = 1, 2 do scripts[k] = {V}; k = "{K}" end', 'scripts["{K}"] = {V}',
    "local e = getfenv(); e.scripts.{K} = {V}", "_G._G.scripts.{K} = {V}",
    "local w = {{}}; function w.set(t) t.{K} = {V} end; w.set(scripts)",
    "local alias = scripts; scripts = {{}}; alias.{K} = {V}", "scripts.{K} = {V}",
    "local hold = scripts.T; scripts.T = {{}}; hold.{K} = {V}",
    "local r = {{}}; r[1] = scripts; r[1].{K} = {V}", "local p = {{}}; p.q = {{}}; p.q.r = scripts; p.q.r.{K} = {V}",
    "local c = scripts; for i = 1, 2 do c.{K} = {V} end",
    "local i = 0; repeat i = i + 1; scripts.{K} = {V} until i > 1",
    "scripts.{K} = flag", "local lst = {{ scripts.T }}; lst[1].{K} = {V}",
    "local sel = select(2, 0, scripts); sel.{K} = {V}", "local up = {{}}; local function set() up = scripts end; "
    "set(); up.{K} = {V}", "local cnt = 0; for _, t in ipairs({{ scripts, scripts.T }}) do t.{K} = {V} end",
    "if flag then return end", "do local x = scripts.T; x.{K} = {V} end", "do scripts.T = {{ {K} = {V} }} end",
    "local n = {{}}; n.{K} = {V}; scripts.{K2} = n",
]
WRAPPERS = ["{S}", "{S}", "{S}", "if flag then {S} end", "for i = 1, 2 do {S} end", "do {S} end",
            "local function wrap() {S} end wrap()", "while flag do {S}; break end"]


def _program(choose) -> str:  # choose(sequence) -> one of its items
    lines = BASE.splitlines()
    for _ in range(choose((1, 2, 3, 4))):
        template = choose(TEMPLATES)
        value = choose(VALUES[:5] if "loadstring" in template else VALUES)
        statement = template.format(K=choose(KEYS), K2=choose(KEYS), V=value)
        lines.append(choose(WRAPPERS).replace("{S}", statement))
    if choose((True, False)):
        lines.append(f"scripts.{choose(KEYS)} = {choose(VALUES)}")
    return "\n".join(lines) + "\n"


@st.composite
def write_programs(draw: st.DrawFn) -> str:
    return _program(lambda items: draw(st.sampled_from(items)))


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _wrong_values(ours: object, lua: object, pointer: str, result: ReadResult, any_key: bool) -> list:
    """Pointers where the reader claims a value (or an absence) that Lua did not produce."""
    if pointer in result.unknown:
        return []
    if isinstance(ours, dict) and isinstance(lua, dict):
        wrong = []
        for key in sorted(set(ours) | set(lua)):
            child = f"{pointer}/{_escape(key)}"
            if child in result.unknown:
                continue
            if key not in ours:
                if not any_key:
                    wrong.append((child, "absent", lua[key]))
            elif key not in lua:
                wrong.append((child, ours[key], "absent"))
            else:
                wrong += _wrong_values(ours[key], lua[key], child, result, any_key)
        return wrong
    if isinstance(ours, list) and isinstance(lua, list) and len(ours) == len(lua):
        return [w for i, (a, b) in enumerate(zip(ours, lua, strict=True))
                for w in _wrong_values(a, b, f"{pointer}/{i}", result, any_key)]
    return [] if type(ours) is type(lua) and ours == lua else [(pointer, ours, lua)]


_ORACLE: list = []


def _lua51() -> tuple:
    if not _ORACLE:
        lua = Lua51()
        factory = lua.runtime.eval(EXTRA)
        _ORACLE.append((lua, {flag: factory(flag) for flag in (True, False)}))
    return _ORACLE[0]


def _check_never_wrong(src: str, runs: list) -> int:
    """Compare with every run that finished; returns how many did."""
    result = read_lua(src)
    any_key = any(w.pointers is None for w in result.unresolved_writes)
    finished = 0
    for expected in runs:
        if expected is None:
            continue
        finished += 1
        wrong = _wrong_values(result.data["scripts"], expected, "/scripts", result, any_key)
        assert not wrong, (src, wrong, result.unknown, result.unresolved_writes)
    return finished


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(src=write_programs())
def test_lua_reader_is_never_wrong_about_a_write_lua51(src: str) -> None:
    lua, extras = _lua51()
    runs = []
    for flag in (True, False):
        table, error, _compiled = lua.load(src, extras[flag])
        runs.append(table if error is None else None)
    _check_never_wrong(src, runs)


def test_lua_property_programs_do_run_in_lua51() -> None:
    """The property above is not vacuous: most generated programs run, and most keys stay known."""
    lua, extras = _lua51()
    finished = known = 0
    rng = random.Random(0)
    programs = [_program(rng.choice) for _ in range(60)]
    for src in programs:
        runs = []
        for flag in (True, False):
            table, error, _compiled = lua.load(src, extras[flag])
            runs.append(table if error is None else None)
        finished += _check_never_wrong(src, runs)
        known += sum(f"/scripts/{k}" not in read_lua(src).unknown for k in KEYS)
    assert finished >= 60  # of 120 runs
    assert known >= 40  # of 180 keys


GOTO_STATEMENTS = ["scripts.{K} = {V}", "if flag then scripts.{K} = {V} end", "do scripts.{K} = {V} end",
                   "_G.scripts.{K} = {V}", "cnt = (cnt or 0) + 1"]


@st.composite
def goto_programs(draw: st.DrawFn) -> str:
    lines = ["scripts.rap_ssl = true", 'scripts.x = "a"']
    for n in range(draw(st.integers(1, 5))):
        statement = draw(st.sampled_from(GOTO_STATEMENTS)).format(
            K=draw(st.sampled_from(KEYS)), V=draw(st.sampled_from(["true", "false", "'v'", "nil"]))
        )
        form = draw(st.integers(0, 4))
        if form == 0:
            lines += [f"goto l{n}", statement, f"::l{n}::"]
        elif form == 1:
            lines += [f"if flag then goto l{n} end", statement, f"::l{n}::"]
        elif form == 2:
            lines += [f"::b{n}::", "cnt = (cnt or 0) + 1", statement, f"if cnt < 3 then goto b{n} end"]
        elif form == 3:
            lines += [f"do goto d{n} end", statement, f"::d{n}::"]
        else:
            lines.append(statement)
    return "\n".join(lines) + "\n"


GOTO_SANDBOX = """
function(src, flag)
  local env = { scripts = {}, flag = flag }
  env._G = env
  local f, err = load(src, "=config.lua", "t", env)
  if not f then return nil, err, false end
  debug.sethook(function() error("instruction budget exceeded") end, "", 1000000)
  local ok, e = pcall(f)
  debug.sethook()
  if not ok then return nil, e, true end
  return env.scripts, nil, true
end
"""
_LUA54: list = []


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(src=goto_programs())
def test_lua_reader_is_never_wrong_after_goto_lua54(src: str) -> None:
    """Lua 5.1 refuses goto; Lua 5.4 runs it (5.2, 5.3 and LuaJIT alike): the reader must not be wrong there."""
    if not _LUA54:
        lua54 = pytest.importorskip("lupa.lua54")
        runtime = lua54.LuaRuntime(register_eval=False, register_builtins=False, unpack_returned_tuples=True,
                                   encoding=None, max_memory=32 * 1024 * 1024)
        _LUA54.append((lua54, runtime.eval(GOTO_SANDBOX)))
    module, run = _LUA54[0]
    plain = Lua51.__new__(Lua51)
    plain.lupa = module
    runs = []
    for flag in (True, False):
        table, error, compiled = run(src.encode(), flag)
        assert compiled, error
        runs.append(None if table is None else plain._plain(table, force_dict=True))
    _check_never_wrong(src, runs)


# ---------------------------------------------------------------------------------------- bounded work


def _peak(src: str) -> tuple[ReadResult, int]:
    tracemalloc.start()
    try:
        result = read_lua(src)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_lua_doubling_a_string_is_not_built() -> None:
    """1.5 KB doubling a string 40 times asked for 2**40 bytes (3.6 GB reached before the cap)."""
    src = 'local s = "' + "x" * 1000 + '"\n' + "s = s .. s\n" * 40
    src += "scripts.rap_password = s\nscripts.rap_ssl = true\n"
    assert len(src) < 1600
    result, peak = _peak(src)
    assert peak < 4 * MAX_COMPUTED_BYTES
    assert result.unknown == {"/scripts/rap_password": "a computed string too large to build"}
    assert result.data["scripts"] == {"rap_ssl": True}
    [too_large] = [i for i in result.issues if i.code == "lua-too-large"]
    assert (too_large.line, too_large.column) == (13, 7)  # 1000 * 2**12 bytes > 4 MiB
    assert "x" * 20 not in too_large.message


def test_lua_computed_strings_share_one_budget() -> None:
    """Many strings just below any per-string cap: together they stay within MAX_COMPUTED_BYTES."""
    big = "y" * 100_000
    src = f'local b = "{big}"\n' + "".join(f'scripts.k{i} = b .. "{i}"\n' for i in range(200))
    result, peak = _peak(src)
    built = sum(len(v) for v in result.data["scripts"].values())
    assert built <= MAX_COMPUTED_BYTES
    assert 0 < len(result.unknown) < 200
    assert peak < 3 * MAX_COMPUTED_BYTES + 20 * len(src)  # without the budget: 200 * 100 KB = 20 MB of strings


def test_lua_table_shared_many_times_is_not_copied_without_end() -> None:
    src = "local t = { 1 }\n" + "t = { t, t }\n" * 40 + "scripts.x = t\nscripts.y = 1\n"
    result = read_lua(src)
    assert len(result.positions) < 2 * MAX_MEMBERS
    assert result.data["scripts"]["y"] == 1
    assert "lua-too-large" in {i.code for i in result.issues}


@pytest.mark.parametrize("tables", [1000, 2000])
def test_lua_writes_through_unknown_tables_over_many_tables_are_capped(tables: int) -> None:
    src = "".join(f"scripts.T{i} = {{}}\n" for i in range(tables))
    src += "".join(f"if flag then s = scripts end\ns.k{i} = 1\n" for i in range(tables))
    result = read_lua(src)
    assert len(result.unknown) <= MAX_POINTER_CHECKS + tables
    assert len(result.unresolved_writes) == tables
    # past the cap a write counts as one that may change any key: no pointer is missed
    assert [w for w in result.unresolved_writes if w.pointers is None]
    small = read_lua("".join(f"scripts.T{i} = {{}}\n" for i in range(20)) + "if flag then s = scripts end\ns.k = 1\n")
    [write] = small.unresolved_writes
    assert write.pointers is not None and len(write.pointers) == 21 == len(small.unknown)
