"""Suppressions and baselines are configuration inside untrusted data: they hide findings, never levels; a
suppression sits on the line of the finding it names; SARIF carries it for review; a baseline holds nothing
derived from a secret and does not churn when an unrelated key changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLAIN_LUA = """\
scripts.rap_host = "localhost"
scripts.rap_ssl = false -- emslint: ignore[EMS210] lab gateway, plain HTTP on loopback by design
scripts.script_resource_host = "localhost"
"""


def emslint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_WORKSPACE")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "emslint", *args, "--isolated"], cwd=cwd, capture_output=True,
                          text=True, env=env)


def gateway(root: Path, lua: str = PLAIN_LUA, ems: dict | None = None) -> Path:
    etc = root / "gw" / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "config.lua").write_text(lua)
    if ems is not None:
        (etc / "config.json").write_text(json.dumps(ems, indent=2) + "\n")
    for path in etc.iterdir():
        os.chmod(path, 0o600)
    return root / "gw"


def _target(result: subprocess.CompletedProcess) -> dict:
    return json.loads(result.stdout)["targets"][0]


def test_an_inline_suppression_hides_the_finding_not_the_level(tmp_path: Path) -> None:
    gateway(tmp_path)
    target = _target(emslint("check", "gw", "--format", "json", cwd=tmp_path))
    assert "EMS210" not in {f["rule"] for f in target["findings"]}
    (hidden,) = [f for f in target["suppressed"] if f["rule"] == "EMS210"]
    assert hidden["suppressed"] == {"kind": "inline", "reason": "lab gateway, plain HTTP on loopback by design",
                                    "where": "gw/etc/config.lua:2"}
    assert target["links"]["ems-rest"] == "low"
    assert "EMS210" in target["verdicts"]["ems-rest"]["capped_by"]


def test_sarif_carries_the_suppression_with_its_justification(tmp_path: Path) -> None:
    gateway(tmp_path)
    log = json.loads(emslint("check", "gw", "--format", "sarif", cwd=tmp_path).stdout)
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "EMS210"]
    assert result["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "lab gateway, plain HTTP on loopback by design"}]
    assert all("suppressions" not in r for r in log["runs"][0]["results"] if r["ruleId"] != "EMS210")


def test_no_inline_suppressions_ignores_every_comment(tmp_path: Path) -> None:
    gateway(tmp_path)
    target = _target(emslint("check", "gw", "--format", "json", "--no-inline-suppressions", cwd=tmp_path))
    assert "EMS210" in {f["rule"] for f in target["findings"]}
    assert not [f for f in target.get("suppressed", []) if f["suppressed"]["kind"] == "inline"]
    assert "EMS901" not in {f["rule"] for f in target["findings"]}


def test_a_suppression_on_line_one_hides_no_not_set_finding(tmp_path: Path) -> None:
    """The attack: one comment on line 1 naming every 'not set' rule. Those findings are shown at a parent's
    place, which proves nothing about them: a suppression never applies to them, and it is reported unused."""
    lua = "-- emslint: ignore[EMS301,EMS302] the LSR is fine\nscripts.rap_host = \"localhost\"\n"
    gateway(tmp_path, lua=lua)
    target = _target(emslint("check", "gw", "--format", "json", cwd=tmp_path))
    shown = {f["rule"] for f in target["findings"]}
    assert {"EMS301", "EMS302"} <= shown
    unused = [f["message"] for f in target["findings"] if f["rule"] == "EMS901"]
    assert len(unused) == 2


def _baseline(root: Path, name: str) -> bytes:
    result = emslint("check", "gw", "--write-baseline", name, cwd=root)
    assert result.returncode == 0, result.stderr
    return (root / name).read_bytes()


def test_the_baseline_does_not_depend_on_secret_values(tmp_path: Path) -> None:
    ems = {"ws_servers": [{"host": "twx.example.com", "port": 443}], "appKey": "2d4e9440-3e51-452f-a057-b70d8d1e2a4b",
           "http_server": {"ssl": False, "authenticate": True, "user": "gwuser", "password": "Sup3r-Secret-1"},
           "proxy": {"host": "proxy", "port": 3128, "user": "p", "password": "Zq-81-xx-proxy"}}
    gateway(tmp_path / "a", ems=ems)
    other = json.loads(json.dumps(ems))
    other["appKey"] = "9f0e1d2c-3b4a-4596-8877-665544332211"
    other["http_server"]["password"] = "another-Pa55word"
    other["proxy"]["password"] = "Pw-77-yy-proxy"
    gateway(tmp_path / "b", ems=other)
    first, second = _baseline(tmp_path / "a", "b.json"), _baseline(tmp_path / "b", "b.json")
    assert first == second
    for secret in ("2d4e9440", "Sup3r", "Zq-81", "9f0e1d2c", "another", "Pw-77"):
        assert secret.encode() not in first


def test_an_unrelated_change_does_not_bring_a_baselined_finding_back(tmp_path: Path) -> None:
    """EMS206 is about the http_server object: a timeout changed in it must not make the finding new."""
    ems = {"ws_servers": [{"host": "twx.example.com", "port": 443}],
           "http_server": {"ssl": True, "content_read_timeout": 20000}}
    gw = gateway(tmp_path, ems=ems)
    _baseline(tmp_path, "baseline.json")
    ems["http_server"]["content_read_timeout"] = 30000
    (gw / "etc" / "config.json").write_text(json.dumps(ems, indent=2) + "\n")
    result = emslint("check", "gw", "--format", "json", "--baseline", "baseline.json", cwd=tmp_path)
    target = _target(result)
    assert "EMS206" not in {f["rule"] for f in target["findings"]}
    assert "EMS206" in {f["rule"] for f in target["suppressed"]}
    assert "stale" not in result.stderr
    assert not json.loads(result.stdout).get("stale_baseline")
