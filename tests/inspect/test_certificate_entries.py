"""Every certificate of a file gets its facts (certs[]), and the host-name check says what it compared."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emslint.inspect import certificate_entries as ce
from emslint.inspect import hostname_check as hc
from tests.inspect import pki
from tests.inspect.pki import DAY, NOW, inspect, item


def test_a_served_chain_has_one_entry_per_certificate_in_file_order(tmp_path):
    root = pki.root_ca()
    weak_sub = pki.make_cert("Weak Issuing CA", ca=True, issuer=root, key=pki.rsa_key(1024, 7))
    leaf = pki.make_cert("ems.example", issuer=weak_sub, key=pki.rsa_key(2048, 8), san=["ems.example"])
    pki.write(tmp_path, "etc/ems.pem", leaf.pem + weak_sub.pem, 0o644)
    pki.write(tmp_path, "etc/ca.pem", root.pem, 0o644)
    items = inspect(tmp_path, {"http_server": {"ssl": True, "certificate": "etc/ems.pem"}},
                    {"rap_cert_file": "etc/ca.pem", "rap_ssl": True, "rap_validate": True})
    served = item(items, "ems-rest-server-cert")
    first, second = served["certs"]
    assert (first["index"], first["of"], first["usage"], second["usage"]) == (1, 2, "end-entity", "chain")
    assert (second["subject_cn"], second["key_bits"], second["can_issue"]) == ("Weak Issuing CA", 1024, True)
    assert second["detail"].startswith("certificate 2 of 2, CN=Weak Issuing CA, RSA 1024-bit key, SHA-256")
    assert all(e["in_use"] is True for e in served["certs"])
    (anchor,) = item(items, "ems-ca-for-lsr")["certs"]
    assert (anchor["usage"], anchor["anchor_of"]) == ("trust", ["ems-rest-server-cert"])


def test_a_pinned_copy_of_the_served_certificate_is_not_marked_as_its_anchor(tmp_path):
    leaf = pki.leaf("ems.example")
    pki.write(tmp_path, "etc/ems.pem", leaf.pem, 0o644)
    items = inspect(tmp_path, {"http_server": {"certificate": "etc/ems.pem"}}, {"rap_cert_file": "etc/ems.pem"})
    assert item(items, "ems-rest-server-cert")["cert"]["chain_ok"] is True
    assert item(items, "ems-ca-for-lsr")["certs"][0]["anchor_of"] == []


@pytest.mark.parametrize(
    ("not_before", "days", "text"),
    [
        (-10, 375, "valid until 2026-06-01, 365 days left"),
        (-400, 390, "expired on 2025-05-22, 10 days ago"),
        (3, 365, "not valid before 2025-06-04, 3 days from now"),
    ],
)
def test_validity_is_said_in_words(not_before, days, text):
    cert = pki.make_cert("x.example", not_before=NOW + not_before * DAY, days=days, key=pki.rsa_key(2048, 9))
    (entry,) = ce.certificate_entries([cert.cert], NOW, trust=False, in_use=None)
    assert entry["detail"].endswith(text)


@settings(max_examples=40, deadline=None)
@given(cn=st.text(min_size=1, max_size=300).filter(lambda t: t.strip() and "\x00" not in t))
def test_a_subject_cn_in_a_message_is_bounded(cn):
    """Whatever CN a certificate carries, a message shows at most MAX_NAME characters of it."""
    shown = ce.short_name(cn)
    assert len(shown) <= len("CN=") + ce.MAX_NAME
    assert shown == f"CN={cn}" or (len(cn) > ce.MAX_NAME and shown.endswith("..."))


@settings(max_examples=25, deadline=None)
@given(count=st.integers(min_value=0, max_value=12), host=st.sampled_from(["localhost", "10.1.2.3", "edge.local"]))
def test_the_host_name_check_names_what_it_compared_capped(count, host):
    names = [f"name-{i}.plant.example" for i in range(count)]
    cert = pki.make_cert("name-0.plant.example", san=names or None, key=pki.rsa_key(2048, 10))
    check = hc.hostname_check(cert.cert, host, "scripts.rap_host", "lsr", True)
    assert check["ok"] is False and check["host"] == host
    assert check["names"] == (names or ["name-0.plant.example"])[: hc.MAX_NAMES]
    assert check["detail"].startswith(f"the LSR dials '{host}', set in scripts.rap_host; ")
    if count > hc.MAX_NAMES:
        assert check["detail"].endswith(f"and {count - hc.MAX_NAMES} more in its subjectAltName")
    elif not names:
        assert check["detail"].endswith("as its subject CN (it has no subjectAltName)")


def test_a_renewed_root_beside_the_expired_one_is_the_anchor(tmp_path):
    """As OpenSSL prefers an issuer within its dates, the renewed root (same name and key) is the anchor, not
    the expired one before it in the file: nothing expired is on the path."""
    key = pki.rsa_key(2048, 11)
    old = pki.make_cert("Plant Root", ca=True, key=key, not_before=NOW - 4000 * DAY, days=3650)
    new = pki.make_cert("Plant Root", ca=True, key=key, not_before=NOW - 300 * DAY, days=3650)
    leaf = pki.make_cert("ems.example", issuer=new, key=pki.rsa_key(2048, 12), san=["ems.example"])
    pki.write(tmp_path, "etc/ems.pem", leaf.pem, 0o644)
    pki.write(tmp_path, "etc/ca.pem", old.pem + new.pem, 0o644)
    items = inspect(tmp_path, {"http_server": {"certificate": "etc/ems.pem"}}, {"rap_cert_file": "etc/ca.pem"})
    assert item(items, "ems-rest-server-cert")["cert"]["chain_ok"] is True
    expired, renewed = item(items, "ems-ca-for-lsr")["certs"]
    assert (expired["expired"], expired["anchor_of"]) == (True, [])
    assert (renewed["expired"], renewed["anchor_of"]) == (False, ["ems-rest-server-cert"])
