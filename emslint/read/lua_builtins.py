"""The Lua 5.1 standard library as the static config.lua reader sees it: which calls cannot change a Lua value.

emslint never runs config.lua. A call is harmless to the reader only if the function can neither run Lua code
nor change a table: then the values the reader followed stay right. Everything else (``dofile``,
``loadstring``, ``require``, ``setmetatable``, ``setfenv``, ``pcall``, ``table.insert``, ``debug.*``, a function
the file did not define) may change any value, and the reader treats it so.

A name counts as the library function only while the file has not assigned it (the reader checks that).
"""

from __future__ import annotations

_MATH = (
    "abs acos asin atan atan2 ceil cos cosh deg exp floor fmod frexp ldexp log log10 max min modf pow rad "
    "random randomseed sin sinh sqrt tan tanh"
)
_STRING = "byte char dump find format len lower match rep reverse sub upper gmatch gsub"
_OS = "clock date difftime execute exit getenv remove rename setlocale time tmpname"
_IO = "close flush input lines open output popen read tmpfile type write"

LIBRARY_TABLES = frozenset(("os", "io", "string", "math", "table", "coroutine", "debug", "package"))

# Neither run Lua code nor change a table, and return no table the file could reach otherwise. ``print``
# calls the global ``tostring`` and ``string.gsub`` calls a function given as its replacement: the reader
# checks those two conditions.
PURE_OPAQUE = frozenset(
    (
        "tostring", "tonumber", "type", "error", "rawequal", "collectgarbage", "gcinfo", "print",
        "table.concat", "table.maxn", "table.getn",
        *(f"math.{n}" for n in _MATH.split()),
        *(f"string.{n}" for n in _STRING.split()),
        *(f"os.{n}" for n in _OS.split()),
        *(f"io.{n}" for n in _IO.split()),
        *(f"file:{n}" for n in ("close", "flush", "read", "seek", "setvbuf", "write")),
    )
)

# Change nothing, but may return a table the file holds (an argument, a field of one, the environment).
# ``loadstring`` and ``loadfile`` only compile: calling what they return is what runs code.
PURE_ALIAS = frozenset(
    ("getfenv", "getmetatable", "rawget", "next", "select", "unpack", "assert", "pairs", "ipairs", "loadstring",
     "loadfile")
)

# What ``pairs``, ``ipairs``, ``string.gmatch`` and ``io.lines`` return: iterator functions that a generic
# ``for`` may call without running code of the file.
ITERATOR_OF = {"pairs": "next", "ipairs": "(ipairs iterator)", "string.gmatch": "(gmatch iterator)",
               "io.lines": "(lines iterator)", "file:lines": "(lines iterator)"}
ITERATORS = frozenset(("next", "(ipairs iterator)", "(gmatch iterator)", "(lines iterator)"))

# Methods of strings (the string library) and of files from io.open (``file:read``): pure as well.
STRING_METHODS = frozenset(_STRING.split())
FILE_METHODS = frozenset(("close", "flush", "lines", "read", "seek", "setvbuf", "write"))

# Every name of the Lua 5.1 standard library: the only function names a message may show (any other name
# the file reads could be an unquoted password).
_OTHER = (
    "dofile loadfile loadstring load require module setfenv setmetatable rawset pcall xpcall newproxy "
    "_G table.insert table.remove table.sort table.setn coroutine.create coroutine.resume coroutine.running "
    "coroutine.status coroutine.wrap coroutine.yield debug.debug debug.getfenv debug.gethook debug.getinfo "
    "debug.getlocal debug.getmetatable debug.getregistry debug.getupvalue debug.setfenv debug.sethook "
    "debug.setlocal debug.setmetatable debug.setupvalue debug.traceback package.loadlib package.seeall"
)
KNOWN_NAMES = PURE_OPAQUE | PURE_ALIAS | LIBRARY_TABLES | frozenset(ITERATOR_OF) | frozenset(_OTHER.split())


def shown_name(name: str) -> str | None:
    """``name`` if a message may show it (a standard library name), else None."""
    return name if name in KNOWN_NAMES else None
