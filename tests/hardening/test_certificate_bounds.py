"""Certificates from an attacker: chain searches stay within their step budget, malformed extensions become
findings (never EMS900), PEM scanning is one pass, and cryptography never writes a warning to stderr.

Work is counted, never timed: chain search steps (ChainResult.steps), signature verifications (a counting
wrapper around certificates._verify_signature) and marker-regex passes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest

from emslint.inspect import certificates as c
from tests.hardening import ROOT, assert_analysed, lint_folder, write_deployment
from tests.inspect import pki


@pytest.fixture
def verifications(monkeypatch) -> list[int]:
    """One entry per signature actually verified (cached pairs are not verified twice)."""
    calls: list[int] = []
    real = c._verify_signature

    def counting(child, pub):
        calls.append(1)
        return real(child, pub)

    monkeypatch.setattr(c, "_verify_signature", counting)
    c._signed.clear()
    return calls


def _loop_ca() -> pki.Issued:
    return pki.make_cert("Loop CA", ca=True, key=pki.ec_key("secp256r1", 90))


def _tangle(issuer: pki.Issued, cas: int, non_cas: int = 0) -> list:
    """Certificates named like ``issuer`` and signed with its key: each one issues all the others."""
    flags = [True] * cas + [False] * non_cas
    return [pki.make_cert(None, subject=issuer.cert.subject, issuer=issuer, key=issuer.key, ca=ca).cert
            for ca in flags]


# ----------------------------------------------------------------------------------------------- chains


@pytest.mark.parametrize("n", [12])
def test_twelve_certificates_that_sign_each_other_take_twelve_steps(n, verifications):
    """The reported attack: 12 certificates that sign each other (5.7 KB) took more than 240 s."""
    loop = _loop_ca()
    leaf = pki.leaf("ems.example", issuer=loop, key=pki.ec_key("secp256r1", 91))
    result = c.verify_chain(leaf.cert, _tangle(loop, n), [pki.root_ca().cert], pki.NOW)
    assert not result.ok and not result.exhausted
    assert result.steps == n  # each certificate is examined once as the leaf's issuer, then never again
    assert len(verifications) <= n * 2


def test_chain_work_doubles_when_the_tangle_doubles(verifications):
    loop = _loop_ca()
    leaf = pki.leaf("ems.example", issuer=loop, key=pki.ec_key("secp256r1", 91))
    steps = []
    for n in (8, 16, 32, 64):
        result = c.verify_chain(leaf.cert, _tangle(loop, n), [pki.root_ca().cert], pki.NOW)
        steps.append(result.steps)
    assert steps == [8, 16, 32, 64]


def test_a_quadratic_tangle_stops_at_the_budget(verifications):
    """CAs that issue each other plus non-CAs of the same name (re-examined from every CA): n*m candidates.
    The search stops at MAX_CHAIN_STEPS with exhausted=True, having verified at most that many signatures."""
    loop = _loop_ca()
    leaf = pki.leaf("ems.example", issuer=loop, key=pki.ec_key("secp256r1", 91))
    pool = _tangle(loop, 60, 60)
    result = c.verify_chain(leaf.cert, pool, [pki.root_ca().cert], pki.NOW)
    assert result.exhausted and not result.ok and result.steps == c.MAX_CHAIN_STEPS
    assert "limit" in result.detail
    assert len(verifications) <= c.MAX_CHAIN_STEPS + len(pool)
    small = c.verify_chain(leaf.cert, pool, [pki.root_ca().cert], pki.NOW, budget=100)
    assert small.exhausted and small.steps == 100


def test_a_tangle_does_not_hide_a_real_chain():
    """The search is breadth-first: an anchor one hop away is found before any tangle is explored."""
    leaf = pki.leaf()  # issued by root_ca()
    loop = _loop_ca()
    result = c.verify_chain(leaf.cert, _tangle(loop, 40, 40), [pki.root_ca().cert], pki.NOW)
    assert result.ok and result.steps == 1


def test_chain_through_intermediates_still_found_and_depth_still_bounded():
    root = pki.root_ca(3)
    chain_certs = [root]
    for i in range(10):
        chain_certs.append(pki.make_cert(f"Level {i}", ca=True, issuer=chain_certs[-1],
                                         key=pki.ec_key("secp256r1", 200 + i)))
    leaf = pki.leaf("deep.example", issuer=chain_certs[-1], key=pki.ec_key("secp256r1", 220))
    pool = [i.cert for i in chain_certs[1:]]
    assert not c.verify_chain(leaf.cert, pool, [root.cert], pki.NOW).ok  # 10 intermediates: too long
    assert c.verify_chain(leaf.cert, pool, [chain_certs[3].cert], pki.NOW).ok  # 7 hops: fine
    assert c.verify_chain(leaf.cert, pool[::-1], [chain_certs[3].cert], pki.NOW).ok  # order does not matter


# ------------------------------------------------------------------------------------------------- PEM


def test_pem_markers_are_scanned_in_one_pass(monkeypatch):
    """pem_blocks runs the (bounded) marker regex once over the file and pairs markers in one loop; the
    regex's own linearity is checked in test_regex_linearity.py."""
    calls: list[int] = []
    real = c._PEM_MARKER

    class Counting:
        def finditer(self, data):
            calls.append(len(data))
            return real.finditer(data)

    monkeypatch.setattr(c, "_PEM_MARKER", Counting())
    for size in (1 << 16, 1 << 17, 1 << 18):
        data = b"-----BEGIN CERTIFICATE-----\n" * (size // 28)
        assert c.pem_blocks(data) == []
    assert len(calls) == 3


def test_pem_blocks_pairs_begin_and_end():
    a, b = pki.leaf().pem, pki.root_ca().pem
    junk = b"-----BEGIN CERTIFICATE-----\n" * 3 + b"-----END X509 CRL-----\n"
    blocks = c.pem_blocks(junk + a + b"-----BEGIN PRIVATE KEY-----\n" + b)
    assert [x.label for x in blocks] == [b"CERTIFICATE", b"CERTIFICATE"]
    assert blocks[0].block == a.strip() and blocks[1].block == b.strip()


# ----------------------------------------------------------------------------------- malformed extensions


@pytest.mark.parametrize("name", sorted(pki.MALFORMED_EXTENSIONS))
def test_a_malformed_extension_is_a_finding_on_that_certificate(tmp_path, name):
    bad = pki.with_extensions(pki.leaf("localhost", san=["localhost"]), pki.MALFORMED_EXTENSIONS[name],
                              pki.root_ca())
    lsr = pki.leaf("lsr.local", key=pki.ec_key("secp256r1", 95), san=["localhost"])
    weak_ca = pki.make_cert("Weak CA", ca=True, key=pki.rsa_key(1024, 96))
    files = {
        "etc/certs/ems.pem": bad.pem,
        "etc/certs/ems.key": bad.key_pem(),
        "etc/certs/ca.pem": pki.root_ca().pem + bad.pem,  # the bad one in a CA list too
        "etc/certs/lsr.pem": lsr.pem,
        "etc/certs/lsr.key": lsr.key_pem(),
        "etc/certs/weak-ca.pem": weak_ca.pem,
    }
    ems = {
        "http_server": {"host": "localhost", "ssl": True, "authenticate": True, "certificate": "etc/certs/ems.pem",
                        "private_key": "etc/certs/ems.key"},
        "certificates": {"validate": True, "http_client_ca_certs": "etc/certs/weak-ca.pem"},
        "ws_connection": {"encryption": "ssl"},
    }
    lua = "\n".join([
        'scripts.rap_host = "localhost"', "scripts.rap_ssl = true", "scripts.rap_validate = true",
        'scripts.rap_cert_file = "etc/certs/ca.pem"', 'scripts.script_resource_host = "localhost"',
        "scripts.script_resource_ssl = true", 'scripts.script_resource_certificate_chain = "etc/certs/lsr.pem"',
        'scripts.script_resource_private_key = "etc/certs/lsr.key"', "",
    ])
    write_deployment(tmp_path / "gw", ems=ems, lsr=lua, files=files)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning escapes either
        (result,) = lint_folder(tmp_path / "gw", now=pki.NOW)
    assert_analysed([result])
    unparsable = {(f.pointer, f.message) for f in result.findings if f.rule == "EMS605"}
    detail = "certificate 1 of the file has a duplicated or malformed extension"
    assert ("/http_server/certificate", f"http_server.certificate names a file that does not parse as a "
            f"certificate or key: {detail}") in unparsable
    assert any(p == "/scripts/rap_cert_file" and "certificate 2 of the file" in m for p, m in unparsable)
    # Everything else is still analysed: the weak CA elsewhere, the other link's chain.
    assert any(f.rule == "EMS609" for f in result.findings), [f.rule for f in result.findings]


# --------------------------------------------------------------------------------------- no warnings, ever


def _odd_material() -> dict[str, bytes]:
    """Material that makes cryptography warn: a DSA certificate and key, a certificate with a negative
    serial number, an Ed25519 key and certificate."""
    dsa_cert = pki.make_cert("dsa.example", key=pki.dsa_key(2048, 97))
    fields = pki.split(pki.leaf().cert.tbs_certificate_bytes)
    fields[1] = pki.integer(-5)  # serialNumber
    tbs = pki.seq(*fields)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    signature = pki.root_ca().key.sign(tbs, padding.PKCS1v15(), hashes.SHA256())
    negative = pki.seq(tbs, pki.seq(pki.oid("1.2.840.113549.1.1.11"), pki.null()), pki.bitstring(signature))
    ed = pki.make_cert("ed.example", key=pki.ed_key(98))
    return {
        "etc/certs/ems.pem": dsa_cert.pem,
        "etc/certs/ems.key": dsa_cert.key_pem(),
        "etc/certs/ca.pem": pki.pem("CERTIFICATE", negative) + ed.pem + dsa_cert.pem,
        "etc/certs/lsr.pem": ed.pem,
        "etc/certs/lsr.key": ed.key_pem(),
    }


def test_cryptography_warnings_never_reach_stderr(tmp_path):
    """The CLI as a real process under ``python -W error``: any warning would be an exception (and a
    traceback or EMS900); stderr stays empty."""
    ems = {
        "http_server": {"host": "localhost", "ssl": True, "certificate": "etc/certs/ems.pem",
                        "private_key": "etc/certs/ems.key"},
        "certificates": {"validate": True, "cert_chain": "etc/certs/ca.pem"},
        "ws_connection": {"encryption": "ssl"},
    }
    lua = ('scripts.rap_ssl = true\nscripts.rap_validate = true\nscripts.rap_cert_file = "etc/certs/ca.pem"\n'
           'scripts.script_resource_ssl = true\nscripts.script_resource_certificate_chain = "etc/certs/lsr.pem"\n'
           'scripts.script_resource_private_key = "etc/certs/lsr.key"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_deployment(tmp_path / "gw", ems=ems, lsr=lua, files=_odd_material())
    outputs = {}
    for command in (["check", "--format", "json", "gw"], ["facts", "gw"]):
        proc = subprocess.run(
            [sys.executable, "-W", "error", "-m", "emslint.cli", *command, "--now", "2026-01-01"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "EMSLINT_NO_CACHE": "1"},
        )
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        # nothing but the gate's reason for exit 1 (no warning, no traceback)
        assert all(line.startswith("emslint: failed: ") for line in proc.stderr.splitlines()), proc.stderr[-2000:]
        assert "EMS900" not in proc.stdout
        outputs[command[0]] = proc.stdout
    # A warning turned into an exception and swallowed would leave a file "unparsable": all were read.
    items = {i["role"]: i for i in json.loads(outputs["facts"])[0]["facts"]["files"] if i.get("role")}
    assert items["ems-rest-server-cert"]["cert"]["key_type"] == "DSA"
    assert items["ems-rest-server-key"]["key"]["type"] == "DSA"
    assert items["platform-ca"]["ca"]["count"] == 3
    assert items["lsr-server-key"]["key"]["type"] == "Ed25519"
    assert not [i["role"] for i in items.values() if i["status"] != "ok"]
