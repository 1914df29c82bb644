"""Shared test helpers. The suite must pass on a clone of the project alone (no ../shared)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# emslint's cache folder (parsed rules, key-material records: emslint/user_cache.py), one per test process, so the
# suite never reads what an earlier run or the user's own emslint left in ~/.cache. Tests of the caches set their own.
os.environ["EMSLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="emslint-test-cache-")
os.environ.pop("EMSLINT_NO_CACHE", None)


@pytest.fixture
def shared_corpus() -> Path:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not available (a clone of the project alone)")
    return corpus
