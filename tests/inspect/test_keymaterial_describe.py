"""inspect/keymaterial.py: what an item holds when analysing a file's content stops part-way (hostile content)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from emslint.discover import discover
from emslint.facts.build import build_facts
from emslint.inspect import certificates, keymaterial
from emslint.pipeline import read_target
from emslint.settings import Settings
from tests.inspect import pki

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_content_that_stops_the_analysis_keeps_what_was_found_before_and_is_not_remembered(tmp_path, monkeypatch):
    etc = tmp_path / "gw" / "etc"
    (etc / "certs").mkdir(parents=True)
    (etc / "certs" / "ca.pem").write_bytes(pki.make_cert("Test CA", ca=True).pem)
    (etc / "config.json").write_text(json.dumps({
        "ws_servers": [{"host": "twx.example.com", "port": 443}],
        "ws_connection": {"encryption": "ssl"},
        "certificates": {"validate": True, "cert_chain": "etc/certs/ca.pem"},
    }))

    def stops(*args, **kwargs):
        raise ValueError("hostile")

    monkeypatch.setattr(certificates, "ca_list_facts", stops)
    keymaterial._described.clear()
    targets, _ = discover([str(tmp_path / "gw")])
    facts = build_facts(targets[0], read_target(targets[0], Settings()), Settings(), NOW)
    item = next(i for i in facts["files"] if i.get("role") == "platform-ca")
    assert (item["status"], item["detail"], item["cert"], item["key"]) == (
        "unparsable", "the file content could not be analysed", None, None)
    assert (item["format"], item["found"], item["ca"]) == ("pem", "ca-list", None)
    assert [c["subject_cn"] for c in item["certs"]] == ["Test CA"]  # listed before the CA-list counts failed
    assert not keymaterial._described  # a failed analysis is not kept for the next deployment
