"""GitLab Code Quality: the fields GitLab reads, relative paths, SARIF's fingerprints, stable across line moves."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.hardening import ROOT, run_cli, write_deployment

# The fields GitLab documents as required for a Code Quality report (docs.gitlab.com, ci/testing/code_quality).
SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "pattern": "^[A-Z]+[0-9]+$"},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^(?!/)(?!\\./)(?!file:)"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def _gitlab(cwd: Path, *args: str) -> list[dict]:
    run = run_cli(["check", "--no-progress", "-j", "1", "--now", "2026-01-01", "--format", "gitlab", *args], cwd=cwd)
    assert run.code in (0, 1), run.err[-2000:]
    issues = json.loads(run.out)
    jsonschema.Draft202012Validator(SCHEMA).validate(issues)
    return issues


def test_examples_follow_the_format() -> None:
    issues = _gitlab(ROOT, "examples/")
    json_report = json.loads(run_cli(["check", "--format", "json", "--now", "2026-01-01", "examples/"], cwd=ROOT).out)
    assert len(issues) == json_report["summary"]["findings"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # GitLab keeps one issue per fingerprint
    severities = {i["check_name"]: i["severity"] for i in issues}
    assert severities["EMS101"] == "blocker" and severities["EMS514"] == "info"
    assert all(i["location"]["path"].startswith("examples/") for i in issues)


def test_fingerprints_are_sarifs() -> None:
    issues = _gitlab(ROOT, "examples/")
    sarif = json.loads(run_cli(["check", "--format", "sarif", "--now", "2026-01-01", "examples/"], cwd=ROOT).out)
    prints = {r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif["runs"][0]["results"]
              if "suppressions" not in r}  # SARIF also carries waived findings, for review; GitLab only shown ones
    assert {i["fingerprint"] for i in issues} == prints


def test_fingerprints_survive_line_moves_paths_are_relative(tmp_path: Path) -> None:
    document = {"ws_servers": [{"host": "twx.example.com", "port": 80}], "ws_connection": {"encryption": "none"},
                "http_server": {"ssl": False, "host": "0.0.0.0"}}
    write_deployment(tmp_path / "gw", ems=document)
    before = _gitlab(tmp_path, str(tmp_path / "gw"))  # an absolute path on the command line
    config = tmp_path / "gw" / "etc" / "config.json"
    config.write_text("\n\n\n" + config.read_text().replace("{", "{\n\n", 1))
    after = _gitlab(tmp_path, "gw")
    assert {i["location"]["path"] for i in before} == {"gw/etc/config.json"}
    assert sorted(i["fingerprint"] for i in before) == sorted(i["fingerprint"] for i in after)
    lines_before = {i["fingerprint"]: i["location"]["lines"]["begin"] for i in before}
    moved = [i for i in after if i["location"]["lines"]["begin"] != lines_before[i["fingerprint"]]]
    assert moved  # the lines did move: the test proves something


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    name = "gw\u202e\x1b"
    write_deployment(tmp_path / name, ems={"ws_connection": {"encryption": "none"}, "::error::x": 1})
    issues = _gitlab(tmp_path, ".")
    text = json.dumps(issues, ensure_ascii=False)
    assert "\u202e" not in text and "\x1b" not in text
