"""The JSON report (schemas/report.schema.json) and its streaming sibling, JSON Lines."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from emslint import __version__
from emslint.model import SEVERITY_NAMES, TargetResult
from emslint.printable import escape_unsafe
from emslint.report.openssl import distinct_models
from emslint.report.path_to_high import path_to_high

REPORT_VERSION = 2


def summary(results: list[TargetResult], *, fixes: bool = True) -> dict[str, Any]:
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
        "fixable": {kind: sum(1 for r in results for f in r.findings if f.fix and f.fix.applicability == kind)
                    for kind in ("safe", "unsafe")} if fixes else None,
    }


def render_json(results: list[TargetResult], *, profile: str, problems: list[str] | None = None,
                stale_baseline: list[dict[str, Any]] | None = None, notices: list[str] | None = None,
                fixed: dict[str, int] | None = None, fixes: bool = True) -> str:
    """The whole report; ``fixed``: what --fix applied; ``fixes``: whether fixes were worked out (else ``fix`` is
    null for every finding). Each target has the OpenSSL model its cipher lists were read with; ``openssl`` of the
    run is that model (and ``line``, the sentence naming it) only when every target that has one shares it."""
    document = {
        "emslint": __version__,
        "report_version": REPORT_VERSION,
        "profile": profile,
        "targets": [target_dict(r) for r in results],
        "summary": summary(results, fixes=fixes),
        "problems": [escape_unsafe(p) for p in problems or []],
        "notices": [escape_unsafe(n) for n in notices or []],
    }
    models = distinct_models(results)
    if len(models) == 1:
        document["openssl"] = {k: v for k, v in models[0].items() if k != "deployments"}
    if fixed is not None:
        document["fixed"] = fixed
    if stale_baseline is not None:
        document["stale_baseline"] = [_escaped_strings(entry) for entry in stale_baseline]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_jsonl_line(result: TargetResult, *, profile: str) -> str:
    line = {"emslint": __version__, "report_version": REPORT_VERSION, "profile": profile, **target_dict(result)}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def target_dict(result: TargetResult) -> dict[str, Any]:
    """The JSON report's object for one target, as in a ``--format jsonl`` line: ``result.to_dict()`` with the path
    to HIGH added and every text from the scanned files escaped (emslint/printable.py)."""
    target = result.to_dict()
    target["path_to_high"] = [_escaped_step(step.to_dict()) for step in path_to_high(result)]
    target["path"] = escape_unsafe(target["path"])
    target["files"] = [escape_unsafe(f) for f in target["files"]]
    for finding in [*target["findings"], *target.get("suppressed", [])]:
        for key in ("message", "file", "pointer"):
            finding[key] = escape_unsafe(finding[key])
        finding["related"] = [escape_unsafe(r) for r in finding["related"]]
        if finding.get("fix"):  # descriptions name keys and values from the file; edits name it
            fix = finding["fix"]
            fix["description"] = escape_unsafe(fix["description"])
            fix["edits"] = [{**e, "file": escape_unsafe(e["file"])} for e in fix["edits"]]
        if "suppressed" in finding:  # an inline suppression's reason is text from the scanned file
            finding["suppressed"] = _escaped_strings(finding["suppressed"])
    return target


def _escaped_step(step: dict[str, Any]) -> dict[str, Any]:
    for need in step["needs"]:
        for place in need["findings"]:
            place["file"], place["pointer"] = escape_unsafe(place["file"]), escape_unsafe(place["pointer"])
    return step


def _escaped_strings(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: escape_unsafe(v) if isinstance(v, str) else v for k, v in entry.items()}
