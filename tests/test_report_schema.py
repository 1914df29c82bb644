"""The JSON and JSON Lines reports follow schemas/report.schema.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())


def _run(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "emslint.cli", "check", *args], cwd=ROOT,
                          capture_output=True, text=True).stdout


def test_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_json_report_follows_the_schema():
    report = json.loads(_run("examples/", "--format", "json"))
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["summary"]["targets"] == 6  # three microservers, three eMessage Connectors


def test_jsonl_lines_follow_the_target_schema():
    lines = _run("examples/", "--format", "jsonl").splitlines()
    assert len(lines) == 6
    target_schema = {**SCHEMA["$defs"]["target"], "$defs": SCHEMA["$defs"]}
    for line in lines:
        jsonschema.Draft202012Validator(target_schema).validate(json.loads(line))
