"""Regenerate the DEMO certificates and keys of the bundled examples.

DEMO KEY MATERIAL, NOT SECRET: every private key under examples/ is published in this repository on purpose,
so that `emslint check examples/` has real files to inspect. Never deploy them. Passphrase of the encrypted
demo keys: "demo-only-passphrase" (the configs carry it in the legacy AES: form, which is itself a demo value).

The private keys are made the way a site would make them with stock OpenSSL and its defaults:
`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc` (PBES2, PBKDF2-HMAC-SHA256 with
OpenSSL's default 2,048 iterations, AES-256-CBC), so the HIGH example shows that such a deployment passes with
nothing above info (EMS629 notes the default work factor). The certificates are issued here with
`cryptography`; the fingerprints pinned in examples/high's configs are rewritten to match them.

Run from the project root (needs the `openssl` command):  python examples/make_demo_pki.py
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent
PASSPHRASE = b"demo-only-passphrase"
NOT_BEFORE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2124, 12, 31, tzinfo=dt.UTC)  # long enough not to rot


def _name(cn: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "emslint demo (NOT SECRET)"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


class _Key:
    """A private key made by `openssl genpkey` with its defaults: the file as written, and the key loaded."""

    def __init__(self) -> None:
        self.pem = subprocess.run(
            ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
             "-pass", f"pass:{PASSPHRASE.decode()}"],
            capture_output=True, check=True,
        ).stdout
        loaded = serialization.load_pem_private_key(self.pem, PASSPHRASE)
        assert isinstance(loaded, ec.EllipticCurvePrivateKey)
        self.private = loaded

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private.public_key()


def _ca(cn: str):
    key = _Key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key.private, hashes.SHA256())
    )
    return key, cert


def _leaf(cn: str, issuer_key, issuer_cert, *, self_signed: bool = False):
    key = _Key()
    issuer_name = _name(cn) if self_signed else issuer_cert.subject
    signer = key if self_signed else issuer_key
    san = x509.SubjectAlternativeName([
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ])
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn)).issuer_name(issuer_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(san, critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(signer.private, hashes.SHA256())
    )
    return key, cert


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _cert_pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _fingerprint(cert) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _pin(high: Path, ems_cert, lsr_cert) -> None:
    """Rewrite the fingerprints the HIGH example pins: config.json pins the LSR's certificate (the EMS calls the
    LSR), config.lua the EMS's (the LSR calls the EMS)."""
    for name, pattern, cert in (
        ("config.json", r'("fingerprint_allowlist": \[")[0-9a-f]{64}(")', lsr_cert),
        ("config.lua", r'(scripts\.fingerprint_allowlist = ")[0-9a-f]{64}(")', ems_cert),
    ):
        path = high / "etc" / name
        text, count = re.subn(pattern, lambda m, c=cert: m.group(1) + _fingerprint(c) + m.group(2),
                              path.read_text(encoding="utf-8"))
        if count != 1:
            raise SystemExit(f"{path}: the fingerprint to rewrite was not found")
        path.write_text(text, encoding="utf-8")


def main() -> None:
    ca_key, ca_cert = _ca("emslint demo CA")
    high = HERE / "high" / "etc" / "certs"
    _write(high / "demo-ca.pem", _cert_pem(ca_cert))
    issued = {}
    for name in ("ems", "lsr"):
        key, cert = _leaf(f"{name} localhost", ca_key, ca_cert)
        _write(high / f"demo-{name}.pem", _cert_pem(cert))
        _write(high / f"demo-{name}.key", key.pem)
        issued[name] = cert
    _pin(HERE / "high", issued["ems"], issued["lsr"])
    medium = HERE / "medium" / "etc" / "certs"
    for name in ("ems", "lsr"):
        key, cert = _leaf(f"{name} localhost (self-signed)", None, None, self_signed=True)
        _write(medium / f"demo-{name}-selfsigned.pem", _cert_pem(cert))
        _write(medium / f"demo-{name}-selfsigned.key", key.pem)
    _write(medium / "demo-ca.pem", _cert_pem(ca_cert))
    connector_keystores(ca_key, ca_cert)
    print("demo PKI written under", HERE)


def connector_keystores(ca_key, ca_cert) -> None:
    """The eMessage Connector examples' listener key stores: PKCS #12 (PTC: JKS is insecure), protected by the
    demo passphrase, holding a CA-issued certificate and its key."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    for level in ("medium", "high"):
        key, cert = _leaf("emessage connector localhost", ca_key, ca_cert)
        data = pkcs12.serialize_key_and_certificates(
            b"connector", key.private, cert, [ca_cert], serialization.BestAvailableEncryption(PASSPHRASE))
        _write(HERE / "emessage" / level / "conf" / "connector.p12", data)


if __name__ == "__main__":
    main()
