"""Validate a rule file against ``schemas/rule.schema.json`` (cold path: user rule folders and tests)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from emslint.rules.model import RuleFileError
from emslint.schema import schema_dir


def rule_schema() -> dict[str, Any]:

    schema: dict[str, Any] = json.loads((schema_dir() / "rule.schema.json").read_text(encoding="utf-8"))
    return schema


def rule_file_problems(data: dict[str, Any]) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(rule_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"{where}: {error.message}")
    return problems


def validate_rule_file(path: Path) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleFileError(f"{path}: {exc}") from None
    problems = rule_file_problems(data)
    if problems:
        raise RuleFileError(f"{path}: {problems[0]}")
