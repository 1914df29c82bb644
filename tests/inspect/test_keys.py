"""Key files: the DER reader, encryption strength read without the passphrase, key facts in the deployment."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from emslint.inspect import certificates as c
from emslint.inspect import keys as k
from tests.inspect import pki
from tests.inspect.pki import PASSWORD, inspect, item


def der_of(pem_bytes: bytes) -> bytes:
    import base64

    lines = [line for line in pem_bytes.splitlines() if line and b"-----" not in line and b":" not in line]
    return base64.b64decode(b"".join(lines))


def only_key(data: bytes) -> k.KeyInfo:
    material = c.parse_material(data)
    assert not material.problems, material.problems
    (info,) = material.keys
    return info


# ------------------------------------------------------------------------------------------------ DER reader


def test_definite_and_long_lengths():
    long = pki.octet(b"x" * 300)
    tlv = k.read_one(long)
    assert (tlv.tag, len(tlv.content)) == (0x04, 300)
    parts = k.seq(k.read_one(pki.seq(pki.integer(5), pki.integer(-2), pki.null())))
    assert [k.integer(p) for p in parts[:2]] == [5, -2]


def test_indefinite_length_and_constructed_octet_string():
    ber = (
        bytes([0x30, 0x80])
        + pki.integer(1)
        + bytes([0x24, 0x80])
        + pki.octet(b"ab")
        + pki.octet(b"cd")
        + b"\0\0\0\0"
    )
    outer = k.read_one(ber)
    first, second = k.children(outer)
    assert k.integer(first) == 1
    assert k.octets(second) == b"abcd"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x30",
        b"\x30\x05\x02\x01",
        b"\x30\x85\x00\x00\x00\x00\x01",
        b"\x04\x80\x00\x00",
        b"\x30\x80\x02\x01\x01",
        b"\x1f\x01\x00",
        pki.integer(1) + b"\x00",
    ],
)
def test_malformed_der(data):
    with pytest.raises(k.DerError):
        k.read_one(data)


@pytest.mark.parametrize(
    "dotted", ["1.2.840.113549.1.5.13", "2.16.840.1.101.3.4.1.42", "2.999.3", "0.9.2342"]
)
def test_oid_round_trip(dotted):
    assert k.oid_text(k.read_one(pki.oid(dotted))) == dotted


def test_deep_nesting_is_refused():
    data = pki.octet(b"")
    for _ in range(60):
        data = pki.seq(data)
    tlv = k.read_one(data)
    with pytest.raises(k.DerError):
        for _ in range(60):
            tlv = k.children(tlv, depth=45)[0]


# ------------------------------------------------------------------------------------------------ encryption


def test_pbes2_strong():
    enc = k.analyse_encrypted_pkcs8(der_of(pki.pbes2_pkcs8(pki.rsa_key(), iterations=100_000)))
    assert enc == k.Encryption(
        "pbes2-pbkdf2-aes-256-cbc", 100_000, "hmac-sha256", None, True, "pbkdf2", "aes-256-cbc"
    )


def test_pbes2_default_iterations_are_facts_not_a_verdict():
    """The work factor is a number in the facts; the rules judge it (EMS623, EMS629), Python does not."""
    enc = only_key(pki.key_pem(pki.rsa_key(), b"pw")).encryption  # cryptography's BestAvailableEncryption
    assert (enc.scheme, enc.kdf, enc.iterations, enc.cipher) == (
        "pbes2-pbkdf2-aes-256-cbc", "pbkdf2", 2048, "aes-256-cbc"
    )
    assert enc.weak is None


def test_pbes2_3des_sha1_prf():
    enc = only_key(
        pki.pbes2_pkcs8(pki.rsa_key(), iterations=50_000, cipher="des-ede3-cbc", prf="sha1")
    ).encryption
    assert (enc.scheme, enc.prf, enc.iterations) == ("pbes2-pbkdf2-des-ede3-cbc", "hmac-sha1", 50_000)
    assert (enc.kdf, enc.cipher) == ("pbkdf2", "des-ede3-cbc")
    assert enc.weak.startswith("3DES") and enc.fips_loadable is True


@pytest.mark.parametrize("iterations", [1, 999, 1000, 1024, 2048, 9_999, 10_000])
def test_pbes2_iterations_are_read_exactly(iterations):
    enc = k.analyse_encrypted_pkcs8(der_of(pki.pbes2_pkcs8(pki.rsa_key(), iterations=iterations)))
    assert (enc.kdf, enc.iterations, enc.weak) == ("pbkdf2", iterations, None)


def test_crafted_keys_really_decrypt():
    for data in (
        pki.pbes2_pkcs8(pki.rsa_key()),
        pki.pbes1_md5_des_pkcs8(pki.rsa_key()),
        pki.traditional_des_ede3(pki.rsa_key()),
    ):
        serialization.load_pem_private_key(data, PASSWORD)


def test_pbes1():
    info = only_key(pki.pbes1_md5_des_pkcs8(pki.rsa_key(), iterations=2048))
    assert info.encrypted and info.public_key is None
    enc = info.encryption
    assert (enc.scheme, enc.iterations, enc.fips_loadable) == ("pbes1-md5-des", 2048, False)
    assert (enc.kdf, enc.cipher) == ("pbkdf1-md5", "des-cbc")
    assert "PBES1" in enc.weak


def test_pkcs12_pbe_in_pkcs8():
    enc = only_key(pki.pkcs12_pbe_pkcs8_structure()).encryption
    assert enc.scheme == "pkcs12-sha1-rc2-40" and "RC2-40" in enc.weak and enc.fips_loadable is False
    assert (enc.kdf, enc.cipher) == ("pkcs12-sha1", "rc2-40-cbc")


def _scrypt(n: int) -> bytes:
    kdf = pki.seq(
        pki.oid("1.3.6.1.4.1.11591.4.11"),
        pki.seq(pki.octet(b"s" * 16), pki.integer(n), pki.integer(8), pki.integer(1)),
    )
    alg = pki.seq(
        pki.oid("1.2.840.113549.1.5.13"),
        pki.seq(kdf, pki.seq(pki.oid("2.16.840.1.101.3.4.1.42"), pki.octet(b"i" * 16))),
    )
    return pki.seq(alg, pki.octet(b"c" * 32))


def test_scrypt():
    strong, weak = k.analyse_encrypted_pkcs8(_scrypt(2**15)), k.analyse_encrypted_pkcs8(_scrypt(2**10))
    assert (
        strong.scheme == "pbes2-scrypt-aes-256-cbc" and strong.weak is None and strong.fips_loadable is False
    )
    assert (strong.kdf, strong.scrypt, weak.scrypt) == ("scrypt", (2**15, 8, 1), (2**10, 8, 1))
    assert weak.weak is None  # the cost is judged by EMS623's condition


def test_unknown_scheme():
    enc = k.analyse_encrypted_pkcs8(pki.seq(pki.seq(pki.oid("1.2.3.4")), pki.octet(b"x")))
    assert (enc.scheme, enc.weak, enc.fips_loadable) == ("unknown:1.2.3.4", None, None)


def test_not_an_encrypted_key():
    with pytest.raises(k.DerError):
        k.analyse_encrypted_pkcs8(pki.seq(pki.integer(1)))


def test_traditional_des_ede3():
    info = only_key(pki.traditional_des_ede3(pki.rsa_key()))
    assert (info.source, info.type, info.encrypted) == ("traditional-encrypted", "RSA", True)
    enc = info.encryption
    assert (enc.scheme, enc.iterations, enc.fips_loadable) == ("pem-des-ede3-cbc", 1, False)
    assert (enc.kdf, enc.cipher) == ("evp-bytestokey-md5", "des-ede3-cbc")
    assert "MD5" in enc.weak and "3DES" in enc.weak


def test_traditional_aes_is_still_weak():
    info = only_key(pki.key_pem(pki.ec_key(), b"pw", fmt="traditional"))
    assert (info.type, info.encryption.scheme) == ("EC", "pem-aes-256-cbc")
    assert "EVP_BytesToKey" in info.encryption.weak


def test_dek_info_garbage():
    assert k.analyse_dek_info(None).scheme == "pem-unknown-cipher"


# ------------------------------------------------------------------------------------------------ plain keys


@pytest.mark.parametrize(
    ("key", "fmt", "kind", "bits", "fips"),
    [
        (lambda: pki.rsa_key(2048), "pkcs8", "RSA", 2048, True),
        (lambda: pki.rsa_key(1024), "traditional", "RSA", 1024, True),
        (lambda: pki.ec_key("secp256r1"), "traditional", "EC", 256, True),
        (lambda: pki.ec_key("secp192r1"), "pkcs8", "EC", 192, True),
        (lambda: pki.dsa_key(1024), "traditional", "DSA", 1024, True),
        (lambda: pki.ed_key(), "pkcs8", "Ed25519", 256, False),
    ],
)
def test_plain_keys(key, fmt, kind, bits, fips):
    info = only_key(pki.key_pem(key(), None, fmt))
    assert (info.type, info.bits, info.encrypted, k.fips_loadable(info)) == (kind, bits, False, fips)
    assert (k.weak_key_reason(info.type, info.bits) is not None) == (
        (bits < 2048 and kind in ("RSA", "DSA")) or bits < 224
    )


@pytest.mark.parametrize("fmt", ["pkcs8", "traditional"])
def test_der_keys(fmt):
    info = only_key(pki.key_der(pki.rsa_key(), fmt))
    assert (info.source, info.type) == ("der", "RSA")


def test_der_encrypted_pkcs8():
    info = only_key(der_of(pki.pbes2_pkcs8(pki.rsa_key())))
    assert info.encrypted and info.encryption.scheme == "pbes2-pbkdf2-aes-256-cbc"


def test_ec_parameters_block_is_ignored():
    data = pki.pem("EC PARAMETERS", pki.oid("1.2.840.10045.3.1.7")) + pki.key_pem(
        pki.ec_key(), fmt="traditional"
    )
    assert only_key(data).type == "EC"


# ------------------------------------------------------------------------------------------------ PKCS#12


def test_pkcs12_without_password_opens():
    leaf = pki.leaf()
    material = c.parse_material(pki.p12(leaf, cas=[pki.root_ca()]))
    assert material.format == "pkcs12" and material.pkcs12.opened
    assert len(material.certs) == 2
    (info,) = material.keys
    assert (info.type, info.encrypted, k.fips_loadable(info)) == ("RSA", False, None)


def test_pkcs12_modern_password():
    material = c.parse_material(pki.p12(pki.leaf(), PASSWORD))
    assert not material.pkcs12.opened and material.certs == []
    (info,) = material.keys
    assert info.encrypted and info.encryption.scheme == "pbes2-pbkdf2-aes-256-cbc"
    assert material.pkcs12.structure.mac[0] == "sha256"


def test_pkcs12_legacy_password():
    info = c.parse_material(pki.p12(pki.leaf(), PASSWORD, legacy=True)).keys[0]
    assert info.encryption.scheme == "pkcs12-sha1-3des" and "legacy" in info.encryption.weak


def test_pkcs12_structure_damaged():
    data = bytearray(pki.p12(pki.leaf(), PASSWORD))
    assert k.looks_like_pkcs12(bytes(data))
    truncated = bytes(data[: len(data) // 2])
    assert c.parse_material(truncated).empty


# ------------------------------------------------------------------------------------------------ deployment


@pytest.fixture
def ms(tmp_path: Path) -> Path:
    (tmp_path / "etc").mkdir()
    return tmp_path


def server(ms: Path, cert: pki.Issued, key_bytes: bytes, passphrase: str | None = None) -> dict:
    pki.write(ms, "etc/ems.pem", cert.pem, 0o644)
    pki.write(ms, "etc/ems.key", key_bytes, 0o600)
    http = {"ssl": True, "certificate": "etc/ems.pem", "private_key": "etc/ems.key"}
    if passphrase is not None:
        http["passphrase"] = passphrase
    return {"http_server": http}


def test_key_item_facts(ms):
    leaf = pki.leaf()
    key = item(inspect(ms, server(ms, leaf, leaf.key_pem()), None), "ems-rest-server-key")
    assert key["status"] == "ok" and key["found"] == "private-key"
    assert key["key"] == {
        "type": "RSA",
        "bits": 2048,
        "curve": None,
        "weak": None,
        "encrypted": False,
        "encryption": None,
        "prf": None,
        "weak_encryption": None,
        "iterations": None,
        "kdf": None,
        "cipher": None,
        "scrypt_n": None,
        "scrypt_r": None,
        "scrypt_p": None,
        "passphrase_configured": False,
        "matches_certificate": True,
        "fips_loadable": True,
        "source": "pkcs8",
    }
    assert key["mode"]["octal"] == "0600"
    assert key["detail"] == "RSA 2048 private key, not encrypted"


def test_key_does_not_match_certificate(ms):
    leaf = pki.leaf()
    other = pki.key_pem(pki.rsa_key(2048, 3))
    assert (
        item(inspect(ms, server(ms, leaf, other), None), "ems-rest-server-key")["key"]["matches_certificate"]
        is False
    )


def test_encrypted_key_with_passphrase(ms):
    leaf = pki.leaf()
    key = item(
        inspect(ms, server(ms, leaf, pki.pbes2_pkcs8(leaf.key), "AES:xyz"), None), "ems-rest-server-key"
    )["key"]
    assert (key["encrypted"], key["passphrase_configured"], key["matches_certificate"]) == (True, True, None)
    assert (key["encryption"], key["iterations"], key["weak_encryption"]) == (
        "pbes2-pbkdf2-aes-256-cbc",
        100_000,
        None,
    )


@pytest.mark.parametrize("passphrase", [None, "", "  "])
def test_passphrase_not_configured(ms, passphrase):
    leaf = pki.leaf()
    items = inspect(ms, server(ms, leaf, pki.traditional_des_ede3(leaf.key), passphrase), None)
    key = item(items, "ems-rest-server-key")["key"]
    assert key["passphrase_configured"] is False
    assert key["encryption"] == "pem-des-ede3-cbc" and key["weak_encryption"]


def test_lsr_passphrase_and_pair(ms):
    leaf = pki.leaf("lsr.example")
    pki.write(ms, "etc/lsr.pem", leaf.pem, 0o644)
    pki.write(ms, "etc/lsr.key", leaf.key_pem(), 0o640)
    lsr = {
        "script_resource_certificate_chain": "etc/lsr.pem",
        "script_resource_private_key": "etc/lsr.key",
        "script_resource_passphrase": {"$unknown": "call"},
    }
    key = item(inspect(ms, None, lsr), "lsr-server-key")
    assert key["key"]["matches_certificate"] is True and key["key"]["passphrase_configured"] is False
    assert key["mode"]["group_readable"] is True


def test_client_pkcs12_key_file(ms):
    leaf = pki.leaf("client.example")
    pki.write(ms, "etc/client.p12", pki.p12(leaf), 0o644)
    ems = {"certificates": {"key_file": "etc/client.p12", "key_passphrase": "x"}}
    it = item(inspect(ms, ems, None), "platform-client-key")
    assert (it["status"], it["found"], it["format"]) == ("ok", "pkcs12", "pkcs12")
    assert it["key"]["matches_certificate"] is True  # against the certificate inside
    assert it["cert"]["subject_cn"] == "client.example"
    assert it["key"]["passphrase_configured"] is True
    assert it["mode"]["world_readable"] is True


def test_client_pkcs12_encrypted(ms):
    pki.write(ms, "etc/client.p12", pki.p12(pki.leaf(), PASSWORD, legacy=True), 0o600)
    it = item(inspect(ms, {"certificates": {"key_file": "etc/client.p12"}}, None), "platform-client-key")
    assert (it["status"], it["cert"]) == ("ok", None)
    assert (it["key"]["encrypted"], it["key"]["encryption"], it["key"]["fips_loadable"]) == (
        True,
        "pkcs12-sha1-3des",
        None,
    )
    assert it["key"]["matches_certificate"] is None


def test_unparsable_key_still_gets_mode(ms):
    pki.write(ms, "etc/k.pem", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0o644)
    it = item(inspect(ms, {"http_server": {"private_key": "etc/k.pem"}}, None), "ems-rest-server-key")
    assert it["status"] == "unparsable" and it["mode"]["octal"] == "0644"


def test_openssh_key_is_wrong_kind(ms):
    data = pki.rsa_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    pki.write(ms, "etc/k", data, 0o600)
    it = item(inspect(ms, {"http_server": {"private_key": "etc/k"}}, None), "ems-rest-server-key")
    assert it["status"] == "wrong-kind" and "OpenSSH" in it["detail"]


def test_weak_key_fact(ms):
    weak = pki.make_cert("w.example", key=pki.rsa_key(1024))
    key = item(inspect(ms, server(ms, weak, weak.key_pem()), None), "ems-rest-server-key")["key"]
    assert key["weak"] == "RSA 1024-bit key (below 2048)"


def test_pkcs12_with_huge_kdf_cost_is_not_opened(monkeypatch):
    from cryptography.hazmat.primitives.serialization import pkcs12

    def refuse(*args, **kwargs):
        raise AssertionError("must not run the file's KDF")

    from emslint.inspect import pkcs12_cost

    monkeypatch.setattr(pkcs12_cost, "MAX_KDF_WORK", 100)  # the test file asks for 2048 per derivation
    monkeypatch.setattr(pkcs12, "load_pkcs12", refuse)
    material = c.parse_material(pki.p12(pki.leaf()))
    assert material.pkcs12.opened is False
    (info,) = material.keys
    assert (info.encrypted, info.note) == (False, "unencrypted key bag")
