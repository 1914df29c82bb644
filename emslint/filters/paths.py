"""Per-path ignores (``[[per-path-ignores]]`` in the settings): hide rules in files matching a glob, with a reason.

Globs use fnmatch (``*`` also crosses ``/``) on forward-slash paths, tried against the file relative to the
settings file's folder (when it lies below it) and as displayed; a glob without ``/`` is also tried against the
file's base name. A pointer matches itself and everything below it. A waiver past its ``expires`` day hides
nothing and is reported (EMS903).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from emslint.model import Finding, Suppression
from emslint.rules.model import Rule
from emslint.rules.selectors import any_matches
from emslint.settings.model import PathIgnore, Settings


def apply_path_ignores(findings: list[Finding], settings: Settings, rules: Mapping[str, Rule], today: date) -> None:
    """Mark the findings a live per-path ignore covers (``per-path``, with its reason)."""
    live = [item for item in settings.per_path_ignores if item.expires is None or item.expires >= today]
    if not live:
        return
    for finding in findings:
        rule = rules.get(finding.rule)
        if finding.suppressed is not None or rule is None:
            continue
        item = path_ignored(live, settings.source, rule, finding.file, finding.pointer)
        if item is not None:
            where = f"{settings.origin('per_path_ignores').rpartition(':')[0] or 'settings'}:{item.line}"
            finding.suppressed = Suppression("per-path", item.reason, where)


def expired_waivers(settings: Settings, today: date) -> list[PathIgnore]:
    return [item for item in settings.per_path_ignores if item.expires is not None and item.expires < today]


def path_ignored(
    items: list[PathIgnore], source: Path | None, rule: Rule, file: str, pointer: str
) -> PathIgnore | None:
    """The first of ``items`` covering (rule, file, pointer), or None."""
    candidates = _path_candidates(file, source)
    for item in items:
        if not any_matches(item.rules, rule):
            continue
        if item.pointer not in (None, "") and pointer != item.pointer and not pointer.startswith(
            item.pointer.rstrip("/") + "/"
        ):
            continue
        if glob_matches(item.path, candidates):
            return item
    return None


def _path_candidates(file: str, source: Path | None) -> list[str]:
    shown = file.replace("\\", "/")
    while shown.startswith("./"):
        shown = shown[2:]
    candidates = [shown]
    if source is not None:
        root = os.path.dirname(os.path.abspath(source))
        absolute = os.path.abspath(file)
        same_drive = os.path.splitdrive(absolute)[0] == os.path.splitdrive(root)[0]
        rel = os.path.relpath(absolute, root).replace("\\", "/") if same_drive else ""
        if rel and rel != ".." and not rel.startswith("../"):
            candidates.insert(0, rel)
    return list(dict.fromkeys(candidates))


def glob_matches(pattern: str, candidates: list[str]) -> bool:
    """Whether the glob ``pattern`` matches any of ``candidates`` (forward-slash paths)."""
    pattern = pattern.replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    patterns = [pattern]
    if pattern.startswith("**/"):
        patterns.append(pattern[3:])  # "**/config.lua" also matches a config.lua at the root
    for p in patterns:
        for c in candidates:
            if fnmatch.fnmatchcase(c, p):
                return True
            if "/" not in p and fnmatch.fnmatchcase(c.rsplit("/", 1)[-1], p):
                return True
    return False
