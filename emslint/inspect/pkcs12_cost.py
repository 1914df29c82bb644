"""What opening a PKCS#12 file would cost, counted before any key is derived from it.

Opening a PKCS#12 (``cryptography``'s ``load_pkcs12``, i.e. OpenSSL's ``PKCS12_parse``) runs the file's own
key-derivation function for the MAC (once with no password, once with the empty one), for every encrypted
safe and for every shrouded key bag, each with the iteration count the file names. A hostile file asks for
2^31 iterations in a place the old check did not look at, or hides a costly key bag inside an encrypted safe.
So, before emslint lets OpenSSL open a file:

1. the structure is walked (no derivation) and every visible KDF use is costed: the MAC, each encrypted
   safe, each shrouded key bag of the plain safes (nested safe-contents bags included);
2. each encrypted safe is decrypted here with the two empty passwords OpenSSL would try, each derivation
   costed first, and the key bags found inside are costed too;
3. only when the total stays within :data:`MAX_KDF_WORK` is the file opened. Otherwise it is left closed and
   :attr:`OpeningCost.limit` says why (a finding, EMS628).

Work is counted in *units*: one PBKDF2/PKCS#12-KDF iteration for one output block (about 0.3-0.4 us each,
in C or in this module's Python), one PBKDF1 iteration, N*r*p for scrypt. Iteration counts are taken as
absolute values, so a negative or huge INTEGER never looks cheap.

Decryption here supports what real files use: PKCS#12 PBE with SHA-1 (3DES, 2-key 3DES, RC2-40/128,
RC4-40/128; RFC 7292 Appendix B/C), PBES2 with PBKDF2 or scrypt and AES-CBC/3DES-CBC/DES-CBC, PBES1 with
MD5/SHA-1 and DES. An encrypted safe in another scheme, or larger than :data:`MAX_PEEK_BYTES`, cannot be
looked into: the file is not opened (a limit). A scheme OpenSSL does not know either (an unknown OID) stops
OpenSSL before it derives anything, so it costs nothing.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from emslint.inspect import keys as k

MAX_KDF_WORK = 2_000_000  # units (~0.7 s of PBKDF2-HMAC-SHA256 on the development box)
MAX_PEEK_BYTES = 256 * 1024  # largest encrypted safe decrypted here to see what it holds
_MAX_NESTING = 8  # safeContents bags inside safeContents bags
_SCRYPT_MAX_MEMORY = 32 * 1024 * 1024  # OpenSSL's default scrypt memory limit: larger asks fail at once
_pbkdf2_hmac = hashlib.pbkdf2_hmac  # one name for every PBKDF2 run here (the tests count them)

_DATA = "1.2.840.113549.1.7.1"
_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
_SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6"
_PBMAC1 = "1.2.840.113549.1.5.14"

# PKCS#12 PBE (RFC 7292 Appendix C): cipher, key bytes, IV bytes (0: stream cipher)
_PKCS12_PBE = {
    "1.2.840.113549.1.12.1.1": ("rc4", 16, 0),
    "1.2.840.113549.1.12.1.2": ("rc4", 5, 0),
    "1.2.840.113549.1.12.1.3": ("3des", 24, 8),
    "1.2.840.113549.1.12.1.4": ("3des", 16, 8),
    "1.2.840.113549.1.12.1.5": ("rc2", 16, 8),
    "1.2.840.113549.1.12.1.6": ("rc2", 5, 8),
}
# PBES1 (RFC 8018 §6.1): digest, cipher (8-byte key and IV from 16 derived bytes)
_PBES1 = {
    "1.2.840.113549.1.5.1": ("md2", "des"),
    "1.2.840.113549.1.5.4": ("md2", "rc2"),
    "1.2.840.113549.1.5.3": ("md5", "des"),
    "1.2.840.113549.1.5.6": ("md5", "rc2"),
    "1.2.840.113549.1.5.10": ("sha1", "des"),
    "1.2.840.113549.1.5.11": ("sha1", "rc2"),
}
# PBES2 ciphers: name, key bytes
_PBES2_CIPHERS = {
    "2.16.840.1.101.3.4.1.2": ("aes", 16),
    "2.16.840.1.101.3.4.1.22": ("aes", 24),
    "2.16.840.1.101.3.4.1.42": ("aes", 32),
    "1.2.840.113549.3.7": ("3des", 24),
    "1.3.14.3.2.7": ("des", 8),
}
_PRF_HASHES = {
    "1.2.840.113549.2.7": "sha1",
    "1.2.840.113549.2.8": "sha224",
    "1.2.840.113549.2.9": "sha256",
    "1.2.840.113549.2.10": "sha384",
    "1.2.840.113549.2.11": "sha512",
    "1.2.840.113549.2.12": "sha512_224",
    "1.2.840.113549.2.13": "sha512_256",
}
_MAC_DIGESTS = {  # digest OID -> (hashlib name, output bytes)
    "1.3.14.3.2.26": ("sha1", 20),
    "2.16.840.1.101.3.4.2.4": ("sha224", 28),
    "2.16.840.1.101.3.4.2.1": ("sha256", 32),
    "2.16.840.1.101.3.4.2.2": ("sha384", 48),
    "2.16.840.1.101.3.4.2.3": ("sha512", 64),
    "1.2.840.113549.2.5": ("md5", 16),
}


class _Unknown(Exception):
    """A scheme OpenSSL does not know: it fails before deriving anything."""


@dataclass(frozen=True, slots=True)
class OpeningCost:
    """The verdict on one PKCS#12 file."""

    work: int  # units: the derivations opening would run plus those spent here looking into safes
    spent: int  # units derived here (part of ``work``)
    openable: bool  # every derivation is known and the total is within the budget
    limit: str | None = None  # why the file is not opened, when a bound was hit
    looked_into: int = 0  # encrypted safes decrypted here (their key bags are in ``work``)


@dataclass(frozen=True, slots=True)
class _Scheme:
    """One password-based encryption AlgorithmIdentifier, costed."""

    units: int
    kind: str  # "pkcs12-pbe" | "pbes2" | "pbes1"
    params: tuple[Any, ...]  # its fields, by kind (as _scheme builds them and the cost functions unpack them)


def opening_cost(der: bytes, budget: int | None = None) -> OpeningCost:
    """Cost every key derivation that opening ``der`` with an empty password would run, within ``budget``
    units (default :data:`MAX_KDF_WORK`); never raises.

    A structure that does not parse is ``openable=False`` without a limit (OpenSSL would refuse it before
    deriving anything, and the caller reports the damage).
    """
    try:
        return _Audit(der, MAX_KDF_WORK if budget is None else budget).run()
    except (k.DerError, IndexError, ValueError):
        return OpeningCost(0, 0, False)


class _Audit:
    def __init__(self, der: bytes, budget: int) -> None:
        self.der = der
        self.budget = budget
        self.planned = 0  # what OpenSSL would derive
        self.spent = 0  # what this module derived
        self.unknown = False
        self.looked_into = 0

    def run(self) -> OpeningCost:
        """Walk the PKCS#12 structure (MAC, safes, shrouded key bags) and add up what opening it would cost,
        without deriving a key."""
        parts = k.seq(k.read_tlv(self.der))
        auth_safe = k.seq(parts[1])
        if k.oid_text(auth_safe[0]) != _DATA:
            return OpeningCost(0, 0, False)  # public-key integrity mode: never opens without the keys
        safes = k.seq(k.read_one(k.octets(k.explicit(auth_safe[1]))))
        if len(parts) > 2:
            self.planned += 2 * self._mac_units(parts[2])  # PKCS12_parse tries no password, then ""
        encrypted: list[tuple[_Scheme | None, bytes]] = []
        for info in safes:
            info_parts = k.seq(info)
            kind = k.oid_text(info_parts[0])
            if kind == _DATA:
                self._bags(k.read_one(k.octets(k.explicit(info_parts[1]))), 0)
            elif kind == _ENCRYPTED_DATA:
                content = k.seq(k.seq(k.explicit(info_parts[1]))[1])
                scheme = self._scheme(content[1])
                if scheme is not None:
                    self.planned += scheme.units
                ciphertext = _implicit_octets(content[2]) if len(content) > 2 else b""
                encrypted.append((scheme, ciphertext))
        too_costly = self._over()
        if too_costly:
            return too_costly
        for scheme, ciphertext in encrypted:
            if scheme is None:
                continue
            verdict = self._peek(scheme, ciphertext)
            if verdict is not None:
                return verdict
        total = self.planned + self.spent
        return OpeningCost(total, self.spent, not self.unknown, None, self.looked_into)

    # -- costs -------------------------------------------------------------------------------------------

    def _over(self) -> OpeningCost | None:
        total = self.planned + self.spent
        if total <= self.budget:
            return None
        return OpeningCost(
            total,
            self.spent,
            False,
            looked_into=self.looked_into,
            limit=f"opening the PKCS#12 file would run {total:,} key-derivation iterations (limit {self.budget:,}):"
            " it was not opened, so whether it opens without a password is not known",
        )

    def _mac_units(self, mac_data: k.Tlv) -> int:
        parts = k.seq(mac_data)
        algorithm = k.seq(k.seq(parts[0])[0])
        oid = k.oid_text(algorithm[0])
        if oid == _PBMAC1:
            kdf = k.seq(k.seq(algorithm[1])[0])
            if k.oid_text(kdf[0]) != k.PBKDF2:
                self.unknown = True
                return 0
            params = k.seq(kdf[1])
            iterations, prf = _pbkdf2_iterations_prf(params)
            key_length = abs(k.integer(params[2])) if len(params) > 2 and params[2].tag == k.INTEGER else 32
            return iterations * _blocks(key_length, _width(prf))
        if oid not in _MAC_DIGESTS:
            self.unknown = True
            return 0
        iterations = abs(k.integer(parts[2])) if len(parts) > 2 else 1
        return iterations  # the MAC key is one digest long: one block

    def _scheme(self, alg: k.Tlv) -> _Scheme | None:
        """Cost of one derivation with ``alg``; None (and ``unknown``) for a scheme OpenSSL does not know."""
        try:
            return _cost_scheme(alg)
        except _Unknown:
            self.unknown = True
            return None

    def _bags(self, safe_contents: k.Tlv, depth: int) -> None:
        for bag_id, value in _bag_values(safe_contents):
            if bag_id == _SHROUDED_KEY_BAG:
                scheme = self._scheme(k.seq(value)[0])
                if scheme is not None:
                    self.planned += scheme.units
            elif bag_id == _SAFE_CONTENTS_BAG:
                if depth >= _MAX_NESTING:
                    raise k.DerError("safe contents nested too deep")
                self._bags(value, depth + 1)

    # -- looking into encrypted safes --------------------------------------------------------------------

    def _peek(self, scheme: _Scheme, ciphertext: bytes) -> OpeningCost | None:
        """Decrypt one encrypted safe with the empty passwords and cost its key bags; a verdict when a bound
        is hit, else None."""
        if len(ciphertext) > MAX_PEEK_BYTES:
            return self._cannot_look(f"is larger than {MAX_PEEK_BYTES // 1024} KiB")
        for password in _passwords(scheme):
            self.spent += scheme.units
            too_costly = self._over()
            if too_costly:
                return too_costly
            try:
                plain = _decrypt(scheme, password, ciphertext)
            except _Unknown:
                return self._cannot_look("uses a cipher emslint cannot decrypt")
            if plain is None:
                continue
            try:
                contents = k.read_one(plain)
                self._bags(contents, 0)
            except (k.DerError, IndexError, ValueError):
                continue  # padding that happened to look right: not this password
            self.looked_into += 1
            return self._over()
        return None

    def _cannot_look(self, why: str) -> OpeningCost:
        total = self.planned + self.spent
        return OpeningCost(
            total,
            self.spent,
            False,
            looked_into=self.looked_into,
            limit=f"an encrypted part of the PKCS#12 file {why}, so the work needed to open the file cannot be"
            " bounded: it was not opened, so whether it opens without a password is not known",
        )


# ---------------------------------------------------------------------------------------------------------
# Structure helpers


def _implicit_octets(tlv: k.Tlv) -> bytes:
    """``[0] IMPLICIT OCTET STRING``, primitive or constructed (BER)."""
    if tlv.tag == 0x80:
        return tlv.content
    if tlv.tag == 0xA0:
        return b"".join(k.octets(child) for child in k.children(tlv))
    raise k.DerError("expected [0] encrypted content")


def _bag_values(safe_contents: k.Tlv) -> Iterator[tuple[str, k.Tlv]]:
    for bag in k.seq(safe_contents):
        parts = k.seq(bag)
        yield k.oid_text(parts[0]), k.explicit(parts[1])


def _blocks(length: int, width: int) -> int:
    return max(1, -(-length // max(1, width)))


def _width(prf: str | None) -> int:
    """Output bytes of a PRF; an unknown one is costed at its worst (one byte a block)."""
    return hashlib.new(prf).digest_size if prf else 1


def _pbkdf2_iterations_prf(params: list[k.Tlv]) -> tuple[int, str | None]:
    iterations = abs(k.integer(params[1]))
    prf: str | None = "sha1"
    for extra in params[2:]:
        if extra.tag == k.SEQUENCE:
            prf = _PRF_HASHES.get(k.oid_text(k.seq(extra)[0]))
    return iterations, prf


def _cost_scheme(alg: k.Tlv) -> _Scheme:
    """The key-derivation cost of one PKCS#12 / PKCS#5 algorithm identifier (iterations, or scrypt's work), or
    unknown."""
    parts = k.seq(alg)
    oid = k.oid_text(parts[0])
    params = parts[1] if len(parts) > 1 else None
    if oid in _PKCS12_PBE:
        if params is None:
            raise _Unknown
        fields = k.seq(params)
        salt, iterations = k.octets(fields[0]), abs(k.integer(fields[1]))
        cipher, key_bytes, iv_bytes = _PKCS12_PBE[oid]
        units = iterations * (_blocks(key_bytes, 20) + (1 if iv_bytes else 0))
        return _Scheme(units, "pkcs12-pbe", (cipher, key_bytes, iv_bytes, salt, iterations))
    if oid in _PBES1:
        if params is None:
            raise _Unknown
        fields = k.seq(params)
        salt, iterations = k.octets(fields[0]), abs(k.integer(fields[1]))
        digest, cipher = _PBES1[oid]
        return _Scheme(iterations, "pbes1", (digest, cipher, salt, iterations))
    if oid == k.PBES2 and params is not None:
        kdf_alg, enc_alg = k.seq(params)[:2]
        enc = k.seq(enc_alg)
        cipher_oid = k.oid_text(enc[0])
        cipher, key_bytes = _PBES2_CIPHERS.get(cipher_oid, (f"unknown:{cipher_oid}", 32))
        iv = k.octets(enc[1]) if len(enc) > 1 and enc[1].tag in (k.OCTET_STRING, k.OCTET_STRING | 0x20) else b""
        kdf = k.seq(kdf_alg)
        kdf_oid = k.oid_text(kdf[0])
        if kdf_oid == k.PBKDF2:
            fields = k.seq(kdf[1])
            salt = k.octets(fields[0])
            iterations, prf = _pbkdf2_iterations_prf(fields)
            units = iterations * _blocks(key_bytes, _width(prf))
            return _Scheme(units, "pbes2", ("pbkdf2", prf, salt, iterations, cipher, key_bytes, iv))
        if kdf_oid == k.SCRYPT:
            fields = k.seq(kdf[1])
            salt = k.octets(fields[0])
            n, r = abs(k.integer(fields[1])), abs(k.integer(fields[2]))
            p = abs(k.integer(fields[3])) if len(fields) > 3 and fields[3].tag == k.INTEGER else 1
            if 128 * n * r > _SCRYPT_MAX_MEMORY:
                raise _Unknown  # OpenSSL refuses it before working
            return _Scheme(n * r * p, "pbes2", ("scrypt", (n, r, p), salt, 0, cipher, key_bytes, iv))
    raise _Unknown


# ---------------------------------------------------------------------------------------------------------
# Decryption with an empty password


def _passwords(scheme: _Scheme) -> tuple[bytes, ...]:
    """The passwords OpenSSL's PKCS12_parse tries for "no password", as the scheme encodes them.

    The PKCS#12 KDF takes a BMPString with its terminator: none for NULL, two zero bytes for "". PBES1 and
    PBES2 take the bytes as they are: both are empty.
    """
    return (b"", b"\x00\x00") if scheme.kind == "pkcs12-pbe" else (b"",)


def _decrypt(scheme: _Scheme, password: bytes, ciphertext: bytes) -> bytes | None:
    """The plaintext with its padding removed, or None when the padding is wrong (another password)."""
    if scheme.kind == "pkcs12-pbe":
        cipher, key_bytes, iv_bytes, salt, iterations = scheme.params
        key = pkcs12_kdf(password, salt, 1, iterations, key_bytes)
        iv = pkcs12_kdf(password, salt, 2, iterations, iv_bytes) if iv_bytes else b""
        return _run_cipher(cipher, key, iv, ciphertext)
    if scheme.kind == "pbes1":
        digest, cipher, salt, iterations = scheme.params
        if digest == "md2":
            raise _Unknown
        derived = password + salt
        for _ in range(max(1, iterations)):
            derived = hashlib.new(digest, derived).digest()
        return _run_cipher(cipher, derived[:8], derived[8:16], ciphertext)
    kdf, settings, salt, iterations, cipher, key_bytes, iv = scheme.params
    if cipher.startswith("unknown:") or settings is None:
        raise _Unknown
    if kdf == "pbkdf2":
        key = _pbkdf2_hmac(settings, password, salt, max(1, iterations), key_bytes)
    else:
        n, r, p = settings
        key = hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=2 * _SCRYPT_MAX_MEMORY, dklen=key_bytes)
    return _run_cipher(cipher, key, iv, ciphertext)


def _run_cipher(cipher: str, key: bytes, iv: bytes, data: bytes) -> bytes | None:

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    with warnings.catch_warnings():  # the decrepit ciphers warn on import in some versions
        warnings.simplefilter("ignore")
        from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4, TripleDES

        if cipher == "rc4":
            decryptor = Cipher(ARC4(key), None).decryptor()
            return decryptor.update(data) + decryptor.finalize()
        if cipher == "rc2":
            from emslint.inspect import rc2

            if len(iv) != 8 or not data or len(data) % 8:
                return None
            return _unpad(rc2.decrypt_cbc(key, iv, data), 8)
        algorithm: TripleDES | algorithms.AES
        if cipher in ("3des", "des"):
            algorithm, block = TripleDES(key * 3 if cipher == "des" else key), 8
        elif cipher == "aes":
            algorithm, block = algorithms.AES(key), 16
        else:
            raise _Unknown
        if len(iv) != block or not data or len(data) % block:
            return None
        decryptor = Cipher(algorithm, modes.CBC(iv)).decryptor()
        return _unpad(decryptor.update(data) + decryptor.finalize(), block)


def _unpad(data: bytes, block: int) -> bytes | None:
    pad = data[-1] if data else 0
    if not 1 <= pad <= block or data[-pad:] != bytes([pad]) * pad:
        return None
    return data[:-pad]


def pkcs12_kdf(password: bytes, salt: bytes, purpose: int, iterations: int, length: int) -> bytes:
    """RFC 7292 Appendix B.2 with SHA-1 (u = 20, v = 64): ``length`` bytes for ``purpose`` 1 (key), 2 (IV)
    or 3 (MAC key). ``password`` is the BMPString with its terminator (empty for none)."""
    u, v = 20, 64
    diversifier = bytes([purpose]) * v

    def fill(data: bytes) -> bytes:
        if not data:
            return b""
        size = v * -(-len(data) // v)
        return (data * (size // len(data) + 1))[:size]

    block = bytearray(fill(salt) + fill(password))
    out = b""
    while len(out) < length:
        digest = diversifier + bytes(block)
        digest = hashlib.sha1(digest).digest()
        for _ in range(max(1, iterations) - 1):
            digest = hashlib.sha1(digest).digest()
        out += digest
        if len(out) >= length:
            break
        b = int.from_bytes((digest * (v // u + 1))[:v], "big")
        for start in range(0, len(block), v):
            chunk = int.from_bytes(block[start : start + v], "big")
            chunk = (chunk + b + 1) % (1 << (8 * v))
            block[start : start + v] = chunk.to_bytes(v, "big")
    return out[:length]
