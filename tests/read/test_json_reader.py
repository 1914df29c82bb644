"""Tests for emslint.read.json_reader: exact issue sets per input, values against json.loads, positions."""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emslint.read.json_reader import (
    COMMENT,
    CONFLICT,
    CONTROL_ESCAPE,
    DUPLICATE,
    EMPTY,
    INVALID_ESCAPE,
    MAX_ISSUES,
    STOP_AFTER,
    SYNTAX,
    TOO_DEEP,
    TRAILING,
    read_json,
)
from emslint.read.result import ReadResult, join_pointer
from emslint.read.source import SourceBytes, decode_text, read_source

BOM = "encoding-bom"
SAME = object()  # expected data: equal to json.loads(text)
SKIP = object()  # expected data: not checked


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    issues: frozenset[tuple[str, int, int, str]]
    data: Any = SAME
    fatal: bool = False


def case(name: str, text: str, *issues: tuple[str, int, int, str], data: Any = SAME, fatal: bool = False):
    return pytest.param(Case(name, text, frozenset(issues), data, fatal), id=name)


# Every case: the exact set of (code, line, column, pointer); missing and unexpected issues both fail.
CASES = [
    # --- valid input, and what real files look like (§h: tabs, trailing spaces, no final newline ...)
    case("minimal", '{"a": 1}'),
    case(
        "ems-style",
        '{\n\t"ws_servers": [{\n\t\t"host": "localhost",  \n\t\t"port": 443\n\t}],\n'
        '  "appKey": "e34dbaf2-0984-4bfb-9a6c-4cbc57959763",\n\t"http_server" : { "ssl" : true }\n}',
    ),
    case(
        "doubled and forward-slash paths",
        r'{"d": "C:\\EMS\\logs", "e": "E:/ems/in", "f": "./in", "g": "c:\\folder\\new"}',
    ),
    case(
        "enum alternatives and string booleans are valid JSON",
        '{"encryption": "none | ssl ", "level": "AUDIT | ERROR", "allow_self_signed": "true"}',
    ),
    case("top-level scalar", '"abc"'),
    case("top-level array", "[1, 2.5, -3e2, true, false, null]"),
    case("not an EMS config is still JSON", '{"ssid": "wifi", "password": "pw"}'),
    # --- json-syntax-error
    case("trailing comma before }", '{\n  "a": 1,\n  "b": 2,\n}', (SYNTAX, 3, 9, ""), data={"a": 1, "b": 2}),
    case("trailing comma before ]", '{"a": [1, 2,\n]}', (SYNTAX, 1, 12, "/a"), data={"a": [1, 2]}),
    case(
        "missing comma between members", '{\n  "a": 1\n  "b": 2\n}', (SYNTAX, 3, 3, ""), data={"a": 1, "b": 2}
    ),
    case("missing comma between elements", "[1 2]", (SYNTAX, 1, 4, ""), data=[1, 2]),
    case(
        "missing and trailing comma",
        '{"a": 1 "b": 2,}',
        (SYNTAX, 1, 9, ""),
        (SYNTAX, 1, 15, ""),
        data={"a": 1, "b": 2},
    ),
    case("single quotes", "{'a': 'x'}", (SYNTAX, 1, 2, "/a"), (SYNTAX, 1, 7, "/a"), data={"a": "x"}),
    case("unquoted key", '{appKey: "x"}', (SYNTAX, 1, 2, "/appKey"), data={"appKey": "x"}),
    case(
        "curly quotes",
        "{\u201cappKey\u201d: \u201cx\u201d, \u201chost\u201d: \u201clocalhost\u201d}",
        (SYNTAX, 1, 2, ""),
        data={"appKey": "x", "host": "localhost"},
    ),
    case(
        "straight quote closed by a curly one",
        '{"appKey\u201d: "abc",\n "x": 1}',
        (SYNTAX, 1, 9, ""),
        data={"appKey": "abc", "x": 1},
    ),
    case(
        "curly close at the end of a line",
        '{"host": "abc\u201d,\n "x": 1}',
        (SYNTAX, 1, 14, ""),
        data={"host": "abc", "x": 1},
    ),
    case(
        "fragment without braces",
        '"ws_servers": [{"host": "a"}],\n"appKey": "x"\n',
        (SYNTAX, 1, 1, ""),
        data={"ws_servers": [{"host": "a"}], "appKey": "x"},
    ),
    case(
        "fragment with a trailing comma",
        '"http_server": {"ssl": false},\n',
        (SYNTAX, 1, 1, ""),
        (SYNTAX, 1, 30, ""),
        data={"http_server": {"ssl": False}},
    ),
    case("extra data after the document", '{"a": 1}\n{"b": 2}', (TRAILING, 2, 1, ""), data={"a": 1}),
    case("stray closing brace", '{"a": 1}}', (TRAILING, 1, 9, ""), data={"a": 1}),
    case(
        "NaN and Infinity",
        '{"a": NaN, "b": -Infinity, "c": Infinity}',
        (SYNTAX, 1, 7, "/a"),
        (SYNTAX, 1, 17, "/b"),
        (SYNTAX, 1, 33, "/c"),
        data=SKIP,
    ),
    # cJSON reads raw control characters and line breaks inside strings (tests/read/test_cjson_oracle.py): EMS007
    case("raw tab inside a string", '{"a": "x\ty"}', (CONTROL_ESCAPE, 1, 9, "/a"), data={"a": "x\ty"}),
    case(
        "unterminated string at the end of a line",
        '{\n "host": "abc,\n "port": 80\n}',
        (SYNTAX, 2, 15, "/host"),
        data={"host": "abc", "port": 80},
    ),
    case(
        "unterminated string at the end of the file",
        '{"host": "abc',
        (SYNTAX, 1, 10, "/host"),
        (SYNTAX, 1, 14, ""),
        data={"host": "abc"},
    ),
    case(
        "line break inside a string",
        '{"k": "abc\ndef",\n "x": 1}',
        (CONTROL_ESCAPE, 1, 11, "/k"),
        data={"k": "abc\ndef", "x": 1},
    ),
    case(
        "INI style",
        'appKey="abc"\nhost="x"\n',
        (SYNTAX, 1, 1, ""),
        (SYNTAX, 1, 1, "/appKey"),
        (SYNTAX, 1, 7, "/appKey"),
        (SYNTAX, 2, 1, ""),
        (SYNTAX, 2, 1, "/host"),
        (SYNTAX, 2, 5, "/host"),
        data={"appKey": "abc", "host": "x"},
    ),
    case(
        "INI style member inside JSON",
        '{"host": "x",\n appKey="abc"}',
        (SYNTAX, 2, 2, "/appKey"),
        (SYNTAX, 2, 8, "/appKey"),
        data={"host": "x", "appKey": "abc"},
    ),
    case("bare word", '{"level": WARN}', (SYNTAX, 1, 11, "/level"), data={"level": "WARN"}),
    case(
        "bare true/false",
        '{"gateway": true/false}',
        (SYNTAX, 1, 13, "/gateway"),
        data={"gateway": "true/false"},
    ),
    case("number with a unit", '{"t": 8000ms}', (SYNTAX, 1, 7, "/t"), data={"t": "8000ms"}),
    case(
        "Python literals",
        '{"a": True, "b": None}',
        (SYNTAX, 1, 7, "/a"),
        (SYNTAX, 1, 18, "/b"),
        data={"a": True, "b": None},
    ),
    case(
        "malformed numbers",
        '{"a": 01, "b": +5, "c": .5, "d": 1.}',
        (SYNTAX, 1, 7, "/a"),
        (SYNTAX, 1, 16, "/b"),
        (SYNTAX, 1, 25, "/c"),
        (SYNTAX, 1, 34, "/d"),
        data={"a": 1, "b": 5, "c": 0.5, "d": 1.0},
    ),
    case("mismatched bracket", '{"a": [1, 2}', (SYNTAX, 1, 12, "/a"), data={"a": [1, 2]}),
    case(
        "unclosed at the end of the file",
        '{"a": [1, {"b": 2',
        (SYNTAX, 1, 18, "/a/1"),
        data={"a": [1, {"b": 2}]},
    ),
    case("only an opening brace", "{\n", (SYNTAX, 1, 2, ""), data={}),
    case("double comma in an array", "[1,,2]", (SYNTAX, 1, 4, ""), data=[1, 2]),
    case("double comma in an object", '{"a":1,,"b":2}', (SYNTAX, 1, 8, ""), data={"a": 1, "b": 2}),
    case("doubled colon", '{"a":: 1}', (SYNTAX, 1, 6, ""), data={"a": 1}),
    case("missing colon", '{"a" 1}', (SYNTAX, 1, 6, "/a"), data={"a": 1}),
    # Reported at the parent: the string may be a value that lost its name (a secret), see json_reader.
    case("property without value", '{"a", "b": 1}', (SYNTAX, 1, 5, ""), data={"b": 1}),
    case("semicolon as separator", '{"a": 1; "b": 2}', (SYNTAX, 1, 8, ""), data={"a": 1, "b": 2}),
    case("object where a key should be", '{{"a": 1}}', (SYNTAX, 1, 2, ""), data={}),
    # Text after a value on its line is the rest of that value, not a property (it may be part of a secret).
    case(
        "doubled quotes",
        '{"host": ""localhost"", "port": 1}',
        (SYNTAX, 1, 12, ""),
        data={"host": "", "port": 1},
    ),
    case("no-break spaces from a web page", '{\xa0"a":\xa01}', (SYNTAX, 1, 2, ""), data={"a": 1}),
    case("not JSON at all", "<config/>", (SYNTAX, 1, 1, ""), data=None, fatal=True),
    # --- json-comment
    case(
        "comments",
        '{\n  // one\n  "a": 1, /* two */\n  "b": 2 // three\n}',
        (COMMENT, 2, 3, ""),
        data={"a": 1, "b": 2},
    ),
    case(
        "unterminated block comment",
        '{"a": 1 /* x',
        (SYNTAX, 1, 9, ""),
        (COMMENT, 1, 9, ""),
        (SYNTAX, 1, 13, ""),
        data={"a": 1},
    ),
    case("only comments", "// nothing\n", (COMMENT, 1, 1, ""), (SYNTAX, 1, 11, ""), data=None, fatal=True),
    # --- json-invalid-escape / json-control-escape (Windows paths)
    case(
        "Windows path",
        r'{"tw": "c:\some\folder"}',
        (INVALID_ESCAPE, 1, 11, "/tw"),
        (CONTROL_ESCAPE, 1, 16, "/tw"),
        data={"tw": "c:\\some\x0colder"},
    ),
    case(
        "several invalid escapes in one string",
        r'{"staging_dir": "\virtual_dir\some\path"}',
        (INVALID_ESCAPE, 1, 18, "/staging_dir"),
        data={"staging_dir": "\\virtual_dir\\some\\path"},
    ),
    case("invalid \\u escape", r'{"p": "\u12"}', (INVALID_ESCAPE, 1, 8, "/p"), data={"p": "\\u12"}),
    case("form feed from c:\\folder", r'{"p": "c:\folder"}', (CONTROL_ESCAPE, 1, 10, "/p")),
    case("\\u0000 escape (the EMS's reading is cjson_view's)", r'{"p": "a\u0000"}', data={"p": "a\x00"}),
    case("control escape in a key", r'{"a\tb": 1}', (CONTROL_ESCAPE, 1, 4, "/a\tb")),
    case("\\n and \\t in one string", r'{"p": "C:\new\temp"}', (CONTROL_ESCAPE, 1, 10, "/p")),
    # --- json-duplicate-key, json-conflicting-key: the first value stays (cJSON's lookup returns the first)
    case("duplicate key", '{\n "ssl": true,\n "ssl": false\n}', (CONFLICT, 3, 2, "/ssl"), data={"ssl": True}),
    case("duplicate key, same value", '{\n "ssl": true,\n "ssl": true\n}', (DUPLICATE, 3, 2, "/ssl"), data=SAME),
    case("duplicate key of an object", '{"a": {"x": 1},\n "a": {"y": 2}}', (CONFLICT, 2, 2, "/a"),
         data={"a": {"x": 1}}),
    case("triple duplicate", '{"k": 1, "k": 2, "k": 3}', (CONFLICT, 1, 10, "/k"), (CONFLICT, 1, 18, "/k"),
         data={"k": 1}),
    case("duplicate 1 and 1.0 and true", '{"k": 1, "k": 1.0, "k": true}', (DUPLICATE, 1, 10, "/k"),
         (CONFLICT, 1, 20, "/k"), data={"k": 1}),
    # --- json-too-deep, json-empty
    case("too deep", "[" * 300, (TOO_DEEP, 1, 201, "/0" * 200), data=SKIP),
    case("empty file", "", (EMPTY, 1, 1, ""), data=None, fatal=True),
    case("whitespace only", "  \n\t \r\n", (EMPTY, 1, 1, ""), data=None, fatal=True),
    # --- positions: CRLF, lone CR, BOM, code points, pointer escaping
    case(
        "CRLF",
        '{\r\n  "a": 1,\r\n  "b": [true,\r\n  ]\r\n}',
        (SYNTAX, 3, 13, "/b"),
        data={"a": 1, "b": [True]},
    ),
    case("lone CR", '{\r"a": 1,\r}', (SYNTAX, 2, 7, ""), data={"a": 1}),
    case("BOM given to read_json", '\ufeff{"a": 1,}', (BOM, 1, 1, ""), (SYNTAX, 1, 8, ""), data={"a": 1}),
    case(
        "Cyrillic before the problem",
        '{"ключ": "значение", "x": [1,]}',
        (SYNTAX, 1, 29, "/x"),
        data={"ключ": "значение", "x": [1]},
    ),
    case(
        "astral character before the problem",
        '{"e": "\U0001f600", "x": [1,]}',
        (SYNTAX, 1, 19, "/x"),
        data={"e": "\U0001f600", "x": [1]},
    ),
    case("pointer escaping", '{"a/b": {"c~d": 1,}}', (SYNTAX, 1, 18, "/a~1b"), data={"a/b": {"c~d": 1}}),
]


def _issue_set(result: ReadResult) -> set[tuple[str, int, int, str]]:
    return {(i.code, i.line, i.column, i.pointer) for i in result.issues}


@pytest.mark.parametrize("c", CASES)
def test_case(c: Case) -> None:
    result = read_json(c.text)
    assert _issue_set(result) == set(c.issues)
    assert len(result.issues) == len(_issue_set(result)), "an issue is reported twice"
    assert result.fatal is c.fatal
    if c.data is SAME:
        assert result.data == json.loads(c.text)
    elif c.data is not SKIP:
        assert result.data == c.data
    _assert_positions_match_data(result)


@pytest.mark.parametrize("c", CASES)
def test_stdlib_agrees_on_validity(c: Case) -> None:
    """json.loads fails exactly when the reader reports a problem (except NaN, which the stdlib accepts)."""
    refused = _strictly_refused(read_json(c.text)) & {SYNTAX, COMMENT, INVALID_ESCAPE, EMPTY, BOM, TRAILING}
    nan_only = all(i.code != SYNTAX or "NaN" in i.message for i in read_json(c.text).issues)
    if c.name == "too deep":
        return
    try:
        json.loads(c.text)
    except ValueError:
        assert refused
    else:
        assert not refused or (refused == {SYNTAX} and nan_only)


def test_valid_escapes_on_the_tolerant_path_stay_valid() -> None:
    """A string that takes the tolerant path (here for its raw tab) reports only what is wrong in it."""
    result = read_json('{"a": "x\t\\"y\\u0041\\/", "b": "\\ud83d\\ude00\t"}')
    assert result.data == {"a": 'x\t"yA/', "b": "\U0001f600\t"}
    assert [i.code for i in result.issues] == [CONTROL_ESCAPE, CONTROL_ESCAPE]


def test_half_a_surrogate_pair_is_kept_as_written() -> None:
    result = read_json('{"a": "x\\ud800y", "b": "\\udc00\\ud83d\\ude00", "c": "\\ud83d\\ude00"}')
    assert result.data == {"a": "x\\ud800y", "b": "\\udc00\U0001f600", "c": "\U0001f600"}
    assert [(i.code, i.pointer) for i in result.issues] == [(INVALID_ESCAPE, "/a"), (INVALID_ESCAPE, "/b")]
    assert "half of a UTF-16 surrogate pair" in result.issues[0].message


def test_every_code_is_covered() -> None:
    codes = {code for p in CASES for code, *_ in p.values[0].issues}
    assert codes >= {SYNTAX, COMMENT, INVALID_ESCAPE, CONTROL_ESCAPE, DUPLICATE, CONFLICT, TRAILING, TOO_DEEP, EMPTY}


# ---------------------------------------------------------------------------------------------- messages


def test_messages_are_specific() -> None:
    def message(text: str) -> str:
        (issue,) = read_json(text).issues
        return issue.message

    assert message('{"a": 1,}') == "trailing comma before '}' is not allowed"
    assert message("[1,]") == "trailing comma before ']' is not allowed"
    assert "curly quotes" in message("{\u201ca\u201d: 1}")
    assert "double quotes" in message("{'a': 1}")
    assert "fragment" in message('"a": 1') and "wrapped" in message('"a": 1')
    assert "NaN" in message('{"a": NaN}')
    assert "text after the end of the document" in message("{} {}")
    assert "':'" in message('{"a" = 1}')
    assert r"\s" in message(r'{"p": "c:\some"}')
    escape = message(r'{"p": "c:\folder"}')
    assert r"\f" in escape and "form feed" in escape
    assert "line 1" in read_json('{"a": 1,\n "a": 2}').issues[0].message


def test_comment_issue_counts_and_names_the_documented_file() -> None:
    text = "{\n" + "".join(f'  "k{n}": {n}, // note {n}\n' for n in range(12)) + '  "last": 0\n}'
    (issue,) = read_json(text).issues
    assert issue.code == COMMENT and (issue.line, issue.column) == (2, 12)
    assert issue.message.startswith("12 comments") and ".documented" in issue.message


def test_invalid_escape_message_names_all_escapes_once() -> None:
    (issue,) = read_json(r'{"p": "\virtual_dir\some\path\some"}').issues
    assert issue.code == INVALID_ESCAPE
    assert issue.message.count(r"\s") == 1 and r"\v" in issue.message and r"\p" in issue.message


SECRET = "S3cr3t-Value-9f1c"


@pytest.mark.parametrize(
    "template",
    [
        '{"appKey": "%s",}',
        '{"appKey": "%s" "x": 1}',
        "{'appKey': '%s'}",
        '{"appKey": %s}',
        '{"appKey": "%s\\q"}',
        '{"appKey": "c:\\f%s"}',
        '{"appKey": "%s',
        '{"appKey": "%s\n}',
        '{"appKey": "%s\t"}',
        '{"appKey": "x", "appKey": "%s"}',
        "\u201cappKey\u201d: \u201c%s\u201d",
        "appKey=%s",
        "%s",
        '{"appKey": [%s}',
    ],
)
def test_messages_never_contain_values(template: str) -> None:
    result = read_json(template % SECRET)
    assert result.issues
    for issue in result.issues:
        assert SECRET not in issue.message
        assert "S3cr3t" not in issue.message


def test_issue_cap() -> None:
    text = "[" + " ".join("1" for _ in range(200)) + "]"
    result = read_json(text)
    assert len(result.issues) == MAX_ISSUES + 1
    last = result.issues[-1]
    assert last.code == SYNTAX and "149 more problems" in last.message
    assert result.data == [1] * 200


def test_reading_stops_after_too_many_problems() -> None:
    """Junk must not take long: after STOP_AFTER problems reading stops, keeping what was read."""
    result = read_json("[" + "1 " * 1_000_000 + "]")
    assert len(result.issues) == MAX_ISSUES + 1
    assert "reading stopped" in result.issues[-1].message
    assert result.data == [1] * STOP_AFTER
    _assert_positions_match_data(result)


def test_stray_closers_are_one_issue_per_run() -> None:
    result = read_json('{"a": 1}' + "}" * 100_000)
    assert [(i.code, i.line, i.column) for i in result.issues] == [(TRAILING, 1, 9)]
    result = read_json('["a"' + "}" * 1000 + "]")
    assert [(i.code, i.column) for i in result.issues] == [(SYNTAX, 5)]
    assert "1000 times" in result.issues[0].message and result.data == ["a"]


# --------------------------------------------------------------------------------------------- positions


def test_positions_of_nested_values_and_keys() -> None:
    text = '{\n  "a": {\n    "b": [10, {"c": "x"}],\n    "d": null\n  },\n  "e": -1.5e3\n}\n'
    result = read_json(text)
    assert result.positions == {
        "": (1, 1),
        "/a": (2, 8),
        "/a/b": (3, 10),
        "/a/b/0": (3, 11),
        "/a/b/1": (3, 15),
        "/a/b/1/c": (3, 21),
        "/a/d": (4, 10),
        "/e": (6, 8),
    }
    assert result.key_positions == {
        "/a": (2, 3),
        "/a/b": (3, 5),
        "/a/b/1/c": (3, 16),
        "/a/d": (4, 5),
        "/e": (6, 3),
    }


def test_positions_with_tabs_crlf_and_unicode() -> None:
    text = '{\r\n\t"ü\U0001f600": "é",\r\n\t"k": [\r\n\t\t"v"\r\n\t]\r\n}'
    result = read_json(text)
    assert result.key_positions["/ü\U0001f600"] == (2, 2)
    assert result.positions["/ü\U0001f600"] == (2, 8)
    assert result.positions["/k/0"] == (4, 3)


def test_duplicate_keeps_the_first_value_and_its_positions() -> None:
    """As the EMS reads it: cJSON_GetObjectItem returns the first member with the name (libcjson agrees:
    tests/read/test_cjson_oracle.py). The later value is kept aside for the secret checks."""
    result = read_json('{"a": {"x": 1},\n "a": {"y": 2}}')
    assert result.data == {"a": {"x": 1}}
    assert result.positions["/a"] == (1, 7)
    assert result.key_positions["/a"] == (1, 2)
    assert "/a/x" in result.positions and "/a/y" not in result.positions
    assert [(s.pointer, s.value, s.line, s.column) for s in result.shadowed] == [("/a", {"y": 2}, 2, 2)]


def test_deep_positions() -> None:
    depth = 150
    text = '{"k": ' * depth + "1" + "}" * depth
    result = read_json(text)
    assert not result.issues
    pointer = "/k" * depth
    assert result.positions[pointer] == (1, 6 * depth + 1)
    assert result.key_positions[pointer] == (1, 6 * depth - 4)


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\r\n?|\n", text))]


def _offset(text: str, line_col: tuple[int, int]) -> int:
    line, col = line_col
    return _line_starts(text)[line - 1] + col - 1


def _walk(value: Any, pointer: str = "") -> list[tuple[str, Any, bool]]:
    """(pointer, value, is_member) for every value, without recursion."""
    out: list[tuple[str, Any, bool]] = []
    todo = [(pointer, value, False)]
    while todo:
        ptr, val, member = todo.pop()
        out.append((ptr, val, member))
        if isinstance(val, dict):
            todo.extend((join_pointer(ptr, k), v, True) for k, v in val.items())
        elif isinstance(val, list):
            todo.extend((join_pointer(ptr, i), v, False) for i, v in enumerate(val))
    return out


def _assert_positions_match_data(result: ReadResult) -> None:
    if result.data is None and result.fatal:
        assert not result.positions
        return
    walked = _walk(result.data)
    assert set(result.positions) == {p for p, _, _ in walked}
    assert set(result.key_positions) == {p for p, _, member in walked if member}


def _assert_positions_exact(text: str, result: ReadResult) -> None:
    """Decoding the original text at each recorded position gives back the value (and the key)."""
    decoder = json.JSONDecoder()
    for pointer, value, member in _walk(result.data):
        assert decoder.raw_decode(text, _offset(text, result.positions[pointer]))[0] == value
        if member:
            key = decoder.raw_decode(text, _offset(text, result.key_positions[pointer]))[0]
            assert join_pointer(pointer.rpartition("/")[0], key) == pointer


# ---------------------------------------------------------------------------------------------- hypothesis

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)
WS = st.text(alphabet=" \t\n\r", max_size=3)


@st.composite
def formatted(draw: st.DrawFn) -> tuple[Any, str]:
    """A JSON value and a text for it with random whitespace between all tokens."""
    value = draw(json_values)
    ensure_ascii = draw(st.booleans())

    def dump(v: Any) -> str:  # depth is bounded by max_leaves, recursion is fine here
        if isinstance(v, dict):
            members = [
                f"{draw(WS)}{json.dumps(k, ensure_ascii=ensure_ascii)}{draw(WS)}:{draw(WS)}"
                f"{dump(x)}{draw(WS)}"
                for k, x in v.items()
            ]
            return "{" + ",".join(members) + draw(WS) + "}"
        if isinstance(v, list):
            return "[" + ",".join(f"{draw(WS)}{dump(x)}{draw(WS)}" for x in v) + draw(WS) + "]"
        return json.dumps(v, ensure_ascii=ensure_ascii)

    return value, draw(WS) + dump(value) + draw(WS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formatted())
def test_values_equal_json_loads(sample: tuple[Any, str]) -> None:
    value, text = sample
    result = read_json(text)
    assert result.data == json.loads(text) == value
    assert {i.code for i in result.issues} <= {CONTROL_ESCAPE}  # e.g. "\n" inside a generated string
    assert not result.fatal
    _assert_positions_match_data(result)
    _assert_positions_exact(text, result)


@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from([None, 0, 2, "\t"]), st.booleans(), st.booleans(), st.booleans())
def test_values_equal_json_loads_dumps_styles(
    value: Any, indent: Any, ascii_: bool, sort: bool, crlf: bool
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_, sort_keys=sort)
    if crlf:
        text = text.replace("\n", "\r\n")  # json.dumps never leaves a raw newline inside a string
    result = read_json(text)
    assert result.data == json.loads(text)
    _assert_positions_exact(text, result)


MUTATION_CHARS = [*",:{}[]\"'/\\*\n\t =;#\u201c\u201d\xa0", "//", "/*", "*/", "NaN", "true", "01", "\\s"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    _, text = draw(formatted())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(MUTATION_CHARS))
        if op == "insert":
            text = text[:at] + piece + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + piece + text[at + 1 :]
    return text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_broken_inputs_agree_with_stdlib(text: str) -> None:
    result = read_json(text)
    codes = _strictly_refused(result)
    refused = codes & {SYNTAX, COMMENT, INVALID_ESCAPE, EMPTY, TRAILING}
    try:
        expected = json.loads(text)
    except ValueError:
        assert refused, "json.loads refuses this text but the reader reported nothing"
    else:
        # the reader may only object to NaN/Infinity, which the stdlib accepts
        assert all(i.code != SYNTAX or "NaN" in i.message for i in result.issues)
        assert not codes & {COMMENT, INVALID_ESCAPE, EMPTY}
        lone = any("surrogate pair" in i.message for i in result.issues)  # kept as written, json.loads decodes it
        if "NaN" not in text and "Infinity" not in text and CONFLICT not in codes and not lone:
            assert result.data == expected  # json.loads keeps the last of differing duplicates, cJSON the first
    _assert_sane(text, result)


def _strictly_refused(result: ReadResult) -> set[str]:
    """The issue codes as json.loads sees them: a raw control character or line break in a string (json-control-
    escape, as cJSON reads it) is a syntax error to it, half a surrogate pair (json-invalid-escape: cJSON 1.7
    refuses it) is not."""
    raw = ("raw control character", "line break inside a string")
    return {SYNTAX if i.code == CONTROL_ESCAPE and i.message.startswith(raw) else i.code for i in result.issues
            if not (i.code == INVALID_ESCAPE and "surrogate pair" in i.message)}


def _assert_sane(text: str, result: ReadResult) -> None:
    lines = len(_line_starts(text))
    for issue in result.issues:
        assert 1 <= issue.line <= lines and issue.column >= 1
        assert isinstance(issue.pointer, str) and (issue.pointer == "" or issue.pointer.startswith("/"))
    assert result.fatal == (result.data is None and not any(p == "" for p in result.positions))
    _assert_positions_match_data(result)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("{}[]\",:'/\\*tfnrue01-.+eE \n\r\taAbB\u201c\u201d=;\xa0#")),
        max_size=60,
    )
)
def test_random_text_never_raises(text: str) -> None:
    _assert_sane(text, read_json(text))


# ---------------------------------------------------------------------------------------------- depth, speed


def test_hundred_thousand_brackets() -> None:
    result = read_json("[" * 100_000)
    assert [(i.code, i.line, i.column) for i in result.issues] == [(TOO_DEEP, 1, 201)]
    assert not result.fatal


def test_deeper_than_the_recursion_limit_when_allowed() -> None:
    depth = 3000  # > sys.getrecursionlimit(): the explicit stack must cope
    result = read_json("[" * depth + "]" * depth, max_depth=depth)
    assert result.issues == []
    result = read_json('{"a":' * depth + "1" + "}" * depth, max_depth=depth - 1)
    assert [i.code for i in result.issues] == [TOO_DEEP]


def test_max_depth_counts_containers() -> None:
    result = read_json('{"a": {"b": {"c": {"d": 1}}}}', max_depth=3)
    assert _issue_set(result) == {(TOO_DEEP, 1, 19, "/a/b/c")}
    assert result.data == {"a": {"b": {}}}
    assert not read_json('{"a": {"b": {"c": 1}}}', max_depth=3).issues


def _ems_like(size: int) -> str:
    member = {
        "name": "EdgeThing",
        "host": "localhost",
        "port": 8001,
        "path": "/",
        "timeout": 30000,
        "protocol": "http",
        "accept": "application/json",
        "gateway": False,
        "ratio": 0.5,
        "x": None,
    }
    binds: list[dict] = []
    doc = {"ws_servers": [{"host": "localhost", "port": 443}], "appKey": "k", "auto_bind": binds}
    per_member = len(json.dumps([member], indent="\t"))
    for n in range(size // per_member + 1):
        binds.append(dict(member, name=f"EdgeThing{n}"))
    return json.dumps(doc, indent="\t")


def test_megabyte_document_reads_exactly() -> None:
    """Speed is measured by bench/bench.py, not here; this checks a 1 MB document comes back whole."""
    big = _ems_like(1024 * 1024)
    result = read_json(big)
    assert result.data == json.loads(big)


# ---------------------------------------------------------------------------------------------- real files


CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is not available (a clone of the project alone)"
)
def test_shipped_samples() -> None:
    """The PTC sample files read without an exception; the .complete ones show the Windows-path escapes."""
    files = sorted(CORPUS.glob("*.json"))
    assert files
    for path in files:
        raw = read_source(path)
        assert isinstance(raw, SourceBytes), path.name
        decoded = decode_text(raw.data)
        assert decoded.ok and not decoded.issues, path.name
        text = decoded.text
        result = read_json(text)
        assert not result.fatal, path.name
        assert isinstance(result.data, dict) and "appKey" in result.data, path.name
        _assert_positions_match_data(result)
        codes = {i.code for i in result.issues}
        if "complete" in path.name:
            assert {INVALID_ESCAPE, CONTROL_ESCAPE} <= codes, path.name
        if "documented" in path.name:
            assert COMMENT in codes, path.name
        for issue in result.issues:
            assert not any(
                len(v) > 3 and v in issue.message for _, v, _ in _walk(result.data) if isinstance(v, str)
            ), path.name


def test_bare_words_stop_at_punctuation() -> None:
    # every printable ASCII punctuation character as a value never breaks the reader
    for ch in string.punctuation:
        _assert_sane(f'{{"a": {ch}}}', read_json(f'{{"a": {ch}}}'))
