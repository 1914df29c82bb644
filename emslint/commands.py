"""The small commands: ``emslint rules``, ``emslint rule ID`` and ``emslint facts``."""

from __future__ import annotations

import difflib
import json
import sys
from datetime import datetime
from pathlib import Path

from emslint.discover import discover
from emslint.errors import Usage
from emslint.facts.build import build_facts
from emslint.facts.mask import mask_facts
from emslint.pipeline import read_target
from emslint.rules.catalogue import RuleFileError, load_rules
from emslint.rules.docs import rule_help_markdown, rule_help_text
from emslint.settings import Settings, SettingsError, load_settings


def run_rules(output_format: str, config: Path | None) -> int:
    extra = None
    if config is not None:
        try:
            settings = load_settings(config)
        except SettingsError as exc:
            raise Usage(str(exc)) from None
        extra = str(settings.extra_rules) if settings.extra_rules else None
    try:
        rules = load_rules(extra)
    except RuleFileError as exc:
        raise Usage(str(exc)) from None
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "severity": r.severity.label,
            "link": r.link,
            "caps": r.caps.label if r.caps else None,
            "group": r.group,
            "summary": r.summary,
        }
        for r in sorted(rules.values(), key=lambda r: r.id)
    ]
    if output_format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    if output_format != "text":
        raise Usage("--format must be text or json")
    for row in rows:
        cap = f"caps {row['caps']}" if row["caps"] else ""
        link = row["link"] or "-"
        sys.stdout.write(f"{row['id']}  {row['name']:<40} {row['severity']:<8} {link:<18} {cap:<16} "
                         f"{row['summary']}\n")
    return 0


def run_rule(key: str, output_format: str) -> int:
    rules = load_rules(None)
    rule = rules.get(key.upper()) or next((r for r in rules.values() if r.name == key), None)
    if rule is None:
        names = [r.name for r in rules.values()] + list(rules)
        close = difflib.get_close_matches(key, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise Usage(f"no rule {key!r}{hint}")
    if output_format == "markdown":
        sys.stdout.write(rule_help_markdown(rule) + "\n")
    elif output_format == "text":
        sys.stdout.write(rule_help_text(rule) + "\n")
    else:
        raise Usage("--format must be text or markdown")
    return 0


def run_facts(paths: list[str], now: datetime | None) -> int:
    """Print the facts document of each target (for rule authors); secret values are masked."""
    targets, problems = discover(paths or ["."])
    if problems and not targets:
        raise Usage(problems[0])
    documents = []
    for target in targets:
        settings = Settings()
        sources = read_target(target, settings)
        doc = build_facts(target, sources, settings, now or datetime.now().astimezone())
        mask_facts(doc)
        documents.append({"target": target.display, "facts": doc})
    sys.stdout.write(json.dumps(documents, indent=2, default=str) + "\n")
    return 0
