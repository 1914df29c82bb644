"""Baselines: accept today's findings, fail on new ones.

An entry is keyed by (rule, file, pointer, value_hash) and stores a *count*:

* only ``count`` findings per key are absorbed, so a new identical finding still fails (bandit #1467);
* the file is part of the key, so another file's finding is never absorbed (checkov #7647);
* the line is not, so moving lines does not resurrect old findings;
* entries that absorbed fewer findings than their count are reported as stale.

The file is JSON, sorted, one entry per line, so that diffs stay small and two writes are identical.
``value_hash`` is computed upstream from the offending value; the value itself is never stored.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections import ChainMap, Counter
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from emslint.model import Finding, TargetResult

FORMAT_KEY = "emslint-baseline"
FORMAT_VERSION = 1
_ENTRY_KEYS = ("rule", "file", "pointer", "value_hash", "count")

Key = tuple[str, str, str, str]


class BaselineError(Exception):
    """A baseline file that cannot be read or is malformed; the message is one line."""


@dataclass(slots=True)
class Baseline:
    entries: dict[Key, int] = field(default_factory=dict)
    path: Path | None = None

    def __len__(self) -> int:
        return sum(self.entries.values())


def normalise_file(file: str) -> str:
    p = file.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def baseline_key(f: Finding) -> Key:
    return (f.rule, normalise_file(f.file), f.pointer, f.value_hash)


def write_baseline(results: list[TargetResult], path: Path) -> None:
    path = Path(path)
    counts = Counter(baseline_key(f) for t in results for f in t.findings)
    text = _dumps(counts)
    # Write next to the target and rename, so an interrupted run never leaves half a baseline.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _dumps(counts: Counter[Key] | dict[Key, int]) -> str:
    rows = []
    for key in sorted(counts):
        rule, file, pointer, value_hash = key
        entry = {
            "rule": rule,
            "file": file,
            "pointer": pointer,
            "value_hash": value_hash,
            "count": counts[key],
        }
        rows.append("  " + json.dumps(entry, ensure_ascii=False))
    body = ",\n".join(rows)
    entries = f"[\n{body}\n ]" if rows else "[]"
    return f'{{\n "{FORMAT_KEY}": {FORMAT_VERSION},\n "entries": {entries}\n}}\n'


def load_baseline(path: Path) -> Baseline:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: cannot read baseline: {_one_line(e)}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise BaselineError(f"{path}:{e.lineno}: invalid JSON in baseline: {e.msg}") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION:
        raise BaselineError(f'{path}: not an emslint baseline (expected "{FORMAT_KEY}": {FORMAT_VERSION})')
    extra = sorted(set(data) - {FORMAT_KEY, "entries"})
    if extra:
        raise BaselineError(f"{path}: unknown baseline key {extra[0]!r}")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise BaselineError(f'{path}: "entries" must be a list')
    entries: dict[Key, int] = {}
    for i, entry in enumerate(raw_entries):
        where = f"{path}: entry {i + 1}"
        if not isinstance(entry, dict):
            raise BaselineError(f"{where}: must be an object")
        if set(entry) != set(_ENTRY_KEYS):
            missing = [k for k in _ENTRY_KEYS if k not in entry]
            detail = (
                f"missing {missing[0]!r}"
                if missing
                else f"unknown key {sorted(set(entry) - set(_ENTRY_KEYS))[0]!r}"
            )
            raise BaselineError(f"{where}: {detail}")
        for k in _ENTRY_KEYS[:4]:
            if not isinstance(entry[k], str):
                raise BaselineError(f"{where}: {k!r} must be a string")
        count = entry["count"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise BaselineError(f"{where}: 'count' must be an integer >= 1")
        key = (entry["rule"], normalise_file(entry["file"]), entry["pointer"], entry["value_hash"])
        if key in entries:
            # Likely a bad merge; summing would silently absorb more findings than were ever accepted.
            raise BaselineError(f"{where}: duplicate of an earlier entry ({key[0]} {key[1]} {key[2]!r})")
        entries[key] = count
    return Baseline(entries=entries, path=path)


def apply_baseline(results: list[TargetResult], baseline: Baseline) -> tuple[list[TargetResult], list[dict]]:
    """Remove baselined findings. Returns (filtered results, stale entries).

    A stale entry is a dict like an entry of the file, whose ``count`` is the number of findings the
    entry allowed but did not meet (the whole count when the finding was fixed). Levels and links of
    the results are left as they are; recomputing them is the caller's business.
    """
    remaining = dict(baseline.entries)
    out = [_without(target, absorb(target, remaining)) for target in results]
    return out, stale_entries(remaining)


def absorb(target: TargetResult, remaining: MutableMapping[Key, int]) -> set[int]:
    """The indexes of ``target``'s findings that ``remaining`` absorbs; their counts are taken from it.

    Run over the results one by one with one ``remaining = dict(baseline.entries)``, it gives what
    :func:`apply_baseline` gives for the whole list: a run can stream its results and still report stale entries.
    """
    absorbed: set[int] = set()
    # Sorted so that which of several identical findings gets absorbed does not depend on input order.
    for i, f in sorted(enumerate(target.findings), key=lambda item: item[1].sort_key()):
        key = baseline_key(f)
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
            absorbed.add(i)
    return absorbed


def filter_result(target: TargetResult, baseline: Baseline) -> TargetResult:
    """``apply_baseline([target], baseline)[0][0]``, without copying the whole baseline for each target."""
    return _without(target, absorb(target, ChainMap({}, baseline.entries)))


def stale_entries(remaining: Mapping[Key, int]) -> list[dict]:
    return [
        {"rule": k[0], "file": k[1], "pointer": k[2], "value_hash": k[3], "count": n}
        for k, n in sorted(remaining.items())
        if n > 0
    ]


def _without(target: TargetResult, absorbed: set[int]) -> TargetResult:
    if not absorbed:
        return target
    return dataclasses.replace(target, findings=[f for i, f in enumerate(target.findings) if i not in absorbed])


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())
