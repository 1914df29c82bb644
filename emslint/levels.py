"""Security level per link and per deployment (reference §d).

A link's level is the lowest cap among its findings (HIGH when nothing caps it); the deployment's level is
the lowest of its present links. A link no file configures is absent (None).
"""

from __future__ import annotations

from emslint.model import LINKS, Finding, Level


def present_links(has_ems: bool, has_lsr: bool) -> set[str]:
    links = set()
    if has_ems:
        links.update(("platform", "ems-rest"))
    if has_lsr:
        links.update(("ems-rest", "lsr-rest"))
    return links


def link_levels(findings: list[Finding], present: set[str]) -> dict[str, Level | None]:
    levels: dict[str, Level | None] = {link: (Level.HIGH if link in present else None) for link in LINKS}
    for finding in findings:
        if finding.caps is None or finding.link not in present:
            continue
        current = levels[finding.link]
        if current is None or finding.caps < current:
            levels[finding.link] = finding.caps
    return levels


def deployment_level(levels: dict[str, Level | None]) -> Level | None:
    present = [level for level in levels.values() if level is not None]
    return min(present) if present else None
