"""JUnit XML for CI systems that read test reports (Jenkins, GitLab's unit-test widget, Azure DevOps, ...).

One ``<testsuite>`` per deployment, one ``<testcase>`` per rule checked there (the rules the selection keeps and
that apply to the profile): a rule with shown findings at or above ``fail_on`` is a ``<failure>`` listing them,
a rule with findings below it passes with them in ``<system-out>``. A deployment below ``require_level`` fails its
``level`` testcase; an analysis that did not complete is an ``<error>`` in its ``analysis`` testcase. Names are
never empty (a deployment at the current folder is ``.``).

Valid against the Jenkins xUnit plugin's ``junit-10.xsd`` (tests/report/test_junit.py). Text from scanned files
is escaped (:func:`emslint.printable.escape_unsafe`), and characters XML 1.0 cannot hold (lone surrogates from
undecodable file names, U+FFFE/U+FFFF) are written as ``\\uXXXX``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

from emslint.filters.selection import rule_shown
from emslint.model import Finding, Level, Severity, TargetResult
from emslint.printable import escape_unsafe
from emslint.rules.model import Rule
from emslint.settings.model import Settings

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", escape_unsafe(text))


def _attr(text: str) -> str:
    return quoteattr(_clean(text))


def _text(text: str) -> str:
    """Element text: each line escaped on its own, so that no line of the report starts with a CI command."""
    return "\n".join(escape(_clean(line)) for line in text.split("\n"))


def checked_rules(rules: Mapping[str, Rule], settings: Settings) -> list[Rule]:
    """The rules whose findings the run shows: selected, not ignored, and for the run's profile."""
    return [rule for _, rule in sorted(rules.items())
            if settings.profile in rule.profiles and rule_shown(settings, rule) is None]


def render_junit(results: list[TargetResult], rules: Mapping[str, Rule], settings: Settings) -> str:
    """The whole report: ``<testsuites>`` with one ``<testsuite>`` per deployment."""
    checked = checked_rules(rules, settings)
    threshold = None if settings.fail_on == "never" else max(Severity.parse(settings.fail_on), Severity.LOW)
    suites: list[str] = []
    totals = [0, 0, 0]  # tests, failures, errors
    for result in results:
        suite, counts = _suite(result, checked, threshold, settings.require_level)
        suites.append(suite)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    head = (f'<testsuites name="emslint" tests="{totals[0]}" failures="{totals[1]}" errors="{totals[2]}" '
            'time="0">')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join([head, *suites, "</testsuites>"]) + "\n"


def _suite(result: TargetResult, checked: list[Rule], threshold: Severity | None,
           require_level: str | None) -> tuple[str, tuple[int, int, int]]:
    """One test suite for a deployment: a test case per rule checked, failed when it has findings at or above the
    threshold."""
    name = result.path or "."
    by_rule: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    cases: list[str] = []
    failures = errors = 0
    if result.kind == "deployment":
        case, failed = _level_case(name, result, require_level)
        cases.append(case)
        failures += failed
    if not result.analysed or result.errors:
        body = "\n".join(result.errors) or f"analysis of {name} did not complete"
        tag = "error" if not result.analysed else "system-out"
        inner = (f'<error type="analysis" message={_attr(body.splitlines()[0])}>{_text(body)}</error>'
                 if tag == "error" else f"<system-out>{_text(body)}</system-out>")
        cases.append(f'  <testcase classname={_attr(name)} name="analysis" time="0">{inner}</testcase>')
        errors += tag == "error"
    known = {rule.id for rule in checked}
    for rule in checked:
        case, failed = _rule_case(name, rule.id, rule.name, by_rule.get(rule.id, []), threshold)
        cases.append(case)
        failures += failed
    for rule_id in sorted(set(by_rule) - known):  # a finding of a rule outside the catalogue given: still shown
        first = by_rule[rule_id][0]
        case, failed = _rule_case(name, rule_id, first.name, by_rule[rule_id], threshold)
        cases.append(case)
        failures += failed
    head = (f"<testsuite name={_attr(name)} tests=\"{len(cases)}\" failures=\"{failures}\" errors=\"{errors}\" "
            f'skipped="0" time="0">')
    return "\n".join([head, *cases, "</testsuite>"]), (len(cases), failures, errors)


def _level_case(name: str, result: TargetResult, require_level: str | None) -> tuple[str, int]:
    verdict = result.verdict
    state = "none" if verdict.state == "absent" else verdict.state
    summary = f"level {state.upper()}; " + ", ".join(f"{link} {v.state}" for link, v in result.links.items())
    if require_level and not verdict.meets(Level.parse(require_level)):
        from emslint.filters.gate import level_reason

        reason = level_reason(result, Level.parse(require_level))
        inner = f'<failure type="level" message={_attr(reason)}>{_text(summary)}</failure>'
        return f'  <testcase classname={_attr(name)} name="level" time="0">{inner}</testcase>', 1
    return (f'  <testcase classname={_attr(name)} name="level" time="0"><system-out>{_text(summary)}</system-out>'
            "</testcase>"), 0


def _rule_case(name: str, rule_id: str, rule_name: str, findings: list[Finding],
               threshold: Severity | None) -> tuple[str, int]:
    title = f"{rule_id} {rule_name}".strip() or rule_id or "rule"
    open_tag = f"  <testcase classname={_attr(name)} name={_attr(title)} time=\"0\""
    if not findings:
        return open_tag + "/>", 0
    lines = "\n".join(f"{f.file}:{f.line}:{f.column}: {f.rule} [{f.severity.label}] {f.message}"
                      + (f" [link: {f.link}]" if f.link else "") for f in findings)
    failing = [f for f in findings if threshold is not None and f.severity >= threshold]
    if failing:
        worst = max(f.severity for f in failing)
        message = f"{len(failing)} finding(s) at or above {threshold.label if threshold else ''}: {failing[0].message}"
        return (f'{open_tag}><failure type={_attr(worst.label)} message={_attr(message)}>{_text(lines)}</failure>'
                "</testcase>"), 1
    return f"{open_tag}><system-out>{_text(lines)}</system-out></testcase>", 0
