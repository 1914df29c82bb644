"""Rule selection and severity overrides: which findings are shown, and at which severity.

``ignore`` wins over ``select``/``extend_select``, whatever their specificity. A finding outside the selection
is kept in the result, marked ``not-selected`` or ``ignored``: it still decides its link's level.
"""

from __future__ import annotations

from collections.abc import Mapping

from emslint.model import Finding, Severity, Suppression
from emslint.rules.model import Rule
from emslint.rules.selectors import any_matches, severity_names_match
from emslint.settings.model import Settings


def rule_shown(settings: Settings, rule: Rule) -> Suppression | None:
    """None when ``rule``'s findings are shown, else why they are hidden."""
    if any_matches(settings.ignore, rule):
        return Suppression("ignored", f"ignore ({settings.origin('ignore')})")
    if settings.select is None or any_matches(settings.select, rule) or any_matches(settings.extend_select, rule):
        return None
    return Suppression("not-selected", f"select ({settings.origin('select')})")


def apply_selection(findings: list[Finding], settings: Settings, rules: Mapping[str, Rule]) -> None:
    """Mark the findings of rules outside the selection."""
    if settings.select is None and not settings.ignore:
        return
    verdicts: dict[str, Suppression | None] = {}
    for finding in findings:
        if finding.suppressed is not None or finding.rule not in rules:
            continue
        if finding.rule not in verdicts:
            verdicts[finding.rule] = rule_shown(settings, rules[finding.rule])
        finding.suppressed = verdicts[finding.rule]


def severity_override(settings: Settings, rule: Rule) -> Severity | None:
    """The ``severity`` table's value for ``rule`` (its id wins over its name), or None."""
    for key in (rule.id, rule.name):
        for name, value in settings.severity.items():
            if name.casefold() == key.casefold() and severity_names_match(name, rule):
                return Severity.parse(value)
    return None


def apply_severity(findings: list[Finding], settings: Settings, rules: Mapping[str, Rule]) -> None:
    """Set the severity the settings give a rule (the level is unaffected: it comes from the rule's cap)."""
    if not settings.severity:
        return
    for finding in findings:
        rule = rules.get(finding.rule)
        override = severity_override(settings, rule) if rule is not None else None
        if override is not None:
            finding.severity = override
