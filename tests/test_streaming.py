"""Fleet runs stream (docs/decisions/0003-startup-and-fleet.md, "What would close the fleet gap"): the text
report is written target by target, a folder is walked while it is linted, and the worker pool takes an
iterator. Each must give exactly what the whole-list code gave: the same bytes, the same targets in the same
order, the same results."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emslint import discover as discover_module
from emslint.api import lint
from emslint.discover import discover, iter_discover
from emslint.model import ABSENT, LINKS, Finding, Level, Severity, TargetResult, Verdict
from emslint.report.text import TextReport, render_text, use_color

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX symlinks")


# The text report ------------------------------------------------------------------------------------------

def _rich_report(results, stream, *, problems=None, color=None, show_info=True) -> None:
    """The reference: every line's markup (target_lines(styled=True)) printed through rich's console.print."""
    from rich.console import Console

    from emslint.report.text import _safe, target_lines

    console = Console(file=stream, highlight=False, soft_wrap=True,
                      force_terminal=color if color else None, no_color=color is False, emoji=False)
    counter = TextReport(io.StringIO(), color=False, show_info=show_info)
    for result in results:
        for line in target_lines(result, styled=True, show_info=show_info):
            console.print(line)
        counter.target(result)
    for problem in problems or []:
        console.print(f"[red]error:[/] {_safe(problem)}")
    console.print(counter.summary(), markup=False)


def _both(results, **kwargs) -> tuple[str, str]:
    old, new = io.StringIO(), io.StringIO()
    _rich_report(results, old, **kwargs)
    render_text(results, new, **kwargs)
    return old.getvalue(), new.getvalue()


@pytest.fixture(scope="module")
def example_results() -> list[TargetResult]:
    return lint([EXAMPLES], now=NOW).targets


@pytest.mark.parametrize("color", [None, False])
@pytest.mark.parametrize("show_info", [True, False])
def test_plain_report_has_the_bytes_rich_wrote(example_results, color, show_info, monkeypatch):
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "CI"):
        monkeypatch.delenv(name, raising=False)
    problems = ["nope: no such file or folder", "bad\x1b[31m: [bold]not[/] a\u202efile"]
    old, new = _both(example_results, problems=problems, color=color, show_info=show_info)
    assert new == old
    assert "deployment(s)" in new and "\\u001b" in new and "[bold]not[/]" in new


def test_coloured_report_is_unchanged(example_results):
    old, new = _both(example_results, problems=["x: [y]"], color=True)
    assert new == old and "\x1b[" in new


_PIECES = [*"ab[]/\\:= \t\n\r\x1b\x00\x7f\x9b\u200b\u202e\ufeffé中🙂", "[/]", "[b]", "\\\\"]
_nasty = st.lists(st.sampled_from(_PIECES), max_size=10).map("".join)


@pytest.mark.parametrize("text", ["C:\\", "a\\\\", "a\\\\\\", "\\\\\\\\", "x\\[b]", "[/]\\", "\\[/]"])
def test_plain_report_keeps_what_rich_made_of_backslashes(text):
    finding = Finding("EMS101", text, Severity.HIGH, text, text, 3, 14, "/x")
    result = TargetResult(text, [text], [finding], dict.fromkeys(LINKS, ABSENT), ABSENT)
    old, new = _both([result], problems=[text])
    assert new == old


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_escape_is_riches(text):
    from rich.markup import escape

    from emslint.report.text import _escape

    assert _escape(text) == escape(text)


@settings(max_examples=300, deadline=None)
@given(path=_nasty, file=_nasty, name=_nasty, message=_nasty, problem=_nasty, analysed=st.booleans())
def test_plain_report_escapes_as_rich_did(path, file, name, message, problem, analysed):
    finding = Finding("EMS101", name, Severity.HIGH, message, file, 3, 14, "/x")
    info = Finding("EMS102", name, Severity.INFO, message, file + "2", 1, 1, "")
    links = {"platform": Verdict("low", Level.LOW, ("EMS101",)), "ems-rest": ABSENT, "lsr-rest": Verdict("high")}
    result = TargetResult(path, [file], [finding, info], links, Verdict("low", Level.LOW), analysed=analysed)
    old, new = _both([result, result], problems=[problem])
    assert new == old


def test_report_is_written_target_by_target(example_results):
    stream = io.StringIO()
    report = TextReport(stream, color=False)
    for seen, result in enumerate(example_results, 1):
        report.target(result)
        assert stream.getvalue().count("  links: ") == seen  # written now, not at the end
    report.end([])
    total = sum(len(r.findings) for r in example_results)
    summary = f"\n{len(example_results)} deployment(s) (2 high, 2 medium, 2 low), {total} finding(s): "
    assert summary in stream.getvalue()
    assert report.counts and report.targets == len(example_results)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "env, tty, expected",
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"CI": "true"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, True, False),
        ({"FORCE_COLOR": "1", "CI": "true"}, False, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ({"TTY_COMPATIBLE": "0"}, True, False),
        ({"TTY_COMPATIBLE": "1"}, False, True),
    ],
)
def test_colour_only_where_rich_would_draw_it(monkeypatch, env, tty, expected):
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "CI", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stream = _Tty() if tty else io.StringIO()
    assert use_color(stream, None) is expected
    assert use_color(stream, True) is True and use_color(stream, False) is False
    if not expected and "NO_COLOR" not in env and "CI" not in env:  # rich agrees: no escape codes at all
        from rich.console import Console

        console = Console(file=stream, force_terminal=None, no_color=False)
        console.print("[bold]x[/]")
        assert "\x1b" not in stream.getvalue()


def test_plain_text_run_does_not_import_rich(tmp_path):
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['emslint', 'check', '--no-color', '--no-progress', {str(EXAMPLES)!r}]\n"
        "try:\n    runpy.run_module('emslint.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "sys.stderr.write('RICH=%s' % any(m == 'rich' or m.startswith('rich.') for m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert "deployment(s)" in run.stdout
    assert run.stderr.endswith("RICH=False"), run.stderr


def test_runner_writes_each_target_before_the_next_is_linted(monkeypatch, tmp_path):
    """The text report is not held until the last result (nor are the results), and one folder reaches the
    linting as an iterator, not as a finished list."""
    import emslint.check
    from emslint.check import CheckOptions, run_check
    from emslint.settings import SettingsResolver

    real = emslint.check.results
    out = io.StringIO()
    kinds: list[type] = []

    def watching(jobs, *, now=None, workers=1):
        kinds.append(type(jobs))
        for count, result in enumerate(real(jobs, now=now, workers=workers)):
            assert out.getvalue().count("  links: ") == count
            yield result

    monkeypatch.setattr(emslint.check, "results", watching)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.chdir(tmp_path)
    resolver = SettingsResolver({"jobs": 1}, isolated=True)
    code = run_check(CheckOptions(paths=[str(EXAMPLES)], progress=False, color=False, now=NOW), resolver)
    assert code == 1
    assert kinds and kinds[0] is not list
    assert out.getvalue().count("  links: ") == 6 and "6 deployment(s)" in out.getvalue()


# Discovery ------------------------------------------------------------------------------------------------


def _put(path: Path, text: str = "{}\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


TRICKY = [
    "config.json", "etc/config.lua", "etc/x/etc/config.json",  # the walked folder itself, and its etc/
    "a/etc/config.json", "a/etc/config.lua", "a-b/etc/config.json", "a.b/config.json", "a/b/etc/config.lua",
    "a/b/c/etc/config.json.booted", "A/etc/config.json", "-x/config.json", "_u/etc/config.json",
    "~t/etc/config.json", "sp ace/etc/config.json", "ünï/etc/config.json", "Z/config.lua",
    "both/config.json", "both/config.lua", "both/etc/config.json", "both/etc/config.json.booted",
    "both/etc/etc/config.lua",  # a chain of etc/ folders: both/etc is a deployment of its own
    "nested/etc/config.json", "nested/etc/sub/etc/config.json", "nested/gw/etc/config.lua",
    "nested/gw/deeper/1/2/etc/config.json",
    "tmpl/config.json.minimal", "tmpl/etc/config.json.minimal", "tmpl/etc/config.lua.example",
    "tmpl/etc/config.json.complete", "tmpl/etc/config.json", "tmpl-/etc/config.json.documented",
    "pdata/etc/config.lua.p_data", "pdata/etc/config.json", "pdata-only/etc/config.lua.p_data",
    "booted/etc/config.json.booted",
    ".git/gw/etc/config.json", "node_modules/x/etc/config.json", "x/.venv/etc/config.json",
    "certs-only/etc/certs/ca.pem",
]


def _tricky_tree(base: Path) -> Path:
    top = base / "fleet"
    for name in TRICKY:
        _put(top / name)
    (top / "dirname" / "etc" / "config.json").mkdir(parents=True)  # a folder named config.json: reported
    (top / "dirname" / "etc" / "config.lua").write_text("x = 1\n")
    outside = base / "outside"
    _put(outside / "config.json")
    _put(outside / "gw" / "etc" / "config.json")
    if os.name != "nt":
        _put(top / "linked" / "etc" / "config.lua")
        (top / "linked" / "etc" / "config.json").symlink_to(outside / "config.json")  # refused, reported
        _put(top / "inlink" / "etc" / "config.lua")
        (top / "inlink" / "etc" / "config.json").symlink_to(top / "a" / "etc" / "config.json")
        (top / "lnkdir").symlink_to(outside / "gw", target_is_directory=True)  # never entered
        (top / "lnketc").mkdir()
        (top / "lnketc" / "etc").symlink_to(outside / "gw" / "etc", target_is_directory=True)
        _put(top / "dangling" / "etc" / "config.lua")
        (top / "dangling" / "etc" / "config.json").symlink_to(top / "gone.json")
    return top


def _shape(targets) -> list[tuple]:
    return [
        (str(t.root), t.display, str(t.scan_root),
         [(f.role, str(f.path), f.display, f.template, f.refused) for f in t.files])
        for t in targets
    ]


def _reference_walk(arg: str, include_templates: bool) -> tuple[list, list[str]]:
    """The oracle: os.walk over the folder (the walk before it was lazy), through the same target collector."""
    collector = discover_module._Collector(include_templates)
    top = Path(arg)
    wanted_names = (*discover_module.CONFIG_NAMES, *discover_module.EMS_TEMPLATES, *discover_module.LSR_TEMPLATES)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in discover_module.DEFAULT_EXCLUDE)
        wanted = [n for n in filenames if n in wanted_names]
        wanted += [n for n in dirnames if n in discover_module.CONFIG_NAMES]  # a folder named config.json
        if wanted:
            collector.add_dir(Path(dirpath), wanted, arg, top, top)
    targets = sorted(collector.targets.values(), key=lambda t: (t.display, [f.display for f in t.files]))
    for target in targets:
        discover_module._sort_files(target)
    return targets, []


def _assert_same_as_whole_list(arg: str, include_templates: bool) -> list[tuple]:
    expected, expected_problems = _reference_walk(arg, include_templates)
    found = iter_discover([arg], include_templates=include_templates)
    assert not isinstance(found.targets, list)  # one folder: walked lazily
    got = list(found.targets)
    assert _shape(got) == _shape(expected), arg
    assert found.problems == expected_problems
    assert _shape(discover([arg], include_templates=include_templates)[0]) == _shape(expected)
    return _shape(got)


@pytest.mark.parametrize("include_templates", [False, True])
def test_lazy_walk_gives_the_sorted_targets_of_the_whole_walk(tmp_path, monkeypatch, include_templates):
    """Nested deployments, files, templates, .p_data, .booted, etc/ chains, names that sort around '/',
    skipped folders, symlinks; the path written every way: the same targets, files and order as before."""
    top = _tricky_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    shapes = {}
    for arg in ["fleet", "fleet/", "./fleet", "fleet//", str(top), "fleet/./", "fleet/a", "fleet/both/etc",
                "fleet/tmpl/etc/"]:
        shapes[arg] = _assert_same_as_whole_list(arg, include_templates)
    monkeypatch.chdir(top)
    for arg in [".", "./", "etc", "both", "../fleet"]:
        shapes[arg] = _assert_same_as_whole_list(arg, include_templates)
    displays = [s[1] for s in shapes["fleet"]]
    assert displays == sorted(displays) and len(displays) > 25
    assert ("fleet/a-b" in displays and "fleet/a/b" in displays
            and displays.index("fleet/a-b") < displays.index("fleet/a/b"))  # '-' sorts before '/'
    assert not any("p_data" in f[1] for s in shapes["fleet"] for f in s[3])
    assert not any(".git" in d or "node_modules" in d or ".venv" in d for d in displays)
    assert any(f[2].endswith("config.json.booted") for s in shapes["fleet"] for f in s[3])
    assert any(t for t in shapes["fleet"] if t[1] == "fleet/dirname")
    assert ("fleet/tmpl/etc/config.json.minimal" in displays) is include_templates


_NAMES = ["etc", "a", "a-b", "a.b", "b", "-", "config.json", "gw"]
_FILES = ["config.json", "config.lua", "config.json.booted", "config.json.minimal", "config.lua.example",
          "config.lua.p_data", "ca.pem"]


@pytest.mark.parametrize("seed", range(30))
def test_lazy_walk_matches_the_whole_walk_on_random_trees(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    top = tmp_path / "t"
    top.mkdir()
    for _ in range(rng.randint(5, 40)):
        depth = rng.randint(0, 4)
        folder = top.joinpath(*(rng.choice(_NAMES) for _ in range(depth)))
        name = rng.choice(_FILES)
        path = folder / name
        if any(p.is_file() for p in [*path.parents, path]) or any(p.is_dir() for p in [path]):
            continue  # a name already used as a file or a folder
        try:
            _put(path)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue
    monkeypatch.chdir(tmp_path)
    for include_templates in (False, True):
        for arg in ("t", str(top)):
            _assert_same_as_whole_list(arg, include_templates)


def test_first_target_comes_before_the_walk_ends(tmp_path, monkeypatch):
    for i in range(30):
        _put(tmp_path / "fleet" / f"gw-{i:02d}" / "etc" / "config.json")
    scanned: list[str] = []
    real_scan = discover_module._scan

    def counting(folder: str, rel, names):
        scanned.append(folder)
        return real_scan(folder, rel, names)

    monkeypatch.setattr(discover_module, "_scan", counting)
    targets = iter_discover([str(tmp_path / "fleet")]).targets
    first = next(targets)
    assert first.display.endswith("gw-00") and len(scanned) <= 3
    rest = list(targets)
    assert len(rest) == 29 and len(scanned) == 1 + 30 * 2


def test_several_paths_and_files_still_give_a_sorted_list(tmp_path, monkeypatch):
    _put(tmp_path / "b" / "etc" / "config.json")
    _put(tmp_path / "a" / "etc" / "config.lua")
    monkeypatch.chdir(tmp_path)
    found = iter_discover(["b", "a", "b/etc/config.json", "missing"])
    assert isinstance(found.targets, list)
    assert [t.display for t in found.targets] == ["a", "b"]
    assert found.problems == ["missing: no such file or folder"]


# The worker pool -----------------------------------------------------------------------------------------


def test_pool_takes_an_iterator_and_keeps_the_order(tmp_path):
    """A walk still going on feeds the workers: the results are those of one process, in target order."""
    from emslint.pipeline import plan, results
    from emslint.settings import SettingsResolver

    for i in range(12):
        config = {"ws_servers": [{"host": f"twx{i}.example.com", "port": 443}],
                  "ws_connection": {"encryption": "none" if i % 3 else "ssl"}}
        _put(tmp_path / "fleet" / f"gw-{i:02d}" / "etc" / "config.json", json.dumps(config))
    resolver = SettingsResolver(isolated=True)
    arg = str(tmp_path / "fleet")
    serial = [r.to_dict() for r in results(plan([arg], resolver).jobs, now=NOW, workers=1)]
    lazy = plan([arg], resolver, lazy=True).jobs
    assert not isinstance(lazy, list)
    pooled = [r.to_dict() for r in results(lazy, now=NOW, workers=2)]
    assert pooled == serial and len(serial) == 12
