"""The HTML report in a real browser (headless Chromium): no console error, no blocked load, the script ran, the
levels are shown, sorting and filtering work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.hardening import ROOT, run_cli, write_deployment
from tests.report.browser import EMS_EXAMPLES, chromium, render, screenshot

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium() is None, reason="chromium is not installed (apt-get install chromium; .ci/run does)"),
]


def _report(cwd: Path, out: Path, *paths: str) -> Path:
    run = run_cli(["check", "--no-progress", "-j", "1", "--now", "2026-01-01", *paths, "--format", "html",
                   "--output", str(out)], cwd=cwd)
    assert run.code in (0, 1), run.err[-2000:]
    return out


def test_console_messages_are_caught(tmp_path: Path) -> None:
    """The check below can fail: a page with a script error and a blocked network load shows both."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                   "'none'; script-src 'unsafe-inline'\"></head><body><img src=\"http://127.0.0.1:9/x.png\">"
                   "<script>notDefined();</script></body></html>", encoding="utf-8")
    console = render(bad).console
    assert any("notDefined" in line for line in console), console
    assert any("Content Security Policy" in line for line in console), console


def test_examples_report_renders_without_console_errors(tmp_path: Path) -> None:
    page = _report(ROOT, tmp_path / "report.html", *EMS_EXAMPLES)
    rendered = render(page)
    assert rendered.console == []
    assert 'data-ready="1"' in rendered.dom  # the page's script ran to its end
    for level, count in {"high": 1, "medium": 1, "low": 1, "unknown": 0}.items():
        assert re.search(rf'data-level-count="{level}"><span class="n">{count}</span>', rendered.dom), level
    assert rendered.dom.count('<g class="edge ') == 12  # four link lines per deployment
    assert "3 of 3 shown" in rendered.dom  # filled in by the script


def test_hostile_names_run_no_script(tmp_path: Path) -> None:
    name = "<img src=x onerror=document.title='pwned'>\u202e"
    write_deployment(tmp_path / "fleet" / name, ems={"ws_connection": {"encryption": "none"},
                                                   "<script>document.title='pwned'</script>": 1})
    rendered = render(_report(tmp_path, tmp_path / "report.html", "fleet"))
    assert rendered.console == []
    assert "<title>emslint report</title>" in rendered.dom
    assert "pwned</title>" not in rendered.dom


def test_screenshot(tmp_path: Path) -> None:
    page = _report(ROOT, tmp_path / "report.html", *EMS_EXAMPLES)
    out = tmp_path / "report.png"
    assert screenshot(page, out, height=900) == []
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


_EXERCISE = """<script>
(function () {
  var table = document.getElementById("deployments");
  var rows = function () {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.getAttribute("data-path"); });
  };
  var level = table.tHead.rows[0].cells[1];
  level.click();
  var ascending = rows().join(",");
  level.click();
  var descending = rows().join(",");
  var filter = document.getElementById("filter");
  filter.value = "med";
  filter.dispatchEvent(new Event("input"));
  var visible = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.hidden; }).length;
  document.body.setAttribute("data-test", ascending + "|" + descending + "|" + visible);
})();
</script>"""


def test_sorting_and_filtering(tmp_path: Path) -> None:
    page = _report(ROOT, tmp_path / "report.html", *EMS_EXAMPLES)
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", _EXERCISE + "</body>"), encoding="utf-8")
    rendered = render(page)
    assert rendered.console == []
    result = re.search(r'data-test="([^"]*)"', rendered.dom).group(1)
    ascending, descending, visible = result.split("|")
    assert ascending == "examples/low,examples/medium,examples/high"  # LOW first: worst first
    assert descending == "examples/high,examples/medium,examples/low"
    assert visible == "1"
