"""The rule catalogue is complete and consistent: schema-valid files, unique ids, docs, fixtures, CLI listing."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

from emslint.rules.catalogue import load_rules, shipped_rules_dir
from emslint.rules.validate_file import rule_schema

RULE_FILES = sorted(shipped_rules_dir().glob("*.toml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_rule_file_is_valid_and_complete(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(rule_schema()).validate(data)
    assert path.stem == f"{data['id']}-{data['name']}", "file name must be <ID>-<name>.toml"
    for section in ("bad", "good"):
        assert data["doc"][section], f"{section} example missing"
    # A cap at a level is about one link; "unknown" without a link covers every link the finding's file configures.
    # A cap without a link holds every link its finding's file configures (levels.assign_links): only for rules
    # about a whole file, named here so that a forgotten link is still caught.
    whole_file = {"EMS701", "EMS703", "EMS803"}
    assert data.get("link") or data.get("caps") in (None, "unknown", "unreadable") or data["id"] in whole_file, \
        "a level cap needs a link"


def test_ids_and_names_are_unique_and_never_reused():
    rules = load_rules(None)
    assert len(rules) == len(RULE_FILES)
    names = [r.name for r in rules.values()]
    assert len(names) == len(set(names))
    retired = json.loads((shipped_rules_dir() / "retired.json").read_text())["retired"]
    assert not set(retired) & set(rules)


def test_every_rule_condition_compiles():
    from emslint.schema.compiler import compile_schema

    for rule in load_rules(None).values():
        for match in rule.matches:
            compile_schema(match.schema)
            if match.when:
                compile_schema(match.when)


@pytest.mark.parametrize("rule_id", sorted(load_rules(None)), ids=str)
def test_every_rule_has_failing_and_passing_fixtures(rule_id):
    folder = FIXTURES / rule_id
    failing = [p for p in folder.glob("fail*/expected.json") if json.loads(p.read_text())["expect"]]
    passing = [p for p in folder.glob("pass*/expected.json") if json.loads(p.read_text())["expect"] == []]
    assert failing, f"{rule_id}: no failing fixture with expected findings"
    assert passing, f"{rule_id}: no passing fixture"
    for path in failing:
        assert {f["rule"] for f in json.loads(path.read_text())["expect"]} == {rule_id}


def test_rules_command_lists_exactly_the_rule_files():
    out = subprocess.run([sys.executable, "-m", "emslint.cli", "rules", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    listed = {row["id"] for row in json.loads(out)}
    assert listed == {p.stem.split("-", 1)[0] for p in RULE_FILES}


def test_new_rule_scaffolds_a_valid_rule_and_two_fixtures(tmp_path):
    from emslint.rules.validate_file import validate_rule_file

    run = subprocess.run([sys.executable, "-m", "emslint", "new-rule", "EMS999", "demo-pattern",
                          "--rules-dir", "r", "--fixtures-dir", "f"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    rule_file = tmp_path / "r" / "EMS999-demo-pattern.toml"
    validate_rule_file(rule_file)  # the template is a valid rule file as it stands
    assert tomllib.loads(rule_file.read_text())["id"] == "EMS999"
    assert (tmp_path / "f" / "EMS999" / "fail-example" / "etc" / "config.json").is_file()
    assert json.loads((tmp_path / "f" / "EMS999" / "pass-example" / "expected.json").read_text())["expect"] == []
    again = subprocess.run([sys.executable, "-m", "emslint", "new-rule", "EMS999", "other",
                            "--rules-dir", "r", "--fixtures-dir", "f"], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 2 and "EMS999 is taken" in again.stderr
    bad = subprocess.run([sys.executable, "-m", "emslint", "new-rule", "E1", "x"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "must look like EMS123" in bad.stderr


def test_retired_ids_and_names_are_never_reused() -> None:
    from emslint.rules.selectors import retired_rules

    rules = load_rules(None)
    retired = retired_rules()
    assert {r.id for r in retired} >= {"EMS512", "EMS513"}
    for gone in retired:
        assert gone.id not in rules and all(r.name != gone.name for r in rules.values()), gone.id
        assert all(see in rules for see in gone.see), gone.see
