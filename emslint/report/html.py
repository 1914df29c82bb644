"""The HTML report: one self-contained file for people who read reports, not logs.

Everything is inline (CSS, a little plain JavaScript for sorting and filtering, SVG pictures); a
Content-Security-Policy forbids the page from loading anything, so it opens the same in an air-gapped OT
network. It shows:

* a fleet overview: deployments per level, per link, the rules that hold most deployments below HIGH, and a
  sortable, filterable table of deployments;
* per deployment, a picture of its links (ThingWorx platform <-> EMS <-> LSR, and the EMS's local REST
  clients) coloured by level, each link's verdict with the findings that decide it (hidden ones marked), the
  path to HIGH (every finding that holds a link below HIGH, grouped by what fixing it gains), and each finding
  at file:line with a masked source excerpt (:mod:`emslint.report.excerpt`) and a short fix;
* the documentation of every rule that fired (:func:`emslint.rules.docs.rule_help_html`).

Every text that comes from a scanned file or a folder name is escaped twice over: control, bidi and
invisible characters as ``\\uXXXX`` (:func:`emslint.printable.escape_unsafe`), then HTML. No secret value
is ever in a result; excerpts are masked before they leave the worker.

A finding that ``--fix`` can fix (``Finding.fix``, worked out with ``--show-fixes``) is marked "fixable (safe)"
or "fixable (unsafe)" with what the fix does.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

from emslint.model import CONNECTOR_LINKS as _CONNECTOR_LINK_NAMES
from emslint.model import LINKS, Cap, Finding, Severity, TargetResult, Verdict
from emslint.printable import escape_unsafe
from emslint.report.json_report import summary
from emslint.report.openssl import model_line
from emslint.rules.docs import inline_html, rule_help_html
from emslint.rules.model import Rule

STATES = ("high", "medium", "low", "unknown", "absent")
_LEVEL_SORT = {"low": 0, "unknown": 1, "medium": 2, "high": 3, "absent": 4, "none": 5}
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
      "form-action 'none'"
LINK_TEXT = {
    "platform": "EMS \u2194 ThingWorx platform (AlwaysOn WebSocket)",
    "ems-rest": "the EMS's REST server \u2194 its local clients (the LSR's rap_* side included)",
    "lsr-rest": "the LSR's REST server \u2194 the EMS calling it",
    "connector-platform": "eMessage Connector \u2194 ThingWorx platform (AlwaysOn WebSocket)",
    "connector-edge": "the Connector's listener \u2194 Axeda agents (tokens)",
    "connector-gas": "eMessage Connector \u2194 Axeda Global Access Server (remote sessions)",
}
_ID = re.compile(r"[^A-Za-z0-9_-]")
_TOP_RULES = 10


def esc(text: object) -> str:
    """Untrusted text for HTML content or a quoted attribute."""
    return html.escape(escape_unsafe(str(text)), quote=True)


@cache
def _asset(name: str) -> str:
    return resources.files("emslint.report").joinpath("assets", name).read_text(encoding="utf-8")


def render_html(results: list[TargetResult], rules: Mapping[str, Rule], *, version: str, profile: str,
                notices: Iterable[str] = (), problems: Iterable[str] = ()) -> str:
    """The whole report as one HTML document; each deployment names the OpenSSL model its cipher lists were read
    with."""
    deployments = [r for r in results if r.kind == "deployment"]
    fired = sorted({f.rule for r in results for f in r.all_findings()})
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta name="generator" content="emslint {esc(version)}">',
        "<title>emslint report</title>",
        f"<style>{_asset('report.css')}</style>",
        "</head><body>",
        "<header>",
        "<h1>emslint report</h1>",
        f'<p class="meta">emslint {esc(version)} \u00b7 profile {esc(profile)} \u00b7 '
        f"{len(deployments)} deployment(s) \u00b7 {sum(len(r.findings) for r in results)} finding(s) shown, "
        f"{sum(len(r.suppressed) for r in results)} hidden</p>",
        *(f'<p class="problem">error: {esc(p)}</p>' for p in problems),
        *(f'<p class="notice">note: {esc(n)}</p>' for n in notices),
        "</header><main>",
        *_overview(results, deployments, rules),
        '<h2 id="details">Deployments in detail, the lowest level first</h2>',
    ]
    open_all = len(results) <= 20
    worst_first = sorted(enumerate(results, start=1), key=lambda item: _LEVEL_SORT[_level_state(item[1])])
    for index, result in worst_first:
        out += _deployment(index, result, rules, open_all)
    if fired:
        out += ['<section class="rules-appendix"><h2 id="rules">Rules that reported findings</h2>']
        for rule_id in fired:
            rule = rules.get(rule_id)
            if rule is not None:
                out.append(f'<section id="rule-{_anchor(rule_id)}">{rule_help_html(rule)}</section>')
        out.append("</section>")
    out += [
        "</main>",
        f'<footer>Generated by emslint {esc(version)}. Secret values are never shown: masked values read '
        "<code>***</code>. The page loads nothing from the network.</footer>",
        f"<script>{_asset('report.js')}</script>",
        "</body></html>",
    ]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------ overview


def _overview(results: list[TargetResult], deployments: list[TargetResult], rules: Mapping[str, Rule]) -> list[str]:
    """The fleet overview: counts per level, links per level, and the rules that cap the most deployments."""
    counts = summary(results)["by_level"]
    out = ['<section id="overview"><h2>Fleet overview</h2>', '<div class="cards">']
    for state in ("high", "medium", "low", "unknown"):
        out.append(f'<div class="card {state}" data-level-count="{state}"><span class="n">{counts[state]}</span>'
                   f'<span class="level {state}">{state}</span> deployment(s)</div>')
    others = len(results) - len(deployments) + counts["none"]
    if others:
        out.append(f'<div class="card absent"><span class="n">{others}</span>no level (nothing configured, or '
                   "another program's config)</div>")
    out.append("</div>")

    out += ["<h3>Per link</h3>", "<table class=\"per-link\"><thead><tr><th>link</th>",
            *(f'<th class="num"><span class="level {s}">{s}</span></th>' for s in STATES), "</tr></thead><tbody>"]
    for link in LINKS:
        per: Counter[str] = Counter(r.links[link].state for r in deployments if link in r.links)
        out.append(f"<tr><td><strong>{link}</strong><br><span class=\"muted\">{esc(LINK_TEXT[link])}</span></td>"
                   + "".join(f'<td class="num">{per.get(s, 0)}</td>' for s in STATES) + "</tr>")
    out.append("</tbody></table>")

    holding = Counter(rule for r in deployments for rule in _holding_rules(r))
    if holding:
        out += ["<h3>Rules that hold most deployments below HIGH</h3>",
                '<table class="top-rules"><thead><tr><th>rule</th><th>what it does to the link</th>'
                '<th class="num">deployments</th></tr></thead><tbody>']
        for rule_id, n in sorted(holding.items(), key=lambda item: (-item[1], item[0]))[:_TOP_RULES]:
            rule = rules.get(rule_id)
            title = f" {esc(rule.name)}: {inline_html(rule.title)}" if rule else ""
            effect = _cap_text(rule.caps) if rule and rule.caps else ""
            out.append(f'<tr><td><a href="#rule-{_anchor(rule_id)}">{esc(rule_id)}</a>{title}</td>'
                       f"<td>{esc(effect)}</td><td class=\"num\">{n}</td></tr>")
        out.append("</tbody></table>")

    out += ['<h3 id="deployment-table">Deployments</h3>', '<div class="filters">',
            '<label>filter <input id="filter" type="search" placeholder="path contains\u2026" autocomplete="off">'
            "</label>",
            '<label>level <select id="level-filter"><option value="">any</option>',
            *(f'<option value="{s}">{s}</option>' for s in ("high", "medium", "low", "unknown", "none")),
            '</select></label> <span id="shown-count" class="muted"></span></div>',
            '<table id="deployments"><thead><tr>',
            '<th class="sortable" tabindex="0">deployment</th>',
            '<th class="sortable" tabindex="0" data-numeric>level</th>',
            *(f'<th class="sortable" tabindex="0" data-numeric>{link}</th>' for link in LINKS),
            '<th class="sortable num" tabindex="0">findings</th>',
            '<th class="sortable num" tabindex="0">critical + high</th>',
            '<th class="sortable num" tabindex="0">hidden</th>',
            "</tr></thead><tbody>"]
    for index, result in enumerate(results, start=1):
        state = _level_state(result)
        severe = sum(1 for f in result.findings if f.severity >= Severity.HIGH)
        cells = [f'<td data-sort="{esc(result.path.lower())}"><a href="#d-{index}">{esc(result.path)}</a></td>',
                 f'<td data-sort="{_LEVEL_SORT[state]}"><span class="level {state}">{_state_label(result)}</span>'
                 "</td>"]
        for link in LINKS:
            link_state = result.links[link].state if link in result.links else "absent"
            cells.append(f'<td data-sort="{_LEVEL_SORT[link_state]}"><span class="level {link_state}">{link_state}'
                         "</span></td>")
        cells += [f'<td class="num">{len(result.findings)}</td>', f'<td class="num">{severe}</td>',
                  f'<td class="num">{len(result.suppressed)}</td>']
        out.append(f'<tr data-level="{state}" data-path="{esc(result.path)}">{"".join(cells)}</tr>')
    out += ["</tbody></table>", "</section>"]
    return out


def _holding_rules(result: TargetResult) -> set[str]:
    """The rules of the findings (shown or hidden) that hold any link of ``result`` below HIGH."""
    return {f.rule for f in result.all_findings() if f.caps is not None and f.links}


def _level_state(result: TargetResult) -> str:
    if result.kind != "deployment" or result.verdict.state == "absent":
        return "none"
    return result.verdict.state


def _state_label(result: TargetResult) -> str:
    if result.kind != "deployment":
        return "not EMS"
    return "none" if result.verdict.state == "absent" else result.verdict.state


# ---------------------------------------------------------------------------------------------- deployment


def _deployment(index: int, result: TargetResult, rules: Mapping[str, Rule], open_all: bool) -> list[str]:
    state = _level_state(result)
    verdict = result.verdict
    head = f'<span class="level {state}">{_state_label(result)}</span> {esc(result.path)}'
    if verdict.state == "unknown" and verdict.at_most:
        head += f' <span class="muted">(could not be judged; at most {verdict.at_most.label})</span>'
    if not result.analysed:
        head += ' <span class="tag hidden">analysis incomplete</span>'
    out = [f'<details class="deployment" id="d-{index}" data-level="{state}"{" open" if open_all else ""}>',
           f"<summary>{head}</summary>"]
    out += [f'<p class="problem">{esc(e)}</p>' for e in result.errors]
    if result.kind != "deployment":
        out.append("<p>A config.json of another program: no EMS or LSR setting in it, so no level.</p>")
    else:
        out.append(_diagram(result))
        out += _links_table(result, rules)
        if result.openssl is not None:
            out.append(f'<p class="notice openssl-model">{esc(model_line(result.openssl))}</p>')
        out += _path_to_high(result, rules)
    out += _findings(result, rules)
    out.append("</details>")
    return out


_NODE_WIDTH = 166
_NODES = {  # name -> (x, y, label); boxes are 166 x 44
    "platform": (4, 20, "ThingWorx platform"),
    "ems": (262, 20, "Edge MicroServer"),
    "lsr": (520, 20, "Lua Script Resource"),
    "clients": (262, 150, "local REST clients"),
}
_EDGES = (  # (link, x1, y1, x2, y2, label x, label y, text)
    ("platform", 170, 42, 262, 42, 216, 34, "platform"),
    ("lsr-rest", 428, 32, 520, 32, 474, 24, "lsr-rest"),
    ("ems-rest", 428, 54, 520, 54, 474, 76, "ems-rest (rap_*)"),
    ("ems-rest", 345, 64, 345, 150, 353, 112, "ems-rest"),
)


_CONNECTOR_NODES = {
    "platform": (4, 20, "ThingWorx platform"),
    "connector": (262, 20, "eMessage Connector"),
    "agents": (520, 20, "Axeda agents"),
    "gas": (262, 150, "Axeda GAS"),
}
_CONNECTOR_EDGES = (
    ("connector-platform", 170, 42, 262, 42, 216, 34, "platform"),
    ("connector-edge", 428, 42, 520, 42, 474, 34, "edge"),
    ("connector-gas", 345, 64, 345, 150, 353, 112, "gas"),
)


def _diagram(result: TargetResult) -> str:
    """The deployment's links as an inline SVG, coloured by level; unknown dashed, absent dotted and grey."""
    states = {link: result.links[link].state if link in result.links else "absent" for link in LINKS}
    nodes: dict[str, tuple[int, int, str]] = _NODES
    edges: tuple[tuple[str, int, int, int, int, int, int, str], ...] = _EDGES
    if all(states[link] == "absent" for link in ("platform", "ems-rest", "lsr-rest")) and any(
            states[link] != "absent" for link in _CONNECTOR_LINK_NAMES):
        nodes, edges = _CONNECTOR_NODES, _CONNECTOR_EDGES
        present = {"platform": True, "connector": True, "agents": states["connector-edge"] != "absent",
                   "gas": states["connector-gas"] != "absent"}
        states = {link: states[link] for link in _CONNECTOR_LINK_NAMES}
    else:
        present = {
            "platform": True,
            "ems": states["platform"] != "absent",
            "lsr": states["lsr-rest"] != "absent",
            "clients": states["ems-rest"] != "absent",
        }
        states = {link: states[link] for link in ("platform", "ems-rest", "lsr-rest")}
    parts = [f'<svg class="diagram" viewBox="0 0 690 200" role="img" aria-label="{esc(_diagram_label(states))}">',
             f"<title>{esc(_diagram_label(states))}</title>"]
    for link, x1, y1, x2, y2, lx, ly, text in edges:
        state = states[link]
        anchor = "start" if x1 == x2 else "middle"
        parts.append(
            f'<g class="edge {state}" data-link="{link}" data-state="{state}"><title>{link}: {state}</title>'
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>'
            f'<text x="{lx}" y="{ly}" text-anchor="{anchor}">{text} {state.upper()}</text></g>'
        )
    for name, (x, y, label) in nodes.items():
        cls = "node" if present[name] else "node absent"
        suffix = "" if present[name] else " (absent)"
        parts.append(f'<g class="{cls}" data-node="{name}">'
                     f'<rect x="{x}" y="{y}" width="{_NODE_WIDTH}" height="44" rx="8"/>'
                     f'<text x="{x + _NODE_WIDTH // 2}" y="{y + 27}">{label}{suffix}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _diagram_label(states: Mapping[str, str]) -> str:
    return "links: " + ", ".join(f"{link} {state}" for link, state in states.items())


def _links_table(result: TargetResult, rules: Mapping[str, Rule]) -> list[str]:
    out = ['<table class="links"><thead><tr><th>link</th><th>level</th><th>decided by</th></tr></thead><tbody>']
    for link in LINKS:
        verdict = result.links.get(link)
        if verdict is None:
            continue
        out.append(f'<tr data-link="{link}"><td><strong>{link}</strong><br><span class="muted">'
                   f"{esc(LINK_TEXT[link])}</span></td><td>{_verdict_badge(verdict)}</td>"
                   f"<td>{_deciders(result, link, verdict)}</td></tr>")
    out.append("</tbody></table>")
    return out


def _verdict_badge(verdict: Verdict) -> str:
    badge = f'<span class="level {verdict.state}">{verdict.state}</span>'
    if verdict.state == "unknown" and verdict.at_most:
        badge += f' <span class="muted">at most {verdict.at_most.label}</span>'
    return badge


def _deciders(result: TargetResult, link: str, verdict: Verdict) -> str:
    if verdict.state == "absent":
        return '<span class="muted">no file configures it</span>'
    parts = []
    capped = () if verdict.state == "high" else verdict.capped_by
    hidden = _hidden_rules(result, link)
    for label, ids in (("capped by", capped), ("could not be judged because of", verdict.unknown_by)):
        if ids:
            parts.append(f"{label} " + ", ".join(_rule_ref(rule_id, hidden.get(rule_id)) for rule_id in ids))
    return "; ".join(parts) or '<span class="muted">nothing holds it below HIGH</span>'


def _hidden_rules(result: TargetResult, link: str) -> dict[str, str]:
    """Rule id -> how it is hidden, for the rules whose findings on ``link`` are all hidden."""
    shown = {f.rule for f in result.findings if link in f.links}
    out: dict[str, str] = {}
    for f in result.suppressed:
        if link in f.links and f.rule not in shown and f.suppressed is not None:
            out.setdefault(f.rule, f.suppressed.kind)
    return out


def _rule_ref(rule_id: str, hidden: str | None = None) -> str:
    ref = f'<a href="#rule-{_anchor(rule_id)}">{esc(rule_id)}</a>'
    if hidden:
        ref += f' <span class="tag hidden" title="hidden from the report; it still decides the level">hidden: ' \
               f"{esc(hidden)}</span>"
    return ref


def _path_to_high(result: TargetResult, rules: Mapping[str, Rule]) -> list[str]:
    """Per link below HIGH, the findings to fix (or make judgeable), grouped by what fixing them gains."""
    steps: list[str] = []
    for link in LINKS:
        verdict = result.links.get(link)
        if verdict is None or verdict.state in ("high", "absent"):
            continue
        holding = [f for f in result.all_findings() if link in f.links and f.caps is not None]
        low = [f for f in holding if f.caps is Cap.LOW]
        groups = (
            ("to leave LOW, fix", low),
            ("then, to reach HIGH, fix" if low else "to reach HIGH, fix", [f for f in holding if f.caps is Cap.MEDIUM]),
            ("to be judged at all, resolve", [f for f in holding if f.caps in (Cap.UNKNOWN, Cap.UNREADABLE)]),
        )
        items = [f"<li>{label}: " + "; ".join(_finding_ref(f) for f in group) + "</li>"
                 for label, group in groups if group]
        if items:
            steps.append(f'<li data-link="{link}"><strong>{link}</strong> ({verdict.state})<ul>{"".join(items)}'
                         "</ul></li>")
    if not steps:
        return []
    return ['<h4>Path to HIGH</h4>', f'<ul class="path-to-high">{"".join(steps)}</ul>']


def _finding_ref(f: Finding) -> str:
    ref = f'{_rule_ref(f.rule)} <span class="mono">{esc(f.file)}:{f.line}</span>'
    if f.suppressed is not None:
        ref += f' <span class="tag hidden">hidden: {esc(f.suppressed.kind)}</span>'
    fix = _fix_text(f)
    if fix:
        ref += f' <span class="tag fix">fixable {esc(fix)}</span>'
    return ref


def _fix_text(f: Finding) -> str:
    """What the finding's fix does, with its applicability; empty when it has none."""
    return f"({f.fix.applicability}) {f.fix.description}" if f.fix is not None else ""


def _findings(result: TargetResult, rules: Mapping[str, Rule]) -> list[str]:
    everything = sorted(result.all_findings(), key=Finding.sort_key)
    if not everything:
        return ["<p class=\"muted\">No findings.</p>"]
    out = [f"<h4>Findings ({len(result.findings)} shown, {len(result.suppressed)} hidden)</h4>"]
    for f in everything:
        out.append(_finding(f, rules.get(f.rule), result.excerpts.get(f.file, {})))
    return out


def _finding(f: Finding, rule: Rule | None, excerpt: Mapping[int, str]) -> str:
    """One finding's block: severity, rule, link and cap, hidden or fixable marks, location, message and the masked
    excerpt."""
    hidden = f.suppressed is not None
    parts = [f'<div class="finding{" hidden" if hidden else ""}" data-rule="{esc(f.rule)}" '
             f'data-severity="{f.severity.label}">',
             f'<div><span class="sev {f.severity.label}">{f.severity.label}</span> '
             f'<strong>{_rule_ref(f.rule)}</strong> {esc(f.name)}'
             + (f' <span class="tag">{esc(f.link)}</span>' if f.link else "")
             + (f' <span class="tag">caps {esc(f.caps.label)}</span>' if f.caps and f.links else "")]
    if f.suppressed is not None:
        where = f" at {esc(f.suppressed.where)}" if f.suppressed.where else ""
        parts.append(f' <span class="tag hidden">hidden: {esc(f.suppressed.kind)}{where}'
                     + (f": {esc(f.suppressed.reason)}" if f.suppressed.reason else "") + "</span>")
    fix = _fix_text(f)
    if fix:
        parts.append(f' <span class="tag fix">fixable {esc(fix)}</span>')
    parts.append("</div>")
    parts.append(f'<div class="where">{esc(f.file)}:{f.line}:{f.column}'
                 + (f" {esc(f.pointer)}" if f.pointer else "") + "</div>")
    parts.append(f"<div class=\"message\">{esc(f.message)}</div>")
    lines = [(n, excerpt[n]) for n in range(f.line - 2, f.line + 3) if n in excerpt]
    if lines:
        rendered = "\n".join(
            f'<span class="{"hit" if n == f.line else "ctx"}"><span class="ln">{n}</span>{esc(text)}</span>'
            for n, text in lines
        )
        parts.append(f'<pre class="excerpt">{rendered}</pre>')
    if rule is not None and (rule.why or rule.fix):
        parts.append("<details><summary>why and how to fix</summary>")
        if rule.why:
            parts.append(f"<p><strong>Why:</strong> {inline_html(_first_paragraph(rule.why))}</p>")
        if rule.fix:
            parts.append(f"<p><strong>Fix:</strong> {inline_html(_first_paragraph(rule.fix))}</p>")
        parts.append(f'<p><a href="#rule-{_anchor(f.rule)}">the rule\'s documentation</a></p></details>')
    parts.append("</div>")
    return "".join(parts)


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


def _cap_text(cap: Cap) -> str:
    if cap in (Cap.UNKNOWN, Cap.UNREADABLE):
        return "makes it unknown"
    return f"caps it at {cap.label.upper()}"


def _anchor(rule_id: str) -> str:
    return _ID.sub("_", rule_id)

