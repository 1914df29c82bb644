"""Connector files and entity exports against hostile input: whatever the text, the pipeline finishes with
findings and never an internal error; truncations and bit flips of a full file, garbage bytes, HOCON built
from its own punctuation, and hostile XML beside the file."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening import assert_analysed, lint_folder

FULL = """# every group the connector schema knows
cx-server {
  thing { name = "c1", num = 1 }
  transport.websockets {
    platforms = ["wss://a.example.com/Thingworx/WS", "ws://b.example.com:80/Thingworx/WS"]
    app-key = "2d4e9440-3e51-452f-a057-b70d8d1e2a4b"
    connections { pingRate = 30s, highWaterMark = 64k }
  }
  protocol {
    port = "8443"
    http-server.ssl { enabled = yes, key-store { file = "k.p12", password = ${?KS} } }
    http-client.ssl.trust-store { file = "/path/to/t.p12", password = changeit }
  }
  health-check.port = 9009
  emessage.file-transfer {
    upload.url = "http://x/upload"
    download.url = ${cx-server.emessage.file-transfer.upload.url}
  }
  remote-access.gas.http-client.ssl { enabled = ${GAS}, verify-host = false, trust-all-certificates = on }
}
include "other.conf"
"""

TOKENS = ["cx-server", "{", "}", "[", "]", "=", ":", "+=", ",", "\n", " ", ".", '"', '"""', "${", "${?", "//",
          "#", "include", "required(", "file(", ")", "true", "yes", "8443", "wss://h/x", "ws://h", "app-key",
          "remote-access", "gas", "http-client", "ssl", "enabled", "password", "\\", "\t", "null", "-", "\ufeff"]


def _write(root: Path, name: str, data: bytes) -> None:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "emessage.conf").write_bytes(data)


def test_truncations_and_bit_flips_of_a_full_file(tmp_path: Path) -> None:
    data = FULL.encode()
    rng = random.Random(11)
    for i, cut in enumerate(range(0, len(data), 23)):
        _write(tmp_path, f"cut{i:03d}", data[:cut])
    for i in range(20):
        flipped = bytearray(data)
        for _ in range(12):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        _write(tmp_path, f"flip{i:02d}", bytes(flipped))
    for i in range(5):
        _write(tmp_path, f"garbage{i}", rng.randbytes(3000))
    results = lint_folder(tmp_path)
    assert_analysed(results)
    assert len(results) == len(range(0, len(data), 23)) + 25


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), max_size=80))
def test_hocon_made_of_its_own_punctuation(tmp_path_factory, parts: list[str]) -> None:
    root = tmp_path_factory.mktemp("tokens")
    _write(root, "c", "".join(parts).encode())
    (results,) = [lint_folder(root)]
    assert_analysed(results)


def test_hostile_exports_beside_a_connector(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "emessage.conf").write_text(FULL)
    laughs = ('<!DOCTYPE l [<!ENTITY a "TokenPropertyAuthenticator">' + "".join(
        f'<!ENTITY a{i} "{"&a;" * 10 if i == 0 else f"&a{i - 1};" * 10}">' for i in range(8)) + "]><x>&a7;</x>")
    (folder / "a.xml").write_text(laughs)
    (folder / "b.xml").write_bytes(b"TokenPropertyAuthenticator" + bytes(range(256)) * 10)
    (folder / "c.xml").write_text("<x>" * 5000 + "TokenPropertyAuthenticator")
    (folder / "logback.xml").write_text("<configuration/>")
    (result,) = lint_folder(tmp_path)
    assert_analysed([result])
    not_read = sorted((f.file.rpartition("/")[2], f.message.split(" (")[0].split(";")[0])
                      for f in result.findings if f.rule == "EMC012")
    assert [name for name, _ in not_read] == ["a.xml", "b.xml", "c.xml"]


def test_key_stores_and_includes_outside_the_folder_are_never_opened(tmp_path: Path) -> None:
    from tests.hardening import audited

    secret = tmp_path / "elsewhere" / "private.p12"
    secret.parent.mkdir()
    secret.write_bytes(b"\xfe\xed\xfe\xed")
    (secret.parent / "more.conf").write_text("cx-server.protocol.http-server.ssl.enabled = false\n")
    scan = tmp_path / "scan" / "conf"
    scan.mkdir(parents=True)
    (scan / "emessage.conf").write_text(
        f'include "{secret.parent / "more.conf"}"\n'
        f'cx-server.protocol.http-server.ssl.key-store {{ file = "{secret}", password = ${{KS}} }}\n'
        'cx-server.protocol.http-client.ssl.trust-store.file = "../../elsewhere/private.p12"\n')
    with audited() as events:
        (result,) = lint_folder(tmp_path / "scan")
    opened = [str(args[0]) for event, args in events if event == "open" and args and isinstance(args[0], str)]
    assert not [p for p in opened if "elsewhere" in p], opened
    assert_analysed([result])
    outside = sorted((f.rule, f.pointer, f.link) for f in result.findings if f.rule in ("EMS627", "EMC005"))
    assert outside == [
        ("EMC005", "", None),
        ("EMS627", "/cx-server/protocol/http-client/ssl/trust-store/file", "connector-platform"),
        ("EMS627", "/cx-server/protocol/http-server/ssl/key-store/file", "connector-edge"),
    ]
    assert result.links["connector-edge"].state == "unknown"
    about_stores = [f.rule for f in result.findings if "store" in f.pointer and f.rule != "EMS627"]
    assert about_stores == []  # no format, no mode, no "missing": nothing was looked at
