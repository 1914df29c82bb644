"""``emslint check --fix | --unsafe-fixes | --diff | --show-fixes`` end to end: what is written, what is not,
exit codes, and the fixes and the path to HIGH in the text, JSON and SARIF reports."""

from __future__ import annotations

import io
import json
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import jsonschema
import pytest

from emslint.cli import run

ROOT = Path(__file__).resolve().parents[2]
GUID = "3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d"
CONFIG_JSON = f"""{{
  "ws_servers": [{{"host": "twx.example.com", "port": 443}}],
  "appKey": "{GUID}",
  "logger": {{"level": "DEBUG"}},
  "certificates": {{"validate": true, "validate": true}}
}}
"""
CONFIG_LUA = """-- gateway 7
scripts.rap_host = "localhost"
scripts.rap_password = "hunter2\\\\x"
scripts.log_publish_directory = "C:\\Temp\\lsr" -- on the Windows box
"""


@pytest.fixture
def deployment(tmp_path: Path) -> Path:
    folder = tmp_path / "gw"
    (folder / "etc").mkdir(parents=True)
    (folder / "etc" / "config.json").write_text(CONFIG_JSON)
    (folder / "etc" / "config.lua").write_text(CONFIG_LUA)
    for name in ("config.json", "config.lua"):
        os.chmod(folder / "etc" / name, 0o640)
    return folder


def _run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = run(["check", *args, "--no-color", "--context", "device"])
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def _state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {p.name: (p.read_bytes(), os.stat(p).st_mode, os.stat(p).st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_diff_writes_nothing_and_exits_1(deployment):
    before = _state(deployment)
    code, out, err = _run(["gw", "--diff", "--unsafe-fixes"], deployment.parent)
    assert code == 1, err
    assert _state(deployment) == before  # bytes, mode and mtime
    assert "-scripts.log_publish_directory = \"C:\\Temp\\lsr\" -- ***" in out
    assert "+scripts.log_publish_directory = \"C:\\\\Temp\\\\lsr\" -- ***" in out
    assert "old mode 100640" in out and "new mode 100600" in out
    assert GUID not in out and "hunter2" not in out
    assert "would be applied" in err


def test_diff_with_nothing_to_fix_exits_0(tmp_path):
    folder = tmp_path / "gw" / "etc"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"ws_servers": [{"host": "twx.example.com", "port": 443}]}\n')
    os.chmod(folder / "config.json", 0o600)
    code, out, err = _run(["gw", "--diff"], tmp_path)
    assert (code, out) == (0, ""), err
    assert "no fixes available" in err


def test_fix_writes_the_safe_fixes_keeps_the_rest_and_a_second_run_changes_nothing(deployment):
    code, out, err = _run(["gw", "--fix"], deployment.parent)
    assert code == 1, err  # findings remain (the cleartext appKey, ...)
    text = (deployment / "etc" / "config.json").read_text()
    assert text == CONFIG_JSON.replace(',\n  "certificates": {"validate": true, "validate": true}',
                                       ',\n  "certificates": {"validate": true}')
    lua = (deployment / "etc" / "config.lua").read_text()
    assert lua == CONFIG_LUA.replace("C:\\Temp\\lsr", "C:\\\\Temp\\\\lsr")
    assert os.stat(deployment / "etc" / "config.json").st_mode & 0o777 == 0o600
    assert "fix(es) applied to" in err
    assert "EMS005" not in out and "EMS006" not in out and "EMS702" not in out  # the report is of the fixed files
    leftovers = [p.name for p in (deployment / "etc").iterdir() if p.name.startswith(".")]
    assert not leftovers  # no temporary file left behind
    again = _state(deployment)
    code, _, err = _run(["gw", "--fix"], deployment.parent)
    assert _state(deployment) == again
    assert "no fixes applied" in err


def test_unsafe_fixes_need_the_flag(deployment):
    _run(["gw", "--fix"], deployment.parent)
    assert '"level": "DEBUG"' in (deployment / "etc" / "config.json").read_text()
    _run(["gw", "--fix", "--unsafe-fixes"], deployment.parent)
    assert '"level": "WARN"' in (deployment / "etc" / "config.json").read_text()


def test_show_fixes_marks_findings_and_counts_them(deployment):
    _code, out, _ = _run(["gw", "--show-fixes"], deployment.parent)
    assert "EMS005 json-duplicate-key" in out and "(fixable)" in out
    assert "fix (safe): remove the repeated certificates.validate" in out
    assert "(fixable, unsafe)" in out and "fix (unsafe): set logger.level to \"WARN\"" in out
    assert out.rstrip().splitlines()[-1].endswith("fixable with --fix (1 more with --fix --unsafe-fixes)")


def test_without_show_fixes_only_a_hint(deployment):
    _, out, _ = _run(["gw"], deployment.parent)
    assert "(fixable" not in out and "may be fixable (--show-fixes)" in out


def test_json_report_has_fixes_and_the_path_to_high_and_validates(deployment):
    _code, out, _ = _run(["gw", "--show-fixes", "--format", "json"], deployment.parent)
    report = json.loads(out)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    findings = {f["rule"]: f for f in report["targets"][0]["findings"]}
    fix = findings["EMS005"]["fix"]
    assert fix["applicability"] == "safe" and fix["edits"][0]["kind"] == "replace"
    edit = fix["edits"][0]
    data = (deployment / "etc" / "config.json").read_bytes()
    assert edit["content"] == "" and b"validate" in data[edit["start"]:edit["end"]]
    assert findings["EMS402"]["fix"] is None
    assert report["summary"]["fixable"] == {"safe": 4, "unsafe": 1}  # EMS005, EMS006, EMS702 twice; EMS801
    steps = {s["link"]: s for s in report["targets"][0]["path_to_high"]}
    assert steps["platform"]["state"] in ("low", "medium")
    assert all(need["findings"] for s in steps.values() for need in s["needs"])


def test_json_report_without_fixes_says_they_were_not_worked_out(deployment):
    report = json.loads(_run(["gw", "--format", "json"], deployment.parent)[1])
    assert report["summary"]["fixable"] is None
    assert all(f["fix"] is None for f in report["targets"][0]["findings"])


def test_json_report_after_fix_counts_what_was_fixed(deployment):
    report = json.loads(_run(["gw", "--fix", "--format", "json"], deployment.parent)[1])
    assert report["fixed"] == {"fixes": 4, "files": 2}


def test_sarif_fixes_validate_and_replace_what_the_json_says(deployment):
    _code, out, _ = _run(["gw", "--show-fixes", "--format", "sarif"], deployment.parent)
    log = json.loads(out)
    schema = json.loads((ROOT / "emslint" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    change = results["EMS006"]["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "gw/etc/config.lua"
    assert [r["insertedContent"]["text"] for r in change["replacements"]] == ["\\", "\\"]
    assert change["replacements"][0]["deletedRegion"] == {"startLine": 4, "startColumn": 36, "endLine": 4,
                                                          "endColumn": 36}
    assert "fixes" not in results["EMS702"]  # a mode change has no SARIF form


def test_path_to_high_in_text(deployment):
    _, out, _ = _run(["gw", "--show-fixes", "--select", "EMS0"], deployment.parent)
    lines = [line for line in out.splitlines() if line.startswith("  platform ")]
    assert lines and "capped by" in lines[0]


def test_fix_refuses_a_symlinked_config(tmp_path):
    folder = tmp_path / "gw" / "etc"
    folder.mkdir(parents=True)
    real = tmp_path / "gw" / "config-real.json"
    real.write_text(CONFIG_JSON)
    (folder / "config.json").symlink_to(real)
    before = real.read_bytes()
    _code, out, _err = _run(["gw", "--fix", "--show-fixes"], tmp_path)
    assert real.read_bytes() == before and (folder / "config.json").is_symlink()
    assert "EMS005" in out and "(fixable)" not in out.split("EMS005", 1)[1].splitlines()[0]


def test_an_io_error_leaves_the_file_and_exits_2(deployment):
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder")
    etc = deployment / "etc"
    original = (etc / "config.json").read_bytes()
    os.chmod(etc, 0o500)
    try:
        code, _, _err = _run(["gw", "--fix"], deployment.parent)
    finally:
        os.chmod(etc, 0o700)
    assert (etc / "config.json").read_bytes() == original
    assert code == 0 or code == 1  # a folder it cannot write in: no fix was offered at all


def test_a_write_error_exits_2_and_leaves_the_original(deployment, monkeypatch):
    import emslint.fixes.apply as apply

    original = (deployment / "etc" / "config.json").read_bytes()

    def failing_replace(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(apply.os, "replace", failing_replace)
    code, _, err = _run(["gw", "--fix"], deployment.parent)
    assert code == 2
    assert "No space left on device" in err and "not fixed" in err
    assert (deployment / "etc" / "config.json").read_bytes() == original
    assert not [p for p in (deployment / "etc").iterdir() if p.name.startswith(".")]


def test_a_file_changed_after_it_was_read_is_not_written(deployment, monkeypatch):
    import emslint.fixes.runner as runner

    real_write = runner.write_change

    def meddle(change):
        Path(change.path).write_text(Path(change.path).read_text() + " ")
        return real_write(change)

    monkeypatch.setattr(runner, "write_change", meddle)
    code, _, err = _run(["gw", "--fix"], deployment.parent)
    assert code == 2 and "changed since it was read" in err


def test_owner_and_mode_are_kept(deployment):
    path = deployment / "etc" / "config.lua"
    os.chmod(path, 0o600)
    st = os.stat(path)
    _run(["gw", "--fix"], deployment.parent)
    after = os.stat(path)
    assert (after.st_uid, after.st_gid, after.st_mode) == (st.st_uid, st.st_gid, st.st_mode)
    assert after.st_ino != st.st_ino  # replaced, not rewritten in place


def test_examples_low_fixes_and_lifts_a_link(tmp_path):
    shutil.copytree(ROOT / "examples" / "low", tmp_path / "low")
    _code, out, _ = _run(["low", "--fix", "--unsafe-fixes", "--show-fixes"], tmp_path)
    assert "EMS203" not in out  # http_server.host now where the LSR calls
