"""`emslint ciphers`: run_ciphers() with its options object, text and JSON output, usage errors."""

from __future__ import annotations

import io
import json

import pytest

from emslint.cli_ciphers import CipherOptions, run_ciphers
from emslint.inspect.ciphers import ERR_INVALID_COMMAND, ERR_NO_CIPHER_MATCH


def _run(string: str, **kw) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_ciphers(string, CipherOptions(**kw), out, errors=err)
    return code, out.getvalue(), err.getvalue()


def test_json_102():
    code, out, _ = _run("ECDHE+AESGCM:DES-CBC3-SHA:NOPE", fmt="json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"ok", "error", "error_reason", "model", "ciphers", "protocol_floor", "ignored_words", "notes"}
    assert (doc["ok"], doc["error"], doc["protocol_floor"]) == (True, None, "TLS 1.0")
    assert doc["ignored_words"] == [{"word": "NOPE", "suggestion": None, "note": None, "harmless": False}]
    assert doc["model"] == {"openssl": "1.0.2", "release": "1.0.2q", "build": "default", "legacy_provider": False,
                            "fips": False, "security_level": None,
                            "reason": "EMS version unknown: OpenSSL 1.0.2 assumed (EMS 5.4.10 and older); give "
                                      "ems_version or openssl"}
    assert [c["name"] for c in doc["ciphers"]] == [
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES128-GCM-SHA256", "DES-CBC3-SHA",
    ]
    assert doc["ciphers"][-1] == {
        "name": "DES-CBC3-SHA", "protocol": "SSLv3", "kx": "RSA", "au": "RSA", "enc": "3DES", "mac": "SHA1",
        "bits": 112, "weak": ["3DES", "no-forward-secrecy"],
    }


def test_json_31_marks_suites_not_offered():
    code, out, _ = _run("ECDHE-RSA-AES128-GCM-SHA256:ADH-AES128-SHA", openssl="3.1", fmt="json")
    doc = json.loads(out)
    assert code == 0 and doc["model"]["openssl"] == "3.1" and doc["model"]["security_level"] == 1
    assert [c["name"] for c in doc["ciphers"]] == ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                                                   "TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
                                                   "ADH-AES128-SHA"]
    assert [c.get("supported", True) for c in doc["ciphers"]] == [True, True, True, True, False]
    assert doc["protocol_floor"] == "TLS 1.2"
    assert any("ThingWorx Platform 9.4.x does not support TLS 1.3" in n for n in doc["notes"])


def test_json_rejected():
    code, out, _ = _run("AES_128", fmt="json", build="weak")
    doc = json.loads(out)
    assert code == 1
    assert (doc["ok"], doc["error"], doc["error_reason"], doc["ciphers"], doc["protocol_floor"]) == (
        False, ERR_INVALID_COMMAND, "invalid command", [], None)


def test_text_102():
    code, out, _ = _run("RC4-MD5:AES128-SHA:TLS_AES_128_GCM_SHA256", build="weak")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("# OpenSSL 1.0.2q, build weak: EMS version unknown: OpenSSL 1.0.2 assumed (EMS 5.4.10 and "
                        "older); give ems_version or openssl")
    assert lines[1].startswith("RC4-MD5                 SSLv3 Kx=RSA      Au=RSA  Enc=RC4(128)  Mac=MD5")
    assert lines[1].endswith("RC4, MD5, no-forward-secrecy")
    assert "SSLv2" in lines[2] and lines[2].endswith("RC4, MD5, SSLv2, no-forward-secrecy")
    assert lines[3].rstrip().endswith("Mac=SHA1  no-forward-secrecy")
    assert "3 suites listed (OpenSSL 1.0.2q, build weak): 2 weak, 3 without forward secrecy" in out
    assert "protocol floor: TLS 1.0" in out
    assert ("ignored: 'TLS_AES_128_GCM_SHA256' is not known to OpenSSL 1.0.2q (did you mean "
            "ECDHE-RSA-AES128-GCM-SHA256?) (TLS 1.3 name; OpenSSL 1.0.2 has no TLS 1.3)") in out


def test_text_from_release():
    code, out, _ = _run("aNULL:AES128-SHA", ems_version="5.4.11")
    assert code == 0
    assert out.startswith("# OpenSSL 1.1.1q, build default: EMS 5.4.11: C SDK 3.0.0 with OpenSSL 1.1.1q")
    assert "ADH-AES128-SHA" in out and "not offered, anonymous" in out
    assert "4 offered (3 TLS 1.3): 0 weak, 1 without forward secrecy" in out


def test_text_rejected():
    code, out, _ = _run("RC4", openssl="3.1")
    assert code == 1
    assert "error: cipher string rejected (OpenSSL 3.1.2, build default)" in out
    assert "ignored: 'RC4' is not known to OpenSSL 3.1.2 (needs the legacy provider" in out


def test_fips_uses_the_sdk_list():
    code, out, _ = _run("RC4", fips=True)
    assert code == 0
    assert "FIPS mode" in out.splitlines()[0] and "DES-CBC3-SHA" in out and "RC4" not in out.splitlines()[1]
    assert "note: FIPS mode: the C SDK replaces certificates.cipher_suite" in out
    assert ERR_NO_CIPHER_MATCH not in out


def test_profile_exit_code():
    strict = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305"
    code, out, _ = _run(strict, openssl="3.1", profile="mozilla-intermediate")
    assert code == 0 and "mozilla-intermediate (https://ssl-config.mozilla.org/guidelines/5.7.json): within" in out
    assert "  beyond the profile: nothing\n" in out
    code, out, _ = _run("ECDHE-RSA-AES128-GCM-SHA256", openssl="3.1", profile="mozilla-intermediate", fmt="json")
    doc = json.loads(out)["profile"]
    assert code == 0 and doc["compliant"] and doc["beyond_profile"] == []  # a subset is within the profile
    assert "ECDHE-ECDSA-AES128-GCM-SHA256" in doc["missing_from_list"]
    code, out, _ = _run("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA", openssl="3.1", profile="mozilla-intermediate")
    assert code == 1 and "outside the profile" in out and "  beyond the profile: AES128-SHA\n" in out


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"build": "strong"}, "unknown build 'strong'"),
        ({"fmt": "yaml"}, "unknown format 'yaml'"),
        ({"profile": "mozilla-old"}, "unknown profile 'mozilla-old'"),
        ({"openssl": "2.0"}, "--openssl must be one of 1.0.2, 1.1.1, 3.1"),
        ({"legacy_provider": True}, "--legacy-provider applies to OpenSSL 3.x only"),
        ({"legacy_provider": True, "ems_version": "5.4.11"}, "--legacy-provider applies to OpenSSL 3.x only"),
        ({"fips": True, "ems_version": "5.5.0"}, "--fips: FIPS is not supported by OpenSSL 3.1 EMS builds"),
        ({"fips": True, "openssl": "1.1.1"}, "--fips: FIPS is not supported by OpenSSL 1.1.1 EMS builds"),
    ],
)
def test_usage_errors(kw, message):
    code, out, err = _run("ALL", **kw)
    assert code == 2 and out == ""
    assert err.startswith(f"emslint: error: {message}")
