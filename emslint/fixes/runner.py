"""The ``--fix`` / ``--diff`` part of ``emslint check``, one deployment at a time as its result arrives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from emslint.fixes.apply import Change, FixError, fix_target, wanted, write_change
from emslint.fixes.diff import render_diff
from emslint.model import TargetResult


@dataclass(slots=True)
class FixRun:
    """Fixes applied (``write``) or shown (``diff``) over a run; counts and errors for the summary."""

    write: bool
    unsafe: bool
    diff: TextIO | None = None
    fixes: int = 0
    files: int = 0
    errors: list[str] = field(default_factory=list)
    unconverged: list[str] = field(default_factory=list)

    def process(self, result: TargetResult, lint: Callable[[], TargetResult], roles: dict[str, str]) -> TargetResult:
        """Fix one deployment; returns the result to report: after writing, the deployment linted again."""
        if not any(f.fix is not None and wanted(f.fix, self.unsafe) for f in result.findings):
            return result
        outcome = fix_target(result, lint, unsafe=self.unsafe, roles=roles)
        if not outcome.converged:
            self.unconverged.append(result.path)
        if not outcome.changes:
            return result
        if not self.write:
            if self.diff is not None:
                self.diff.write(render_diff(outcome.changes))
            self._count(outcome.applied, outcome.changes)
            return result
        written: list[Change] = []
        for change in outcome.changes:
            try:
                write_change(change)
            except FixError as exc:
                self.errors.append(str(exc))
                break
            written.append(change)
        if written:
            self._count(outcome.applied if len(written) == len(outcome.changes) else 0, written)
        return lint()

    def _count(self, applied: int, changes: list[Change]) -> None:
        self.fixes += applied
        self.files += len(changes)

    def summary(self) -> str:
        verb = "applied" if self.write else "would be applied"
        if not self.fixes and not self.files:
            return "no fixes available" if not self.write else "no fixes applied"
        return f"{self.fixes} fix(es) {verb} to {self.files} file(s)"
