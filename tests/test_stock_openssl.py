"""The bar: a correct High deployment built with stock OpenSSL and its defaults passes with nothing above info.

The whole PKI is made here by the machine's ``openssl`` command, the way a site's administrator would make it
from a tutorial: a CA with ``openssl req -x509``, keys with ``openssl genpkey``/``genrsa`` and their default
encryption (PBES2, PBKDF2 at OpenSSL's 2,048 iterations), certificates with ``openssl x509 -req -extfile``.
The configs are PTC's High example (``examples/high``) pointing at those files. Two flavours:

* ``linux``: what OpenSSL 3 writes on Linux;
* ``windows``: the same as OpenSSL for Windows writes it (PEM files with CRLF line ends), with the LSR key as
  Keystore Explorer exports it (PBKDF2, 1,024 iterations) and a platform client credential made by
  ``openssl pkcs12 -export``.

Both must come out HIGH on every link with only info findings. openssl uses the real clock, so the lint runs at
the real now.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from emslint.discover import discover
from emslint.pipeline import Job, lint_job
from emslint.settings import SettingsResolver
from tests.pki_fixtures import openssl_major

ROOT = Path(__file__).resolve().parent.parent
OPENSSL = shutil.which("openssl")
PASS = "demo-only-passphrase"  # the passphrase examples/high's configs carry (in their AES: form)
pytestmark = [
    pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command-line tool"),
    pytest.mark.skipif((openssl_major() or 0) < 3, reason="OpenSSL 3 defaults (1.1.1 genrsa writes legacy PEM)"),
]

CA_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
O = Example Plant
CN = Plant Edge CA
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
"""
SERVER_EXT = """\
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
authorityKeyIdentifier = keyid
"""


def openssl(folder: Path, *args: str) -> None:
    subprocess.run([OPENSSL or "openssl", *args], cwd=folder, check=True, capture_output=True, timeout=120)


def _issue(folder: Path, name: str, cn: str) -> None:
    """``name.csr`` for ``name.key`` (already made), signed by the CA into ``name.pem``."""
    openssl(folder, "req", "-new", "-key", f"{name}.key", "-passin", f"pass:{PASS}", "-subj", f"/CN={cn}",
            "-out", f"{name}.csr")
    openssl(folder, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-passin",
            f"pass:{PASS}", "-CAcreateserial", "-days", "825", "-sha256", "-extfile", "server.ext",
            "-out", f"{name}.pem")


def make_pki(certs: Path, flavour: str, *, keep_ca_key: bool = False) -> None:
    certs.mkdir(parents=True)
    (certs / "ca.cnf").write_text(CA_CONFIG)
    (certs / "server.ext").write_text(SERVER_EXT)
    openssl(certs, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-aes-256-cbc",
            "-pass", f"pass:{PASS}", "-out", "ca.key")
    openssl(certs, "req", "-x509", "-new", "-key", "ca.key", "-passin", f"pass:{PASS}", "-config", "ca.cnf",
            "-extensions", "v3_ca", "-days", "3650", "-sha256", "-out", "ca.pem")
    openssl(certs, "genrsa", "-aes256", "-passout", f"pass:{PASS}", "-out", "ems.key", "2048")
    _issue(certs, "ems", "ems localhost")
    if flavour == "windows":
        # Keystore Explorer's PKCS#8 export: PBES2, PBKDF2, 1,024 iterations
        openssl(certs, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "lsr-plain.key")
        openssl(certs, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-iter", "1024", "-in", "lsr-plain.key",
                "-passout", f"pass:{PASS}", "-out", "lsr.key")
        (certs / "lsr-plain.key").unlink()
    else:
        openssl(certs, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                "-pass", f"pass:{PASS}", "-out", "lsr.key")
    _issue(certs, "lsr", "lsr localhost")
    if flavour == "windows":
        openssl(certs, "genrsa", "-aes256", "-passout", f"pass:{PASS}", "-out", "client.key", "2048")
        _issue(certs, "client", "ems client")
        openssl(certs, "pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-passin", f"pass:{PASS}",
                "-passout", f"pass:{PASS}", "-out", "client.p12")
        for path in certs.iterdir():
            if path.suffix in (".pem", ".key"):  # OpenSSL for Windows writes PEM in text mode
                path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    for leftover in ("ca.srl", "ca.cnf", "server.ext", "ems.csr", "lsr.csr", "client.csr", "client.key"):
        (certs / leftover).unlink(missing_ok=True)
    if not keep_ca_key:
        (certs / "ca.key").unlink()


def _fingerprint(pem: Path) -> str:
    return x509.load_pem_x509_certificate(pem.read_bytes()).fingerprint(hashes.SHA256()).hex()


def make_deployment(root: Path, flavour: str, *, keep_ca_key: bool = False) -> Path:
    """examples/high's configs, pointing at a PKI made by ``openssl``."""
    deployment = root / flavour
    make_pki(deployment / "etc" / "certs", flavour, keep_ca_key=keep_ca_key)
    ems = json.loads((ROOT / "examples/high/etc/config.json").read_text(encoding="utf-8"))
    certificates = ems["certificates"]
    certificates.update(cert_chain="etc/certs/ca.pem", http_client_ca_certs="etc/certs/ca.pem",
                        fingerprint_allowlist=[_fingerprint(deployment / "etc/certs/lsr.pem")])
    ems["http_server"].update(certificate="etc/certs/ems.pem", private_key="etc/certs/ems.key")
    if flavour == "windows":
        certificates.update(client_cert="etc/certs/client.pem", key_file="etc/certs/client.p12",
                            key_passphrase=ems["http_server"]["passphrase"])
    (deployment / "etc/config.json").write_text(json.dumps(ems, indent=2), encoding="utf-8")
    lua = (ROOT / "examples/high/etc/config.lua").read_text(encoding="utf-8")
    lua = lua.replace("demo-ca.pem", "ca.pem").replace("demo-lsr.", "lsr.")
    lua = re.sub(r'(fingerprint_allowlist = ")[0-9a-f]{64}', lambda m: m.group(1) + _fingerprint(
        deployment / "etc/certs/ems.pem"), lua)
    (deployment / "etc/config.lua").write_text(lua, encoding="utf-8")
    for path in deployment.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return deployment


def lint(deployment: Path):
    resolver = SettingsResolver({}, origin="test", cwd=deployment)
    targets, problems = discover([str(deployment)], include_templates=False)
    assert not problems and len(targets) == 1
    return lint_job(Job(targets[0], resolver.for_target(targets[0].root)), dt.datetime.now(dt.UTC))


@pytest.mark.parametrize("flavour", ["linux", "windows"])
def test_a_high_deployment_made_with_stock_openssl_is_high_with_only_notes(tmp_path, flavour):
    result = lint(make_deployment(tmp_path, flavour)).to_dict()
    shown = [(f["rule"], f["severity"], f["message"]) for f in result["findings"]]
    assert result["level"] == "high", shown
    assert set(result["links"].values()) - {None} == {"high"}, result["links"]
    assert {severity for _, severity, _ in shown} == {"info"}, shown
    rules = {rule for rule, _, _ in shown}
    assert "EMS629" in rules  # OpenSSL's default work factor is noted, never more
    assert not rules & {"EMS622", "EMS623", "EMS615", "EMS606", "EMS609", "EMS610", "EMS616", "EMS617"}


def test_the_same_deployment_with_a_weak_intermediate_is_not_high(tmp_path):
    """The test above can fail: an RSA-1024 issuing CA sent in the EMS's chain caps its link (the EMS
    certificate is re-issued by it, and the chain file is the certificate followed by that CA)."""
    deployment = make_deployment(tmp_path, "linux", keep_ca_key=True)
    certs = deployment / "etc" / "certs"
    (certs / "sub.ext").write_text("basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n")
    openssl(certs, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "sub.key")
    openssl(certs, "req", "-new", "-key", "sub.key", "-subj", "/CN=Plant Issuing CA 1024", "-out", "sub.csr")
    openssl(certs, "x509", "-req", "-in", "sub.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-passin", f"pass:{PASS}",
            "-CAcreateserial", "-days", "825", "-sha256", "-extfile", "sub.ext", "-out", "sub.pem")
    (certs / "server.ext").write_text(SERVER_EXT)
    openssl(certs, "req", "-new", "-key", "ems.key", "-passin", f"pass:{PASS}", "-subj", "/CN=ems localhost",
            "-out", "ems.csr")
    openssl(certs, "x509", "-req", "-in", "ems.csr", "-CA", "sub.pem", "-CAkey", "sub.key", "-CAcreateserial",
            "-days", "365", "-sha256", "-extfile", "server.ext", "-out", "ems.pem")
    (certs / "ems.pem").write_bytes((certs / "ems.pem").read_bytes() + (certs / "sub.pem").read_bytes())
    result = lint(deployment).to_dict()
    weak = [f for f in result["findings"] if f["rule"] == "EMS609"]
    assert weak and "certificate 2 of 2, CN=Plant Issuing CA 1024, RSA 1024-bit key" in weak[0]["message"]
    assert result["links"]["ems-rest"] == "medium"
