"""The filters: what the report shows and what fails the run. They never change a level.

Levels are decided from every finding first (:mod:`emslint.levels`); then, in this order:

1. inline suppressions in config.lua and connector files (:mod:`.inline`), unless ``inline_suppressions`` is off;
   unused ones become EMS901 findings, expired ones EMS903, which go through the steps below like any other;
2. per-path ignores from the settings (:mod:`.paths`); an expired one hides nothing and is reported (EMS903);
3. severity overrides (:mod:`.selection`);
4. the rule selection: ``select``, ``extend_select``, ``ignore`` (:mod:`.selection`);
5. the baseline (:mod:`.baseline`), across the run;
6. the gate: ``fail_on`` and ``require_level`` (:mod:`.gate`), across the run.

A hidden finding keeps its place in the result (``TargetResult.suppressed``), marked with who hid it and why.
Steps 1-4 are per target (:func:`filter_target`); 5-6 see the whole run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from emslint.filters.inline import apply_inline
from emslint.filters.paths import apply_path_ignores, expired_waivers
from emslint.filters.selection import apply_selection, apply_severity
from emslint.model import Finding
from emslint.read.result import ReadIssue
from emslint.read.sources import Sources
from emslint.rules.model import Rule
from emslint.settings.model import Settings

MetaFindings = Callable[[list[ReadIssue], str], list[Finding]]
"""Turns filter issues (an unused suppression, an expired waiver) into findings of the meta rules, at a file."""


def filter_target(
    findings: list[Finding],
    sources: Sources,
    settings: Settings,
    rules: Mapping[str, Rule],
    today: date,
    meta: MetaFindings,
) -> tuple[list[Finding], list[Finding]]:
    """Steps 1-4 for one target: (shown findings, hidden findings), each sorted."""
    extra: list[Finding] = []
    for source in sources.files:  # config.lua and the connector files have comments
        if settings.inline_suppressions and source.suppressions:
            unused = apply_inline(findings, source.suppressions, source.display, today)
            extra += meta(unused, source.role)
    expired = expired_waivers(settings, today)
    if expired:
        where = settings.origin("per_path_ignores").rpartition(":")[0] or "settings"
        issues = [ReadIssue("waiver-expired", f"per-path ignore of {', '.join(item.rules)} for {item.path!r} "
                            f"expired on {item.expires}", item.line or 1, 1) for item in expired]
        extra += meta(issues, where)
    everything = findings + extra
    apply_path_ignores(everything, settings, rules, today)
    apply_severity(everything, settings, rules)
    apply_selection(everything, settings, rules)
    shown = sorted((f for f in everything if f.suppressed is None), key=Finding.sort_key)
    hidden = sorted((f for f in everything if f.suppressed is not None), key=Finding.sort_key)
    return shown, hidden
