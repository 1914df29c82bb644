"""The text side of fixes: offsets, JSON member spans (json.loads as oracle), escapes, Lua literals, the
overlay, and the diff's masking."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emslint.fixes import json_text
from emslint.fixes.apply import Change
from emslint.fixes.diff import render_diff
from emslint.fixes.lua_text import LuaText, lua_literal
from emslint.fixes.overlay import overlaid
from emslint.fixes.text import FileText
from emslint.read.source import read_source


def _ft(text: str, bom: bool = False) -> FileText:
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    ft = FileText.load(text, raw)
    assert ft is not None
    return ft


# ---- offsets -------------------------------------------------------------------------------------------


def test_positions_offsets_and_bytes_with_crlf_lone_cr_bom_and_non_ascii():
    text = 'a\r\n"é": 1\rb\n"x"'
    ft = _ft(text, bom=True)
    assert ft.offset(2, 1) == 3 and text[3] == '"'
    assert ft.offset(3, 1) == 10 and text[10] == "b"
    assert ft.offset(4, 2) == 13 and text[13] == "x"
    assert ft.position(13) == (4, 2)
    assert ft.byte(5) == 3 + len(text[:5].encode())  # the BOM, then "é" as two bytes
    assert ft.offset(9, 1) is None and ft.offset(2, 40) is None
    assert ft.newline() == "\r\n"


def test_text_that_is_not_the_bytes_is_refused():
    assert FileText.load("a\ufffdb", b"a\xffb") is None  # invalid UTF-8 read as U+FFFD
    assert FileText.load("ab", b"ab\x00cd") is None  # the text stopped at a NUL


# ---- member removal ------------------------------------------------------------------------------------

CASES = [
    ('{"a": 1, "b": 2, "c": 3}', "b", '{"a": 1, "c": 3}'),
    ('{"a": 1, "b": 2}', "b", '{"a": 1}'),
    ('{"b": 2}', "b", "{}"),
    ('{"b": 2, "a": 1}', "b", '{"a": 1}'),
    ('{\n  "a": 1,\n  "b": [1, {"x": "}"}],\n  "c": 3\n}', "b", '{\n  "a": 1,\n  "c": 3\n}'),
    ('{\n  "a": 1,\n  "b": 2\n}', "b", '{\n  "a": 1\n}'),
    ('{\r\n  "b": 2\r\n}', "b", "{\r\n}"),
    ('{"a": 1, "b": 2,}', "b", '{"a": 1, }'),  # a tolerated trailing comma stays where it was
]


@pytest.mark.parametrize(("text", "key", "expected"), CASES)
def test_member_removal(text, key, expected):
    ft = _ft(text)
    start, end = json_text.member_removal(ft, text.index(f'"{key}"'))  # type: ignore[misc]
    assert text[:start] + text[end:] == expected


@pytest.mark.parametrize("text", [
    '{"a": 1, // note\n "b": 2}',  # a comment beside it
    '{"a": 1, "b": {"x": 1 /* c */}}',  # a comment inside it
    "{'b': 2}",  # not strict JSON
    '{"a": 1,\n "b": 2\n ,"c": 3}',  # a comma on a line of its own
])
def test_member_removal_declines(text):
    assert json_text.member_removal(_ft(text), text.rindex('"b"') if '"b"' in text else 1) is None


_keys = st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=6, unique=True)
_values = st.one_of(st.integers(-5, 5), st.booleans(), st.none(), st.text("xyz\\\"é", max_size=4),
                    st.lists(st.integers(0, 3), max_size=3))


@settings(max_examples=200, deadline=None)
@given(keys=_keys, values=st.lists(_values, min_size=6, max_size=6), indent=st.sampled_from([None, 2, 4]),
       pick=st.integers(0, 5), newline=st.sampled_from(["\n", "\r\n"]))
def test_removing_any_member_of_any_layout_leaves_the_others(keys, values, indent, pick, newline):
    data = {k: values[i] for i, k in enumerate(keys)}
    text = json.dumps(data, indent=indent, ensure_ascii=False).replace("\n", newline)
    key = keys[pick % len(keys)]
    at = text.index(json.dumps(key) + ":")
    span = json_text.member_removal(_ft(text), at)
    assert span is not None
    rest = text[:span[0]] + text[span[1]:]
    assert json.loads(rest) == {k: v for k, v in data.items() if k != key}
    assert span[0] <= at < span[1]


# ---- escapes -------------------------------------------------------------------------------------------


def test_json_escapes():
    s = r'"C:\Temp\new\\x\"\u00e9\q\u12"'
    kinds = [(s[k:k + 2], kind) for k, kind in json_text.escapes(s, 0, len(s))]
    assert kinds == [("\\T", "invalid"), ("\\n", "control"), ("\\\\", "valid"), ('\\"', "valid"),
                     ("\\u", "valid"), ("\\q", "invalid"), ("\\u", "invalid")]


def test_lua_escapes_and_literals():
    text = 'scripts.a = "C:\\Temp\\new\\\\x\\065"\nscripts.b = "x" .. y\nscripts.c = true\n'
    lua = LuaText(_ft(text))
    token = lua.literal_value(text.index('"C:'))
    assert token is not None
    kinds = [(text[k:k + 2], kind) for k, kind in lua.string_escapes(token)]
    assert kinds == [("\\T", "invalid"), ("\\n", "control"), ("\\\\", "valid"), ("\\0", "valid")]
    assert lua.literal_value(text.index('"x"')) is None  # part of an expression
    assert lua.literal_value(text.index("true")) is not None
    assert lua_literal(True, None, text) == "true"
    assert lua_literal("C:\\x", token, text) == '"C:\\\\x"'
    assert lua_literal(False, lua.literal_value(text.index('"C:')), text) == '"false"'  # a string stays one


def test_statement_removal_only_alone_on_its_line():
    text = 'scripts.a = 1\nscripts.b = false -- why\nscripts.c = "x"; scripts.d = 2\nscripts.e = true\n'
    lua = LuaText(_ft(text))
    assert lua.statement_removal(text.index("a =")) == (0, 14)
    assert lua.statement_removal(text.index("b =")) is None  # a comment shares the line
    assert lua.statement_removal(text.index("c =")) is None
    start, end = lua.statement_removal(text.index("e ="))  # type: ignore[misc]
    assert text[start:end] == "scripts.e = true\n"


# ---- overlay -------------------------------------------------------------------------------------------


def test_overlay_is_seen_only_inside_its_block(tmp_path):
    path = tmp_path / "config.json"
    path.write_bytes(b"{}")
    with overlaid({str(path.resolve()): b'{"a": 1}'}, {}):
        assert read_source(path).data == b'{"a": 1}'  # type: ignore[union-attr]
    assert read_source(path).data == b"{}"  # type: ignore[union-attr]
    assert path.read_bytes() == b"{}"


# ---- the diff ------------------------------------------------------------------------------------------


def test_diff_masks_secrets_and_comments_and_keeps_line_numbers():
    original = ('{\n  "appKey": "3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d", "logger": {"level": "DEBUG"},\n'
                '  "proxy": {"user": "bob", "password": "hunter2"}, "x": "http://u:pw@h" // old pw: hunter2\n}\n')
    new = original.replace('"DEBUG"', '"WARN"').replace('"x": "http', '"y": 1, "x": "http')
    out = render_diff([Change("gw/etc/config.json", "gw/etc/config.json", original.encode(), new.encode(),
                              role="ems")])
    assert "3f2b8c1e" not in out and "hunter2" not in out and "bob" not in out and "u:pw" not in out
    assert '-  "appKey": ***, "logger": {"level": "DEBUG"},' in out
    assert '+  "appKey": ***, "logger": {"level": "WARN"},' in out
    assert "@@ -2,2 +2,2 @@" in out and "// ***" in out


def test_diff_of_a_mode_change():
    out = render_diff([Change("gw/etc/dp.dat", "gw/etc/dp.dat", b"\x01", None, 0o644, 0o600)])
    assert out == "diff --git a/gw/etc/dp.dat b/gw/etc/dp.dat\nold mode 100644\nnew mode 100600\n"


def test_diff_masks_lua_secrets_by_name():
    original = ('scripts.rap_password = "hunter2" -- was: s3cret\nscripts.log_level = "DEBUG"'
                '; scripts.creds = {x = "t0ps3cret", {"l1st"}}\n')
    new = original.replace('"DEBUG"', '"WARN"').replace('"hunter2" --', '"hunter2" ; --')
    out = render_diff([Change("c.lua", "c.lua", original.encode(), new.encode(), role="lsr")])
    assert "hunter2" not in out and "s3cret" not in out and "t0ps3cret" not in out and "l1st" not in out
    assert '+scripts.log_level = "WARN"; scripts.creds = {x = ***, {***}}' in out
