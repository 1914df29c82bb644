"""The bundled examples come out at their levels, and PTC's High example is clean (nothing above info, exit 0)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from emslint.model import CONNECTOR_LINKS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _emslint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "emslint.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_each_example_reports_its_level():
    result = _emslint("check", "examples/", "--format", "json")
    assert result.returncode == 1, result.stderr  # low and medium fail the run
    report = json.loads(result.stdout)
    levels = {t["path"]: (t["level"], {k: v for k, v in t["links"].items() if v is not None})
              for t in report["targets"]}
    assert levels == {
        "examples/low": ("low", {"platform": "low", "ems-rest": "low", "lsr-rest": "low"}),
        "examples/medium": ("medium", {"platform": "medium", "ems-rest": "medium", "lsr-rest": "medium"}),
        "examples/high": ("high", {"platform": "high", "ems-rest": "high", "lsr-rest": "high"}),
        **{f"examples/emessage/{level}/conf/emessage.conf": (level, dict.fromkeys(CONNECTOR_LINKS, level))
           for level in ("low", "medium", "high")},
    }
    for target in report["targets"]:  # every link is in every report: the other product's are absent
        assert list(target["links"]) == ["platform", "ems-rest", "lsr-rest", *CONNECTOR_LINKS]


def test_connector_example_findings_decide_its_links():
    report = json.loads(_emslint("check", "examples/emessage", "--format", "json").stdout)
    capped = {t["path"].split("/")[2]: {link: v["capped_by"] for link, v in t["verdicts"].items()
                                         if link in CONNECTOR_LINKS} for t in report["targets"]}
    assert capped["low"] == {"connector-platform": ["EMC101", "EMC406"], "connector-edge": ["EMC301"],
                             "connector-gas": ["EMC201"]}
    assert capped["medium"] == {"connector-platform": ["EMC402"], "connector-edge": ["EMC402"],
                                "connector-gas": ["EMC202"]}
    assert capped["high"] == {link: [] for link in CONNECTOR_LINKS}


def test_high_connector_example_with_private_modes_is_clean(tmp_path):
    deployment = tmp_path / "connector"
    shutil.copytree(EXAMPLES / "emessage" / "high", deployment)
    for path in deployment.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    result = _emslint("check", str(deployment), "--format", "json", "--require-level", "high", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    (target,) = json.loads(result.stdout)["targets"]
    assert target["level"] == "high" and target["findings"] == []


def test_high_example_is_clean_and_exits_zero():
    result = _emslint("check", "examples/high", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    findings = json.loads(result.stdout)["targets"][0]["findings"]
    assert findings and {f["severity"] for f in findings} == {"info"}


def test_high_example_with_private_modes_needs_no_ignores(tmp_path):
    """The same deployment with the modes a real install has (0600), without the examples' settings file."""
    deployment = tmp_path / "high"
    shutil.copytree(EXAMPLES / "high", deployment)
    for path in deployment.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    result = _emslint("check", str(deployment), "--format", "json", "--require-level", "high", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    target = json.loads(result.stdout)["targets"][0]
    assert target["level"] == "high"
    assert {f["severity"] for f in target["findings"]} <= {"info"}


@pytest.mark.parametrize("name", ["low", "medium", "emessage/low", "emessage/medium"])
def test_require_level_high_fails_below_high(name):
    result = _emslint("check", f"examples/{name}", "--require-level", "high", "--fail-on", "never")
    assert result.returncode == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="make_demo_pki.py needs the openssl command")
def test_the_demo_pki_script_regenerates_a_clean_high_example(tmp_path):
    """examples/make_demo_pki.py is the way to remake the demo keys (stock `openssl genpkey` defaults): on a copy
    of examples/, new keys, certificates and pins still come out HIGH with nothing above info."""
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    old = (copy / "high/etc/certs/demo-ems.pem").read_bytes()
    done = subprocess.run([sys.executable, str(copy / "make_demo_pki.py")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (copy / "high/etc/certs/demo-ems.pem").read_bytes() != old
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in (copy / "high/etc/certs/demo-ems.key").read_bytes()
    # the copy is in no git work tree: its modes are checked as a device's, so they are set as on one
    for path in (copy / "high").rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    result = _emslint("check", str(copy / "high"), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    target = json.loads(result.stdout)["targets"][0]
    assert target["level"] == "high"
    assert {f["severity"] for f in target["findings"]} == {"info"}
    assert "EMS626" not in {f["rule"] for f in target["findings"]}  # the pins were rewritten to the new certificates
