"""file.virtual_dirs normalised as the EMS's file system sees them, and compared with where the microserver is
(emslint/facts/virtual_dirs.py)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emslint.facts.virtual_dirs import microserver_paths, normalise, virtual_dir_items


@pytest.mark.parametrize(
    ("text", "path", "absolute"),
    [
        ("/srv/ms/transfer/..", "/srv/ms", True),
        ("/a/b/../../..", "/", True),
        ("/..", "/", True),
        ("//", "/", True),
        ("  /var/lib/x/  ", "/var/lib/x", True),
        ("a/./b//c/", "a/b/c", False),
        ("./transfer/..", ".", False),
        ("transfer/../..", "..", False),
        ("C:\\EMS\\..\\", "c:/", True),
        ("C:/Windows/", "c:/Windows", True),
        ("c:", "c:", False),
        ("C:foo\\..\\..", "c:..", False),
        ("\\srv\\in\\", "/srv/in", True),
        ("\\\\server\\share\\x\\..", "//server/share", True),
        ("\\\\?\\C:\\Windows\\System32", "c:/Windows/System32", True),
        ("~/files", "~/files", False),
    ],
)
def test_normalise(text, path, absolute):
    got = normalise(text)
    assert (got["path"], got["absolute"]) == (path, absolute)


_PIECES = ["/", "\\", ".", "..", "a", "etc", "C:", "~", "//", "b c"]  # (outer white space is stripped once)


@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_normalising_twice_changes_nothing(text):
    once = normalise(text)
    if re.match(r"[A-Za-z]:", once["path"]) and not re.match(r"\s*[A-Za-z]:", text):
        return  # "a/../C:" is a folder named "C:", which read again is a drive
    if once["path"].startswith("//"):
        return  # a UNC share (two backslashes) reads as //server/share, which read again is a POSIX path
    assert normalise(once["path"])["path"] == once["path"]
    assert ".." not in once["path"].split("/") or not once["absolute"]


def test_the_scanned_folder_is_where_the_microserver_is(tmp_path):
    root = tmp_path / "gateway"
    (root / "etc").mkdir(parents=True)
    here = normalise(str(root.resolve()))["path"]
    ems = {"file": {"virtual_dirs": [{"all": str(root)}, {"up": str(root / "in" / "..")}, {"in": str(root / "in")},
                                     {"etc": str(root / "etc" / "x")}, {"parent": str(tmp_path)}]}}
    paths = microserver_paths(ems, None, root, tmp_path)
    assert paths == [here]
    shared = {i["at"]["pointer"].rpartition("/")[2]: i["shares_microserver"] for i in virtual_dir_items(ems, paths)}
    assert shared == {"all": True, "up": True, "in": False, "etc": True, "parent": True}


def test_absolute_paths_in_the_configs_reveal_the_device_path(tmp_path):
    root = tmp_path / "gateway"
    (root / "etc" / "certs").mkdir(parents=True)
    (root / "etc" / "certs" / "ca.pem").write_text("x")
    ems = {"certificates": {"cert_chain": "/srv/ms/etc/certs/ca.pem", "client_cert": "/opt/other/etc/nothing.pem"}}
    lsr = {"rap_cert_file": "C:\\EMS\\etc\\certs\\ca.pem", "x": "/etc/../etc/certs/ca.pem"}
    assert microserver_paths(ems, lsr, root, tmp_path)[1:] == ["/srv/ms", "c:/EMS", "/"]


def test_nothing_outside_the_scan_root_is_looked_at(tmp_path, monkeypatch):
    """Only etc/<rest> below the deployment folder is looked up, after normalisation (no .. is left)."""
    root = tmp_path / "gateway"
    root.mkdir()
    seen: list[str] = []
    import emslint.facts.virtual_dirs as virtual_dirs

    real = virtual_dirs.resolve_config_path
    monkeypatch.setattr(virtual_dirs, "resolve_config_path", lambda text, **kw: seen.append(text) or real(text, **kw))
    climbing = {"a": "/x/etc/../../../etc/shadow", "b": "/x/etc/certs/../../../y", "c": "/q/etc/../../r/etc/a/../.."}
    microserver_paths(climbing, None, root, root)
    assert seen == ["etc/shadow"]  # root/etc/shadow: inside the root (the device path would be /)


def test_items_in_the_facts(tmp_path):
    items = virtual_dir_items({"file": {"virtual_dirs": [{"in": "/srv/in/"}, {"n": 5}, "x"]}}, ["/srv/ms"])
    assert json.loads(json.dumps(items)) == [{
        "at": {"file": "ems", "pointer": "/file/virtual_dirs/0/in"}, "detail": "/srv/in", "path": "/srv/in",
        "absolute": True, "windows": False, "shares_microserver": False,
    }]
    assert virtual_dir_items({"file": {}}, []) is None
