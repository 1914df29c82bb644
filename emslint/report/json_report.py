"""The JSON report (schemas/report.schema.json) and its streaming sibling, JSON Lines."""

from __future__ import annotations

import json
from collections import Counter

from emslint import __version__
from emslint.model import SEVERITY_NAMES, TargetResult

REPORT_VERSION = 2


def summary(results: list[TargetResult]) -> dict:
    severities = Counter(f.severity.label for r in results for f in r.findings)
    deployments = [r for r in results if r.kind == "deployment"]
    levels = Counter("none" if r.verdict.state == "absent" else r.verdict.state for r in deployments)
    return {
        "targets": len(results),
        "deployments": len(deployments),
        "findings": sum(len(r.findings) for r in results),
        "hidden": sum(len(r.suppressed) for r in results),
        "by_severity": {k: severities.get(k, 0) for k in SEVERITY_NAMES},
        "by_level": {k: levels.get(k, 0) for k in ("low", "medium", "high", "unknown", "none")},
        "not_analysed": sum(1 for r in results if not r.analysed),
    }


def render_json(results: list[TargetResult], *, profile: str, problems: list[str] | None = None,
                stale_baseline: list[dict] | None = None, notices: list[str] | None = None) -> str:
    document = {
        "emslint": __version__,
        "report_version": REPORT_VERSION,
        "profile": profile,
        "targets": [r.to_dict() for r in results],
        "summary": summary(results),
        "problems": list(problems or []),
        "notices": list(notices or []),
    }
    if stale_baseline is not None:
        document["stale_baseline"] = stale_baseline
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_jsonl_line(result: TargetResult, *, profile: str) -> str:
    line = {"emslint": __version__, "report_version": REPORT_VERSION, "profile": profile, **result.to_dict()}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
