"""Human output: grouped by target and file, the level of each link at a glance; colour only on a terminal.

The report is written as the results arrive (:class:`TextReport`: ``begin``, one ``target`` per result in
target order, ``end`` with the summary), so a fleet run neither waits for its last deployment to print nor
holds every result. Without colour (not a terminal, ``NO_COLOR``, ``CI``, ``--no-color``, a file) it is plain
text written straight to the stream, byte for byte what rich printed before, and rich is not imported; with
colour, rich styles it.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, TextIO

from emslint.model import ABSENT, CONNECTOR_LINKS, EMS_LINKS, Finding, Severity, TargetResult, Verdict
from emslint.printable import escape_unsafe
from emslint.report.openssl import model_line
from emslint.report.path_to_high import path_to_high

if TYPE_CHECKING:
    from rich.text import Text

    from emslint.filters.gate import Gate

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
LEVEL_STYLE = {"low": "bold red", "medium": "yellow", "high": "bold green", "unknown": "bold magenta", "absent": "dim"}
LEVEL_ORDER = ("high", "medium", "low", "unknown")
_SEVERITIES_DOWN = sorted(Severity, reverse=True)


# Control characters and the invisible ones (bidi overrides, zero-width) would let a key or path in a config
# forge report lines or disguise a finding on a terminal, and CI log commands (a folder named "::error::x")
# would drive the CI runner: shown as escapes instead (emslint/printable.py).
_visible = escape_unsafe


def _safe(text: str) -> str:
    """:func:`_visible`, and rich markup escaped (the coloured report's escaping)."""
    return _escape(_visible(text))


# Without colour, a line is its markup with the tags taken out as rich's parser does it, so that the bytes stay
# those rich printed (a backslash before '[' is dropped, trailing backslashes before a tag are escapes, and so
# on); with colour, the same parse builds rich Text (_render). Copies of rich.markup's escape() and of the parse
# in rich.markup.render(); the tests compare with rich. One change: the tag patterns start only where a run of
# backslashes starts ((?<!\\)). rich's own start at every backslash of a run and scan the whole run from each:
# quadratic, 67 s for a 200 KB key of backslashes. Every match is the same (a run matches from its first
# backslash or not at all), so the output is too.
_TAG = re.compile(r"((?<!\\)(\\*)\[([a-z#/@][^[]*?)])")
_ESCAPE = re.compile(r"(?<!\\)(\\*)(\[[a-z#/@][^[]*?])").sub


def _escape(markup: str) -> str:
    """rich.markup.escape(), without importing rich."""
    markup = _ESCAPE(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", markup)
    return markup + "\\" if markup.endswith("\\") and not markup.endswith("\\\\") else markup


def _plain_safe(text: str) -> str:
    return _escape(_visible(text))


def _plain_line(markup: str) -> str:
    """The text rich prints for one line of markup without colour."""
    if "[" not in markup:
        return markup
    if "\\" not in markup:  # no escapes: every tag-like bracket is a tag
        return _TAG.sub("", markup)
    out = []
    position = 0
    for match in _TAG.finditer(markup):
        full, escapes, _ = match.groups()
        start, end = match.span()
        if start > position:
            out.append(markup[position:start].replace("\\[", "["))
        position = end
        if escapes:
            backslashes, escaped = divmod(len(escapes), 2)
            out.append("\\" * backslashes)
            if escaped:  # an escaped tag is text
                out.append(full[len(escapes):])
    out.append(markup[position:].replace("\\[", "["))
    return "".join(out)


def _render(markup: str) -> Text:
    """``rich.markup.render(markup, emoji=False)`` for the report's own markup, in linear time.

    The same parse as :func:`_plain_line` (rich's, with the linear tag pattern), building the Text and its
    style spans as rich.markup.render does. A closing tag that matches nothing is ignored (rich raises; the
    report's markup never has one, since every untrusted text is escaped).
    """

    from rich.markup import Tag
    from rich.style import Style
    from rich.text import Span, Text

    text = Text()
    if "[" not in markup:
        text.append(markup)
        return text
    stack: list[tuple[int, str, str]] = []  # (start, normalised name, style)
    spans: list[Span] = []
    position = 0
    for match in _TAG.finditer(markup):
        full, escapes, tag_text = match.groups()
        start, end = match.span()
        if start > position:
            text.append(markup[position:start].replace("\\[", "["))
        position = end
        if escapes:
            backslashes, escaped = divmod(len(escapes), 2)
            if backslashes:
                text.append("\\" * backslashes)
            if escaped:
                text.append(full[len(escapes):])
                continue
        name, equals, parameters = tag_text.partition("=")
        if name.startswith("/"):
            wanted = name[1:].strip()
            index = len(stack) - 1
            if wanted:
                wanted = Style.normalize(wanted)
                while index >= 0 and stack[index][1] != wanted:
                    index -= 1
            if index >= 0:
                opened, _, style = stack.pop(index)
                spans.append(Span(opened, len(text), style))
        else:
            tag = Tag(Style.normalize(name), parameters if equals else None)
            stack.append((len(text), tag.name, str(tag)))
    if position < len(markup):
        text.append(markup[position:].replace("\\[", "["))
    while stack:
        opened, _, style = stack.pop()
        if style:
            spans.append(Span(opened, len(text), style))
    text.spans = sorted(spans[::-1], key=attrgetter("start"))
    return text


def _level_text(verdict: Verdict) -> str:
    return verdict.state if verdict.state == "absent" else verdict.state.upper()


def use_color(stream: TextIO, color: bool | None) -> bool:
    """Whether the report is styled: ``color`` when given (``--color`` / ``--no-color``), else only on a terminal.

    Without ``color``, the terminal test is rich's own (``TTY_COMPATIBLE``, ``FORCE_COLOR``, ``isatty``, a
    ``dumb`` terminal), so colour stays on wherever rich would have drawn it, except that ``NO_COLOR`` and
    ``CI`` (unless colour is forced) turn it off.
    """
    if color is not None:
        return color
    env = os.environ
    if env.get("NO_COLOR"):
        return False
    tty_compatible = env.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        terminal = tty_compatible == "1"
    elif "FORCE_COLOR" in env:
        terminal = env["FORCE_COLOR"] != ""
    else:
        terminal = not env.get("CI") and _isatty(stream)
    return terminal and env.get("TERM", "").lower() not in ("dumb", "unknown")


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False


def _markup(text: str, style: str) -> str:
    return f"[{style}]{text}[/]"


def _unstyled(text: str, style: str) -> str:
    return text


def _simple(text: str) -> bool:
    """Text that rich's markup leaves as it is (nothing to escape): the plain report needs no parse then."""
    return "[" not in text and "\\" not in text


def target_lines(result: TargetResult, *, styled: bool, show_info: bool = True, width: int | None = None,
                 findings: Sequence[Finding] | None = None, show_fixes: bool = False) -> list[str]:
    """The report lines of one target, without newlines: rich markup when ``styled``, else plain text.

    ``width`` (a terminal's columns): a finding's message that does not fit is wrapped, its further lines indented
    under the message's start, so the location column stays clear. ``findings``: these instead of the shown ones.
    ``show_fixes``: a line under each fixable finding says what its fix does.
    """
    given = result.findings if findings is None else findings
    chosen = [f for f in given if show_info or f.severity != Severity.INFO]
    if styled:
        return _lines(result, chosen, _safe, _markup, width, show_fixes)
    if _simple(result.path) and all(_simple(f.file) and _simple(f.name) and _simple(f.message)
                                    and (f.fix is None or _simple(f.fix.description)) for f in chosen):
        return _lines(result, chosen, _visible, _unstyled, width, show_fixes)
    return [_plain_line(line) for line in _lines(result, chosen, _plain_safe, _markup, width, show_fixes)]


def wrap_message(text: str, first: int, width: int | None) -> list[str]:
    """``text`` in pieces that fit ``width`` columns after a prefix of ``first`` columns (one piece without a
    width). Breaks only at spaces: a path or a word longer than the room stays whole."""
    room = (width or 0) - first
    if width is None or len(text) <= room:
        return [text]
    return textwrap.wrap(text, width=max(room, 30), break_long_words=False, break_on_hyphens=False) or [text]


def _fix_mark(finding: Finding) -> str:
    if finding.fix is None:
        return ""
    return " (fixable, unsafe)" if finding.fix.applicability == "unsafe" else " (fixable)"


def _lines(result: TargetResult, findings: list[Finding], safe: Callable[[str], str],
           style: Callable[[str, str], str], width: int | None = None, show_fixes: bool = False) -> list[str]:
    """A target's lines in the text report: header, links and path to HIGH, then its findings file by file."""
    if result.kind == "not-ems":
        lines = [style(safe(result.path), "bold") + "  " + style("not an EMS or Connector deployment", "dim")]
    else:
        verdict = result.verdict
        head = style(safe(result.path), "bold") + "  level " + style(_level_text(verdict), LEVEL_STYLE[verdict.state])
        if verdict.state == "unknown":
            head += f" (could not be judged: {', '.join(verdict.unknown_by)}"
            head += f"; at most {verdict.at_most.label.upper()})" if verdict.at_most else ")"
        if not result.analysed:
            head += "  " + style("(analysis incomplete)", "bold red")
        lines = [head]
        links = "  ".join(f"{link} " + style(_level_text(verdict), LEVEL_STYLE[verdict.state])
                          for link, verdict in shown_links(result))
        lines.append(f"  links: {links}")
        if result.openssl is not None:
            lines.append(f"  {safe(model_line(result.openssl))}")
        lines.extend(f"  {safe(step.text())}" for step in path_to_high(result))
    current_file = None
    for finding in findings:
        if finding.file != current_file:
            current_file = finding.file
            lines.append("  " + style(safe(finding.file), "underline"))
        where = f"{finding.line}:{finding.column}"
        indent = 4 + 7 + 2 + 8 + 1 + len(finding.rule) + 1  # the message starts after location, severity, rule
        pieces = wrap_message(safe(f"{finding.name}: {finding.message}"), indent, width)
        lines.append(
            f"    {where:>7}  " + style(f"{finding.severity.label:<8}", SEVERITY_STYLE[finding.severity])
            + " " + style(finding.rule, "bold") + " " + pieces[0]
            + (style(_fix_mark(finding), "green") if finding.fix is not None else "")
        )
        lines.extend(" " * indent + piece for piece in pieces[1:])
        if show_fixes and finding.fix is not None:
            lines.append(" " * indent + safe(f"fix ({finding.fix.applicability}): {finding.fix.description}"))
    if result.suppressed:
        lines.append(f"  hidden: {_hidden_summary(result.suppressed)}")
    lines.append("")
    return lines


def shown_links(result: TargetResult) -> list[tuple[str, Verdict]]:
    """The links of the links line: the EMS links (as always) unless the target is a connector only, the
    connector links when a connector file configures them."""
    def present(links: tuple[str, ...]) -> bool:
        return any(result.links.get(link, ABSENT).state != "absent" for link in links)

    groups = [EMS_LINKS] if present(EMS_LINKS) or not present(CONNECTOR_LINKS) else []
    if present(CONNECTOR_LINKS):
        groups.append(CONNECTOR_LINKS)
    return [(link, result.links.get(link, ABSENT)) for group in groups for link in group]


def _hidden_summary(findings: list[Finding]) -> str:
    kinds: dict[str, int] = {}
    for f in findings:
        kind = f.suppressed.kind if f.suppressed else "?"
        kinds[kind] = kinds.get(kind, 0) + 1
    return f"{len(findings)} finding(s) (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")"


def concise_lines(result: TargetResult, *, show_info: bool = True,
                  findings: Sequence[Finding] | None = None) -> list[str]:
    """``path:line:col: RULE [severity] message`` lines, which editors and terminals link to the place."""
    return [
        f"{_visible(f.file)}:{f.line}:{f.column}: {f.rule} [{f.severity.label}] {_visible(f.message)}{_fix_mark(f)}"
        for f in (result.findings if findings is None else findings)
        if show_info or f.severity != Severity.INFO
    ]


class TextReport:
    """The text report, written as it goes: ``begin()``, ``target(result)`` per result, ``end(problems)``.

    Only counts are kept between calls (the summary line), so memory does not grow with the fleet.
    """

    def __init__(self, stream: TextIO, *, color: bool | None = None, show_info: bool = True,
                 concise: bool = False, width: int | None = None, quiet: Gate | None = None,
                 show_fixes: bool = False, fixable_rules: frozenset[str] | None = None) -> None:
        """``width``: wrap messages to a terminal's columns; ``quiet``: show only what fails this gate (findings
        at or above ``fail_on``, deployments below ``require_level``) and the summary; ``show_fixes``: say what
        each fix does; ``fixable_rules``: fixes were not worked out, these rules have one (for a hint)."""
        self.stream = stream
        self.fixable_rules = fixable_rules  # fixes not worked out: the rules that have one (for a hint)
        self.maybe_fixable = 0
        self.show_info = show_info
        self.concise = concise
        self.width = width
        self.quiet = quiet
        self.show_fixes = show_fixes
        self.fixable = {"safe": 0, "unsafe": 0}
        self.targets = 0
        self.counts = {s: 0 for s in Severity}
        self.levels = {state: 0 for state in LEVEL_ORDER}
        self.hidden = 0
        self.models: dict[str, None] = {}  # each OpenSSL model line met (concise: noted at the end)
        self._console = None
        if use_color(stream, color):
            from rich.console import Console

            self._console = Console(file=stream, highlight=False, soft_wrap=True,
                                    force_terminal=color if color else None, no_color=False, emoji=False)

    def target(self, result: TargetResult) -> None:
        if result.kind == "deployment":
            self.targets += 1
            if result.verdict.state in self.levels:
                self.levels[result.verdict.state] += 1
        for finding in result.findings:
            self.counts[finding.severity] += 1
            if finding.fix is not None:
                self.fixable[finding.fix.applicability] += 1
            elif self.fixable_rules is not None and finding.rule in self.fixable_rules:
                self.maybe_fixable += 1
        self.hidden += len(result.suppressed)
        if result.openssl is not None:
            self.models.setdefault(model_line(result.openssl))
        failing: list[Finding] | None = None
        if self.quiet is not None:
            failing = self.quiet.failing(result)
            if not failing and not self.quiet.below(result):
                return
        if self.concise:
            lines = concise_lines(result, show_info=self.show_info, findings=failing)
            if lines:
                self.stream.write("\n".join(lines) + "\n")
            return
        self._write(target_lines(result, styled=self._console is not None, show_info=self.show_info,
                                 width=self.width, findings=failing, show_fixes=self.show_fixes))

    def end(self, problems: Iterable[str] = (), notices: Iterable[str] = ()) -> None:
        """The problems (paths that could not be used), notices about the run (not when quiet; concise: the OpenSSL
        models first, which the full report gives per deployment), and the summary line."""
        if self.quiet is not None:
            notices = ()
        elif self.concise:
            notices = [*self.models, *notices]
        if self._console is not None:
            lines = [f"[red]error:[/] {_safe(p)}" for p in problems] + [f"note: {_safe(n)}" for n in notices]
        else:
            lines = [_plain_line(f"[red]error:[/] {_plain_safe(p)}") for p in problems]
            lines += [_plain_line(f"note: {_plain_safe(n)}") for n in notices]
        self._write([*lines, self.summary()])

    def summary(self) -> str:
        """``3 deployment(s) (1 high, 1 medium, 1 unknown), 21 finding(s): 3 critical, ...; 2 hidden``."""
        levels = ", ".join(f"{n} {state}" for state, n in self.levels.items() if n)
        parts = [f"{self.counts[s]} {s.label}" for s in _SEVERITIES_DOWN if self.counts[s]]
        total = sum(self.counts.values())
        line = f"{self.targets} deployment(s)" + (f" ({levels})" if levels else "")
        line += f", {total} finding(s)" + (f": {', '.join(parts)}" if parts else "")
        line += f"; {self.hidden} hidden" if self.hidden else ""
        if self.maybe_fixable:
            return line + f"; {self.maybe_fixable} may be fixable (--show-fixes)"
        return line + fixable_summary(self.fixable["safe"], self.fixable["unsafe"])

    def _write(self, lines: list[str]) -> None:
        if self._console is None:
            self.stream.write("\n".join(lines) + "\n")
            return
        for line in lines:
            self._console.print(_render(line))


def fixable_summary(safe: int, unsafe: int) -> str:
    """``; 4 fixable with --fix (2 more with --fix --unsafe-fixes)``, or "" when nothing is fixable."""
    if safe and unsafe:
        return f"; {safe} fixable with --fix ({unsafe} more with --fix --unsafe-fixes)"
    if safe:
        return f"; {safe} fixable with --fix"
    if unsafe:
        return f"; {unsafe} fixable with --fix --unsafe-fixes"
    return ""


def render_text(results: Iterable[TargetResult], stream: TextIO, *, problems: list[str] | None = None,
                color: bool | None = None, show_info: bool = True, concise: bool = False,
                show_fixes: bool = False) -> None:
    """The whole report at once (library callers and tests); the runner streams with :class:`TextReport`."""
    report = TextReport(stream, color=color, show_info=show_info, concise=concise, show_fixes=show_fixes)
    for result in results:
        report.target(result)
    report.end(problems or [])
