"""The command line end to end: discovery, exit codes, usage errors, formats, baseline, settings, suppressions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((ROOT / "emslint" / "data" / "sarif-schema-2.1.0.json").read_text())

CLEARTEXT_PLATFORM = {
    "ws_servers": [{"host": "twx.example.com", "port": 443}],
    "ws_connection": {"encryption": "none"},
}
TLS_PLATFORM = {"ws_servers": [{"host": "twx.example.com", "port": 443}], "ws_connection": {"encryption": "ssl"}}


def emslint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_WORKSPACE")}
    return subprocess.run([sys.executable, "-m", "emslint.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env=env)


def deployment(root: Path, name: str, config: dict | None = None, lua: str | None = None) -> Path:
    etc = root / name / "etc"
    etc.mkdir(parents=True)
    if config is not None:
        (etc / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        os.chmod(etc / "config.json", 0o600)
    if lua is not None:
        (etc / "config.lua").write_text(lua)
        os.chmod(etc / "config.lua", 0o600)
    return root / name


def findings(result: subprocess.CompletedProcess) -> list[dict]:
    return [f for t in json.loads(result.stdout)["targets"] for f in t["findings"]]


# discovery ---------------------------------------------------------------------------------------------


def test_folder_of_many_deployments_at_any_depth(tmp_path):
    deployment(tmp_path, "site-a/gw-1", CLEARTEXT_PLATFORM)
    deployment(tmp_path, "site-b/line-2/gw-2", TLS_PLATFORM)
    deployment(tmp_path, "gw-3", lua="scripts.rap_ssl = true\n")
    report = json.loads(emslint("check", ".", "--format", "json", cwd=tmp_path).stdout)
    assert [t["path"] for t in report["targets"]] == ["gw-3", "site-a/gw-1", "site-b/line-2/gw-2"]
    assert report["targets"][0]["links"] == {"platform": None, "ems-rest": "low", "lsr-rest": "low",
                                             "connector-platform": None, "connector-edge": None,
                                             "connector-gas": None}


def test_a_config_file_stands_for_its_deployment(tmp_path):
    gw = deployment(tmp_path, "gw", CLEARTEXT_PLATFORM, lua="scripts.rap_ssl = false\n")
    result = emslint("check", "gw/etc/config.json", "--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["targets"][0]["files"] == ["gw/etc/config.json", "gw/etc/config.lua"]
    assert gw.is_dir()


def test_pre_commit_split_file_lists_are_harmless(tmp_path):
    deployment(tmp_path, "gw", CLEARTEXT_PLATFORM, lua="scripts.rap_ssl = false\n")
    both = emslint("check", "gw/etc/config.json", "gw/etc/config.lua", "--format", "json", cwd=tmp_path)
    one = emslint("check", "gw/etc/config.lua", "--format", "json", cwd=tmp_path)
    assert len(json.loads(both.stdout)["targets"]) == 1
    assert findings(both) == findings(one)


def test_templates_only_on_request_and_p_data_never(tmp_path):
    gw = deployment(tmp_path, "gw", TLS_PLATFORM)
    (gw / "etc" / "config.json.complete").write_text(json.dumps(CLEARTEXT_PLATFORM))
    (gw / "etc" / "config.lua.p_data").write_text("scripts = { Thingworx = { file = 'x' } }\n")
    plain = json.loads(emslint("check", ".", "--format", "json", cwd=tmp_path).stdout)
    assert [t["path"] for t in plain["targets"]] == ["gw"]
    with_templates = json.loads(emslint("check", ".", "--include-templates", "--format", "json", cwd=tmp_path).stdout)
    paths = [t["path"] for t in with_templates["targets"]]
    assert paths == ["gw", "gw/etc/config.json.complete"]
    assert not any("p_data" in f for t in with_templates["targets"] for f in t["files"])


def test_symlinks_are_not_followed_out_of_the_path(tmp_path):
    outside = deployment(tmp_path, "outside", CLEARTEXT_PLATFORM)
    scanned = tmp_path / "scanned"
    (scanned / "gw" / "etc").mkdir(parents=True)
    os.symlink(outside / "etc" / "config.json", scanned / "gw" / "etc" / "config.json")
    os.symlink(outside, scanned / "linked-deployment")
    report = json.loads(emslint("check", ".", "--format", "json", cwd=scanned).stdout)
    assert [t["path"] for t in report["targets"]] == ["gw"]  # reported, not silently skipped, and never read
    found = report["targets"][0]["findings"]
    assert [f["rule"] for f in found] == ["EMS001"] and "not followed" in found[0]["message"]


# exit codes and usage errors -----------------------------------------------------------------------------


def test_exit_codes(tmp_path):
    deployment(tmp_path, "gw", CLEARTEXT_PLATFORM)
    assert emslint("check", "gw", cwd=tmp_path).returncode == 1
    assert emslint("check", "gw", "--exit-zero", cwd=tmp_path).returncode == 0
    assert emslint("check", "gw", "--fail-on", "never", cwd=tmp_path).returncode == 0
    assert emslint("check", "gw", "--fail-on", "never", "--require-level", "medium", cwd=tmp_path).returncode == 1
    assert emslint("check", "gw", "--select", "EMS514", cwd=tmp_path).returncode == 0  # info never fails


@pytest.mark.parametrize(
    "args, text",
    [
        (["check", "no-such-folder"], "no such file or folder"),
        (["check", "gw", "--now", "yesterday"], "--now"),
        (["check", "gw", "--format", "xml"], "xml"),
        (["check", "gw", "--config", "missing.toml"], "missing.toml"),
        (["rule", "EMS999"], "no rule"),
        (["check", "gw", "--format", "json", "-o", "r.json", "--report", "sarif:./r.json"],
         "--report: r.json is already the file of another report"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, args, text):
    deployment(tmp_path, "gw", TLS_PLATFORM)
    result = emslint(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r.json").exists()  # nothing is written before the usage error


def test_malformed_settings_exit_2_naming_file_line_and_key(tmp_path):
    deployment(tmp_path, "gw", TLS_PLATFORM)
    (tmp_path / ".emslint.toml").write_text('profile = "production"\nfial_on = "high"\n')
    result = emslint("check", "gw", cwd=tmp_path)
    assert result.returncode == 2
    assert ".emslint.toml:2" in result.stderr and "fial_on" in result.stderr and "fail_on" in result.stderr


# settings, profiles, suppressions, extra rules ----------------------------------------------------------------


def test_settings_file_then_cli_precedence(tmp_path):
    deployment(tmp_path, "gw", CLEARTEXT_PLATFORM)
    (tmp_path / ".emslint.toml").write_text('fail_on = "never"\n')
    assert emslint("check", "gw", cwd=tmp_path).returncode == 0
    assert emslint("check", "gw", "--fail-on", "critical", cwd=tmp_path).returncode == 1


def test_development_profile_turns_self_signed_into_info(tmp_path):
    config = {**TLS_PLATFORM, "certificates": {"allow_self_signed": True}}
    deployment(tmp_path, "gw", config)
    prod = {f["rule"]: f["severity"] for f in findings(emslint("check", "gw", "--format", "json", cwd=tmp_path))}
    dev = {f["rule"]: f["severity"]
           for f in findings(emslint("check", "gw", "--format", "json", "--profile", "development", cwd=tmp_path))}
    assert prod["EMS106"] == "medium" and dev["EMS106"] == "info"


def test_inline_suppression_in_config_lua(tmp_path):
    lua = (
        "scripts.rap_ssl = false -- emslint: ignore[EMS210] the EMS and LSR share one container\n"
        "scripts.rap_server_authenticate = true -- emslint: ignore[EMS999] nothing to suppress here\n"
    )
    deployment(tmp_path, "gw", lua=lua)
    rules = {(f["rule"], f["line"]) for f in findings(emslint("check", "gw", "--format", "json", cwd=tmp_path))}
    assert ("EMS210", 1) not in rules
    assert ("EMS901", 2) in rules


def test_extra_rules_folder(tmp_path):
    deployment(tmp_path, "gw", {**TLS_PLATFORM, "logger": {"level": "INFO"}})
    rule_text = (ROOT / "rules" / "EMS101-platform-encryption-none.toml").read_text()
    rule_text = rule_text.replace('id = "EMS101"', 'id = "ACME001"').replace(
        'name = "platform-encryption-none"', 'name = "logger-not-error"'
    )
    rule_text = rule_text.replace('pointer = "/ems/ws_connection/encryption"\nschema = { const = "none" }',
                                  'pointer = "/ems/logger/level"\nschema = { not = { const = "ERROR" } }')
    (tmp_path / "acme-rules").mkdir()
    (tmp_path / "acme-rules" / "ACME001-logger-not-error.toml").write_text(rule_text)
    (tmp_path / ".emslint.toml").write_text('extra_rules = "acme-rules"\nselect = ["ACME001"]\n')
    result = emslint("check", "gw", "--format", "json", cwd=tmp_path)
    assert [(f["rule"], f["pointer"]) for f in findings(result)] == [("ACME001", "/logger/level")]
    listed = json.loads(emslint("rules", "--format", "json", "--config", ".emslint.toml", cwd=tmp_path).stdout)
    assert "ACME001" in {r["id"] for r in listed}


# formats ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["EMS101/fail-none", "EMS006/fail-json-windows-path", "EMS609/fail-rsa-1024"])
def test_sarif_from_fixtures_is_valid(tmp_path, fixture):
    from tests.fixture_runner import FIXTURES, prepare

    case = FIXTURES / "rules" / fixture
    if not case.is_dir():
        case = next((FIXTURES / "rules" / fixture.split("/")[0]).glob("fail*"))
    folder = prepare(case, tmp_path)
    (folder / "expected.json").unlink()
    result = emslint("check", ".", "--format", "sarif", "--now", "2026-06-01", cwd=folder)
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    run = log["runs"][0]
    assert run["results"] and run["invocations"][0]["executionSuccessful"] is True
    for res in run["results"]:
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_github_annotations(tmp_path):
    deployment(tmp_path, "gw", CLEARTEXT_PLATFORM)
    lines = emslint("check", "gw", "--format", "github", cwd=tmp_path).stdout.splitlines()
    assert any(line.startswith("::error file=gw/etc/config.json,line=") and "EMS101" in line for line in lines)


def test_output_file_and_determinism(tmp_path):
    deployment(tmp_path, "gw", CLEARTEXT_PLATFORM, lua="scripts.rap_ssl = false\n")
    for fmt in ("json", "sarif"):
        emslint("check", "gw", "--format", fmt, "--output", f"a.{fmt}", cwd=tmp_path)
        emslint("check", "gw", "--format", fmt, "--output", f"b.{fmt}", cwd=tmp_path)
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


def test_rule_and_rules_commands():
    text = emslint("rule", "platform-encryption-none", cwd=ROOT).stdout
    for heading in ("What it does", "Why is this bad", "Example", "Use instead", "References"):
        assert heading in text
    assert "https://support.ptc.com" in text


def test_ciphers_command():
    result = emslint("ciphers", "ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!SRP",
                     "--format", "json", cwd=ROOT)
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["ok"] and data["ciphers"][0]["name"] == "ECDHE-RSA-AES256-GCM-SHA384"
    rejected = emslint("ciphers", "NOTHING-KNOWN", cwd=ROOT)
    assert rejected.returncode == 1
    modern = emslint("ciphers", "ECDHE+AESGCM", "--ems-version", "5.5.0", "--format", "json", cwd=ROOT)
    data = json.loads(modern.stdout)
    assert modern.returncode == 0 and data["model"]["openssl"] == "3.1" and data["ciphers"][0]["protocol"] == "TLSv1.3"
    usage = emslint("ciphers", "ALL", "--openssl", "1.1.1", "--fips", cwd=ROOT)
    assert usage.returncode == 2 and usage.stdout == ""
    assert usage.stderr.startswith("emslint: error: --fips: FIPS is not supported by OpenSSL 1.1.1 EMS builds")


def test_check_reads_cipher_lists_with_the_chosen_openssl(tmp_path):
    config = {**CLEARTEXT_PLATFORM, "ws_connection": {"encryption": "ssl"},
              "certificates": {"validate": True, "cipher_suite": "ALL:!aNULL:@SECLEVEL=0"}}
    deployment(tmp_path, "gw", config)
    as_102 = emslint("check", "gw", "--format", "json", "--select", "ciphers", cwd=tmp_path)
    assert {f["rule"] for f in findings(as_102)} == {"EMS501"}  # 1.0.2 has no @SECLEVEL
    as_31 = emslint("check", "gw", "--format", "json", "--select", "ciphers", "--openssl", "3.1", cwd=tmp_path)
    assert {f["rule"] for f in findings(as_31)} == {"EMS517"}
    (tmp_path / ".emslint.toml").write_text('ems_version = "5.4.11"\n')
    text = emslint("check", "gw", "--select", "ciphers", "--no-color", cwd=tmp_path).stdout
    assert "EMS517 cipher-seclevel-zero" in text
    assert ("  cipher lists read as OpenSSL 1.1.1q: EMS 5.4.11: C SDK 3.0.0 with OpenSSL 1.1.1q (PTC release "
            "notes of 5.4.11/5.4.12)") in text.splitlines()
    bad = emslint("check", "gw", "--openssl", "2", cwd=tmp_path)
    assert bad.returncode == 2 and "--openssl: openssl must be one of" in bad.stderr


# baseline ----------------------------------------------------------------------------------------------------


def test_baseline_round_trip(tmp_path):
    gw = deployment(tmp_path, "gw", CLEARTEXT_PLATFORM)
    assert emslint("check", "gw", "--write-baseline", "baseline.json", cwd=tmp_path).returncode == 0
    assert emslint("check", "gw", "--baseline", "baseline.json", cwd=tmp_path).returncode == 0
    config = {**CLEARTEXT_PLATFORM, "http_server": {"host": "0.0.0.0"}}
    (gw / "etc" / "config.json").write_text(json.dumps(config, indent=4))  # lines move, a new finding appears
    result = emslint("check", "gw", "--baseline", "baseline.json", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert {f["rule"] for f in findings(result)} == {"EMS203"}
    (gw / "etc" / "config.json").write_text(json.dumps(TLS_PLATFORM))  # fixed: entries go stale
    stale = emslint("check", "gw", "--baseline", "baseline.json", "--format", "json", cwd=tmp_path)
    assert json.loads(stale.stdout)["stale_baseline"]
    assert "stale" in stale.stderr


def test_unreadable_config_makes_the_sarif_run_unsuccessful(tmp_path):
    gw = deployment(tmp_path, "gw", TLS_PLATFORM)
    (gw / "etc" / "config.json").write_bytes(json.dumps(TLS_PLATFORM).encode("utf-16"))
    result = emslint("check", "gw", "--format", "sarif", cwd=tmp_path)
    invocation = json.loads(result.stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert any("could not be read" in t for t in texts)
    assert result.returncode == 1  # EMS002 is a finding; the tool itself did not fail
