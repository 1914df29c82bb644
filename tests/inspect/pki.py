"""Test PKI built at run time: CAs, leaves, odd certificates and every key encoding the inspector reads.

No key or certificate is stored in the repository. ``cryptography``'s builders make the ordinary objects;
what they refuse (X.509 v1, SHA-1/MD5 signatures, PBES1, high-iteration PBES2, DES-EDE3 traditional PEM) is
assembled here with a compact DER encoder and signed/encrypted with ``cryptography`` primitives.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import os
import textwrap
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

NOW = dt.datetime(2025, 6, 1, 12, 0, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
PASSWORD = b"test-only-passphrase"

# ------------------------------------------------------------------------------------------------ DER


def der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + der_len(len(content)) + content


def seq(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def integer(n: int) -> bytes:
    return tlv(0x02, n.to_bytes(n.bit_length() // 8 + 1, "big", signed=True))


def octet(b: bytes) -> bytes:
    return tlv(0x04, b)


def null() -> bytes:
    return b"\x05\x00"


def bitstring(b: bytes) -> bytes:
    return tlv(0x03, b"\x00" + b)


def explicit(n: int, inner: bytes) -> bytes:
    return tlv(0xA0 | n, inner)


def oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray()
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return tlv(0x06, bytes(out))


def split(der: bytes) -> list[bytes]:
    """The encoded children of the (definite-length) element ``der``."""

    def header(buf: bytes, pos: int) -> tuple[int, int]:
        first = buf[pos + 1]
        if first < 0x80:
            return pos + 2, first
        count = first & 0x7F
        return pos + 2 + count, int.from_bytes(buf[pos + 2 : pos + 2 + count], "big")

    start, length = header(der, 0)
    out, pos = [], start
    while pos < start + length:
        body, size = header(der, pos)
        out.append(der[pos : body + size])
        pos = body + size
    return out


# ------------------------------------------------------------------------------------------------ keys


@functools.cache
def rsa_key(bits: int = 2048, n: int = 0) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@functools.cache
def ec_key(curve: str = "secp256r1", n: int = 0) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(
        {
            "secp256r1": ec.SECP256R1(),
            "secp192r1": ec.SECP192R1(),
            "secp224r1": ec.SECP224R1(),
            "secp384r1": ec.SECP384R1(),
        }[curve]
    )


@functools.cache
def dsa_key(bits: int = 1024, n: int = 0) -> dsa.DSAPrivateKey:
    return dsa.generate_private_key(bits)


@functools.cache
def ed_key(n: int = 0) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def name(cn: str | None, o: str | None = None, ou: str | None = None) -> x509.Name:
    attrs = []
    if o:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    if cn:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


# ---------------------------------------------------------------------------------------------- certificates


class Issued:
    """A certificate with its private key."""

    def __init__(self, cert: x509.Certificate, key: Any) -> None:
        self.cert = cert
        self.key = key

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def fingerprint(self) -> str:
        return self.cert.fingerprint(hashes.SHA256()).hex()

    def key_pem(self, password: bytes | None = None, fmt: str = "pkcs8") -> bytes:
        return key_pem(self.key, password, fmt)


def make_cert(
    cn: str | None = "leaf.example",
    *,
    issuer: Issued | None = None,
    key: Any = None,
    ca: bool = False,
    key_usage_cert_sign: bool | None = None,
    san: list[str] | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    days: int = 365,
    now: dt.datetime = NOW,
    subject: x509.Name | None = None,
    hash_alg: Any = None,
) -> Issued:
    """A v3 certificate; ``issuer=None`` makes it self-signed; ``san`` entries that are IPs become IP SANs."""
    import ipaddress

    key = key if key is not None else rsa_key(2048, hash(cn) % 4)
    subject = subject if subject is not None else name(cn)
    not_before = not_before if not_before is not None else now - DAY
    not_after = not_after if not_after is not None else not_before + dt.timedelta(days=days)
    issuer_name = issuer.cert.subject if issuer else subject
    signer = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    cert_sign = ca if key_usage_cert_sign is None else key_usage_cert_sign
    builder = builder.add_extension(
        x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=not ca,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=cert_sign,
            crl_sign=ca,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    )
    if san is not None:
        names: list[x509.GeneralName] = []
        for entry in san:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(entry)))
            except ValueError:
                names.append(x509.DNSName(entry))
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    ed = isinstance(signer, ed25519.Ed25519PrivateKey)
    algorithm = None if ed else hash_alg or hashes.SHA256()
    return Issued(builder.sign(signer, algorithm), key)


_SIG_OIDS = {
    ("rsa", "sha1"): ("1.2.840.113549.1.1.5", True),
    ("rsa", "md5"): ("1.2.840.113549.1.1.4", True),
    ("rsa", "sha256"): ("1.2.840.113549.1.1.11", True),
    ("ec", "sha1"): ("1.2.840.10045.4.1", False),
    ("ec", "sha256"): ("1.2.840.10045.4.3.2", False),
    ("dsa", "sha1"): ("1.2.840.10040.4.3", False),
    ("dsa", "sha256"): ("2.16.840.1.101.3.4.3.2", False),
}
_HASHES = {"sha1": hashes.SHA1, "md5": hashes.MD5, "sha256": hashes.SHA256}


def re_sign(
    issued: Issued, signer: Issued | None = None, *, hash_name: str = "sha1", v1: bool = False
) -> Issued:
    """Rebuild ``issued``'s TBSCertificate by hand with another signature algorithm and/or as X.509 v1.

    ``cryptography``'s builder refuses SHA-1 and MD5 and only makes v3, hence the hand-made DER.
    """
    signer_key = (signer or issued).key
    family = (
        "rsa"
        if isinstance(signer_key, rsa.RSAPrivateKey)
        else "ec"
        if isinstance(signer_key, ec.EllipticCurvePrivateKey)
        else "dsa"
    )
    alg_oid, with_null = _SIG_OIDS[(family, hash_name)]
    alg = seq(oid(alg_oid), null()) if with_null else seq(oid(alg_oid))
    fields = split(issued.cert.tbs_certificate_bytes)
    version, serial, _sig, issuer, validity, subject, spki, *rest = fields
    if signer is not None:
        issuer = signer.cert.subject.public_bytes()
    tbs = (
        seq(serial, alg, issuer, validity, subject, spki)
        if v1
        else seq(version, serial, alg, issuer, validity, subject, spki, *rest)
    )
    digest = _HASHES[hash_name]()
    if family == "rsa":
        signature = signer_key.sign(tbs, padding.PKCS1v15(), digest)
    elif family == "ec":
        signature = signer_key.sign(tbs, ec.ECDSA(digest))
    else:
        signature = signer_key.sign(tbs, digest)
    der = seq(tbs, alg, bitstring(signature))
    return Issued(x509.load_der_x509_certificate(der), issued.key)


def extension(dotted: str, value: bytes, *, critical: bool = False) -> bytes:
    """One encoded ``Extension`` (RFC 5280 §4.1): ``value`` is the DER inside the OCTET STRING."""
    flag = tlv(0x01, b"\xff") if critical else b""
    return seq(oid(dotted), flag, octet(value))


def with_extensions(issued: Issued, extensions: list[bytes], signer: Issued | None = None) -> Issued:
    """``issued`` with its extensions replaced by ``extensions`` (any bytes, valid or not), re-signed (SHA-256)
    by ``signer`` (default: its own key). ``cryptography`` loads such a certificate and raises only when the
    extensions are used."""
    signer_key = (signer or issued).key
    fields = split(issued.cert.tbs_certificate_bytes)
    head = [f for f in fields if f[0] != 0xA3]
    tbs = seq(*head, explicit(3, seq(*extensions)))
    alg_oid, with_null = _SIG_OIDS[("rsa" if isinstance(signer_key, rsa.RSAPrivateKey) else "ec", "sha256")]
    alg = seq(oid(alg_oid), null()) if with_null else seq(oid(alg_oid))
    if isinstance(signer_key, rsa.RSAPrivateKey):
        signature = signer_key.sign(tbs, padding.PKCS1v15(), hashes.SHA256())
    else:
        signature = signer_key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    return Issued(x509.load_der_x509_certificate(seq(tbs, alg, bitstring(signature))), issued.key)


BASIC_CONSTRAINTS = "2.5.29.19"
KEY_USAGE = "2.5.29.15"
SUBJECT_ALT_NAME = "2.5.29.17"
AUTHORITY_KEY_ID = "2.5.29.35"
NAME_CONSTRAINTS = "2.5.29.30"
EXTENDED_KEY_USAGE = "2.5.29.37"

# Extension lists that ``cryptography`` loads and then refuses when they are read.
MALFORMED_EXTENSIONS: dict[str, list[bytes]] = {
    "duplicate basicConstraints": [
        extension(BASIC_CONSTRAINTS, seq(tlv(0x01, b"\xff")), critical=True),
        extension(BASIC_CONSTRAINTS, seq(), critical=True),
    ],
    "duplicate subjectAltName": [
        extension(SUBJECT_ALT_NAME, seq(tlv(0x82, b"ems.example"))),
        extension(SUBJECT_ALT_NAME, seq(tlv(0x82, b"other.example"))),
    ],
    "basicConstraints not a sequence": [extension(BASIC_CONSTRAINTS, tlv(0x01, b"\xff"), critical=True)],
    "truncated subjectAltName": [extension(SUBJECT_ALT_NAME, b"\x30\x10\x82\x05ems")],
    "IP SAN of 5 bytes": [extension(SUBJECT_ALT_NAME, seq(tlv(0x87, b"\x7f\x00\x00\x01\x00")))],
    "keyUsage not a bit string": [extension(KEY_USAGE, octet(b"\x05"), critical=True)],
    "authorityKeyIdentifier garbage": [extension(AUTHORITY_KEY_ID, b"\xff\xff\xff")],
    "nameConstraints empty": [extension(NAME_CONSTRAINTS, seq(), critical=True)],
    "extendedKeyUsage of integers": [extension(EXTENDED_KEY_USAGE, seq(integer(1)))],
}


@functools.cache
def root_ca(n: int = 0) -> Issued:
    return make_cert(
        f"Test Root CA {n}",
        ca=True,
        key=rsa_key(2048, 10 + n),
        days=3650,
        now=NOW - 100 * DAY,
        subject=name(f"Test Root CA {n}", o="Test Org", ou="Test PKI"),
    )


@functools.cache
def intermediate_ca(n: int = 0) -> Issued:
    return make_cert(
        f"Test Intermediate CA {n}",
        ca=True,
        issuer=root_ca(n),
        key=rsa_key(2048, 20 + n),
        days=1825,
        now=NOW - 50 * DAY,
    )


def leaf(cn: str = "ems.example", **kw: Any) -> Issued:
    kw.setdefault("issuer", root_ca())
    kw.setdefault("san", [cn])
    kw.setdefault("key", rsa_key(2048, 1))
    return make_cert(cn, **kw)


# ------------------------------------------------------------------------------------------------ key files


def key_pem(key: Any, password: bytes | None = None, fmt: str = "pkcs8") -> bytes:
    fmt_enum = (
        serialization.PrivateFormat.PKCS8
        if fmt == "pkcs8"
        else serialization.PrivateFormat.TraditionalOpenSSL
    )
    enc = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, fmt_enum, enc)


def key_der(key: Any, fmt: str = "pkcs8") -> bytes:
    fmt_enum = (
        serialization.PrivateFormat.PKCS8
        if fmt == "pkcs8"
        else serialization.PrivateFormat.TraditionalOpenSSL
    )
    return key.private_bytes(serialization.Encoding.DER, fmt_enum, serialization.NoEncryption())


def pem(label: str, der: bytes, headers: dict[str, str] | None = None) -> bytes:
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    head = "".join(f"{k}: {v}\n" for k, v in (headers or {}).items())
    if head:
        head += "\n"
    return f"-----BEGIN {label}-----\n{head}{body}\n-----END {label}-----\n".encode()


def _pad(data: bytes, block_bits: int) -> bytes:
    padder = sym_padding.PKCS7(block_bits).padder()
    return padder.update(data) + padder.finalize()


_PBES2_CIPHERS = {
    "aes-256-cbc": ("2.16.840.1.101.3.4.1.42", 32, 16),
    "des-ede3-cbc": ("1.2.840.113549.3.7", 24, 8),
}
_PRF_OIDS = {"sha1": "1.2.840.113549.2.7", "sha256": "1.2.840.113549.2.9"}


def pbes2_pkcs8(
    key: Any,
    password: bytes = PASSWORD,
    *,
    iterations: int = 100_000,
    cipher: str = "aes-256-cbc",
    prf: str = "sha256",
) -> bytes:
    """A real PBES2/PBKDF2 ``ENCRYPTED PRIVATE KEY`` (decryptable with ``password``)."""
    cipher_oid, key_len, block = _PBES2_CIPHERS[cipher]
    salt, iv = os.urandom(16), os.urandom(block)
    prf_hash = hashes.SHA1() if prf == "sha1" else hashes.SHA256()
    derived = PBKDF2HMAC(prf_hash, key_len, salt, iterations).derive(password)
    algorithm = algorithms.AES(derived) if cipher.startswith("aes") else TripleDES(derived)
    enc = Cipher(algorithm, modes.CBC(iv)).encryptor()
    ciphertext = enc.update(_pad(key_der(key), block * 8)) + enc.finalize()
    prf_alg = b"" if prf == "sha1" else seq(oid(_PRF_OIDS[prf]), null())
    kdf = seq(oid("1.2.840.113549.1.5.12"), seq(octet(salt), integer(iterations), prf_alg))
    alg = seq(oid("1.2.840.113549.1.5.13"), seq(kdf, seq(oid(cipher_oid), octet(iv))))
    return pem("ENCRYPTED PRIVATE KEY", seq(alg, octet(ciphertext)))


def pbes1_md5_des_pkcs8(key: Any, password: bytes = PASSWORD, *, iterations: int = 2048) -> bytes:
    """A real PBES1 pbeWithMD5AndDES-CBC key (RFC 8018 §6.1): DK = MD5^c(P || S), key DK[:8], IV DK[8:]."""
    salt = os.urandom(8)
    dk = password + salt
    for _ in range(iterations):
        dk = hashlib.md5(dk).digest()
    enc = Cipher(TripleDES(dk[:8] * 3), modes.CBC(dk[8:16])).encryptor()
    ciphertext = enc.update(_pad(key_der(key), 64)) + enc.finalize()
    alg = seq(oid("1.2.840.113549.1.5.3"), seq(octet(salt), integer(iterations)))
    return pem("ENCRYPTED PRIVATE KEY", seq(alg, octet(ciphertext)))


def pkcs12_pbe_pkcs8_structure(iterations: int = 2048) -> bytes:
    """``EncryptedPrivateKeyInfo`` with pbeWithSHAAnd40BitRC2-CBC; random ciphertext (structure only)."""
    alg = seq(oid("1.2.840.113549.1.12.1.6"), seq(octet(os.urandom(8)), integer(iterations)))
    return pem("ENCRYPTED PRIVATE KEY", seq(alg, octet(os.urandom(64))))


def traditional_des_ede3(key: Any, password: bytes = PASSWORD) -> bytes:
    """A real traditional OpenSSL PEM key, ``DEK-Info: DES-EDE3-CBC`` (EVP_BytesToKey, MD5, 1 iteration)."""
    iv = os.urandom(8)
    material, block = b"", b""
    while len(material) < 24:
        block = hashlib.md5(block + password + iv[:8]).digest()
        material += block
    enc = Cipher(TripleDES(material[:24]), modes.CBC(iv)).encryptor()
    ciphertext = enc.update(_pad(key_der(key, "traditional"), 64)) + enc.finalize()
    label = {rsa.RSAPrivateKey: "RSA", ec.EllipticCurvePrivateKey: "EC", dsa.DSAPrivateKey: "DSA"}
    kind = next(v for t, v in label.items() if isinstance(key, t))
    headers = {"Proc-Type": "4,ENCRYPTED", "DEK-Info": f"DES-EDE3-CBC,{iv.hex().upper()}"}
    return pem(f"{kind} PRIVATE KEY", ciphertext, headers)


def p12(
    issued: Issued, password: bytes | None = None, *, legacy: bool = False, cas: list[Issued] | None = None
) -> bytes:
    if password is None:
        enc: Any = serialization.NoEncryption()
    elif legacy:
        enc = (
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(2048)
            .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
            .hmac_hash(hashes.SHA1())
            .build(password)
        )
    else:
        enc = serialization.BestAvailableEncryption(password)
    extra = [c.cert for c in cas] if cas else None
    return pkcs12.serialize_key_and_certificates(b"test", issued.key, issued.cert, extra, enc)


def write(folder: Path, rel: str, data: bytes, mode: int = 0o600) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)
    return path


# ------------------------------------------------------------------------------------------------ deployment


def inspect(
    folder: Path, ems: dict | None = None, lsr: dict | None = None, *, now: dt.datetime = NOW, **kw: Any
) -> list[dict]:
    """Run the deployment inspector over ``folder`` (the microserver folder, configs in ``etc/``)."""
    from emslint.inspect.keymaterial import inspect_key_material
    from emslint.inspect.paths import resolve_config_path

    def resolve(text: str) -> Any:
        return resolve_config_path(text, microserver_root=folder, config_dir=folder / "etc", scan_root=folder)

    def display(path: Path) -> str:
        return path.relative_to(folder).as_posix()

    return inspect_key_material(ems, lsr, resolve=resolve, now=now, display=display, **kw)


def item(items: list[dict], role: str, index: int = 0) -> dict:
    return [i for i in items if i["role"] == role][index]
