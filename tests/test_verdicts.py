"""A verdict of HIGH is a promise: never for what was not read, judged whole, and read the way the EMS reads it.

End to end through the command line (and the library API for the properties): unknown levels, exit codes and
their one-line reasons, levels that no filter can change, selectors that must name rules, foreign config.json
files, exclusions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emslint import lint

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NOW = "2026-06-01"
NO_CONNECTOR = {"connector-platform": None, "connector-edge": None, "connector-gas": None}


def emslint(*args: str, cwd: Path, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_WORKSPACE")}
    env["PYTHONPATH"] = str(ROOT)
    command = [*prefix, sys.executable, "-m", "emslint", *args]
    if args[0] == "check":
        command += ["--now", NOW]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)


# Root reads any file; without the two capabilities that let it, it is an ordinary user for file modes.
_WITHOUT_DAC_OVERRIDE = ("setpriv", "--inh-caps=-dac_override,-dac_read_search",
                         "--bounding-set=-dac_override,-dac_read_search")


def high_copy(tmp_path: Path, name: str = "gw") -> Path:
    """examples/high (HIGH with nothing above info) as a deployment of its own, modes as on a device."""
    target = tmp_path / name
    shutil.copytree(EXAMPLES / "high", target)
    for path in target.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return target


def report(result: subprocess.CompletedProcess) -> dict:
    return json.loads(result.stdout)


def test_the_copy_of_the_high_example_is_high(tmp_path: Path) -> None:
    """The base the cases below start from (if this fails, the other tests prove nothing)."""
    high_copy(tmp_path)
    result = emslint("check", "gw", "--format", "json", "--require-level", "high", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert report(result)["targets"][0]["level"] == "high"


# ---- never HIGH for what was not read ------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", "{\"ws_servers\": []}".encode("utf-16"), b"\xef\xbb\xbf{}", b"{,}"],
                         ids=["empty", "utf-16", "bom", "syntax-error"])
def test_a_config_json_the_ems_cannot_load_gives_no_level(tmp_path: Path, content: bytes) -> None:
    gw = high_copy(tmp_path)
    (gw / "etc" / "config.json").write_bytes(content)
    result = emslint("check", "gw", "--format", "json", "--require-level", "high", cwd=tmp_path)
    target = report(result)["targets"][0]
    assert target["links"] == {"platform": "unknown", "ems-rest": "unknown", "lsr-rest": "high", **NO_CONNECTOR}
    assert target["level"] == "unknown"
    assert result.returncode == 1
    reason = "emslint: failed: deployment gw is UNKNOWN, not the required HIGH: could not be judged (EMS0"
    assert reason in result.stderr


def test_the_text_report_says_unknown_and_why(tmp_path: Path) -> None:
    gw = high_copy(tmp_path)
    (gw / "etc" / "config.json").write_bytes(b"")
    out = emslint("check", "gw", "--no-color", cwd=tmp_path).stdout.splitlines()
    assert out[0] == "gw  level UNKNOWN (could not be judged: EMS003; at most HIGH)"
    assert out[1] == "  links: platform UNKNOWN  ems-rest UNKNOWN  lsr-rest HIGH"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_config_lua_the_user_cannot_read_gives_no_level(tmp_path: Path) -> None:
    """The issue's case: mode 000, linted by a user who cannot read it. As root, the capabilities that let root
    read any file are dropped for the run (util-linux setpriv)."""
    gw = high_copy(tmp_path)
    os.chmod(gw / "etc" / "config.lua", 0)
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop the capability to read any file")
        prefix = _WITHOUT_DAC_OVERRIDE
    elif os.access(gw / "etc" / "config.lua", os.R_OK):
        pytest.skip("this user reads mode-000 files")
    result = emslint("check", "gw", "--format", "json", cwd=tmp_path, prefix=prefix)
    target = report(result)["targets"][0]
    assert [f["message"] for f in target["findings"] if f["rule"] == "EMS001"] == [
        "the file cannot be read: permission denied; the EMS or LSR cannot load it and nothing in it was checked"]
    assert target["links"] == {"platform": "high", "ems-rest": "unknown", "lsr-rest": "unknown", **NO_CONNECTOR}
    assert target["level"] == "unknown"


def test_nothing_to_lint_is_an_error_never_a_pass(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    plain = emslint("check", "empty", cwd=tmp_path)
    assert plain.returncode == 2
    assert plain.stderr.strip().splitlines()[-1] == (
        "emslint: error: no EMS, LSR or Connector deployment found under empty")
    gated = emslint("check", "empty", "--require-level", "high", cwd=tmp_path)
    assert gated.returncode == 1
    assert "cannot be met" in gated.stderr


# ---- the level does not depend on what the user chose to see -------------------------------------------


def test_select_changes_what_is_shown_not_the_level(tmp_path: Path) -> None:
    low = emslint("check", str(EXAMPLES / "low"), "--format", "json", "--select", "EMS8", "--isolated",
                  cwd=tmp_path)
    target = report(low)["targets"][0]
    assert target["level"] == "low" and set(target["links"].values()) == {"low", None}
    assert {f["rule"][:4] for f in target["findings"]} == {"EMS8"}
    assert {f["suppressed"]["kind"] for f in target["suppressed"]} == {"not-selected"}
    text = emslint("check", str(EXAMPLES / "low"), "--select", "EMS8", "--no-color", "--isolated", cwd=tmp_path)
    assert any(line.startswith("  platform LOW, capped by EMS101 platform-encryption-none (hidden: not-selected)")
               for line in text.stdout.splitlines()), text.stdout


def test_a_comma_list_selects_like_repeated_flags(tmp_path: Path) -> None:
    comma = report(emslint("check", str(EXAMPLES / "low"), "--format", "json", "--select", "EMS4,EMS2",
                           "--isolated", cwd=tmp_path))
    repeated = report(emslint("check", str(EXAMPLES / "low"), "--format", "json", "--select", "EMS4",
                              "--select", "EMS2", "--isolated", cwd=tmp_path))
    rules = {f["rule"][:4] for f in comma["targets"][0]["findings"]}
    assert rules == {"EMS4", "EMS2"}
    assert comma == repeated


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--select", "nonsense"], "emslint: error: command line: --select: unknown rule selector 'nonsense'"),
        (["--ignore", "EMS9999"], "emslint: error: command line: --ignore: unknown rule selector 'EMS9999'"),
        (["--select", "platform-encryption-non"], "(did you mean 'platform-encryption-none'?)"),
        (["--ignore", "EMS512"], "emslint: error: command line: --ignore: rule EMS512 (fips-drops-suites) was "
                                 "retired in emslint 0.2.0: in FIPS mode the C SDK replaces"),
        (["--select", "fips-no-suite-left"], "rule EMS513 (fips-no-suite-left) was retired in emslint 0.2.0"),
    ],
)
def test_a_selector_that_names_no_rule_is_a_usage_error(tmp_path: Path, flags: list[str], message: str) -> None:
    high_copy(tmp_path)
    result = emslint("check", "gw", *flags, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_retired_rule_is_explained_not_unknown(tmp_path: Path) -> None:
    result = emslint("rule", "ems513", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("emslint: error: rule EMS513 (fips-no-suite-left) was retired in emslint 0.2.0: ")
    assert result.stderr.rstrip().endswith("; see EMS515")


def test_a_bad_selector_in_a_settings_file_names_its_line(tmp_path: Path) -> None:
    high_copy(tmp_path)
    (tmp_path / ".emslint.toml").write_text('fail_on = "high"\nselect = ["nonsense"]\n')
    result = emslint("check", "gw", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "emslint: error: .emslint.toml:2: unknown rule selector 'nonsense'\n"


_SELECTORS = st.sampled_from(["EMS1", "EMS2", "EMS3", "EMS4", "EMS5", "EMS6", "EMS7", "EMS8", "EMS101", "secrets",
                              "transport", "certificates", "ciphers", "platform-self-signed-allowed", "EMS0"])
_ENCRYPTION = st.sampled_from(["ssl", "none", None])
_BOOL = st.sampled_from([True, False, "true", None])


@st.composite
def deployments(draw: st.DrawFn) -> tuple[dict, str]:
    ems: dict = {"ws_servers": [{"host": draw(st.sampled_from(["twx.example.com", "10.0.0.5"])), "port": 443}]}
    for group, key, values in (("ws_connection", "encryption", _ENCRYPTION),
                               ("certificates", "validate", _BOOL),
                               ("certificates", "allow_self_signed", _BOOL),
                               ("http_server", "ssl", _BOOL),
                               ("http_server", "authenticate", _BOOL),
                               ("http_server", "host", st.sampled_from(["localhost", "0.0.0.0", None]))):
        value = draw(values)
        if value is not None:
            ems.setdefault(group, {})[key] = value
    lua = "\n".join(f"scripts.{k} = {v}" for k, v in draw(st.dictionaries(
        st.sampled_from(["rap_ssl", "rap_validate", "script_resource_ssl", "script_resource_authenticate"]),
        st.sampled_from(["true", "false", '"true"']), max_size=4)).items())
    return ems, lua


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deployment=deployments(), select=st.lists(_SELECTORS, max_size=3), ignore=st.lists(_SELECTORS, max_size=3))
def test_for_any_selection_the_levels_are_the_same(tmp_path_factory: pytest.TempPathFactory,
                                                   deployment: tuple[dict, str], select: list[str],
                                                   ignore: list[str]) -> None:
    root = tmp_path_factory.mktemp("sel")
    etc = root / "gw" / "etc"
    etc.mkdir(parents=True)
    ems, lua = deployment
    (etc / "config.json").write_text(json.dumps(ems))
    (etc / "config.lua").write_text(lua + "\n")
    plain = lint([root], isolated=True).targets[0]
    chosen = lint([root], isolated=True, select=select or None, ignore=ignore).targets[0]
    assert chosen.verdict == plain.verdict
    assert chosen.links == plain.links
    assert sorted(f.rule for f in chosen.all_findings()) == sorted(f.rule for f in plain.all_findings())


# ---- one config.json in a monorepo is not an EMS; exclusions ----------------------------------------------


def test_a_config_json_of_another_program_is_one_info_note_and_no_deployment(tmp_path: Path) -> None:
    high_copy(tmp_path, "edge")
    (tmp_path / "frontend").mkdir()
    (tmp_path / "frontend" / "config.json").write_text('{"apiUrl": "http://localhost:3000", "debug": true}\n')
    result = emslint("check", ".", "--format", "json", cwd=tmp_path)
    by_path = {t["path"]: t for t in report(result)["targets"]}
    frontend = by_path["frontend"]
    assert frontend["kind"] == "not-ems" and frontend["level"] is None
    assert [(f["rule"], f["severity"]) for f in frontend["findings"]] == [("EMS016", "info")]
    assert report(result)["summary"]["deployments"] == 1
    assert result.returncode == 0, result.stderr


def test_only_foreign_config_files_is_nothing_to_lint(tmp_path: Path) -> None:
    (tmp_path / "frontend").mkdir()
    (tmp_path / "frontend" / "config.json").write_text('{"apiUrl": "http://localhost:3000"}\n')
    result = emslint("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "no EMS, LSR or Connector deployment found under . (1 config.json of another program)" in result.stderr


def test_exclude_and_extend_exclude(tmp_path: Path) -> None:
    high_copy(tmp_path, "site/gw1")
    high_copy(tmp_path, "site/gw2")
    high_copy(tmp_path, "vendor/gw3")

    def paths(*flags: str) -> list[str]:
        return [t["path"] for t in report(emslint("check", ".", "--format", "json", *flags, cwd=tmp_path))["targets"]]

    assert paths() == ["site/gw1", "site/gw2", "vendor/gw3"]
    assert paths("--extend-exclude", "vendor") == ["site/gw1", "site/gw2"]
    assert paths("--extend-exclude", "site/gw2,vendor/*") == ["site/gw1"]
    (tmp_path / ".emslint.toml").write_text('extend-exclude = ["gw1"]\n')
    assert paths() == ["site/gw2", "vendor/gw3"]


# ---- say why it failed -----------------------------------------------------------------------------------


def test_require_level_says_which_deployment_and_why(tmp_path: Path) -> None:
    result = emslint("check", str(EXAMPLES / "medium"), "--require-level", "high", "--fail-on", "never",
                     cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith(f"emslint: failed: deployment {EXAMPLES / 'medium'} is MEDIUM, below the required "
                                "HIGH: capped by EMS")


def test_a_report_written_to_a_file_still_says_why_the_run_failed(tmp_path: Path) -> None:
    result = emslint("check", str(EXAMPLES / "low"), "--format", "sarif", "--output", "emslint.sarif",
                     cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("emslint: failed: ") and "at or above low" in result.stderr
    assert json.loads((tmp_path / "emslint.sarif").read_text())["runs"][0]["results"]
