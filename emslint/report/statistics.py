"""``emslint check --statistics``: how many shown findings each rule reported, instead of the findings (ruff's
``--statistics``). The fixable column counts findings that carry a fix; it stays empty until fixes exist."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from emslint.model import TargetResult


class Statistics:
    """Counts per rule as results arrive; the table at the end."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.counts: Counter[str] = Counter()
        self.fixable: Counter[str] = Counter()
        self.names: dict[str, str] = {}

    def add(self, result: TargetResult) -> None:
        for finding in result.findings:
            self.counts[finding.rule] += 1
            self.names.setdefault(finding.rule, finding.name)
            if getattr(finding, "fix", None):
                self.fixable[finding.rule] += 1

    def lines(self) -> list[str]:
        """``count  rule  fixable  name``, the most frequent first; the total last."""
        rows = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        out = [f"{'count':>5}  {'rule':<8} {'fixable':>7}  name"]
        out += [f"{n:>5}  {rule:<8} {self.fixable[rule] or '':>7}  {self.names[rule]}" for rule, n in rows]
        out.append(f"{sum(self.counts.values()):>5}  total")
        return out

    def finish(self) -> None:
        self.stream.write("\n".join(self.lines()) + "\n")
