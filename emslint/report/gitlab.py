"""GitLab Code Quality (a subset of the Code Climate issue format): a JSON array, one issue per shown finding.

Each issue has ``description``, ``check_name`` (the rule id), ``fingerprint`` (the SARIF logical fingerprint of
:mod:`emslint.report.fingerprint`: rule, file and JSON pointer, never the line, so an issue survives line moves),
``severity`` (info, minor, major, critical, blocker), ``location.path`` (relative to the working directory, as
SARIF makes it, unencoded) and ``location.lines.begin``. Deterministic: issues sorted as in SARIF.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from emslint.model import Severity, TargetResult
from emslint.printable import escape_unsafe
from emslint.report.fingerprint import FingerprintCounter
from emslint.report.sarif import artifact_uri

SEVERITY: dict[Severity, str] = {
    Severity.INFO: "info",
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}


def render_gitlab(results: list[TargetResult], *, base_dir: str | None = None) -> str:
    uris: dict[str, str] = {}

    def uri(path: str) -> str:
        if path not in uris:
            uris[path] = artifact_uri(path, base_dir)
        return uris[path]

    findings = sorted((f for t in results for f in t.findings),
                      key=lambda f: (uri(f.file), f.line, f.column, f.rule, f.pointer, f.message))
    counter = FingerprintCounter()
    issues = []
    for f in findings:
        file_uri = uri(f.file)
        path = file_uri if file_uri.startswith("file:") else unquote(file_uri)
        issues.append({
            "type": "issue",
            "check_name": f.rule,
            "description": escape_unsafe(f"{f.rule} {f.name}: {f.message}" + (f" [link: {f.link}]" if f.link else "")),
            "categories": ["Security"],
            "severity": SEVERITY[f.severity],
            "fingerprint": counter.next(f.rule, file_uri, f.pointer),
            "location": {"path": escape_unsafe(path), "lines": {"begin": max(1, f.line)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
