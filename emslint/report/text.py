"""Human output: grouped by target and file, the level of each link at a glance; colour only on a terminal."""

from __future__ import annotations

import re
from typing import TextIO

from emslint.model import LINKS, Severity, TargetResult

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
LEVEL_STYLE = {"low": "bold red", "medium": "yellow", "high": "bold green", None: "dim"}


# Control characters, and the invisible ones that reorder or hide text (bidi overrides, zero-width), would let
# a key or path in a config forge report lines or disguise a finding on a terminal: shown as escapes instead.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _safe(text: str) -> str:
    from rich.markup import escape

    return escape(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _level_text(level) -> str:
    return level.label.upper() if level else "absent"


def render_text(results: list[TargetResult], stream: TextIO, *, problems: list[str] | None = None,
                color: bool | None = None, show_info: bool = True) -> None:
    from rich.console import Console

    console = Console(file=stream, highlight=False, soft_wrap=True,
                      force_terminal=color if color else None, no_color=color is False, emoji=False)
    for result in results:
        level = result.level.label if result.level else None
        console.print(
            f"[bold]{_safe(result.path)}[/]  level [{LEVEL_STYLE[level]}]{_level_text(result.level)}[/]"
            + ("" if result.analysed else "  [bold red](analysis incomplete)[/]")
        )
        links = "  ".join(
            f"{link} [{LEVEL_STYLE[result.links[link].label if result.links[link] else None]}]"
            f"{_level_text(result.links[link])}[/]"
            for link in LINKS
        )
        console.print(f"  links: {links}")
        current_file = None
        for finding in result.findings:
            if finding.severity == Severity.INFO and not show_info:
                continue
            if finding.file != current_file:
                current_file = finding.file
                console.print(f"  [underline]{_safe(finding.file)}[/]")
            style = SEVERITY_STYLE[finding.severity]
            where = f"{finding.line}:{finding.column}"
            console.print(
                f"    {where:>7}  [{style}]{finding.severity.label:<8}[/] [bold]{finding.rule}[/] "
                f"{_safe(finding.name)}: {_safe(finding.message)}"
            )
        console.print()
    for problem in problems or []:
        console.print(f"[red]error:[/] {_safe(problem)}")
    counts = {s: 0 for s in Severity}
    for result in results:
        for finding in result.findings:
            counts[finding.severity] += 1
    parts = [f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True) if counts[s]]
    total = sum(counts.values())
    console.print(
        f"{len(results)} deployment(s), {total} finding(s)" + (f": {', '.join(parts)}" if parts else "")
    )
