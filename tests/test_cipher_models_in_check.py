"""The cipher and FIPS rules under each OpenSSL model, end to end: PTC's own settings give no false alarm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixture_runner import run_fixture

PTC_SAMPLE = "ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!3DES:!SRP"
CIPHER_RULES = {f"EMS5{n:02d}" for n in range(1, 19)} - {"EMS514"}  # EMS514: FIPS off, a policy note


def _deployment(tmp_path: Path, certificates: dict, **extra) -> Path:
    etc = tmp_path / "gw" / "etc"
    etc.mkdir(parents=True)
    config = {"ws_servers": [{"host": "twx.example.com", "port": 443}], "appKey": "some_encrypted_application_key",
              "ws_connection": {"encryption": "ssl"}, "certificates": {"validate": True, **certificates}, **extra}
    (etc / "config.json").write_text(json.dumps(config))
    (etc / "config.json").chmod(0o600)
    return tmp_path / "gw"


def _cipher_findings(folder: Path, **options) -> list[tuple[str, str]]:
    result = run_fixture(folder, options)
    return sorted((f.rule, f.severity.label) for f in result.findings if f.rule in CIPHER_RULES)


def _cipher_caps(folder: Path, **options) -> set:
    return {f.caps for f in run_fixture(folder, options).findings if f.rule in CIPHER_RULES}


@pytest.mark.parametrize("version", [None, "5.4.10", "5.4.11", "5.4.12", "5.5.0"])
def test_ptc_hardened_list_is_clean_under_every_model(tmp_path, version):
    folder = _deployment(tmp_path, {"cipher_suite": PTC_SAMPLE})
    assert _cipher_findings(folder, ems_version=version) == []


def test_ptc_documented_fips_setup_only_gets_information(tmp_path):
    folder = _deployment(tmp_path, {"cipher_suite": PTC_SAMPLE}, fips={"enabled": True})
    assert _cipher_findings(folder) == [("EMS509", "info"), ("EMS515", "info")]
    assert _cipher_findings(folder, platform_java=11) == [("EMS515", "info")]
    assert _cipher_caps(folder) == {None}  # nothing lowers the platform link's level


def test_unset_list_never_caps_the_platform_link(tmp_path):
    folder = _deployment(tmp_path, {})
    for version in (None, "5.4.11", "5.5.0"):
        assert _cipher_findings(folder, ems_version=version) == [("EMS507", "info")]
        assert _cipher_caps(folder, ems_version=version) == {None}


@pytest.mark.parametrize(
    ("string", "version", "expected"),
    [
        ("ALL:!aNULL:@SECLEVEL=2", None, [("EMS501", "high")]),  # 1.0.2: no @SECLEVEL
        ("ALL:!aNULL:@SECLEVEL=2", "5.4.11", []),
        ("ALL:@SECLEVEL=0", "5.5.0", [("EMS503", "critical"), ("EMS517", "medium")]),
        ("ALL:@SECLEVEL=0:RC4-MD5", "5.4.11", [("EMS502", "low"), ("EMS503", "critical"), ("EMS517", "medium")]),
        ("HIGH:aNULL", None, [("EMS503", "critical"), ("EMS505", "medium")]),  # ADH-RC4-MD5 among them
        ("HIGH:aNULL", "5.4.11", []),  # listed, never offered at security level 1
        ("TLS_AES_256_GCM_SHA384", "5.5.0", [("EMS501", "high")]),
        ("AES128-SHA:AES256-SHA", "5.5.0", [("EMS506", "low"), ("EMS516", "medium")]),
        ("AES128-SHA:@SECLEVEL=5", "5.5.0", [("EMS518", "high")]),  # nothing TLS 1.2 left to judge
    ],
)
def test_verdicts_depend_on_the_model(tmp_path, string, version, expected):
    folder = _deployment(tmp_path, {"cipher_suite": string})
    assert _cipher_findings(folder, ems_version=version) == sorted(expected)
