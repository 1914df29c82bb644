"""The bar of the configuration half of "Fidelity wave 2": PTC's High deployment, as a started EMS 5.4.8+ leaves it
(secrets encrypted in place, dp.dat, config.json.booted, Lua code, transfer folders), passes with nothing above
info on the device and in a repository; each thing an attacker could use on it is reported and leaves it below
HIGH."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from tests.test_cli import emslint

ROOT = Path(__file__).resolve().parent.parent


def _encrypted(index: int) -> str:
    """What EMS 5.4.8+ might write in place of a secret (the format is undocumented: high-entropy text)."""
    return base64.b64encode(hashlib.sha256(f"secret {index}".encode()).digest()).decode()


def _started_high(tmp_path: Path) -> Path:
    """examples/high as EMS 5.4.10 leaves it after its first start, at the modes of a real install."""
    deployment = tmp_path / "repo" / "gw"
    shutil.copytree(ROOT / "examples" / "high", deployment, ignore=shutil.ignore_patterns("README.md"))
    etc = deployment / "etc"
    count = iter(range(100))
    for name in ("config.json", "config.lua"):
        text = (etc / name).read_text()
        (etc / name).write_text(re.sub(r"AES:[A-Za-z0-9+/=]+", lambda _: _encrypted(next(count)), text))
    shutil.copy(etc / "config.json", etc / "config.json.booted")
    (etc / "dp.dat").write_bytes(os.urandom(32))
    (etc / "thingworx" / "lua").mkdir(parents=True)
    (etc / "thingworx" / "lua" / "thing.lua").write_text("-- the shipped framework (never run by emslint)\n")
    (etc / "custom" / "templates").mkdir(parents=True)
    (etc / "custom" / "templates" / "gateway.lua").write_text("-- a template (never run by emslint)\n")
    for path in deployment.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    for public in (etc / "thingworx", etc / "thingworx" / "lua", etc / "custom", etc / "custom" / "templates"):
        os.chmod(public, 0o755)  # code may be world-readable, never writable by others
    for code in (etc / "thingworx" / "lua" / "thing.lua", etc / "custom" / "templates" / "gateway.lua",
                 etc / "certs" / "demo-ca.pem"):
        os.chmod(code, 0o644)
    return deployment


def _check(cwd: Path, *args: str) -> dict:
    result = emslint("check", "gw", "--format", "json", "--ems-version", "5.4.10", "--fail-on", "never", *args,
                     cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _above_info(report: dict) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["file"]) for f in report["targets"][0]["findings"] if f["severity"] != "info")


def test_a_started_high_deployment_on_the_device_passes(tmp_path):
    deployment = _started_high(tmp_path)
    report = _check(deployment.parent)
    assert _above_info(report) == []
    assert report["targets"][0]["level"] == "high"
    assert ("EMS411", "gw/etc/config.json") in {(f["rule"], f["file"]) for f in report["targets"][0]["findings"]}


def test_the_same_deployment_committed_to_git_passes(tmp_path):
    deployment = _started_high(tmp_path)
    (deployment.parent / ".git").mkdir()
    (deployment / "etc" / "dp.dat").unlink()  # .gitignore'd, as EMS707 asks
    for path in deployment.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)  # what git checks out
    report = _check(deployment.parent)
    assert _above_info(report) == []
    assert report["targets"][0]["level"] == "high"
    assert len([n for n in report["notices"] if n.startswith("file modes not checked")]) == 1


def test_what_an_attacker_could_use_is_never_high(tmp_path):
    deployment = _started_high(tmp_path)
    etc = deployment / "etc"
    os.chmod(etc / "certs" / "demo-ca.pem", 0o666)  # trust-store poisoning
    os.chmod(etc / "custom" / "templates" / "gateway.lua", 0o664)  # code execution as the LSR
    (etc / "config.lua.bak").write_text('scripts.rap_password = "Kessel7!Halle"\n')  # a forgotten copy
    os.chmod(etc / "config.lua.bak", 0o600)
    report = _check(deployment.parent)
    target = report["targets"][0]
    assert {rule for rule, _ in _above_info(report)} == {"EMS708", "EMS709", "EMS414", "EMS809"}
    present = {k: v for k, v in target["links"].items() if v}
    assert present == {"platform": "medium", "ems-rest": "medium", "lsr-rest": "medium"}


def test_a_committed_dp_dat_or_plain_key_is_a_leak(tmp_path):
    deployment = _started_high(tmp_path)
    (deployment.parent / ".git").mkdir()
    report = _check(deployment.parent)
    assert _above_info(report) == [("EMS707", "gw/etc/config.json")]
    assert report["targets"][0]["level"] == "medium"
