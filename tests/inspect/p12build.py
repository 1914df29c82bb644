"""Hand-built PKCS#12 files (RFC 7292) for the cost audit: any iteration count in any place, bags hidden in
encrypted safes, MACs of any kind. ``cryptography`` refuses to write most of these, hence the DER here.

Encryption uses the empty password (what emslint tries), with real PBES2 (PBKDF2 + AES-256-CBC): OpenSSL
opens such a file without a password when the iteration counts are sane.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from emslint.inspect.pkcs12_cost import pkcs12_kdf
from tests.inspect.pki import explicit, integer, null, octet, oid, seq, tlv

DATA = "1.2.840.113549.1.7.1"
ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
CERT_BAG = "1.2.840.113549.1.12.10.1.3"
SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6"
X509_CERT = "1.2.840.113549.1.9.22.1"
PBES2 = "1.2.840.113549.1.5.13"
PBKDF2 = "1.2.840.113549.1.5.12"
AES256 = "2.16.840.1.101.3.4.1.42"
HMAC_SHA256 = "1.2.840.113549.2.9"
SHA1 = "1.3.14.3.2.26"
SALT = b"\x01" * 8
IV = b"\x02" * 16


def pbes2_alg(iterations: int) -> bytes:
    kdf = seq(oid(PBKDF2), seq(octet(SALT), integer(iterations), seq(oid(HMAC_SHA256), null())))
    return seq(oid(PBES2), seq(kdf, seq(oid(AES256), octet(IV))))


def pbes2_encrypt(plain: bytes, iterations: int, password: bytes = b"") -> bytes:
    key = hashlib.pbkdf2_hmac("sha256", password, SALT, iterations, 32)
    padder = sym_padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(IV)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def shrouded_key_bag(iterations: int, key_der: bytes = b"\x30\x00") -> bytes:
    """A pkcs8ShroudedKeyBag whose key is encrypted (empty password) with ``iterations`` PBKDF2 rounds.

    The encryption is only real for small counts; above 100,000 random bytes stand in (nothing may ever
    derive that key, which is the point of the tests).
    """
    ciphertext = pbes2_encrypt(key_der, iterations) if iterations <= 100_000 else b"\x00" * 32
    return seq(oid(SHROUDED_KEY_BAG), explicit(0, seq(pbes2_alg(iterations), octet(ciphertext))))


def cert_bag(cert_der: bytes) -> bytes:
    return seq(oid(CERT_BAG), explicit(0, seq(oid(X509_CERT), explicit(0, octet(cert_der)))))


def safe_contents_bag(*bags: bytes) -> bytes:
    return seq(oid(SAFE_CONTENTS_BAG), explicit(0, seq(*bags)))


def data_safe(*bags: bytes) -> bytes:
    return seq(oid(DATA), explicit(0, octet(seq(*bags))))


def encrypted_safe(iterations: int, *bags: bytes, ciphertext: bytes | None = None) -> bytes:
    """An encryptedData safe holding ``bags`` (encrypted for real with the empty password unless
    ``ciphertext`` is given)."""
    if ciphertext is None:
        ciphertext = pbes2_encrypt(seq(*bags), iterations) if iterations <= 100_000 else b"\x00" * 32
    content = seq(oid(DATA), pbes2_alg(iterations), tlv(0x80, ciphertext))
    return seq(oid(ENCRYPTED_DATA), explicit(0, seq(integer(0), content)))


def mac_data(iterations: int) -> bytes:
    return seq(seq(seq(oid(SHA1), null()), octet(b"\x00" * 20)), octet(SALT), integer(iterations))


def pfx(*safes: bytes, mac_iterations: int | None = None) -> bytes:
    """A PFX; with ``mac_iterations`` a real SHA-1 MAC for the empty password (RFC 7292 B.2 KDF)."""
    auth_safe = seq(*safes)
    content_info = seq(oid(DATA), explicit(0, octet(auth_safe)))
    parts = [integer(3), content_info]
    if mac_iterations is not None:
        if mac_iterations <= 100_000:
            key = pkcs12_kdf(b"", SALT, 3, mac_iterations, 20)
            digest = hmac.new(key, auth_safe, hashlib.sha1).digest()
        else:
            digest = b"\x00" * 20
        parts.append(seq(seq(seq(oid(SHA1), null()), octet(digest)), octet(SALT), integer(mac_iterations)))
    return seq(*parts)
