"""Hardening tests: emslint against hostile input, for secrets in its output, never running config code.

Shared helpers live here: building a deployment folder, and running the ``emslint`` command either in this
process (fast; ``emslint.cli.main`` exactly as the console script calls it) or as a real subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CRASHERS = Path(__file__).resolve().parent / "crashers"

# Variables that change emslint's output; unset for every run so results do not depend on the caller's shell.
_NEUTRAL_ENV = ("EMSLINT_NOW", "EMSLINT_DEBUG", "GITHUB_WORKSPACE", "CI", "NO_COLOR", "FORCE_COLOR")


@dataclass(slots=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def both(self) -> str:
        return self.out + "\n" + self.err


def write_deployment(
    root: Path,
    *,
    ems: bytes | str | dict | None = None,
    lsr: bytes | str | None = None,
    booted: bytes | str | dict | None = None,
    files: dict[str, bytes | str] | None = None,
) -> Path:
    """A microserver folder ``root`` with ``etc/config.json`` / ``etc/config.lua`` / ``.booted`` and more files
    (paths relative to ``root``). Returns ``root``."""
    etc = root / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    for name, content in (("config.json", ems), ("config.lua", lsr), ("config.json.booted", booted)):
        if content is None:
            continue
        if isinstance(content, dict):
            content = json.dumps(content, indent=2)
        (etc / name).write_bytes(content.encode() if isinstance(content, str) else content)
    for rel, content in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def run_cli(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """``emslint *args`` in this process through ``emslint.cli.main`` (the console entry point)."""
    from emslint.cli import main

    saved_env = {k: os.environ.get(k) for k in (*_NEUTRAL_ENV, *(env or {}))}
    saved_argv, saved_cwd = sys.argv, os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        for key in _NEUTRAL_ENV:
            os.environ.pop(key, None)
        os.environ.update(env or {})
        sys.argv = ["emslint", *args]
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Run(code, out.getvalue(), err.getvalue())


def run_process(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
    """``emslint *args`` as a real process (``python -m emslint.cli``), with a wall-clock limit."""
    full_env = {k: v for k, v in os.environ.items() if k not in _NEUTRAL_ENV}
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "emslint.cli", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def assert_clean_exit(run: Run, *, allowed: tuple[int, ...] = (0, 1, 2)) -> None:
    """Findings (exit 0/1) or a one-line error (exit 2); never a traceback, never an internal error."""
    assert run.code in allowed, (run.code, run.err[-2000:])
    assert "Traceback" not in run.both, run.err[-2000:]
    assert "internal error" not in run.both, run.both[-2000:]
    if run.code == 2:
        lines = [line for line in run.err.splitlines() if line.strip()]
        assert all(line.startswith("emslint:") for line in lines), run.err[-2000:]


class _Alarm(BaseException):  # BaseException: no `except Exception` in the code under test swallows it
    pass


class TimeLimitExceeded(AssertionError):
    """The block ran past its time limit (a hang); raised by :func:`time_limit` with a short traceback."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of wall-clock time (main thread, POSIX; else no limit)."""
    import signal
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise _Alarm

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Alarm:
        # Re-raised from here: the alarm's own traceback may hold frames pytest cannot render.
        raise TimeLimitExceeded(f"still running after {seconds} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def lint_folder(path: Path, **options: object) -> list:
    """The pipeline on every deployment under ``path`` (all rules), as the CLI does; TargetResults."""
    from emslint.discover import discover
    from emslint.pipeline import Job, lint_job
    from emslint.settings import Settings, merge

    now = options.pop("now", None)
    settings = merge(Settings(), options, origin="test")
    targets, problems = discover([str(path)])
    assert not problems, problems
    return [lint_job(Job(t, settings), now) for t in targets]  # type: ignore[arg-type]


def assert_analysed(results: list) -> None:
    """Every target was analysed to the end: no internal error (EMS900) anywhere."""
    for result in results:
        assert result.analysed, (result.path, result.errors)
        assert not [e for e in result.errors if "internal error" in e], (result.path, result.errors)
        internal = [f for f in result.findings if f.rule == "EMS900"]
        assert not internal, (result.path, [f.message for f in internal])


# ------------------------------------------------------------------------------------------- audit hook
# sys.addaudithook hooks cannot be removed: one hook is installed once and switched on around a block.

_watch: dict = {"on": False, "events": []}
_installed: list[bool] = []
AUDITED_EVENTS = frozenset(
    {
        "open", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
        "os.forkpty", "ctypes.dlopen", "import", "compile", "exec", "os.remove", "os.rename", "os.chmod",
        "os.chown", "os.utime", "os.truncate", "os.mkdir", "os.rmdir", "os.symlink", "os.link",
        "shutil.copyfile", "shutil.move", "shutil.rmtree",
    }
)


def _hook(event: str, args: tuple) -> None:
    if _watch["on"] and event in AUDITED_EVENTS:
        _watch["events"].append((event, args))


@contextlib.contextmanager
def audited() -> Iterator[list[tuple[str, tuple]]]:
    """The audit events (of AUDITED_EVENTS) raised in this process while the block runs."""
    if not _installed:
        sys.addaudithook(_hook)
        _installed.append(True)
    _watch["events"] = []
    _watch["on"] = True
    try:
        yield _watch["events"]
    finally:
        _watch["on"] = False
