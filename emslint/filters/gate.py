"""The gate: whether the run fails (exit 1), and one line saying why.

A run fails when a shown finding is at or above ``fail_on`` (info never fails), or when a deployment does not
reach ``require_level`` (an unknown level never does), or when ``require_level`` is set and no deployment was
found at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from emslint.model import Finding, Level, Severity, TargetResult


@dataclass(slots=True)
class Gate:
    """Counts what fails the run as results arrive; nothing else is kept."""

    fail_on: str = "low"
    require_level: str | None = None
    failing_findings: int = 0
    failing_targets: list[str] = field(default_factory=list)  # one-line reasons, the first few kept
    below_level: int = 0
    deployments: int = 0

    def add(self, result: TargetResult) -> None:
        if result.kind == "deployment":
            self.deployments += 1
        threshold = self.threshold()
        if threshold is not None:
            self.failing_findings += sum(1 for f in result.findings if f.severity >= threshold)
        if self.require_level and result.kind == "deployment":
            required = Level.parse(self.require_level)
            if not result.verdict.meets(required):
                self.below_level += 1
                if len(self.failing_targets) < 3:
                    self.failing_targets.append(level_reason(result, required))

    def failing(self, result: TargetResult) -> list[Finding]:
        """The shown findings of ``result`` that fail the run."""
        threshold = self.threshold()
        return [] if threshold is None else [f for f in result.findings if f.severity >= threshold]

    def below(self, result: TargetResult) -> bool:
        """Whether ``result`` is a deployment below ``require_level`` (unknown included)."""
        return bool(self.require_level and result.kind == "deployment"
                    and not result.verdict.meets(Level.parse(self.require_level)))

    def threshold(self) -> Severity | None:
        if self.fail_on == "never":
            return None
        return max(Severity.parse(self.fail_on), Severity.LOW)  # info never fails a run

    @property
    def failed(self) -> bool:
        return bool(self.failing_findings or self.below_level or (self.require_level and not self.deployments))

    def reasons(self) -> list[str]:
        """One line per cause, for stderr when the run fails."""
        lines = []
        if self.failing_findings:
            shown = self.threshold()
            label = shown.label if shown is not None else "low"
            lines.append(f"{self.failing_findings} finding(s) at or above {label} (--fail-on {self.fail_on})")
        if self.below_level:
            lines.extend(self.failing_targets)
            if self.below_level > len(self.failing_targets):
                lines.append(f"... and {self.below_level - len(self.failing_targets)} more deployment(s) "
                             f"below {self.require_level.upper() if self.require_level else ''}")
        if self.require_level and not self.deployments:
            lines.append(f"no deployment found: --require-level {self.require_level} cannot be met")
        return lines


def level_reason(result: TargetResult, required: Level) -> str:
    """ "deployment gw7 is MEDIUM, below the required HIGH: capped by EMS106" and the like."""
    verdict = result.verdict
    if verdict.state == "unknown":
        cause = f"could not be judged ({', '.join(verdict.unknown_by)})"
        if verdict.at_most is not None and verdict.at_most < Level.HIGH:
            cause += f"; at most {verdict.at_most.label.upper()}, capped by {', '.join(verdict.capped_by)}"
        return f"deployment {result.path} is UNKNOWN, not the required {required.label.upper()}: {cause}"
    return (f"deployment {result.path} is {verdict.state.upper()}, below the required {required.label.upper()}: "
            f"capped by {', '.join(verdict.capped_by)}")


def failed(results: Iterable[TargetResult], fail_on: str, require_level: str | None) -> bool:
    gate = Gate(fail_on, require_level)
    for result in results:
        gate.add(result)
    return gate.failed
