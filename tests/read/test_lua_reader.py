"""Fixtures for the static config.lua reader: input -> exact data, unknown pointers and issues.

Every fixture with ``lua51=True`` is also run through real Lua 5.1 (lupa, sandboxed) by
``test_lua_oracles.py``, so its expected ``scripts`` are what Lua 5.1 builds; ``luaparser=True`` fixtures
are checked against luaparser's verdict (parses / syntax error).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emslint.read.lua_reader import MAX_ISSUES, read_lua
from emslint.read.result import ReadResult

SYNTAX = "lua-syntax-error"
INVALID = "lua-invalid-escape"
CONTROL = "lua-control-escape"
NOT_STATIC = "lua-not-static"
OR = "lua-or-expression"
DEEP = "lua-too-deep"
BOM = "lua-bom"


@dataclass(frozen=True)
class Case:
    name: str
    src: str
    scripts: dict | None  # expected data["scripts"]; None: nothing usable (fatal, data is None)
    issues: frozenset = frozenset()  # {(code, line, column, pointer)}
    unknown: dict = field(default_factory=dict)  # pointer -> reason
    positions: dict = field(default_factory=dict)  # a subset of the expected positions
    key_positions: dict = field(default_factory=dict)
    comments: list | None = None
    lua51: bool = False  # real Lua 5.1 loads and runs it and must build the same scripts table
    luaparser: bool = True  # luaparser must agree on "parses" / "syntax error"
    had_bom: bool = False
    writes: tuple | None = None  # expected unresolved writes (line, column, reason, pointers); None: not checked


def issues(*items: tuple) -> frozenset:
    return frozenset(items)


BLOG = """\
scripts.rap_host = "127.0.0.1"
scripts.rap_port = 8000
scripts.rap_ssl = true
scripts.rap_server_authenticate = true
scripts.rap_userid = "admin"
scripts.rap_cert_file = "C:\\ThingWorx\\ems.cer"
scripts.rap_deny_selfsigned = true
scripts.rap_validate = true
scripts.rap_password = "EMSAdmin"
scripts.script_resource_userid = "admin"
scripts.script_resource_password = "EMSAdmin"
scripts.script_resource_ssl = false
scripts.script_resource_authenticate = true
"""

BLOG_SCRIPTS = {
    "rap_host": "127.0.0.1",
    "rap_port": 8000,
    "rap_ssl": True,
    "rap_server_authenticate": True,
    "rap_userid": "admin",
    "rap_cert_file": "C:ThingWorxems.cer",  # Lua 5.1 drops the backslash of \T and \e
    "rap_deny_selfsigned": True,
    "rap_validate": True,
    "rap_password": "EMSAdmin",
    "script_resource_userid": "admin",
    "script_resource_password": "EMSAdmin",
    "script_resource_ssl": False,
    "script_resource_authenticate": True,
}

CASES = [
    Case(
        "blog-example",
        BLOG,
        BLOG_SCRIPTS,
        issues((INVALID, 6, 28, "/scripts/rap_cert_file")),
        positions={"/scripts/rap_port": (2, 20), "/scripts/rap_cert_file": (6, 25)},
        key_positions={"/scripts/rap_port": (2, 9), "/scripts/rap_cert_file": (6, 9)},
        lua51=True,
        luaparser=False,
    ),
    Case(
        "blog-example-forward-slashes",
        BLOG.replace("C:\\ThingWorx\\ems.cer", "C:/ThingWorx/ems.cer"),
        {**BLOG_SCRIPTS, "rap_cert_file": "C:/ThingWorx/ems.cer"},
        lua51=True,
    ),
    Case(
        "long-strings",
        "scripts.a = [[C:\\ThingWorx\\ems.cer]]\nscripts.b = [==[a]]b]==]\n"
        "scripts.c = [[\nfirst line\nsecond]]\n"
        'scripts.d = [=[\n]=]\nscripts.e = "after"\n',
        {"a": "C:\\ThingWorx\\ems.cer", "b": "a]]b", "c": "first line\nsecond", "d": "", "e": "after"},
        positions={"/scripts/c": (3, 13), "/scripts/e": (8, 13)},
        lua51=True,
    ),
    Case(
        "comments",
        "-- leading comment\nscripts.a = 1 -- trailing\n--[[ block\ncomment ]] scripts.b = 2\n"
        '--[==[ level 2 ]] still ]==]\nscripts.c = "--not a comment"\n'
        "-- emslint: ignore[EMS201] reason here\n",
        {"a": 1, "b": 2, "c": "--not a comment"},
        positions={"/scripts/b": (4, 24)},
        comments=[
            (1, " leading comment"),
            (2, " trailing"),
            (3, " block\ncomment "),
            (5, " level 2 ]] still "),
            (7, " emslint: ignore[EMS201] reason here"),
        ],
        lua51=True,
    ),
    Case(
        "crlf",
        "scripts.a = 1\r\nscripts.b = [[\r\nx\r\ny]]\r\n\r\nscripts.c = 'z'\r\n",
        {"a": 1, "b": "x\ny", "c": "z"},
        positions={"/scripts/c": (6, 13)},
        lua51=True,
    ),
    Case(
        "valid-escapes",
        'scripts.a = "tab\\there"\nscripts.b = \'quote\\\'s "x" \\\\ back\'\nscripts.c = "\\65\\066\\0671"\n'
        'scripts.d = "line\\\nnext"\nscripts.e = "after"\n',
        {"a": "tab\there", "b": 'quote\'s "x" \\ back', "c": "ABC1", "d": "line\nnext", "e": "after"},
        issues((CONTROL, 1, 17, "/scripts/a")),
        positions={"/scripts/e": (6, 13)},
        lua51=True,
    ),
    Case(
        "lua51-escapes",
        'scripts.a = "\\x41\\u{48}\\z  x"\nscripts.b = "C:\\new\\table"\nscripts.c = "\\P\\q"\n',
        {"a": "x41u{48}z  x", "b": "C:\new\table", "c": "Pq"},
        issues(
            (INVALID, 1, 14, "/scripts/a"), (CONTROL, 2, 16, "/scripts/b"), (INVALID, 3, 14, "/scripts/c")
        ),
        lua51=True,
        luaparser=False,
    ),
    Case(
        "control-and-high-bytes",
        'scripts.a = "\\5\\0\\127"\nscripts.b = "\\200\\65"\n',
        {"a": "\x05\x00\x7f", "b": "\udcc8A"},  # bytes that are not UTF-8 come back as surrogate escapes
        issues((CONTROL, 1, 14, "/scripts/a")),
        lua51=True,
    ),
    Case(
        "escape-in-local-gets-the-pointer-of-its-use",
        'local p = "C:\\Temp\\x"\nscripts.path = p\n',
        {"path": "C:Tempx"},
        issues((INVALID, 1, 14, "/scripts/path")),
        lua51=True,
        luaparser=False,
    ),
    Case(
        "locals",
        'local host = "ems.local"\nlocal port, ssl = 8443, true\nlocal unset\nscripts.rap_host = host\n'
        "scripts.rap_port = port\nscripts.rap_ssl = ssl\nscripts.unset = unset\n"
        'local host = host .. ":" .. port\nscripts.url = host\n'
        "local x, y = 1\nscripts.y = y\nscripts.x = x\n",
        {"rap_host": "ems.local", "rap_port": 8443, "rap_ssl": True, "url": "ems.local:8443", "x": 1},
        positions={"/scripts/rap_host": (4, 20)},
        lua51=True,
    ),
    Case(
        "local-attribs-lua54",
        'local a <const>, b <close> = "x", nil\nscripts.a = a\nscripts.b = b\n',
        {"a": "x"},
    ),
    Case(
        "concatenation",
        'scripts.a = 1 .. 2\nscripts.b = "v" .. 1.5\nscripts.c = 10 / 4 .. ""\nscripts.d = 2^53 .. ""\n'
        'scripts.e = 1e15 .. ""\nscripts.f = "port" .. 8000 + 1\nscripts.g = 0x10 .. ""\n'
        'scripts.h = "a" .. "b" .. "c"\n',
        {
            "a": "12",
            "b": "v1.5",
            "c": "2.5",
            "d": "9.007199254741e+15",
            "e": "1e+15",
            "f": "port8001",
            "g": "16",
            "h": "abc",
        },
        lua51=True,
    ),
    Case(
        "arithmetic-and-comparison",
        "scripts.a = 1 + 2 * 3 - 4 / 2\nscripts.b = -2 ^ 2\nscripts.c = 7 % 3\nscripts.d = -7 % 3\n"
        'scripts.e = "10" + 5\nscripts.f = (1 + 2) * 3\nscripts.g = 2 ^ 3 ^ 2\nscripts.h = #"abcd"\n'
        "scripts.i = 1.5e3\nscripts.j = 0x1F\nscripts.k = 5 / 2\nscripts.l = 1 < 2\n"
        'scripts.m = "a" == "a"\nscripts.n = not nil\nscripts.o = 0x1p4\nscripts.p = .5\nscripts.q = -0x10\n'
        'scripts.r = 2^63\nscripts.s = "0x10" * 1\nscripts.t = 1 ~= 1\n',
        {
            "a": 5,
            "b": -4,
            "c": 1,
            "d": 2,
            "e": 15,
            "f": 9,
            "g": 512,
            "h": 4,
            "i": 1500,
            "j": 31,
            "k": 2.5,
            "l": True,
            "m": True,
            "n": True,
            "o": 16,
            "p": 0.5,
            "q": -16,
            "r": 2.0**63,
            "s": 16,
            "t": False,
        },
        lua51=True,
    ),
    Case(
        "or-and",
        'scripts.log_audit_target = "file://" or "http://"\nscripts.b = nil or "dflt"\n'
        'scripts.c = false and "x"\nscripts.d = 1 and 2 or 3\nscripts.e = "x" and nil\n',
        {"log_audit_target": "file://", "b": "dflt", "c": False, "d": 2},
        issues(
            (OR, 1, 38, "/scripts/log_audit_target"),
            (OR, 2, 17, "/scripts/b"),
            (OR, 3, 19, "/scripts/c"),
            (OR, 4, 15, "/scripts/d"),
            (OR, 5, 17, ""),
        ),
        lua51=True,
    ),
    Case(
        # standard functions that neither run code nor change a table: only their results are unknown
        "calls-are-never-run",
        'scripts.home = os.getenv("EMS_HOME")\nscripts.out = os.execute("id")\n'
        'local f = io.open("/etc/passwd")\n'
        'scripts.file = f\nscripts.code = loadstring("return 1")\nscripts.line = f:read("*l")\n'
        'scripts.ok = "fixed-value"\nscripts.s = ("x"):upper()\nscripts.n = tonumber(os.getenv("PORT"))\n',
        {"ok": "fixed-value"},
        issues(
            (NOT_STATIC, 1, 16, "/scripts/home"),
            (NOT_STATIC, 2, 15, "/scripts/out"),
            (NOT_STATIC, 4, 16, "/scripts/file"),
            (NOT_STATIC, 5, 16, "/scripts/code"),
            (NOT_STATIC, 6, 16, "/scripts/line"),
            (NOT_STATIC, 8, 13, "/scripts/s"),
            (NOT_STATIC, 9, 13, "/scripts/n"),
        ),
        unknown={
            "/scripts/home": "function call os.getenv",
            "/scripts/out": "function call os.execute",
            "/scripts/file": "function call io.open",
            "/scripts/code": "function call loadstring",
            "/scripts/line": "function call file:read",
            "/scripts/s": "function call string.upper",
            "/scripts/n": "function call tonumber",
        },
        positions={"/scripts/home": (1, 16)},
        writes=(),
    ),
    Case(
        # dofile, require ... may run any code: no value is certain any more, also those assigned later
        "code-may-run",
        'scripts.a = 1\nscripts.T = { file = "t.lua" }\ndofile("/tmp/other.lua")\nscripts.b = 2\n'
        'local m = require("mod")\nscripts.u = f{1}\n',
        {},
        issues(
            (NOT_STATIC, 1, 13, "/scripts/a"),
            (NOT_STATIC, 2, 13, "/scripts/T"),
            (NOT_STATIC, 4, 13, "/scripts/b"),
            (NOT_STATIC, 6, 13, "/scripts/u"),
        ),
        unknown={
            "/scripts/a": "a call of dofile on line 3 may change it",
            "/scripts/T": "a call of dofile on line 3 may change it",
            "/scripts/b": "a call of dofile on line 3 may change it",
            "/scripts/u": "a call of dofile on line 3 may change it",
        },
        positions={"/scripts/b": (4, 13)},
        writes=(
            (3, 1, "a call of dofile (it may run any code)", None),
            (5, 11, "a call of require (it may run any code)", None),
            (6, 13, "a call of a function that is not statically known (it may run any code)", None),
        ),
    ),
    Case(
        "loops-blocks-functions",
        "local port = 8000\nfor i = 1, 3 do scripts.loop = i end\nwhile false do scripts.w = 1 end\n"
        "repeat scripts.r = 1 until true\nif port then scripts.cond = 1 else scripts.cond2 = 2 end\n"
        'do scripts.inner = "once" end\nfunction scripts.cb() scripts.fn = 1 end\n'
        "local function g() port = 1 end\nscripts.port = port\n"
        'scripts.after = "ok"\n',
        {"inner": "once", "after": "ok"},
        issues(
            (NOT_STATIC, 2, 32, "/scripts/loop"),
            (NOT_STATIC, 3, 28, "/scripts/w"),
            (NOT_STATIC, 4, 20, "/scripts/r"),
            (NOT_STATIC, 5, 29, "/scripts/cond"),
            (NOT_STATIC, 5, 52, "/scripts/cond2"),
            (NOT_STATIC, 7, 10, "/scripts/cb"),
            (NOT_STATIC, 7, 36, "/scripts/fn"),
            (NOT_STATIC, 9, 16, "/scripts/port"),
        ),
        unknown={
            "/scripts/loop": "assigned inside a for loop",
            "/scripts/w": "assigned inside a while loop",
            "/scripts/r": "assigned inside a repeat loop",
            "/scripts/cond": "assigned inside an if block",
            "/scripts/cond2": "assigned inside an if block",
            "/scripts/cb": "a function",
            "/scripts/fn": "assigned inside a function",
            "/scripts/port": "assigned inside a function",
        },
        writes=(
            (2, 17, "an assignment inside a for loop", ("/scripts/loop",)),
            (3, 16, "an assignment inside a while loop", ("/scripts/w",)),
            (4, 8, "an assignment inside a repeat loop", ("/scripts/r",)),
            (5, 14, "an assignment inside an if block", ("/scripts/cond",)),
            (5, 36, "an assignment inside an if block", ("/scripts/cond2",)),
            (7, 23, "an assignment inside a function body (it runs whenever the function is called)", ("/scripts/fn",)),
        ),
    ),
    Case(
        # a computed key may be any key: what was set before the loop is unknown, what is set after is read
        "computed-key-in-a-loop",
        'scripts.rap_ssl = true\nscripts.T = { file = "t.lua" }\n'
        'for k, v in pairs({}) do scripts[k] = v end\nscripts.after = "ok"\n',
        {"after": "ok"},
        issues((NOT_STATIC, 1, 19, "/scripts/rap_ssl"), (NOT_STATIC, 2, 13, "/scripts/T")),
        unknown={
            "/scripts/rap_ssl": "an assignment with a computed key on line 3 may change it",
            "/scripts/T": "an assignment with a computed key on line 3 may change it",
        },
        writes=((3, 26, "an assignment with a computed key", None),),
    ),
    Case(
        "nil-removes",
        'scripts.a = 1\nscripts.a = nil\nscripts.b = "x"\nscripts.b = 2\nscripts.T = { x = 1, y = nil }\n'
        "scripts.T.x = nil\n",
        {"b": 2, "T": {}},
        positions={"/scripts/b": (4, 13), "/scripts/T": (5, 13)},
        lua51=True,
    ),
    Case(
        "bracket-keys",
        'scripts["rap_host"] = "h"\nscripts[\'rap_port\'] = 8000\nscripts[ "x" .. "y" ] = true\n'
        'local k = "dyn"\nscripts[k] = 1\nscripts[1] = "one"\nscripts["a/b~c"] = 2\nscripts[2.5] = "f"\n'
        'scripts[true] = "t"\n',
        {
            "rap_host": "h",
            "rap_port": 8000,
            "xy": True,
            "dyn": 1,
            "1": "one",
            "a/b~c": 2,
            "2.5": "f",
            "true": "t",
        },
        positions={"/scripts/a~1b~0c": (7, 20)},
        key_positions={"/scripts/rap_host": (1, 9), "/scripts/xy": (3, 10), "/scripts/a~1b~0c": (7, 9)},
        lua51=True,
    ),
    Case(
        "thing-tables",
        'scripts.EdgeThing = {\n    file = "thing.lua",\n    template = "example",\n    scanRate = 1000,\n'
        '    tags = { "a", "b", },\n    [ "key with space" ] = 1;\n}\nscripts.EdgeThing.taskRate = 15000\n'
        'scripts.sample = { file = "sample.lua" }\nscripts.list = { 10, 20, [3] = 30 }\n'
        'scripts.holes = { 1, nil, 3 }\nscripts.mixed = { "a", x = 1 }\nscripts.empty = {}\n'
        'scripts.nested = { a = { b = { c = "deep" } } }\n',
        {
            "EdgeThing": {
                "file": "thing.lua",
                "template": "example",
                "scanRate": 1000,
                "tags": ["a", "b"],
                "key with space": 1,
                "taskRate": 15000,
            },
            "sample": {"file": "sample.lua"},
            "list": [10, 20, 30],
            "holes": {"1": 1, "3": 3},
            "mixed": {"1": "a", "x": 1},
            "empty": {},
            "nested": {"a": {"b": {"c": "deep"}}},
        },
        positions={
            "/scripts/EdgeThing": (1, 21),
            "/scripts/EdgeThing/file": (2, 12),
            "/scripts/EdgeThing/tags/0": (5, 14),
            "/scripts/EdgeThing/taskRate": (8, 30),
            "/scripts/list/2": (10, 32),
            "/scripts/nested/a/b/c": (14, 36),
        },
        key_positions={
            "/scripts/EdgeThing/file": (2, 5),
            "/scripts/EdgeThing/tags/1": (5, 19),
            "/scripts/EdgeThing/key with space": (6, 7),
            "/scripts/list/2": (10, 27),
        },
        lua51=True,
    ),
    Case(
        "trailing-separators",
        "scripts.T = { a = 1; b = 2, }\nscripts.L = {1;2;}\nscripts.a = 1; scripts.b = 2;\n",
        {"T": {"a": 1, "b": 2}, "L": [1, 2], "a": 1, "b": 2},
        lua51=True,
    ),
    Case(
        "empty-statements-lua52",
        ";scripts.a = 1;;\n",
        {"a": 1},
    ),
    Case(
        "whole-scripts-table",
        'scripts.old = 1\nscripts = {\n  rap_host = "h",\n  Thing = { file = "t.lua" },\n}\n'
        "scripts.added = true\n",
        {"rap_host": "h", "Thing": {"file": "t.lua"}, "added": True},
        positions={"/scripts": (2, 11), "/scripts/Thing/file": (4, 20)},
        key_positions={"/scripts": (2, 1)},
        lua51=True,
    ),
    Case(
        "references-to-scripts",
        'scripts.rap_host = "h"\nscripts.url = "https://" .. scripts.rap_host .. ":" .. 8443\n'
        'scripts.T = { file = "a" }\nscripts.copy = scripts.T\nscripts.copy.file = "b"\n'
        "scripts.n = scripts.T.file\n",
        {"rap_host": "h", "url": "https://h:8443", "T": {"file": "b"}, "copy": {"file": "b"}, "n": "b"},
        positions={"/scripts/copy/file": (5, 21), "/scripts/T/file": (5, 21)},
        lua51=True,
    ),
    Case(
        "read-before-assignment",
        'scripts.z = scripts.never\nscripts.y = scripts.z or "d"\n',
        {},
        issues((NOT_STATIC, 1, 13, "/scripts/z"), (NOT_STATIC, 2, 13, "/scripts/y")),
        unknown={
            "/scripts/z": "scripts.never is read before it is assigned",
            "/scripts/y": "scripts.never is read before it is assigned",
        },
    ),
    Case(
        "aliasing-through-a-local",
        'local t = { file = "a" }\nscripts.T = t\nt.file = "b"\nt.extra = 1\n',
        {"T": {"file": "b", "extra": 1}},
        lua51=True,
    ),
    Case(
        "globals",
        'base = "/opt"\nscripts.p = base .. "/x"\nscripts.q = undefined_global\n',
        {"p": "/opt/x"},
        issues((NOT_STATIC, 3, 13, "/scripts/q")),
        unknown={"/scripts/q": "a global variable (not assigned in this file)"},
    ),
    Case(
        "varargs-and-returns",
        "scripts.v = ...\nlocal a, b = ...\nscripts.a = a\nscripts.keep = 1\nif a then return end\n"
        "scripts.c = 1\ndo return end\nscripts.d = 2\n",
        {"keep": 1},
        issues(
            (NOT_STATIC, 1, 13, "/scripts/v"),
            (NOT_STATIC, 3, 13, "/scripts/a"),
            (NOT_STATIC, 6, 13, "/scripts/c"),
        ),
        unknown={
            "/scripts/v": "the vararg expression '...'",
            "/scripts/a": "the vararg expression '...'",
            "/scripts/c": "assigned after a conditional return",
        },
    ),
    # Aliases of scripts and of the environment that Lua resolves without running anything: read exactly.
    Case(
        "alias-through-_G",
        'scripts.rap_ssl = true\n_G.scripts.rap_ssl = false\n_G["scripts"].rap_host = "h"\n'
        "_G._G.scripts.x = 1\nlocal G = _G\nG.scripts.y = 2\n",
        {"rap_ssl": False, "rap_host": "h", "x": 1, "y": 2},
        positions={"/scripts/rap_ssl": (2, 22)},
        key_positions={"/scripts/rap_ssl": (2, 12)},
        lua51=True,
        writes=(),
    ),
    Case(
        "alias-through-locals-and-tables",
        "local s = scripts\ns.a = 1\nlocal t = { scripts }\nt[1].b = 2\nlocal u = { s = scripts }\n"
        "u.s.c = 3\nlocal w = {}\nw.q = {}\nw.q.r = scripts\nw.q.r.d = 4\nlocal s2 = s\ns2.e = 5\n"
        "scripts.T = {}\nlocal th = scripts.T\nth.file = \"t.lua\"\n(scripts).f = 6\n",
        {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "T": {"file": "t.lua"}, "f": 6},
        positions={"/scripts/b": (4, 10), "/scripts/T/file": (15, 11)},
        lua51=True,
        writes=(),
    ),
    Case(
        "getfenv-is-the-environment",
        'getfenv().scripts.a = 1\ngetfenv(1).scripts.b = 2\nlocal e = getfenv()\ne.scripts.c = 3\ne.g = "x"\n'
        "scripts.d = g\n",
        {"a": 1, "b": 2, "c": 3, "d": "x"},
        lua51=True,
        writes=(),
    ),
    Case(
        "rawset-with-known-arguments",
        'rawset(scripts, "a", 1)\nscripts.b = 1\nrawset(scripts, "b", nil)\nlocal t = rawset({}, "x", 2)\n'
        'scripts.t = t\nrawset(_G, "g", "v")\nscripts.g = g\nrawset(scripts, 1, "one")\n',
        {"a": 1, "t": {"x": 2}, "g": "v", "1": "one"},
        lua51=True,
        writes=(),
    ),
    Case(
        "rebinding-_G-does-not-move-the-environment",
        "_G = { scripts = {} }\n_G.scripts.a = 1\nscripts.b = 2\n",
        {"b": 2},
        lua51=True,
        writes=(),
    ),
    Case(
        "replacing-scripts-through-_G",
        'scripts.old = 1\n_G.scripts = { new = 2 }\nscripts.after = 3\n_G["scripts"].last = 4\n',
        {"new": 2, "after": 3, "last": 4},
        lua51=True,
        writes=(),
    ),
    Case(
        "alias-of-the-old-scripts",
        "local old = scripts\nscripts = {}\nold.a = 1\nscripts.b = 2\n",
        {"b": 2},
        lua51=True,
        writes=(),
    ),
    Case(
        "nil-keeps-its-position",
        "scripts.a = 1\nscripts.a = nil\nscripts.T = { x = 1 }\nscripts.T.x = nil\nscripts.c = 3\n",
        {"T": {}, "c": 3},
        positions={"/scripts/a": (2, 13), "/scripts/T/x": (4, 15)},
        key_positions={"/scripts/a": (2, 9), "/scripts/T/x": (4, 11)},
        lua51=True,
    ),
    Case(
        "unicode-columns",
        'scripts.a = "ééé"; scripts.b = 2\n',
        {"a": "ééé", "b": 2},
        positions={"/scripts/b": (1, 32)},
        key_positions={"/scripts/b": (1, 28)},
        lua51=True,
    ),
    Case(
        "table-keys-of-other-types",
        'scripts.T = { [true] = 1, [2.5] = "x", [1] = "one" }\n',
        {"T": {"true": 1, "2.5": "x", "1": "one"}},
        lua51=True,
    ),
    Case(
        "lua51-refuses-nested-long-brackets",
        "scripts.a = [[x [[ y]]\nscripts.b = 1\n",
        {"a": "x [[ y", "b": 1},
        issues((SYNTAX, 1, 17, "")),
        luaparser=False,
    ),
    Case("bom", "scripts.a = 1\n", {"a": 1}, issues((BOM, 1, 1, "")), had_bom=True, luaparser=False),
    Case("empty", "", {}, lua51=True),
    Case("whitespace-only", "  \n\t\n", {}, lua51=True),
    Case("comments-only", "-- x\n--[[y]]", {}, comments=[(1, " x"), (2, "y")], lua51=True),
    Case("shebang", "#!/usr/bin/lua\nscripts.a = 1\n", {"a": 1}, luaparser=False),
    Case("not-lua", "this is not lua\n", None, issues((SYNTAX, 1, 6, ""))),
    # The 7 broken files of parsers-and-startup.md (section 1), with our positions.
    Case(
        "syntax-unfinished-string",
        'scripts.rap_ssl = true\nscripts.rap_host = "localhost\nscripts.rap_port = 8000\n',
        {"rap_ssl": True, "rap_port": 8000},
        issues((SYNTAX, 2, 20, "")),
    ),
    Case(
        "syntax-missing-value",
        'scripts.rap_host = "h"\nscripts.rap_port =\nscripts.rap_ssl = true\n',
        {"rap_host": "h", "rap_ssl": True},
        issues((SYNTAX, 3, 17, "")),
    ),
    Case(
        "syntax-unclosed-table",
        "scripts.rap_ssl = true\nscripts.T = { a = 1,\n",
        {"rap_ssl": True},
        issues((SYNTAX, 3, 1, "")),
    ),
    Case(
        "syntax-two-values",
        "scripts.rap_ssl = true\nscripts.rap_port = 80 80\nscripts.x = 1\n",
        {"rap_ssl": True, "rap_port": 80, "x": 1},
        issues((SYNTAX, 2, 23, "")),
    ),
    Case(
        "syntax-missing-comma",
        "scripts.rap_ssl = true\nscripts.T = { a = 1 b = 2 }\nscripts.x = 1\n",
        {"rap_ssl": True, "x": 1},
        issues((SYNTAX, 2, 21, "")),
    ),
    Case(
        "syntax-unfinished-long-string",
        "scripts.rap_ssl = true\nscripts.doc = [[abc\n\nscripts.x = 1\n",
        {"rap_ssl": True},
        issues((SYNTAX, 2, 15, "")),
    ),
    Case(
        "syntax-double-equals",
        'scripts.rap_ssl = true\nscripts.rap_host == "x"\nscripts.x = 1\n',
        {"rap_ssl": True, "x": 1},
        issues((SYNTAX, 2, 18, "")),
    ),
    Case(
        "syntax-table-over-lines",
        "scripts.T = {\n a = 1\n b = 2 }\n",
        None,
        issues((SYNTAX, 3, 2, "")),
    ),
    Case(
        "syntax-inside-a-block",
        "scripts.a = 1\nif x then\n  scripts.b = = 2\nend\nscripts.c = 3\n",
        {"a": 1, "c": 3},
        issues((SYNTAX, 3, 15, "")),
    ),
    Case(
        "syntax-escape-too-large",
        'scripts.a = "\\256"\nscripts.b = 1\n',
        {"b": 1},
        issues((SYNTAX, 1, 14, "")),
        luaparser=False,  # luaparser 4.2 accepts decimal escapes above 255; Lua 5.1 and 5.4 refuse them
    ),
    Case(
        "syntax-malformed-number",
        "scripts.a = 3x\nscripts.b = 1\n",
        {"b": 1},
        issues((SYNTAX, 1, 13, "")),
    ),
    Case(
        "syntax-unfinished-long-comment",
        "scripts.a = 1\n--[[ never closed\nscripts.b = 2\n",
        {"a": 1},
        issues((SYNTAX, 2, 1, "")),
    ),
]


def _issue_set(result: ReadResult) -> frozenset:
    return frozenset((i.code, i.line, i.column, i.pointer) for i in result.issues)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_lua_fixture(case: Case) -> None:
    result = read_lua(case.src, had_bom=case.had_bom)
    if case.scripts is None:
        assert result.fatal
        assert result.data is None
    else:
        assert not result.fatal
        assert result.data == {"scripts": case.scripts}
    assert _issue_set(result) == case.issues
    assert result.unknown == case.unknown
    for pointer, position in case.positions.items():
        assert result.positions.get(pointer) == position, pointer
    for pointer, position in case.key_positions.items():
        assert result.key_positions.get(pointer) == position, pointer
    if case.comments is not None:
        assert result.comments == case.comments
    if case.writes is not None:
        assert [(w.line, w.column, w.reason, w.pointers) for w in result.unresolved_writes] == list(case.writes)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_lua_messages_never_contain_values(case: Case) -> None:
    result = read_lua(case.src, had_bom=case.had_bom)
    secrets = [s for s in _strings(case.scripts) if len(s) >= 4]
    secrets += ["localhost", "EMSAdmin", "127.0.0.1", "ThingWorx"]
    for issue in result.issues:
        assert issue.message
        for secret in secrets:
            assert secret not in issue.message, (issue.code, secret)


def test_lua_blog_positions_cover_every_value() -> None:
    result = read_lua(BLOG)
    for key in BLOG_SCRIPTS:
        assert f"/scripts/{key}" in result.positions
        assert f"/scripts/{key}" in result.key_positions


def test_lua_invalid_escape_message_explains_both_dialects() -> None:
    [issue] = read_lua(BLOG).issues
    assert "\\T" in issue.message and "\\e" in issue.message
    assert "5.1" in issue.message and "5.2" in issue.message
    assert "[[" in issue.message and "'/'" in issue.message


def test_lua_control_escape_message_names_the_escapes() -> None:
    [issue] = read_lua('scripts.p = "C:\\new\\table"\n').issues
    assert "\\n (newline)" in issue.message and "\\t (tab)" in issue.message


def test_lua_syntax_messages_are_lua_style() -> None:
    def message(src: str) -> str:
        return next(i.message for i in read_lua(src).issues if i.code == SYNTAX)

    assert message('scripts.a = "x\n') == "unfinished string"
    assert message('scripts.a == "x"\n') == "'=' expected near '=='"
    assert message("scripts.a = 80 80\n") == "unexpected symbol near <number>"
    assert message("scripts.a = { a = 1 b = 2 }\n") == "'}' expected near <name>"
    assert message("scripts.a = {\n a = 1\n b = 2 }\n") == "'}' expected (to close '{' at line 1) near <name>"
    assert message("scripts.a = { a = 1,\n") == "unexpected symbol near <eof>"
    assert message('scripts.a = "x" "secret"\n') == "unexpected symbol near <string>"
    assert message("scripts.a = [[x\n") == "unfinished long string"
    assert message("if x then\nscripts.a = 1\n") == "'end' expected (to close 'if' at line 1) near <eof>"
    assert message("end\n") == "'<eof>' expected near 'end'"


def test_lua_issue_cap() -> None:
    src = "".join(f"scripts.k{i} = = {i}\n" for i in range(80))
    result = read_lua(src)
    assert len(result.issues) == MAX_ISSUES + 1
    assert result.issues[-1].message == "... and 30 more problems (not listed)"
    assert result.fatal and result.data is None


def test_lua_recovery_keeps_values_after_errors() -> None:
    src = 'scripts.a = "unterminated\nscripts.b = = 1\nscripts.c = true\nlocal x = 5\nscripts.d = x\n'
    result = read_lua(src)
    assert result.data == {"scripts": {"c": True, "d": 5}}
    assert {(i.code, i.line) for i in result.issues} == {(SYNTAX, 1), (SYNTAX, 2)}
    assert not result.fatal


N = 100_000


@pytest.mark.parametrize(
    "bomb",
    [
        "{" * N + "}" * N,
        "(" * N + "1" + ")" * N,
        "- " * N + "1",
        "not " * N + "true",
        " .. ".join(['"a"'] * N),
        "2 ^ " * (N // 5) + "2",
        "function() return " * (N // 5) + "1" + " end" * (N // 5),
        "{" * N,
        "(" * N,
    ],
    ids=[
        "tables",
        "parentheses",
        "unary-minus",
        "not",
        "concat",
        "power",
        "functions",
        "open-tables",
        "open-parentheses",
    ],
)
def test_lua_depth_bombs(bomb: str) -> None:
    result = read_lua(f"scripts.a = {bomb}\nscripts.b = 1\n")
    assert [i.code for i in result.issues if i.code != SYNTAX] == [DEEP]
    assert result.data == {"scripts": {"b": 1}}


def test_lua_depth_bomb_of_blocks() -> None:
    src = "if true then\n" * (N // 5) + "end\n" * (N // 5) + "scripts.b = 1\n"
    result = read_lua(src)
    assert DEEP in {i.code for i in result.issues}
    assert result.data["scripts"]["b"] == 1


def test_lua_depth_just_below_the_limit() -> None:
    nested = "{" * 198 + "}" * 198  # Lua 5.1 (lupa) accepts 198 nested tables
    result = read_lua(f"scripts.a = {nested}\n")
    assert result.issues == []
    depth = 0
    value = result.data["scripts"]["a"]
    while value:
        value = value["1"] if isinstance(value, dict) else value[0]
        depth += 1
    assert depth == 197  # the innermost table is empty
    assert read_lua(f"scripts.a = {nested}\n", max_depth=50).issues[0].code == DEEP


def test_lua_deep_graph_built_by_statements_does_not_recurse() -> None:
    chain = "".join(f"local t{i} = {{ t{i - 1} }}\n" for i in range(1, 3000))
    src = f"local t0 = {{}}\n{chain}scripts.t = t2999\n"
    result = read_lua(src)
    assert "/scripts/t" not in result.unknown
    assert any(reason.startswith("tables nested deeper") for reason in result.unknown.values())


def test_lua_self_referencing_table() -> None:
    result = read_lua("local t = {}\nt.self = t\nscripts.t = t\n")
    assert result.unknown == {"/scripts/t/self": "a table that contains itself"}
    assert result.data == {"scripts": {"t": {}}}


def test_lua_never_executes_anything(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    src = (
        f'os.execute("touch {marker}")\nlocal f = io.open("{marker}2", "w")\nf:write("x")\n'
        f'scripts.x = io.popen("touch {marker}3")\ndofile("{marker}4")\nscripts.y = 1\n'
    )
    result = read_lua(src)
    assert not list(tmp_path.iterdir())
    # io.popen and os.execute change no Lua value; dofile may run any code, so even y is not certain
    assert result.data == {"scripts": {}}
    assert set(result.unknown) == {"/scripts/x", "/scripts/y"}
    assert [(w.line, w.reason) for w in result.unresolved_writes] == [(5, "a call of dofile (it may run any code)")]


def test_lua_import_is_light() -> None:
    heavy = ("lupa", "luaparser", "antlr4", "json", "typer", "rich")
    code = (
        f"import sys; import emslint.read.lua_reader; print(','.join(m for m in {heavy} if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lua_long_config_reads_every_thing() -> None:
    """Speed is measured by bench/bench.py (stage lua-parse), not here."""
    lines = ["local base = '/opt/ems'"]
    for i in range(60):
        lines += [
            f"scripts.Thing{i} = {{",
            '  file = "thing.lua",',
            f'  template = "t{i}",',
            f"  scanRate = {i},",
            "  register = true,",
            "  tags = { 'a', 'b' },",
            "}",
        ]
    src = "\n".join(lines) + "\n"
    assert len(lines) > 400
    data = read_lua(src).data["scripts"]
    assert len(data) == 60
    assert data["Thing59"] == {"file": "thing.lua", "template": "t59", "scanRate": 59, "register": True,
                               "tags": ["a", "b"]}


def test_lua_shipped_samples(shared_corpus: Path) -> None:
    files = sorted(shared_corpus.glob("*.lua"))
    assert files
    for path in files:
        result = read_lua(path.read_text(encoding="utf-8", errors="surrogateescape"))
        assert not result.fatal, path.name
        assert result.data["scripts"]["log_audit_target"] == "file://", path.name
        assert OR in {i.code for i in result.issues}


LUA_SOUP = st.sampled_from(
    [
        "scripts",
        ".",
        "x",
        "=",
        "==",
        "local",
        "function",
        "end",
        "if",
        "then",
        "else",
        "for",
        "in",
        "do",
        "while",
        "repeat",
        "until",
        "return",
        "break",
        "goto",
        "::",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ",",
        ";",
        ":",
        "..",
        "...",
        "+",
        "-",
        "*",
        "/",
        "//",
        "%",
        "^",
        "#",
        "~",
        "<",
        "<=",
        "<<",
        "and",
        "or",
        "not",
        "nil",
        "true",
        "false",
        "1",
        "0x1F",
        "1e3",
        "3x",
        '"a\\Tb"',
        "'c'",
        '"open',
        "[[long]]",
        "[==[",
        "--c\n",
        "--[[c]]",
        "--[[",
        "\n",
        "\r\n",
        " ",
        "\\",
        "@",
        "é",
        "<const>",
        "\x00",
    ]
)


@settings(max_examples=300, deadline=None, database=None)
@given(soup=st.lists(LUA_SOUP, max_size=40), noise=st.text(max_size=30))
def test_lua_never_raises(soup: list[str], noise: str) -> None:
    for src in (" ".join(soup), "".join(soup), noise, " ".join(soup) + noise):
        result = read_lua(src)
        assert result.fatal == (result.data is None)
        assert len(result.issues) <= MAX_ISSUES + 1
        for issue in result.issues:
            assert issue.line >= 1 and issue.column >= 1
        for write in result.unresolved_writes:
            assert write.line >= 1 and write.column >= 1 and write.reason
            assert write.pointers is None or all(p.startswith("/scripts") for p in write.pointers)
