"""SARIF 2.1.0 for GitHub code scanning, hand-built from plain dicts (no sarif-om).

Choices, see docs/architecture.md and the SARIF checklist in the linter-practices reference:

* Deterministic: no timestamps, results sorted by (uri, line, column, rule, pointer, message), rules by id.
* ``rules[]`` holds only the rules that fired. A rule's ``defaultConfiguration.level`` and
  ``security-severity`` follow the highest *effective* severity of its findings in this log (profile and
  ``severity`` settings applied upstream), because GitHub takes an alert's severity from the rule, not the
  result. ``properties.default-severity`` keeps the catalogue's value.
* Findings hidden by an inline suppression or a per-path ignore are emitted with ``suppressions`` (kind
  ``inSource`` / ``external``, the reason as justification), so that reviewers see what was waived and GitHub
  shows them as dismissed. Findings outside the rule selection or absorbed by the baseline are not emitted.
* URIs are relative and percent-encoded. An absolute path is made relative to ``base_dir`` when it lies
  below it; otherwise it becomes a ``file://`` URI, which GitHub rewrites against the checkout root.
* ``partialFingerprints.primaryLocationLineHash`` is a hash of (rule, uri, pointer), never of the line
  (see fingerprint.py). The upload action may warn that it differs from its own line hash; that is expected.
* Messages are the findings' own (they never hold secret values); no snippets or context regions are
  emitted, so no neighbouring secret can leak.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from emslint.model import Finding, Severity, TargetResult
from emslint.pointers import unescape_token
from emslint.printable import escape_unsafe
from emslint.report.fingerprint import FingerprintCounter
from emslint.report.openssl import distinct_models
from emslint.rules.docs import plain_text, rule_help_markdown, rule_help_text
from emslint.rules.model import Rule

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/emslint/emslint"

SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
SARIF_LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "warning",
    Severity.INFO: "note",
}
NOTIFICATION_LEVELS = ("error", "warning", "note")
RELATED_MESSAGE = "referenced certificate or key file"
_MAX_TEXT = 1024  # GitHub's limit for shortDescription / fullDescription
_MAX_TAGS = 20

_Uri = Callable[[str], str]  # display path -> artifact URI (memoised per render)
_WAIVED = {"inline": "inSource", "per-path": "external"}  # suppression kind -> SARIF suppression kind


def render_sarif(
    results: list[TargetResult],
    rules: dict[str, Rule],
    *,
    version: str,
    automation_id: str | None = None,
    notifications: list[dict[str, Any]] | None = None,
    base_dir: str | None = None,
) -> str:
    """One SARIF log (one run) for ``results``; ``notifications`` are {"level", "message", "file"} dicts. The run's
    ``properties.openssl`` lists each OpenSSL model cipher lists were read with (one per settings that chose it:
    the JSON report's target ``openssl``, its ``line`` and the ``deployments`` read with it)."""
    uris: dict[str, str] = {}

    def uri(path: str) -> str:
        if path not in uris:
            uris[path] = artifact_uri(path, base_dir)
        return uris[path]

    findings = sorted(
        (f for target in results for f in (*target.findings, *target.suppressed)
         if f.suppressed is None or f.suppressed.kind in _WAIVED),
        key=lambda f: (uri(f.file), f.line, f.column, f.rule, f.pointer, f.message),
    )
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    rule_ids = sorted(by_rule)
    descriptors = [_descriptor(rules.get(rid), by_rule[rid]) for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}

    counter = FingerprintCounter()
    sarif_results = [_result(f, index[f.rule], uri, counter) for f in findings]

    notes = [_notification(n, uri) for n in (notifications or [])]
    notes += _target_notifications(results, uri)
    successful = all(t.analysed for t in results) and all(n["level"] != "error" for n in notes)
    invocation: dict[str, Any] = {"executionSuccessful": successful}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    if base_dir is not None:
        invocation["workingDirectory"] = {"uri": _directory_uri(base_dir)}

    driver = {
        "name": "emslint",
        "version": version,
        "semanticVersion": version,
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if automation_id:
        run["automationDetails"] = {"id": automation_id}
    run["invocations"] = [invocation]
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = sarif_results
    models = distinct_models(results)
    if models:
        run["properties"] = {"openssl": [{**m, "deployments": [escape_unsafe(p) for p in m["deployments"]]}
                                         for m in models]}
    log = {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def _descriptor(rule: Rule | None, findings: list[Finding]) -> dict[str, Any]:
    """A SARIF reportingDescriptor for a rule: its help text from the rule's docs, and its default level."""
    effective = max(f.severity for f in findings)
    if rule is None:  # a finding whose rule is not in the catalogue given: still a valid, minimal entry
        first = findings[0]
        text = f"{first.name} ({first.rule})"
        return {
            "id": first.rule,
            "name": first.name,
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": text, "markdown": text},
            "defaultConfiguration": {"level": SARIF_LEVEL[effective]},
            "properties": {
                "tags": ["security"],
                "precision": "medium",
                "security-severity": SECURITY_SEVERITY[effective],
            },
        }
    tags = ["security", rule.group, *(_cwe_tag(c) for c in rule.cwe)]
    tags = list(dict.fromkeys(t for t in tags if t))[:_MAX_TAGS]
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _truncate(plain_text(rule.summary or rule.title or rule.name))},
        "fullDescription": {"text": _truncate(plain_text(rule.what or rule.summary or rule.name))},
        "help": {"text": rule_help_text(rule), "markdown": rule_help_markdown(rule)},
    }
    if rule.sources:
        descriptor["helpUri"] = rule.sources[0]
    descriptor["defaultConfiguration"] = {"level": SARIF_LEVEL[effective]}
    descriptor["properties"] = {
        "tags": tags,
        "precision": rule.precision,
        "security-severity": SECURITY_SEVERITY[effective],
        "default-severity": rule.severity.label,
    }
    return descriptor


def _result(f: Finding, rule_index: int, uri: _Uri, counter: FingerprintCounter) -> dict[str, Any]:
    """A SARIF result for one finding: location, level, fingerprints, suppressions and, when worked out, fixes."""
    file_uri = uri(f.file)
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": file_uri},
            "region": {"startLine": max(1, f.line), "startColumn": max(1, f.column)},
        }
    }
    if f.pointer:  # "" = whole file: no meaningful logical location
        location["logicalLocations"] = [
            {"name": escape_unsafe(_last_token(f.pointer)), "fullyQualifiedName": escape_unsafe(f.pointer),
             "kind": "member"}
        ]
    message = escape_unsafe(f.message) + (f" [link: {f.link}]" if f.link else "")
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": SARIF_LEVEL[f.severity],
        "message": {"text": message},
        "locations": [location],
    }
    if f.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "physicalLocation": {"artifactLocation": {"uri": uri(path)}},
                "message": {"text": RELATED_MESSAGE},
            }
            for i, path in enumerate(f.related, start=1)
        ]
    if f.fix is not None:
        fixes = _fixes(f, uri)
        if fixes:
            result["fixes"] = fixes
    result["partialFingerprints"] = {"primaryLocationLineHash": counter.next(f.rule, file_uri, f.pointer)}
    if f.suppressed is not None:
        result["suppressions"] = [{"kind": _WAIVED[f.suppressed.kind], "status": "accepted",
                                   "justification": escape_unsafe(f.suppressed.reason)}]
    result["properties"] = {
        "severity": f.severity.label,
        "link": f.link,
        "caps": f.caps.label if f.caps else None,
    }
    return result


def _fixes(f: Finding, uri: _Uri) -> list[dict[str, Any]]:
    """SARIF ``fixes`` (one) for a finding's text edits; a mode change has no SARIF form and is left out."""
    assert f.fix is not None
    changes: dict[str, list[dict[str, Any]]] = {}
    for edit in f.fix.edits:
        if edit.kind != "replace":
            continue
        region = {"startLine": edit.line, "startColumn": edit.column, "endLine": edit.end_line,
                  "endColumn": edit.end_column}
        changes.setdefault(edit.file, []).append({"deletedRegion": region,
                                                  "insertedContent": {"text": edit.content}})
    if not changes:
        return []
    text = f"{escape_unsafe(f.fix.description)} ({f.fix.applicability}: emslint check --fix"
    text += " --unsafe-fixes)" if f.fix.applicability == "unsafe" else ")"
    return [{"description": {"text": text},
             "artifactChanges": [{"artifactLocation": {"uri": uri(file)}, "replacements": replacements}
                                 for file, replacements in changes.items()]}]


def _notification(n: dict[str, Any], uri: _Uri) -> dict[str, Any]:
    level = n.get("level")
    if level not in NOTIFICATION_LEVELS:
        raise ValueError(f"notification level must be one of {NOTIFICATION_LEVELS}, got {level!r}")
    return _note(level, str(n["message"]), n.get("file"), uri)


def _target_notifications(results: Iterable[TargetResult], uri: _Uri) -> list[dict[str, Any]]:
    notes = []
    for t in results:
        for err in t.errors:  # a config that could not be read, or an analysis that stopped: both are errors
            notes.append(_note("error", err, t.path, uri))
        if not t.analysed and not t.errors:
            notes.append(_note("error", f"analysis of {t.path} did not complete", t.path, uri))
    return notes


def _note(level: str, text: str, file: str | None, uri: _Uri) -> dict[str, Any]:
    note: dict[str, Any] = {"level": level, "message": {"text": escape_unsafe(text)}}
    if file:
        note["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": uri(file)}}}]
    return note


# ---- URIs -------------------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:/")


def artifact_uri(path: str, base_dir: str | None = None) -> str:
    """A display path as an RFC 3986 URI reference: relative and %-encoded whenever possible."""
    windows = os.name == "nt" or path[1:3] == ":\\"  # C:\... is Windows; "A:/x" on POSIX is relative
    raw = path.replace("\\", "/")
    if raw.startswith("/") or (windows and _DRIVE.match(raw)):
        rel = _relative_to(raw, base_dir) if base_dir is not None else None
        return _quote(rel) if rel is not None else _file_uri(raw)
    # On POSIX "A:/x" is a relative path whose first folder is named "A:"; quote() encodes its ':'.
    p = posixpath.normpath(raw)  # also drops leading "./" and "a/./b"
    if (p == ".." or p.startswith("../")) and base_dir is not None:
        rel = _relative_to(os.path.abspath(raw).replace("\\", "/"), base_dir)
        if rel is not None:
            p = rel
    return _quote(p)


def _is_absolute(p: str) -> bool:
    return p.startswith("/") or bool(_DRIVE.match(p))


def _relative_to(p: str, base_dir: str) -> str | None:
    base = base_dir.replace("\\", "/")
    if not _is_absolute(base):
        base = os.path.abspath(base).replace("\\", "/")
    candidates = [(p, base)]
    if os.path.exists(p):  # resolve symlinks only as a second chance
        candidates.append((os.path.realpath(p).replace("\\", "/"), os.path.realpath(base).replace("\\", "/")))
    for path, root in candidates:
        try:
            rel = posixpath.relpath(path, root)
        except ValueError:
            continue
        if rel != ".." and not rel.startswith("../"):
            return rel
    return None


def _quote(p: str) -> str:
    return quote(p, safe="/")


def _file_uri(p: str) -> str:
    if _DRIVE.match(p):
        return "file:///" + p[:2] + quote(p[2:], safe="/")
    if p.startswith("//"):  # UNC: //server/share/...
        return "file:" + quote(p, safe="/")
    return "file://" + quote(p, safe="/")


def _directory_uri(base_dir: str) -> str:
    base = base_dir.replace("\\", "/")
    u = _file_uri(base if _is_absolute(base) else os.path.abspath(base).replace("\\", "/"))
    return u if u.endswith("/") else u + "/"


# ---- small helpers ----------------------------------------------------------------------------------


def _cwe_tag(cwe: str) -> str:
    number = cwe.strip().upper().removeprefix("CWE-")
    return f"external/cwe/cwe-{number}" if number.isdigit() else ""


def _truncate(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _last_token(pointer: str) -> str:
    return unescape_token(pointer.rsplit("/", 1)[-1])
