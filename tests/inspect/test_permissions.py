"""mode_facts: bits read with stat, never changed.

Tests run as root on CI machines: root bypasses read permission checks, but the mode bits themselves are
still reported exactly as set, which is all mode_facts reads.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emslint.inspect.permissions import mode_facts

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


def make(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / "key.pem"
    path.write_text("x")
    path.chmod(mode)
    return path


def test_private_mode(tmp_path):
    facts = mode_facts(make(tmp_path, 0o600))
    assert facts == {
        "octal": "0600",
        "group_readable": False,
        "group_writable": False,
        "world_readable": False,
        "world_writable": False,
        "owner_uid": os.getuid(),
        "owner_differs": None,
    }


def test_world_readable(tmp_path):
    facts = mode_facts(make(tmp_path, 0o644))
    assert facts["octal"] == "0644"
    assert facts["group_readable"] and facts["world_readable"]
    assert not facts["group_writable"] and not facts["world_writable"]


def test_group_readable_only(tmp_path):
    facts = mode_facts(make(tmp_path, 0o640))
    assert facts["group_readable"] and not facts["world_readable"]


@pytest.mark.parametrize(
    ("mode", "group_w", "world_w"), [(0o660, True, False), (0o602, False, True), (0o600, False, False)]
)
def test_writable_bits(tmp_path, mode, group_w, world_w):
    facts = mode_facts(make(tmp_path, mode))
    assert (facts["group_writable"], facts["world_writable"]) == (group_w, world_w)


def test_special_bits_in_octal(tmp_path):
    assert mode_facts(make(tmp_path, 0o4755))["octal"] == "4755"


def test_unreadable_mode_still_reported(tmp_path):
    assert mode_facts(make(tmp_path, 0o000))["octal"] == "0000"


def test_owner_differs(tmp_path):
    path = make(tmp_path, 0o600)
    assert mode_facts(path, folder_owner_uid=os.getuid())["owner_differs"] is False
    assert mode_facts(path, folder_owner_uid=os.getuid() + 1)["owner_differs"] is True


def test_follows_symlink_to_the_file_read(tmp_path):
    target = make(tmp_path, 0o640)
    link = tmp_path / "link.pem"
    link.symlink_to(target)
    assert mode_facts(link)["octal"] == "0640"


def test_does_not_change_mode(tmp_path):
    path = make(tmp_path, 0o644)
    before = path.stat()
    mode_facts(path)
    after = path.stat()
    assert (before.st_mode, before.st_mtime_ns) == (after.st_mode, after.st_mtime_ns)


def test_missing_file_gives_none(tmp_path):
    assert mode_facts(tmp_path / "nope") is None


def test_windows_gives_none(tmp_path, monkeypatch):
    path = make(tmp_path, 0o644)
    monkeypatch.setattr(os, "name", "nt")
    assert mode_facts(path) is None
