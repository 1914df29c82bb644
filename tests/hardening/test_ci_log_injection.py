"""No CI-log injection: folder names, key names and path values from the scanned tree cannot become commands
of the CI runner that reads emslint's output, nor terminal escapes, nor reordered (bidi) text.

GitHub Actions runs ``::command::`` at the start of a stdout line (after whitespace, .NET ``TrimStart``) and
``##[command]`` anywhere; Azure Pipelines ``##vso[``; TeamCity ``##teamcity[``. Every format is run on a tree
whose folder and key names are such commands, and the raw output bytes are searched.
"""

from __future__ import annotations

import json
import os
import re
import sys

import pytest

from tests.hardening import run_cli, write_deployment

HOSTILE_NAMES = [
    "::error title=x::y",
    "::add-mask::z",
    "  ::warning file=a::indented",
    "\u3000::notice::ideographic-space",
    "##[error]boom",
    "###[group]three",
    "##vso[task.setvariable variable=X]1",
    "##teamcity[buildStatus text='x']",
    "esc\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "csi\x1b[2J\x1b[31mred",
    "c1\x9b31m\x9d0;title\x9c",
    "bidi\u202eexe.txt",
    "iso\u2066late\u2069",
    "nel\x85::error::after-nel",
    "sep\u2028::error::after-ls",
    "lf\n::error::after-lf",
    "cr\r::error::after-cr",
    "tab\t::error::after-tab",
]
HOSTILE_KEYS = ["##[error]key", "::set-output name=x::y", "\x1b[31mred-key", "rlo\u202ekey", "a\n::error::k"]
FORMATS = ["text", "json", "jsonl", "sarif", "github", "html", "junit", "gitlab"]

# .NET Char.IsWhiteSpace: what TrimStart removes before the runner looks for "::".
_DOTNET_WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) + "\x1c\x1d\x1e\x1f"
_FORBIDDEN = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]] + [
    "\u200b", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff",
]
# "##[" (GitHub), "##vso[" (Azure Pipelines), "##teamcity[" anywhere; rule help has its own "## Why" headings.
_CI_COMMAND_ANYWHERE = re.compile(r"##[a-z]*\[", re.IGNORECASE)
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file names")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("ci")
    ems = {key: 1 for key in HOSTILE_KEYS}
    ems.update({
        "ws_connection": {"encryption": "none"},
        "http_server": {"host": "0.0.0.0", "ssl": True, "certificate": "/##[error]/::x.pem",
                        "private_key": "../##vso[task.complete]/k.pem"},
    })
    for name in HOSTILE_NAMES:
        write_deployment(root / name, ems=ems, lsr='scripts.rap_ssl = false\nscripts["##[warning]lua"] = 1\n')
    return root


def _lines(raw: str) -> list[str]:
    # Every line break any runner or terminal honours.
    return raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@posix_only
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_line_is_a_ci_command(tree, fmt):
    run = run_cli(["check", "-j", "1", "--no-progress", "--no-color", "--format", fmt, "--now", "2026-01-01", "."],
                  cwd=tree)
    assert run.code in (1, 2), run.err[-500:]
    raw = run.out
    assert raw.strip()
    assert not _CI_COMMAND_ANYWHERE.search(raw), _CI_COMMAND_ANYWHERE.search(raw)
    for char in _FORBIDDEN:
        assert char not in raw, f"{fmt}: U+{ord(char):04X} in the output"
    commands = 0
    for line in _lines(raw):
        stripped = line.lstrip(_DOTNET_WHITESPACE)
        if fmt == "github" and line.startswith(("::error ", "::warning ", "::notice ")):
            commands += 1
            continue
        assert not stripped.startswith("::"), f"{fmt}: {line[:80]!r}"
    if fmt == "github":
        assert commands > len(HOSTILE_NAMES)
    # The names are still recognisable (escaped, not dropped).
    assert "boom" in raw and "after-lf" in raw and (fmt == "sarif" or "error title=x" in raw)  # SARIF: URIs


@posix_only
@pytest.mark.parametrize("extra", [["--require-level", "high"], ["--format", "sarif", "--output", "report.sarif"],
                                   ["--select", "EMS1", "--quiet"]])
def test_no_stderr_line_is_a_ci_command(tree, extra, tmp_path):
    """The reasons a run failed name deployments (folder names) on stderr: escaped like the reports."""
    run = run_cli(["check", "-j", "1", "--no-progress", "--no-color", "--now", "2026-01-01", *extra, "."], cwd=tree)
    assert run.code in (1, 2) and run.err.strip()
    if "--require-level" in extra:  # the first three are named, then "... and 15 more"
        assert run.err.count("below the required HIGH") == 3
    assert not _CI_COMMAND_ANYWHERE.search(run.err), _CI_COMMAND_ANYWHERE.search(run.err)
    for char in _FORBIDDEN:
        assert char not in run.err, f"U+{ord(char):04X} on stderr"
    for line in _lines(run.err):
        assert not line.lstrip(_DOTNET_WHITESPACE).startswith("::"), line[:80]
    (tree / "report.sarif").unlink(missing_ok=True)


@posix_only
@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if not n.isprintable()], ids=ascii)
def test_each_unprintable_name_is_escaped_in_the_failure_reason(tree, name):
    run = run_cli(["check", "-j", "1", "--no-progress", "--require-level", "high", name], cwd=tree)
    assert run.code == 1 and "below the required HIGH" in run.err
    assert not set(run.err) & set(_FORBIDDEN) and not _CI_COMMAND_ANYWHERE.search(run.err)
    assert len(_lines(run.err.strip())) == 2  # the findings line and the deployment line: no line break injected


@posix_only
def test_a_path_that_holds_no_deployment_is_named_escaped(tmp_path):
    hostile = tmp_path / "##[error]empty\u202e"
    hostile.mkdir()
    run = run_cli(["check", str(hostile)], cwd=tmp_path)
    assert run.code == 2 and "no EMS, LSR or Connector deployment found under" in run.err
    assert not _CI_COMMAND_ANYWHERE.search(run.err) and "\u202e" not in run.err


@posix_only
def test_machine_formats_still_parse(tree):
    for fmt in ("json", "sarif"):
        run = run_cli(["check", "-j", "1", "--format", fmt, "--now", "2026-01-01", "."], cwd=tree)
        json.loads(run.out)
    run = run_cli(["check", "-j", "1", "--format", "jsonl", "--now", "2026-01-01", "."], cwd=tree)
    assert len([json.loads(line) for line in run.out.splitlines()]) == len(HOSTILE_NAMES)


@posix_only
def test_coloured_text_has_only_its_own_escapes(tree):
    """With colour the report writes SGR sequences of its own; none comes from the tree (no OSC, no CSI
    other than colours, no bidi)."""
    run = run_cli(["check", "-j", "1", "--color", "--format", "text", "--now", "2026-01-01", "."], cwd=tree)
    raw = run.out
    assert not _CI_COMMAND_ANYWHERE.search(raw)
    assert "\x1b]" not in raw and "\x9b" not in raw and "\u202e" not in raw
    assert not re.sub(r"\x1b\[[0-9;]*m", "", raw).count("\x1b")  # only colour sequences
    for line in _lines(re.sub(r"\x1b\[[0-9;]*m", "", raw)):
        assert not line.lstrip(_DOTNET_WHITESPACE).startswith("::"), line[:80]


def test_escaping_rules():
    from emslint.printable import escape_unsafe

    assert escape_unsafe("::error::x") == "\\u003a:error::x"
    assert escape_unsafe(" \t::x") == " \\u0009::x"  # the tab is shown as text, so "::" no longer leads
    assert escape_unsafe(" \u3000::x") == " \u3000\\u003a:x"
    assert escape_unsafe("a::b") == "a::b"  # only a leading "::" starts a command
    assert escape_unsafe("##[error]") == "\\u0023#[error]"
    assert escape_unsafe("a###b") == "a\\u0023\\u0023#b"
    assert escape_unsafe("C:\\dir") == "C:\\dir" and escape_unsafe("#1 and #2") == "#1 and #2"
    for text in [*HOSTILE_NAMES, *HOSTILE_KEYS]:
        once = escape_unsafe(text)
        assert escape_unsafe(once) == once  # idempotent
        assert "##" not in once and not once.lstrip(_DOTNET_WHITESPACE).startswith("::")
        assert not set(once) & set(_FORBIDDEN)
