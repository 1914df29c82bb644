"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

Same level mapping as SARIF (critical/high -> error, medium/low -> warning, info -> notice). Targets whose
analysis did not complete, and tool-execution notes, are emitted as annotations too: a partial analysis
must never look clean. Each deployment's level is one more annotation (a notice when HIGH, else a warning that
says what caps it, or why it could not be judged), so that ``unknown`` shows in the run summary as in every format.
"""

from __future__ import annotations

from collections.abc import Mapping

from emslint.model import LINKS, Severity, TargetResult
from emslint.printable import escape_unsafe
from emslint.rules.model import Rule

COMMAND: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "warning",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """The message part (after ``::``): control, bidi and CI-command text escaped (emslint/printable.py),
    then GitHub's own escapes."""
    return escape_unsafe(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (``file=``, ``title=``): also ``:`` and ``,``, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(results: list[TargetResult], rules: Mapping[str, Rule]) -> str:
    lines = []
    findings = sorted((f for t in results for f in t.findings), key=lambda f: f.sort_key())
    for f in findings:
        rule = rules.get(f.rule)
        name = rule.name if rule else f.name
        props = {
            "file": f.file.replace("\\", "/"),
            "line": str(max(1, f.line)),
            "col": str(max(1, f.column)),
            "title": f"emslint {f.rule} {name}",
        }
        message = f.message + (f" [link: {f.link}]" if f.link else "")
        lines.append(_command(COMMAND[f.severity], props, message))
    for t in results:
        if t.kind == "deployment" and t.verdict is not None and t.verdict.state != "absent":
            lines.append(_level_annotation(t))
    for t in results:
        level = "warning" if t.analysed else "error"
        for err in t.errors:
            text = err if err.startswith(f"{t.path}: ") else f"{t.path}: {err}"  # not "gw: gw: internal error"
            lines.append(_command(level, {"title": "emslint analysis"}, text))
        if not t.analysed and not t.errors:
            lines.append(
                _command("error", {"title": "emslint analysis"}, f"analysis of {t.path} did not complete")
            )
    return "".join(line + "\n" for line in lines)


def _level_annotation(t: TargetResult) -> str:
    verdict = t.verdict
    links = "  ".join(f"{link} {t.links[link].state.upper()}" for link in LINKS
                      if link in t.links and t.links[link].state != "absent")
    if verdict.state == "unknown":
        why = f": could not be judged ({', '.join(verdict.unknown_by)})"
    elif verdict.state in ("low", "medium"):
        why = f": capped by {', '.join(verdict.capped_by)}"
    else:
        why = ""
    message = f"{t.path}: level {verdict.state.upper()}{why}; links: {links}"
    return _command("notice" if verdict.state == "high" else "warning", {"title": "emslint level"}, message)


def _command(name: str, props: dict[str, str], message: str) -> str:
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{name} {rendered}::{escape_data(message)}"
