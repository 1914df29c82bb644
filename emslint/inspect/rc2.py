"""RC2-CBC decryption (RFC 2268), for looking into legacy PKCS#12 safes (``pbeWithSHAAnd40BitRC2-CBC``).

``cryptography`` only offers 128-bit RC2; OpenSSL 1.x wrote the certificates of every ``pkcs12 -export`` with
40-bit RC2, so emslint carries this small implementation to read what such a file holds before it lets
OpenSSL open it (see :mod:`.pkcs12_cost`). Decryption only; the caller bounds the input size.
"""

from __future__ import annotations

# RFC 2268 §2: PITABLE, a permutation of 0..255 from the digits of pi.
_PITABLE = bytes.fromhex(
    "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2"
    "179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82"
    "54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626"
    "6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7"
    "08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec"
    "c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731"
    "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9"
    "0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad"
)
_MASK16 = 0xFFFF


def _expand(key: bytes, effective_bits: int) -> list[int]:
    """The 64 16-bit subkeys K[0..63] (RFC 2268 §2)."""
    if not 1 <= len(key) <= 128 or not 1 <= effective_bits <= 1024:
        raise ValueError("bad RC2 key")
    table = _PITABLE
    length = bytearray(128)
    t = len(key)
    length[:t] = key
    for i in range(t, 128):
        length[i] = table[(length[i - 1] + length[i - t]) & 0xFF]
    t8 = (effective_bits + 7) // 8
    tm = 0xFF % (1 << (8 + effective_bits - 8 * t8))
    length[128 - t8] = table[length[128 - t8] & tm]
    for i in range(127 - t8, -1, -1):
        length[i] = table[length[i + 1] ^ length[i + t8]]
    return [length[2 * i] | (length[2 * i + 1] << 8) for i in range(64)]


def _ror(x: int, s: int) -> int:
    return ((x >> s) | (x << (16 - s))) & _MASK16


def _decrypt_block(k: list[int], block: bytes) -> bytes:
    r0 = block[0] | block[1] << 8
    r1 = block[2] | block[3] << 8
    r2 = block[4] | block[5] << 8
    r3 = block[6] | block[7] << 8
    j = 63
    for round_number in range(16):  # 5 mixing, mash, 6 mixing, mash, 5 mixing (RFC 2268 §4), in reverse
        r3 = (_ror(r3, 5) - k[j] - (r2 & r1) - (~r2 & r0)) & _MASK16
        r2 = (_ror(r2, 3) - k[j - 1] - (r1 & r0) - (~r1 & r3)) & _MASK16
        r1 = (_ror(r1, 2) - k[j - 2] - (r0 & r3) - (~r0 & r2)) & _MASK16
        r0 = (_ror(r0, 1) - k[j - 3] - (r3 & r2) - (~r3 & r1)) & _MASK16
        j -= 4
        if round_number in (4, 10):  # r-mashing
            r3 = (r3 - k[r2 & 63]) & _MASK16
            r2 = (r2 - k[r1 & 63]) & _MASK16
            r1 = (r1 - k[r0 & 63]) & _MASK16
            r0 = (r0 - k[r3 & 63]) & _MASK16
    return bytes((r0 & 0xFF, r0 >> 8, r1 & 0xFF, r1 >> 8, r2 & 0xFF, r2 >> 8, r3 & 0xFF, r3 >> 8))


def decrypt_block(key: bytes, block: bytes, effective_bits: int | None = None) -> bytes:
    """One 8-byte block (ECB); ``effective_bits`` defaults to the key's length in bits."""
    return _decrypt_block(_expand(key, effective_bits or 8 * len(key)), block)


def decrypt_cbc(key: bytes, iv: bytes, data: bytes, effective_bits: int | None = None) -> bytes:
    """RC2-CBC decryption, padding left in place. Raises ValueError for a bad key, IV or length."""
    if len(iv) != 8 or len(data) % 8:
        raise ValueError("bad RC2-CBC input")
    k = _expand(key, effective_bits or 8 * len(key))
    out = bytearray()
    previous = iv
    for start in range(0, len(data), 8):
        block = data[start : start + 8]
        plain = _decrypt_block(k, block)
        out += bytes(a ^ b for a, b in zip(plain, previous, strict=True))
        previous = block
    return bytes(out)
