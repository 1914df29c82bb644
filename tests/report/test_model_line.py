"""The OpenSSL model cipher lists were read with is named in the JSON report, the SARIF run and the HTML page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hardening import ROOT, run_cli

LINE_5_5 = ("cipher lists read as OpenSSL 3.1.2: EMS 5.5.0: C SDK 3.1.0 with OpenSSL 3.1.2 "
            "(PTC release notes of 5.5.0 and later)")


@pytest.mark.parametrize(("args", "model", "assumed"),
                         [((), "1.0.2", True), (("--ems-version", "5.5.0"), "3.1", False)])
def test_json_and_sarif_name_the_model(args: tuple[str, ...], model: str, assumed: bool) -> None:
    report = json.loads(run_cli(["check", "--format", "json", *args, "examples/medium"], cwd=ROOT).out)
    assert report["openssl"]["model"] == model and report["openssl"]["assumed"] is assumed
    assert report["openssl"]["line"] in report["notices"]
    sarif = json.loads(run_cli(["check", "--format", "sarif", *args, "examples/medium"], cwd=ROOT).out)
    assert sarif["runs"][0]["properties"]["openssl"] == report["openssl"]


def test_html_names_the_model(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    run_cli(["check", "--format", "html", "--ems-version", "5.5.0", "--output", str(out), "examples/medium"], cwd=ROOT)
    page = out.read_text(encoding="utf-8")
    assert f'<p class="notice" id="openssl-model">{LINE_5_5}</p>' in page
    assert page.count("cipher lists read as") == 1
