"""Inline suppressions that expire: ``-- emslint: ignore[EMS301] reason expires=YYYY-MM-DD``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from emslint.read.suppressions import parse_suppressions
from tests.hardening import run_cli, write_deployment

LUA = """scripts.rap_host = "localhost"
scripts.script_resource_host = "localhost"
scripts.script_resource_ssl = false -- emslint: ignore[EMS301] lab network{expires}
scripts.script_resource_authenticate = true
"""


def _findings(tmp_path: Path, expires: str, now: str) -> tuple[dict, dict]:
    write_deployment(tmp_path / "gw", lsr=LUA.format(expires=expires))
    report = json.loads(run_cli(["check", "--format", "json", "--now", now, "gw"], cwd=tmp_path).out)
    target = report["targets"][0]
    shown = {f["rule"]: f for f in target["findings"]}
    hidden = {f["rule"]: f for f in target.get("suppressed", [])}
    return shown, hidden


@pytest.mark.parametrize(("now", "live"), [("2027-03-31", True), ("2027-04-01", False)])
def test_a_suppression_hides_until_its_day_then_is_reported(tmp_path: Path, now: str, live: bool) -> None:
    shown, hidden = _findings(tmp_path, " expires=2027-03-31", now)
    assert ("EMS301" in hidden) is live and ("EMS301" in shown) is not live
    assert "EMS901" not in shown  # an expired suppression is not "unused"
    if live:
        assert hidden["EMS301"]["suppressed"]["reason"] == "lab network"  # the date is no part of the reason
        assert "EMS903" not in shown
    else:
        assert shown["EMS903"]["line"] == 3
        assert shown["EMS903"]["message"].startswith("inline suppression of EMS301 expired on 2027-03-31")


def test_the_level_never_depends_on_it(tmp_path: Path) -> None:
    for now in ("2027-03-31", "2027-04-01"):
        write_deployment(tmp_path / now, lsr=LUA.format(expires=" expires=2027-03-31"))
        report = json.loads(run_cli(["check", "--format", "json", "--now", now, now], cwd=tmp_path).out)
        assert report["targets"][0]["links"]["lsr-rest"] == "low"


@pytest.mark.parametrize(("comment", "problem"), [
    ("emslint: ignore[EMS301] lab expires=2027-02-30", "expires is not a date"),
    ("emslint: ignore[EMS301] lab expires=2027-W13-3", "expires is not a date"),
    ("emslint: ignore[EMS301] expires=2027-03-31", "gives no reason"),
])
def test_malformed_expiry_is_a_read_issue(comment: str, problem: str) -> None:
    found, problems = parse_suppressions([(4, comment)])
    assert not found and problem in problems[0].message


def test_expires_only_as_the_last_word() -> None:
    found, _ = parse_suppressions([(1, "emslint: ignore[EMS301] expires=2027-03-31 is what the ticket says")])
    assert found[0].expires is None and found[0].reason.startswith("expires=")


@pytest.mark.parametrize("spelling", [
    "expires=2027-03-31", "expires = 2027-03-31", "expires =2027-03-31", "expires= 2027-03-31",
    "EXPIRES = 2027-03-31", "expires: 2027-03-31", "expires :2027-03-31", "expires\t=\t2027-03-31  ",
])
def test_every_spelling_of_expires_is_read(spelling: str) -> None:
    found, problems = parse_suppressions([(1, f"emslint: ignore[EMS301] lab network {spelling}")])
    assert not problems
    assert found[0].expires == date(2027, 3, 31) and found[0].reason == "lab network"


@pytest.mark.parametrize("spelling", [
    "expires = 2020-13-45", "expires: 2027-02-30", "expires =", "expires:", "expires = 31.03.2027",
    "expires = 2027-03-31T00:00",
])
def test_a_malformed_expiry_in_any_spelling_is_a_read_issue(spelling: str) -> None:
    found, problems = parse_suppressions([(2, f"emslint: ignore[EMS301] lab network {spelling}")])
    assert not found
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("suppression-invalid", 2, "suppression of EMS301: expires is not a date (expires=YYYY-MM-DD)")]


@pytest.mark.parametrize("reason", [
    "the certificate expires soon", "see ticket 42: expires", "noexpires=2027-03-31 is a word",
    "expires = 2027-03-31 was the old date, now open-ended",
])
def test_expires_is_a_word_only_at_the_end(reason: str) -> None:
    found, problems = parse_suppressions([(1, f"emslint: ignore[EMS301] {reason}")])
    assert not problems and found[0].expires is None and found[0].reason == reason


def test_a_spaced_expiry_that_passed_is_reported(tmp_path: Path) -> None:
    shown, hidden = _findings(tmp_path, " expires = 2027-03-31", "2027-04-01")
    assert "EMS301" in shown and "EMS301" not in hidden
    assert shown["EMS903"]["message"].startswith("inline suppression of EMS301 expired on 2027-03-31")
