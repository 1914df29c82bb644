"""The JUnit report: valid against the Jenkins xUnit plugin's schema, one suite per deployment, one case per rule
checked, failures exactly for the findings at or above fail_on, names never empty."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from tests.hardening import ROOT, run_cli, write_deployment

EMS_EXAMPLES = ("examples/low", "examples/medium", "examples/high")  # the EMS/LSR examples

SCHEMA = xmlschema.XMLSchema(ROOT / "tests" / "data" / "jenkins-junit-10.xsd")


def _junit(cwd: Path, *args: str) -> tuple[int, str]:
    run = run_cli(["check", "--no-progress", "-j", "1", "--now", "2026-01-01", "--format", "junit", *args], cwd=cwd)
    assert run.code in (0, 1), run.err[-2000:]
    return run.code, run.out


@pytest.fixture(scope="module")
def examples() -> ET.Element:
    _, text = _junit(ROOT, *EMS_EXAMPLES)
    SCHEMA.validate(text)
    return ET.fromstring(text)


def test_schema_rejects_a_broken_report() -> None:
    """The validation can fail: a suite without its required counts is refused."""
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate('<testsuites><testsuite name="x"><testcase name="y"/></testsuite></testsuites>')


def test_one_suite_per_deployment_one_case_per_rule(examples: ET.Element) -> None:
    from emslint.rules.catalogue import rule_set
    from emslint.settings.model import Settings

    checked = [r for r in rule_set(Settings()).all if "production" in r.profiles]
    suites = examples.findall("testsuite")
    assert [s.get("name") for s in suites] == ["examples/high", "examples/low", "examples/medium"]
    for suite in suites:
        names = [case.get("name") for case in suite.findall("testcase")]
        assert names[0] == "level"
        assert names[1:] == [f"{r.id} {r.name}" for r in sorted(checked, key=lambda r: r.id)]
        assert int(suite.get("tests")) == len(names)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))


def test_failures_follow_fail_on(examples: ET.Element) -> None:
    report = run_cli(["check", "--format", "json", "--now", "2026-01-01", *EMS_EXAMPLES], cwd=ROOT).out
    import json

    targets = {t["path"]: t for t in json.loads(report)["targets"]}
    for suite in examples.findall("testsuite"):
        failing = {f["rule"] for f in targets[suite.get("name")]["findings"] if f["severity"] != "info"}
        failed = {case.get("name").split()[0] for case in suite.findall("testcase") if case.find("failure") is not None}
        assert failed == failing, suite.get("name")
    high = examples.find("testsuite[@name='examples/high']")
    assert high.get("failures") == "0"
    info = [case for case in high.findall("testcase")
            if case.find("system-out") is not None and case.get("name") != "level"]
    assert info  # info findings are listed, not failed


def test_fail_on_never_and_require_level(tmp_path: Path) -> None:
    code, text = _junit(ROOT, *EMS_EXAMPLES, "--fail-on", "never", "--require-level", "high")
    SCHEMA.validate(text)
    root = ET.fromstring(text)
    failed = [(s.get("name"), c.get("name")) for s in root.findall("testsuite") for c in s.findall("testcase")
              if c.find("failure") is not None]
    assert sorted(failed) == [("examples/low", "level"), ("examples/medium", "level")]
    assert code == 1


def test_names_never_empty_even_without_findings(tmp_path: Path) -> None:
    write_deployment(tmp_path, ems={"ws_connection": {"encryption": "ssl"}})
    _, text = _junit(tmp_path, ".", "--select", "EMS101")
    SCHEMA.validate(text)
    suite = ET.fromstring(text).find("testsuite")
    assert suite.get("name") == "."
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["level", "EMS101 platform-encryption-none"]
    assert all(c.get("classname") == "." for c in cases)
    assert suite.get("failures") == "0"


def test_hostile_names_stay_valid_xml(tmp_path: Path) -> None:
    name = "a<b>&\"'\u202e]]>\x01"
    write_deployment(tmp_path / name, ems={"ws_connection": {"encryption": "none"}, name: 1})
    _, text = _junit(tmp_path, ".")
    SCHEMA.validate(text)
    suite = ET.fromstring(text).find("testsuite")
    assert suite.get("name").startswith("a<b>&\"'\\u202e]]>\\u0001")
    assert "\u202e" not in text
