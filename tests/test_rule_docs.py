"""Rule pages: fixed headings in order, fenced examples with their language, sources repeated as links."""

from __future__ import annotations

import dataclasses
import re

from emslint.model import Level, Severity
from emslint.rules.docs import plain_text, rule_help_markdown, rule_help_text
from emslint.rules.model import Example, Match, Rule

SOURCE = "https://support.ptc.com/help/thingworx/edge_microserver/en/c_sdk/v5.4.0_c_ems_wsems_configuration_websocket.html"


def make_rule(**changes) -> Rule:
    rule = Rule(
        id="EMS101",
        name="platform-encryption-none",
        title="Platform WebSocket without TLS",
        summary='ws_connection.encryption is "none": the app key and all data cross the network in clear.',
        severity=Severity.CRITICAL,
        link="platform",
        caps=Level.LOW,
        message='{property} is "none": the app key, data and tunnels travel in clear',
        group="transport",
        what='Detects `ws_connection.encryption` set to `"none"` in config.json.',
        why="Without TLS the **app key** travels in clear; see [PTC help](https://support.ptc.com/x).",
        fix='Set `ws_connection.encryption` to `"ssl"` and configure `certificates`.',
        bad=[
            Example("json", '{"ws_connection": {"encryption": "none"}}'),
            Example("lua", 'scripts.rap_ssl = "false"'),
        ],
        good=[Example("json", '{"ws_connection": {"encryption": "ssl"}}')],
        sources=[SOURCE, "https://community.ptc.com/t5/IoT-Tips/ems-tls/td-p/1"],
        matches=[Match(pointer="/ems/ws_connection/encryption", schema={"const": "none"})],
        cwe=["CWE-319"],
        severity_by_profile={"development": Severity.INFO},
    )
    return dataclasses.replace(rule, **changes)


HEADINGS = ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## How to fix"]


def test_markdown_title_and_headings_in_order():
    md = rule_help_markdown(make_rule())
    assert md.splitlines()[0] == "# platform-encryption-none (EMS101)"
    positions = [md.index(h + "\n") for h in [*HEADINGS, "## References"]]
    assert positions == sorted(positions)
    assert "## Options" not in md
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_markdown_meta_line_names_severity_link_cap_and_profile_severity():
    md = rule_help_markdown(make_rule())
    meta = next(line for line in md.splitlines() if line.startswith("Severity:"))
    assert "**critical**" in meta and "development: info" in meta
    assert "`platform`" in meta and "**low**" in meta
    assert "CWE-319" in meta and "`transport`" in meta


def test_examples_are_fenced_with_their_language():
    md = rule_help_markdown(make_rule())
    example = md.split("## Example\n", 1)[1].split("## Use instead", 1)[0]
    assert '```json\n{"ws_connection": {"encryption": "none"}}\n```' in example
    assert '```lua\nscripts.rap_ssl = "false"\n```' in example
    use_instead = md.split("## Use instead\n", 1)[1].split("## How to fix", 1)[0]
    assert '```json\n{"ws_connection": {"encryption": "ssl"}}\n```' in use_instead


def test_code_containing_a_fence_gets_a_longer_fence():
    rule = make_rule(bad=[Example("lua", "-- ```\nscripts.x = 1")], good=[])
    md = rule_help_markdown(rule)
    assert "````lua\n-- ```\nscripts.x = 1\n````" in md
    assert "## Use instead" not in md


def test_references_list_every_source_and_cwe_as_links():
    md = rule_help_markdown(make_rule())
    refs = md.split("## References\n", 1)[1]
    assert f"- <{SOURCE}>" in refs
    assert "- <https://community.ptc.com/t5/IoT-Tips/ems-tls/td-p/1>" in refs
    assert "[CWE-319](https://cwe.mitre.org/data/definitions/319.html)" in refs


def test_options_section_only_when_the_rule_has_options():
    md = rule_help_markdown(make_rule(options=["platform_java", "--ems-version"]))
    options = md.split("## Options\n", 1)[1].split("## References", 1)[0]
    assert "- `platform_java`" in options and "- `--ems-version`" in options


def test_no_references_section_without_sources_or_cwe():
    md = rule_help_markdown(make_rule(sources=[], cwe=[]))
    assert "## References" not in md


def test_text_has_the_same_sections_without_markdown_syntax():
    text = rule_help_text(make_rule(options=["platform_java"]))
    for heading in ["What it does", "Why is this bad?", "How to fix", "Options", "References"]:
        assert f"\n{heading}\n" in text
    assert "Example (json):" in text and "Example (lua):" in text and "Use instead (json):" in text
    assert '    {"ws_connection": {"encryption": "none"}}' in text
    for syntax in ("```", "**", "## ", "# ", "`", "]("):
        assert syntax not in text, syntax
    assert SOURCE in text and "https://cwe.mitre.org/data/definitions/319.html" in text
    assert "PTC help (https://support.ptc.com/x)" in text
    assert text.splitlines()[0] == "platform-encryption-none (EMS101): Platform WebSocket without TLS"


def test_rule_without_link_cap_or_profile_variation():
    rule = make_rule(link=None, caps=None, severity_by_profile={}, profiles=("production",), status="preview")
    md = rule_help_markdown(rule)
    meta = next(line for line in md.splitlines() if line.startswith("Severity:"))
    assert "Link" not in meta and "Profiles: production" in meta and "preview" in meta


def test_plain_text_strips_inline_markdown_only():
    assert plain_text("Set `a.b` to **x**, see [docs](https://e.x/y) or <https://e.x/z>.") == (
        "Set a.b to x, see docs (https://e.x/y) or https://e.x/z."
    )
    assert plain_text("a_b * c") == "a_b * c"


def test_every_section_body_is_the_rule_text():
    rule = make_rule()
    md = rule_help_markdown(rule)
    for body in (rule.what, rule.why, rule.fix, rule.summary):
        assert body in md
    assert re.search(r"^\*\*Platform WebSocket without TLS\*\*$", md, re.M)
