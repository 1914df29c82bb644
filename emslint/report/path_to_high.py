"""The path to HIGH: for each link below HIGH, the findings holding it where it is and whether ``--fix`` can
remove them (SSL Labs' grade caps with their reasons; cipherscan's "changes needed").

Nothing is recomputed: a link's verdict already names the rules that cap it (``capped_by``) or leave it unknown
(``unknown_by``, :mod:`emslint.levels`); this module finds their findings on that link (shown or hidden) and says
what each needs. A MEDIUM link reaches HIGH once its ``capped_by`` findings are gone; a LOW link needs its
``capped_by`` findings gone before any higher level; an unknown link needs its ``unknown_by`` findings resolved
before it can be judged at all (at most ``at_most`` then).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emslint.model import LINKS, Finding, TargetResult

_NEXT = {"low": "medium", "medium": "high", "unknown": "judged"}


@dataclass(slots=True)
class Blocker:
    """One rule holding a link down, with its findings on that link."""

    rule: str
    name: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def fixable(self) -> str | None:
        """``safe`` / ``unsafe`` when every finding has a fix (unsafe if any fix is), ``partly`` when some do."""
        fixes = [f.fix for f in self.findings if f.fix is not None]
        if not fixes:
            return None
        if len(fixes) < len(self.findings):
            return "partly"
        return "unsafe" if any(fx.applicability == "unsafe" for fx in fixes) else "safe"

    @property
    def hidden(self) -> str | None:
        """How the findings are hidden when none of them is shown (inline, per-path, baseline ...)."""
        kinds = {f.suppressed.kind for f in self.findings if f.suppressed is not None}
        return None if len(kinds) != 1 or any(f.suppressed is None for f in self.findings) else kinds.pop()

    def mark(self) -> str:
        notes = []
        if self.fixable:
            notes.append({"safe": "fixable", "unsafe": "fixable, unsafe", "partly": "partly fixable"}[self.fixable])
        if self.hidden:
            notes.append(f"hidden: {self.hidden}")
        return f" ({'; '.join(notes)})" if notes else ""

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "name": self.name, "fixable": self.fixable, "hidden": self.hidden,
                "findings": [{"file": f.file, "line": f.line, "column": f.column, "pointer": f.pointer}
                             for f in self.findings]}


@dataclass(slots=True)
class Step:
    """A link below HIGH: its state, the level (or ``judged``) the blockers stand between, and the blockers."""

    link: str
    state: str  # low | medium | unknown
    next: str  # medium | high | judged
    at_most: str | None
    blockers: list[Blocker]

    def text(self) -> str:
        names = ", ".join(f"{b.rule} {b.name}{b.mark()}" for b in self.blockers) or "(none shown)"
        if self.state == "unknown":
            bound = f" (at most {self.at_most.upper()})" if self.at_most else ""
            return f"{self.link} UNKNOWN because of {names}: resolving it lets it be judged{bound}"
        what = "fixing it" if len(self.blockers) == 1 else "fixing them"
        if self.state == "medium":
            return f"{self.link} MEDIUM, capped by {names}: {what} lifts it to HIGH"
        return f"{self.link} LOW, capped by {names}: {what} is needed for MEDIUM or above"

    def to_dict(self) -> dict[str, Any]:
        return {"link": self.link, "state": self.state, "next": self.next, "at_most": self.at_most,
                "needs": [b.to_dict() for b in self.blockers]}


def path_to_high(result: TargetResult) -> list[Step]:
    """A :class:`Step` per present link below HIGH, in link order (none for a target that is no deployment)."""
    if result.kind != "deployment":
        return []
    every = result.all_findings()
    steps = []
    for link in LINKS:
        verdict = result.links.get(link)
        if verdict is None or verdict.state not in _NEXT:
            continue
        rules = verdict.unknown_by if verdict.state == "unknown" else verdict.capped_by
        blockers: dict[str, Blocker] = {}
        for rule in rules:
            blockers[rule] = Blocker(rule, "")
        for finding in every:
            blocker = blockers.get(finding.rule)
            if blocker is not None and link in finding.links and _holds(finding, verdict.state):
                blocker.name = finding.name
                blocker.findings.append(finding)
        steps.append(Step(link, verdict.state, _NEXT[verdict.state],
                          verdict.at_most.label if verdict.at_most else None,
                          [b for b in blockers.values() if b.findings]))
    return steps


def _holds(finding: Finding, state: str) -> bool:
    """Whether the finding is one that holds a link in ``state`` (its cap is that level, or it makes it unknown)."""
    if finding.caps is None:
        return False
    if state == "unknown":
        return finding.caps.level is None
    return finding.caps.level is not None and finding.caps.level.label == state
