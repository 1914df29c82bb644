"""emslint.inspect.ciphers: cipher-string evaluation as OpenSSL 1.0.2q, 1.1.1q and 3.1.2 do it.

The oracles are answers of real builds (tests/data/openssl-*-cipher-oracle.json): every answer of every build
must be matched, listing order, `-s` lists and rejection reasons included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emslint.inspect import cipher_table, ciphers
from emslint.inspect.cipher_table import CipherSuite, load_table
from emslint.inspect.ciphers import (
    ERR_INVALID_COMMAND,
    ERR_INVALID_SPECIAL,
    collected,
    describe,
    evaluate,
    runtime_variant,
    weakness_classes,
)
from emslint.inspect.openssl_models import get_model

DATA = Path(__file__).parent.parent / "data"
ORACLES = {
    "1.0.2": json.loads((DATA / "openssl-1.0.2q-cipher-oracle.json").read_text()),
    "1.1.1": json.loads((DATA / "openssl-1.1.1q-cipher-oracle.json").read_text()),
    "3.1": json.loads((DATA / "openssl-3.1.2-cipher-oracle.json").read_text()),
}
# oracle build name -> (build, fips, legacy provider)
VARIANTS = {
    "default": ("default", False, False),
    "weak": ("weak", False, False),
    "fips-mode": ("default", True, False),
    "legacy-provider": ("default", False, True),
    "weak+legacy-provider": ("weak", False, True),
}
PTC_SAMPLE = "ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!3DES:!SRP"
MODELS = ("1.0.2", "1.1.1", "3.1")


def _evaluate(string: str, version: str, variant: str):
    build, fips, legacy = VARIANTS[variant]
    return evaluate(string, build, fips, openssl=version, legacy_provider=legacy)


def _agrees(version: str, string: str, variant: str, answer: dict) -> bool:
    """Whether the evaluator gives the oracle's answer: ok, listing (order included); for 1.0.2 the error
    line; from 1.1.1 on the error reason, the -s list and the protocol column."""
    result = _evaluate(string, version, variant)
    if result.ok != answer["ok"] or result.names != (answer.get("ciphers") or []):
        return False
    if version == "1.0.2":
        return result.error == answer.get("error")
    if result.error_reason != answer.get("error_reason"):
        return False
    if not answer["ok"]:
        return result.supported is None
    return result.supported_names == answer["supported"] and [c.protocol for c in result.ciphers] == answer[
        "protocols"]


ORACLE_CASES = [
    pytest.param(version, string, variant, answer, id=f"{version}:{variant}:{string!r}")
    for version, oracle in ORACLES.items()
    for string, answers in oracle["cases"].items()
    for variant, answer in answers.items()
]


# ------------------------------------------------------------------------------------------ the oracles


def test_oracles_cover_every_build():
    assert ORACLES["1.0.2"]["openssl"].startswith("OpenSSL 1.0.2q")
    assert ORACLES["1.1.1"]["openssl"].startswith("OpenSSL 1.1.1q")
    assert ORACLES["3.1"]["openssl"].startswith("OpenSSL 3.1.2")
    assert len(ORACLES["1.0.2"]["cases"]) == 89
    assert len(ORACLES["1.1.1"]["cases"]) == len(ORACLES["3.1"]["cases"]) == 100
    expected = {"1.0.2": {"default", "weak", "fips-mode"}, "1.1.1": {"default", "weak"},
                "3.1": {"default", "weak", "legacy-provider", "weak+legacy-provider"}}
    for version, oracle in ORACLES.items():
        assert all(set(answers) == expected[version] for answers in oracle["cases"].values())


@pytest.mark.parametrize(("version", "string", "variant", "answer"), ORACLE_CASES)
def test_matches_the_oracle(version, string, variant, answer):
    assert _agrees(version, string, variant, answer)


def test_oracle_agreement_per_build(capsys):
    """The agreement count of every build of every version (printed with `pytest -s`); 100% is the bar."""
    counts: dict[str, dict[str, list[int]]] = {}
    for version, oracle in ORACLES.items():
        for string, answers in oracle["cases"].items():
            for variant, answer in answers.items():
                tally = counts.setdefault(version, {}).setdefault(variant, [0, 0])
                tally[0] += _agrees(version, string, variant, answer)
                tally[1] += 1
    lines = [f"OpenSSL {v} {b}: {a}/{t}" for v, builds in counts.items() for b, (a, t) in builds.items()]
    with capsys.disabled():
        print("\noracle agreement: " + "; ".join(lines))
    assert all(a == t for builds in counts.values() for a, t in builds.values()), lines
    assert sum(t for builds in counts.values() for _, t in builds.values()) == 89 * 3 + 100 * 2 + 100 * 4


@pytest.mark.parametrize("version", ["1.1.1", "3.1"])
def test_matches_the_reference_listings(version):
    """The default list (`openssl ciphers -v` without a string, and -s) and the whole table, -v lines included."""
    for variant, ref in ORACLES[version]["reference"].items():
        default = _evaluate("DEFAULT", version, variant)
        assert default.names == ref["no_argument"]["ciphers"]
        assert default.supported_names == ref["no_argument"]["supported"]
        everything = _evaluate("ALL:COMPLEMENTOFALL", version, variant)
        assert everything.names == ref["all_complementofall"]["ciphers"]
        assert everything.supported_names == ref["all_complementofall"]["supported"]
        assert [describe(c) for c in everything.ciphers] == ref["all_complementofall"]["lines"]


@pytest.mark.parametrize("version", ["1.1.1", "3.1"])
def test_disabled_algorithms_match_runtime_availability(version):
    """The algorithms ssl_load_ciphers() disables (GOST everywhere; SEED, IDEA, RC4, DES, RC2 in 3.x without
    the legacy provider) leave exactly the suites the real binaries list (the table's available_at_runtime)."""
    model = get_model(version)
    table = load_table(model)
    for variant in ORACLES[version]["reference"]:
        build, fips, legacy = VARIANTS[variant]
        assert runtime_variant(model, build, legacy) == variant
        ours = {c.entry.name for c in collected(table, build, fips, legacy)}
        theirs = {c.entry.name for c in table.ciphers if not c.tls13 and c.available and variant in c.available}
        assert ours == theirs


# ------------------------------------------------------- behaviour the oracles do not exercise


def test_explicit_name_matches_by_algorithms_in_102_by_id_later():
    # cipher_id matching is compiled out in 1.0.2 (OPENSSL_SSL_DEBUG_BROKEN_PROTOCOL), so "RC4-MD5"
    # selects the SSLv3 and the SSLv2 suite of that name; 1.1.0+ selects one suite by its id.
    result = evaluate("RC4-MD5", "weak")
    assert [(c.name, c.protocol) for c in result.ciphers] == [("RC4-MD5", "SSLv3"), ("RC4-MD5", "SSLv2")]
    assert evaluate("AES128-SHA", openssl="1.1.1").names[3:] == ["AES128-SHA"]
    # a suite in a multi-part term narrows it like an alias would, whichever place it has
    for string in ("AES128-SHA+RSA", "RSA+AES128-SHA", "kRSA+AES128-SHA+SHA1"):
        assert evaluate(string, openssl="1.1.1").names[3:] == ["AES128-SHA"]


@pytest.mark.parametrize("version", MODELS)
@pytest.mark.parametrize("string", ["ALL+", "ALL:!", "HIGH:-", "ALL:+", "AES+_X"])
def test_dangling_operator_is_an_invalid_command(version, string):
    result = evaluate(string, openssl=version)
    model = get_model(version)
    assert (result.ok, result.error, result.error_reason, result.ciphers) == (
        False, model.err_invalid_char, "invalid command", [])


@pytest.mark.parametrize("string", ["ALL:@", "ALL:@STRENGTHX", "ALL:@strength", "ALL:@SECLEVEL=1"])
def test_bad_special_command_102(string):
    assert evaluate(string).error == ERR_INVALID_SPECIAL


@pytest.mark.parametrize("version", ["1.1.1", "3.1"])
@pytest.mark.parametrize("string", ["ALL:@SECLEVEL=6", "ALL:@SECLEVEL=10", "ALL:@SECLEVEL=x", "ALL:@SECLEVEL",
                                    "ALL:@STRENGTHX", "ALL:@"])
def test_bad_special_command_later(version, string):
    result = evaluate(string, openssl=version)
    assert (result.ok, result.error_reason) == (False, "invalid command")
    assert result.error == get_model(version).err_invalid_special


@pytest.mark.parametrize("version", ["1.1.1", "3.1"])
def test_security_level_changes_supported_not_the_listing(version):
    base = evaluate("ALL", openssl=version)
    for level in range(6):
        result = evaluate(f"ALL:@SECLEVEL={level}", openssl=version)
        assert result.names == base.names
        assert result.security_level == level and result.security_level_set
        assert set(result.supported_names) <= set(result.names)
    assert base.security_level == 1 and not base.security_level_set
    # level 5: 256 bits, no SHA-1 MAC; only the two 256-bit TLS 1.3 suites remain of AES128-SHA's list
    top = evaluate("AES128-SHA:@SECLEVEL=5", openssl=version)
    assert top.ok and top.supported_names == ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
    # level 3: forward secrecy only (TLS 1.3 suites count as such)
    three = evaluate("ALL:@SECLEVEL=3", openssl=version)
    assert all(c.protocol == "TLSv1.3" or "no-forward-secrecy" not in c.weak for c in three.supported)
    # level 0: anonymous and NULL suites become usable
    zero = evaluate("aNULL:eNULL:@SECLEVEL=0", openssl=version)
    assert any("anonymous" in c.weak for c in zero.supported) and any("NULL" in c.weak for c in zero.supported)


def test_tls10_needs_level_0_on_31():
    idea = evaluate("IDEA", openssl="3.1", legacy_provider=True)
    assert "IDEA-CBC-SHA" in idea.names and "IDEA-CBC-SHA" not in idea.supported_names  # max TLS 1.1
    assert "IDEA-CBC-SHA" in evaluate("IDEA:@SECLEVEL=0", openssl="3.1", legacy_provider=True).supported_names
    assert "IDEA-CBC-SHA" in evaluate("IDEA", openssl="1.1.1").supported_names


def test_equals_sign_is_a_word_character_from_111():
    assert evaluate("HIGH:ALL=1").error == ERR_INVALID_COMMAND  # 1.0.2: "=" is not a word character
    result = evaluate("HIGH:ALL=1", openssl="1.1.1")
    assert result.ok and result.ignored_words == ["ALL=1"] and result.names == evaluate("HIGH", openssl="1.1.1").names


@pytest.mark.parametrize("version", ["1.1.1", "3.1"])
def test_tls13_suites_are_always_listed_first(version):
    for string in ("AES128-SHA", "!TLSv1.3:AES128-SHA", "!ALL:AES128-SHA", "AES128-SHA:!AESGCM:!CHACHA20"):
        result = evaluate(string, openssl=version)
        assert result.names[:3] == ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                                    "TLS_AES_128_GCM_SHA256"] or not result.ok
    only13 = evaluate("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384", openssl=version)
    assert (only13.ok, only13.error_reason) == (False, "no cipher match")


def test_default_only_counts_at_the_start():
    result = evaluate("HIGH:DEFAULT")
    assert result.names == evaluate("HIGH").names
    assert result.ignored_words == ["DEFAULT"]
    assert evaluate("DEFAULT,HIGH").names == evaluate("DEFAULT:HIGH").names


@pytest.mark.parametrize("version", MODELS)
def test_killed_suites_never_come_back(version):
    assert evaluate("!RSA:RSA", openssl=version).error_reason == "no cipher match"
    assert "AES128-SHA" in evaluate("-RSA:RSA", openssl=version).names


def test_unknown_words_are_ignored_and_reported():
    result = evaluate("FOO+AES:HIGH:TLS_RSA_WITH_AES_128_CBC_SHA:KRB5:high")
    assert result.ok
    assert result.names == evaluate("HIGH").names
    assert result.ignored_words == ["FOO", "TLS_RSA_WITH_AES_128_CBC_SHA", "KRB5", "high"]


def test_empty_combination_is_silently_skipped():
    result = evaluate("kRSA+kEDH:HIGH")
    assert result.names == evaluate("HIGH").names
    assert result.ignored_words == []


@pytest.mark.parametrize("version", MODELS)
def test_suiteb_replaces_the_string(version):
    expected = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"]
    assert [n for n in evaluate("SUITEB128:RC4", openssl=version).names if not n.startswith("TLS_")] == expected


def test_fips_mode_keeps_only_fips_suites():
    plain, fips = evaluate("ALL:COMPLEMENTOFALL"), evaluate("ALL:COMPLEMENTOFALL", fips=True)
    table = {c.entry.name: c.fips for c in load_table(get_model("1.0.2")).ciphers}
    assert fips.names == [n for n in plain.names if table[n]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"build": "enable-weak-ssl-ciphers"}, "unknown build"),
        ({"fips": True, "openssl": "1.1.1"}, "no FIPS mode"),
        ({"fips": True, "openssl": "3.1"}, "no FIPS mode"),
        ({"legacy_provider": True}, "no providers"),
        ({"legacy_provider": True, "openssl": "1.1.1"}, "no providers"),
        ({"openssl": "1.1.0"}, "unknown OpenSSL model"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        evaluate("ALL", **kwargs)


def test_tables_are_parsed_once():
    for version in MODELS:
        assert load_table(get_model(version)) is load_table(get_model(version))


def test_min_tls_bits_are_one_per_version():
    bits = list(cipher_table.MIN_TLS_BIT.values())
    assert all(b and not b & (b - 1) for b in bits) and len(set(bits)) == len(bits)


# ------------------------------------------------------------------------------------ weakness classes


@pytest.mark.parametrize(
    ("name", "classes", "version"),
    [
        ("ECDHE-RSA-AES128-GCM-SHA256", (), "1.0.2"),
        ("DHE-RSA-AES256-SHA", (), "1.0.2"),
        ("AES128-SHA", ("no-forward-secrecy",), "1.0.2"),
        ("NULL-MD5", ("NULL", "MD5", "no-forward-secrecy"), "1.0.2"),
        ("ADH-AES128-SHA", ("anonymous",), "1.0.2"),
        ("AECDH-NULL-SHA", ("NULL", "anonymous"), "1.0.2"),
        ("EXP-RC4-MD5", ("EXPORT", "RC4", "MD5", "no-forward-secrecy"), "1.0.2"),
        ("EDH-RSA-DES-CBC-SHA", ("LOW", "DES"), "1.0.2"),
        ("DES-CBC3-SHA", ("3DES", "no-forward-secrecy"), "1.0.2"),
        ("ECDHE-RSA-RC4-SHA", ("RC4",), "1.0.2"),
        ("DES-CBC3-MD5", ("MD5", "3DES", "SSLv2", "no-forward-secrecy"), "1.0.2"),
        ("EXP-RC2-CBC-MD5", ("EXPORT", "RC2", "MD5", "no-forward-secrecy"), "1.0.2"),
        ("TLS_AES_128_GCM_SHA256", (), "1.1.1"),
        ("ECDHE-RSA-CHACHA20-POLY1305", (), "3.1"),
        ("DHE-PSK-AES128-CBC-SHA", (), "3.1"),
        ("RSA-PSK-AES128-CBC-SHA", ("no-forward-secrecy",), "1.1.1"),
        ("DES-CBC3-SHA", ("3DES", "no-forward-secrecy"), "3.1"),
        ("ADH-AES128-SHA", ("anonymous",), "1.1.1"),
    ],
)
def test_weakness_classes(name, classes, version):
    assert weakness_classes(name, version) == classes


def test_weakness_classes_of_evaluated_suites():
    for suite in evaluate("SSLv2", "weak").ciphers:
        assert isinstance(suite, CipherSuite)
        assert weakness_classes(suite) == suite.weak
        assert "SSLv2" in suite.weak
    with pytest.raises(KeyError):
        weakness_classes("TLS_AES_128_GCM_SHA256")


# ---------------------------------------------------------------------------------------- properties

_WORDS = sorted({a.name for m in MODELS for a in load_table(get_model(m)).aliases} | {
    "DEFAULT", "AES128-SHA", "RC4-MD5", "DES-CBC3-SHA", "DES-CBC-SHA", "EXP-RC4-MD5", "DES-CBC3-MD5",
    "ECDHE-RSA-AES256-GCM-SHA384", "NULL-MD5", "CAMELLIA256-SHA", "NOSUCH", "all", "TLS_AES_128_GCM_SHA256",
    "ECDHE-RSA-CHACHA20-POLY1305", "SEED-SHA", "IDEA-CBC-SHA", "AES128-CCM",
})
_TERM = st.builds(
    lambda op, words, special: special or op + "+".join(words),
    st.sampled_from(["", "", "!", "-", "+"]),
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3),
    st.sampled_from([None] * 8 + ["@STRENGTH", "@SECLEVEL=1", "@SECLEVEL=0", "@SECLEVEL=6", "_", "", "+", "@"]),
)
_STRINGS = st.builds(
    lambda terms, seps: "".join(t + s for t, s in zip(terms, seps, strict=False)),
    st.lists(_TERM, max_size=8),
    st.lists(st.sampled_from([":", ":", ",", " ", ";", "::", ", "]), min_size=8, max_size=8),
)
_VARIANTS = st.sampled_from([("1.0.2", v) for v in ("default", "weak", "fips-mode")]
                            + [("1.1.1", v) for v in ("default", "weak")]
                            + [("3.1", v) for v in ("default", "weak", "legacy-provider", "weak+legacy-provider")])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(string=_STRINGS, where=_VARIANTS)
def test_random_strings_never_raise(string, where):
    version, variant = where
    result = _evaluate(string, version, variant)
    model = get_model(version)
    if result.ok:
        assert result.error is None and result.ciphers
        keys = [(c.name, c.protocol) for c in result.ciphers]
        assert len(keys) == len(set(keys))
        if result.supported is not None:  # -s keeps the listing's order
            listed = [id(c) for c in result.ciphers]
            kept = [listed.index(id(c)) for c in result.supported]
            assert kept == sorted(kept)
    else:
        assert result.error in (model.err_invalid_char, model.err_invalid_special, model.err_no_match)
        assert result.ciphers == [] and result.supported is None


@settings(max_examples=200, deadline=None)
@given(string=_STRINGS)
def test_builds_are_filters_of_each_other(string):
    # Every rule is a stable partition of one list, so a smaller build gives the bigger build's answer
    # minus the suites it lacks (words naming a missing suite are simply unknown there).
    table = {(c.entry.name, c.suite.protocol): c for c in load_table(get_model("1.0.2")).ciphers}
    weak, plain, fips = evaluate(string, "weak"), evaluate(string), evaluate(string, fips=True)
    if weak.ok and plain.ok:
        default_build = [c.name for c in weak.ciphers if "default" in table[(c.name, c.protocol)].builds]
        assert plain.names == default_build
    if plain.ok and fips.ok:
        assert fips.names == [c.name for c in plain.ciphers if table[(c.name, c.protocol)].fips]
    for version, small, big in (("1.1.1", "default", "weak"), ("3.1", "default", "weak+legacy-provider"),
                                ("3.1", "weak", "weak+legacy-provider"), ("3.1", "default", "legacy-provider")):
        a, b = _evaluate(string, version, small), _evaluate(string, version, big)
        if a.ok and b.ok:
            names = {c.entry.name for c in collected(load_table(get_model(version)), *VARIANTS[small])}
            assert a.names == [n for n in b.names if n in names or n.startswith("TLS_")]


def test_hostile_repetition_is_bounded():
    """Alternating rules over a long string: the work is per distinct rule, not per character (steps are
    counted: the pattern cache holds one entry per distinct term)."""
    for version in MODELS:
        table = load_table(get_model(version))
        start = ciphers._start(get_model(version), "default", False, False)
        state = ciphers._State(list(start.order), set(), table)
        parser = ciphers._Parser(state, start.lookup, table)
        assert parser.run("RC4:!RC4:" * 5000 + "HIGH:-HIGH:" * 5000)
        assert len(state._hit_cache) <= 2
