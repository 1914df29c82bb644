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
