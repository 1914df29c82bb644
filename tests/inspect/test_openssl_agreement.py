"""The machine's ``openssl`` binary as an oracle, where its verdict means the same thing as ours.

openssl uses the real clock, so the certificates here are made relative to the real now and the inspector
is called with the real now.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from emslint.inspect import certificates as c
from tests.inspect import pki
from tests.inspect.pki import PASSWORD, inspect, item

OPENSSL = shutil.which("openssl")
pytestmark = pytest.mark.skipif(OPENSSL is None, reason="no openssl binary")

DAY = dt.timedelta(days=1)


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def openssl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([OPENSSL, *args], capture_output=True, timeout=30, check=False)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    return str(pki.write(tmp_path, name, data, 0o600))


# ------------------------------------------------------------------------------------------------ verify


def _chain_cases(now: dt.datetime) -> dict[str, tuple[pki.Issued, list[pki.Issued], list[pki.Issued]]]:
    root = pki.make_cert("Oracle Root", ca=True, key=pki.rsa_key(2048, 40), now=now - 10 * DAY, days=3650)
    other_root = pki.make_cert(
        "Oracle Root", ca=True, key=pki.rsa_key(2048, 41), now=now - 10 * DAY, days=3650
    )
    inter = pki.make_cert(
        "Oracle Inter", ca=True, issuer=root, key=pki.rsa_key(2048, 42), now=now - 5 * DAY, days=365
    )
    not_ca = pki.make_cert(
        "Oracle NotCA", ca=False, issuer=root, key=pki.rsa_key(2048, 43), now=now - 5 * DAY
    )
    no_certsign = pki.make_cert(
        "Oracle NoSign", ca=True, key_usage_cert_sign=False, key=pki.rsa_key(2048, 44), now=now - 5 * DAY
    )
    v1_root = pki.re_sign(
        pki.make_cert("Oracle V1", key=pki.rsa_key(2048, 45), now=now - 5 * DAY), hash_name="sha256", v1=True
    )
    selfsigned = pki.make_cert("self.example", key=pki.rsa_key(2048, 46), now=now)

    def leaf(issuer: pki.Issued, **kw) -> pki.Issued:
        kw.setdefault("now", now)
        return pki.make_cert(
            "leaf.example", issuer=issuer, key=pki.rsa_key(2048, 47), san=["leaf.example"], **kw
        )

    return {
        "direct": (leaf(root), [], [root]),
        "via-intermediate": (leaf(inter), [inter], [root]),
        "missing-intermediate": (leaf(inter), [], [root]),
        "wrong-root-same-name": (leaf(root), [], [other_root]),
        "expired-leaf": (leaf(root, not_before=now - 40 * DAY, days=10), [], [root]),
        "future-leaf": (leaf(root, not_before=now + 5 * DAY), [], [root]),
        "issuer-not-ca": (leaf(not_ca), [not_ca], [root]),
        "ca-without-keycertsign": (leaf(no_certsign), [], [no_certsign]),
        "v1-root": (leaf(v1_root), [], [v1_root]),
        "pinned-self-signed": (selfsigned, [], [selfsigned]),
        "unpinned-self-signed": (selfsigned, [], [root]),
    }


@pytest.mark.parametrize(
    "case",
    [
        "direct",
        "via-intermediate",
        "missing-intermediate",
        "wrong-root-same-name",
        "expired-leaf",
        "future-leaf",
        "issuer-not-ca",
        "ca-without-keycertsign",
        "v1-root",
        "pinned-self-signed",
        "unpinned-self-signed",
    ],
)
def test_verify_agrees_with_chain_ok(tmp_path, case):
    now = real_now()
    leaf, extra, anchors = _chain_cases(now)[case]
    ca_file = write(tmp_path, "ca.pem", b"".join(a.pem for a in anchors))
    leaf_file = write(tmp_path, "leaf.pem", leaf.pem)
    args = ["verify", "-CAfile", ca_file]
    if extra:
        args += ["-untrusted", write(tmp_path, "untrusted.pem", b"".join(e.pem for e in extra))]
    oracle = openssl(*args, leaf_file).returncode == 0
    ours = c.verify_chain(leaf.cert, [e.cert for e in extra], [a.cert for a in anchors], real_now())
    assert ours.ok == oracle, (case, ours.detail)


@pytest.mark.parametrize("case", list(_chain_cases(real_now())))
def test_structural_verify_agrees_with_no_check_time(tmp_path, case):
    """``dates=False`` checks what ``openssl verify -no_check_time`` checks: names, signatures, CA flags."""
    leaf, extra, anchors = _chain_cases(real_now())[case]
    oracle = _openssl_verifies(tmp_path, leaf, extra, anchors, "-no_check_time")
    ours = c.verify_chain(
        leaf.cert, [e.cert for e in extra], [a.cert for a in anchors], real_now(), dates=False
    )
    assert ours.ok == oracle, (case, ours.detail)


def _openssl_verifies(tmp_path: Path, leaf: pki.Issued, extra: list, anchors: list, *flags: str) -> bool:
    ca_file = write(tmp_path, "oracle-ca.pem", b"".join(a.pem for a in anchors))
    args = ["verify", *flags, "-CAfile", ca_file]
    if extra:
        args += ["-untrusted", write(tmp_path, "untrusted.pem", b"".join(e.pem for e in extra))]
    return openssl(*args, write(tmp_path, "oracle-leaf.pem", leaf.pem)).returncode == 0


def test_chain_ok_in_deployment_agrees(tmp_path):
    """The deployment's ``chain_ok`` leaves dates out (one expired certificate is one finding, EMS606, not also
    a broken chain): it agrees with ``openssl verify -no_check_time``, and where plain ``openssl verify``
    refuses only for a date, a certificate of the file is marked expired or not yet valid."""
    now = real_now()
    (tmp_path / "etc").mkdir()
    for case, (leaf, extra, anchors) in _chain_cases(now).items():
        pki.write(tmp_path, "etc/ems.pem", leaf.pem + b"".join(e.pem for e in extra), 0o644)
        write(tmp_path, "etc/ca.pem", b"".join(a.pem for a in anchors))
        structural = _openssl_verifies(tmp_path, leaf, extra, anchors, "-no_check_time")
        dated = _openssl_verifies(tmp_path, leaf, extra, anchors)
        it = item(
            inspect(
                tmp_path,
                {"http_server": {"certificate": "etc/ems.pem"}},
                {"rap_cert_file": "etc/ca.pem"},
                now=real_now(),
            ),
            "ems-rest-server-cert",
        )
        assert it["cert"]["chain_ok"] == structural, case
        out_of_dates = any(e["expired"] or e["not_yet_valid"] for e in it["certs"])
        if structural and not dated:
            assert out_of_dates, case
        assert dated == (structural and not out_of_dates), case


# ------------------------------------------------------------------------------------------------ checkend


@pytest.mark.parametrize("days_left", [-3, 5, 29, 31, 400])
def test_checkend_agrees_with_expiry(tmp_path, days_left):
    now = real_now()
    cert = pki.make_cert(
        "t.example", not_before=now - 500 * DAY, not_after=now + days_left * DAY + dt.timedelta(hours=1)
    )
    path = write(tmp_path, "c.pem", cert.pem)
    facts = c.certificate_facts(cert.cert, real_now())
    expires_now = openssl("x509", "-in", path, "-checkend", "0", "-noout").returncode == 1
    expires_in_30 = openssl("x509", "-in", path, "-checkend", str(30 * 86400), "-noout").returncode == 1
    assert facts["expired"] == expires_now
    assert (facts["expired"] or facts["expires_soon"]) == expires_in_30


# ------------------------------------------------------------------------------------------------ key pairs


@pytest.mark.parametrize("same", [True, False])
def test_pubout_agrees_with_matches_certificate(tmp_path, same):
    (tmp_path / "etc").mkdir()
    leaf = pki.leaf("ems.example", key=pki.ec_key())
    key = leaf.key if same else pki.ec_key(n=1)
    pki.write(tmp_path, "etc/ems.pem", leaf.pem, 0o644)
    key_file = str(pki.write(tmp_path, "etc/ems.key", pki.key_pem(key), 0o600))
    out = openssl("pkey", "-in", key_file, "-pubout", "-outform", "DER")
    assert out.returncode == 0
    cert_pub = leaf.cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    items = inspect(
        tmp_path, {"http_server": {"certificate": "etc/ems.pem", "private_key": "etc/ems.key"}}, None
    )
    assert (
        item(items, "ems-rest-server-key")["key"]["matches_certificate"] == (out.stdout == cert_pub) == same
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: pki.key_pem(pki.rsa_key()),
        lambda: pki.key_pem(pki.rsa_key(), PASSWORD),
        lambda: pki.key_pem(pki.rsa_key(), PASSWORD, "traditional"),
        lambda: pki.key_pem(pki.ec_key(), None, "traditional"),
        lambda: pki.pbes2_pkcs8(pki.rsa_key()),
        lambda: pki.traditional_des_ede3(pki.rsa_key()),
        lambda: pki.key_der(pki.rsa_key()),
    ],
)
def test_pkey_agrees_with_encrypted(tmp_path, make):
    data = make()
    path = write(tmp_path, "k", data)
    form = ["-inform", "DER"] if not data.startswith(b"-----") else []
    wrong = openssl("pkey", *form, "-in", path, "-passin", "pass:wrong-passphrase", "-noout").returncode == 0
    right = (
        openssl("pkey", *form, "-in", path, "-passin", "pass:" + PASSWORD.decode(), "-noout").returncode == 0
    )
    (info,) = c.parse_material(data).keys
    assert right, "the oracle must be able to read the key with the right passphrase"
    assert info.encrypted == (not wrong)
