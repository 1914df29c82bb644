"""Private keys: what they are and how well they are protected, read WITHOUT the passphrase.

The strength of a key's encryption is read from the structure around the ciphertext, which is never
decrypted:

* encrypted PKCS#8 (``ENCRYPTED PRIVATE KEY``) is an ASN.1 ``EncryptedPrivateKeyInfo`` (RFC 5208 §6):
  its ``encryptionAlgorithm`` is PBES2 (RFC 8018 §6.2: a KDF, PBKDF2 or scrypt, plus a cipher), PBES1
  (RFC 8018 §6.1: MD2/MD5/SHA-1 with DES or RC2) or a PKCS#12 PBE (RFC 7292 Appendix C: SHA-1 with RC4,
  RC2 or 3DES);
* traditional OpenSSL PEM (``-----BEGIN RSA PRIVATE KEY-----`` + ``Proc-Type: 4,ENCRYPTED`` +
  ``DEK-Info: <cipher>,<iv>``) derives its key with ``EVP_BytesToKey``: MD5, one iteration, the IV's first
  8 bytes as salt. That is weak whatever the cipher;
* PKCS#12 (RFC 7292) keeps the key in a ``pkcs8ShroudedKeyBag`` (an ``EncryptedPrivateKeyInfo`` again).

No thresholds live here: the facts say what protects the key (``kdf``, ``iterations``, the scrypt
parameters, ``cipher``) and the rules judge the numbers (EMS622 legacy schemes, EMS623 and EMS629 the work
factor, with their sources in the rule docs). ``weak`` names only what is weak whatever the numbers: a legacy
scheme (PBES1, PKCS#12 PBE, traditional PEM's one MD5 round) or a legacy cipher (DES, 3DES, RC2, RC5).

``fips_loadable``: could an OpenSSL 1.0.2 FIPS build (FIPS Object Module 2.0, the EMS's FIPS module, reference
§f) load the file? MD5 (traditional PEM, PBES1-MD5), DES, RC2, RC4 and scrypt are unavailable in FIPS mode,
Ed25519/Ed448 do not exist in 1.0.2; PBES2 with PBKDF2-HMAC-SHA* and AES/3DES works. ``None`` = unknown.

The small BER/DER reader below (no new dependency) accepts what real files contain: definite and indefinite
lengths and constructed OCTET STRINGs (PKCS#12 files from Java and Windows are BER).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_MAX_DEPTH = 40


class DerError(ValueError):
    """The bytes are not the ASN.1 structure expected."""


# ---------------------------------------------------------------------------------------------------------
# A minimal BER/DER reader


@dataclass(frozen=True, slots=True)
class Tlv:
    tag: int  # the identifier octet (class bits, constructed bit, tag number < 31)
    content: bytes  # content octets; for indefinite lengths, the children without the end-of-contents
    end: int  # offset just past this element in the buffer it was read from

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    @property
    def number(self) -> int:
        return self.tag & 0x1F


SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
CONTEXT_0 = 0xA0


def read_tlv(data: bytes, pos: int = 0, depth: int = 0) -> Tlv:
    """Read one element at ``pos``. Raises :class:`DerError` on anything malformed."""
    if depth > _MAX_DEPTH:
        raise DerError("nesting too deep")
    if pos + 2 > len(data):
        raise DerError("truncated")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("high tag numbers are not used in these structures")
    first = data[pos + 1]
    pos += 2
    if first == 0x80:  # indefinite length: constructed only, ends with 00 00
        if not tag & 0x20:
            raise DerError("indefinite length on a primitive element")
        start = pos
        while True:
            if pos + 2 > len(data):
                raise DerError("missing end-of-contents")
            if data[pos] == 0 and data[pos + 1] == 0:
                return Tlv(tag, data[start:pos], pos + 2)
            pos = read_tlv(data, pos, depth + 1).end
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise DerError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        length = first
    if pos + length > len(data):
        raise DerError("truncated")
    return Tlv(tag, data[pos : pos + length], pos + length)


def read_one(data: bytes) -> Tlv:
    """Read exactly one element filling ``data``."""
    tlv = read_tlv(data)
    if tlv.end != len(data):
        raise DerError("trailing data")
    return tlv


def children(tlv: Tlv, depth: int = 0) -> list[Tlv]:
    if not tlv.constructed:
        raise DerError("primitive element has no children")
    out: list[Tlv] = []
    pos = 0
    while pos < len(tlv.content):
        child = read_tlv(tlv.content, pos, depth + 1)
        out.append(child)
        pos = child.end
    return out


def expect(tlv: Tlv, tag: int) -> Tlv:
    if tlv.tag != tag:
        raise DerError(f"expected tag {tag:#x}, found {tlv.tag:#x}")
    return tlv


def seq(tlv: Tlv) -> list[Tlv]:
    return children(expect(tlv, SEQUENCE))


def oid_text(tlv: Tlv) -> str:
    raw = expect(tlv, OID).content
    if not raw or raw[-1] & 0x80:
        raise DerError("bad OID")
    arcs: list[int] = []
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


def integer(tlv: Tlv) -> int:
    raw = expect(tlv, INTEGER).content
    if not raw or len(raw) > 64:
        raise DerError("bad INTEGER")
    return int.from_bytes(raw, "big", signed=True)


def octets(tlv: Tlv, depth: int = 0) -> bytes:
    """An OCTET STRING's bytes, primitive or (BER) constructed."""
    if tlv.tag == OCTET_STRING:
        return tlv.content
    if tlv.tag == OCTET_STRING | 0x20:
        return b"".join(octets(c, depth + 1) for c in children(tlv, depth))
    raise DerError("expected OCTET STRING")


def explicit(tlv: Tlv, number: int = 0) -> Tlv:
    """The single element inside an ``[number] EXPLICIT`` tag."""
    if tlv.tag != (0xA0 | number):
        raise DerError(f"expected [{number}]")
    inner = children(tlv)
    if len(inner) != 1:
        raise DerError(f"[{number}] must hold one element")
    return inner[0]


# ---------------------------------------------------------------------------------------------------------
# Encryption schemes

PBES2 = "1.2.840.113549.1.5.13"
PBKDF2 = "1.2.840.113549.1.5.12"
SCRYPT = "1.3.6.1.4.1.11591.4.11"

_PBES1 = {
    "1.2.840.113549.1.5.1": ("md2", "des"),
    "1.2.840.113549.1.5.4": ("md2", "rc2"),
    "1.2.840.113549.1.5.3": ("md5", "des"),
    "1.2.840.113549.1.5.6": ("md5", "rc2"),
    "1.2.840.113549.1.5.10": ("sha1", "des"),
    "1.2.840.113549.1.5.11": ("sha1", "rc2"),
}
_PKCS12_PBE = {
    "1.2.840.113549.1.12.1.1": "rc4-128",
    "1.2.840.113549.1.12.1.2": "rc4-40",
    "1.2.840.113549.1.12.1.3": "3des",
    "1.2.840.113549.1.12.1.4": "2des",
    "1.2.840.113549.1.12.1.5": "rc2-128",
    "1.2.840.113549.1.12.1.6": "rc2-40",
}
_CIPHERS = {
    "2.16.840.1.101.3.4.1.2": "aes-128-cbc",
    "2.16.840.1.101.3.4.1.22": "aes-192-cbc",
    "2.16.840.1.101.3.4.1.42": "aes-256-cbc",
    "2.16.840.1.101.3.4.1.6": "aes-128-gcm",
    "2.16.840.1.101.3.4.1.26": "aes-192-gcm",
    "2.16.840.1.101.3.4.1.46": "aes-256-gcm",
    "1.2.840.113549.3.7": "des-ede3-cbc",
    "1.3.14.3.2.7": "des-cbc",
    "1.2.840.113549.3.2": "rc2-cbc",
    "1.2.840.113549.3.9": "rc5-cbc",
    "1.2.392.200011.61.1.1.1.2": "camellia-128-cbc",
    "1.2.392.200011.61.1.1.1.3": "camellia-192-cbc",
    "1.2.392.200011.61.1.1.1.4": "camellia-256-cbc",
    "1.2.156.10197.1.104.2": "sm4-cbc",
}
_PRFS = {
    "1.2.840.113549.2.7": "hmac-sha1",
    "1.2.840.113549.2.8": "hmac-sha224",
    "1.2.840.113549.2.9": "hmac-sha256",
    "1.2.840.113549.2.10": "hmac-sha384",
    "1.2.840.113549.2.11": "hmac-sha512",
    "1.2.840.113549.2.12": "hmac-sha512-224",
    "1.2.840.113549.2.13": "hmac-sha512-256",
}
_WEAK_CIPHERS = {
    "des-cbc": "DES has a 56-bit key",
    "des-ede-cbc": "two-key 3DES is legacy (NIST SP 800-131A Rev. 2)",
    "des-ede3-cbc": "3DES is legacy (64-bit block; NIST SP 800-131A Rev. 2)",
    "rc2-cbc": "RC2 is broken",
    "rc2-40-cbc": "RC2 with a 40-bit key is broken",
    "rc4": "RC4 is broken",
    "rc4-40": "RC4 with a 40-bit key is broken",
    "rc5-cbc": "RC5 is legacy",
}
_FIPS_CIPHERS = {"aes-128-cbc", "aes-192-cbc", "aes-256-cbc", "des-ede3-cbc"}
# The cipher each legacy scheme names, in the spelling of _CIPHERS (the ``cipher`` fact)
_PBES1_CIPHERS = {"des": "des-cbc", "rc2": "rc2-cbc"}
_PKCS12_PBE_CIPHERS = {
    "rc4-128": "rc4",
    "rc4-40": "rc4-40",
    "3des": "des-ede3-cbc",
    "2des": "des-ede-cbc",
    "rc2-128": "rc2-cbc",
    "rc2-40": "rc2-40-cbc",
}


@dataclass(frozen=True, slots=True)
class Encryption:
    """How a private key is protected, read from the structure around the ciphertext.

    ``kdf`` names the function that stretches the passphrase: ``pbkdf2`` and ``scrypt`` (PBES2, RFC 8018
    §6.2 / RFC 7914), ``pbkdf1-md2|md5|sha1`` (PBES1, RFC 8018 §6.1), ``pkcs12-sha1`` (RFC 7292 Appendix B)
    or ``evp-bytestokey-md5`` (traditional PEM, one MD5 round); ``None`` when unknown. Its work factor is
    ``iterations`` (PBKDF1/2, PKCS#12, EVP_BytesToKey) or ``scrypt`` = (N, r, p).
    """

    scheme: str  # e.g. "pbes2-pbkdf2-aes-256-cbc", "pbes1-md5-des", "pem-des-ede3-cbc", "pkcs12-sha1-3des"
    iterations: int | None = None
    prf: str | None = None  # PBKDF2's PRF, e.g. "hmac-sha256"
    weak: str | None = None  # a legacy scheme or cipher (never a work factor: the rules judge numbers)
    fips_loadable: bool | None = None
    kdf: str | None = None
    cipher: str | None = None  # e.g. "aes-256-cbc", "des-ede3-cbc"; None when unknown
    scrypt: tuple[int, int, int] | None = None  # (N, r, p)


def analyse_algorithm(alg: Tlv) -> Encryption:
    """Evaluate a password-based encryption ``AlgorithmIdentifier``."""
    parts = seq(alg)
    oid = oid_text(parts[0])
    params = parts[1] if len(parts) > 1 else None
    if oid == PBES2 and params is not None:
        return _pbes2(params)
    if oid in _PBES1:
        digest, cipher = _PBES1[oid]
        iterations = _pbe_iterations(params)
        return Encryption(
            f"pbes1-{digest}-{cipher}",
            iterations,
            weak=f"PBES1 ({digest.upper()} with {cipher.upper()}) is a legacy scheme (RFC 8018 §A.3)",
            fips_loadable=False,
            kdf=f"pbkdf1-{digest}",
            cipher=_PBES1_CIPHERS[cipher],
        )
    if oid in _PKCS12_PBE:
        cipher = _PKCS12_PBE[oid]
        iterations = _pbe_iterations(params)
        fips = None if cipher == "3des" else False
        return Encryption(
            f"pkcs12-sha1-{cipher}",
            iterations,
            weak=f"PKCS#12 PBE with SHA-1 and {cipher.upper()} is a legacy scheme (RFC 7292 Appendix C)",
            fips_loadable=fips,
            kdf="pkcs12-sha1",
            cipher=_PKCS12_PBE_CIPHERS[cipher],
        )
    return Encryption(f"unknown:{oid}")


def _pbe_iterations(params: Tlv | None) -> int | None:
    if params is None or params.tag != SEQUENCE:
        return None
    parts = seq(params)
    return integer(parts[1]) if len(parts) > 1 else None


def _pbes2(params: Tlv) -> Encryption:
    kdf_alg, enc_alg = seq(params)[:2]
    kdf_parts = seq(kdf_alg)
    kdf_oid = oid_text(kdf_parts[0])
    cipher = _CIPHERS.get(oid_text(seq(enc_alg)[0]), "unknown-cipher")
    known_cipher = None if cipher == "unknown-cipher" else cipher
    weak = _WEAK_CIPHERS.get(cipher)
    fips: bool | None = cipher in _FIPS_CIPHERS if known_cipher else None
    if kdf_oid == PBKDF2:
        iterations, prf = _pbkdf2_params(kdf_parts[1])
        if prf not in _PRFS.values():
            fips = None
        return Encryption(f"pbes2-pbkdf2-{cipher}", iterations, prf, weak, fips, "pbkdf2", known_cipher)
    if kdf_oid == SCRYPT:
        fields = seq(kdf_parts[1])
        n, r = integer(fields[1]), integer(fields[2])
        p = integer(fields[3]) if len(fields) > 3 and fields[3].tag == INTEGER else 1
        return Encryption(
            f"pbes2-scrypt-{cipher}", None, None, weak, False, "scrypt", known_cipher, (n, r, p)
        )
    return Encryption(f"pbes2-unknown-kdf-{cipher}", None, None, weak, None, None, known_cipher)


def _pbkdf2_params(params: Tlv) -> tuple[int, str]:
    parts = seq(params)
    iterations = integer(parts[1])
    prf = "hmac-sha1"  # the DEFAULT of RFC 8018 Appendix A.2
    for extra in parts[2:]:
        if extra.tag == SEQUENCE:
            prf_oid = oid_text(seq(extra)[0])
            prf = _PRFS.get(prf_oid, f"unknown:{prf_oid}")
    return iterations, prf


def analyse_encrypted_pkcs8(der: bytes) -> Encryption:
    """Evaluate an ``EncryptedPrivateKeyInfo`` (RFC 5208 §6).

    ``SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }``.

    Raises :class:`DerError` when the structure is not that.
    """
    try:
        parts = seq(read_one(der))
        if len(parts) != 2:
            raise DerError("not an EncryptedPrivateKeyInfo")
        octets(parts[1])
        return analyse_algorithm(parts[0])
    except IndexError as exc:
        raise DerError("missing field") from exc


def looks_like_encrypted_pkcs8(der: bytes) -> bool:
    try:
        parts = seq(read_one(der))
        return (
            len(parts) == 2
            and parts[0].tag == SEQUENCE
            and parts[1].tag in (OCTET_STRING, OCTET_STRING | 0x20)
        )
    except DerError:
        return False


_DEK = re.compile(r"^\s*([A-Za-z0-9-]+)\s*,\s*([0-9A-Fa-f]+)\s*$")


def analyse_dek_info(dek_info: str | None) -> Encryption:
    """Traditional OpenSSL PEM encryption: ``DEK-Info: DES-EDE3-CBC,<hex IV>``."""
    match = _DEK.match(dek_info or "")
    cipher = match.group(1).lower() if match else "unknown-cipher"
    reasons = [
        "legacy PEM encryption derives the key with MD5 in a single iteration (OpenSSL EVP_BytesToKey)"
    ]
    if cipher in _WEAK_CIPHERS:
        reasons.append(_WEAK_CIPHERS[cipher])
    known_cipher = None if cipher == "unknown-cipher" else cipher
    return Encryption(f"pem-{cipher}", 1, None, "; ".join(reasons), False, "evp-bytestokey-md5", known_cipher)


# ---------------------------------------------------------------------------------------------------------
# PKCS#12 structure

_DATA = "1.2.840.113549.1.7.1"
_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
_KEY_BAG = "1.2.840.113549.1.12.10.1.1"
_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
_DIGESTS = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "1.2.840.113549.2.5": "md5",
}


@dataclass(frozen=True, slots=True)
class Pkcs12Structure:
    key_encryption: Encryption | None  # the first shrouded key bag's scheme (or of the encrypted safe)
    plain_key_bag: bool  # an unencrypted keyBag is present
    encrypted_safes: int  # encryptedData contents (usually the certificates)
    mac: tuple[str, int] | None  # (digest, iterations)


def looks_like_pkcs12(der: bytes) -> bool:
    try:
        parts = seq(read_tlv(der))
        return (
            len(parts) >= 2
            and parts[0].tag == INTEGER
            and integer(parts[0]) == 3
            and parts[1].tag == SEQUENCE
            and oid_text(seq(parts[1])[0]) == _DATA
        )
    except (DerError, IndexError):
        return False


def analyse_pkcs12(der: bytes) -> Pkcs12Structure:
    """Walk ``PFX -> AuthenticatedSafe -> SafeContents -> SafeBag`` (RFC 7292 §4-§5) without any password.

    Raises :class:`DerError` when the structure is not that.
    """
    try:
        return _analyse_pkcs12(der)
    except IndexError as exc:
        raise DerError("missing field") from exc


def _analyse_pkcs12(der: bytes) -> Pkcs12Structure:
    parts = seq(read_tlv(der))
    auth_safe = seq(parts[1])
    if oid_text(auth_safe[0]) != _DATA:
        raise DerError("public-key protected PKCS#12 is not supported")
    safes = seq(read_one(octets(explicit(auth_safe[1]))))
    key_enc: Encryption | None = None
    safe_enc: Encryption | None = None
    plain = False
    encrypted_safes = 0
    for info in safes:
        info_parts = seq(info)
        kind = oid_text(info_parts[0])
        if kind == _DATA:
            for bag in seq(read_one(octets(explicit(info_parts[1])))):
                bag_parts = seq(bag)
                bag_id = oid_text(bag_parts[0])
                if bag_id == _KEY_BAG:
                    plain = True
                elif bag_id == _SHROUDED_KEY_BAG and key_enc is None:
                    key_enc = analyse_algorithm(seq(explicit(bag_parts[1]))[0])
        elif kind == _ENCRYPTED_DATA:
            encrypted_safes += 1
            enc_content = seq(seq(explicit(info_parts[1]))[1])
            if safe_enc is None:
                safe_enc = analyse_algorithm(enc_content[1])
    mac = _pkcs12_mac(parts[2]) if len(parts) > 2 else None
    if key_enc is None and not plain:
        key_enc = safe_enc  # the key bag, if any, sits inside the encrypted safe
    return Pkcs12Structure(key_enc, plain, encrypted_safes, mac)


def _pkcs12_mac(mac_data: Tlv) -> tuple[str, int] | None:
    parts = seq(mac_data)
    digest_oid = oid_text(seq(seq(parts[0])[0])[0])
    iterations = integer(parts[2]) if len(parts) > 2 else 1
    return _DIGESTS.get(digest_oid, digest_oid), iterations


# ---------------------------------------------------------------------------------------------------------
# Key descriptions


@dataclass(slots=True)
class KeyInfo:
    """One private key found in a file."""

    source: str  # "pkcs8" | "pkcs8-encrypted" | "traditional" | "traditional-encrypted" | "pkcs12" | "der"
    type: str | None = None  # "RSA" | "EC" | "DSA" | "Ed25519" | "Ed448" | ...
    bits: int | None = None
    curve: str | None = None
    encrypted: bool = False
    encryption: Encryption | None = None
    public_key: Any = None  # cryptography public key, None while encrypted
    note: str = ""


def describe_public_key(pub: Any) -> tuple[str, int | None, str | None]:
    """(type, bits, curve) of a ``cryptography`` public key."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    if isinstance(pub, rsa.RSAPublicKey):
        return "RSA", pub.key_size, None
    if isinstance(pub, ec.EllipticCurvePublicKey):
        return "EC", pub.curve.key_size, pub.curve.name
    if isinstance(pub, dsa.DSAPublicKey):
        return "DSA", pub.key_size, None
    if isinstance(pub, ed25519.Ed25519PublicKey):
        return "Ed25519", 256, None
    if isinstance(pub, ed448.Ed448PublicKey):
        return "Ed448", 456, None
    name = type(pub).__name__.removesuffix("PublicKey").lstrip("_")
    return name or "unknown", None, None


def key_from_private(private: Any, source: str) -> KeyInfo:
    pub = private.public_key()
    kind, bits, curve = describe_public_key(pub)
    return KeyInfo(source, kind, bits, curve, False, None, pub)


def public_key_der(pub: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    der: bytes = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def same_public_key(a: Any, b: Any) -> bool:
    try:
        return public_key_der(a) == public_key_der(b)
    except (ValueError, TypeError):
        return False


def weak_key_reason(kind: str | None, bits: int | None) -> str | None:
    """RSA/DSA below 2048 bits and EC below 224 bits: under 112-bit security (NIST SP 800-131A Rev. 2)."""
    if bits is None:
        return None
    if kind in ("RSA", "DSA") and bits < 2048:
        return f"{kind} {bits}-bit key (below 2048)"
    if kind == "EC" and bits < 224:
        return f"EC {bits}-bit key (below 224)"
    return None


def fips_loadable(info: KeyInfo) -> bool | None:
    if info.source == "pkcs12":
        return None
    if info.type in ("Ed25519", "Ed448"):
        return False
    if info.encrypted:
        return info.encryption.fips_loadable if info.encryption else None
    return True if info.type in ("RSA", "EC", "DSA") else None
