"""``--format concise`` (also spelt ``--output-format concise``, ``-f concise``): one ``path:line:col: RULE
[severity] message`` line per shown finding, then the notes and the summary; exact lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening import run_cli, write_deployment

CONFIG = """{
  "ws_servers": [{"host": "twx.example.com", "port": 443}],
  "ws_connection": {"encryption": "none"},
  "certificates": {"validate": false}
}
"""
LUA = """scripts.rap_host = "localhost"
scripts.script_resource_ssl = false -- emslint: ignore[EMS301] lab network
"""
FINDINGS = [
    'gw/etc/config.json:2:54: EMS108 [low] ws_servers[0].port is the TLS port 443 while ws_connection.encryption is '
    '"none": the platform link is meant to be encrypted',
    'gw/etc/config.json:3:35: EMS101 [critical] ws_connection.encryption is "none": the application key, data, file '
    "transfers and tunnels travel unencrypted",
    "gw/etc/config.json:4:32: EMS104 [high] certificates.validate turns platform certificate validation off: anyone "
    "in the network path can pose as ThingWorx and receive the application key",
    "gw/etc/config.lua:1:1: EMS302 [high] scripts.script_resource_authenticate is false or not set: every caller "
    "that reaches the LSR port can write properties and call services of the edge Things",
]
NOTE = ("note: cipher lists read as OpenSSL 1.0.2q: EMS version unknown: OpenSSL 1.0.2 assumed (EMS 5.4.10 and "
        "older); give ems_version or openssl")


@pytest.fixture
def gateway(tmp_path: Path) -> Path:
    write_deployment(tmp_path / "gw", ems=CONFIG, lsr=LUA)
    for config in (tmp_path / "gw" / "etc").iterdir():  # private, whatever the umask: no file-mode finding
        config.chmod(0o600)
    return tmp_path


@pytest.mark.parametrize("flag", [["--format", "concise"], ["--output-format", "concise"], ["-f", "concise"]])
def test_concise_lines(gateway: Path, flag: list[str]) -> None:
    run = run_cli(["check", "gw", *flag, "--select", "EMS1,EMS3"], cwd=gateway)
    assert run.code == 1
    assert run.out.splitlines() == [
        *FINDINGS, NOTE, "1 deployment(s) (1 low), 4 finding(s): 1 critical, 2 high, 1 low; 8 hidden"]


def test_concise_quiet_shows_only_what_fails(gateway: Path) -> None:
    run = run_cli(["check", "gw", "--format", "concise", "--select", "EMS1,EMS3", "--fail-on", "high", "-q"],
                  cwd=gateway)
    assert run.out.splitlines() == [
        *FINDINGS[1:], "1 deployment(s) (1 low), 4 finding(s): 1 critical, 2 high, 1 low; 8 hidden"]
