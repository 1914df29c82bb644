"""Lint one target end to end: read -> schema -> facts -> rules -> suppressions -> levels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from emslint.discover import ConfigFile, Target
from emslint.facts.build import FactOptions, build_facts
from emslint.facts.sources import SourceFile, Sources
from emslint.levels import deployment_level, link_levels, present_links
from emslint.model import Finding, Severity, TargetResult
from emslint.profiling import stage
from emslint.read.result import ReadIssue
from emslint.rules.engine import evaluate
from emslint.rules.model import Rule

MAX_CONFIG_BYTES = 2 * 1024 * 1024  # real configs are a few KB; positions cost ~130 bytes per value


@dataclass(slots=True)
class LintOptions:
    profile: str = "production"
    now: datetime | None = None
    ems_version: str | None = None
    platform_java: int | None = None
    fips_build: bool | None = None
    cipher_build: str = "default"
    openssl: str | None = None
    severity_overrides: dict[str, Severity] = field(default_factory=dict)  # rule id -> severity
    settings: Any = None  # emslint.settings.Settings: per-path ignores are applied per target

    def fact_options(self) -> FactOptions:
        return FactOptions(
            profile=self.profile,
            now=self.now,
            ems_version=self.ems_version,
            platform_java=self.platform_java,
            fips_build=self.fips_build,
            cipher_build=self.cipher_build,
            openssl=self.openssl,
        )


def read_config(config: ConfigFile, *, ems_version: str | None = None) -> SourceFile:
    """Read one config file into a SourceFile; every problem becomes an issue, never an exception."""
    from emslint.read.source import SourceError, decode_text, read_source

    if config.refused:
        return SourceFile(config.role, config.display, None, [ReadIssue("file-unreadable", config.refused, 1, 1)])
    with stage("read"):
        raw = read_source(config.path, max_bytes=MAX_CONFIG_BYTES)
    if isinstance(raw, SourceError):
        issue = ReadIssue("file-unreadable", raw.message, 1, 1)
        return SourceFile(config.role, config.display, None, [issue])
    with stage("read"):
        decoded = decode_text(raw.data)
    issues = list(decoded.issues)
    if not decoded.ok:
        return SourceFile(config.role, config.display, None, issues)
    kind = "lsr" if config.role == "lsr" else "ems"
    if kind == "lsr":
        from emslint.read.lua_reader import read_lua

        with stage("lua-parse"):
            result = read_lua(decoded.text, had_bom=decoded.has_bom)
        issues = [i for i in issues if i.code != "encoding-bom"]
    else:
        from emslint.read.json_reader import read_json

        with stage("json-parse"):
            result = read_json(decoded.text)
    issues.extend(result.issues)
    if result.data is not None and not result.fatal:
        from emslint.schema.validate import validate_config

        with stage("schema"):
            for issue in validate_config(kind, result.data, ems_version=ems_version, unknown=result.unknown):
                key = issue.code in ("schema-unknown-key", "schema-obsolete-key")
                issue.line, issue.column = _position(result, issue.pointer, key=key)
                issues.append(issue)
    return SourceFile(config.role, config.display, result, issues, decoded.text)


def _position(result, pointer: str, *, key: bool) -> tuple[int, int]:
    if key and pointer in result.key_positions:
        return result.key_positions[pointer]
    current = pointer
    while current:
        if current in result.positions:
            return result.positions[current]
        current = current.rpartition("/")[0]
    return result.positions.get("", (1, 1))


def lint_target(target: Target, rules: list[Rule], options: LintOptions) -> TargetResult:
    sources: Sources | None = None
    try:
        sources = Sources([read_config(f, ems_version=options.ems_version) for f in target.files])
        findings = _findings(target, sources, rules, options)
        analysed = True
        errors: list[str] = []
    except Exception as exc:  # an internal error in one target (reading included) must not stop the others
        from emslint import debug

        debug.report(exc, target.display)
        if sources is None:
            sources = Sources([SourceFile(f.role, f.display, None, []) for f in target.files])
        try:
            findings = _internal_error(sources, rules, options, exc)
        except Exception:
            findings = []  # `analysed` and `errors` still say so
        analysed = False
        errors = [f"{target.display}: internal error ({type(exc).__name__}); analysis incomplete"]
    if options.settings is not None and options.settings.per_path_ignores:
        findings = _without_path_ignores(findings, rules, options.settings)
    errors.extend(f"{s.display}: could not be read; the deployment is only partly analysed" for s in sources.files
                  if s.result is None)
    for finding in findings:
        override = options.severity_overrides.get(finding.rule)
        if override is not None:
            finding.severity = override
    findings.sort(key=Finding.sort_key)
    has_ems = sources.get("ems") is not None and sources.get("ems").result is not None
    has_lsr = sources.get("lsr") is not None and sources.get("lsr").result is not None
    levels = link_levels(findings, present_links(has_ems, has_lsr))
    return TargetResult(
        path=target.display,
        files=[f.display for f in target.files],
        findings=findings,
        links=levels,
        level=deployment_level(levels),
        analysed=analysed,
        errors=errors,
    )


def _without_path_ignores(findings: list[Finding], rules: list[Rule], settings: Any) -> list[Finding]:
    from emslint.settings import path_ignored

    by_id = {r.id: r for r in rules}
    return [
        f for f in findings
        if f.rule not in by_id or path_ignored(settings, by_id[f.rule], f.file, f.pointer) is None
    ]


def _findings(target: Target, sources: Sources, rules: list[Rule], options: LintOptions) -> list[Finding]:
    with stage("facts"):
        facts = build_facts(target, sources, options.fact_options())
    with stage("rules"):
        findings = evaluate(rules, facts, sources, profile=options.profile)
    lsr = sources.get("lsr")
    if lsr is None or lsr.result is None or not lsr.result.comments:
        return findings
    from emslint.suppress import apply_suppressions, parse_suppressions

    suppressions, problems = parse_suppressions(lsr.result.comments)
    findings, unused = apply_suppressions(findings, suppressions, lsr.display)
    return findings + _meta_findings(problems + unused, "lsr", sources, rules, options)


def _meta_findings(issues: list[ReadIssue], role: str, sources: Sources, rules: list[Rule], options) -> list:
    if not issues:
        return []
    items = [
        {"at": {"file": role, "pointer": i.pointer, "line": i.line, "column": i.column}, "code": i.code,
         "detail": i.message}
        for i in issues
    ]
    meta = [r for r in rules if r.group == "meta"]
    return evaluate(meta, {"issues": items}, sources, profile=options.profile)


def _internal_error(sources: Sources, rules: list[Rule], options: LintOptions, exc: Exception) -> list[Finding]:
    role = sources.first().role if sources.first() else "ems"
    issue = ReadIssue("internal-error", f"analysis stopped by an internal error ({type(exc).__name__})", 1, 1)
    return _meta_findings([issue], role, sources, rules, options)
