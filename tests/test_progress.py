"""The progress bar: rich, on stderr, only for many targets on a terminal outside CI; never in the report."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from emslint import check
from emslint.check import CheckOptions, run_check
from emslint.settings import SettingsResolver

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "ci", "count", "flag", "shown"),
    [
        (True, None, 20, None, True),  # many targets on a terminal
        (True, None, 19, None, False),  # a few: no bar
        (False, None, 1000, None, False),  # piped or redirected stderr
        (True, "true", 1000, None, False),  # CI logs are not terminals, whatever they claim
        (False, None, 1, True, True),  # --progress forces it
        (True, None, 1000, False, False),  # --no-progress
    ],
)
def test_when_the_bar_is_shown(monkeypatch: pytest.MonkeyPatch, tty: bool, ci: str | None, count: int,
                               flag: bool | None, shown: bool) -> None:
    monkeypatch.setattr(sys, "stderr", _Tty() if tty else io.StringIO())
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert check._show_progress(CheckOptions(paths=["."], progress=flag), count) is shown


def _run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, progress: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), _Tty()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.chdir(tmp_path)
    resolver = SettingsResolver({"jobs": 1}, isolated=True)
    code = run_check(CheckOptions(paths=[str(EXAMPLES)], progress=progress, color=False, now=NOW), resolver)
    return code, out.getvalue(), err.getvalue()


def test_the_bar_draws_on_stderr_and_leaves_the_report_alone(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    drawn: list[int] = []
    import rich.progress

    class Counting(rich.progress.Progress):
        def advance(self, task, advance: float = 1) -> None:  # type: ignore[override]
            drawn.append(1)
            super().advance(task, advance)

    monkeypatch.setattr(rich.progress, "Progress", Counting)
    with_bar = _run(monkeypatch, tmp_path, progress=True)
    without = _run(monkeypatch, tmp_path, progress=False)
    assert len(drawn) == 6  # one step per deployment of examples/ (three microservers, three Connectors)
    assert with_bar[0] == without[0]
    assert with_bar[1] == without[1]  # stdout: the same report, byte for byte
    assert without[2].startswith("emslint: failed: ") and with_bar[2].endswith(without[2])  # the bar aside
