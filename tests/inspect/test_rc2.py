"""RC2 decryption (emslint/inspect/rc2.py) against the RFC 2268 §5 test vectors and ``cryptography``'s RC2."""

from __future__ import annotations

import os
import warnings

import pytest

from emslint.inspect import rc2

# (key, effective key bits, plaintext, ciphertext), RFC 2268 §5
VECTORS = [
    ("0000000000000000", 63, "0000000000000000", "ebb773f993278eff"),
    ("ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"),
    ("3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"),
    ("88", 64, "0000000000000000", "61a8a244adacccf0"),
    ("88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"),
    ("88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"),
    ("88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"),
    ("88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e", 129, "0000000000000000",
     "5b78d3a43dfff1f1"),
]


@pytest.mark.parametrize(("key", "bits", "plain", "cipher"), VECTORS)
def test_rfc_2268_vectors(key, bits, plain, cipher):
    assert rc2.decrypt_block(bytes.fromhex(key), bytes.fromhex(cipher), bits).hex() == plain


@pytest.mark.parametrize("size", [8, 64, 1024])
def test_cbc_agrees_with_cryptography(size):
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from cryptography.hazmat.decrepit.ciphers.algorithms import RC2

    key, iv, data = os.urandom(16), os.urandom(8), os.urandom(size)
    encryptor = Cipher(RC2(key), modes.CBC(iv)).encryptor()
    assert rc2.decrypt_cbc(key, iv, encryptor.update(data) + encryptor.finalize()) == data


@pytest.mark.parametrize(
    ("key", "iv", "data"), [(b"", b"\0" * 8, b""), (b"k", b"\0" * 7, b""), (b"k", b"\0" * 8, b"x")]
)
def test_bad_input_is_refused(key, iv, data):
    with pytest.raises(ValueError):
        rc2.decrypt_cbc(key, iv, data)
