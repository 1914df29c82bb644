"""Headless Chromium for the HTML report's tests (Debian's ``chromium``; .ci/run installs it).

Run as a script, it renders ``emslint check examples/ --format html`` and writes the README's screenshot:

    python -m tests.report.browser docs/report.png
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EMS_EXAMPLES = ("examples/low", "examples/medium", "examples/high")  # the EMS/LSR examples
# Flags for a quiet, offline, throw-away browser: no sandbox (root in CI), no GPU, no network of its own.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0")
_CONSOLE = re.compile(r":CONSOLE[^\]]*\] (.*)")


def chromium() -> str | None:
    """The Chromium binary, or None where it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(slots=True)
class Render:
    dom: str  # the document after its scripts ran (--dump-dom)
    console: list[str]  # every console message: errors, CSP violations, uncaught exceptions, console.log


def _run(page: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    binary = chromium()
    if binary is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="emslint-chromium-") as profile:
        return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)


def render(page: Path) -> Render:
    """The page's DOM after load and the console messages it caused."""
    done = _run(page, "--dump-dom")
    return Render(done.stdout, _CONSOLE.findall(done.stderr))


def screenshot(page: Path, out: Path, *, width: int = 1280, height: int = 1700) -> list[str]:
    """Write a PNG of the page's first ``height`` pixels; returns the console messages."""
    done = _run(page, f"--screenshot={out.resolve()}", f"--window-size={width},{height}",
                "--hide-scrollbars", "--force-device-scale-factor=1")
    return _CONSOLE.findall(done.stderr)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "report.png"
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        subprocess.run([sys.executable, "-m", "emslint", "check", *EMS_EXAMPLES, "--format", "html", "--output",
                        str(page), "--now", "2026-01-01"], cwd=ROOT, check=False)
        console = screenshot(page, out)
    for line in console:
        print(f"console: {line}", file=sys.stderr)
    return 1 if console else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
