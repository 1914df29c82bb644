"""Records between runs: answers emslint can always recompute, kept in the user's cache folder so that a repeated
small run (pre-commit, an editor, CI on an unchanged gateway) skips the work and the imports behind them.

Two kinds use this module: key-material inspections (:mod:`emslint.inspect.keymaterial_cache`) and cipher-list
evaluations (:mod:`emslint.facts.ciphers`). Each record's name is a hash of everything its answer depends on,
:func:`code_identity` included (emslint's version, the sources and data files that compute it, the Python build),
so a record is never used for other inputs or other code; a record that does not read back as written is
recomputed. The folder and files are checked as :mod:`emslint.user_cache` says: a record someone else could
write would decide verdicts. ``EMSLINT_NO_CACHE=1`` turns records off (docs/decisions/0003, decision 7).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from emslint import __version__
from emslint.user_cache import CacheFolder, cache_location

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=8)
def code_identity(sources: tuple[str, ...], *, cryptography: bool = False) -> str:
    """A hash of emslint's version, the Python build and the bytes of ``sources`` (paths relative to the package:
    a file, or a folder for all its ``*.py``); with ``cryptography``, also the cryptography build and the OpenSSL
    variables of the environment that could load other providers."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for source in sources:
        path = PACKAGE / source
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(f"{file.relative_to(PACKAGE)}\0".encode() + file.read_bytes() + b"\0")
    if cryptography:
        digest.update(_cryptography_build().encode())
    return digest.hexdigest()


def _cryptography_build() -> str:
    """Where cryptography is and which build it is (size and time of its compiled part, its version file), found
    without importing it."""
    parts = []
    spec = importlib.util.find_spec("cryptography")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location)
        for name in ("__about__.py", "hazmat/bindings/_rust.abi3.so"):
            try:
                st = (folder / name).stat()
            except OSError:
                continue
            parts.append(f"{folder / name}\0{st.st_size}\0{st.st_mtime_ns}")
        about = folder / "__about__.py"
        if about.is_file():
            parts.append(about.read_text(encoding="utf-8", errors="replace"))
    for variable in ("OPENSSL_CONF", "OPENSSL_MODULES", "CRYPTOGRAPHY_OPENSSL_NO_LEGACY"):
        parts.append(f"{variable}={os.environ.get(variable)}")
    return "\0".join(parts)


def record_name(prefix: str, key: Any) -> str:
    """The file name of the record for ``key`` (plain JSON data): ``<prefix><hash>.json``."""
    text = json.dumps(key, sort_keys=True, default=repr)  # ASCII: a lone surrogate in a path cannot break it
    return f"{prefix}{hashlib.sha256(text.encode('ascii')).hexdigest()[:40]}.json"


def load_record(store: CacheFolder, name: str, kind: str) -> dict[str, Any] | None:
    """The record ``name`` if it is there, parses, and is of ``kind``; else ``None``."""
    record = store.read_json(name)
    if not isinstance(record, dict) or record.get("kind") != kind:
        return None
    return record


def save_record(store: CacheFolder, name: str, kind: str, record: dict[str, Any], *, prefix: str, keep: int) -> None:
    """Write ``record`` (of ``kind``) atomically if it reads back as written; keep the newest ``keep`` of
    ``prefix``. Failing to write is not an error: the answer is recomputed next time."""
    store.write_json(name, {"kind": kind, **record}, prefix=prefix, keep=keep)


_open: list[Any] = [False, None]  # [location, its CacheFolder or None]; False: nothing opened yet


def store_for_this_process() -> CacheFolder | None:
    """The user's cache folder, opened once per process and location (``EMSLINT_CACHE_DIR`` may change between
    library calls; the folder opened before is then closed), or ``None`` (``EMSLINT_NO_CACHE``, no usable
    folder)."""
    location = cache_location()
    if _open[0] != location:
        if _open[1] is not None:
            _open[1].close()
        _open[:] = [location, CacheFolder.open(*location, create=True) if location else None]
    store: CacheFolder | None = _open[1]
    return store
