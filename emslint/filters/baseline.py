"""Baselines: accept today's findings, fail on new ones.

An entry is keyed by (rule, file, pointer, identity) and stores a *count*. ``identity`` says what the finding is
about beyond its place (a referenced file, a cipher word), never a value read from a config: the baseline does
not depend on secret values at all (change only a secret and the file is byte-identical), and a change to an
unrelated key of the same object does not bring a finding back.

* only ``count`` findings per key are absorbed, so a new identical finding still fails (bandit #1467);
* the file is part of the key, so another file's finding is never absorbed (checkov #7647);
* the line is not, so moving lines does not resurrect old findings;
* entries that absorbed fewer findings than their count are reported as stale.

The file is JSON, sorted, one entry per line, so that diffs stay small and two writes are identical. A version 1
file (keyed by a hash of the offending value) is still read: its hashes are dropped and its counts merged.
Baselined findings stay in the result, marked ``baseline``: they still decide the levels.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emslint.model import Finding, Suppression, TargetResult

FORMAT_KEY = "emslint-baseline"
FORMAT_VERSION = 2
_ENTRY_KEYS = ("rule", "file", "pointer", "identity", "count")
_V1_ENTRY_KEYS = ("rule", "file", "pointer", "value_hash", "count")

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
    return (f.rule, normalise_file(f.file), f.pointer, f.identity)


def write_baseline(results: list[TargetResult], path: Path) -> None:
    path = Path(path)
    counts = Counter(baseline_key(f) for t in results for f in t.all_findings() if _recordable(f))
    text = _dumps(counts)
    # Write next to the target and rename, so an interrupted run never leaves half a baseline.
    import tempfile  # only when a baseline is written (docs/decisions/0003)

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _recordable(f: Finding) -> bool:
    """A finding the baseline records: shown, or hidden only by the baseline (re-recording keeps it)."""
    return f.suppressed is None or f.suppressed.kind == "baseline"


def _dumps(counts: Counter[Key] | dict[Key, int]) -> str:
    rows = []
    for key in sorted(counts):
        rule, file, pointer, identity = key
        entry = {"rule": rule, "file": file, "pointer": pointer, "identity": identity, "count": counts[key]}
        rows.append("  " + json.dumps(entry, ensure_ascii=False))
    body = ",\n".join(rows)
    entries = f"[\n{body}\n ]" if rows else "[]"
    return f'{{\n "{FORMAT_KEY}": {FORMAT_VERSION},\n "entries": {entries}\n}}\n'


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file written by --write-baseline; a file that is not one is a BaselineError naming why."""
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
    version = data.get(FORMAT_KEY) if isinstance(data, dict) else None
    if version not in (1, FORMAT_VERSION):
        raise BaselineError(f'{path}: not an emslint baseline (expected "{FORMAT_KEY}": {FORMAT_VERSION})')
    extra = sorted(set(data) - {FORMAT_KEY, "entries"})
    if extra:
        raise BaselineError(f"{path}: unknown baseline key {extra[0]!r}")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise BaselineError(f'{path}: "entries" must be a list')
    keys = _ENTRY_KEYS if version == FORMAT_VERSION else _V1_ENTRY_KEYS
    entries: dict[Key, int] = {}
    for i, entry in enumerate(raw_entries):
        where = f"{path}: entry {i + 1}"
        if not isinstance(entry, dict):
            raise BaselineError(f"{where}: must be an object")
        if set(entry) != set(keys):
            missing = [k for k in keys if k not in entry]
            detail = f"missing {missing[0]!r}" if missing else f"unknown key {sorted(set(entry) - set(keys))[0]!r}"
            raise BaselineError(f"{where}: {detail}")
        for k in keys[:4]:
            if not isinstance(entry[k], str):
                raise BaselineError(f"{where}: {k!r} must be a string")
        count = entry["count"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise BaselineError(f"{where}: 'count' must be an integer >= 1")
        identity = entry["identity"] if version == FORMAT_VERSION else ""  # v1: a value hash, dropped
        key = (entry["rule"], normalise_file(entry["file"]), entry["pointer"], identity)
        if key in entries and version == FORMAT_VERSION:
            # Likely a bad merge; summing would silently absorb more findings than were ever accepted.
            raise BaselineError(f"{where}: duplicate of an earlier entry ({key[0]} {key[1]} {key[2]!r})")
        entries[key] = entries.get(key, 0) + count
    return Baseline(entries=entries, path=path)


def apply_baseline(results: list[TargetResult], baseline: Baseline) -> list[dict[str, Any]]:
    """Mark baselined findings in ``results``; return the stale entries.

    A stale entry is a dict like an entry of the file, whose ``count`` is the number of findings the
    entry allowed but did not meet (the whole count when the finding was fixed).
    """
    remaining = dict(baseline.entries)
    for target in results:
        absorb(target, remaining)
    return stale_entries(remaining)


def absorb(target: TargetResult, remaining: MutableMapping[Key, int]) -> int:
    """Move ``target``'s findings that ``remaining`` absorbs to its suppressed ones (taking their counts).

    Run over the results one by one with one ``remaining = dict(baseline.entries)``: a run can stream its
    results and still report stale entries. Findings another filter already hid are not absorbed.
    """
    absorbed: list[Finding] = []
    # Sorted so that which of several identical findings gets absorbed does not depend on input order.
    for f in sorted(target.findings, key=Finding.sort_key):
        key = baseline_key(f)
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
            f.suppressed = Suppression("baseline", "recorded in the baseline", "")
            absorbed.append(f)
    if absorbed:
        ids = {id(f) for f in absorbed}
        target.findings = [f for f in target.findings if id(f) not in ids]
        target.suppressed.extend(absorbed)
    return len(absorbed)


def stale_entries(remaining: Mapping[Key, int]) -> list[dict[str, Any]]:
    return [
        {"rule": k[0], "file": k[1], "pointer": k[2], "identity": k[3], "count": n}
        for k, n in sorted(remaining.items())
        if n > 0
    ]


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())
