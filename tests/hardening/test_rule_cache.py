"""The rule cache cannot be used to switch rules off (emslint/user_cache.py, used by emslint/rules/catalogue.py).

Someone who can plant a file where emslint keeps its parsed rules could make a rule say nothing. Every test
plants such a file (a rule whose conditions match nothing and whose summary says PLANTED) by another way in:
a symbolic link for the file or the folder, a folder or file others may write, a folder of another user, a
pre-created temporary file. The rules loaded must stay those of the rule files, and nothing outside the cache
folder may be written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from emslint import user_cache
from emslint.rules.catalogue import load_rules

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX owners, modes and symlinks")


@pytest.fixture
def truth(monkeypatch) -> dict:
    monkeypatch.setenv("EMSLINT_NO_CACHE", "1")
    load_rules.cache_clear()
    rules = load_rules(None)
    monkeypatch.delenv("EMSLINT_NO_CACHE")
    load_rules.cache_clear()
    yield rules
    load_rules.cache_clear()


def _load(monkeypatch, **env: str) -> dict:
    for key in ("EMSLINT_CACHE_DIR", "XDG_CACHE_HOME", "EMSLINT_NO_CACHE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    load_rules.cache_clear()
    return load_rules(None)


def _cache_name(monkeypatch, tmp_path: Path) -> str:
    """The name the cache file gets (written once in a scratch folder)."""
    scratch = tmp_path / "scratch-cache"
    _load(monkeypatch, EMSLINT_CACHE_DIR=str(scratch))
    (found,) = scratch.glob("rules-*.json")
    return found.name


def _planted(monkeypatch, tmp_path: Path) -> bytes:
    scratch = tmp_path / "scratch-cache"
    name = _cache_name(monkeypatch, tmp_path)
    data = json.loads((scratch / name).read_text(encoding="utf-8"))
    data["rules"] = [{**r, "summary": "PLANTED", "match": []} for r in data["rules"]]
    return json.dumps(data).encode()


def _plant(path: Path, data: bytes, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, mode)


def test_a_good_cache_is_used(monkeypatch, tmp_path, truth):
    """The baseline of the tests below: a planted file that passes every check is read (so each refusal
    below is the check's doing)."""
    name = _cache_name(monkeypatch, tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    _plant(cache / name, _planted(monkeypatch, tmp_path))
    rules = _load(monkeypatch, EMSLINT_CACHE_DIR=str(cache))
    assert {r.summary for r in rules.values()} == {"PLANTED"}


def test_a_symlinked_cache_file_is_not_followed(monkeypatch, tmp_path, truth):
    name = _cache_name(monkeypatch, tmp_path)
    cache, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    cache.mkdir(mode=0o700)
    _plant(elsewhere / "planted.json", _planted(monkeypatch, tmp_path))
    (cache / name).symlink_to(elsewhere / "planted.json")
    assert _load(monkeypatch, EMSLINT_CACHE_DIR=str(cache)) == truth
    assert json.loads((elsewhere / "planted.json").read_text())["rules"][0]["summary"] == "PLANTED"  # untouched


def test_a_symlinked_cache_folder_is_not_used(monkeypatch, tmp_path, truth):
    name = _cache_name(monkeypatch, tmp_path)
    target = tmp_path / "attacker"
    target.mkdir(mode=0o700)
    _plant(target / name, _planted(monkeypatch, tmp_path))
    (tmp_path / "cache").symlink_to(target, target_is_directory=True)
    assert _load(monkeypatch, EMSLINT_CACHE_DIR=str(tmp_path / "cache")) == truth
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "emslint").symlink_to(target, target_is_directory=True)  # a link below the user's cache home
    assert _load(monkeypatch, XDG_CACHE_HOME=str(home)) == truth
    assert sorted(p.name for p in target.iterdir()) == [name]  # nothing written through the link


@pytest.mark.parametrize("mode", [0o775, 0o757, 0o777, 0o1777])
def test_a_folder_others_may_write_is_not_used(monkeypatch, tmp_path, truth, mode):
    name = _cache_name(monkeypatch, tmp_path)
    home = tmp_path / "home"
    _plant(home / "emslint" / name, _planted(monkeypatch, tmp_path))
    os.chmod(home / "emslint", 0o700)
    os.chmod(home, mode)  # the user's cache home itself
    assert _load(monkeypatch, XDG_CACHE_HOME=str(home)) == truth
    os.chmod(home, 0o700)
    os.chmod(home / "emslint", mode)  # the cache folder
    assert _load(monkeypatch, XDG_CACHE_HOME=str(home)) == truth
    assert _load(monkeypatch, EMSLINT_CACHE_DIR=str(home / "emslint")) == truth


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_a_file_others_may_write_is_not_used(monkeypatch, tmp_path, truth, mode):
    name = _cache_name(monkeypatch, tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    _plant(cache / name, _planted(monkeypatch, tmp_path), mode)
    assert _load(monkeypatch, EMSLINT_CACHE_DIR=str(cache)) == truth


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
@pytest.mark.parametrize("whose", ["folder", "file", "home"])
def test_something_of_another_user_is_not_used(monkeypatch, tmp_path, truth, whose):
    name = _cache_name(monkeypatch, tmp_path)
    home = tmp_path / "home"
    _plant(home / "emslint" / name, _planted(monkeypatch, tmp_path))
    os.chmod(home, 0o700)
    os.chmod(home / "emslint", 0o700)
    target = {"folder": home / "emslint", "file": home / "emslint" / name, "home": home}[whose]
    os.chown(target, 54321, 54321)
    assert _load(monkeypatch, XDG_CACHE_HOME=str(home)) == truth


def test_a_pre_created_temporary_file_is_neither_followed_nor_reused(monkeypatch, tmp_path, truth):
    """The temporary name is random and created with O_EXCL|O_NOFOLLOW: links planted under the names an
    attacker could guess (the old pid-based one among them) are left alone, and the file they point to
    is never written."""
    name = _cache_name(monkeypatch, tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch")
    for guess in (f".{name}.{os.getpid()}.tmp", f".{name}.tmp", f"{name}.tmp"):
        (cache / guess).symlink_to(victim)
    rules = _load(monkeypatch, EMSLINT_CACHE_DIR=str(cache))
    assert rules == truth and victim.read_text() == "do not touch"
    written = cache / name
    assert written.is_file() and not written.is_symlink() and oct(written.stat().st_mode & 0o777) == oct(0o600)
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]  # none left over


def test_a_missing_cache_folder_is_made_private(monkeypatch, tmp_path, truth):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    assert _load(monkeypatch, XDG_CACHE_HOME=str(home)) == truth
    folder = home / "emslint"
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
    assert len(list(folder.glob("rules-*.json"))) == 1


def test_pruning_never_follows_links(monkeypatch, tmp_path, truth):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    outside = tmp_path / "keep.json"
    outside.write_text("{}")
    for i in range(12):
        (cache / f"rules-{i:032d}.json").symlink_to(outside)
    _load(monkeypatch, EMSLINT_CACHE_DIR=str(cache))
    assert outside.read_text() == "{}"
    assert len([p for p in cache.glob("rules-*.json") if p.is_symlink()]) == 12  # links are not ours to prune
    assert user_cache._PINNED
