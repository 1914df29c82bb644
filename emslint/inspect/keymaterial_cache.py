"""A record of the key-material inspection kept between runs, so that a repeated run (pre-commit, an editor, CI on
an unchanged gateway) needs neither ``cryptography`` nor the certificate parsers.

:func:`.keymaterial.inspect_key_material` is a function of:

* the code that computes it: emslint's version, the sources of ``emslint/inspect/``, the Python build and the
  ``cryptography`` build (and the OpenSSL configuration variables that could load other providers);
* :func:`.key_settings.config_view` of the configs (no secret: a passphrase is only "set") and whether
  config.lua was read;
* for every configured path it resolved: how it resolved, how it is displayed, and the bytes read (their
  SHA-256, or why there were none);
* the time, only through the dates of the certificates read: every time fact is a comparison with a date or a
  count of whole days to it, so the result stays the same between two consecutive instants ``date - k days``;
* file modes, which are not recorded: they are taken again on every run.

A record is found by a hash of the first two, and holds the rest: it is used only when every path resolves,
displays and reads exactly as recorded and ``now`` lies in the recorded interval (:func:`_window`). Anything
else, or any doubt (a record that does not parse, a certificate whose dates are unknown), means inspecting
again and writing a fresh record. Records live in the user's cache folder with the checks of
:mod:`emslint.user_cache` (a record someone else could write would decide verdicts); the newest
:data:`KEEP` are kept. The pipeline uses records only for small runs (:func:`emslint.pipeline.results`):
a fleet's deployments differ, so records would only cost time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from emslint import records
from emslint.inspect.key_files import read_capped
from emslint.inspect.key_settings import config_view
from emslint.inspect.paths import OK, ResolvedPath, shown_path
from emslint.inspect.permissions import mode_facts
from emslint.user_cache import CacheFolder

KIND = "emslint key-material record 1"
PREFIX = "keymaterial-"
KEEP = 64
_DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def inspect_key_material_cached(
    ems: dict[str, Any] | None,
    lsr: dict[str, Any] | None,
    *,
    resolve: Callable[[str], ResolvedPath],
    now: datetime,
    display: Callable[[Path], str],
    folder_owner_uid: int | None,
    lsr_unread: bool,
    store: CacheFolder | None,
) -> list[dict[str, Any]]:
    """:func:`.keymaterial.inspect_key_material`, from a record in ``store`` when one still holds."""
    def mode(path: Path) -> dict[str, Any] | None:
        return mode_facts(path, folder_owner_uid=folder_owner_uid)

    if store is None:
        return _inspect(ems, lsr, resolve, now, display, folder_owner_uid, lsr_unread, read_capped, mode, None)
    name = record_name(ems, lsr, lsr_unread)
    record = records.load_record(store, name, KIND)
    if record is not None:
        items = _replay(record, resolve, display, now, mode)
        if items is not None:
            return items
    reads: dict[str, Any] = {}
    displays: dict[str, str] = {}
    read_log: dict[str, list[Any]] = {}
    modes: list[tuple[Path, dict[str, Any] | None]] = []
    moments: list[datetime | None] = []

    def recording_resolve(text: str) -> ResolvedPath:
        resolved = resolve(text)
        reads[text] = resolved
        return resolved

    def recording_display(path: Path) -> str:
        displays[str(path)] = shown = shown_path(display, path)
        return shown

    def recording_read(path: Path) -> tuple[bytes | None, str, str]:
        data, status, detail = read_capped(path)
        read_log[str(path)] = [status, detail, _digest(data)]
        return data, status, detail

    def recording_mode(path: Path) -> dict[str, Any] | None:
        facts = mode(path)
        modes.append((path, facts))
        return facts

    items = _inspect(ems, lsr, recording_resolve, now, recording_display, folder_owner_uid, lsr_unread,
                     recording_read, recording_mode, moments)
    window = _window(now, moments)
    if window is not None:
        paths = []
        for text, resolved in reads.items():
            path = str(resolved.path) if resolved.path is not None else None
            paths.append({
                "text": text,
                "resolved": [resolved.status, path, resolved.detail],
                "display": displays.get(path) if path is not None else None,
                "read": read_log.get(path) if path is not None else None,
            })
        mode_at = _mode_positions(items, modes)
        if mode_at is not None:
            records.save_record(store, name, KIND, {"window": window, "paths": paths, "modes": mode_at,
                                                    "items": items}, prefix=PREFIX, keep=KEEP)
    return items


def _inspect(ems: dict[str, Any] | None, lsr: dict[str, Any] | None, resolve: Callable[[str], ResolvedPath],
             now: datetime, display: Callable[[Path], str], folder_owner_uid: int | None, lsr_unread: bool,
             read: Callable[[Path], tuple[bytes | None, str, str]], mode: Callable[[Path], dict[str, Any] | None],
             moments: list[datetime | None] | None) -> list[dict[str, Any]]:
    # imported here: the parsers and cryptography are what a record saves (docs/decisions/0003, decision 7)
    from emslint.inspect.keymaterial import inspect_key_material

    return inspect_key_material(ems, lsr, resolve=resolve, now=now, display=display,
                                folder_owner_uid=folder_owner_uid, lsr_unread=lsr_unread, read=read, mode=mode,
                                moments=moments)


def record_name(ems: dict[str, Any] | None, lsr: dict[str, Any] | None, lsr_unread: bool) -> str:
    """The record's file name: a hash of the code's identity, the configs' view and ``lsr_unread``."""
    ems_view, lsr_view = config_view(ems, lsr)
    return records.record_name(PREFIX, [code_identity(), ems_view, lsr_view, lsr_unread])


def code_identity() -> str:
    """emslint's version, the sources of ``emslint/inspect/``, the Python and the cryptography builds."""
    return records.code_identity(("inspect",), cryptography=True)


def _digest(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _window(now: datetime, moments: list[datetime | None]) -> list[int] | None:
    """[first, last] microsecond (since 1970) within which every time fact of the result is what it is at ``now``,
    or ``None`` when that cannot be said (a certificate without usable dates).

    Every time fact compares ``now`` with a certificate date ``t`` or counts the whole days between them (as
    written, and as the ISO text truncated to the second), so it can change only at an instant ``t - k days``.
    Between two such instants nothing changes; on one, only that instant is known."""
    now = _utc(now)
    previous, following = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    for moment in moments:
        if moment is None:
            return None
        for date in {_utc(moment), _utc(moment).replace(microsecond=0)}:
            into_day = (date - now) % _DAY  # the next instant date - k days is now + into_day
            if into_day == timedelta(0):
                return [_micros(now), _micros(now)]
            previous = max(previous, now + into_day - _DAY)
            following = min(following, now + into_day)
    return [_micros(previous) + 1, _micros(following) - 1]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _mode_positions(items: list[dict[str, Any]], modes: list[tuple[Path, dict[str, Any] | None]]) -> list[Any] | None:
    """[item index, path] of every item whose ``mode`` was taken, to take it again on replay."""
    taken = {id(facts): path for path, facts in modes if facts is not None}
    positions: list[Any] = []
    for index, item in enumerate(items):
        facts = item.get("mode")
        if facts is None:
            continue
        if id(facts) not in taken:
            return None  # a mode not taken through the hook: the record could not reproduce it
        positions.append([index, str(taken[id(facts)])])
    missing = len([f for _, f in modes if f is None])
    if missing:
        return None  # a mode that could not be taken leaves nothing to find the item by; do not record
    return positions


def _replay(record: dict[str, Any], resolve: Callable[[str], ResolvedPath], display: Callable[[Path], str],
            now: datetime, mode: Callable[[Path], dict[str, Any] | None]) -> list[dict[str, Any]] | None:
    """The recorded items if everything they depend on is as recorded, with the file modes taken now."""
    try:
        moment = _micros(_utc(now))
        start, end = record["window"]
        if not (isinstance(start, int) and isinstance(end, int) and start <= moment <= end):
            return None
        for entry in record["paths"]:
            resolved = resolve(entry["text"])
            path = str(resolved.path) if resolved.path is not None else None
            if [resolved.status, path, resolved.detail] != entry["resolved"]:
                return None
            if resolved.status != OK or resolved.path is None:
                continue
            if shown_path(display, resolved.path) != entry["display"]:
                return None
            data, status, detail = read_capped(resolved.path)
            if [status, detail, _digest(data)] != entry["read"]:
                return None
        items: list[dict[str, Any]] = record["items"]
        if not isinstance(items, list):
            return None
        for index, path in record["modes"]:
            items[index]["mode"] = mode(Path(path))
        return items
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
