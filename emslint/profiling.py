"""Where a run's time goes: ``EMSLINT_PROFILE=1`` prints stage timings to stderr at exit (bench/bench.py reads them).

Stages: import, settings, rules-load, discover, read, json-parse, lua-parse, schema, facts, certificates,
ciphers, rules, output; "workers" is a parent's wait for its worker processes; "other" is everything untimed
(argument parsing, levels, exit).

Stages nest; each reports its *exclusive* time, so the numbers add up to the run's total. Every ``import``
statement executed after :func:`install` is a stage of its own ("import"), taken out of the stage that
triggered it, so lazy imports show up as import time and not as work. Off (the default), :func:`stage`
returns a shared no-op context manager and nothing is recorded.
"""

from __future__ import annotations

import builtins
import os
import sys
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

ENABLED = bool(os.environ.get("EMSLINT_PROFILE"))
_MAIN = threading.main_thread().ident
_NULL = nullcontext()
_totals: dict[str, float] = {}
_stack: list[list[Any]] = []  # [name, start, time spent in nested stages]
_started: float | None = None


class _Stage:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        _stack.append([self.name, time.perf_counter(), 0.0])

    def __exit__(self, *exc: object) -> None:
        name, start, inner = _stack.pop()
        elapsed = time.perf_counter() - start
        _totals[name] = _totals.get(name, 0.0) + elapsed - inner
        if _stack:
            _stack[-1][2] += elapsed


def stage(name: str) -> AbstractContextManager[Any]:
    # Only the main thread is timed: the stages share one stack (a worker pool's feeder thread walks the tree).
    return _Stage(name) if ENABLED and threading.get_ident() == _MAIN else _NULL


def install() -> None:
    """Start the clock and count import statements as the "import" stage (only when ENABLED)."""
    global _started
    if not ENABLED or _started is not None:
        return
    _started = time.perf_counter()
    original = builtins.__import__

    def timed_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() != _MAIN:
            return original(name, *args, **kwargs)
        with _Stage("import"):
            return original(name, *args, **kwargs)

    builtins.__import__ = timed_import


def totals() -> dict[str, float]:
    """Exclusive seconds per stage so far, plus "other" (untimed work) and "total" since install()."""
    result = dict(_totals)
    if _started is not None:
        total = time.perf_counter() - _started
        result["other"] = max(0.0, total - sum(_totals.values()))
        result["total"] = total
    return result


def report() -> None:
    """One line on stderr: milliseconds per stage, and the peak RSS (MiB) of this process and its workers."""
    if ENABLED:
        import json

        line: dict[str, float] = {k: round(v * 1000, 3) for k, v in totals().items()}
        try:
            import resource

            scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024  # KiB on Linux, bytes on macOS
            line["rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale, 1)
            line["workers_rss_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale, 1)
        except ImportError:  # Windows
            pass
        sys.stderr.write(f"emslint-profile: {json.dumps(line)}\n")
