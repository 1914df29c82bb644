"""Command-line conventions shared with ruff and checkov: --quiet, --statistics, wrapped messages, shell completion,
``python -m emslint``, -V/--version/-h."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from emslint import __version__
from emslint.cli import build_parser
from emslint.completion import completion_script
from emslint.model import LINKS, Finding, Severity, TargetResult, Verdict
from emslint.report.text import TextReport
from tests.hardening import ROOT, run_cli, write_deployment

EMS_EXAMPLES = ("examples/low", "examples/medium", "examples/high")  # the EMS/LSR examples


def _check(*args: str, cwd: Path = ROOT) -> tuple[int, str, str]:
    run = run_cli(["check", "--no-progress", "--no-color", "--now", "2026-01-01", *args], cwd=cwd)
    return run.code, run.out, run.err


# ------------------------------------------------------------------------------------------------- --quiet


def test_quiet_shows_only_what_fails_and_the_summary() -> None:
    full = _check(*EMS_EXAMPLES, "--fail-on", "high")
    quiet = _check(*EMS_EXAMPLES, "--fail-on", "high", "--quiet")
    assert quiet[0] == full[0] == 1
    assert quiet[1].splitlines()[-1] == full[1].splitlines()[-1]  # the same summary line
    finding_lines = [line for line in quiet[1].splitlines() if re.match(r"\s+\d+:\d+\s", line)]
    assert finding_lines and all(re.search(r"\s(high|critical)\s+EMS", line) for line in finding_lines)
    assert "examples/high" not in quiet[1] and "examples/medium  level" not in quiet[1]
    assert "note:" not in quiet[1]
    assert quiet[2] == full[2]  # the reasons for failing stay on stderr


def test_quiet_shows_a_deployment_below_the_required_level() -> None:
    code, out, _ = _check("examples/medium", "--fail-on", "never", "--require-level", "high", "-q")
    assert code == 1
    assert out.startswith("examples/medium  level MEDIUM")
    assert not re.search(r"^\s+\d+:\d+\s", out, flags=re.M)  # no finding fails: none is listed


def test_quiet_and_passing_prints_the_summary_only() -> None:
    code, out, _ = _check("examples/high", "--quiet")
    assert code == 0
    assert out.splitlines() == [_check("examples/high")[1].splitlines()[-1]]
    assert out.startswith("1 deployment(s) (1 high), 11 finding(s)")


# --------------------------------------------------------------------------------------------- --statistics


def test_statistics_count_per_rule() -> None:
    code, out, _ = _check(*EMS_EXAMPLES, "--statistics")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["count", "rule", "fixable", "name"]
    rows = [line.split() for line in lines[1:-1]]
    assert all(len(row) == 3 for row in rows)  # the fixable column is empty until findings carry fixes
    counts = {row[1]: int(row[0]) for row in rows}
    assert counts["EMS405"] == 12 and counts["EMS101"] == 1
    assert lines[-1].split() == [str(sum(counts.values())), "total"]
    assert [int(r[0]) for r in rows] == sorted((int(r[0]) for r in rows), reverse=True)


# ----------------------------------------------------------------------------------------- wrapped messages


def test_wrapped_messages_are_indented_under_their_start() -> None:
    message = " ".join(["word"] * 40)
    finding = Finding("EMS101", "platform-encryption-none", Severity.CRITICAL, message, "gw/etc/config.json", 12,
                      7, "/x")
    result = TargetResult("gw", [], [finding], {link: Verdict("low") for link in LINKS}, Verdict("low"))
    out = io.StringIO()
    report = TextReport(out, color=False, width=80)
    report.target(result)
    lines = out.getvalue().splitlines()
    first = next(i for i, line in enumerate(lines) if "EMS101" in line)
    start = lines[first].index("platform-encryption-none")
    continuation = []
    for line in lines[first + 1:]:
        if not line.strip():
            break
        continuation.append(line)
    assert len(continuation) >= 2
    assert all(len(line) <= 80 for line in [lines[first], *continuation])
    assert all(line[:start].strip() == "" and line[start] != " " for line in continuation)
    joined = " ".join([lines[first][start:], *(line.strip() for line in continuation)])
    assert joined == f"platform-encryption-none: {message}"


def test_no_wrapping_without_a_terminal() -> None:
    _, out, _ = _check("examples/low")
    assert any(len(line) > 200 for line in out.splitlines())  # a file or a pipe gets whole lines


# --------------------------------------------------------------------------------------------- completion


def _bash_complete(script: Path, *words: str) -> list[str]:
    program = (f"source {script}\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\n"
               "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n_emslint\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return [w for w in done.stdout.splitlines() if w]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_completes_commands_flags_and_choices(tmp_path: Path) -> None:
    run = run_cli(["completion", "bash"], cwd=tmp_path)
    assert run.code == 0
    script = tmp_path / "emslint.bash"
    script.write_text(run.out)
    assert _bash_complete(script, "emslint", "ch") == ["check"]
    assert _bash_complete(script, "emslint", "check", "--for") == ["--format"]
    assert "html" in _bash_complete(script, "emslint", "check", "--format", "")
    assert _bash_complete(script, "emslint", "check", "--statis") == ["--statistics"]
    assert _bash_complete(script, "emslint", "completion", "") == ["bash", "zsh", "fish"]


def test_every_flag_of_the_parser_is_in_every_script() -> None:
    parser = build_parser()
    flags = {f for action in parser._subparsers._group_actions[0].choices["check"]._actions  # type: ignore[union-attr]
             for f in action.option_strings if f.startswith("--")}
    assert {"--quiet", "--statistics", "--format", "--fail-on"} <= flags
    for shell in ("bash", "zsh", "fish"):
        script = completion_script(shell, parser)
        spelled = {f"--{m}" for m in re.findall(r"-l ([\w-]+)", script)} if shell == "fish" else set(
            re.findall(r"--[\w-]+", script))
        assert flags <= spelled, (shell, flags - spelled)


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_parse(shell: str, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"emslint.{shell}"
    script.write_text(completion_script(shell, build_parser()))
    done = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_completion_needs_a_known_shell(tmp_path: Path) -> None:
    run = run_cli(["completion", "tcsh"], cwd=tmp_path)
    assert run.code == 2 and run.err.startswith("emslint: error:")


# ------------------------------------------------------------------------------- python -m, -V, --version, -h


def _process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_python_dash_m_emslint_checks(tmp_path: Path) -> None:
    write_deployment(tmp_path / "gw", ems={"ws_connection": {"encryption": "none"}})
    done = _process("-m", "emslint", "check", "gw", "--no-color", "--select", "EMS101", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "EMS101 platform-encryption-none" in done.stdout


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_flags(flag: str, tmp_path: Path) -> None:
    done = _process("-m", "emslint", flag, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"emslint {__version__}\n")


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["check", "-h"]])
def test_help(args: list[str], tmp_path: Path) -> None:
    done = _process("-m", "emslint", *args, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("usage: emslint")
    if args == ["check", "-h"]:
        assert "--quiet" in done.stdout and "--statistics" in done.stdout
    else:
        assert "completion" in done.stdout


def test_a_reader_that_leaves_early_ends_the_run_quietly(tmp_path: Path) -> None:
    """`emslint check fleet | head -1`: no "internal error", no traceback; exit 141 as a tool killed by SIGPIPE."""
    for n in range(40):  # ~150 KB of report: more than a pipe holds, so a write fails whatever the timing
        shutil.copytree(ROOT / "examples" / "low", tmp_path / f"gw{n:02}")
    process = subprocess.Popen([sys.executable, "-m", "emslint", "check", "--no-progress", "--jobs", "1", "."],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # the reader goes away while emslint still has lines to write
    err = process.stderr.read().decode()
    assert process.wait() == 141, err
    assert first.strip() and err == ""


def test_version_answers_without_building_the_command_line() -> None:
    """`emslint --version` must not import argparse's command line or the settings (docs/decisions/0003)."""
    code = ("import sys; before = set(sys.modules); sys.argv = ['emslint', '--version']; "
            "from emslint.entry import main; main(); print(sorted(set(sys.modules) - before))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version, modules = result.stdout.splitlines()
    assert version == f"emslint {__version__}"
    assert modules == "['__future__', 'emslint', 'emslint.entry']"  # nothing else beyond the interpreter's own
