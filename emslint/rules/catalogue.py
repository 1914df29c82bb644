"""Load the rule files (``rules/*.toml``, plus a user's extra folder) into `Rule` objects."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from emslint.model import Level, Severity
from emslint.rules.model import Example, Match, Rule


class RuleFileError(Exception):
    """A rule file that cannot be used; the message is one line naming the file."""


def shipped_rules_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    installed = package / "_shipped" / "rules"
    return installed if installed.is_dir() else package.parent / "rules"


def _examples(items: list[dict[str, Any]] | None) -> list[Example]:
    return [Example(language=i["language"], code=i["code"].strip("\n")) for i in items or []]


def rule_from_data(data: dict[str, Any], path: str = "") -> Rule:
    try:
        doc = data["doc"]
        severity = Severity.parse(data["severity"])
        return Rule(
            id=data["id"],
            name=data["name"],
            title=data["title"],
            summary=data["summary"],
            severity=severity,
            link=data.get("link"),
            caps=Level.parse(data["caps"]) if data.get("caps") else None,
            message=data["message"],
            group=data["group"],
            what=doc["what"].strip(),
            why=doc["why"].strip(),
            fix=doc["fix"].strip(),
            bad=_examples(doc.get("bad")),
            good=_examples(doc.get("good")),
            sources=list(doc.get("sources", {}).get("urls", [])),
            matches=[
                Match(
                    pointer=m["pointer"],
                    schema=m["schema"],
                    when=m.get("when"),
                    link=m.get("link"),
                    message=m.get("message"),
                )
                for m in data.get("match", [])
            ],
            profiles=tuple(data.get("profiles", ("production", "development"))),
            severity_by_profile={k: Severity.parse(v) for k, v in data.get("severity_by_profile", {}).items()},
            cwe=list(data.get("cwe", [])),
            precision=data.get("precision", "high"),
            status=data.get("status", "stable"),
            since=data.get("since", "0.1.0"),
            options=list(data.get("options", [])),
            path=path,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RuleFileError(f"{path}: invalid rule file ({type(exc).__name__}: {exc})") from None


def load_rule_file(path: Path) -> Rule:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: cannot read rule file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{path}: {exc}") from None
    return rule_from_data(data, str(path))


@lru_cache(maxsize=8)
def load_rules(extra_dir: str | None = None) -> dict[str, Rule]:
    """All rules by id: the shipped ones, then the user's (validated against rules.schema.json)."""
    rules: dict[str, Rule] = {}
    for path in sorted(shipped_rules_dir().glob("*.toml")):
        rule = load_rule_file(path)
        rules[rule.id] = rule
    if extra_dir:
        from emslint.rules.validate_file import validate_rule_file

        folder = Path(extra_dir)
        if not folder.is_dir():
            raise RuleFileError(f"{extra_dir}: extra_rules folder not found")
        for path in sorted(folder.glob("*.toml")):
            validate_rule_file(path)
            rule = load_rule_file(path)
            if rule.id in rules:
                raise RuleFileError(f"{path}: rule id {rule.id} is already used by {rules[rule.id].path}")
            rules[rule.id] = rule
    return rules
