"""The read stage of connector files: includes only inside the allowed folders (files outside are never
opened), connector-* issue codes, PTC's printed examples, and effective values as Typesafe config reads them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import emslint.read.connector as connector_module
from emslint.discover import ConfigFile
from emslint.facts.connector import effective_connector, typesafe_boolean
from emslint.read.connector import MAX_INCLUDED_FILES, read_connector

PTC = Path(__file__).parent.parent / "data" / "hocon" / "ptc"


def _read(path: Path, roots: tuple[Path, ...] | None = None):
    return read_connector(ConfigFile("connector", path, path.name), allowed_roots=roots or (path.parent,))


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every path the read stage opens."""
    seen: list[Path] = []
    original = connector_module.read_source

    def spy(path, **kwargs):
        seen.append(Path(path))
        return original(path, **kwargs)

    monkeypatch.setattr(connector_module, "read_source", spy)
    return seen


def test_includes_inside_the_folder_are_merged(tmp_path: Path, opened: list[Path]) -> None:
    (tmp_path / "common.conf").write_text('cx-server.protocol.port = 9443\ninclude "more"\n')
    (tmp_path / "more.conf").write_text("cx-server.health-check.port = 9009\n")
    main = tmp_path / "emessage.conf"
    main.write_text('include "common.conf"\ncx-server.thing.name = "c1"\n')
    source = _read(main)
    assert source.result is not None
    assert source.result.data == {"cx-server": {"protocol": {"port": 9443}, "health-check": {"port": 9009},
                                                "thing": {"name": "c1"}}}
    assert source.result.origins["/cx-server/protocol/port"] == "common.conf"
    assert [p.name for p in opened] == ["emessage.conf", "common.conf", "more.conf"]
    assert not [i for i in source.issues if i.code.startswith("hocon-include")]


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.conf", "link.conf"])
def test_includes_outside_the_folder_are_never_opened(tmp_path: Path, opened: list[Path], name: str) -> None:
    scan = tmp_path / "scan"
    scan.mkdir()
    (tmp_path / "outside.conf").write_text('cx-server.transport.websockets.app-key = "x"\n')
    os.symlink(tmp_path / "outside.conf", scan / "link.conf")
    main = scan / "emessage.conf"
    main.write_text(f'include "{name}"\ncx-server.thing.name = "c1"\n')
    source = _read(main)
    assert opened == [main]
    (issue,) = [i for i in source.issues if i.code.startswith("hocon-include")]
    assert issue.code == "hocon-include-refused" and "outside the scanned folder" in issue.message
    assert source.result is not None and source.result.data == {"cx-server": {"thing": {"name": "c1"}}}


def test_a_folder_named_by_allow_outside_may_be_included(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/common.conf").write_text("cx-server.protocol.port = 1\n")
    (tmp_path / "scan").mkdir()
    main = tmp_path / "scan/emessage.conf"
    main.write_text(f'include "{tmp_path / "shared/common.conf"}"\n')
    source = _read(main, (tmp_path / "scan", tmp_path / "shared"))
    assert source.result is not None and source.result.data == {"cx-server": {"protocol": {"port": 1}}}


def test_urls_and_classpath_resources_are_never_followed(tmp_path: Path, opened: list[Path]) -> None:
    main = tmp_path / "emessage.conf"
    main.write_text('include url("http://example.com/a.conf")\ninclude classpath("reference.conf")\n'
                    'include "https://example.com/b.conf"\ncx-server.thing.name = "c"\n')
    source = _read(main)
    assert opened == [main]
    assert [i.code for i in source.issues] == ["hocon-include-refused"] * 3


def test_include_count_is_capped(tmp_path: Path, opened: list[Path]) -> None:
    (tmp_path / "self.conf").write_text("a.b = 1\n")
    main = tmp_path / "emessage.conf"
    main.write_text("cx-server.x = 1\n" + 'include "self.conf"\n' * (MAX_INCLUDED_FILES + 10))
    source = _read(main)
    assert len(opened) == MAX_INCLUDED_FILES + 1
    refused = [i for i in source.issues if i.code == "hocon-include-refused"]
    assert len(refused) == 10


def test_issue_codes_are_the_connectors_own(tmp_path: Path) -> None:
    main = tmp_path / "emessage.conf"
    main.write_bytes(b"\xef\xbb\xbfcx-server.remote-access.gas.http-client.ssl.enabeld = true\n")
    codes = {i.code for i in _read(main).issues}
    assert codes == {"connector-encoding-bom", "connector-schema-unknown-key"}
    missing = _read(tmp_path / "nothing.conf")
    assert [i.code for i in missing.issues] == ["connector-file-unreadable"]


def test_ptc_examples_give_the_syntax_errors_typesafe_would_raise(tmp_path: Path) -> None:
    source = _read(PTC / "cxserver-transport-websockets.conf")
    syntax = [(i.code, i.line) for i in source.issues if i.code == "hocon-syntax-error"]
    assert syntax == [("hocon-syntax-error", 5), ("hocon-syntax-error", 16), ("hocon-syntax-error", 19)]
    assert source.result is not None
    websockets = source.result.data["cx-server"]["transport"]["websockets"]
    assert websockets["connections"]["pingRate"] == "30s"
    clean = _read(PTC / "emessage-format-dotted.conf")
    assert clean.issues == [] and clean.result is not None
    assert clean.result.data == {"cx-server": {"thing": {"name": "eMessageConnector1", "num": 1}}}


def test_a_file_without_cx_server_is_foreign(tmp_path: Path) -> None:
    source = _read(PTC / "emessage-file-transfer.conf")
    assert source.foreign and [i.code for i in source.issues] == ["connector-no-cx-server"]


@pytest.mark.parametrize(("written", "read"), [
    (True, True), ("true", True), ("yes", True), ("on", True), (False, False), ("false", False), ("no", False),
    ("off", False), ("True", "True"), ("1", "1"), ("enabled", "enabled"),
])
def test_booleans_as_typesafe_config_reads_them(written, read) -> None:
    assert typesafe_boolean(written) == read


def test_effective_values_defaults_and_the_environment() -> None:
    raw = {"cx-server": {"protocol": {"port": "9443"}, "remote-access": {"gas": {"http-client": {"ssl": {
        "verify-host": "on"}}}}}}
    unknown = {"/cx-server/remote-access/gas/http-client/ssl/enabled": "set from the environment variable GAS_TLS"}
    effective = effective_connector(raw, unknown)
    assert effective is not None
    ssl = effective["cx-server"]["remote-access"]["gas"]["http-client"]["ssl"]
    assert ssl == {"enabled": {"$unknown": "set from the environment variable GAS_TLS"}, "verify-host": True,
                   "trust-all-certificates": False}
    assert effective["cx-server"]["protocol"]["port"] == 9443
    assert effective["cx-server"]["protocol"]["http-server"]["ssl"]["enabled"] is True  # PTC: on by default
    assert raw["cx-server"]["protocol"]["port"] == "9443"  # the raw section is left as read
