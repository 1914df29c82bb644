"""Each deployment's report names the OpenSSL model its cipher lists were read with, and why (issue #12): the model
comes from the settings nearest that deployment, so one run may mix models. Text: a line under the deployment's
``links:`` line; JSON and JSON Lines: the target's ``openssl`` (and the run's only when every deployment shares
one model); SARIF: the run's ``openssl`` lists each model with its deployments; HTML: a line per deployment.
A connector has no OpenSSL model of the EMS: nothing is said about it."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from tests.hardening import ROOT, run_cli

REASON_102 = ("EMS 5.4.10: PTC ships OpenSSL 1.0.2 up to EMS 5.4.10 (not confirmed for every release: one C SDK note "
              'mentions OpenSSL 1.1.1j; override with openssl = "1.1.1")')
REASON_31 = "EMS 5.5.0: C SDK 3.1.0 with OpenSSL 3.1.2 (PTC release notes of 5.5.0 and later)"
LINE_102 = f"cipher lists read as OpenSSL 1.0.2q: {REASON_102}"
LINE_31 = f"cipher lists read as OpenSSL 3.1.2: {REASON_31}"
MODEL_102 = {"model": "1.0.2", "release": "1.0.2q", "reason": REASON_102, "assumed": False, "fips_supported": True,
             "tls13": False}
MODEL_31 = {"model": "3.1", "release": "3.1.2", "reason": REASON_31, "assumed": False, "fips_supported": False,
            "tls13": True}
SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """fleet2/a: EMS 5.4.10, fleet2/b: EMS 5.5.0 (each a copy of examples/high with a weak cipher_suite), and
    fleet2/c: an eMessage Connector."""
    root = tmp_path_factory.mktemp("fleet")
    for name, version in (("a", "5.4.10"), ("b", "5.5.0")):
        folder = root / "fleet2" / name
        shutil.copytree(ROOT / "examples" / "high", folder)
        config = folder / "etc" / "config.json"
        text = config.read_text()
        start = text.index('"cipher_suite": "') + len('"cipher_suite": "')
        config.write_text(text[:start] + "ALL:RC4-SHA:DES-CBC3-SHA" + text[text.index('"', start):])
        (folder / ".emslint.toml").write_text(f'ems_version = "{version}"\n')
    shutil.copytree(ROOT / "examples" / "emessage" / "high" / "conf", root / "fleet2" / "c")
    return root


def _check(fleet: Path, *args: str) -> str:
    return run_cli(["check", "fleet2", "--exit-zero", "--no-color", *args], cwd=fleet).out


def test_text_names_each_deployments_model_under_its_links(fleet: Path) -> None:
    lines = _check(fleet).splitlines()
    heads = {line.split()[0]: index for index, line in enumerate(lines) if line.startswith("fleet2/")}
    for target, model_line in (("fleet2/a", LINE_102), ("fleet2/b", LINE_31)):
        assert lines[heads[target] + 1].startswith("  links: platform ")
        assert lines[heads[target] + 2] == f"  {model_line}"
    assert lines[heads["fleet2/c/emessage.conf"] + 1].startswith("  links: connector-platform ")
    assert sum("cipher lists read as" in line for line in lines) == 2  # no run note besides, none for the connector


def test_concise_notes_every_model_of_the_run(fleet: Path) -> None:
    notes = [line for line in _check(fleet, "--format", "concise").splitlines() if line.startswith("note: ")]
    assert notes == [f"note: {LINE_102}", f"note: {LINE_31}"]


def test_json_targets_carry_their_model(fleet: Path) -> None:
    report = json.loads(_check(fleet, "--format", "json"))
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert {t["path"]: t["openssl"] for t in report["targets"]} == {
        "fleet2/a": MODEL_102, "fleet2/b": MODEL_31, "fleet2/c/emessage.conf": None}
    assert "openssl" not in report  # the run has no one model
    assert not any("cipher lists read as" in notice for notice in report["notices"])


def test_jsonl_lines_carry_their_model(fleet: Path) -> None:
    lines = [json.loads(line) for line in _check(fleet, "--format", "jsonl").splitlines()]
    assert [line["openssl"] for line in lines] == [MODEL_102, MODEL_31, None]


def test_sarif_lists_each_model_with_its_deployments(fleet: Path) -> None:
    sarif = json.loads(_check(fleet, "--format", "sarif"))
    assert sarif["runs"][0]["properties"]["openssl"] == [
        {**MODEL_102, "line": LINE_102, "deployments": ["fleet2/a"]},
        {**MODEL_31, "line": LINE_31, "deployments": ["fleet2/b"]},
    ]
    assert not any("cipher lists read as" in n["message"]["text"]
                   for n in sarif["runs"][0]["invocations"][0].get("toolExecutionNotifications", []))


def test_html_names_each_deployments_model(fleet: Path) -> None:
    page = _check(fleet, "--format", "html")
    for line in (LINE_102, LINE_31):
        assert page.count(f'<p class="notice openssl-model">{html.escape(line)}</p>') == 1
    assert page.count("cipher lists read as") == 2


@pytest.mark.parametrize(("args", "model", "assumed"),
                         [((), "1.0.2", True), (("--ems-version", "5.5.0"), "3.1", False)])
def test_one_model_for_the_whole_run_is_also_the_runs(args: tuple[str, ...], model: str, assumed: bool) -> None:
    report = json.loads(run_cli(["check", "--format", "json", *args, "examples/medium"], cwd=ROOT).out)
    [target] = report["targets"]
    assert target["openssl"]["model"] == model and target["openssl"]["assumed"] is assumed
    assert report["openssl"] == {**target["openssl"], "line": report["openssl"]["line"]}
    assert report["openssl"]["line"].startswith(f"cipher lists read as OpenSSL {target['openssl']['release']}: ")
    sarif = json.loads(run_cli(["check", "--format", "sarif", *args, "examples/medium"], cwd=ROOT).out)
    assert sarif["runs"][0]["properties"]["openssl"] == [{**report["openssl"], "deployments": ["examples/medium"]}]


def test_a_connector_run_names_no_model() -> None:
    report = json.loads(run_cli(["check", "--format", "json", "examples/emessage/high"], cwd=ROOT).out)
    assert report["targets"][0]["openssl"] is None and "openssl" not in report
    text = run_cli(["check", "--no-color", "examples/emessage/high"], cwd=ROOT).out
    sarif = json.loads(run_cli(["check", "--format", "sarif", "examples/emessage/high"], cwd=ROOT).out)
    assert "cipher lists read as" not in text and "properties" not in sarif["runs"][0]
