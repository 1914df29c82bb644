"""Records between runs (emslint/records.py) never change a result.

Key-material records (emslint/inspect/keymaterial_cache.py):

A record replaces the certificate and key inspection of a repeated small run. It must be used only when every
input of that inspection is as recorded: the file bytes (not their size or time), how each configured path
resolves, the configs' view, the time (within the interval where no certificate date is crossed), the code.
It must never hold or be named by a secret, never be taken from a folder or file someone else could write,
and fleets must not write any. Cipher-list records (emslint/facts/ciphers.py) must be used only for the same
inputs. Every rule fixture also checks that the records it writes are replayed to the same result
(tests/fixture_runner.py, check_records).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from cryptography import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emslint import records as record_store
from emslint.discover import discover
from emslint.facts import ciphers
from emslint.inspect import keymaterial_cache as records
from emslint.inspect.key_settings import setting
from emslint.pipeline import Job, lint_job, results
from emslint.settings import SettingsResolver
from emslint.settings.model import Settings
from emslint.user_cache import CacheFolder

ROOT = Path(__file__).resolve().parent.parent
posix_only = pytest.mark.skipif(os.name == "nt", reason="no cache folder on Windows (no dir_fd)")


@pytest.fixture
def cache(monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("EMSLINT_CACHE_DIR", str(folder))
    monkeypatch.delenv("EMSLINT_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def high(tmp_path) -> Path:
    """A copy of examples/high (its demo certificates and keys) to change."""
    folder = tmp_path / "high"
    shutil.copytree(ROOT / "examples" / "high", folder)
    for path in folder.rglob("*"):
        if path.is_file():
            os.chmod(path, 0o600)
    return folder


def _job(folder: Path, *, records: bool = True) -> Job:
    resolver = SettingsResolver({}, origin="test", cwd=folder)
    targets, problems = discover([str(folder)], include_templates=False)
    assert not problems and len(targets) == 1
    return Job(targets[0], resolver.for_target(targets[0].root), records=records)


def _lint(folder: Path, now: datetime, *, records: bool = True) -> dict:
    return lint_job(_job(folder, records=records), now).to_dict()


def _inspections(folder: Path, now: datetime) -> tuple[dict, int]:
    """(result, how many times the key material was inspected rather than replayed)."""
    with mock.patch.object(records, "_inspect", wraps=records._inspect) as inspected:
        result = _lint(folder, now)
    return result, inspected.call_count


def _evaluations(folder: Path, now: datetime) -> tuple[dict, int]:
    """(result, how many times the cipher list was evaluated rather than replayed)."""
    with mock.patch.object(ciphers, "_evaluate", wraps=ciphers._evaluate) as evaluated:
        result = _lint(folder, now)
    return result, evaluated.call_count


def _rules(result: dict) -> set[str]:
    return {f["rule"] for f in result["findings"]}


def _cert(folder: Path, name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((folder / "etc" / "certs" / name).read_bytes())


NOW = datetime(2026, 12, 7, 10, 30, 15, 123456, tzinfo=UTC)


@posix_only
def test_a_repeated_run_replays_the_record_and_gets_the_same_result(cache, high):
    first, inspected = _inspections(high, NOW)
    assert inspected == 1 and len(list(cache.glob("keymaterial-*.json"))) == 1
    assert len(list(cache.glob("ciphers-*.json"))) == 1
    second, inspected = _inspections(high, NOW)
    assert inspected == 0
    third, evaluated = _evaluations(high, NOW)
    assert evaluated == 0
    assert third == second == first == _lint(high, NOW, records=False)


# What a repeated run over an EMS deployment must not import (docs/decisions/0003, decisions 2 and 7): what records
# replace, and what only other kinds of runs need (a connector file, --baseline, --fix). Standard
# modules are not listed: a site hook of the interpreter may import them (certifi's imports tempfile).
NOT_IN_A_WARM_RUN = ("cryptography", "emslint.inspect.keymaterial", "emslint.inspect.certificates",
                     "emslint.facts.cipher_facts", "emslint.inspect.ciphers", "emslint.facts.connector",
                     "emslint.read.entity_export", "emslint.filters.baseline", "emslint.fixes.overlay")


@posix_only
def test_a_warm_run_imports_no_cryptography(cache, high):
    script = (
        "import sys\n"
        "from emslint.cli import main\n"
        "sys.argv = ['emslint', 'check', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('IMPORTED', sorted(set({NOT_IN_A_WARM_RUN!r}) & set(sys.modules)), file=sys.stderr)\n"
    )
    env = {**os.environ, "EMSLINT_CACHE_DIR": str(cache)}
    runs = [subprocess.run([sys.executable, "-c", script, str(high)], capture_output=True, text=True, env=env,
                           cwd=ROOT, check=False) for _ in range(2)]
    assert "'cryptography'" in runs[0].stderr.strip().splitlines()[-1], runs[0].stderr
    assert runs[1].stderr.strip().splitlines()[-1] == "IMPORTED []", runs[1].stderr
    assert runs[0].stdout == runs[1].stdout


def _corrupt(key_path: Path) -> None:
    """The key's DER no longer starts with a SEQUENCE (one base64 letter changed): same size, unparsable."""
    lines = key_path.read_bytes().split(b"\n")
    assert lines[1][:1] == b"M"
    lines[1] = b"N" + lines[1][1:]
    key_path.write_bytes(b"\n".join(lines))


@posix_only
def test_new_bytes_of_the_same_size_and_time_are_inspected_again(cache, high):
    """A key file changed in place, its size the same and its time set back: the record must not be used."""
    key_path = high / "etc" / "certs" / "demo-ems.key"
    before = _lint(high, NOW)
    assert "EMS605" not in _rules(before)
    stat = key_path.stat()
    _corrupt(key_path)
    os.utime(key_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (key_path.stat().st_size, key_path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    after, inspected = _inspections(high, NOW)
    assert inspected == 1
    assert "EMS605" in _rules(after) and after == _lint(high, NOW, records=False)


@posix_only
def test_a_path_that_now_resolves_elsewhere_is_inspected_again(cache, high):
    certs = high / "etc" / "certs"
    _lint(high, NOW)
    (high / "elsewhere").mkdir()
    shutil.move(certs / "demo-ca.pem", high / "elsewhere" / "demo-ca.pem")
    (certs / "demo-ca.pem").symlink_to(high / "elsewhere" / "demo-ca.pem")  # same bytes, another real path
    after, inspected = _inspections(high, NOW)
    assert inspected == 1 and after == _lint(high, NOW, records=False)
    (certs / "demo-ca.pem").unlink()  # gone: EMS601, never the recorded "ok"
    gone, inspected = _inspections(high, NOW)
    assert inspected == 1 and gone == _lint(high, NOW, records=False)
    assert "EMS601" in _rules(gone)


@posix_only
def test_a_record_is_not_used_past_a_certificate_date(cache, high):
    leaf = _cert(high, "demo-ems.pem")
    _lint(high, NOW)
    expired_now = leaf.not_valid_after_utc + timedelta(seconds=1)
    after, inspected = _inspections(high, expired_now)
    assert inspected == 1
    assert "EMS606" in _rules(after) and after == _lint(high, expired_now, records=False)


@posix_only
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(-800, 4000), second=st.integers(-800, 4000), seconds=st.integers(0, 86399))
def test_for_any_two_times_a_replay_equals_a_fresh_inspection(cache, high, first, second, seconds):
    """Records written at one time and used at another (days away, or on either side of a certificate date) give
    exactly what inspecting at that time gives."""
    anchor = _cert(high, "demo-ems.pem").not_valid_after_utc
    written = anchor + timedelta(days=first // 4, seconds=seconds)
    used = anchor + timedelta(days=second // 4, seconds=seconds if second % 2 else 0)
    _lint(high, written)
    assert _lint(high, used) == _lint(high, used, records=False)


def test_the_window_is_exact_on_a_boundary_and_unknown_without_dates():
    date = datetime(2027, 1, 1, 12, 0, 0, tzinfo=UTC)
    on_boundary = date - timedelta(days=30)
    assert records._window(on_boundary, [date]) == [records._micros(on_boundary)] * 2
    first, last = records._window(on_boundary + timedelta(hours=1), [date])
    assert (first, last) == (records._micros(on_boundary) + 1, records._micros(on_boundary + timedelta(days=1)) - 1)
    assert records._window(NOW, [date, None]) is None


@posix_only
def test_the_record_neither_holds_nor_is_named_by_a_secret(cache, high):
    config = high / "etc" / "config.json"
    data = json.loads(config.read_text())
    secrets = [data["appKey"], data["http_server"]["passphrase"]]
    _lint(high, NOW)
    (record,) = cache.glob("keymaterial-*.json")
    text = record.read_text()
    assert not [s for s in secrets if s in text]
    data["appKey"] = "AES:" + "A" * 60
    data["http_server"]["passphrase"] = "another passphrase"
    config.write_text(json.dumps(data))
    _lint(high, NOW)
    assert list(cache.glob("keymaterial-*.json")) == [record], "the record's name depends on a secret"


@posix_only
@pytest.mark.parametrize("how", ["folder-others-may-write", "record-others-may-write", "record-is-a-link",
                                 "not-a-record"])
def test_a_planted_record_is_not_used(cache, high, tmp_path, how):
    """A record that says a key is fine when it cannot be parsed, planted where emslint would look."""
    key_path = high / "etc" / "certs" / "demo-ems.key"
    _lint(high, NOW)
    (record,) = cache.glob("keymaterial-*.json")
    planted = record.read_bytes()
    _corrupt(key_path)
    truth = _lint(high, NOW, records=False)
    assert "EMS605" in _rules(truth)
    # the planted record is the old one, re-keyed to the new bytes
    data = json.loads(planted)
    for entry in data["paths"]:
        if entry["text"].endswith("demo-ems.key"):
            entry["read"][2] = records._digest(key_path.read_bytes())
    planted = json.dumps(data).encode()
    record.unlink()
    if how == "folder-others-may-write":
        record.write_bytes(planted)
        os.chmod(cache, 0o777)
    elif how == "record-others-may-write":
        record.write_bytes(planted)
        os.chmod(record, 0o666)
    elif how == "record-is-a-link":
        (tmp_path / "outside.json").write_bytes(planted)
        record.symlink_to(tmp_path / "outside.json")
    else:
        record.write_bytes(b'{"format": "something else", "items": []}')
    record_store._open[:] = [False, None]  # a new process: the folder is checked again
    assert _lint(high, NOW) == truth


@posix_only
def test_a_fleet_writes_no_records_and_a_small_run_does(cache, tmp_path):
    fleet = tmp_path / "fleet"
    for n in range(8):
        shutil.copytree(ROOT / "examples" / "high", fleet / f"gw-{n}")
    resolver = SettingsResolver({}, origin="test", cwd=tmp_path)
    targets, _ = discover([str(fleet)], include_templates=False)
    jobs = [Job(t, resolver.for_target(t.root)) for t in targets]
    assert len(list(results(jobs, now=NOW, workers=1))) == 8
    assert not list(cache.glob("keymaterial-*.json"))
    assert len(list(results(jobs[:7], now=NOW, workers=1))) == 7
    assert list(cache.glob("keymaterial-*.json"))


@posix_only
def test_no_cache_turns_records_off(cache, high, monkeypatch):
    monkeypatch.setenv("EMSLINT_NO_CACHE", "1")
    _lint(high, NOW)
    _, inspected = _inspections(high, NOW)
    assert inspected == 1 and not cache.exists()


def test_the_inspection_cannot_read_a_setting_outside_the_view():
    """The record is keyed by the view of the configs (key_settings.config_view): a read outside it is refused, so
    a new read cannot escape the key unnoticed."""
    assert setting({"http_server": {"ssl": True}}, "http_server", "ssl") is True
    with pytest.raises(AssertionError):
        setting({"appKey": "x"}, "appKey")


CIPHER_STRINGS = ["ALL", "HIGH:!aNULL", "ECDHE-RSA-AES256-GCM-SHA384", "DEFAULT:@SECLEVEL=0", "RC4-MD5:NULL",
                  "AES128-SHA:bogus-word"]


@posix_only
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=st.lists(st.tuples(
    st.sampled_from([None, *CIPHER_STRINGS]),  # None: cipher_suite not set
    st.booleans(),  # fips.enabled
    st.sampled_from([None, "5.4.10", "5.4.11", "5.5.0"]),  # ems_version
    st.sampled_from([None, "1.0.2", "3.1"]),  # openssl override
    st.sampled_from(["default", "weak"]),  # build
    st.sampled_from([None, 7, 8]),  # platform_java
    st.booleans(),  # fixes wanted (show_fixes)
), min_size=2, max_size=6))
def test_a_cipher_record_is_used_only_for_the_same_inputs(cache, runs):
    """Whatever runs came before (each leaving its record), the cipher item is what evaluating gives."""
    cache.mkdir(mode=0o700, exist_ok=True)
    store = CacheFolder.open(cache, cache, create=True)
    assert store is not None
    try:
        for string, fips, version, openssl, build, java, show in runs:
            certificates = {} if string is None else {"cipher_suite": string}
            ems = {"certificates": certificates, "fips": {"enabled": fips}}
            options = Settings(ems_version=version, openssl=openssl, build=build, platform_java=java, show_fixes=show)
            fresh = ciphers.cipher_item(ems, ems, options)
            assert ciphers.cipher_item(ems, ems, options, store) == fresh
    finally:
        store.close()


CONFIG_CHANGES = [
    ("http_server", "host", "ems.example.com"),
    ("http_server", "ssl", False),
    ("http_server", "passphrase", ""),
    ("http_server", "certificate", "etc/certs/demo-lsr.pem"),
    ("certificates", "fingerprint_allowlist", ["00" * 32]),
    ("certificates", "validate", False),
    ("certificates", "validation_criteria", {"CA_Cert_Common_Name": "Someone Else"}),
    ("ws_connection", "encryption", "none"),
    ("auto_bind", None, [{"name": "x", "host": "h", "port": 1, "protocol": "https"}]),
]


@posix_only
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.sampled_from(CONFIG_CHANGES), min_size=1, max_size=3))
def test_a_config_change_the_inspection_reads_is_never_answered_from_a_record(cache, high, changes):
    """Each run leaves a record; after any change to a setting the inspection reads, the result is a fresh one."""
    config = high / "etc" / "config.json"
    original = config.read_text()
    try:
        _lint(high, NOW)
        data = json.loads(original)
        for section, key, value in changes:
            if key is None:
                data[section] = value
            else:
                data.setdefault(section, {})[key] = value
        config.write_text(json.dumps(data))
        assert _lint(high, NOW) == _lint(high, NOW, records=False)
    finally:
        config.write_text(original)
