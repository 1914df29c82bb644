"""The HOCON reader on the spec's examples, on PTC's printed examples, and on its own promises (environment
values unknown, includes only through the callback, positions, messages without values)."""

from __future__ import annotations

from pathlib import Path

import pytest

from emslint.read.hocon_lexer import WHITESPACE_CHARS
from emslint.read.hocon_reader import IncludeResult, parse_duration, parse_size, read_hocon

PTC = Path(__file__).parent.parent / "data" / "hocon" / "ptc"


def data(text: str) -> object:
    result = read_hocon(text)
    assert not result.fatal
    return result.data


def codes(text: str, **kwargs: object) -> list[str]:
    return [i.code for i in read_hocon(text, **kwargs).issues]  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ spec examples (HOCON.md)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{ "foo" : { "a" : 42 }, "foo" : { "b" : 43 } }', {"foo": {"a": 42, "b": 43}}),
        ('{ "foo" : { "a" : 42 }, "foo" : null, "foo" : { "b" : 43 } }', {"foo": {"b": 43}}),
        ("a : { b : 1 } { c : 2 }", {"a": {"b": 1, "c": 2}}),
        ("a : [ 1, 2 ] [ 3, 4 ]", {"a": [1, 2, 3, 4]}),
        ("a : [ 1, 2 ]\na : ${a} [ 3, 4 ]", {"a": [1, 2, 3, 4]}),
        (
            'data-center-generic = { cluster-size = 6 }\ndata-center-east = ${data-center-generic} { name = "east" }',
            {"data-center-generic": {"cluster-size": 6}, "data-center-east": {"cluster-size": 6, "name": "east"}},
        ),
        ("path = [ /bin ]\npath = ${path} [ /usr/bin ]", {"path": ["/bin", "/usr/bin"]}),
        ("x = [ 1 2 3 4 ]", {"x": ["1 2 3 4"]}),
        ("x = [ 1\n 2\n 3\n 4 ]", {"x": [1, 2, 3, 4]}),
        ("x = [ [ 1, 2 ] [ 3, 4 ] ]", {"x": [[1, 2, 3, 4]]}),
        ("x = [ [ 1, 2 ]\n [ 3, 4 ] ]", {"x": [[1, 2], [3, 4]]}),
        ("foo.bar : 42", {"foo": {"bar": 42}}),
        ("a.x : 42, a.y : 43", {"a": {"x": 42, "y": 43}}),
        ("a b c : 42", {"a b c": 42}),
        ("true : 42\n3 : 42\n3.14 : 42", {"true": 42, "3": {"14": 42}}),
        ('foo.bar."hello.world" : 42', {"foo": {"bar": {"hello.world": 42}}}),
        ('"a.b" = 1', {"a.b": 1}),
        ('a."".b = 1', {"a": {"": {"b": 1}}}),
        ("{ foo include : 42 }", {"foo include": 42}),
        ("{ foo : include }", {"foo": "include"}),
        ('{ "include" : 42 }', {"include": 42}),
        ('path : "a:b:c"\npath : ${path}":d"', {"path": "a:b:c:d"}),
        ("foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }", {"foo": {"a": 2, "c": 1}}),
        ("bar : { foo : 42,\n baz : ${bar.foo}\n }", {"bar": {"foo": 42, "baz": 42}}),
        ("bar : { foo : 42,\n baz : ${bar.foo}\n }\nbar : { foo : 43 }", {"bar": {"foo": 43, "baz": 43}}),
        (
            "bar : { a : ${foo.d}, b : 1 }\nbar.b = 3\nfoo : { c : ${bar.b}, d : 2 }\nfoo.d = 4",
            {"bar": {"a": 4, "b": 3}, "foo": {"c": 3, "d": 4}},
        ),
        ("foo : ${does-not-exist}\nfoo : 42", {"foo": 42}),
        ("a = 1\na.b = 2\nc = 1\nc { d = 2 }", {"a": {"b": 2}, "c": {"d": 2}}),
        ("a += 1\na += 2", {"a": [1, 2]}),
        ("a = [0]\na += 1", {"a": [0, 1]}),
        ("x { y += a }\nx { y += b }", {"x": {"y": ["a", "b"]}}),
        (
            "truefoo = 1\na = truefoo\nb = footrue\nc = 10.0bar",
            {"truefoo": 1, "a": "truefoo", "b": "footrue", "c": "10.0bar"},
        ),
        ('a = """foo""""', {"a": 'foo"'}),
        ('a = """ multi\n  "line" """', {"a": ' multi\n  "line" '}),
        ("a = 192.168.1.1\nb = 1-2\nc = 0012\nd = 1e3", {"a": "192.168.1.1", "b": "1-2", "c": 12, "d": 1000.0}),
        ("a = 9223372036854775807\nb = 9223372036854775808", {"a": 2**63 - 1, "b": "9223372036854775808"}),
        ("a = yes\nb = off\nc = true\nd = null", {"a": "yes", "b": "off", "c": True, "d": None}),
        ("a = null\nb = ${a}\nc = ${a}x", {"a": None, "b": None, "c": "nullx"}),
        ("a = 10 s\nb = 64k", {"a": "10 s", "b": "64k"}),
        ("a = 1 // c\nb = 2 # c", {"a": 1, "b": 2}),
        ("a\n=\n1", {"a": 1}),
        ("a = [1,2,]\nb = {x:1,}", {"a": [1, 2], "b": {"x": 1}}),
        ("", {}),
        ("# only a comment\n", {}),
        ("a = {x = 1}\nb = ${a}\nb.y = 2", {"a": {"x": 1}, "b": {"x": 1, "y": 2}}),
        ("a { x = 1 }\na = ${a} { y = 2 }", {"a": {"x": 1, "y": 2}}),
        ("f = { q : e }\ntest3 = ${f} ${f}", {"f": {"q": "e"}, "test3": {"q": "e"}}),
        ("o = { 0 : a, 1 : b }\nl = ${o} [c]", {"o": {"0": "a", "1": "b"}, "l": ["a", "b", "c"]}),
    ],
)
def test_spec_examples(text: str, expected: object) -> None:
    assert data(text) == expected


def test_cycles_and_self_references() -> None:
    result = read_hocon("a : ${b}\nb : ${c}\nc : ${a}")
    assert result.data == {}
    assert set(result.unknown) == {"/a", "/b", "/c"}
    assert [i.code for i in result.issues] == ["hocon-substitution-cycle"]
    result = read_hocon("a = { b = ${a} }")  # an object referring to itself is an unbreakable cycle
    assert result.unknown == {"/a/b": "part of a substitution cycle"}
    assert read_hocon("a = ${?missing.key}").data == {}
    result = read_hocon("a = ${missing.key}")
    assert [(i.code, i.line, i.column, i.pointer) for i in result.issues] == [
        ("hocon-unresolved-substitution", 1, 5, "/a")
    ]


def test_environment_is_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_KEY", "4b1c3a2e-0000-4000-8000-000000000001")
    text = 'cx-server.transport.websockets.app-key = "abc"\ncx-server.transport.websockets.app-key = ${?APP_KEY}\n'
    result = read_hocon(text)
    assert result.data == {"cx-server": {"transport": {"websockets": {}}}}
    pointer = "/cx-server/transport/websockets/app-key"
    assert result.unknown == {pointer: "set from the environment variable APP_KEY if it is set"}
    assert result.positions[pointer] == (2, 42)
    (issue,) = result.issues
    assert issue.code == "hocon-env-substitution"
    assert (issue.line, issue.column, issue.pointer) == (2, 42, pointer)
    assert "4b1c3a2e" not in repr(result)
    assert read_hocon("PATH = ${PATH}:/x").unknown == {"/PATH": "set from the environment variable PATH"}
    assert read_hocon("HOME = null\nh = ${HOME}").data == {"HOME": None, "h": None}  # null blocks the look-up


def test_positions_and_key_positions() -> None:
    text = 'cx-server {\n  protocol.port = 8443\n  "a.b" : [ true, "x" ]\n}\n'
    result = read_hocon(text)
    assert result.positions["/cx-server"] == (1, 11)
    assert result.positions["/cx-server/protocol"] == (2, 3)
    assert result.positions["/cx-server/protocol/port"] == (2, 19)
    assert result.key_positions["/cx-server/protocol/port"] == (2, 12)
    assert result.positions["/cx-server/a.b/1"] == (3, 19)
    assert result.key_positions["/cx-server/a.b"] == (3, 3)
    later = read_hocon("a = 1\na = 2")
    assert later.positions["/a"] == (2, 5)
    assert [(i.code, i.line) for i in later.issues] == [("hocon-duplicate-key", 2)]
    assert read_hocon("a/b = 1\nt~ = 2").data == {"a/b": 1, "t~": 2}
    assert set(read_hocon("a/b = 1\nt~ = 2").positions) == {"", "/a~1b", "/t~0"}


def test_comments_are_kept_for_suppressions() -> None:
    result = read_hocon('a = 1 # emslint: ignore X\n// two\nb = "#not"')
    assert result.comments == [(1, " emslint: ignore X"), (2, " two")]


def test_whitespace_is_typesafe_whitespace() -> None:
    import unicodedata

    expected = {"\t", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f", "\ufeff"}
    expected |= {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in ("Zs", "Zl", "Zp")}
    assert set(WHITESPACE_CHARS) == expected
    assert data("a\u00a0=\u2003foo\u3000bar") == {"a": "foo\u3000bar"}


# ----------------------------------------------------------------------------------------------- includes


FILES = {
    "base.conf": "x = 10\ny = ${x}\nz = ${top}",
    "sub/inner.conf": 'include "leaf.conf"\ninner = 1',
    "leaf.conf": "leaf = true",
    "arr.conf": "[1, 2]",
}


def resolver(name: str) -> IncludeResult:
    if name in FILES:
        return IncludeResult(text=FILES[name], name=name)
    if name.startswith("/"):
        return IncludeResult(name=name, status="refused", message="outside the scanned folder")
    return IncludeResult(name=name, status="not-found")


def test_includes_merge_and_relativize() -> None:
    text = 'top = 5\na { include "base.conf" }\na { x = 42 }\ninclude "sub/inner.conf"'
    result = read_hocon(text, include=resolver)
    assert result.data == {"top": 5, "a": {"x": 42, "y": 42, "z": 5}, "leaf": True, "inner": 1}
    # y = ${x} and z = ${top} resolve to the values written in the including file: positions are there
    assert result.origins == {"/leaf": "leaf.conf", "/inner": "sub/inner.conf"}
    assert result.positions["/a/y"] == (3, 9)
    assert result.positions["/a/z"] == (1, 7)
    assert result.positions["/leaf"] == (1, 8)  # in leaf.conf
    assert result.issues == []


@pytest.mark.parametrize(
    ("statement", "code"),
    [
        ('include url("http://example.com/x.conf")', "hocon-include-refused"),
        ('include "https://example.com/x.conf"', "hocon-include-refused"),
        ('include classpath("reference.conf")', "hocon-include-refused"),
        ('include "/etc/passwd"', "hocon-include-refused"),
        ('include "missing.conf"', "hocon-include-not-found"),
        ('include required(file("missing.conf"))', "hocon-include-not-found"),
        ('include "arr.conf"', "hocon-syntax-error"),
        ("include missing", "hocon-syntax-error"),
    ],
)
def test_include_refusals(statement: str, code: str) -> None:
    result = read_hocon(f"a = 1\n{statement}\nb = 2", include=resolver)
    assert [i.code for i in result.issues] == [code]
    assert result.data == {"a": 1, "b": 2}
    assert result.issues[0].line == 2


def test_no_callback_no_include() -> None:
    result = read_hocon('include "base.conf"\na = 1')
    assert result.data == {"a": 1}
    assert [i.code for i in result.issues] == ["hocon-include-refused"]


def test_issue_in_included_file_is_reported_at_the_include() -> None:
    files = {"bad.conf": "ok = 1\nbroken = ["}
    result = read_hocon('x = 0\ninclude "bad.conf"', include=lambda n: IncludeResult(text=files[n], name=n))
    (issue,) = result.issues
    assert (issue.code, issue.line, issue.column) == ("hocon-syntax-error", 2, 1)
    assert issue.message.startswith("in included file 'bad.conf', line 2, column 11: ")


# ----------------------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "expected", "issues"),
    [
        ("a = 1 }", {"a": 1}, [("hocon-syntax-error", 1, 7)]),
        ("{ a = 1", {"a": 1}, [("hocon-syntax-error", 1, 8)]),
        ('a = "x\nb = 2', {"a": "x", "b": 2}, [("hocon-syntax-error", 1, 5)]),
        ('a = "c:\\some\\path"', {"a": "c:\\some\\path"}, [("hocon-invalid-escape", 1, 8)]),
        ("a = [1,,2]", {"a": [1, 2]}, [("hocon-syntax-error", 1, 8)]),
        ("a = 1 2 = 3\nb = 4", {"a": "1 2", "b": 4}, [("hocon-syntax-error", 1, 9)]),
        ("a = foo?bar\nb = 4", {"b": 4}, [("hocon-syntax-error", 1, 8)]),
        ("a..b = 1\nc = 2", {"c": 2}, [("hocon-syntax-error", 1, 1)]),
        ("a = 1 +\nb = 2", {"b": 2}, [("hocon-syntax-error", 1, 7)]),  # a: unknown
        ("a = ${b\nb = 2", {"a": 2, "b": 2}, [("hocon-syntax-error", 1, 5)]),
        ("a = {x: 1} foo", {}, [("hocon-type-mismatch", 1, 12)]),
    ],
)
def test_tolerant_recovery(text: str, expected: object, issues: list[tuple[str, int, int]]) -> None:
    result = read_hocon(text)
    assert result.data == expected
    assert [(i.code, i.line, i.column) for i in result.issues] == issues
    assert not result.fatal


def test_fatal_only_when_nothing_is_left() -> None:
    assert read_hocon("]]]] ???? ]]]").fatal
    assert read_hocon("]]]] ???? ]]]").data is None
    assert not read_hocon("").fatal


def test_messages_never_quote_values() -> None:
    secret = "d2f1c0de-5ec2-4e7a-9a1b-5ec2e75ec2e7"
    for text in (
        f'app-key = "{secret}',
        f'app-key - "{secret}"',
        f"app-key = {secret} ?",
        f"app-key = {secret}\napp-key = {secret}x",
        f'app-key = "{secret}" {{ x = 1 }}',
        f'"{secret}"',
        f'app-key = "{secret}\\q"',
        f"a = [{secret}, ,]",
    ):
        result = read_hocon(text)
        assert result.issues, text
        for issue in result.issues:
            assert secret not in issue.message and secret[:8] not in issue.message, (text, issue)


# ---------------------------------------------------------------------------------------- PTC's examples


def test_ptc_emessage_format_examples_are_equivalent() -> None:
    nested = read_hocon((PTC / "emessage-format.conf").read_text(encoding="utf-8"))
    dotted = read_hocon((PTC / "emessage-format-dotted.conf").read_text(encoding="utf-8"))
    assert dotted.issues == []
    assert nested.data == dotted.data == {"cx-server": {"thing": {"name": "eMessageConnector1", "num": 1}}}
    # the page's "..." elisions are what Typesafe config would also refuse
    assert [(i.code, i.line) for i in nested.issues] == [("hocon-syntax-error", 5), ("hocon-syntax-error", 10)]


def test_ptc_connection_server_format_example_has_its_typo() -> None:
    result = read_hocon((PTC / "cxserver-format.conf").read_text(encoding="utf-8"))
    assert result.data == {"cx-server": {"thing": {"name": "CXServer1"}}}
    assert [(i.code, i.line, i.pointer) for i in result.issues] == [
        ("hocon-syntax-error", 7, "/cx-server/thing/num"),  # num - "1"
        ("hocon-syntax-error", 9, ""),  # . . .
    ]


def test_ptc_transport_websockets_defaults() -> None:
    result = read_hocon((PTC / "cxserver-transport-websockets.conf").read_text(encoding="utf-8"))
    ws = result.data["cx-server"]["transport"]["websockets"]  # type: ignore[index]
    assert ws["authentication"]["timeout-ms"] == 10000
    assert ws["connections"]["pingRate"] == "30s" and parse_duration(ws["connections"]["pingRate"]) == 30.0
    assert parse_size(ws["connections"]["highWaterMark"]) == 65536
    assert "lowWaterMark" not in ws["connections"]
    assert ws["connections"]["enableHigherQualityOfServiceForResponses"] is True
    assert [(i.code, i.line, i.pointer) for i in result.issues] == [
        ("hocon-syntax-error", 5, ""),
        ("hocon-syntax-error", 16, "/cx-server/transport/websockets/connections/lowWaterMark"),
        ("hocon-syntax-error", 19, ""),
    ]


def test_ptc_file_transfer_example() -> None:
    result = read_hocon((PTC / "emessage-file-transfer.conf").read_text(encoding="utf-8"))
    emessage = result.data["emessage"]  # type: ignore[index]
    assert emessage["upload"]["url"] == "https://myEmessageConnector:8443/upload"
    assert emessage["upload"]["retry"] == {"count": 3, "delay": {"min": 1000, "max": 10000}}
    assert emessage["download"]["chunk"]["size"] == 1048576
    assert [(i.code, i.line, i.pointer) for i in result.issues] == [
        ("hocon-syntax-error", 6, "/emessage/file-transfer"),
    ]


# ------------------------------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30s", 30.0),
        ("10 minutes", 600.0),
        (" 2h ", 7200.0),
        ("1.5d", 129600.0),
        (120000, 120.0),
        ("250", 0.25),
        ("5 millis", 0.005),
        ("3us", 3e-6),
        ("1 S", None),
        ("10 weeks", None),
        ("s", None),
        (True, None),
        ("1e999999", None),
        ("x" * 200, None),
    ],
)
def test_parse_duration(value: object, seconds: float | None) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("64k", 65536),
        ("32K", 32768),
        ("1 MB", 10**6),
        ("1MiB", 2**20),
        ("2 gibibytes", 2 * 2**30),
        (512, 512),
        ("1.5k", 1536),
        ("10 bytes", 10),
        ("1 kb", None),
        ("1 Kib", None),
        ("-", None),
    ],
)
def test_parse_size(value: object, size: int | None) -> None:
    assert parse_size(value) == size
