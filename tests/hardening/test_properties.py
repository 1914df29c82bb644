"""Property-based tests (hypothesis) over both readers, the cipher-string evaluator and whole deployments.

For any input: no exception, well-formed results (positions inside the text, pointers that resolve, issue
codes from the known set), values equal to the stdlib's where the input is valid, and the same output for
the same input. Example counts are bounded so the whole hardening folder stays fast; bench/fuzz.py runs the
same readers on hundreds of thousands of mutated inputs.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.hardening import ROOT, assert_analysed, time_limit

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLES = ROOT / "examples"

JSON_CODES = {
    "json-syntax-error", "json-comment", "json-invalid-escape", "json-control-escape", "json-duplicate-key",
    "json-too-deep", "json-empty", "encoding-bom", "json-conflicting-key", "json-trailing-content",
}
LUA_CODES = {
    "lua-syntax-error", "lua-invalid-escape", "lua-control-escape", "lua-not-static", "lua-or-expression",
    "lua-too-deep", "lua-bom",
}


def _resolve(data: Any, pointer: str) -> bool:
    node = data
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def _check_result(result: Any, text: str, codes: set[str]) -> None:
    lines = text.count("\n") + text.count("\r") + 1
    for issue in result.issues:
        assert issue.code in codes, issue.code
        assert 1 <= issue.line <= lines + 1 and issue.column >= 1, issue
        assert "\n" not in issue.message
    if result.fatal:
        assert result.data is None
    for line, column in result.positions.values():
        assert 1 <= line <= lines + 1 and column >= 1


# ------------------------------------------------------------------------------------------------ JSON

_JSON_ALPHABET = st.sampled_from(list('{}[]:,"\'\\/*= \t\r\n-+.eE0123456789truefalsnl\u201c\u201d\xa0\ufeffabc;#'))
json_like = st.lists(_JSON_ALPHABET, max_size=200).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)


@FAST
@given(st.text(max_size=300) | json_like)
def test_read_json_never_fails(text: str) -> None:
    from emslint.read.json_reader import read_json

    with time_limit(5):
        result = read_json(text)
    _check_result(result, text, JSON_CODES)
    if not result.fatal:
        for pointer in result.positions:
            assert _resolve(result.data, pointer), pointer


@FAST
@given(json_values, st.sampled_from([None, 2, "\t"]), st.booleans())
def test_read_json_agrees_with_the_stdlib_on_valid_json(value: Any, indent: Any, ascii_only: bool) -> None:
    from emslint.read.json_reader import read_json

    text = json.dumps({"root": value}, indent=indent, ensure_ascii=ascii_only)
    result = read_json(text)
    if any(i.code == "json-duplicate-key" for i in result.issues):
        return  # dictionaries() can't make duplicates; keep the guard for future strategies
    assert [i.code for i in result.issues if i.code == "json-syntax-error"] == []
    assert result.data == json.loads(text)


@FAST
@given(st.sampled_from(sorted(EXAMPLES.glob("*/etc/config.json"))), st.data())
def test_read_json_survives_edits_of_real_configs(path: Path, data: st.DataObject) -> None:
    from emslint.read.json_reader import read_json

    text = path.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(json_like)
    mutated = text[:start] + insert + text[end:]
    with time_limit(5):
        _check_result(read_json(mutated), mutated, JSON_CODES)


# ------------------------------------------------------------------------------------------------- Lua

_LUA_ALPHABET = st.sampled_from(
    [*"scripts.=\"'[]{}()-,;:#~^*/%+<>\\ \t\r\n0123456789xabcdeflnortu_",
     "..", "--", "[[", "]]", "--[[", "local ", "end ", "if ", "then "]
)
lua_like = st.lists(_LUA_ALPHABET, max_size=150).map("".join)
lua_names = st.text("abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=10).filter(
    lambda s: not s[0].isdigit()
).filter(
    lambda s: s not in {"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
                        "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"}
)
lua_scalars = (
    st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.text(st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="\\\"'"), max_size=20)
)


def _lua_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


@FAST
@given(st.text(max_size=300) | lua_like)
def test_read_lua_never_fails(text: str) -> None:
    from emslint.read.lua_reader import read_lua

    with time_limit(5):
        result = read_lua(text)
    _check_result(result, text, LUA_CODES)
    for pointer in result.unknown:
        assert not _resolve(result.data, pointer) or _value_at(result.data, pointer) is None, pointer


def _value_at(data: Any, pointer: str) -> Any:
    node = data
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


@FAST
@given(st.dictionaries(lua_names, lua_scalars, min_size=1, max_size=8))
def test_read_lua_reads_literal_assignments(values: dict[str, Any]) -> None:
    from emslint.read.lua_reader import read_lua

    text = "\n".join(f"scripts.{k} = {_lua_literal(v)}" for k, v in values.items())
    result = read_lua(text)
    assert not [i for i in result.issues if i.code == "lua-syntax-error"], result.issues
    assert result.data == {"scripts": values}


@FAST
@given(st.sampled_from(sorted(EXAMPLES.glob("*/etc/config.lua"))), st.data())
def test_read_lua_survives_edits_of_real_configs(path: Path, data: st.DataObject) -> None:
    from emslint.read.lua_reader import read_lua

    text = path.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    mutated = text[:start] + data.draw(lua_like) + text[end:]
    with time_limit(5):
        _check_result(read_lua(mutated), mutated, LUA_CODES)


@FAST
@given(st.binary(max_size=400))
def test_decode_text_never_fails(data: bytes) -> None:
    from emslint.read.source import decode_text

    codes = ("encoding-error", "encoding-invalid-utf8", "encoding-bom", "nul-truncated")
    for c_string in (False, True):
        decoded = decode_text(data, c_string=c_string)
        assert decoded.ok or decoded.text == ""
        assert all(i.code in codes for i in decoded.issues)
        if c_string:
            assert "\x00" not in decoded.text  # the EMS reads a C string: nothing past a NUL


# ------------------------------------------------------------------------------------------------ ciphers


def _cipher_words() -> list[str]:
    table = json.loads((ROOT / "emslint" / "data" / "openssl-1.0.2-ciphers.json").read_text(encoding="utf-8"))
    words = [c["name"] for c in table["ciphers"]] + [a["name"] for a in table["aliases"]]
    return [*sorted(set(words)), "DEFAULT", "@STRENGTH", "@SECLEVEL=2", "SUITEB128", "TLS_AES_128_GCM_SHA256"]


_WORDS = _cipher_words()
cipher_terms = st.tuples(st.sampled_from(["", "", "!", "-", "+"]), st.lists(st.sampled_from(_WORDS), min_size=1,
                                                                               max_size=3)).map(
    lambda t: t[0] + "+".join(t[1])
)
cipher_strings = st.lists(cipher_terms, max_size=8).flatmap(
    lambda terms: st.sampled_from([":", ",", " ", ";"]).map(lambda sep: sep.join(terms))
)


@FAST
@given(cipher_strings | st.text(max_size=80), st.sampled_from(["default", "weak"]),
       st.sampled_from([("1.0.2", False, False), ("1.0.2", True, False), ("1.1.1", False, False),
                        ("3.1", False, False), ("3.1", False, True)]))
def test_cipher_evaluation_never_fails(string: str, build: str, variant: tuple[str, bool, bool]) -> None:
    from emslint.inspect.cipher_verdicts import cipher_facts
    from emslint.inspect.ciphers import evaluate

    openssl, fips, legacy = variant
    kwargs = {"build": build, "fips": fips, "openssl": openssl, "legacy_provider": legacy}
    with time_limit(5):
        result = evaluate(string, **kwargs)
        again = evaluate(string, **kwargs)
        facts = cipher_facts(string, **kwargs)
    assert result == again  # deterministic
    assert result.ok == bool(result.ciphers)
    assert result.ok or result.error
    names = result.names
    # a suite is offered once; only the weak build repeats a name (its SSLv2 and SSLv3 suites share names
    # such as RC4-MD5, as `openssl ciphers -v` of a 1.0.2 enable-ssl2 build shows)
    assert len({(c.name, c.protocol) for c in result.ciphers}) == len(names)
    json.dumps(facts)  # plain JSON for the facts document


@FAST
@given(cipher_strings)
def test_cipher_exclusion_is_final(string: str) -> None:
    """'!X' removes X for good: no later term brings a suite of it back (OpenSSL's 'kill' semantics)."""
    from emslint.inspect.ciphers import evaluate

    for openssl, legacy in (("1.0.2", False), ("3.1", True)):
        result = evaluate(string + ":!RC4", "weak", openssl=openssl, legacy_provider=legacy)
        assert not any(c.enc.startswith("RC4") for c in result.ciphers)


# ------------------------------------------------------------------------------------------ deployments

_KEYS = {
    "ws_servers": st.lists(st.fixed_dictionaries({"host": st.sampled_from(["h", "10.0.0.1", ""]),
                                                  "port": st.integers(-1, 70000) | st.text(max_size=5)}),
                           max_size=2),
    "appKey": st.text(max_size=40) | st.uuids().map(str) | st.integers(),
    "ws_connection": st.fixed_dictionaries({"encryption": st.sampled_from(["none", "ssl", "fips", "SSL ", 1])}),
    "http_server": st.dictionaries(
        st.sampled_from(["host", "port", "ssl", "authenticate", "certificate", "private_key", "passphrase",
                         "user", "password", "enable_csrf_tokens"]),
        st.booleans() | st.text(max_size=12) | st.integers(-1, 70000) | st.just("etc/certs/x.pem"),
        max_size=8,
    ),
    "certificates": st.dictionaries(
        st.sampled_from(["validate", "allow_self_signed", "cert_chain", "cipher_suite", "key_file",
                         "client_cert", "fingerprint_allowlist", "disable_hostname_validation"]),
        st.booleans()
        | st.text(max_size=12)
        | cipher_strings
        | st.just("etc/certs/x.pem")
        | st.lists(st.text(max_size=6), max_size=2),
        max_size=6,
    ),
    "auto_bind": st.lists(st.dictionaries(st.sampled_from(["name", "host", "port", "protocol", "user", "password"]),
                                          st.text(max_size=8) | st.integers(0, 9000), max_size=6), max_size=3),
    "logger": st.dictionaries(st.sampled_from(["level", "publish_directory"]), st.text(max_size=10), max_size=2),
    "junk": json_values,
}
ems_documents = st.fixed_dictionaries({}, optional=_KEYS)
lua_assignments = st.dictionaries(
    st.sampled_from(["rap_host", "rap_port", "rap_ssl", "rap_validate", "rap_cert_file", "rap_password",
                     "script_resource_ssl", "script_resource_host", "script_resource_authenticate",
                     "script_resource_private_key", "script_resource_certificate_chain", "log_level"]),
    st.booleans() | st.integers(0, 70000) | st.sampled_from(['"true"', '"8000"', '"etc/certs/x.pem"', "os.getenv('X')",
                                                              "nil", "{}", '"a" .. 1'])
    .map(lambda v: v if isinstance(v, str) else _lua_literal(v)),
    max_size=10,
)
file_bytes = st.binary(max_size=300) | st.sampled_from(
    [b"", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", b"\x30\x03\x02\x01\x00"]
)


@SLOW
@given(
    ems=st.none() | ems_documents.map(json.dumps) | json_like,
    lua=st.none() | lua_assignments.map(lambda d: "\n".join(f"scripts.{k} = {v}" for k, v in d.items())) | lua_like,
    booted=st.none() | ems_documents.map(json.dumps),
    cert=st.none() | file_bytes,
)
def test_lint_target_on_generated_deployments(ems: str | None, lua: str | None, booted: str | None,
                                              cert: bytes | None) -> None:
    from emslint.discover import discover
    from emslint.pipeline import Job, lint_job
    from emslint.settings import Settings

    assume(ems is not None or lua is not None or booted is not None)
    folder = Path(tempfile.mkdtemp(prefix="emslint-prop-"))
    try:
        etc = folder / "gw" / "etc"
        (etc / "certs").mkdir(parents=True)
        for name, content in (("config.json", ems), ("config.lua", lua), ("config.json.booted", booted)):
            if content is not None:
                (etc / name).write_text(content, encoding="utf-8")
        if cert is not None:
            (etc / "certs" / "x.pem").write_bytes(cert)
        targets, problems = discover([str(folder)])
        assert not problems and len(targets) == 1
        with time_limit(20):
            first = lint_job(Job(targets[0], Settings()))
            second = lint_job(Job(targets[0], Settings()))
        assert_analysed([first])
        assert [f.to_dict() for f in first.findings] == [f.to_dict() for f in second.findings]
        assert first.findings == sorted(first.findings, key=lambda f: f.sort_key())
        for finding in first.findings:
            assert finding.line >= 1 and finding.column >= 1
        json.dumps(first.to_dict())
        _assert_one_line_per_finding(first)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_FINDING_LINE = re.compile(r"^ +\d+:\d+  ")


def _assert_one_line_per_finding(result: Any) -> None:
    """A key or path from the config (in a message or file name) cannot forge or split report lines."""
    from emslint.report.text import render_text

    out = io.StringIO()
    render_text([result], out, color=False)
    text = out.getvalue()
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f\u2028\u2029\u202e]", text), text
    assert sum(1 for line in text.splitlines() if _FINDING_LINE.match(line)) == len(result.findings)


def test_text_report_escapes_control_characters_from_the_config(tmp_path: Path) -> None:
    from emslint.discover import discover
    from emslint.pipeline import Job, lint_job
    from emslint.settings import Settings

    (tmp_path / "gw\x1b[31m" / "etc").mkdir(parents=True)
    forged = "\n\n0 deployment(s), 0 finding(s)\n\x1b[2J\u202e"
    (tmp_path / "gw\x1b[31m" / "etc" / "config.json").write_text(json.dumps({"junk": {forged: 1}}))
    targets, _ = discover([str(tmp_path)])
    result = lint_job(Job(targets[0], Settings()))
    assert result.findings
    _assert_one_line_per_finding(result)


def test_finding_messages_hold_no_control_characters(tmp_path: Path) -> None:
    from emslint.discover import discover
    from emslint.pipeline import Job, lint_job
    from emslint.settings import Settings

    (tmp_path / "gw" / "etc").mkdir(parents=True)
    (tmp_path / "gw" / "etc" / "config.json").write_text(json.dumps({"ws_servers": [], "junk": {"a\nb": 1}}))
    targets, _ = discover([str(tmp_path)])
    result = lint_job(Job(targets[0], Settings()))
    assert result.findings
    assert not [f.message for f in result.findings if re.search("[\x00-\x1f]", f.message)]
