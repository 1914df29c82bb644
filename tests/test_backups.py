"""Backup copies of the configs (emslint/backup_names.py): found beside the live configs, judged for their secrets
and modes only, never for the links they would configure."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from emslint.backup_names import backup_base
from tests.test_cli import emslint

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("config.json.bak", "config.json"),
        ("config.json.BAK", "config.json"),
        ("config.json~", "config.json"),
        ("config.json.~3~", "config.json"),
        ("config.json.orig", "config.json"),
        ("config.json.old~", "config.json"),
        ("config.json.bak.2024-01-01", "config.json"),
        ("config.json.bak1", "config.json"),
        ("config.json.1", "config.json"),
        ("config.json.dpkg-old", "config.json"),
        ("config.json.rpmsave", "config.json"),
        ("config.json.booted.1", "config.json.booted"),
        ("config.json.booted~", "config.json.booted"),
        ("config.lua.bak", "config.lua"),
        ("config.lua.save", "config.lua"),
        ("config.bak.json", "config.json"),
        ("config_old.lua", "config.lua"),
        ("config-2024-05-01.json", "config.json"),
        ("config (1).json", "config.json"),
        ("config copy.json", "config.json"),
        ("config - Copy.json", "config.json"),
        ("Copy of config.json", "config.json"),
        # not copies
        ("config.json", None),
        ("config.json.booted", None),
        ("config.lua", None),
        ("config.json.minimal", None),
        ("config.json.complete", None),
        ("config.json.documented", None),
        ("config.lua.example", None),
        ("config.lua.p_data", None),
        ("config.json5", None),
        ("configuration.json", None),
        ("config.json.1.gz", None),
        ("config.json.swp", None),
        ("config.json." + "1" * 300, None),
    ],
)
def test_names(name, base):
    assert backup_base(name) == base


def _high(tmp_path: Path) -> Path:
    """PTC's High example with the modes of a real install (0600): nothing above info."""
    deployment = tmp_path / "high"
    shutil.copytree(ROOT / "examples" / "high", deployment)
    for path in deployment.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return deployment


def _report(deployment: Path, cwd: Path) -> dict:
    result = emslint("check", str(deployment.relative_to(cwd)), "--format", "json", "--fail-on", "never", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["targets"][0]


def test_a_copy_changes_no_level_except_through_its_secrets(tmp_path):
    deployment = _high(tmp_path)
    copy = deployment / "etc" / "config.json.bak"
    # a broken, insecure copy: no TLS, no auth, a syntax error; its secrets are the encrypted ones
    copy.write_text('{"ws_servers": [{"host": "twx.example.com", "port": 80}], "ws_connection": {"encryption": '
                    '"none"}, "appKey": "AES:zUjx42U0M7bbox0PnvH7wb82vNvx6Kny9CNw2J8Fsamg217h8Ya0LVczovzI3LQG",'
                    ' "http_server": {"host": "0.0.0.0", "ssl": false}, [}\n')
    os.chmod(copy, 0o600)
    target = _report(deployment, tmp_path)
    assert target["level"] == "high", target["links"]
    above_info = sorted((f["rule"], f["file"]) for f in target["findings"] if f["severity"] != "info")
    assert above_info == [("EMS809", "high/etc/config.json.bak")]
    assert "high/etc/config.json.bak" in target["files"]


def test_a_cleartext_secret_in_a_copy_caps_its_link(tmp_path):
    deployment = _high(tmp_path)
    copy = deployment / "etc" / "config.lua~"
    copy.write_text('scripts.rap_userid = "ems-lsr-link"\nscripts.rap_password = "Kessel7!Halle"\n')
    os.chmod(copy, 0o644)
    target = _report(deployment, tmp_path)
    present = {k: v for k, v in target["links"].items() if v}
    assert present == {"platform": "high", "ems-rest": "medium", "lsr-rest": "high"}
    above_info = sorted((f["rule"], f["file"], f["line"]) for f in target["findings"] if f["severity"] != "info")
    assert above_info == [("EMS414", "high/etc/config.lua~", 2), ("EMS702", "high/etc/config.lua~", 1),
                          ("EMS809", "high/etc/config.lua~", 1)]


def test_copies_without_a_live_config_are_no_deployment(tmp_path):
    etc = tmp_path / "old" / "etc"
    etc.mkdir(parents=True)
    (etc / "config.json.bak").write_text('{"appKey": "2d4e9440-3e51-452f-a057-b70d8d1e2a4b"}\n')
    result = emslint("check", "old", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2 and "no EMS, LSR or Connector deployment found" in result.stderr


def test_a_copy_given_as_an_argument_stands_for_its_deployment(tmp_path):
    deployment = _high(tmp_path)
    copy = deployment / "etc" / "config.json.orig"
    copy.write_text('{"appKey": "2d4e9440-3e51-452f-a057-b70d8d1e2a4b"}\n')
    result = emslint("check", "high/etc/config.json.orig", "--format", "json", "--fail-on", "never", cwd=tmp_path)
    target = json.loads(result.stdout)["targets"][0]
    assert target["path"] == "high"
    assert ("EMS414", "high/etc/config.json.orig") in {(f["rule"], f["file"]) for f in target["findings"]}
