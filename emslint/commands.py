"""The small commands: ``emslint rules``, ``emslint rule ID`` and ``emslint facts``."""

from __future__ import annotations

import difflib
import json
import re
import sys
from datetime import datetime
from pathlib import Path

from emslint.discover import discover
from emslint.errors import Usage
from emslint.facts.build import build_facts
from emslint.facts.mask import mask_facts
from emslint.pipeline import read_target
from emslint.rules.catalogue import load_rules
from emslint.rules.docs import rule_help_markdown, rule_help_text
from emslint.rules.model import RuleFileError
from emslint.rules.selectors import retired_rule
from emslint.settings import Settings, SettingsError, load_settings


def run_rules(output_format: str, config: Path | None) -> int:
    """`emslint rules`: every rule (shipped and extra) as a table, or as JSON."""
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
    if rule is None and (retired := retired_rule(key)) is not None:
        raise Usage(retired.message())
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


_RULE_ID = re.compile(r"^[A-Z]{2,8}[0-9]{3,4}$")
_RULE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_FIXTURE_CONFIG = '{"ws_servers": [{"host": "twx.example.com", "port": 443}], "ws_connection": {"encryption": "%s"}}\n'


def run_new_rule(rule_id: str, name: str, rules_dir: Path, fixtures_dir: Path) -> int:
    """Scaffold a rule: ``<rules_dir>/<ID>-<name>.toml`` from the template and a failing and a passing fixture
    under ``<fixtures_dir>/<ID>/`` (docs/architecture.md, "How to add a rule"). Never overwrites anything."""
    if not _RULE_ID.match(rule_id):
        raise Usage(f"rule id {rule_id!r} must look like EMS123 (letters, then 3 or 4 digits)")
    if not _RULE_NAME.match(name):
        raise Usage(f"rule name {name!r} must be kebab-case, e.g. platform-encryption-none")
    rule_file = rules_dir / f"{rule_id}-{name}.toml"
    fixtures = fixtures_dir / rule_id
    taken = sorted(str(p) for p in (*rules_dir.glob(f"{rule_id}-*.toml"), fixtures) if p.exists())
    if taken:
        raise Usage(f"{rule_id} is taken: {', '.join(taken)}")
    template = (Path(__file__).parent / "templates" / "rule.toml").read_text(encoding="utf-8")
    rules_dir.mkdir(parents=True, exist_ok=True)
    rule_file.write_text(template.format(id=rule_id, name=name), encoding="utf-8")
    for case, value, expect in (("fail-example", "none", "TODO: run the fixture and pin the finding"),
                                ("pass-example", "ssl", None)):
        etc = fixtures / case / "etc"
        etc.mkdir(parents=True)
        (etc / "config.json").write_text(_FIXTURE_CONFIG % value, encoding="utf-8")
        expected = {"rule": rule_id, "expect": [] if expect is None else [{"rule": rule_id, "note": expect}]}
        (fixtures / case / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {rule_file}\nwrote {fixtures}/fail-example and {fixtures}/pass-example\n"
                     f"next: edit the rule, then python -m tests.fixture_runner {rule_id} to pin its messages\n")
    return 0
