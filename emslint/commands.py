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
from emslint.pipeline import read_target
from emslint.rules.catalogue import RuleFileError, load_rules
from emslint.rules.docs import rule_help_markdown, rule_help_text
from emslint.rules.engine import walk
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
        cap = f"caps {row['link']}->{row['caps']}" if row["caps"] else ""
        sys.stdout.write(f"{row['id']}  {row['name']:<40} {row['severity']:<8} {cap:<26} {row['summary']}\n")
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


_SECRET_NAME = re.compile(r"pas+w|pas+phr|pwd|app_?key|secret|token|credential", re.IGNORECASE)
_GUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_MASKED_SECTIONS = {"ems": ("ems", "ems_raw"), "ems-booted": ("ems", "ems_raw"), "lsr": ("lsr", "lsr_raw")}


def _mask(doc: dict, secrets: list[dict]) -> None:
    """Replace every secret value in the config sections of a facts document by a fixed mask.

    The EMS sections come from config.json.booted when there is no config.json, so its secrets are masked
    there too. Beyond the schema's secret paths, values under a secret-like name anywhere (a misspelt key,
    an INI-style ``http_server.password``, a copy nested elsewhere) and GUID-shaped strings (application
    keys) are masked as well: the facts document is printed whole.
    """
    for item in secrets:
        if item.get("kind") != "secret":
            continue
        pointer = item["at"]["pointer"]
        if item["at"]["file"] == "lsr":
            pointer = pointer.removeprefix("/scripts")
        for section in _MASKED_SECTIONS.get(item["at"]["file"], ()):
            for path, _ in walk(doc, f"/{section}{pointer}"):
                node = doc
                for token in path[:-1]:
                    node = node[token]
                node[path[-1]] = "***"
    for section in ("ems", "ems_raw", "lsr", "lsr_raw"):
        doc[section] = _mask_values(doc.get(section), secret=False)


def _mask_values(value: object, *, secret: bool) -> object:
    if isinstance(value, dict):
        if "$unknown" in value and len(value) == 1:
            # Why a Lua value is not statically known; it names the expression (an unquoted password reads
            # as a global variable of that name), so it is masked under a secret name too.
            return {"$unknown": "***"} if secret else value
        return {
            k: _mask_values(v, secret=secret or bool(_SECRET_NAME.search(str(k)))) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_values(v, secret=secret) for v in value]
    if isinstance(value, str):
        return "***" if secret or _GUID.search(value) or "appkey=" in value.lower() else value
    if secret and value is not None and not isinstance(value, bool):
        return "***"  # a number where a secret was meant
    return value


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
        _mask(doc, doc["secrets"])
        documents.append({"target": target.display, "facts": doc})
    sys.stdout.write(json.dumps(documents, indent=2, default=str) + "\n")
    return 0
