"""``emslint check PATH --show-settings`` shows the settings ``check PATH`` would use: those nearest each deployment
(issue #14), one block per settings file, each naming the deployments it governs."""

from __future__ import annotations

from pathlib import Path

import pytest

from emslint.settings.options import OPTIONS
from tests.hardening import run_cli, write_deployment

CONFIG = {"ws_servers": [{"host": "twx.example.com", "port": 443}], "ws_connection": {"encryption": "none"}}


def _fleet(tmp_path: Path) -> Path:
    """fleet2/a (EMS 5.4.10), fleet2/b (EMS 5.5.0) and fleet2/c (no settings file of its own)."""
    fleet = tmp_path / "fleet2"
    for name, version in (("a", "5.4.10"), ("b", "5.5.0"), ("c", None)):
        write_deployment(fleet / name, ems=CONFIG)
        if version:
            (fleet / name / ".emslint.toml").write_text(f'ems_version = "{version}"\n')
    return fleet


def _blocks(text: str) -> list[list[str]]:
    blocks = [block.splitlines() for block in text.split("\n\n")]
    for block in blocks:  # a header, the file, then every option once
        assert len(block) == 2 + len(OPTIONS), block
    return blocks


def test_the_settings_nearest_the_given_deployment(tmp_path: Path) -> None:
    _fleet(tmp_path)
    run = run_cli(["check", "fleet2/b", "--show-settings"], cwd=tmp_path)
    assert run.code == 0 and run.err == ""
    [block] = _blocks(run.out)
    assert block[:2] == ["# deployments: fleet2/b", f"# settings file: {tmp_path / 'fleet2/b/.emslint.toml'}"]
    assert 'ems_version = "5.5.0"  # fleet2/b/.emslint.toml:1, target' in block
    assert 'fail_on = "low"  # default, run' in block


def test_one_block_per_settings_file(tmp_path: Path) -> None:
    _fleet(tmp_path)
    (tmp_path / ".emslint.toml").write_text('fail_on = "high"\n')
    run = run_cli(["check", "fleet2", "--show-settings"], cwd=tmp_path)
    a, b, c = _blocks(run.out)
    assert a[:2] == ["# deployments: fleet2/a", f"# settings file: {tmp_path / 'fleet2/a/.emslint.toml'}"]
    assert b[:2] == ["# deployments: fleet2/b", f"# settings file: {tmp_path / 'fleet2/b/.emslint.toml'}"]
    assert c[:2] == ["# deployments: fleet2/c", f"# settings file: {tmp_path / '.emslint.toml'}"]
    assert 'ems_version = "5.4.10"  # fleet2/a/.emslint.toml:1, target' in a
    assert 'ems_version = "5.5.0"  # fleet2/b/.emslint.toml:1, target' in b
    assert "ems_version = (unset)  # default, target" in c
    for block in (a, b, c):  # run settings: the working folder's file, for every deployment
        assert 'fail_on = "high"  # .emslint.toml:1, run' in block


def test_deployments_sharing_a_file_share_a_block(tmp_path: Path) -> None:
    fleet = _fleet(tmp_path)
    write_deployment(fleet / "c2", ems=CONFIG)
    run = run_cli(["check", "fleet2/c", "fleet2/b", "fleet2/c2", "--show-settings"], cwd=tmp_path)
    c, b = _blocks(run.out)
    assert c[:2] == ["# deployments: fleet2/c, fleet2/c2", "# settings file: none"]
    assert b[0] == "# deployments: fleet2/b"


def test_many_deployments_are_counted_not_all_named(tmp_path: Path) -> None:
    for index in range(12):
        write_deployment(tmp_path / "many" / f"gw{index:02}", ems=CONFIG)
    [block] = _blocks(run_cli(["check", "many", "--show-settings"], cwd=tmp_path).out)
    assert block[0] == "# deployments: " + ", ".join(f"many/gw{i:02}" for i in range(10)) + " and 2 more"


def test_without_a_path_the_working_folder_as_check_does(tmp_path: Path) -> None:
    _fleet(tmp_path)
    assert run_cli(["check", "--show-settings"], cwd=tmp_path).out == \
        run_cli(["check", ".", "--show-settings"], cwd=tmp_path).out
    inside = run_cli(["check", "--show-settings"], cwd=tmp_path / "fleet2" / "a")
    [block] = _blocks(inside.out)
    assert block[:2] == ["# deployments: .", f"# settings file: {tmp_path / 'fleet2/a/.emslint.toml'}"]


def test_a_path_without_a_deployment_shows_the_settings_nearest_it(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".emslint.toml").write_text('profile = "development"\n')
    run = run_cli(["check", "empty", "--show-settings"], cwd=tmp_path)
    [block] = _blocks(run.out)
    assert block[:2] == ["# no deployment under empty: the settings nearest it",
                         f"# settings file: {tmp_path / 'empty/.emslint.toml'}"]
    assert 'profile = "development"  # empty/.emslint.toml:1, target' in block


@pytest.mark.parametrize(("setup", "error"), [
    (None, "emslint: error: missing: no such file or folder"),
    ('select = ["EMS1"]\nbogus = 1\n', "unknown setting"),
])
def test_an_unusable_path_or_settings_file_is_a_usage_error(tmp_path: Path, setup: str | None, error: str) -> None:
    path = "missing"
    if setup is not None:
        write_deployment(tmp_path / "gw", ems=CONFIG)
        (tmp_path / "gw" / ".emslint.toml").write_text(setup)
        path = "gw"
    run = run_cli(["check", path, "--show-settings"], cwd=tmp_path)
    assert run.code == 2 and run.out == "" and error in run.err and len(run.err.splitlines()) == 1


def test_config_pins_one_file_for_everything(tmp_path: Path) -> None:
    _fleet(tmp_path)
    pinned = tmp_path / "pinned.toml"
    pinned.write_text('ems_version = "5.4.11"\n')
    [block] = _blocks(run_cli(["check", "fleet2", "--config", str(pinned), "--show-settings"], cwd=tmp_path).out)
    assert block[:2] == ["# deployments: fleet2/a, fleet2/b, fleet2/c", f"# settings file: {pinned}"]
