"""emslint.inspect.ciphers: OpenSSL 1.0.2q cipher-string evaluation, facts and the `ciphers` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emslint.cli_ciphers import run_ciphers
from emslint.inspect import ciphers
from emslint.inspect.ciphers import (
    ERR_INVALID_COMMAND,
    ERR_INVALID_SPECIAL,
    ERR_NO_CIPHER_MATCH,
    CipherSuite,
    cipher_facts,
    evaluate,
    suggest_name,
    weakness_classes,
)

ORACLE = json.loads((Path(__file__).parent.parent / "data" / "openssl-1.0.2q-cipher-oracle.json").read_text())
ORACLE_BUILDS = {"default": ("default", False), "weak": ("weak", False), "fips-mode": ("default", True)}
PTC_SAMPLE = "ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!3DES:!SRP"
ERRORS = {ERR_INVALID_COMMAND, ERR_INVALID_SPECIAL, ERR_NO_CIPHER_MATCH}

FACT_KEYS = {
    "string_set", "ok", "error", "count", "names_sample", "ignored_words", "classes", "weak_total",
    "forward_secrecy", "kedh", "java7_compatible", "fips_dropped", "fips_dropped_sample", "fips_ok",
}

ORACLE_CASES = [
    pytest.param(string, build, answer, id=f"{build}:{string!r}")
    for string, answers in ORACLE["cases"].items()
    for build, answer in answers.items()
]


# ------------------------------------------------------------------------------------------ the oracle


def test_oracle_covers_three_builds():
    assert ORACLE["openssl"].startswith("OpenSSL 1.0.2q")
    assert len(ORACLE["cases"]) == 89
    assert all(set(answers) == set(ORACLE_BUILDS) for answers in ORACLE["cases"].values())


@pytest.mark.parametrize(("string", "build", "answer"), ORACLE_CASES)
def test_matches_openssl_1_0_2q(string, build, answer):
    name, fips = ORACLE_BUILDS[build]
    result = evaluate(string, name, fips=fips)
    assert result.ok == answer["ok"]
    assert result.names == (answer.get("ciphers") or [])  # order included
    assert result.error == answer.get("error")


@pytest.mark.parametrize("string", list(ORACLE["cases"]))
def test_facts_agree_with_oracle(string):
    answers = ORACLE["cases"][string]
    facts = cipher_facts(string)
    plain, fips_mode = answers["default"], answers["fips-mode"]
    assert facts["count"] == len(plain.get("ciphers") or [])
    assert facts["names_sample"] == (plain.get("ciphers") or [])[:5]
    if plain["ok"]:
        dropped = [n for n in plain["ciphers"] if n not in set(fips_mode.get("ciphers") or [])]
        assert facts["fips_dropped"] == len(dropped)
        assert facts["fips_dropped_sample"] == dropped[:5]
        assert facts["fips_ok"] is fips_mode["ok"]
    else:
        assert facts["fips_ok"] is None


# ------------------------------------------------------- 1.0.2 behaviour the oracle does not exercise


def test_explicit_name_matches_by_algorithms_not_id():
    # cipher_id matching is compiled out in 1.0.2 (OPENSSL_SSL_DEBUG_BROKEN_PROTOCOL), so "RC4-MD5"
    # selects the SSLv3 and the SSLv2 suite of that name.
    result = evaluate("RC4-MD5", "weak")
    assert [(c.name, c.protocol) for c in result.ciphers] == [("RC4-MD5", "SSLv3"), ("RC4-MD5", "SSLv2")]


@pytest.mark.parametrize("string", ["ALL+", "ALL:!", "HIGH:-", "ALL:+", "AES+_X"])
def test_dangling_operator_is_an_invalid_command(string):
    result = evaluate(string)
    assert (result.ok, result.error, result.ciphers) == (False, ERR_INVALID_COMMAND, [])


@pytest.mark.parametrize("string", ["ALL:@", "ALL:@STRENGTHX", "ALL:@strength"])
def test_bad_special_command(string):
    assert evaluate(string).error == ERR_INVALID_SPECIAL


def test_default_only_counts_at_the_start():
    result = evaluate("HIGH:DEFAULT")
    assert result.names == evaluate("HIGH").names
    assert result.ignored_words == ["DEFAULT"]
    assert evaluate("DEFAULT,HIGH").names == evaluate("DEFAULT:HIGH").names


def test_killed_suites_never_come_back():
    assert evaluate("!RSA:RSA").error == ERR_NO_CIPHER_MATCH
    assert "AES128-SHA" in evaluate("-RSA:RSA").names


def test_unknown_words_are_ignored_and_reported():
    result = evaluate("FOO+AES:HIGH:TLS_RSA_WITH_AES_128_CBC_SHA:KRB5:high")
    assert result.ok
    assert result.names == evaluate("HIGH").names
    assert result.ignored_words == ["FOO", "TLS_RSA_WITH_AES_128_CBC_SHA", "KRB5", "high"]


def test_empty_combination_is_silently_skipped():
    result = evaluate("kRSA+kEDH:HIGH")
    assert result.names == evaluate("HIGH").names
    assert result.ignored_words == []


def test_suiteb_replaces_the_string():
    expected = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"]
    assert evaluate("SUITEB128:RC4").names == expected


def test_fips_mode_keeps_only_fips_suites():
    plain, fips = evaluate("ALL:COMPLEMENTOFALL"), evaluate("ALL:COMPLEMENTOFALL", fips=True)
    table = {c.entry.name: c.fips for c in ciphers._table().ciphers}
    assert fips.names == [n for n in plain.names if table[n]]


def test_unknown_build_is_an_error():
    with pytest.raises(ValueError, match="unknown build"):
        evaluate("ALL", "enable-weak-ssl-ciphers")


def test_table_is_parsed_once():
    assert ciphers._table() is ciphers._table()


# ------------------------------------------------------------------------------------ weakness classes


@pytest.mark.parametrize(
    ("name", "classes"),
    [
        ("ECDHE-RSA-AES128-GCM-SHA256", ()),
        ("DHE-RSA-AES256-SHA", ()),
        ("AES128-SHA", ("no-forward-secrecy",)),
        ("NULL-MD5", ("NULL", "MD5", "no-forward-secrecy")),
        ("ADH-AES128-SHA", ("anonymous",)),
        ("AECDH-NULL-SHA", ("NULL", "anonymous")),
        ("EXP-RC4-MD5", ("EXPORT", "RC4", "MD5", "no-forward-secrecy")),
        ("EDH-RSA-DES-CBC-SHA", ("LOW", "DES")),
        ("DES-CBC3-SHA", ("3DES", "no-forward-secrecy")),
        ("ECDHE-RSA-RC4-SHA", ("RC4",)),
        ("DES-CBC3-MD5", ("MD5", "3DES", "SSLv2", "no-forward-secrecy")),
        ("EXP-RC2-CBC-MD5", ("EXPORT", "RC2", "MD5", "no-forward-secrecy")),
    ],
)
def test_weakness_classes(name, classes):
    assert weakness_classes(name) == classes


def test_weakness_classes_of_evaluated_suites():
    for suite in evaluate("SSLv2", "weak").ciphers:
        assert isinstance(suite, CipherSuite)
        assert weakness_classes(suite) == suite.weak
        assert "SSLv2" in suite.weak
    with pytest.raises(KeyError):
        weakness_classes("TLS_AES_128_GCM_SHA256")


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
def test_suggest_name(word, suggestion):
    assert suggest_name(word) == suggestion


# --------------------------------------------------------------------------------------------- facts


def test_facts_for_ptc_sample():
    facts = cipher_facts(PTC_SAMPLE)
    assert set(facts) == FACT_KEYS
    assert facts["string_set"] is True
    assert (facts["ok"], facts["error"], facts["count"]) == (True, None, 58)
    assert facts["names_sample"] == [
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-SHA384",
        "ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA",
    ]
    assert facts["ignored_words"] == []
    assert facts["classes"] == dict.fromkeys(ciphers.FACT_CLASSES, 0)
    assert facts["weak_total"] == 0
    assert (facts["forward_secrecy"], facts["kedh"]) == (20, 8)  # 12 ECDHE + 8 DHE-RSA
    assert facts["java7_compatible"] == 10  # AES128 CBC with RSA/ECDHE/ECDH; 3DES is excluded
    assert facts["fips_dropped"] == 10  # Camellia and GOST suites
    assert facts["fips_dropped_sample"][:3] == [
        "DHE-RSA-CAMELLIA256-SHA", "DH-RSA-CAMELLIA256-SHA", "DH-DSS-CAMELLIA256-SHA",
    ]
    assert facts["fips_ok"] is True
    json.dumps(facts)  # plain JSON data


def test_facts_for_ems_default_all():
    facts = cipher_facts(ciphers.EMS_DEFAULT_CIPHER_STRING)
    assert facts["count"] == 115
    assert facts["classes"] == {
        "NULL": 0, "anonymous": 15, "EXPORT": 0, "LOW": 0, "DES": 0, "RC4": 9, "MD5": 2, "3DES": 15,
        "SSLv2": 0,
    }
    assert facts["weak_total"] == 35  # 15 + 9 + 15 minus 4 anonymous RC4/3DES suites counted twice
    assert facts["java7_compatible"] == 15
    assert (facts["fips_dropped"], facts["fips_ok"]) == (115 - 76, True)


def test_facts_for_all_in_weak_build():
    facts = cipher_facts("ALL", build="weak")
    assert facts["count"] == 132
    assert facts["classes"]["EXPORT"] == 7
    assert facts["classes"]["SSLv2"] == 4
    assert facts["classes"]["LOW"] == 6


def test_facts_for_java7_string():
    facts = cipher_facts("DEFAULT:!kEDH", platform_java=7)
    assert (facts["ok"], facts["count"], facts["kedh"]) == (True, 80, 0)
    assert facts["java7_compatible"] == 15
    assert cipher_facts("DEFAULT")["kedh"] > 0


def test_facts_for_rejected_strings():
    facts = cipher_facts("ALL:!aNULL:@SECLEVEL=1")
    assert set(facts) == FACT_KEYS
    assert (facts["ok"], facts["error"], facts["count"]) == (False, ERR_INVALID_SPECIAL, 0)
    assert facts["fips_ok"] is None
    assert facts["weak_total"] == 0

    facts = cipher_facts("TLS_AES_128_GCM_SHA256")
    assert (facts["ok"], facts["error"]) == (False, ERR_NO_CIPHER_MATCH)
    assert facts["ignored_words"] == [
        {"word": "TLS_AES_128_GCM_SHA256", "suggestion": "ECDHE-RSA-AES128-GCM-SHA256"}
    ]


def test_facts_fips_mode_without_suites():
    facts = cipher_facts("RC4:CAMELLIA")
    assert facts["ok"] is True
    assert facts["fips_ok"] is False
    assert facts["fips_dropped"] == facts["count"]
    fips_facts = cipher_facts("RC4:CAMELLIA", fips=True)
    assert (fips_facts["ok"], fips_facts["error"]) == (False, ERR_NO_CIPHER_MATCH)
    assert fips_facts["fips_ok"] is False


# ------------------------------------------------------------------------------------------- command


def _run(string: str, **kw) -> tuple[int, str]:
    out = io.StringIO()
    opts = {"build": "default", "fips": False, "fmt": "text"} | kw
    code = run_ciphers(string, stream=out, **opts)
    return code, out.getvalue()


def test_command_json():
    code, out = _run("ECDHE+AESGCM:DES-CBC3-SHA:NOPE", fmt="json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"ok", "error", "ciphers", "ignored_words"}
    assert (doc["ok"], doc["error"], doc["ignored_words"]) == (True, None, ["NOPE"])
    assert [c["name"] for c in doc["ciphers"]] == [
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES128-GCM-SHA256", "DES-CBC3-SHA",
    ]
    assert doc["ciphers"][-1] == {
        "name": "DES-CBC3-SHA", "protocol": "SSLv3", "kx": "RSA", "au": "RSA", "enc": "3DES", "mac": "SHA1",
        "bits": 112, "weak": ["3DES", "no-forward-secrecy"],
    }


def test_command_json_rejected():
    code, out = _run("AES_128", fmt="json", build="weak")
    assert code == 1
    assert json.loads(out) == {"ok": False, "error": ERR_INVALID_COMMAND, "ciphers": [], "ignored_words": []}


def test_command_text():
    code, out = _run("RC4-MD5:AES128-SHA:TLS_AES_128_GCM_SHA256", build="weak")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("RC4-MD5                 SSLv3 Kx=RSA      Au=RSA  Enc=RC4(128)  Mac=MD5")
    assert lines[0].endswith("RC4, MD5, no-forward-secrecy")
    assert "SSLv2" in lines[1] and lines[1].endswith("RC4, MD5, SSLv2, no-forward-secrecy")
    assert lines[2].rstrip().endswith("Mac=SHA1  no-forward-secrecy")
    assert "3 suites (OpenSSL 1.0.2q, build weak): 2 weak, 3 without forward secrecy" in out
    assert "ignored: 'TLS_AES_128_GCM_SHA256'" in out
    assert "did you mean ECDHE-RSA-AES128-GCM-SHA256?" in out


def test_command_text_rejected_and_fips():
    code, out = _run("RC4", fips=True)
    assert code == 1
    assert f"rejected (OpenSSL 1.0.2q, build default, FIPS mode): {ERR_NO_CIPHER_MATCH}" in out


@pytest.mark.parametrize("kw", [{"build": "strong"}, {"fmt": "yaml"}])
def test_command_usage_errors(kw):
    code, out = _run("ALL", **kw)
    assert code == 2
    assert out.startswith("error: unknown")


# ---------------------------------------------------------------------------------------- properties

_WORDS = sorted({a.name for a in ciphers._table().aliases} | {
    "DEFAULT", "AES128-SHA", "RC4-MD5", "DES-CBC3-SHA", "DES-CBC-SHA", "EXP-RC4-MD5", "DES-CBC3-MD5",
    "ECDHE-RSA-AES256-GCM-SHA384", "NULL-MD5", "CAMELLIA256-SHA", "NOSUCH", "all", "TLS_AES_128_GCM_SHA256",
})
_TERM = st.builds(
    lambda op, words, special: special or op + "+".join(words),
    st.sampled_from(["", "", "!", "-", "+"]),
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3),
    st.sampled_from([None] * 8 + ["@STRENGTH", "@SECLEVEL=1", "_", "", "+", "@"]),
)
_STRINGS = st.builds(
    lambda terms, seps: "".join(t + s for t, s in zip(terms, seps, strict=False)),
    st.lists(_TERM, max_size=8),
    st.lists(st.sampled_from([":", ":", ",", " ", ";", "::", ", "]), min_size=8, max_size=8),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(string=_STRINGS, build=st.sampled_from(ciphers.BUILDS), fips=st.booleans())
def test_random_strings_never_raise(string, build, fips):
    result = evaluate(string, build, fips=fips)
    if result.ok:
        assert result.error is None and result.ciphers
        keys = [(c.name, c.protocol) for c in result.ciphers]
        assert len(keys) == len(set(keys))
    else:
        assert result.error in ERRORS and result.ciphers == []


@settings(max_examples=200, deadline=None)
@given(string=_STRINGS)
def test_builds_are_filters_of_each_other(string):
    # Every rule is a stable partition of one list, so a smaller build gives the bigger build's answer
    # minus the suites it lacks (words naming a missing suite are simply unknown there).
    table = {(c.entry.name, c.suite.protocol): c for c in ciphers._table().ciphers}
    weak, plain, fips = evaluate(string, "weak"), evaluate(string), evaluate(string, fips=True)
    if weak.ok and plain.ok:
        default_build = [c.name for c in weak.ciphers if "default" in table[(c.name, c.protocol)].builds]
        assert plain.names == default_build
    if plain.ok and fips.ok:
        assert fips.names == [c.name for c in plain.ciphers if table[(c.name, c.protocol)].fips]
