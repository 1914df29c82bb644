"""Discovery of eMessage Connector / Connection Server files: a target per file, explicit .conf and .xml files,
key stores standing for their Connector, the lazy walk agreeing with the full one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emslint.discover import discover

CONF = 'cx-server.transport.websockets.platforms = "wss://twx.example.com/Thingworx/WS"\n'


def _write(path: Path, text: str | bytes = CONF) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _shape(targets) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(t.display, [(f.role, f.display) for f in t.files]) for t in targets]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "site/gw1/etc/config.json", '{"ws_servers": [{"host": "twx", "port": 443}]}')
    _write(tmp_path / "site/gw1/emessage.conf")  # a Connector beside a microserver: a target of its own
    _write(tmp_path / "site/acp/conf/emessage.conf")
    _write(tmp_path / "site/acp/conf/emessage-all.conf")
    _write(tmp_path / "site/acp/conf/logback.xml", "<configuration/>")
    _write(tmp_path / "site/cxs/conf/cxserver.conf")
    _write(tmp_path / "site/cxs/conf/cxserver-sample.conf")  # not a name the walk looks for
    return tmp_path


def test_each_connector_file_is_a_target_of_its_own(tree: Path) -> None:
    targets, problems = discover(["site"])
    assert not problems
    assert _shape(targets) == [
        ("site/acp/conf/emessage-all.conf", [("connector", "site/acp/conf/emessage-all.conf")]),
        ("site/acp/conf/emessage.conf", [("connector", "site/acp/conf/emessage.conf")]),
        ("site/cxs/conf/cxserver.conf", [("cxserver", "site/cxs/conf/cxserver.conf")]),
        ("site/gw1", [("ems", "site/gw1/etc/config.json")]),
        ("site/gw1/emessage.conf", [("connector", "site/gw1/emessage.conf")]),
    ]
    roots = {t.display: t.root for t in targets}
    assert roots["site/acp/conf/emessage.conf"] == Path("site/acp")  # runs from the folder above conf/
    assert roots["site/gw1/emessage.conf"] == Path("site/gw1")


def test_the_lazy_walk_finds_the_same_targets_in_the_same_order(tree: Path) -> None:
    eager, _ = discover(["site"])
    lazy, _ = discover(["site"], lazy=True)
    assert _shape(list(lazy)) == _shape(eager)


def test_two_paths_to_one_file_make_one_target(tree: Path) -> None:
    targets, _ = discover(["site/acp", "site/acp/conf/emessage.conf"])
    assert [t.display for t in targets].count("site/acp/conf/emessage.conf") == 1


def test_any_conf_given_by_name_is_a_connector_file(tree: Path) -> None:
    targets, problems = discover(["site/cxs/conf/cxserver-sample.conf"])
    assert not problems
    assert _shape(targets) == [("site/cxs/conf/cxserver-sample.conf",
                                [("cxserver", "site/cxs/conf/cxserver-sample.conf")])]
    _write(tree / "app/application.conf", "akka.loglevel = INFO\n")
    targets, _ = discover(["app/application.conf"])
    assert _shape(targets) == [("app/application.conf", [("connector", "app/application.conf")])]


def test_an_export_stands_for_the_connector_beside_it(tree: Path) -> None:
    _write(tree / "site/acp/conf/auth.xml", "<Entities/>")
    targets, _ = discover(["site/acp/conf/auth.xml"])
    assert [t.display for t in targets] == ["site/acp/conf/emessage-all.conf", "site/acp/conf/emessage.conf"]
    _write(tree / "exports/auth.xml", "<Entities/>")
    targets, _ = discover(["exports/auth.xml"])
    assert _shape(targets) == [("exports/auth.xml", [("entity-export", "exports/auth.xml")])]


def test_a_key_store_stands_for_its_connector(tree: Path) -> None:
    _write(tree / "site/cxs/conf/connector.p12", b"\x30\x82\x01\x00")
    targets, _ = discover(["site/cxs/conf/connector.p12"])
    assert [t.display for t in targets] == ["site/cxs/conf/cxserver.conf"]


def test_a_symlink_out_of_the_scanned_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = _write(tmp_path / "outside/emessage.conf")
    (tmp_path / "scan").mkdir()
    os.symlink(outside, tmp_path / "scan/emessage.conf")
    monkeypatch.chdir(tmp_path)
    for lazy in (False, True):
        targets, _ = discover(["scan"], lazy=lazy)
        (target,) = list(targets)
        assert target.files[0].refused, lazy


def test_the_rules_command_lists_the_connector_rules_with_their_links() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "emslint.cli", "rules"], capture_output=True, text=True,
                         check=True).stdout
    rows = {line.split()[0]: line.split()[1:4] for line in out.splitlines() if line.startswith("EMC")}
    assert rows["EMC101"] == ["connector-platform-cleartext", "critical", "connector-platform"]
    assert rows["EMC201"] == ["connector-gas-tls-off", "high", "connector-gas"]
    assert rows["EMC306"] == ["connector-token-trust-on-first-use", "medium", "connector-edge"]
    assert rows["EMC002"][2] == "-"
    assert len(rows) == 32
