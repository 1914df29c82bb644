"""Every KDF a PKCS#12 file asks for is costed before anything derives a key (emslint/inspect/pkcs12_cost.py).

Counted, never timed: the units the audit reports, the iterations the audit itself runs (hashlib and the
PKCS#12 KDF are wrapped and counted), and whether ``load_pkcs12`` is called at all.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from emslint.inspect import certificates as c
from emslint.inspect import pkcs12_cost as pc
from tests.inspect import p12build as b
from tests.inspect import pki

HUGE = 2**31 - 1
OPENSSL = shutil.which("openssl")


@pytest.fixture
def no_opening(monkeypatch):
    """Fail the test if anything lets OpenSSL open (and so run the KDFs of) a PKCS#12."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    def refuse(*args, **kwargs):
        raise AssertionError("load_pkcs12 must not run on this file")

    monkeypatch.setattr(pkcs12, "load_pkcs12", refuse)


@pytest.fixture
def derived(monkeypatch) -> list[int]:
    """Iterations the audit runs itself (PBKDF2 via hashlib, the PKCS#12 KDF), one entry per derivation."""
    runs: list[int] = []
    real_pbkdf2, real_kdf = pc._pbkdf2_hmac, pc.pkcs12_kdf

    def pbkdf2(name, password, salt, iterations, dklen=None):
        runs.append(iterations)
        return real_pbkdf2(name, password, salt, iterations, dklen)

    def kdf(password, salt, purpose, iterations, length):
        runs.append(iterations)
        return real_kdf(password, salt, purpose, iterations, length)

    monkeypatch.setattr(pc, "_pbkdf2_hmac", pbkdf2)
    monkeypatch.setattr(pc, "pkcs12_kdf", kdf)
    return runs


def cert_der() -> bytes:
    return pki.leaf().der


# ------------------------------------------------------------------------------------------- ordinary files


def test_a_file_without_password_is_costed_and_opened():
    data = pki.p12(pki.leaf(), cas=[pki.root_ca()])
    cost = pc.opening_cost(data)
    assert cost.openable and cost.limit is None and 0 < cost.work <= 20_000
    assert c.parse_material(data).pkcs12.opened


def test_a_password_protected_file_is_costed_but_does_not_open():
    cost = pc.opening_cost(pki.p12(pki.leaf(), pki.PASSWORD))
    assert cost.openable and cost.looked_into == 0  # the empty passwords decrypt nothing
    assert not c.parse_material(pki.p12(pki.leaf(), pki.PASSWORD)).pkcs12.opened


def test_hand_built_file_with_a_hidden_bag_opens_when_cheap():
    data = b.pfx(b.data_safe(b.shrouded_key_bag(2048)), b.encrypted_safe(2048, b.cert_bag(cert_der())),
                 mac_iterations=2048)
    cost = pc.opening_cost(data)
    assert (cost.openable, cost.looked_into, cost.limit) == (True, 1, None)
    assert cost.work == 2 * 2048 + 2048 + 2048 + 2048  # MAC twice, safe, key bag; and the look inside


# ------------------------------------------------------------------------------------ every place is costed


@pytest.mark.parametrize(
    "where",
    ["mac", "key bag in a plain safe", "encrypted safe", "key bag hidden in an encrypted safe",
     "key bag in a nested safe-contents bag", "second key bag"],
)
def test_a_huge_iteration_count_anywhere_keeps_the_file_closed(where, no_opening, derived):
    cheap_key = b.shrouded_key_bag(2048)
    huge_key = b.shrouded_key_bag(HUGE)
    certs = b.encrypted_safe(2048, b.cert_bag(cert_der()))
    safes = {
        "mac": ([b.data_safe(cheap_key), certs], HUGE),
        "key bag in a plain safe": ([b.data_safe(huge_key), certs], 2048),
        "encrypted safe": ([b.data_safe(cheap_key), b.encrypted_safe(HUGE, b.cert_bag(cert_der()))], 2048),
        "key bag hidden in an encrypted safe": ([b.encrypted_safe(2048, huge_key, b.cert_bag(cert_der()))], 2048),
        "key bag in a nested safe-contents bag": ([b.data_safe(b.safe_contents_bag(huge_key)), certs], 2048),
        "second key bag": ([b.data_safe(cheap_key, huge_key), certs], 2048),
    }[where]
    data = b.pfx(*safes[0], mac_iterations=safes[1])
    cost = pc.opening_cost(data)
    assert not cost.openable and cost.limit is not None and "not opened" in cost.limit
    assert cost.work > pc.MAX_KDF_WORK
    assert sum(derived) <= pc.MAX_KDF_WORK  # what the audit derived itself stayed within the budget
    material = c.parse_material(data)
    assert material.pkcs12 is not None and not material.pkcs12.opened and material.limits == [cost.limit]


def test_many_cheap_bags_add_up(no_opening):
    bags = [b.shrouded_key_bag(100_000) for _ in range(25)]  # 2.5 million iterations in all
    cost = pc.opening_cost(b.pfx(b.data_safe(*bags)))
    assert not cost.openable and cost.work == 25 * 100_000


def test_the_audit_itself_stops_at_the_budget(derived, no_opening):
    """Each encrypted safe the audit decrypts is paid for first: ten 2,048-round safes are 20,480 units for
    OpenSSL; with a budget of 30,000 the audit looks into four of them (8,192 more) and stops before a fifth."""
    safes = [b.encrypted_safe(2048, b.cert_bag(cert_der())) for _ in range(10)]
    cost = pc.opening_cost(b.pfx(*safes), budget=30_000)
    assert not cost.openable and cost.limit is not None
    assert derived == [2048] * 4 and cost.looked_into == 4


@pytest.mark.parametrize("count", [1, 2, 4, 8, 16])
def test_audit_work_grows_with_the_file_not_faster(count, derived):
    """Doubling the safes doubles the work counted and derived: each safe and bag is costed once."""
    safes = [b.encrypted_safe(1000, b.shrouded_key_bag(1000), b.cert_bag(cert_der())) for _ in range(count)]
    cost = pc.opening_cost(b.pfx(*safes))
    assert cost.work == count * (1000 + 1000 + 1000)  # OpenSSL: safe + bag; the audit: one look per safe
    assert sum(derived) == count * 1000 and cost.looked_into == count


def test_a_safe_too_large_to_look_into_keeps_the_file_closed(no_opening, derived):
    safe = b.encrypted_safe(2048, ciphertext=b"\x00" * (pc.MAX_PEEK_BYTES + 16))
    cost = pc.opening_cost(b.pfx(safe))
    assert not cost.openable and "larger than" in cost.limit and derived == []


def test_unknown_schemes_cost_nothing_and_do_not_open(no_opening):
    unknown = b.seq(b.oid("1.2.3.4.5"), b.null())
    bag = b.seq(b.oid(b.SHROUDED_KEY_BAG), b.explicit(0, b.seq(unknown, b.octet(b"\x00" * 16))))
    cost = pc.opening_cost(b.pfx(b.data_safe(bag)))
    assert (cost.openable, cost.limit, cost.work) == (False, None, 0)


@pytest.mark.parametrize("data", [b"", b"\x30\x03\x02\x01\x03", b"\x30\x80" * 50, b"\x30\x82\xff\xff"])
def test_damage_is_not_a_limit(data):
    cost = pc.opening_cost(data)
    assert (cost.openable, cost.limit) == (False, None)


# ----------------------------------------------------------------------------------------- OpenSSL as oracle


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True, timeout=60, check=False)


@pytest.mark.skipif(OPENSSL is None, reason="no openssl binary")
@pytest.mark.parametrize(
    "options",
    [[], ["-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES"], ["-certpbe", "PBE-SHA1-RC2-40"],
     ["-legacy"], ["-nomac"]],
    ids=["aes", "3des", "rc2-40", "legacy", "nomac"],
)
def test_the_audit_reads_what_openssl_writes_with_an_empty_password(tmp_path, options):
    leaf = pki.leaf()
    pki.write(tmp_path, "c.pem", leaf.pem)
    pki.write(tmp_path, "k.pem", leaf.key_pem())
    made = _openssl("pkcs12", "-export", "-in", "c.pem", "-inkey", "k.pem", "-out", "f.p12", "-passout", "pass:",
                    *options, cwd=tmp_path)
    if made.returncode != 0:
        pytest.skip(f"this openssl cannot write {options}: {made.stderr[-200:]!r}")
    data = (tmp_path / "f.p12").read_bytes()
    cost = pc.opening_cost(data)
    assert cost.openable and cost.limit is None
    assert cost.looked_into == c.parse_material(data).pkcs12.structure.encrypted_safes
    assert c.parse_material(data).pkcs12.opened


@pytest.mark.skipif(OPENSSL is None, reason="no openssl binary")
def test_openssl_accepts_the_hand_built_files(tmp_path):
    """The builder above makes real PKCS#12: OpenSSL parses it and verifies its MAC with the empty password."""
    data = b.pfx(b.data_safe(b.shrouded_key_bag(2048, pki.key_der(pki.ec_key()))),
                 b.encrypted_safe(2048, b.cert_bag(cert_der())), mac_iterations=2048)
    (tmp_path / "f.p12").write_bytes(data)
    run = _openssl("pkcs12", "-in", "f.p12", "-info", "-noout", "-passin", "pass:", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-500:]
