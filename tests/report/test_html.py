"""The HTML report: one self-contained page, every untrusted text escaped, every secret masked, levels and links
as the results say."""

from __future__ import annotations

import json
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from emslint.model import Finding
from emslint.read.json_reader import read_json
from emslint.read.lua_reader import read_lua
from emslint.report.excerpt import MASK, masked_lines
from emslint.report.html import render_html
from tests.hardening import ROOT, run_cli, write_deployment

EMS_EXAMPLES = ("examples/low", "examples/medium", "examples/high")  # the EMS/LSR examples


class _Page(HTMLParser):
    """Every start tag with its attributes, the text, and whether tags balance (void elements aside)."""

    VOID = frozenset({"meta", "br", "input", "img", "link", "hr", "rect", "line"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.unbalanced: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.unbalanced.append(tag)
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _check(cwd: Path, *args: str, out: Path | None = None) -> tuple[int, str]:
    out = out or cwd / "report.html"
    run = run_cli(["check", "--no-progress", "-j", "1", "--now", "2026-01-01", *args, "--format", "html",
                   "--output", str(out)], cwd=cwd)
    assert run.code in (0, 1), run.err[-2000:]
    return run.code, out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def examples_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _check(ROOT, *EMS_EXAMPLES, out=tmp_path_factory.mktemp("html") / "report.html")[1]


def test_page_is_self_contained(examples_page: str) -> None:
    page = parse(examples_page)
    assert not page.unbalanced and not page.stack
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in (csp or "")
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "object", "embed", "img"), tag
        assert "src" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)  # no inline handlers
    assert [t for t, _ in page.tags].count("script") == 1
    assert "@import" not in examples_page and "url(" not in examples_page


def test_overview_counts_levels_and_links(examples_page: str) -> None:
    page = parse(examples_page)
    cards = {a["data-level-count"]: a for t, a in page.tags if "data-level-count" in a}
    assert set(cards) == {"high", "medium", "low", "unknown"}
    for level, expected in {"high": "1", "medium": "1", "low": "1", "unknown": "0"}.items():
        assert re.search(rf'data-level-count="{level}"><span class="n">{expected}<', examples_page), level
    rows = [a for t, a in page.tags if t == "tr" and "data-path" in a]
    assert {(a["data-path"], a["data-level"]) for a in rows} == {
        ("examples/high", "high"), ("examples/medium", "medium"), ("examples/low", "low")}


def test_pictures_colour_each_link_by_its_level(examples_page: str) -> None:
    report = json.loads(run_cli(["check", "--format", "json", "--now", "2026-01-01", *EMS_EXAMPLES], cwd=ROOT).out)
    expected = {t["path"]: t["links"] for t in report["targets"]}
    sections = re.split(r'<details class="deployment" id="d-\d+"', examples_page)[1:]
    assert len(sections) == 3
    for section in sections:
        path = re.search(r"</span> ([^<]+)</summary>", section).group(1)
        edges = re.findall(r'<g class="edge (\w+)" data-link="([\w-]+)" data-state="(\w+)">', section)
        assert len(edges) == 4  # platform, lsr-rest, ems-rest twice (the LSR's rap_* side and local clients)
        for cls, link, state in edges:
            assert cls == state == (expected[path][link] or "absent"), (path, link)


def test_path_to_high_lists_every_capping_finding_hidden_ones_marked(tmp_path: Path) -> None:
    lua = "\n".join([
        'scripts.script_resource_host = "127.0.0.1"',
        "scripts.script_resource_ssl = false -- emslint: ignore[EMS301] lab network, accepted until the CA exists",
        "scripts.script_resource_authenticate = true",
        'scripts.script_resource_userid = "admin"',
        'scripts.script_resource_password = "AES:c2VjcmV0c2VjcmV0c2VjcmV0"',
        "",
    ])
    write_deployment(tmp_path / "gw", lsr=lua)
    _, page = _check(tmp_path, "gw")
    section = page[page.index('<ul class="path-to-high">'):]
    section = section[: section.index("</ul></li></ul>")]
    lsr_rest = re.search(r'<li data-link="lsr-rest">.*?</ul></li>', section + "</ul></li>", re.S).group(0)
    assert "EMS301" in lsr_rest and "hidden: inline" in lsr_rest
    decided = re.search(r'<tr data-link="lsr-rest">.*?</tr>', page, re.S).group(0)
    assert "EMS301" in decided and "hidden: inline" in decided


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>\"'&\u202egnp.exe\x1b[31m"
    name = hostile.replace("/", "_")
    document = {hostile: {"<img src=x onerror=alert(2)>": True}, "ws_connection": {"encryption": "none"},
                "ws_servers": [{"host": "<b>x</b>", "port": 80}]}
    write_deployment(tmp_path / name, ems=document, lsr=f'scripts["{hostile}"] = "<svg onload=alert(3)>"\n')
    _, page = _check(tmp_path, ".")
    parsed = parse(page)
    assert [t for t, _ in parsed.tags].count("script") == 1
    assert not any(t in ("img", "b") or any(k.startswith("on") for k in a) for t, a in parsed.tags)
    assert "\u202e" not in page and "\x1b" not in page
    assert "\\u202e" in page  # shown as an escape, not dropped
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text  # as text, visible to the reader


def test_excerpts_show_the_lines_around_each_finding(examples_page: str) -> None:
    assert '<pre class="excerpt">' in examples_page
    low = examples_page[examples_page.index("examples/low</summary>"):]
    assert "&quot;encryption&quot;: &quot;none&quot;" in low  # the offending value is shown: no secret


def test_fix_is_shown_with_its_applicability() -> None:
    from emslint.fixes.model import Fix
    from emslint.model import Severity, TargetResult, Verdict

    finding = Finding("EMS101", "platform-encryption-none", Severity.CRITICAL, "m", "gw/etc/config.json", 5, 3,
                      "/ws_connection/encryption", link="platform",
                      fix=Fix("unsafe", "set ws_connection.encryption to \"ssl\""))
    finding.links = ("platform",)
    result = TargetResult("gw", [], [finding], {"platform": Verdict("low")}, Verdict("low"))
    page = render_html([result], {}, version="0", profile="production")
    assert "fixable (unsafe) set ws_connection.encryption to &quot;ssl&quot;" in page


# ------------------------------------------------------------------------------------------------ masking


def test_json_excerpt_masks_secrets_identities_and_unknown_words() -> None:
    guid = "0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8"
    text = "\n".join([
        "{",
        f'  "appKey": "{guid}",',
        '  "http_server": {"host": "0.0.0.0", "port": 8000, "user": "operator7", "password": "Hunter2Hunter2"},',
        f'  "note": "see {guid}", "proxy": {{"host": "http://bob:pw123@p", "port": 3128}},',
        '  "pasword": "misspeltSecret", "bare": unquotedSecret, "pin": 918273645546, "n": 42',
        "}",
    ])
    lines = masked_lines(text, "ems", read_json(text), set(range(1, 7)))
    shown = "\n".join(lines.values())
    for secret in (guid, "Hunter2Hunter2", "operator7", "pw123", "misspeltSecret", "unquotedSecret", "918273645546"):
        assert secret not in shown, secret
    assert '"host": "0.0.0.0", "port": 8000' in lines[3]
    assert f'"password": "{MASK}"' in lines[3]
    assert lines[5].endswith('"n": 42')


def test_lua_excerpt_masks_strings_names_numbers_and_comments() -> None:
    text = "\n".join([
        "-- old password: Hunter2Hunter2",
        'scripts.rap_host = "127.0.0.1"',
        "scripts.rap_port = 8000",
        'local pw = "LocalSecret99"',
        "scripts.rap_password = pw .. UnquotedName",
        "scripts.script_resource_password = 918273645546",
        'scripts.rap_userid = "operator7" -- emslint: ignore[EMS211] reason',
        "scripts.script_resource_passphrase = [[multi",
        "LongSecret]]",
        "--[[ block",
        "BlockSecret ]]",
    ])
    lines = masked_lines(text, "lsr", read_lua(text), set(range(1, 12)))
    shown = "\n".join(lines.values())
    for secret in ("Hunter2Hunter2", "LocalSecret99", "UnquotedName", "918273645546", "operator7", "LongSecret",
                   "BlockSecret"):
        assert secret not in shown, secret
    assert lines[2] == 'scripts.rap_host = "127.0.0.1"'
    assert lines[3] == "scripts.rap_port = 8000"
    assert lines[7].endswith("-- emslint: ignore[EMS211] reason")
    assert lines[1] == f"-- {MASK}"


def test_excerpt_lines_are_capped(tmp_path: Path) -> None:
    text = '{"ws_connection": {"encryption": "none"}, "x": "' + "a" * 5000 + '"}'
    lines = masked_lines(text, "ems", read_json(text), {1})
    assert len(lines[1]) <= 200


def test_several_reports_from_one_run(tmp_path: Path) -> None:
    """--report FORMAT:PATH, repeated: the html page keeps its excerpts while the text goes to stdout."""
    run = run_cli(["check", "--no-progress", "--now", "2026-01-01", *EMS_EXAMPLES, "--report",
                   f"html:{tmp_path / 'r.html'}", "--report", f"junit:{tmp_path / 'r.xml'}", "--report",
                   f"gitlab:{tmp_path / 'r.json'}"], cwd=ROOT)
    assert run.code == 1
    assert run.out.splitlines()[-1].startswith("3 deployment(s) (1 high, 1 medium, 1 low)")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<pre class="excerpt">' in page and not parse(page).unbalanced
    assert (tmp_path / "r.xml").read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    shown = int(re.search(r", (\d+) finding\(s\)", run.out.splitlines()[-1]).group(1))
    assert len(json.loads((tmp_path / "r.json").read_text())) == shown


# A general promise, so a property: whatever the layout, no value under a secret or identity name is shown.
_SECRET_KEYS = ["password", "passphrase", "appKey", "key_passphrase", "rap_password", "user", "proxyAuth", "pin"]
_VALUE = st.text(alphabet=string.ascii_letters + string.digits + "!#%&*+-.=?@^_~ ", min_size=6, max_size=24)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SECRET_KEYS), _VALUE), min_size=1, max_size=5),
       st.sampled_from([None, 0, 2]), st.booleans())
def test_no_secret_in_json_excerpts(pairs: list[tuple[str, str]], indent: int | None, nested: bool) -> None:
    secrets = {f"k{i}_{key}": value for i, (key, value) in enumerate(pairs)}
    document = {"http_server": {"host": "127.0.0.1", **secrets}} if nested else {"ws_connection": {}, **secrets}
    text = json.dumps(document, indent=indent)
    skeleton = json.dumps({"http_server": {"host": "127.0.0.1", **dict.fromkeys(secrets, "")}}, indent=indent)
    assume(all(v.strip() and v not in skeleton and v not in "true false null" for v in secrets.values()))
    shown = "\n".join(masked_lines(text, "ems", read_json(text), set(range(1, text.count("\n") + 2))).values())
    for value in secrets.values():
        assert value not in shown


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SECRET_KEYS), _VALUE, st.sampled_from(['"', "'", "[["])), min_size=1,
                max_size=5), st.booleans())
def test_no_secret_in_lua_excerpts(items: list[tuple[str, str, str]], comment: bool) -> None:
    lines, values = [], []
    for i, (key, value, quote) in enumerate(items):
        close = "]]" if quote == "[[" else quote
        if quote != "[[" and quote in value:
            continue
        suffix = f" -- {value}" if comment else ""
        lines.append(f"scripts.k{i}_{key} = {quote}{value}{close}{suffix}")
        values.append(value)
    assume(values)
    text = "\n".join(lines)
    skeleton = "\n".join(f"scripts.k{i}_{key} = " for i, (key, _, _) in enumerate(items))
    assume(all(v.strip() and v not in skeleton for v in values))
    shown = "\n".join(masked_lines(text, "lsr", read_lua(text), set(range(1, len(lines) + 1))).values())
    for value in values:
        assert value not in shown
