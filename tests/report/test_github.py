"""GitHub Actions annotations: one workflow command per finding, escaped the way the runner unescapes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from emslint.model import Finding, Severity, TargetResult
from emslint.printable import UNSAFE, escape_unsafe
from emslint.report.github import escape_data, escape_property, render_github


def finding(severity: Severity = Severity.CRITICAL, **kw) -> Finding:
    values = {
        "rule": "EMS101",
        "name": "platform-encryption-none",
        "severity": severity,
        "message": 'ws_connection.encryption is "none"',
        "file": "edge/etc/config.json",
        "line": 12,
        "column": 5,
        "pointer": "/ws_connection/encryption",
        "link": None,
    }
    values.update(kw)
    return Finding(**values)


def target(*findings: Finding, **kw) -> TargetResult:
    return TargetResult("edge", ["edge/etc/config.json"], list(findings), {}, None, **kw)


# A parser following the runner's rules (actions/runner ActionCommand.TryParseV2): "::name props::data",
# properties split on ",", key/value on the first "=", then unescaped.
_COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def _unescape_property(v: str) -> str:
    return (
        v.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def _unescape_data(v: str) -> str:
    return v.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    m = _COMMAND.match(line)
    assert m, line
    props = {}
    for part in (m.group("props") or "").split(","):
        if part:
            key, _, value = part.partition("=")
            props[key] = _unescape_property(value)
    return m.group("name"), props, _unescape_data(m.group("data"))


def test_one_error_line_per_finding():
    out = render_github([target(finding())], {})
    assert out == (
        "::error file=edge/etc/config.json,line=12,col=5,title=emslint EMS101 platform-encryption-none"
        '::ws_connection.encryption is "none"\n'
    )


def test_levels_follow_the_sarif_mapping():
    expected = {
        Severity.CRITICAL: "error",
        Severity.HIGH: "error",
        Severity.MEDIUM: "warning",
        Severity.LOW: "warning",
        Severity.INFO: "notice",
    }
    for severity, command in expected.items():
        name, _, _ = parse(render_github([target(finding(severity))], {}).rstrip("\n"))
        assert name == command


def test_link_is_appended_to_the_message():
    _, _, message = parse(render_github([target(finding(link="platform"))], {}).rstrip("\n"))
    assert message == 'ws_connection.encryption is "none" [link: platform]'


def test_tricky_path_is_escaped_in_properties():
    f = finding(file="a,b/c:d/100%/new\nline\r/config.json", line=0, column=0)
    line = render_github([target(f)], {}).rstrip("\n")
    # Control characters are shown as escapes (emslint/printable.py), then GitHub's property escapes apply.
    assert "file=a%2Cb/c%3Ad/100%25/new\\u000aline\\u000d/config.json," in line
    assert "\n" not in line and "\r" not in line
    _, props, _ = parse(line)
    assert props["file"] == "a,b/c:d/100%/new\\u000aline\\u000d/config.json"
    assert props["line"] == "1" and props["col"] == "1"  # never 0


def test_message_escapes_percent_and_newlines_but_keeps_colons_and_commas():
    f = finding(message="50% of a: b, c\r\nnext line")
    line = render_github([target(f)], {}).rstrip("\n")
    assert line.endswith("::50%25 of a: b, c\\u000d\\u000anext line")
    assert parse(line)[2] == "50% of a: b, c\\u000d\\u000anext line"


def test_backslashes_become_slashes():
    _, props, _ = parse(render_github([target(finding(file="edge\\etc\\config.lua"))], {}).rstrip("\n"))
    assert props["file"] == "edge/etc/config.lua"


def test_findings_are_sorted_and_every_line_ends_with_newline():
    a = finding(file="b/config.json", line=3)
    b = finding(file="a/config.json", line=9)
    c = finding(file="a/config.json", line=2, rule="EMS805", name="log-level-trace", severity=Severity.LOW)
    out = render_github([target(a), target(b, c)], {})
    files = [parse(line)[1]["file"] + ":" + parse(line)[1]["line"] for line in out.splitlines()]
    assert files == ["a/config.json:2", "a/config.json:9", "b/config.json:3"]
    assert out.endswith("\n") and out.count("\n") == 3


def test_no_findings_no_output():
    assert render_github([target()], {}) == ""
    assert render_github([], {}) == ""


def test_unanalysed_targets_are_reported():
    out = render_github([target(analysed=False, errors=["internal error: x, y"]), target(analysed=False)], {})
    lines = out.splitlines()
    assert len(lines) == 2
    name, props, message = parse(lines[0])
    assert name == "error" and props == {"title": "emslint analysis"}
    assert message == "edge: internal error: x, y"
    assert parse(lines[1])[2] == "analysis of edge did not complete"


def test_tool_notes_of_an_analysed_target_are_warnings():
    out = render_github([target(errors=["certs/x.pem: unreadable"])], {})
    assert parse(out.rstrip("\n"))[0] == "warning"


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(file=_TEXT.filter(lambda s: "\\" not in s), message=_TEXT, name=_TEXT)
def test_any_text_round_trips_through_the_runner_parser(file, message, name):
    f = finding(file=file or "x", message=message, name=name)
    out = render_github([target(f)], {})
    assert out.count("\n") == 1  # one command, whatever the text holds
    command, props, data = parse(out[:-1])
    assert command == "error"
    # What the runner reads back is the text as every report shows untrusted text (emslint/printable.py).
    assert props["file"] == escape_unsafe(file or "x")
    assert props["title"] == escape_unsafe(f"emslint EMS101 {name}")
    assert data == escape_unsafe(message)
    assert "##" not in out and not UNSAFE.search(out[:-1])


@given(_TEXT)
def test_escape_functions_are_inverted_by_the_runner(text):
    assert _unescape_property(escape_property(text)) == escape_unsafe(text)
    assert _unescape_data(escape_data(text)) == escape_unsafe(text)
    assert not set(escape_property(text)) & {",", ":", "\n", "\r"}


def test_each_deployment_s_level_is_an_annotation_unknown_included() -> None:
    from emslint.model import Verdict

    unknown = TargetResult("gw1", [], [], {"platform": Verdict("unknown", None, (), ("EMS003",)),
                                           "ems-rest": Verdict("absent")},
                           Verdict("unknown", None, (), ("EMS003",)))
    medium = TargetResult("gw2", [], [], {"platform": Verdict("medium", None, ("EMS106",))},
                          Verdict("medium", None, ("EMS106",)))
    high = TargetResult("gw3", [], [], {"platform": Verdict("high")}, Verdict("high"))
    lines = render_github([unknown, medium, high], {}).splitlines()
    assert lines == [
        "::warning title=emslint level::gw1: level UNKNOWN: could not be judged (EMS003); links: platform UNKNOWN",
        "::warning title=emslint level::gw2: level MEDIUM: capped by EMS106; links: platform MEDIUM",
        "::notice title=emslint level::gw3: level HIGH; links: platform HIGH",
    ]
