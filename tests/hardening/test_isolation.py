"""An internal error in one target does not stop the others.

An inspector (or a reader) is made to raise for one deployment of three: the other two are reported in full,
the broken one gets the EMS900 analysis-incomplete finding and ``analysed: false``, the exit code is 2 in
every format, and SARIF says ``executionSuccessful: false`` with an error notification.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hardening import ROOT, run_cli, write_deployment

EXAMPLES = ROOT / "examples"


def _fleet(root: Path, count: int = 3) -> list[str]:
    names = []
    for i in range(count):
        name = "broken" if i == 1 else f"gw{i}"
        write_deployment(
            root / name,
            ems=(EXAMPLES / "low" / "etc" / "config.json").read_text(),
            lsr=(EXAMPLES / "low" / "etc" / "config.lua").read_text(),
        )
        names.append(name)
    return names


def _break_inspector(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import emslint.inspect.permissions as permissions

    real = permissions.mode_facts

    def mode_facts(path, **kwargs):
        if "broken" in Path(path).parts:
            raise KeyError("an inspector bug")
        return real(path, **kwargs)

    # every module that imported the inspector by name: the facts builder, key material, writable folders ...
    for name, module in list(sys.modules.items()):
        if name.startswith("emslint") and getattr(module, "mode_facts", None) is real:
            monkeypatch.setattr(module, "mode_facts", mode_facts)


def _break_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    import emslint.read.configs as lua_reader  # the read stage's reference to the Lua reader

    real = lua_reader.read_lua

    def read_lua(text: str, **kwargs):
        if "BREAK" in text:
            raise RecursionError("a reader bug")
        return real(text, **kwargs)

    monkeypatch.setattr(lua_reader, "read_lua", read_lua)


@pytest.fixture(params=["inspector", "reader"])
def fleet(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "fleet"
    _fleet(root)
    if request.param == "inspector":
        _break_inspector(monkeypatch)
    else:
        lua = root / "broken" / "etc" / "config.lua"
        lua.write_text(lua.read_text() + "\n-- BREAK\n")
        _break_reader(monkeypatch)
    return root


def _check(root: Path, fmt: str, *extra: str):
    return run_cli(["check", "--no-progress", "-j", "1", "--format", fmt, *extra, "."], cwd=root)


def test_json_reports_every_target_and_marks_the_broken_one(fleet: Path) -> None:
    run = _check(fleet, "json")
    assert run.code == 2
    report = json.loads(run.out)
    by_path = {t["path"]: t for t in report["targets"]}
    assert set(by_path) == {"gw0", "broken", "gw2"}
    assert report["summary"]["not_analysed"] == 1
    assert by_path["broken"]["analysed"] is False
    assert [f["rule"] for f in by_path["broken"]["findings"]].count("EMS900") == 1
    for name in ("gw0", "gw2"):
        target = by_path[name]
        assert target["analysed"] is True
        assert "EMS900" not in {f["rule"] for f in target["findings"]}
        assert {"EMS101", "EMS402", "EMS202"} <= {f["rule"] for f in target["findings"]}  # fully analysed
    assert "Traceback" not in run.err and "bug" not in run.both  # the exception text is never shown


def test_sarif_says_the_run_did_not_succeed(fleet: Path) -> None:
    run = _check(fleet, "sarif")
    assert run.code == 2
    invocation = json.loads(run.out)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert any(n["level"] == "error" and "broken" in n["message"]["text"] for n in notes), notes
    results = json.loads(run.out)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].split("/")[0] for r in results}
    assert {"gw0", "gw2", "broken"} <= uris


@pytest.mark.parametrize("fmt", ["text", "github", "jsonl"])
def test_other_formats_exit_2_and_say_so(fleet: Path, fmt: str) -> None:
    run = _check(fleet, fmt, "--no-color") if fmt == "text" else _check(fleet, fmt)
    assert run.code == 2
    if fmt == "text":
        assert "broken  level" in run.out and "(analysis incomplete)" in run.out
        assert "gw0  level" in run.out and "gw2  level" in run.out
    elif fmt == "github":
        errors = [line for line in run.out.splitlines() if line.startswith("::error") and "broken" in line]
        assert errors and all("broken: broken:" not in line for line in errors), errors
    else:
        lines = [json.loads(line) for line in run.out.splitlines()]
        assert [line["path"] for line in lines] == ["broken", "gw0", "gw2"]
        assert [line["analysed"] for line in lines] == [False, True, True]


def test_exit_zero_does_not_hide_an_incomplete_analysis(fleet: Path) -> None:
    assert _check(fleet, "json", "--exit-zero").code == 2


def test_parallel_workers_isolate_the_broken_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With worker processes (forked: the patch is inherited) the result is the same."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs the fork start method to inherit the patched inspector")
    root = tmp_path / "fleet"
    _fleet(root, count=9)
    _break_inspector(monkeypatch)
    run = run_cli(["check", "--no-progress", "-j", "2", "--format", "json", "."], cwd=root)
    assert run.code == 2
    report = json.loads(run.out)
    assert report["summary"]["targets"] == 9
    assert [t["path"] for t in report["targets"] if not t["analysed"]] == ["broken"]
