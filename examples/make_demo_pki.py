"""Regenerate the DEMO certificates and keys of the bundled examples.

DEMO KEY MATERIAL, NOT SECRET: every private key under examples/ is published in this repository on purpose,
so that `emslint check examples/` has real files to inspect. Never deploy them. Passphrase of the encrypted
demo keys: "demo-only-passphrase" (the configs carry it in the legacy AES: form, which is itself a demo value).

Run from the project root:  python examples/make_demo_pki.py
"""

from __future__ import annotations

import datetime as dt
import ipaddress
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


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _ca(cn: str):
    key = _key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(cn: str, issuer_key, issuer_cert, *, self_signed: bool = False):
    key = _key()
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
        .sign(signer, hashes.SHA256())
    )
    return key, cert


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _cert_pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    """PKCS#8 with PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA256, 600,000 iterations as OWASP recommends).

    `cryptography` only writes OpenSSL's default of 2,048 iterations, so the `openssl` command encrypts.
    """
    plain = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    return subprocess.run(
        ["openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-iter", "600000",
         "-passout", f"pass:{PASSPHRASE.decode()}"],
        input=plain, capture_output=True, check=True,
    ).stdout


def main() -> None:
    ca_key, ca_cert = _ca("emslint demo CA")
    high = HERE / "high" / "etc" / "certs"
    _write(high / "demo-ca.pem", _cert_pem(ca_cert))
    for name in ("ems", "lsr"):
        key, cert = _leaf(f"{name} localhost", ca_key, ca_cert)
        _write(high / f"demo-{name}.pem", _cert_pem(cert))
        _write(high / f"demo-{name}.key", _key_pem(key))
    medium = HERE / "medium" / "etc" / "certs"
    for name in ("ems", "lsr"):
        key, cert = _leaf(f"{name} localhost (self-signed)", None, None, self_signed=True)
        _write(medium / f"demo-{name}-selfsigned.pem", _cert_pem(cert))
        _write(medium / f"demo-{name}-selfsigned.key", _key_pem(key))
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
            b"connector", key, cert, [ca_cert], serialization.BestAvailableEncryption(PASSPHRASE))
        _write(HERE / "emessage" / level / "conf" / "connector.p12", data)


if __name__ == "__main__":
    main()
