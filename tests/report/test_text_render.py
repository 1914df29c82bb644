"""The coloured text report builds rich Text itself (report/text.py _render), in linear time, exactly as rich's
own markup renderer would from the same markup; rich's renderer is the oracle."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markup import render

from emslint.report.text import _render, _safe

_PIECES = [*"ab[]/\\:= #@", "\\\\", "[/]", "[b]", "[bold red]", "[/bold red]", "[underline]", "[/b]", "[on red]",
           "[dim]", "\\[b]", "[b]\\"]
_markup_text = st.lists(st.sampled_from(_PIECES), max_size=16).map("".join)
_untrusted = st.lists(st.sampled_from([*"ab[]/\\:#@ ", "[b]", "[/]", "\\\\"]), max_size=16).map("".join)


def _printed(renderable) -> str:
    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system="truecolor", highlight=False, soft_wrap=True,
            emoji=False).print(renderable)
    return out.getvalue()


def _same(markup: str) -> None:
    try:
        expected = render(markup, emoji=False)
    except Exception:  # rich raises for a closing tag that closes nothing; _render ignores it
        return
    got = _render(markup)
    assert got.plain == expected.plain
    assert [(s.start, s.end, str(s.style)) for s in got.spans] == [
        (s.start, s.end, str(s.style)) for s in expected.spans
    ]
    assert _printed(got) == _printed(markup)


@settings(max_examples=500, deadline=None)
@given(_markup_text)
def test_render_is_riches_on_any_markup(markup):
    _same(markup)


@settings(max_examples=300, deadline=None)
@given(_untrusted, _untrusted)
def test_render_is_riches_on_report_lines(path, message):
    _same(f"[bold]{_safe(path)}[/]  level [bold red]LOW[/]")
    _same(f"    12:5  [yellow]medium  [/] [bold]EMS101[/] name: {_safe(message)}")


def test_escaping_a_key_of_backslashes_is_linear():
    """The reported case: a 200 KB key of backslashes took 67 s in the text report. The markup patterns are
    run by the step-counting model of re (tests/hardening/regex_model.py) on the report's own lines: doubling
    the backslashes at most doubles the steps (rich's patterns, without the look-behind, quadruple)."""
    from emslint.model import ABSENT, LINKS, Finding, Severity, TargetResult
    from emslint.report.text import _ESCAPE, _TAG, target_lines
    from tests.hardening.regex_model import Model

    def lines(n: int) -> list[str]:
        key = "\\" * n
        finding = Finding("EMS013", "schema-unknown-key", Severity.LOW, f'unknown key "{key}" in scripts',
                          "gw/etc/config.lua", 3, 1, "/scripts/x")
        result = TargetResult("gw", ["gw/etc/config.lua"], [finding], dict.fromkeys(LINKS, ABSENT), ABSENT)
        return target_lines(result, styled=True)

    for pattern in (_TAG, _ESCAPE.__self__):
        model = Model(pattern)
        steps = [sum(model.search(line)[1] for line in lines(n)) for n in (500, 1000, 2000)]
        assert steps[2] <= 2.3 * steps[1] and steps[1] <= 2.3 * steps[0], steps
        rich_like = Model(pattern.pattern.replace("(?<!\\\\)", ""))
        before = [rich_like.search("\\" * n + "x")[1] for n in (250, 500)]
        assert before[1] > 3.5 * before[0]  # the model sees the old quadratic pattern for what it was
