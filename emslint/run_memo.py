"""What a run learns about folders, kept until the run ends: the deployments of a fleet share the folders above them
(their real paths, the git work tree they lie in), so each is looked at once, not once per deployment.

:func:`forget` starts a run (:func:`emslint.pipeline.results`): a folder made, removed or relinked between two runs
of one process counts in the second. Within a run the file system is taken as it was first seen, as a report is one
reading of it. Each memo starts over past :data:`LIMIT` entries, so memory stays flat over any fleet.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")

LIMIT = 4096
_memos: list[dict[Any, Any]] = []


def memo() -> dict[Any, Any]:
    """A new memo that :func:`forget` empties."""
    found: dict[Any, Any] = {}
    _memos.append(found)
    return found


def remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    """``memo[key] = value`` within :data:`LIMIT`; returns ``value``."""
    if len(memo) >= LIMIT:
        memo.clear()
    memo[key] = value
    return value


def forget() -> None:
    """Start a run: every memo empty."""
    for found in _memos:
        found.clear()


def nearest_above(folder: str, look: Callable[[str], _T | None], known: dict[str, _T | None]) -> _T | None:
    """The first answer ``look`` gives at ``folder`` (absolute) or a folder above it, None when none gives one.
    ``known`` holds what earlier walks found and receives the answer for every folder this one passed."""
    walked: list[str] = []
    current = folder
    found: _T | None = None
    while True:
        if current in known:
            found = known[current]
            break
        walked.append(current)
        found = look(current)
        parent = os.path.dirname(current)
        if found is not None or parent == current:
            break
        current = parent
    for each in walked:
        remember(known, each, found)
    return found
