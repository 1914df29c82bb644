"""Security level per link and per deployment (reference §d), from EVERY finding.

The levels are decided before any filter runs: ``--select``, ``--ignore``, per-path ignores, inline
suppressions, severity overrides and baselines change what is shown and what fails the run, never a level.

* A link no file configures is ``absent`` (no config.lua: the LSR is not installed). A file present by name
  configures its links (:data:`emslint.model.FILE_LINKS`) even when it cannot be read.
* A finding caps the link it is about; a finding about no single link (a whole-file problem) affects every link
  its file configures, or every present link when its file is not a config (an internal error).
* A file the product cannot load (a finding that caps ``unreadable``) makes its links unknown, and nothing else
  found in that file caps a level: emslint read on, the product would not have.
* A link is LOW when any finding caps it at LOW; otherwise ``unknown`` when any finding makes it unknown (it could
  not be judged, so it must not be called MEDIUM or HIGH); otherwise the lowest cap, HIGH when nothing caps it.
* The deployment is the lowest of its present links by the same rule: LOW if any link is LOW, else ``unknown``
  if any link is unknown, else the lowest level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from emslint.model import ABSENT, FILE_LINKS, LINKS, Cap, Finding, Level, Verdict, VerdictState

_STATE: dict[Level, VerdictState] = {Level.LOW: "low", Level.MEDIUM: "medium", Level.HIGH: "high"}


def present_links(roles: Iterable[str]) -> set[str]:
    """The links configured by the config files present (by role), readable or not."""
    return {link for role in roles for link in FILE_LINKS.get(role, ())}


def assign_links(findings: list[Finding], file_roles: Mapping[str, str], present: set[str]) -> None:
    """Set each finding's ``links``: the links whose level it affects (empty when it caps nothing). A finding in a
    file the product cannot load caps nothing: that file's links are unknown."""
    unreadable = {f.file for f in findings if f.caps is Cap.UNREADABLE}
    for finding in findings:
        if finding.caps is None or (finding.file in unreadable and finding.caps.level is not None):
            finding.links = ()
        elif finding.link is not None:
            finding.links = (finding.link,) if finding.link in present else ()
        else:
            role = file_roles.get(finding.file)
            scope = FILE_LINKS.get(role, ()) if role else tuple(present)
            finding.links = tuple(link for link in LINKS if link in scope and link in present)


def link_verdicts(findings: Iterable[Finding], present: set[str]) -> dict[str, Verdict]:
    """The verdict of every link (``absent`` for those not in ``present``); ``findings`` have their links set."""
    caps: dict[str, list[Finding]] = {link: [] for link in present}
    for finding in findings:
        for link in finding.links:
            caps[link].append(finding)
    return {link: (_link_verdict(caps[link]) if link in present else ABSENT) for link in LINKS}


def _link_verdict(findings: list[Finding]) -> Verdict:
    levels = [f.caps.level for f in findings if f.caps is not None and f.caps.level is not None]
    at_most = min(levels, default=Level.HIGH)
    capped_by = _ids(f for f in findings if f.caps is not None and f.caps.level == at_most)
    unknown_by = _ids(f for f in findings if f.caps in (Cap.UNKNOWN, Cap.UNREADABLE))
    if at_most == Level.LOW or not unknown_by:
        return Verdict(_STATE[at_most], at_most, capped_by, ())
    return Verdict("unknown", at_most, capped_by, unknown_by)


def deployment_verdict(links: Mapping[str, Verdict]) -> Verdict:
    """The lowest of the present links; ``absent`` when no link is present (nothing was configured)."""
    present = [v for v in links.values() if v.state != "absent"]
    if not present:
        return ABSENT
    at_most = min(v.at_most or Level.HIGH for v in present)
    capped_by = _ids_of(v.capped_by for v in present if (v.at_most or Level.HIGH) == at_most)
    unknown_by = _ids_of(v.unknown_by for v in present)
    if at_most == Level.LOW or not unknown_by:
        return Verdict(_STATE[at_most], at_most, capped_by, ())
    return Verdict("unknown", at_most, capped_by, unknown_by)


def _ids(findings: Iterable[Finding]) -> tuple[str, ...]:
    return tuple(sorted({f.rule for f in findings}))


def _ids_of(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(sorted({rule for group in groups for rule in group}))
