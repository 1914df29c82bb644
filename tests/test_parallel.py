"""Worker processes (emslint/parallel.py): results in job order whatever happens to a worker, and no process
left behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from emslint import parallel
from emslint.model import ABSENT, TargetResult

NOW = datetime(2026, 1, 1, tzinfo=UTC)
# the test process (a spawned worker imports this module again: it must not take its own pid for the parent's)
_PARENT = int(os.environ.setdefault("EMSLINT_TEST_PARENT_PID", str(os.getpid())))


class _Job:
    """A stand-in job: ``settings`` is what the parent's warm-up reads."""

    def __init__(self, number: int) -> None:
        from emslint.settings import Settings

        self.number = number
        self.settings = Settings()


def _result(job: Any, now: datetime | None) -> TargetResult:
    return TargetResult(path=f"gw-{job.number:03d}", files=[], findings=[], links={}, verdict=ABSENT,
                        errors=[str(os.getpid() == _PARENT)])


def _dies_on_seven(job: Any, now: datetime | None) -> TargetResult:
    """Kills the worker process that gets job 7 (never the parent, which then lints it itself)."""
    if job.number == 7 and os.getpid() != _PARENT:
        os._exit(3)
    return _result(job, now)


def _every_worker_dies(job: Any, now: datetime | None) -> TargetResult:
    if os.getpid() != _PARENT:
        os._exit(3)
    return _result(job, now)


@pytest.mark.parametrize("count", [0, 1, 2, 5, 40, 131])
def test_results_come_in_job_order(count):
    found = list(parallel.lint_in_processes((_Job(n) for n in range(count)), _result, NOW, 2))
    assert [r.path for r in found] == [f"gw-{n:03d}" for n in range(count)]
    if count > 3:
        assert {r.errors[0] for r in found} == {"True", "False"}  # the parent lints the first, the workers the rest


def test_a_worker_that_dies_loses_nothing():
    found = list(parallel.lint_in_processes((_Job(n) for n in range(60)), _dies_on_seven, NOW, 2))
    assert [r.path for r in found] == [f"gw-{n:03d}" for n in range(60)]
    by_path = {r.path: r.errors[0] for r in found}
    assert by_path["gw-007"] == "True"  # linted again by the parent
    assert "False" in by_path.values()  # the other worker went on
    assert not multiprocessing.active_children()


def test_when_every_worker_dies_the_parent_lints_the_rest():
    found = list(parallel.lint_in_processes((_Job(n) for n in range(30)), _every_worker_dies, NOW, 2))
    assert [r.path for r in found] == [f"gw-{n:03d}" for n in range(30)]
    assert {r.errors[0] for r in found} == {"True"}
    assert not multiprocessing.active_children()


def test_a_run_stopped_early_leaves_no_process():
    results = parallel.lint_in_processes((_Job(n) for n in range(500)), _result, NOW, 2)
    assert [next(results).path for _ in range(3)] == ["gw-000", "gw-001", "gw-002"]
    results.close()
    assert not multiprocessing.active_children()


def test_without_fork_the_workers_are_spawned(monkeypatch):
    """Where fork is missing (Windows), workers start fresh and the parent lints nothing itself."""
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    found = list(parallel.lint_in_processes((_Job(n) for n in range(6)), _result, NOW, 2))
    assert [r.path for r in found] == [f"gw-{n:03d}" for n in range(6)]
    assert {r.errors[0] for r in found} == {"False"}
    assert not multiprocessing.active_children()


def _slow(job: Any, now: datetime | None) -> TargetResult:
    time.sleep(0.02)
    return _result(job, now)


def test_ctrl_c_is_the_parents_to_handle(capfd):
    """Ctrl-C reaches every process of the group; a worker ignores it (no traceback from each worker): the parent
    decides, and stops them."""
    results = parallel.lint_in_processes((_Job(n) for n in range(40)), _slow, NOW, 2)
    next(results)
    for child in multiprocessing.active_children():
        os.kill(child.pid, signal.SIGINT)
    found = list(results)
    assert [r.path for r in found] == [f"gw-{n:03d}" for n in range(1, 40)]
    assert [r.errors[0] for r in found][-5:] == ["False"] * 5  # the workers went on to the end
    assert "KeyboardInterrupt" not in capfd.readouterr().err
    assert not multiprocessing.active_children()
