"""The JSON report (schemas/report.schema.json) and its streaming sibling, JSON Lines."""

from __future__ import annotations

import json
from collections import Counter

from emslint import __version__
from emslint.model import TargetResult
from emslint.printable import escape_unsafe

REPORT_VERSION = 1


def summary(results: list[TargetResult]) -> dict:
    severities = Counter(f.severity.label for r in results for f in r.findings)
    levels = Counter((r.level.label if r.level else "none") for r in results)
    return {
        "targets": len(results),
        "findings": sum(len(r.findings) for r in results),
        "by_severity": {k: severities.get(k, 0) for k in ("critical", "high", "medium", "low", "info")},
        "by_level": {k: levels.get(k, 0) for k in ("low", "medium", "high", "none")},
        "not_analysed": sum(1 for r in results if not r.analysed),
    }


def render_json(results: list[TargetResult], *, profile: str, problems: list[str] | None = None,
                stale_baseline: list[dict] | None = None) -> str:
    document = {
        "emslint": __version__,
        "report_version": REPORT_VERSION,
        "profile": profile,
        "targets": [_target(r) for r in results],
        "summary": summary(results),
        "problems": [escape_unsafe(p) for p in problems or []],
    }
    if stale_baseline is not None:
        document["stale_baseline"] = [_escaped_strings(entry) for entry in stale_baseline]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_jsonl_line(result: TargetResult, *, profile: str) -> str:
    line = {"emslint": __version__, "report_version": REPORT_VERSION, "profile": profile, **_target(result)}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def _target(result: TargetResult) -> dict:
    """``result.to_dict()`` with every text from the scanned files escaped (emslint/printable.py)."""
    target = result.to_dict()
    target["path"] = escape_unsafe(target["path"])
    target["files"] = [escape_unsafe(f) for f in target["files"]]
    for finding in target["findings"]:
        for key in ("message", "file", "pointer"):
            finding[key] = escape_unsafe(finding[key])
        finding["related"] = [escape_unsafe(r) for r in finding["related"]]
    return target


def _escaped_strings(entry: dict) -> dict:
    return {k: escape_unsafe(v) if isinstance(v, str) else v for k, v in entry.items()}
