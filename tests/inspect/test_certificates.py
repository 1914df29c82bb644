"""Certificate files and facts; the deployment inspector's roles, statuses and relations."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from emslint.inspect import certificates as c
from emslint.inspect import key_files
from emslint.inspect.keymaterial import ITEM_KEYS, STATUSES
from tests.inspect import pki
from tests.inspect.pki import DAY, NOW, inspect, item


def facts(issued: pki.Issued, now: dt.datetime = NOW) -> dict:
    return c.certificate_facts(issued.cert, now)


# ------------------------------------------------------------------------------------------------ reading


def test_pem_bundle_and_der():
    root, inter = pki.root_ca(), pki.intermediate_ca()
    bundle = c.parse_material(root.pem + inter.pem + pki.leaf().pem)
    assert (bundle.format, len(bundle.certs), bundle.problems) == ("pem", 3, [])
    der = c.parse_material(root.der)
    assert (der.format, len(der.certs)) == ("der", 1)


def test_pem_with_crlf_bom_and_text_around():
    data = (
        b"\xef\xbb\xbfBag Attributes\r\n" + pki.root_ca().pem.replace(b"\n", b"\r\n") + b"trailing text\r\n"
    )
    material = c.parse_material(data)
    assert len(material.certs) == 1 and not material.problems


def test_trusted_certificate_label():
    der = pki.root_ca().der + pki.seq(pki.seq())  # OpenSSL X509_CERT_AUX after the certificate
    assert len(c.parse_material(pki.pem("TRUSTED CERTIFICATE", der)).certs) == 1


def test_cert_and_key_in_one_file():
    leaf = pki.leaf()
    material = c.parse_material(leaf.pem + leaf.key_pem())
    assert len(material.certs) == 1 and len(material.keys) == 1


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (random.Random(2048).randbytes(2048), "neither PEM nor DER"),
        (b"-----BEGIN CERTIFICATE-----\nMIIB\n", "without a matching END"),
    ],
)
def test_unparsable(data, problem):
    material = c.parse_material(data)
    assert material.empty
    assert problem in material.problems[0]


def test_bad_second_block_keeps_first():
    bad = b"-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n"
    material = c.parse_material(pki.root_ca().pem + bad)
    assert len(material.certs) == 1
    assert material.problems == ["PEM block 2 (CERTIFICATE) does not parse"]


@pytest.mark.parametrize("cut", [1, 10, 100, 300, -1])
def test_truncated_der_never_raises(cut):
    material = c.parse_material(pki.root_ca().der[:cut])
    assert material.empty and material.problems


def test_other_pem_kinds():
    pub = (
        pki.rsa_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert c.parse_material(pub).other == ["a public key"]
    csr = pki.pem("CERTIFICATE REQUEST", b"\x30\x00")
    assert c.parse_material(csr).other == ["a certificate signing request"]


def test_read_capped_limits(tmp_path):
    small = pki.write(tmp_path, "a.pem", b"x" * 100)
    assert c.read_capped(small, max_bytes=100)[1] == "ok"
    assert c.read_capped(small, max_bytes=99)[1] == "too-large"


@pytest.mark.skipif(os.name == "nt", reason="FIFO")
def test_read_capped_never_reads_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "p")
    assert c.read_capped(tmp_path / "p")[1] == "not-a-file"


def test_read_capped_permission_denied(tmp_path, monkeypatch):
    path = pki.write(tmp_path, "a.pem", b"x")

    def deny(*args, **kwargs):
        raise PermissionError(13, "denied")

    monkeypatch.setattr(key_files.os, "open", deny)
    assert c.read_capped(path)[1:] == ("unreadable", "permission denied")


# ------------------------------------------------------------------------------------------------ facts


def test_basic_facts():
    issued = pki.leaf("ems.example")
    f = facts(issued)
    assert f["subject_cn"] == "ems.example"
    assert f["issuer_cn"] == "Test Root CA 0"
    assert (f["version"], f["self_signed"], f["is_ca"], f["key_cert_sign"]) == (3, False, False, False)
    assert (f["key_type"], f["key_bits"], f["signature_hash"], f["weak"]) == ("RSA", 2048, "sha256", None)
    assert f["san"] == ["ems.example"]
    assert f["fingerprint_sha256"] == issued.fingerprint
    assert f["not_before"].endswith("Z")
    json.dumps(f)


def test_ca_facts():
    f = facts(pki.root_ca())
    assert (f["self_signed"], f["is_ca"], f["key_cert_sign"]) == (True, True, True)


def test_v1_certificate():
    v1 = pki.re_sign(pki.make_cert("v1.example", key=pki.rsa_key(2048, 5)), hash_name="sha256", v1=True)
    f = facts(v1)
    assert (f["version"], f["self_signed"], f["is_ca"], f["san"]) == (1, True, False, None)


@pytest.mark.parametrize(
    ("key", "kind", "bits", "weak"),
    [
        (lambda: pki.rsa_key(1024), "RSA", 1024, True),
        (lambda: pki.rsa_key(2048), "RSA", 2048, False),
        (lambda: pki.ec_key("secp256r1"), "EC", 256, False),
        (lambda: pki.ec_key("secp192r1"), "EC", 192, True),
        (lambda: pki.dsa_key(1024), "DSA", 1024, True),
        (lambda: pki.ed_key(), "Ed25519", 256, False),
    ],
)
def test_key_types(key, kind, bits, weak):
    f = facts(pki.make_cert("k.example", key=key()))
    assert (f["key_type"], f["key_bits"]) == (kind, bits)
    assert (f["weak"] is not None) == weak


@pytest.mark.parametrize(("hash_name", "weak"), [("sha1", True), ("md5", True), ("sha256", False)])
def test_signature_hash(hash_name, weak):
    cert = pki.re_sign(pki.leaf(), pki.root_ca(), hash_name=hash_name)
    f = facts(cert)
    assert f["signature_hash"] == hash_name
    assert (f["weak"] == f"{hash_name.upper()} signature") == weak


def test_ecdsa_sha1_signature():
    cert = pki.re_sign(pki.make_cert("e.example", key=pki.ec_key()), hash_name="sha1")
    assert facts(cert)["signature_hash"] == "sha1"
    assert facts(cert)["self_signed"] is True


@pytest.mark.parametrize(
    ("nb", "na", "expired", "not_yet", "soon", "days"),
    [
        (-10, 400, False, False, False, 400),
        (-400, -1, True, False, False, -1),
        (5, 400, False, True, False, 400),
        (-300, 10, False, False, True, 10),
        (-300, 29, False, False, True, 29),
        (-300, 31, False, False, False, 31),
    ],
)
def test_validity(nb, na, expired, not_yet, soon, days):
    cert = pki.make_cert("t.example", not_before=NOW + nb * DAY, not_after=NOW + na * DAY)
    f = facts(cert)
    assert (f["expired"], f["not_yet_valid"], f["expires_soon"], f["days_left"]) == (
        expired,
        not_yet,
        soon,
        days,
    )


def test_naive_now_is_utc():
    cert = pki.make_cert("t.example", not_before=NOW - DAY, not_after=NOW + DAY)
    assert facts(cert, NOW.replace(tzinfo=None))["days_left"] == 1


# ------------------------------------------------------------------------------------------------ host names


@pytest.mark.parametrize(
    ("san", "host", "ok"),
    [
        (["ems.example"], "ems.example", True),
        (["ems.example"], "EMS.Example.", True),
        (["ems.example"], "other.example", False),
        (["*.example"], "ems.example", False),
        (["*.corp.example"], "ems.corp.example", True),
        (["*.corp.example"], "a.b.corp.example", False),
        (["*.corp.example"], "corp.example", False),
        (["e*.corp.example"], "ems.corp.example", False),
        (["127.0.0.1"], "127.0.0.1", True),
        (["127.0.0.1"], "127.0.0.2", False),
        (["::1"], "::1", True),
        (["::1"], "[::1]", True),
        (["localhost"], "localhost", True),
        (["localhost"], "127.0.0.1", False),
        (["127.0.0.1"], "localhost", False),
        (["ems.example"], "0.0.0.0", None),
        (["ems.example"], None, None),
        (["ems.example"], "::", None),
    ],
)
def test_hostname_san(san, host, ok):
    assert c.hostname_matches(pki.leaf("cn.example", san=san).cert, host) is ok


def test_hostname_cn_only_without_san():
    cert = pki.leaf("ems.example", san=None).cert
    assert c.hostname_matches(cert, "ems.example") is True
    assert c.hostname_matches(cert, "other.example") is False


def test_cn_ignored_when_san_present():
    cert = pki.leaf("ems.example", san=["other.example"]).cert
    assert c.hostname_matches(cert, "ems.example") is False


def test_ip_in_cn_without_san():
    assert c.hostname_matches(pki.leaf("127.0.0.1", san=None).cert, "127.0.0.1") is True


# ------------------------------------------------------------------------------------------------ chains


def chain(
    leaf: pki.Issued, extra: list[pki.Issued], anchors: list[pki.Issued], now: dt.datetime = NOW
) -> c.ChainResult:
    return c.verify_chain(leaf.cert, [e.cert for e in extra], [a.cert for a in anchors], now)


def test_chain_direct_and_via_intermediate():
    assert chain(pki.leaf(), [], [pki.root_ca()]).ok
    via = pki.leaf(issuer=pki.intermediate_ca())
    assert chain(via, [pki.intermediate_ca()], [pki.root_ca()]).ok
    assert chain(via, [], [pki.intermediate_ca()]).ok  # an intermediate as trust anchor


def test_chain_missing_intermediate():
    result = chain(pki.leaf(issuer=pki.intermediate_ca()), [], [pki.root_ca()])
    assert not result.ok and "not issued" in result.detail


def test_chain_wrong_ca():
    assert not chain(pki.leaf(), [], [pki.root_ca(1)]).ok


def test_chain_forged_issuer_same_name():
    forged_root = pki.make_cert(
        "Test Root CA 0", ca=True, key=pki.rsa_key(2048, 30), subject=pki.root_ca().cert.subject
    )
    result = chain(pki.leaf(), [], [forged_root])
    assert not result.ok and "signature" in result.detail


def test_chain_issuer_not_a_ca():
    fake_ca = pki.make_cert("Not A CA", ca=False, key=pki.rsa_key(2048, 31))
    result = chain(pki.leaf(issuer=fake_ca), [], [fake_ca])
    assert not result.ok and "not a CA" in result.detail


def test_chain_ca_without_key_cert_sign():
    ca = pki.make_cert("CA no certsign", ca=True, key_usage_cert_sign=False, key=pki.rsa_key(2048, 32))
    assert not chain(pki.leaf(issuer=ca), [], [ca]).ok


def test_chain_expired_parts():
    expired_leaf = pki.leaf(not_before=NOW - 400 * DAY, days=10)
    assert "validity" in chain(expired_leaf, [], [pki.root_ca()]).detail
    old_ca = pki.make_cert("Old CA", ca=True, key=pki.rsa_key(2048, 33), not_before=NOW - 900 * DAY, days=10)
    leaf = pki.leaf(issuer=old_ca)
    assert "validity" in chain(leaf, [], [old_ca]).detail


def test_chain_v1_root_is_a_legacy_anchor():
    v1 = pki.re_sign(pki.make_cert("V1 Root", key=pki.rsa_key(2048, 34)), hash_name="sha256", v1=True)
    assert chain(pki.leaf(issuer=v1), [], [v1]).ok


def test_chain_pinned_self_signed_leaf():
    self_signed = pki.make_cert("ems.example", key=pki.rsa_key(2048, 35))
    assert chain(self_signed, [], [self_signed]).ok
    assert not chain(self_signed, [], [pki.root_ca()]).ok


def test_chain_sha1_signature_still_chains():
    assert chain(pki.re_sign(pki.leaf(), pki.root_ca(), hash_name="sha1"), [], [pki.root_ca()]).ok


def test_ca_list_facts():
    non_ca = pki.leaf()
    expired = pki.make_cert(
        "Expired CA", ca=True, key=pki.rsa_key(2048, 36), not_before=NOW - 900 * DAY, days=10
    )
    weak = pki.make_cert("Weak CA", ca=True, key=pki.rsa_key(1024))
    certs = [pki.root_ca().cert, non_ca.cert, expired.cert, weak.cert]
    assert c.ca_list_facts(certs, NOW) == {"count": 4, "issuers": 3, "non_ca": 1, "expired": 1, "weak": 1}
    one = c.ca_list_facts([pki.root_ca().cert], NOW)
    assert one == {"count": 1, "issuers": 1, "non_ca": 0, "expired": 0, "weak": 0}


# ------------------------------------------------------------------------------------------------ deployment


@pytest.fixture
def ms(tmp_path: Path) -> Path:
    (tmp_path / "etc").mkdir()
    return tmp_path


def full_deployment(ms: Path) -> tuple[dict, dict]:
    root, ems_cert, lsr_cert = (
        pki.root_ca(),
        pki.leaf("ems.example"),
        pki.leaf("lsr.example", key=pki.rsa_key(2048, 2)),
    )
    client = pki.leaf("client.example", key=pki.rsa_key(2048, 3))
    pki.write(ms, "etc/certs/ca.pem", root.pem, 0o644)
    pki.write(ms, "etc/certs/ems.pem", ems_cert.pem, 0o644)
    pki.write(ms, "etc/certs/ems.key", ems_cert.key_pem(), 0o600)
    pki.write(ms, "etc/certs/lsr.pem", lsr_cert.pem, 0o644)
    pki.write(ms, "etc/certs/lsr.key", lsr_cert.key_pem(), 0o600)
    pki.write(ms, "etc/certs/client.pem", client.pem, 0o644)
    pki.write(ms, "etc/certs/client.key", client.key_pem(), 0o600)
    ems = {
        "http_server": {
            "host": "localhost",
            "ssl": True,
            "certificate": "etc/certs/ems.pem",
            "private_key": "etc/certs/ems.key",
        },
        "ws_connection": {"encryption": "ssl"},
        "certificates": {
            "validate": True,
            "cert_chain": "etc/certs/ca.pem",
            "client_cert": "etc/certs/client.pem",
            "key_file": "etc/certs/client.key",
            "http_client_ca_certs": "etc/certs/ca.pem",
            "fingerprint_allowlist": [lsr_cert.fingerprint],
        },
    }
    lsr = {
        "rap_host": "ems.example",
        "rap_ssl": True,
        "rap_validate": True,
        "rap_cert_file": "etc/certs/ca.pem",
        "script_resource_host": "lsr.example",
        "script_resource_ssl": True,
        "script_resource_certificate_chain": "etc/certs/lsr.pem",
        "script_resource_private_key": "etc/certs/lsr.key",
        "fingerprint_allowlist": ems_cert.fingerprint,
    }
    return ems, lsr


def test_roles_links_pointers_and_shape(ms):
    items = inspect(ms, *full_deployment(ms))
    got = [(i["role"], i["link"], i["at"]["file"], i["at"]["pointer"], i["expects"]) for i in items]
    assert got == [
        ("ems-rest-server-cert", "ems-rest", "ems", "/http_server/certificate", "certificate"),
        ("ems-rest-server-key", "ems-rest", "ems", "/http_server/private_key", "private-key"),
        ("platform-ca", "platform", "ems", "/certificates/cert_chain", "ca-list"),
        ("platform-client-cert", "platform", "ems", "/certificates/client_cert", "certificate"),
        ("platform-client-key", "platform", "ems", "/certificates/key_file", "key-or-pkcs12"),
        ("edge-ca", "lsr-rest", "ems", "/certificates/http_client_ca_certs", "ca-list"),
        ("ems-ca-for-lsr", "ems-rest", "lsr", "/scripts/rap_cert_file", "ca-list"),
        ("lsr-server-cert", "lsr-rest", "lsr", "/scripts/script_resource_certificate_chain", "certificate"),
        ("lsr-server-key", "lsr-rest", "lsr", "/scripts/script_resource_private_key", "private-key"),
        ("fingerprint-allowlist", "lsr-rest", "ems", "/certificates/fingerprint_allowlist", None),
        ("fingerprint-allowlist", "ems-rest", "lsr", "/scripts/fingerprint_allowlist", None),
    ]
    for i in items:
        assert tuple(i) == ITEM_KEYS
        assert i["status"] in STATUSES
        assert i["status"] == "ok", i
        assert i["in_use"] is True, i["role"]
    json.dumps(items)


def test_relations_in_full_deployment(ms):
    items = inspect(ms, *full_deployment(ms))
    ems_cert = item(items, "ems-rest-server-cert")["cert"]
    assert (ems_cert["hostname"], ems_cert["hostname_ok"]) == ("ems.example", True)
    assert ems_cert["hostname_at"] == {"file": "lsr", "pointer": "/scripts/rap_host"}
    assert (ems_cert["chains_to"], ems_cert["chain_ok"]) == ("etc/certs/ca.pem", True)
    lsr_cert = item(items, "lsr-server-cert")["cert"]
    assert (lsr_cert["hostname"], lsr_cert["hostname_ok"], lsr_cert["chain_ok"]) == (
        "lsr.example",
        True,
        True,
    )
    assert item(items, "platform-client-cert")["cert"]["chain_ok"] is None
    for role in ("ems-rest-server-key", "platform-client-key", "lsr-server-key"):
        assert item(items, role)["key"]["matches_certificate"] is True
    assert item(items, "platform-ca")["ca"] == {"count": 1, "issuers": 1, "non_ca": 0, "expired": 0, "weak": 0}
    assert item(items, "ems-rest-server-cert")["ca"] is None
    assert item(items, "ems-rest-server-cert")["mode"] is None
    assert item(items, "ems-rest-server-key")["mode"]["octal"] == "0600"
    fps = [i for i in items if i["role"] == "fingerprint-allowlist"]
    assert [f["any_match"] for f in fps] == [True, True]
    assert fps[0]["related"] == ["etc/certs/lsr.pem"] and fps[1]["related"] == ["etc/certs/ems.pem"]


def test_ems_host_falls_back_when_rap_host_is_prose(ms):
    ems, lsr = full_deployment(ms)
    lsr["rap_host"] = "EMS IP Address"
    cert = item(inspect(ms, ems, lsr), "ems-rest-server-cert")["cert"]
    assert (cert["hostname"], cert["hostname_ok"]) == ("localhost", False)
    assert cert["hostname_at"] == {"file": "ems", "pointer": "/http_server/host"}


def test_wildcard_bind_has_no_hostname_verdict(ms):
    ems, _lsr = full_deployment(ms)
    ems["http_server"]["host"] = "0.0.0.0"
    cert = item(inspect(ms, ems, None), "ems-rest-server-cert")["cert"]
    assert (cert["hostname"], cert["hostname_ok"]) == ("0.0.0.0", None)


def test_ems_cert_not_chaining_to_rap_cert_file(ms):
    ems, lsr = full_deployment(ms)
    pki.write(ms, "etc/certs/other-ca.pem", pki.root_ca(1).pem, 0o644)
    lsr["rap_cert_file"] = "etc/certs/other-ca.pem"
    cert = item(inspect(ms, ems, lsr), "ems-rest-server-cert")["cert"]
    assert (cert["chains_to"], cert["chain_ok"]) == ("etc/certs/other-ca.pem", False)
    assert cert["chain_detail"] == "not issued by any certificate in the CA list"


def test_chain_unknown_without_ca_list(ms):
    ems, lsr = full_deployment(ms)
    del lsr["rap_cert_file"]
    cert = item(inspect(ms, ems, lsr), "ems-rest-server-cert")["cert"]
    assert (cert["chains_to"], cert["chain_ok"], cert["chain_detail"]) == (None, None, None)
    lsr["rap_cert_file"] = "/path/to/ca"
    cert = item(inspect(ms, ems, lsr), "ems-rest-server-cert")["cert"]
    assert cert["chain_ok"] is None and "placeholder" in cert["chain_detail"]


def test_lsr_cert_uses_cert_chain_without_http_client_ca_certs(ms):
    ems, lsr = full_deployment(ms)
    del ems["certificates"]["http_client_ca_certs"]
    pki.write(ms, "etc/certs/other-ca.pem", pki.root_ca(1).pem, 0o644)
    ems["certificates"]["cert_chain"] = ["etc/certs/other-ca.pem", "etc/certs/ca.pem"]  # 5.4.0 array form
    items = inspect(ms, ems, lsr)
    assert [i["at"]["pointer"] for i in items if i["role"] == "platform-ca"] == [
        "/certificates/cert_chain/0",
        "/certificates/cert_chain/1",
    ]
    cert = item(items, "lsr-server-cert")["cert"]
    assert (cert["chain_ok"], cert["chains_to"]) == (True, "etc/certs/ca.pem")
    ems["certificates"]["http_client_ca_certs"] = "etc/certs/other-ca.pem"
    assert item(inspect(ms, ems, lsr), "lsr-server-cert")["cert"]["chain_ok"] is False


def test_criteria_mismatch(ms):
    ems, lsr = full_deployment(ms)
    ems["certificates"]["validation_criteria"] = {
        "Cert_Common_Name": "platform.example",
        "CA_Cert_Common_Name": "test root ca 0",
        "CA_Cert_Organization": "Test Org",
        "CA_Cert_Organizational_Name": "Wrong Unit",
    }
    items = inspect(ms, ems, lsr)
    assert item(items, "platform-ca")["cert"]["criteria_mismatch"] == ["CA_Cert_Organizational_Name"]
    assert item(items, "ems-rest-server-cert")["cert"]["criteria_mismatch"] is None
    ems["certificates"]["validation_criteria"]["CA_Cert_Organizational_Name"] = "Test PKI"
    assert item(inspect(ms, ems, lsr), "platform-ca")["cert"]["criteria_mismatch"] == []


def test_fingerprint_allowlists(ms):
    ems, lsr = full_deployment(ms)
    fp = ems["certificates"]["fingerprint_allowlist"][0]  # the LSR server certificate's
    colons = ":".join(fp[i : i + 2] for i in range(0, 64, 2)).upper()
    ems["certificates"]["fingerprint_allowlist"] = [colons, "0" * 64, "abc", fp + " ", 5]
    lsr["fingerprint_allowlist"] = "0" * 64 + ", " + "1" * 64
    items = inspect(ms, ems, lsr)
    ems_fp, lsr_fp = [i for i in items if i["role"] == "fingerprint-allowlist"]
    assert [(e["well_formed"], e["matches"]) for e in ems_fp["entries"]] == [
        (True, True),
        (True, False),
        (False, False),
        (False, True),
        (False, False),
    ]
    assert ems_fp["entries"][4]["pointer"] == "/certificates/fingerprint_allowlist/4"
    assert ems_fp["any_match"] is True
    assert [(e["well_formed"], e["matches"]) for e in lsr_fp["entries"]] == [(True, False), (False, False)]
    assert lsr_fp["any_match"] is False
    assert "none matches" in lsr_fp["detail"]


def test_fingerprint_whitelist_and_no_server_cert(ms):
    items = inspect(ms, {"certificates": {"fingerprint_whitelist": ["0" * 64]}}, None)
    (fp,) = items
    assert fp["at"]["pointer"] == "/certificates/fingerprint_whitelist"
    assert fp["any_match"] is None and fp["entries"][0]["matches"] is False


def test_unset_values_give_no_item(ms):
    ems = {
        "http_server": {"certificate": "", "private_key": None},
        "certificates": {"cert_chain": {"$unknown": "call"}},
    }
    lsr = {"rap_cert_file": {"$unknown": "function call"}}
    assert inspect(ms, ems, lsr) == []
    assert inspect(ms, None, None) == []


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (" ", "placeholder"),
        ("/path/to/certificate/file", "placeholder"),
        ("C:\\certs\\ems.pem", "windows-path"),
        ("etc/certs/none.pem", "missing"),
        ("etc", "not-a-file"),
        ("C:\\some\x0colder", "control-chars"),
    ],
)
def test_path_statuses_reach_items(ms, value, status):
    if os.name == "nt" and status == "windows-path":
        pytest.skip("POSIX only")
    it = item(inspect(ms, {"http_server": {"certificate": value}}, None), "ems-rest-server-cert")
    assert it["status"] == status
    assert (it["path"], it["related"], it["cert"]) == (None, [], None)
    assert it["detail"]


def test_too_large_and_unparsable_items(ms):
    pki.write(ms, "etc/big.pem", b"0" * (c.MAX_BYTES + 1), 0o644)
    pki.write(ms, "etc/junk.pem", random.Random(512).randbytes(512), 0o644)
    ems = {"http_server": {"certificate": "etc/big.pem"}, "certificates": {"cert_chain": "etc/junk.pem"}}
    items = inspect(ms, ems, None)
    assert (items[0]["status"], items[0]["path"]) == ("too-large", "etc/big.pem")
    assert (items[1]["status"], items[1]["found"]) == ("unparsable", None)


@pytest.mark.parametrize(
    ("pointer_key", "content", "found", "detail"),
    [
        (
            "certificate",
            lambda: pki.leaf().key_pem(),
            "private-key",
            "file holds a private key, not a certificate",
        ),
        (
            "certificate",
            lambda: pki.p12(pki.leaf()),
            "pkcs12",
            "file is PKCS#12; a PEM certificate file is expected",
        ),
        ("private_key", lambda: pki.leaf().pem, "certificate", "file holds a certificate, not a private key"),
        (
            "private_key",
            lambda: pki.p12(pki.leaf()),
            "pkcs12",
            "file is PKCS#12; a PEM private key is expected",
        ),
        (
            "certificate",
            lambda: (
                pki.rsa_key()
                .public_key()
                .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            ),
            None,
            "file holds a public key, not a certificate",
        ),
    ],
)
def test_wrong_kind(ms, pointer_key, content, found, detail):
    pki.write(ms, "etc/file", content(), 0o600)
    (it,) = inspect(ms, {"http_server": {pointer_key: "etc/file"}}, None)
    assert (it["status"], it["found"], it["detail"]) == ("wrong-kind", found, detail)


def test_right_kind_is_ok(ms):
    pki.write(ms, "etc/ca.pem", pki.root_ca().pem + pki.intermediate_ca().pem, 0o644)
    (it,) = inspect(ms, {"certificates": {"cert_chain": "etc/ca.pem"}}, None)
    assert (it["status"], it["found"], it["ca"]["count"]) == ("ok", "ca-list", 2)


def test_der_certificate_format_reported(ms):
    pki.write(ms, "etc/ems.der", pki.leaf().der, 0o644)
    (it,) = inspect(ms, {"http_server": {"certificate": "etc/ems.der"}}, None)
    assert (it["status"], it["format"]) == ("ok", "der")


def test_private_key_inside_ca_list_gets_mode(ms):
    pki.write(ms, "etc/ca.pem", pki.root_ca().pem + pki.root_ca().key_pem(), 0o644)
    (it,) = inspect(ms, {"certificates": {"cert_chain": "etc/ca.pem"}}, None)
    assert it["status"] == "ok" and it["key"] is not None
    assert it["mode"]["world_readable"] is True


def test_same_file_read_once(ms, monkeypatch):
    pki.write(ms, "etc/ca.pem", pki.root_ca().pem, 0o644)
    calls = []
    real = c.material_from
    monkeypatch.setattr(c, "material_from", lambda *read: calls.append(read) or real(*read))
    ems = {"certificates": {"cert_chain": "etc/ca.pem", "http_client_ca_certs": "ca.pem"}}
    assert [i["status"] for i in inspect(ms, ems, None)] == ["ok", "ok"]
    assert len(calls) == 1


def test_in_use(ms):
    ems, lsr = full_deployment(ms)
    ems["http_server"]["ssl"] = False
    ems["ws_connection"]["encryption"] = "none"
    lsr.update(script_resource_ssl="FALSE", rap_ssl=True, rap_validate={"$unknown": "x"})
    items = inspect(ms, ems, lsr)
    got = {i["role"]: i["in_use"] for i in items if i["role"] != "fingerprint-allowlist"}
    assert got == {
        "ems-rest-server-cert": False,
        "ems-rest-server-key": False,
        "platform-ca": False,
        "platform-client-cert": False,
        "platform-client-key": False,
        "edge-ca": False,
        "ems-ca-for-lsr": None,
        "lsr-server-cert": False,
        "lsr-server-key": False,
    }
    ems["auto_bind"] = [{"name": "x", "protocol": "https"}]
    assert item(inspect(ms, ems, lsr), "edge-ca")["in_use"] is True


def test_time_relations_use_now(ms):
    ems, lsr = full_deployment(ms)
    later = NOW + 2000 * DAY
    it = item(inspect(ms, ems, lsr, now=later), "ems-rest-server-cert")
    # the dates are judged per certificate (EMS606), the chain on its structure alone (EMS615)
    assert it["cert"]["expired"] is True and it["cert"]["chain_ok"] is True
    assert it["certs"][0]["expired"] is True and "expired on" in it["certs"][0]["detail"]


def test_output_has_no_pem_and_no_passphrase(ms):
    ems, lsr = full_deployment(ms)
    ems["http_server"]["passphrase"] = "S3cret-Passphrase-Value"
    lsr["script_resource_passphrase"] = "Another-S3cret"
    text = json.dumps(inspect(ms, ems, lsr))
    assert "S3cret" not in text and "BEGIN" not in text and "MII" not in text


@pytest.mark.parametrize("seed", range(12))
def test_hostile_bytes_never_raise(ms, seed):
    leaf = pki.leaf()
    samples = [leaf.der, pki.p12(leaf), pki.p12(leaf, b"pw"), leaf.key_pem(b"pw"), pki.root_ca().pem]
    data = samples[seed % len(samples)]
    cut = (len(data) * (seed + 1)) // 13
    mutated = bytearray(data[:cut] + data[cut + 1 :])
    if mutated:
        mutated[len(mutated) // 2] ^= 0xFF
    pki.write(ms, "etc/f", bytes(mutated), 0o600)
    for key in ("certificate", "private_key"):
        (it,) = inspect(ms, {"http_server": {key: "etc/f"}}, None)
        assert it["status"] in STATUSES
        json.dumps(it)


def test_empty_lsr_allowlist_has_no_entries(ms):
    (fp,) = inspect(ms, None, {"fingerprint_allowlist": "  "})
    assert (fp["entries"], fp["any_match"]) == ([], None)


def test_in_use_false_wins_over_unknown(ms):
    ems, lsr = full_deployment(ms)
    lsr.update(rap_ssl=False, rap_validate={"$unknown": "x"})
    assert item(inspect(ms, ems, lsr), "ems-ca-for-lsr")["in_use"] is False


def test_display_helper_failure_falls_back(ms):
    from emslint.inspect.keymaterial import inspect_key_material
    from emslint.inspect.paths import resolve_config_path

    pki.write(ms, "etc/ca.pem", pki.root_ca().pem, 0o644)

    def resolve(text):
        return resolve_config_path(text, microserver_root=ms, config_dir=ms / "etc", scan_root=ms)

    def display(path):
        raise ValueError("outside")

    ems = {"certificates": {"cert_chain": "etc/ca.pem"}}
    (it,) = inspect_key_material(ems, None, resolve=resolve, now=NOW, display=display)
    assert it["path"] == (ms / "etc/ca.pem").as_posix()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=1500))
def test_random_bytes_never_raise(data):
    assert isinstance(c.parse_material(data), c.Material)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["CERTIFICATE", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "X"]),
    st.binary(max_size=600),
    st.booleans(),
)
def test_random_pem_never_raises(label, body, encrypted):
    headers = {"Proc-Type": "4,ENCRYPTED", "DEK-Info": "DES-EDE3-CBC,00"} if encrypted else None
    material = c.parse_material(pki.pem(label, body, headers))
    assert isinstance(material.problems, list)
