"""Model selection, ignored-word hints, the facts counts, the protocol floor and the Mozilla comparison."""

from __future__ import annotations

import json

import pytest

from emslint.inspect.cipher_verdicts import (
    FACT_CLASSES,
    HELP_DEFAULT_CIPHER_STRING,
    SDK_DEFAULT_CIPHER_STRING,
    SDK_FIPS_CIPHER_STRING,
    cipher_facts,
    offered,
    protocol_floor,
)
from emslint.inspect.cipher_words import explain_word, ignored_word_facts, suggest_name
from emslint.inspect.ciphers import evaluate
from emslint.inspect.mozilla_profiles import compare
from emslint.inspect.openssl_models import select_model

PTC_SAMPLE = SDK_DEFAULT_CIPHER_STRING
FACT_KEYS = {
    "ok", "error", "error_reason", "count", "listed", "tls13", "names_sample", "ignored_words", "security_level",
    "security_level_set", "protocol_floor", "classes", "weak_total", "forward_secrecy", "kedh", "java7_compatible",
    "static_rsa", "static_rsa_only", "nothing_usable",
}


# ------------------------------------------------------------------------------------- model selection


@pytest.mark.parametrize(
    ("version", "model", "assumed"),
    [
        (None, "1.0.2", True),
        ("5.4.0", "1.0.2", False),
        ("5.4.10", "1.0.2", False),
        ("5.3", "1.0.2", False),
        ("5.4.11", "1.1.1", False),
        ("5.4.12", "1.1.1", False),
        ("5.4.12.1", "1.1.1", False),
        ("5.5.0", "3.1", False),
        ("5.5", "3.1", False),
        ("v5.6.1", "3.1", False),
        ("6.0", "3.1", False),
        ("latest", "1.0.2", True),
    ],
)
def test_model_from_release(version, model, assumed):
    choice = select_model(version)
    assert (choice.name, choice.assumed) == (model, assumed)
    assert choice.reason


def test_model_reasons():
    assert "assumed" in select_model(None).reason
    assert "1.1.1j" in select_model("5.4.10").reason  # the uncertainty is said
    assert "C SDK 3.0.0" in select_model("5.4.11").reason
    assert "C SDK 3.1.0" in select_model("5.5.0").reason
    override = select_model("5.4.10", "3.1")
    assert override.name == "3.1" and not override.assumed
    assert override.reason == "openssl = 3.1 was set explicitly (EMS 5.4.10 would mean OpenSSL 1.0.2)"
    assert select_model(None, "1.1.1q").name == "1.1.1"
    with pytest.raises(ValueError, match="unknown OpenSSL model"):
        select_model("5.5.0", "2.0")
    assert select_model("5.5.0").as_facts() == {
        "model": "3.1", "release": "3.1.2", "reason": select_model("5.5.0").reason, "assumed": False,
        "fips_supported": False, "tls13": True,
    }


# ----------------------------------------------------------------------------------------- suggestions


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [
        ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"),
        ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"),
        ("SSL_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"),  # Java/JSSE spelling
        ("TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"),  # OpenSSL 3 TLS 1.3 name
        ("TLS_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"),
        ("TLS_CHACHA20_POLY1305_SHA256", None),  # no ChaCha20 in 1.0.2
        ("ECDHE-ECDSA-CHACHA20-POLY1305", None),
        ("ECDHE-RSA-AES128-GCM-SHA265", "ECDHE-RSA-AES128-GCM-SHA256"),  # typo
        ("DEFUALT", "DEFAULT"),
        ("high", "HIGH"),
        ("adh", "ADH"),  # not "aDH": the all-capitals alias wins a case collision
        ("ADH", None),
        ("ecdhe-rsa-aes256-sha", "ECDHE-RSA-AES256-SHA"),
        ("xyzzy", None),
        ("kEDH", None),  # already a 1.0.2 word
    ],
)
def test_suggest_name_102(word, suggestion):
    assert suggest_name(word) == suggestion


@pytest.mark.parametrize(
    ("word", "version", "suggestion", "note"),
    [
        ("TLS_AES_128_GCM_SHA256", "1.1.1", None, "a TLS 1.3 suite"),
        ("TLS_CHACHA20_POLY1305_SHA256", "1.0.2", None, "TLS 1.3 name"),
        ("CHACHA20", "1.0.2", None, "an OpenSSL 1.1.0+ algorithm"),
        ("kDH", "1.1.1", None, "an OpenSSL 1.0.2 word"),
        ("EXP", "3.1", None, "an OpenSSL 1.0.2 word"),
        ("DES-CBC3-SHA", "1.1.1", None, "only builds with enable-weak-ssl-ciphers"),
        ("SEED-SHA", "3.1", None, "needs the legacy provider"),
        ("RC4", "3.1", None, "needs the legacy provider"),
        ("IDEA", "3.1", None, "needs the legacy provider"),
        ("GOST89", "1.1.1", None, "needs a GOST engine or provider"),
        ("KRB5", "1.0.2", None, "not available in this build"),  # OPENSSL_NO_KRB5
        ("kEDH", "1.0.2", None, None),
        ("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "3.1", "ECDHE-RSA-CHACHA20-POLY1305", None),
        ("ecdhe-rsa-chacha20-poly1305", "1.1.1", "ECDHE-RSA-CHACHA20-POLY1305", None),
    ],
)
def test_explain_word(word, version, suggestion, note):
    hint = explain_word(word, version)
    assert hint.suggestion == suggestion
    assert (hint.note is None) if note is None else hint.note.startswith(note) or note in hint.note


def test_seed_is_known_with_the_legacy_provider():
    assert explain_word("SEED-SHA", "3.1", legacy_provider=True).note is None


def test_ignored_word_facts_explain_the_first_ten_once():
    words = ["X"] * 3 + [f"W{i}" for i in range(15)] + ["a" * 100]
    facts = ignored_word_facts(words, "1.1.1")
    assert [f["word"] for f in facts][:2] == ["X", "W0"] and len(facts) == 17
    assert facts[-1] == {"word": "a" * 100, "suggestion": None, "note": None, "harmless": False}


def test_exclusions_of_absent_suites_are_harmless():
    result = evaluate(PTC_SAMPLE + ":!kDH:!RC4-MD5X:-DES-CBC3-SHA:DES-CBC3-SHA+AES", openssl="1.1.1")
    facts = {f["word"]: f["harmless"] for f in ignored_word_facts(result.ignored_words, "1.1.1",
                                                                  excluded=result.ignored_in_exclusions)}
    # EXP and kDH name what 1.1.1 does not have; the typo excludes nothing; DES-CBC3-SHA is also added once
    assert facts == {"EXP": True, "kDH": True, "RC4-MD5X": False, "DES-CBC3-SHA": False}


# --------------------------------------------------------------------------------------------- facts


def test_facts_for_ptc_sample_102():
    facts = cipher_facts(PTC_SAMPLE)
    assert set(facts) == FACT_KEYS
    assert (facts["ok"], facts["error"], facts["count"], facts["listed"], facts["tls13"]) == (True, None, 58, 58, 0)
    assert facts["names_sample"] == [
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-SHA384",
        "ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA",
    ]
    assert facts["ignored_words"] == []
    assert facts["classes"] == dict.fromkeys(FACT_CLASSES, 0)
    assert facts["weak_total"] == 0
    assert (facts["forward_secrecy"], facts["kedh"]) == (20, 8)  # 12 ECDHE + 8 DHE-RSA
    assert facts["java7_compatible"] == 10  # AES128 CBC with RSA/ECDHE/ECDH; 3DES is excluded
    assert (facts["static_rsa"], facts["static_rsa_only"], facts["nothing_usable"]) == (8, False, False)
    assert (facts["security_level"], facts["protocol_floor"]) == (None, "TLS 1.0")
    json.dumps(facts)  # plain JSON data


@pytest.mark.parametrize("version", ["1.1.1", "3.1"])
def test_facts_for_ptc_sample_later(version):
    facts = cipher_facts(PTC_SAMPLE, openssl=version)
    assert (facts["count"], facts["listed"], facts["tls13"]) == (59, 59, 3)
    assert facts["classes"] == dict.fromkeys(FACT_CLASSES, 0)
    assert facts["security_level"] == 1 and not facts["security_level_set"]
    assert facts["protocol_floor"] == ("TLS 1.0" if version == "1.1.1" else "TLS 1.2")


def test_facts_count_offered_suites_not_listed_ones():
    # 1.1.1 lists the anonymous suites of "ALL" but never offers them at security level 1
    assert cipher_facts("ALL", openssl="1.1.1")["classes"]["anonymous"] == 0
    downgraded = cipher_facts("ALL:@SECLEVEL=0", openssl="1.1.1")
    assert downgraded["classes"]["anonymous"] > 0 and downgraded["security_level_set"]
    assert cipher_facts(HELP_DEFAULT_CIPHER_STRING)["classes"] == {
        "NULL": 0, "anonymous": 15, "EXPORT": 0, "LOW": 0, "DES": 0, "RC4": 9, "MD5": 2, "3DES": 15, "SSLv2": 0,
    }


def test_facts_for_all_in_weak_build():
    facts = cipher_facts("ALL", build="weak")
    assert facts["count"] == 132
    assert (facts["classes"]["EXPORT"], facts["classes"]["SSLv2"], facts["classes"]["LOW"]) == (7, 4, 6)
    assert cipher_facts("ALL", openssl="1.1.1", build="weak")["classes"]["3DES"] == 5  # 14 listed, 5 offered


def test_facts_for_java7_string():
    facts = cipher_facts("DEFAULT:!kEDH")
    assert (facts["ok"], facts["count"], facts["kedh"]) == (True, 80, 0)
    assert facts["java7_compatible"] == 15
    assert cipher_facts("DEFAULT")["kedh"] > 0


def test_facts_for_rejected_strings():
    facts = cipher_facts("ALL:!aNULL:@SECLEVEL=1")
    assert set(facts) == FACT_KEYS
    assert (facts["ok"], facts["error_reason"], facts["count"], facts["protocol_floor"]) == (
        False, "invalid command", 0, None)
    facts = cipher_facts("TLS_AES_128_GCM_SHA256")
    assert (facts["ok"], facts["error_reason"]) == (False, "no cipher match")
    assert facts["ignored_words"] == [{"word": "TLS_AES_128_GCM_SHA256", "suggestion": "ECDHE-RSA-AES128-GCM-SHA256",
                                       "note": "TLS 1.3 name; OpenSSL 1.0.2 has no TLS 1.3", "harmless": False}]


def test_static_rsa_only_and_nothing_usable():
    for version in ("1.0.2", "1.1.1", "3.1"):
        facts = cipher_facts("kRSA:!aNULL", openssl=version)
        assert facts["static_rsa_only"] and facts["forward_secrecy"] == 0
    facts = cipher_facts("AES128-SHA:@SECLEVEL=5", openssl="3.1")
    assert facts["ok"] and facts["nothing_usable"] and facts["count"] == 0 and facts["tls13"] == 2
    assert facts["protocol_floor"] == "TLS 1.3"
    facts = cipher_facts("ADH", openssl="1.1.1")
    assert facts["ok"] and facts["nothing_usable"]


def test_sdk_fips_list_in_fips_mode():
    facts = cipher_facts(SDK_FIPS_CIPHER_STRING, fips=True)
    assert facts["ok"] and facts["count"] == 39
    assert facts["classes"]["3DES"] == 1 and facts["weak_total"] == 1  # DES-CBC3-SHA (kRSA+FIPS)
    assert facts["forward_secrecy"] == 16 and facts["kedh"] == 8
    assert facts["names_sample"][0] == "ECDHE-RSA-AES256-GCM-SHA384"


# ---------------------------------------------------------------------------------------- protocol floor


@pytest.mark.parametrize(
    ("string", "version", "floor"),
    [
        ("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384", "1.0.2", "TLS 1.2"),
        ("TLSv1.2", "1.0.2", "TLS 1.2"),
        ("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA", "1.0.2", "TLS 1.0"),
        ("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA", "1.1.1", "TLS 1.0"),
        ("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA", "3.1", "TLS 1.2"),
        ("ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:@SECLEVEL=0", "3.1", "TLS 1.0"),
        ("AES128-SHA:@SECLEVEL=3", "1.1.1", "TLS 1.3"),  # no forward secrecy at level 3: only TLS 1.3 is left
        ("ECDHE-RSA-AES128-SHA:@SECLEVEL=3", "1.1.1", "TLS 1.1"),
        ("TLSv1.2", "1.1.1", "TLS 1.2"),
        ("NOPE", "1.1.1", None),
    ],
)
def test_protocol_floor(string, version, floor):
    assert protocol_floor(evaluate(string, openssl=version)) == floor


def test_sslv2_only_list_has_no_floor():
    result = evaluate("SSLv2", "weak")
    assert result.ok and protocol_floor(result) is None
    assert offered(result) == result.ciphers


# -------------------------------------------------------------------------------------------- Mozilla


def test_mozilla_intermediate():
    strict = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
              "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
              "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305")
    result = compare(evaluate(strict, openssl="3.1"), "mozilla-intermediate")
    assert result.compliant and result.beyond == [] and result.missing == []
    assert result.tls13.startswith("TLS 1.3: as the profile")
    old = compare(evaluate(strict), "mozilla-intermediate")  # 1.0.2: no CHACHA20, no TLS 1.3
    assert not old.compliant
    assert old.missing == ["ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305", "DHE-RSA-CHACHA20-POLY1305"]
    assert old.tls13.endswith("OpenSSL 1.0.2 offers none")
    ptc = compare(evaluate(PTC_SAMPLE, openssl="1.1.1"), "mozilla-intermediate")
    assert "AES128-SHA" in ptc.beyond and "TLS 1.0, TLS 1.1 beyond it" in ptc.protocols


def test_mozilla_modern_cannot_be_met_by_a_cipher_list():
    result = compare(evaluate("ECDHE-RSA-AES128-GCM-SHA256", openssl="3.1"), "mozilla-modern")
    assert not result.compliant and result.beyond == ["ECDHE-RSA-AES128-GCM-SHA256"]
    assert "cannot make the EMS TLS 1.3-only" in result.protocols
