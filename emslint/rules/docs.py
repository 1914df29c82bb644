"""A rule's documentation page, rendered from its record (ruff-style headings).

The same text feeds ``emslint rule ID``, SARIF ``help.markdown`` / ``help.text`` and the HTML report
(:func:`rule_help_html`). GitHub never shows ``helpUri``, so the sources are repeated under "References".
"""

from __future__ import annotations

import html
import json
import re

from emslint.model import Cap
from emslint.pointers import split as pointer_tokens
from emslint.rules.model import Example, FixSpec, Rule

_CWE_URL = "https://cwe.mitre.org/data/definitions/{}.html"


def rule_help_markdown(rule: Rule) -> str:
    out = [f"# {rule.name} ({rule.id})", "", f"**{rule.title}**", "", _meta_line(rule, markdown=True), ""]
    if rule.summary:
        out += [rule.summary, ""]
    out += _section("## What it does", rule.what)
    out += _section("## Why is this bad?", rule.why)
    if rule.bad:
        out += ["## Example", ""]
        for ex in rule.bad:
            out += [*_fenced(ex), ""]
    if rule.good:
        out += ["## Use instead", ""]
        for ex in rule.good:
            out += [*_fenced(ex), ""]
    out += _section("## How to fix", rule.fix)
    if rule.fixes:
        out += ["## Automatic fix", "", _FIX_INTRO, ""]
        out += [*(f"- {_fix_line(spec, markdown=True)}" for spec in rule.fixes), ""]
    if rule.options:
        out += ["## Options", "", *(f"- `{opt}`" for opt in rule.options), ""]
    refs = [f"- <{url}>" for url in rule.sources]
    refs += [f"- [{c}]({url})" for c, url in _cwe_links(rule)]
    if refs:
        out += ["## References", "", *refs, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def rule_help_text(rule: Rule) -> str:
    head = f"{rule.name} ({rule.id}): {rule.title}"
    out = [head, "", _meta_line(rule, markdown=False), ""]
    if rule.summary:
        out += [plain_text(rule.summary), ""]
    out += _section("What it does", plain_text(rule.what))
    out += _section("Why is this bad?", plain_text(rule.why))
    for title, examples in (("Example", rule.bad), ("Use instead", rule.good)):
        for ex in examples:
            out += [f"{title} ({ex.language}):", *_indented(ex.code), ""]
    out += _section("How to fix", plain_text(rule.fix))
    if rule.fixes:
        out += ["Automatic fix", "", plain_text(_FIX_INTRO), "",
                *(f"  - {_fix_line(spec, markdown=False)}" for spec in rule.fixes), ""]
    if rule.options:
        out += ["Options", "", *(f"  - {opt}" for opt in rule.options), ""]
    refs = [f"  - {url}" for url in rule.sources] + [f"  - {c}: {url}" for c, url in _cwe_links(rule)]
    if refs:
        out += ["References", "", *refs, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def rule_help_html(rule: Rule, *, level: int = 3) -> str:
    """The same page as :func:`rule_help_markdown`, as an HTML fragment (every text escaped; links only to
    http(s) addresses, never loaded by the page)."""
    h = f"h{level}"
    out = [f'<{h}>{html.escape(rule.name)} ({html.escape(rule.id)})</{h}>',
           f"<p><strong>{inline_html(rule.title)}</strong></p>",
           f'<p class="rule-meta">{html.escape(_meta_line(rule, markdown=False))}</p>']
    if rule.summary:
        out.append(f"<p>{inline_html(rule.summary)}</p>")
    sub = f"h{level + 1}"
    for title, body in (("What it does", rule.what), ("Why is this bad?", rule.why)):
        if body.strip():
            out += [f"<{sub}>{title}</{sub}>", *_paragraphs_html(body)]
    for title, examples in (("Example", rule.bad), ("Use instead", rule.good)):
        if examples:
            out.append(f"<{sub}>{title}</{sub}>")
            out += [f'<pre><code class="language-{html.escape(ex.language)}">{html.escape(ex.code.strip(chr(10)))}'
                    "</code></pre>" for ex in examples]
    if rule.fix.strip():
        out += [f"<{sub}>How to fix</{sub}>", *_paragraphs_html(rule.fix)]
    if rule.options:
        out += [f"<{sub}>Options</{sub}>", "<ul>", *(f"<li><code>{html.escape(o)}</code></li>" for o in rule.options),
                "</ul>"]
    refs = [_link_html(url, url) for url in rule.sources] + [_link_html(url, c) for c, url in _cwe_links(rule)]
    if refs:
        out += [f"<{sub}>References</{sub}>", "<ul>", *(f"<li>{r}</li>" for r in refs), "</ul>"]
    return "\n".join(out) + "\n"


def inline_html(markdown: str) -> str:
    """Inline markdown of authored prose (code spans, links, bold) as escaped HTML."""
    out: list[str] = []
    position = 0
    for match in _MD_CODE.finditer(markdown):
        out.append(_inline_prose_html(markdown[position : match.start()]))
        out.append(f"<code>{html.escape(match.group(2).strip())}</code>")
        position = match.end()
    out.append(_inline_prose_html(markdown[position:]))
    return "".join(out)


def _inline_prose_html(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _MD_ANY_LINK.finditer(text):
        out.append(_strong_html(text[position : match.start()]))
        label, url, auto = match.group(1), match.group(2), match.group(3)
        out.append(_link_html(auto, auto) if auto else _link_html(url, label))
        position = match.end()
    out.append(_strong_html(text[position:]))
    return "".join(out)


def _strong_html(text: str) -> str:
    escaped = html.escape(text)
    return _MD_STRONG.sub(lambda m: f"<strong>{m.group(2)}</strong>", escaped)


def _link_html(url: str, label: str) -> str:
    if not url.startswith(("https://", "http://")):
        return html.escape(f"{label} ({url})")
    return f'<a href="{html.escape(url, quote=True)}" rel="noreferrer noopener">{html.escape(label)}</a>'


def _paragraphs_html(text: str) -> list[str]:
    """Blank-line separated paragraphs; lines starting with "- " or "* " as a list."""
    out: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith(("- ", "* ")) for line in lines):
            out += ["<ul>", *(f"<li>{inline_html(line[2:])}</li>" for line in lines), "</ul>"]
        elif lines:
            out.append(f"<p>{inline_html(' '.join(lines))}</p>")
    return out


_MD_ANY_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)|<(https?://[^>\s]+)>")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_MD_STRONG = re.compile(r"(\*\*|__)(.+?)\1", re.DOTALL)


def plain_text(markdown: str) -> str:
    """Inline markdown of authored prose (links, code spans, bold) reduced to plain text."""
    text = _MD_LINK.sub(r"\1 (\2)", markdown)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_CODE.sub(lambda m: m.group(2).strip(), text)
    return _MD_STRONG.sub(r"\2", text)


def _meta_line(rule: Rule, *, markdown: bool) -> str:
    """The line under a rule's title: severity, link, level cap, group, precision, CWE and status."""
    def em(s: str) -> str:
        return f"**{s}**" if markdown else s

    def code(s: str) -> str:
        return f"`{s}`" if markdown else s

    severity = em(rule.severity.label)
    if rule.severity_by_profile:
        by = ", ".join(f"{p}: {s.label}" for p, s in sorted(rule.severity_by_profile.items()))
        severity += f" ({by})"
    parts = [f"Severity: {severity}"]
    effect = ""
    if rule.caps is Cap.UNKNOWN:
        effect = f"the level is {em('unknown')} while this stands (it cannot be judged)"
    elif rule.caps is Cap.UNREADABLE:
        effect = f"the level is {em('unknown')} while this stands, and nothing else found in the file counts"
    elif rule.caps:
        effect = f"capped at level {em(rule.caps.label)} while this stands"
    if rule.link:
        parts.append(f"Link: {code(rule.link)}" + (f", {effect}" if effect else ""))
    elif effect:
        parts.append(f"Links: every link its file configures, {effect}")
    parts.append(f"Group: {code(rule.group)}")
    if rule.cwe:
        parts.append("CWE: " + ", ".join(rule.cwe))
    parts.append(f"Precision: {rule.precision}")
    if tuple(rule.profiles) != ("production", "development"):
        parts.append("Profiles: " + ", ".join(rule.profiles))
    parts.append(f"Status: {rule.status} since {rule.since}")
    return " · ".join(parts) if markdown else " | ".join(parts)


_FIX_INTRO = ("`emslint check --fix` applies safe fixes, `--fix --unsafe-fixes` unsafe ones too (they change what the "
              "EMS or LSR does); `--diff` shows them. A fix is offered only when linting the fixed files again "
              "shows its finding gone and no new one; it never writes, moves or rewrites a secret.")


def _fix_line(spec: FixSpec, *, markdown: bool) -> str:
    """One ``[[fix]]`` entry as a sentence: applicability, what it does, where, and when."""
    def code(text: str) -> str:
        return f"`{text}`" if markdown else text

    where = spec.pointer or ""
    value = (json.dumps(spec.value) if spec.value_from is None else f"the value at {code(spec.value_from)}")
    text = (spec.description.replace("{property}", _dotted(where) if where else "the property")
            .replace("{value}", value).replace("{mode_from}", "its mode")
            .replace("{mode_to}", f"its mode without {spec.mode_remove:03o}"))
    head = f"**{spec.applicability}**" if markdown else spec.applicability
    line = f"{head} ({spec.kind}{', at ' + code(where) if where else ''}): {text}"
    if spec.kind == "chmod":
        line += "; unsafe when the file's owner is not the microserver folder's owner (the service account)"
    if spec.only:
        return f"{line}; only when {spec.only}"
    conditions = [json.dumps(c, separators=(", ", ": ")) for c in (spec.when, spec.message) if c]
    if spec.when:
        line += f"; only when the facts satisfy {code(conditions[0])}"
    if spec.message:
        line += f"; only when the message satisfies {code(conditions[-1])}"
    return line


def _dotted(pointer: str) -> str:
    parts = pointer_tokens(pointer)
    return ".".join(parts) or "(file)"


def _section(title: str, body: str) -> list[str]:
    body = body.strip()
    return [title, "", body, ""] if body else []


def _fenced(ex: Example) -> list[str]:
    # A fence longer than any backtick run in the code, so examples containing ``` stay intact.
    longest = max((len(m) for m in re.findall(r"`+", ex.code)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{ex.language}", ex.code.strip("\n"), fence]


def _indented(code: str) -> list[str]:
    return [("    " + line) if line.strip() else "" for line in code.strip("\n").splitlines()]


def _cwe_links(rule: Rule) -> list[tuple[str, str]]:
    links = []
    for cwe in rule.cwe:
        number = cwe.upper().removeprefix("CWE-")
        if number.isdigit():
            links.append((f"CWE-{number}", _CWE_URL.format(number)))
    return links
