"""emslint reads config.json as the EMS's cJSON does: checked against libcjson (tests/read/cjson_oracle.py).

For each document, the reading emslint's read stage makes (``read_config``: bytes, decoding, the JSON reader and
the cJSON model of cjson_view) is compared with what ``cJSON_Parse`` + ``cJSON_GetObjectItem`` of Debian's
libcjson return: whether the file is accepted (emslint: no finding of a rule that caps ``unreadable``, so the
EMS002/EMS003/EMS004/EMS011 findings stand for "refused") and, for every documented key path, the value the EMS
gets.

Where libcjson 1.7 and the older cJSON that the C SDK bundles (its cJSON.h says only "Copyright (c) 2009 Dave
Gamble": the pre-1.0 SourceForge code) behave differently, the case is a ``Divergence``: both readings are pinned,
the source of the difference is cited, and the reason says which one emslint models. A divergence is checked
against the real library too, so a libcjson that changes shows up here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path as FsPath

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from emslint.discover import ConfigFile
from emslint.read.configs import read_config
from tests.read.cjson_oracle import ABSENT, CJson, Path, Reading, Value, load, paths_of

RULES = FsPath(__file__).resolve().parents[2] / "rules"

_CJSON = load()
needs_cjson = pytest.mark.skipif(isinstance(_CJSON, str), reason=str(_CJSON))

# The C SDK's cJSON, pre-1.0 (the copy every "Copyright (c) 2009 Dave Gamble" cJSON.c carries; quoted lines below):
OLD_CJSON = "the C SDK's pre-1.0 cJSON.c"
# Debian's libcjson (1.7.15 on Debian 12), https://github.com/DaveGamble/cJSON
NEW_CJSON = "cJSON 1.7 (libcjson)"

DOCUMENTED = paths_of([
    "appKey", "ws_connection", "ws_connection/encryption", "certificates", "certificates/validate",
    "certificates/allow_self_signed", "certificates/cert_chain", "http_server/port", "http_server/ssl",
    "http_server/host", "ws_servers", "ws_servers/0/host", "ws_servers/0/port", "ws_servers/1/host", "logger/level",
])


@cache
def unreadable_codes() -> frozenset[str]:
    """Reader issue codes of the config.json rules that cap ``unreadable`` (a file the EMS cannot load)."""
    codes: set[str] = set()
    for path in RULES.glob("EMS*.toml"):
        rule = tomllib.loads(path.read_text(encoding="utf-8"))
        if rule.get("caps") != "unreadable":
            continue
        for match in rule.get("match", []):
            code = match.get("schema", {}).get("properties", {}).get("code", {})
            codes.update([code["const"]] if "const" in code else code.get("enum", []))
    return frozenset(codes)


def emslint_reading(tmp: FsPath, data: bytes, paths: tuple[Path, ...] = DOCUMENTED) -> tuple[Reading, set[str]]:
    """emslint's read stage on ``data`` as etc/config.json: (its reading, the reader issue codes)."""
    file = tmp / "config.json"
    file.write_bytes(data)
    source = read_config(ConfigFile("ems", file, "etc/config.json"))
    codes = {issue.code for issue in source.issues}
    result = source.result
    if result is None or result.data is None or result.fatal or codes & unreadable_codes():
        return Reading(False), codes
    return Reading(True, tuple((path, _lookup(result.data, path)) for path in paths)), codes


def _lookup(node: object, path: Path) -> Value:
    """The value at ``path`` in emslint's data: documented names are spelt as documented there (cjson_view)."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return ABSENT
            node = node[step]
        elif isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return ABSENT
    return _value(node)


def _value(node: object) -> Value:
    if node is True or node is False or node is None:
        return ({True: "true", False: "false", None: "null"}[node],)
    if isinstance(node, str):
        return ("string", node.encode("utf-8", "surrogatepass"))
    if isinstance(node, int | float):
        try:
            return ("number", float(node))
        except OverflowError:  # an integer beyond a double: strtod makes it infinite
            return ("number", float("inf") if node > 0 else float("-inf"))
    return ("object",) if isinstance(node, dict) else ("array",)


def cjson() -> CJson:
    assert isinstance(_CJSON, CJson)
    return _CJSON


# ------------------------------------------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Divergence:
    """libcjson and emslint differ here on purpose: what each does, why, and where that is written."""

    emslint_accepts: bool
    cjson_accepts: bool
    why: str
    values: dict[Path, tuple[Value, Value]] = field(default_factory=dict)  # path -> (libcjson's, emslint's)


@dataclass(frozen=True)
class Case:
    name: str
    doc: bytes
    accepts: bool  # what libcjson does (checked): the table says it in words too
    values: dict[str, Value] = field(default_factory=dict)  # "a/b" -> libcjson's value (checked), beyond agreement
    codes: tuple[str, ...] = ()  # reader issues emslint must report (the finding that says what cJSON does)
    divergence: Divergence | None = None
    sdk: str = ""  # where the C SDK's older cJSON reads this otherwise than libcjson and emslint, and why that is


def s(text: str) -> Value:
    return ("string", text.encode())


def n(number: float) -> Value:
    return ("number", float(number))


WS = b'"ws_connection": {"encryption": "ssl"}'

CASES = [
    # repeated keys: cJSON_GetObjectItem returns the first member whose name matches without case
    Case("duplicate key, same case", b'{"certificates": {"validate": false, "validate": true}}', True,
         {"certificates/validate": ("false",)}, ("json-conflicting-key",)),
    Case("duplicate key, same value", b'{"http_server": {"port": 8000, "port": 8000}}', True,
         {"http_server/port": n(8000)}, ("json-duplicate-key",)),
    Case("duplicate key, other case first", b'{"http_server": {"Port": 1, "port": 2}}', True,
         {"http_server/port": n(1)}, ("json-key-case", "json-conflicting-key")),
    Case("duplicate key, other case later", b'{"http_server": {"port": 1, "PORT": 2}}', True,
         {"http_server/port": n(1)}, ("json-conflicting-key",)),
    Case("key in another case only", b'{"CERTIFICATES": {"Validate": false}}', True,
         {"certificates/validate": ("false",)}, ("json-key-case",)),
    Case("duplicate group, first wins whole", b'{"certificates": {"validate": false}, "Certificates": '
         b'{"validate": true, "allow_self_signed": true}}', True,
         {"certificates/validate": ("false",), "certificates/allow_self_signed": ABSENT}),
    Case("three spellings", b'{"appkey": "a", "APPKEY": "b", "appKey": "c"}', True, {"appKey": s("a")}),
    Case("a key that is not ASCII: no case folding (Kelvin sign K)", '{"app\u212aey": "x", "ws_connection": {}}'
         .encode(), True, {"appKey": ABSENT}),
    Case("escaped key", b'{"\\u0061ppKey": "x", "ws_connection": {"encr\\u0079ption": "none"}}', True,
         {"appKey": s("x"), "ws_connection/encryption": s("none")}),
    Case("key with \\u0000: the name ends at the NUL", b'{"ws_connection": {"encryption\\u0000x": "none"}}', True,
         {"ws_connection/encryption": s("none")}, ("json-nul-in-string",)),
    # C strings
    Case("\\u0000 in a value", b'{"ws_connection": {"encryption": "none\\u0000ssl"}}', True,
         {"ws_connection/encryption": s("none")}, ("json-nul-in-string",),
         sdk=f"{OLD_CJSON} skips the escape (`if ((uc>=0xDC00 && uc<=0xDFFF) || uc==0) break;` in parse_string) "
         "and reads `nonessl`; 1.7 writes the NUL (CHANGELOG 1.5.0: 'Parse into a buffer, this will allow parsing "
         "\\u0000'), so the C string ends there. emslint models 1.7 (which cJSON C SDK 3.x bundles is not "
         "published); EMS018 reports the string under either reading"),
    Case("NUL byte in the file: the C string ends there", b'{' + WS + b'}\x00{"appKey": "x"}', True,
         {"appKey": ABSENT, "ws_connection/encryption": s("ssl")}, ("nul-truncated",)),
    Case("NUL byte inside the document", b'{' + WS + b', "appKey": "x\x00y"}', False, codes=("nul-truncated",)),
    # after the document: cJSON_Parse ignores it (only ParseWithOpts(require_null_terminated) refuses it)
    Case("text after the document", b'{"ws_connection": {"encryption": "none"}}\n{"ws_connection": '
         b'{"encryption": "ssl"}}', True, {"ws_connection/encryption": s("none")}, ("json-trailing-content",)),
    Case("junk after the document", b'{' + WS + b'} trailing words', True, {}, ("json-trailing-content",)),
    Case("comment after the document", b'{' + WS + b'}\n// the end', True, {}, ("json-trailing-content",)),
    # encodings
    Case("UTF-8 byte order mark", b'\xef\xbb\xbf{' + WS + b'}', True, {"ws_connection/encryption": s("ssl")},
         ("encoding-bom",),
         Divergence(False, True, f"{OLD_CJSON} skips only bytes <= 32 before a value (`while (in && *in && "
                    "(unsigned char)*in<=32) in++;`) and refuses the BOM; cJSON >= 1.6.0 skips it "
                    "(DaveGamble/cJSON#184, commit 5baa77f; #290: 'UTF-8 byte order marks are in fact ignored since "
                    "cJSON 1.6.0'). emslint models the SDK's copy: EMS011, the file's links get no level")),
    Case("UTF-16 with BOM", '\ufeff{"ws_connection": {}}'.encode("utf-16-le"), False, codes=("encoding-error",)),
    Case("UTF-16 without BOM", '{"ws_connection": {"encryption": "ssl"}}'.encode("utf-16-le"), False,
         codes=("encoding-error",)),
    Case("empty file", b"", False, codes=("json-empty",)),
    Case("whitespace only", b" \n\t\r\n", False, codes=("json-empty",)),
    # structure
    Case("trailing comma in an object", b'{' + WS + b',}', False, codes=("json-syntax-error",)),
    Case("trailing comma in an array", b'{"ws_servers": [{"host": "a"},]}', False, codes=("json-syntax-error",)),
    Case("missing comma", b'{"appKey": "x" "ws_connection": {}}', False, codes=("json-syntax-error",)),
    Case("missing colon", b'{"appKey" "x"}', False, codes=("json-syntax-error",)),
    Case("line comment", b'// settings\n{' + WS + b'}', False, codes=("json-comment",)),
    Case("block comment", b'{' + WS + b' /* tls */}', False, codes=("json-comment",)),
    Case("single quotes", b"{'appKey': 'x'}", False, codes=("json-syntax-error",)),
    Case("unquoted key", b'{appKey: "x"}', False, codes=("json-syntax-error",)),
    Case("unterminated string", b'{"appKey": "x', False, codes=("json-syntax-error",)),
    Case("unclosed object", b'{' + WS, False, codes=("json-syntax-error",)),
    Case("NaN", b'{"http_server": {"port": NaN}}', False, codes=("json-syntax-error",)),
    Case("Python True", b'{"certificates": {"validate": True}}', False, codes=("json-syntax-error",)),
    Case("control characters between tokens", b'{\x0b"ws_connection":\x01{"encryption": "ssl"}}', True,
         {"ws_connection/encryption": s("ssl")}, ("json-syntax-error",),
         Divergence(False, True, "both cJSONs skip every byte <= 32 between tokens (1.7 buffer_skip_whitespace, "
                    "the SDK's skip()); emslint reports EMS003 as strict JSON does (open: needs a rule id of its own "
                    "for what strict JSON refuses and cJSON reads)")),
    Case("array at the root", b'[{"ws_connection": {}}]', True, {"ws_connection": ABSENT}),
    Case("nesting 150 deep", b'{"ws_connection": {"x": ' + b"[" * 148 + b"]" * 148 + b"}}", True,
         {"ws_connection": ("object",)}),
    Case("nesting 1000 deep", b'{"ws_connection": {"x": ' + b"[" * 998 + b"]" * 998 + b"}}", True,
         {"ws_connection": ("object",)}, ("json-too-deep",),
         Divergence(False, True, "cJSON 1.7 refuses nesting deeper than CJSON_NESTING_LIMIT (1000, CHANGELOG "
                    f"1.5.0), {OLD_CJSON} recurses without a limit; emslint stops reading at 200 levels (bounded "
                    "work on hostile input; no configuration nests beyond 5) and reports EMS003")),
    Case("nesting 1001 deep", b'{"ws_connection": {"x": ' + b"[" * 999 + b"]" * 999 + b"}}", False,
         codes=("json-too-deep",)),
    # numbers: cJSON 1.7 hands the number's characters to strtod
    Case("exponent", b'{"http_server": {"port": 8.443e3}}', True, {"http_server/port": n(8443)}),
    Case("capital exponent with sign", b'{"http_server": {"port": 1E+2}}', True, {"http_server/port": n(100)}),
    Case("negative zero", b'{"http_server": {"port": -0}}', True, {"http_server/port": n(0)}),
    Case("huge number", b'{"http_server": {"port": 1e400}}', True, {"http_server/port": n(float("inf"))}),
    Case("long integer", b'{"http_server": {"port": 123456789012345678901234567890}}', True,
         {"http_server/port": n(123456789012345678901234567890)}),
    Case("leading '+'", b'{"http_server": {"port": +443}}', False, codes=("json-syntax-error",)),
    Case("leading '.'", b'{"http_server": {"port": .5}}', False, codes=("json-syntax-error",)),
    Case("exponent without digits", b'{"http_server": {"port": 1e}}', False, codes=("json-syntax-error",)),
    Case("leading zero", b'{"http_server": {"port": 0443}}', True, {"http_server/port": n(443)},
         ("json-syntax-error",),
         Divergence(False, True, "both cJSONs read 0443 as 443 (1.7: strtod; the SDK's parse_number skips one "
                    "'0' and reads on); emslint reports EMS003 as for any number strict JSON refuses (open: a "
                    "rule for what strict JSON refuses and cJSON reads needs a rule id of its own)")),
    Case("trailing '.'", b'{"http_server": {"port": 443.}}', True, {"http_server/port": n(443)},
         ("json-syntax-error",),
         Divergence(False, True, f"1.7 reads 443. with strtod; {OLD_CJSON} needs a digit after '.' (`if "
                    "(*num=='.' && num[1]>='0' && num[1]<='9')`) and refuses the file; emslint reports EMS003")),
    # strings
    Case("escapes", b'{"certificates": {"cert_chain": "C:\\\\certs\\/ca\\"1\\".pem\\u00e9\\ud83d\\ude00"}}', True,
         {"certificates/cert_chain": s('C:\\certs/ca"1".pem\u00e9\U0001f600')}),
    Case("raw tab inside a value", b'{"appKey": "a\tb"}', True, {"appKey": s("a\tb")}, ("json-control-escape",)),
    Case("raw control character inside a value", b'{"appKey": "a\x01b"}', True, {"appKey": s("a\x01b")},
         ("json-control-escape",)),
    Case("raw line break inside a value", b'{"appKey": "a\nb", "ws_connection": {}}', True,
         {"appKey": s("a\nb")}, ("json-control-escape",)),
    Case("raw line breaks: a string over three lines", b'{"appKey": "a\nb\nc", "ws_connection": {}}', True,
         {"appKey": s("a\nb\nc")}, ("json-syntax-error",),
         Divergence(False, True, "cJSON reads on to the next quote; emslint takes a line break in a string as a "
                    "closing quote that went missing (the usual typo) unless the next line closes the string, and "
                    "reports EMS003 (a string over two lines is read as cJSON reads it, EMS007)")),
    Case("\\u with a bad hex digit", b'{"appKey": "a\\u00g1b", "ws_connection": {}}', True,
         {"appKey": s("a")}, ("json-invalid-escape",),
         Divergence(True, True, f"1.7's parse_hex4 makes a bad digit 0, so the escape is a NUL that ends the C "
                    f"string; {OLD_CJSON} drops it (uc==0). emslint reads the escape as written and reports EMS006",
                    {("appKey",): (s("a"), s("a\\u00g1b"))})),
    Case("invalid escape (Windows path)", b'{"certificates": {"cert_chain": "c:\\certs\\ca.pem"}}', False,
         codes=("json-invalid-escape",),
         divergence=Divergence(True, False, f"1.7 refuses an escape JSON does not define (parse_string: `default: "
                               f"goto fail;`); {OLD_CJSON} drops the backslash (`default: *ptr2++=*ptr;`) and "
                               "reads c:certsca.pem. emslint models the SDK's acceptance (PTC's own 5.4.x "
                               "templates have such paths) and reads what the author meant, reporting EMS006")),
    Case("lone high surrogate", b'{"appKey": "x\\ud800y", "ws_connection": {}}', False,
         codes=("json-invalid-escape",),
         divergence=Divergence(True, False, f"1.7 refuses a lone surrogate (utf16_literal_to_utf8 fails); "
                               f"{OLD_CJSON} drops it (`if ((uc>=0xDC00 && uc<=0xDFFF) || uc==0) break;`). As "
                               "for other invalid escapes emslint models the SDK's acceptance, keeps the escape "
                               "as written and reports EMS006")),
    Case("lone low surrogate", b'{"appKey": "x\\udc00y", "ws_connection": {}}', False,
         codes=("json-invalid-escape",),
         divergence=Divergence(True, False, "as for the lone high surrogate")),
    Case("invalid UTF-8 (Latin-1)", b'{"appKey": "caf\xe9", "ws_connection": {}}', True,
         {"appKey": ("string", b"caf\xe9")}, ("encoding-invalid-utf8",),
         Divergence(True, True, "cJSON copies bytes and never checks UTF-8; emslint reads U+FFFD for each bad "
                    "byte so that the rest of the file is judged, and reports EMS017",
                    {("appKey",): (("string", b"caf\xe9"), s("caf\ufffd"))})),
]


@needs_cjson
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_table_against_libcjson(case: Case, tmp_path: FsPath) -> None:
    paths = tuple(dict.fromkeys(DOCUMENTED + paths_of(list(case.values))))
    theirs = cjson().read(case.doc, paths)
    ours, codes = emslint_reading(tmp_path, case.doc, paths)
    assert theirs.accepted is case.accepts, "libcjson does not do what the table says"
    got = dict(theirs.values)
    for path, value in zip(paths_of(list(case.values)), case.values.values(), strict=True):
        assert got[path] == value, f"libcjson reads {path} as {got[path]}"
    assert set(case.codes) <= codes, f"emslint's read issues {sorted(codes)}"
    if case.divergence is None:
        assert ours == theirs
        return
    d = case.divergence
    assert (ours.accepted, theirs.accepted) == (d.emslint_accepts, d.cjson_accepts)
    if ours.accepted and theirs.accepted:
        mine = dict(ours.values)
        differs = {path for path in paths if mine[path] != got[path]}
        assert differs == set(d.values), "the documented divergence is not the only difference"
        for path, (cj, em) in d.values.items():
            assert (got[path], mine[path]) == (cj, em)


def test_the_table_covers_the_claims_of_the_rule_docs() -> None:
    """The rule docs that cite this file make claims these cases check (a claim without a case is a defect)."""
    claimed = {p.name.split("-")[0] for p in RULES.glob("EMS*.toml") if "test_cjson_oracle" in p.read_text("utf-8")}
    assert claimed == {"EMS003", "EMS004", "EMS005", "EMS006", "EMS007", "EMS011", "EMS018", "EMS019", "EMS020",
                       "EMS021"}
    covered = {code for case in CASES for code in case.codes}
    for code in ("json-syntax-error", "json-too-deep", "json-empty", "json-comment", "json-duplicate-key",
                 "json-invalid-escape", "json-control-escape", "encoding-bom", "json-nul-in-string", "nul-truncated",
                 "json-key-case", "json-conflicting-key", "json-trailing-content"):
        assert code in covered, code


# ------------------------------------------------------------------------------------------- the property test

# documented names to generate (every path of DOCUMENTED can so be present, in any spelling, any number of times)
_SPEC: dict[str, object] = {
    "appKey": None,
    "ws_connection": {"encryption": None},
    "certificates": {"validate": None, "allow_self_signed": None, "cert_chain": None},
    "http_server": {"port": None, "ssl": None, "host": None},
    "logger": {"level": None},
    "ws_servers": [{"host": None, "port": None}],
}
_WS = [" ", "", "\n", "\t", "\r\n", "  "]
_CHARS = [*"aZ09 -_.:", '"', "\\", "/", "\t", "\x01", "\x1f", "\x00", "\n", "\x7f", "\u00e9", "\u201d", "\u212a",
          "\U0001f600"]  # no half surrogate pair, no invalid escape: divergences, pinned in the table


def _escape_char(draw: st.DrawFn, ch: str) -> str:
    """One character of a JSON string, written raw or escaped (never a raw line break or NUL: see the table)."""
    short = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "/": "\\/"}
    cp = ord(ch)
    if cp > 0xFFFF:
        high, low = 0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + ((cp - 0x10000) & 0x3FF)
        return draw(st.sampled_from([ch, f"\\u{high:04x}\\u{low:04X}"]))
    forms = [f"\\u{cp:04x}"]
    if ch in short:
        forms.append(short[ch])
    if ch not in '"\\\n\x00':
        forms.append(ch)
    return draw(st.sampled_from(forms))


@st.composite
def _string(draw: st.DrawFn, text: str | None = None) -> str:
    chars = text if text is not None else draw(st.lists(st.sampled_from(_CHARS), max_size=6))
    return '"' + "".join(_escape_char(draw, ch) for ch in chars) + '"'


@st.composite
def _name(draw: st.DrawFn, name: str) -> str:
    """A documented name spelt as the EMS may still read it (case, escapes, a NUL and more), or not (Kelvin K)."""
    how = draw(st.sampled_from(["as is", "upper", "mixed", "nul", "kelvin", "escaped"]))
    if how == "upper":
        name = name.upper()
    elif how == "mixed":
        name = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in name)
    elif how == "nul":
        name += "\x00" + draw(st.sampled_from(["", "x", "ssl"]))
    elif how == "kelvin":
        name = name.replace("k", "\u212a").replace("K", "\u212a")
    if how == "escaped":
        return draw(_string(name))
    return '"' + "".join("\\u0000" if c == "\x00" else c for c in name) + '"'


def _scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        _string(),
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.sampled_from(["true", "false", "null", "-0", "1E+2", "2.5e-3"]),
    )


def _gen_value(draw: st.DrawFn, spec: object, tokens: list[str], depth: int) -> None:
    if isinstance(spec, dict) and draw(st.integers(0, 9)) < 8:
        return _gen_members(draw, spec, tokens, depth)
    if isinstance(spec, list) and draw(st.integers(0, 9)) < 8:
        tokens.append("[")
        for i in range(draw(st.integers(0, 2))):
            tokens.extend([","] if i else [])
            _gen_value(draw, spec[0], tokens, depth + 1)
        return tokens.append("]")
    if depth < 3 and draw(st.integers(0, 9)) == 0:
        return _gen_members(draw, {}, tokens, depth)
    return tokens.append(draw(_scalar()))


def _gen_members(draw: st.DrawFn, spec: dict, tokens: list[str], depth: int, first: str | None = None) -> None:
    tokens.append("{")
    names = [first] if first else []
    names += [draw(st.sampled_from([*spec, None])) if spec else None for _ in range(draw(st.integers(0, 5)))]
    for i, name in enumerate(names):
        tokens.extend([","] if i else [])
        key = draw(_name(name)) if name else draw(_string())
        tokens.extend([key, ":"])
        _gen_value(draw, spec.get(name) if name else None, tokens, depth + 1)
    tokens.append("}")


_MUTATIONS = ["none"] * 6 + ["trailing comma", "drop comma", "comment", "after the document", "truncate", "NUL",
                             "NaN", "single quotes", "plus"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[bytes, str]:
    """A config.json: nested objects with documented names in many spellings and repeats, strings with escapes,
    NULs and control characters, numbers; sometimes broken in one way cJSON refuses or reads past."""
    tokens: list[str] = []
    group = draw(st.sampled_from(["ws_connection", "certificates", "http_server", "logger"]))
    spec = dict(_SPEC)
    _gen_members(draw, spec, tokens, 0, first=group)
    tokens[1] = '"' + draw(st.sampled_from([group, group.upper()])) + '"'  # an EMS group: not another program's file
    mutation = draw(st.sampled_from(_MUTATIONS))
    at = draw(st.integers(0, len(tokens) - 1))
    commas = [i for i, t in enumerate(tokens) if t == ","]
    if mutation == "trailing comma":
        close = draw(st.sampled_from([i for i, t in enumerate(tokens) if t in "}]" and i > 0 and tokens[i - 1] not in
                                      "{["] or [len(tokens) - 1]))
        tokens.insert(close, ",")
    elif mutation == "drop comma" and commas:
        del tokens[draw(st.sampled_from(commas))]
    elif mutation == "comment":
        tokens.insert(at + 1, draw(st.sampled_from(["/* c */", "// c\n"])))
    elif mutation == "after the document":
        tokens.append(draw(st.sampled_from(["x", "{}", '{"appKey": "y"}', "]"])))
    elif mutation == "NUL":
        tokens.insert(at + 1, "\x00")
    elif mutation in ("NaN", "single quotes", "plus"):
        scalars = [i for i, t in enumerate(tokens) if t not in "{}[],:" and tokens[i - 1] == ":"]
        if scalars:
            i = draw(st.sampled_from(scalars))
            tokens[i] = {"NaN": "NaN", "single quotes": "'x'", "plus": "+1"}[mutation]
    text = "".join(t + draw(st.sampled_from(_WS)) for t in tokens)
    if mutation == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    return text.encode("utf-8", "surrogatepass"), mutation


@needs_cjson
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(documents())
def test_libcjson_and_emslint_agree(tmp_path: FsPath, document: tuple[bytes, str]) -> None:
    """Accept or refuse alike, and the same value for every documented key path, on generated documents."""
    data, mutation = document
    theirs = cjson().read(data, DOCUMENTED)
    ours, codes = emslint_reading(tmp_path, data)
    assert ours == theirs, f"emslint's read issues {sorted(codes)}"
    event(f"{mutation}: {'accepted' if theirs.accepted else 'refused'}")  # pytest --hypothesis-show-statistics
