"""Settings: discovery, precedence, selection, per-path ignores; one-line errors with file:line and key."""

from __future__ import annotations

import dataclasses
import os
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from emslint.filters.paths import path_ignored as _path_ignored
from emslint.filters.selection import rule_shown, severity_override
from emslint.model import Severity
from emslint.rules.catalogue import check_selectors
from emslint.rules.model import Match, Rule
from emslint.settings import (
    PathIgnore,
    Settings,
    SettingsError,
    find_settings_file,
    load_settings,
    merge,
)


def merge_cli(settings: Settings, **values) -> Settings:
    return merge(settings, values)


def rule_selected(settings: Settings, rule: Rule) -> bool:
    return rule_shown(settings, rule) is None


def path_ignored(settings: Settings, rule: Rule, file: str, pointer: str) -> PathIgnore | None:
    return _path_ignored(settings.per_path_ignores, settings.source, rule, file, pointer)


def make_rule(rule_id="EMS101", name="platform-encryption-none", group="transport") -> Rule:
    return Rule(
        id=rule_id,
        name=name,
        title="t",
        summary="s",
        severity=Severity.HIGH,
        link=None,
        caps=None,
        message="m",
        group=group,
        what="w",
        why="y",
        fix="f",
        bad=[],
        good=[],
        sources=[],
        matches=[Match(pointer="/ems/x", schema={})],
    )


EMS101 = make_rule()
EMS402 = make_rule("EMS402", "lsr-appkey-cleartext", "secrets")
EMS805 = make_rule("EMS805", "log-level-trace", "logging")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# ---- loading ----------------------------------------------------------------------------------------------


def test_defaults():
    s = load_settings(None)
    assert s == Settings()
    assert (s.profile, s.fail_on, s.require_level, s.select, s.ignore) == (
        "production",
        "low",
        None,
        None,
        [],
    )
    assert (s.include_templates, s.jobs, s.source, s.extra_rules) == (False, None, None, None)


def test_every_key_in_emslint_toml(tmp_path):
    path = write(
        tmp_path / "proj" / ".emslint.toml",
        """
        profile = "development"
        fail_on = "high"
        require_level = "medium"
        select = ["EMS1", "secrets", "log-level-trace"]
        ignore = ["EMS805"]
        platform_java = 7
        ems_version = "5.4.10"
        openssl = "1.1.1"
        extra_rules = "../company-rules"
        include_templates = true
        jobs = 4

        [severity]
        EMS101 = "medium"
        log-level-trace = "info"

        [[per-path-ignores]]
        path = "lab/*/etc/config.json"
        rules = ["EMS101"]
        pointer = "/ws_connection/encryption"
        reason = "lab network, no TLS by design"
        """,
    )
    s = load_settings(path)
    assert s.profile == "development" and s.fail_on == "high" and s.require_level == "medium"
    assert s.select == ["EMS1", "secrets", "log-level-trace"] and s.ignore == ["EMS805"]
    assert s.platform_java == 7 and s.ems_version == "5.4.10" and s.include_templates is True and s.jobs == 4
    assert s.openssl == "1.1.1"
    assert s.extra_rules == Path(os.path.normpath(os.path.abspath(tmp_path / "company-rules")))
    assert s.severity == {"EMS101": "medium", "log-level-trace": "info"}
    assert s.per_path_ignores == [
        PathIgnore(
            path="lab/*/etc/config.json",
            rules=["EMS101"],
            reason="lab network, no TLS by design",
            pointer="/ws_connection/encryption",
            line=17,
        )
    ]
    assert s.source == path


def test_pyproject_table_with_inline_ignores_and_both_spellings(tmp_path):
    path = write(
        tmp_path / "pyproject.toml",
        """
        [project]
        name = "x"

        [tool.emslint]
        fail-on = "critical"
        include-templates = true
        per_path_ignores = [
            {path = "a/config.lua", rules = ["EMS805"], reason = "debug box"},
            {path = "b/*", rules = ["secrets"], reason = "test keys only", pointer = ""},
        ]

        [tool.ruff]
        line-length = 100
        """,
    )
    s = load_settings(path)
    assert s.fail_on == "critical" and s.include_templates is True
    assert [(p.path, p.line) for p in s.per_path_ignores] == [("a/config.lua", 8), ("b/*", 9)]


def test_empty_tool_emslint_table_gives_defaults(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.emslint]\n")
    assert dataclasses.replace(load_settings(path), source=None) == Settings()


# ---- discovery and precedence -----------------------------------------------------------------------------


def _no_settings_above(path: Path) -> bool:
    return not any(
        (p / ".emslint.toml").exists() or (p / "pyproject.toml").exists() for p in path.resolve().parents
    )


def test_nearest_settings_file_up_from_the_target(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.emslint]\nfail_on = "high"\n')
    site = tmp_path / "fleet" / "plant-a" / "edge1" / "etc"
    site.mkdir(parents=True)
    write(tmp_path / "fleet" / ".emslint.toml", 'fail_on = "medium"\n')
    assert find_settings_file(site) == tmp_path / "fleet" / ".emslint.toml"
    assert find_settings_file(site / "config.json") == tmp_path / "fleet" / ".emslint.toml"  # a file target
    assert find_settings_file(tmp_path / "other") == tmp_path / "pyproject.toml"  # need not exist


def test_pyproject_without_tool_emslint_is_skipped(tmp_path):
    write(tmp_path / ".emslint.toml", "jobs = 2\n")
    write(tmp_path / "repo" / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    (tmp_path / "repo" / "edge").mkdir()
    assert find_settings_file(tmp_path / "repo" / "edge") == tmp_path / ".emslint.toml"


def test_broken_pyproject_that_mentions_us_is_found_so_the_error_is_reported(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.emslint]\nfail_on = \n")
    assert find_settings_file(tmp_path) == tmp_path / "pyproject.toml"
    with pytest.raises(SettingsError, match=r"pyproject\.toml:2: invalid TOML"):
        load_settings(find_settings_file(tmp_path))


def test_nothing_found(tmp_path):
    if not _no_settings_above(tmp_path):
        pytest.skip("a settings file exists above the temporary folder")
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_settings_file(tmp_path / "a") is None


def test_emslint_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.emslint]\nfail_on = "high"\n')
    write(tmp_path / ".emslint.toml", 'fail_on = "medium"\n')
    assert find_settings_file(tmp_path) == tmp_path / ".emslint.toml"


def test_precedence_cli_config_emslint_toml_pyproject_defaults(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.emslint]\nfail_on = "high"\njobs = 3\n')
    assert load_settings(find_settings_file(tmp_path)).fail_on == "high"  # pyproject > defaults

    write(tmp_path / ".emslint.toml", 'fail_on = "medium"\n')
    discovered = load_settings(find_settings_file(tmp_path))
    assert discovered.fail_on == "medium"  # .emslint.toml > pyproject
    assert discovered.jobs is None  # files are not merged with each other: the nearest one is used

    config = write(tmp_path / "ci" / "strict.toml", 'fail_on = "critical"\nprofile = "development"\n')
    from_config = load_settings(config)  # --config wins over discovery: the caller loads it instead
    assert from_config.fail_on == "critical" and from_config.source == config

    merged = merge_cli(from_config, fail_on="info", profile=None, jobs=None)
    assert merged.fail_on == "info"  # CLI > --config
    assert merged.profile == "development"  # None = flag not given
    assert from_config.fail_on == "critical"  # merge returns a copy

    assert load_settings(None).fail_on == "low"  # defaults


def test_config_may_be_a_pyproject(tmp_path):
    config = write(tmp_path / "elsewhere" / "pyproject.toml", '[tool.emslint]\nprofile = "development"\n')
    assert load_settings(config).profile == "development"


def test_merge_cli_values():
    s = merge_cli(
        Settings(ignore=["EMS805"]),
        select=["EMS4"],
        ignore=["EMS101"],
        include_templates=False,
        extra_rules="rules-dir",
        platform_java=8,
        ems_version="5.4.11",
        openssl="3.1.2",
        jobs=2,
        require_level="high",
    )
    assert s.select == ["EMS4"] and s.ignore == ["EMS805", "EMS101"]  # select replaces, ignore extends
    assert s.include_templates is False and s.platform_java == 8 and s.ems_version == "5.4.11"
    assert s.openssl == "3.1"  # the release name is accepted and normalised
    assert s.extra_rules == Path(os.path.abspath("rules-dir")) and s.jobs == 2 and s.require_level == "high"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"fail_on": "hgh"}, "command line: --fail-on: fail_on must be one of"),
        ({"profile": "prod"}, "--profile: profile must be one of production, development; got 'prod'"),
        ({"jobs": 0}, "--jobs: jobs must be an integer >= 1; got 0"),
        ({"platform_java": 6}, "--platform-java:"),
        ({"ems_version": "latest"}, "--ems-version:"),
        ({"openssl": "1.1.0"}, "--openssl: openssl must be one of '1.0.2', '1.1.1', '3.1'; got '1.1.0'"),
        ({"select": ["EMS 1"]}, "--select:"),
    ],
)
def test_merge_cli_validates(values, message):
    with pytest.raises(SettingsError) as info:
        merge_cli(Settings(), **values)
    assert message in str(info.value)


def test_merge_cli_refuses_unknown_names():
    with pytest.raises(TypeError):
        merge_cli(Settings(), output="report.sarif")


# ---- selection --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        (None, [], {"EMS101", "EMS402", "EMS805"}),
        (["EMS101"], [], {"EMS101"}),
        (["ems101"], [], {"EMS101"}),  # ids are case-insensitive
        (["EMS4"], [], {"EMS402"}),  # id prefix
        (["EMS"], [], {"EMS101", "EMS402", "EMS805"}),
        (["secrets"], [], {"EMS402"}),  # group
        (["log-level-trace"], [], {"EMS805"}),  # name
        (None, ["EMS8", "secrets"], {"EMS101"}),
        (["EMS101"], ["EMS101"], set()),  # ignore wins over select
        (["EMS101"], ["EMS"], set()),  # even when less specific
        (["transport", "EMS8"], ["log-level-trace"], {"EMS101"}),
        (["ems"], [], set()),  # lower case is a name or group, never a prefix
        ([], [], set()),
    ],
)
def test_rule_selected(select, ignore, expected):
    s = Settings(select=select, ignore=ignore)
    assert {r.id for r in (EMS101, EMS402, EMS805) if rule_selected(s, r)} == expected


def test_severity_override_by_id_or_name():
    s = Settings(severity={"ems101": "low", "log-level-trace": "info", "lsr-appkey-cleartext": "medium"})
    assert severity_override(s, EMS101) == Severity.LOW
    assert severity_override(s, EMS805) == Severity.INFO
    assert severity_override(s, EMS402) == Severity.MEDIUM
    assert (
        severity_override(Settings(severity={"EMS101": "low", "platform-encryption-none": "info"}), EMS101)
        == Severity.LOW
    )
    assert severity_override(Settings(), EMS101) is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (Settings(select=["EMS1", "nonsense"]), "unknown rule selector 'nonsense'"),
        (Settings(ignore=["EMS7"]), "unknown rule selector 'EMS7'"),
        (Settings(extend_select=["log-level-trac"]), "unknown rule selector 'log-level-trac' (did you mean "
                                                      "'log-level-trace'?)"),
        (Settings(per_path_ignores=[PathIgnore("x", ["EMS805", "typo-name"], "r")]), "'typo-name'"),
        (Settings(severity={"EMS101": "low", "EMS999": "low"}), "severity: unknown rule selector 'EMS999'"),
        (Settings(severity={"secrets": "low"}), "severity: 'secrets' names a group or prefix, not one rule"),
    ],
)
def test_a_selector_that_names_no_rule_is_an_error(settings, message):
    with pytest.raises(SettingsError) as info:
        check_selectors(settings, [EMS101, EMS402, EMS805])
    assert message in str(info.value)


def test_known_selectors_pass():
    check_selectors(Settings(select=["EMS1", "secrets", "log-level-trace", "ems101"], ignore=["EMS8"],
                             severity={"EMS101": "low"}), [EMS101, EMS402, EMS805])


# ---- per-path ignores -------------------------------------------------------------------------------------


def _ignores(tmp_path: Path, *items: PathIgnore) -> Settings:
    return Settings(per_path_ignores=list(items), source=tmp_path / ".emslint.toml")


def test_glob_is_relative_to_the_settings_folder(tmp_path, monkeypatch):
    item = PathIgnore("lab/*/etc/config.json", ["EMS101"], "lab")
    s = _ignores(tmp_path, item)
    monkeypatch.chdir(tmp_path)
    assert path_ignored(s, EMS101, "lab/edge1/etc/config.json", "/ws") is item
    assert path_ignored(s, EMS101, "./lab/edge1/etc/config.json", "/ws") is item
    assert path_ignored(s, EMS101, "lab\\edge1\\etc\\config.json", "/ws") is item
    assert path_ignored(s, EMS101, str(tmp_path / "lab/edge1/etc/config.json"), "/ws") is item
    assert path_ignored(s, EMS101, "prod/edge1/etc/config.json", "/ws") is None
    assert path_ignored(s, EMS402, "lab/edge1/etc/config.json", "/ws") is None  # other rule
    # run from a sub-folder: the display path is relative to the cwd, the glob to the settings file
    (tmp_path / "lab").mkdir()
    monkeypatch.chdir(tmp_path / "lab")
    assert path_ignored(s, EMS101, "edge1/etc/config.json", "/ws") is item


def test_pointer_limits_the_ignore_to_a_subtree(tmp_path):
    item = PathIgnore("*", ["transport"], "r", pointer="/ws_connection")
    s = _ignores(tmp_path, item)
    assert path_ignored(s, EMS101, "a/config.json", "/ws_connection") is item
    assert path_ignored(s, EMS101, "a/config.json", "/ws_connection/encryption") is item
    assert path_ignored(s, EMS101, "a/config.json", "/ws_connection_extra") is None
    assert path_ignored(s, EMS101, "a/config.json", "") is None


def test_base_name_and_double_star_patterns(tmp_path):
    by_name = PathIgnore("config.lua", ["EMS805"], "r")
    deep = PathIgnore("**/templates/*.json", ["EMS101"], "r")
    s = _ignores(tmp_path, by_name, deep)
    assert path_ignored(s, EMS805, "x/y/etc/config.lua", "/scripts/log_level") is by_name
    assert path_ignored(s, EMS805, "x/y/etc/config.json", "/scripts/log_level") is None
    assert path_ignored(s, EMS101, "templates/a.json", "/p") is deep
    assert path_ignored(s, EMS101, "x/templates/a.json", "/p") is deep


def test_without_a_settings_file_globs_match_the_displayed_path():
    item = PathIgnore("edge/*", ["EMS101"], "r")
    assert path_ignored(Settings(per_path_ignores=[item]), EMS101, "edge/config.json", "/p") is item


# ---- malformed settings: file:line: [table] message naming the key ----


def _marked(text: str) -> tuple[str, int]:
    """The text without the "<-" marker, and the 1-based line that carried it."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    line = next(i for i, s in enumerate(lines, 1) if "<-" in s)
    return "\n".join(s.replace("# <-", "").replace("<-", "").rstrip() for s in lines) + "\n", line


def test_the_example_message_exactly(tmp_path, monkeypatch):
    text = "\n".join(["[project]", 'name = "x"', *[f"# {n}" for n in range(9)], "", "[tool.emslint]"])
    text += '\nfial_on = "high"\n'
    write(tmp_path / "pyproject.toml", text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as info:
        load_settings(Path("pyproject.toml"))
    assert (
        str(info.value)
        == "pyproject.toml:14: [tool.emslint] unknown setting 'fial_on' (did you mean 'fail_on'?)"
    )


ENUM_FAIL_ON = "one of critical, high, medium, low, info, never"
PPI = '[[per-path-ignores]]\npath = "a"\nrules = ["EMS1"]\n'  # an entry lacking only its reason
JAVA = "platform_java must be an integer (7, or 8 and above)"

# case -> (settings text with "# <-" on the line the message must name, expected part of the message)
TOP_LEVEL_CASES = {
    "unknown key": (
        'profile = "production"\nfial-on = "high" # <-\n',
        "unknown setting 'fial-on' (did you mean 'fail_on'?)",
    ),
    "unknown key no hint": ("zzz = 1 # <-\n", "unknown setting 'zzz'"),
    "per path spelled": ("per_path_ignore = [] # <-\n", "did you mean 'per-path-ignores'?"),
    "tool table": ('jobs = 1\n[tool.emslint] # <-\nfail_on = "high"\n', "settings are top-level keys"),
    "twice": ('fail_on = "high"\nfail-on = "low" # <-\n', "'fail_on' given twice"),
    "profile type": ("profile = 1 # <-\n", "profile must be a string"),
    "profile enum": ('profile = "prod" # <-\n', "profile must be one of production, development; got 'prod'"),
    "fail_on type": ("fail_on = true # <-\n", f"fail_on must be a string, {ENUM_FAIL_ON}; got true"),
    "fail_on enum": (
        'fail_on = "hgh" # <-\n',
        f"fail_on must be {ENUM_FAIL_ON}; got 'hgh' (did you mean 'high'?)",
    ),
    "require_level enum": (
        'require_level = "critical" # <-\n',
        "require_level must be one of low, medium, high",
    ),
    "select type": ('select = "EMS1" # <-\n', "select must be a list"),
    "select item": ('select = [\n  "EMS1",\n  42, # <-\n]\n', "select[1] must be a rule id"),
    "select bad id": ('select = ["EMS 1"] # <-\n', "select[0] must be a rule id"),
    "ignore type": ("ignore = {EMS101 = true} # <-\n", "ignore must be a list"),
    "ignore empty string": ('ignore = [""] # <-\n', "ignore[0] must be a rule id"),
    "severity type": ('severity = "high" # <-\n', "severity must be a table"),
    "severity value": (
        '[severity]\nEMS101 = "low"\nEMS402 = "severe" # <-\n',
        "severity.EMS402: must be one of",
    ),
    "severity value type": ("[severity]\nEMS101 = 3 # <-\n", "severity.EMS101: must be a string"),
    "severity key": ('[severity]\n"EMS 101" = "low" # <-\n', "severity: 'EMS 101' is not a rule id or name"),
    "platform_java type": ('platform_java = "8" # <-\n', f"{JAVA}; got '8'"),
    "platform_java range": ("platform_java = 6 # <-\n", f"{JAVA}; got 6"),
    "platform_java bool": ("platform_java = true # <-\n", f"{JAVA}; got true"),
    "ems_version type": (
        "ems_version = 5.4 # <-\n",
        'ems_version must be a version string like "5.4.10"; got 5.4',
    ),
    "ems_version text": ('ems_version = "latest" # <-\n', "ems_version must be a version string"),
    "openssl unknown": ('openssl = "0.9.8" # <-\n', "openssl must be one of '1.0.2', '1.1.1', '3.1'; got '0.9.8'"),
    "openssl type": ("openssl = 3.1 # <-\n", "openssl must be one of '1.0.2', '1.1.1', '3.1'; got 3.1"),
    "extra_rules type": ("extra_rules = 1 # <-\n", "extra_rules must be a folder path string"),
    "extra_rules empty": ('extra_rules = "" # <-\n', "extra_rules must be a folder path string"),
    "include_templates": (
        'include_templates = "yes" # <-\n',
        "include_templates must be true or false; got 'yes'",
    ),
    "jobs zero": ("jobs = 0 # <-\n", "jobs must be an integer >= 1; got 0"),
    "jobs float": ("jobs = 1.5 # <-\n", "jobs must be an integer >= 1; got 1.5"),
    "ppi type": ('per-path-ignores = "x" # <-\n', "per-path-ignores must be a list of tables"),
    "ppi item type": ('per-path-ignores = [\n  "x", # <-\n]\n', "per-path-ignores[0] must be a table"),
    "ppi no reason": (
        PPI + 'reason = "r"\n\n' + PPI.replace("]]", "]] # <-", 1),
        "per-path-ignores[1]: 'reason' is required",
    ),
    "ppi empty reason": (
        PPI + 'reason = "  " # <-\n',
        "per-path-ignores[0].reason must be a non-empty string",
    ),
    "ppi reason type": (
        'per-path-ignores = [\n  {path = "a", rules = ["EMS1"], reason = "ok"},\n'
        '  {path = "b", rules = ["EMS1"], reason = 1}, # <-\n]\n',
        "per-path-ignores[1].reason must be a non-empty string",
    ),
    "ppi bad glob type": (
        '[[per-path-ignores]]\npath = ["a/*"] # <-\nrules = ["EMS1"]\nreason = "r"\n',
        "per-path-ignores[0].path must be a non-empty glob string",
    ),
    "ppi no path": (
        '[[per-path-ignores]] # <-\nrules = ["x"]\nreason = "r"\n',
        "per-path-ignores[0]: 'path' is required",
    ),
    "ppi no rules": (
        '[[per-path-ignores]] # <-\npath = "a"\nreason = "r"\n',
        "per-path-ignores[0]: 'rules' is required",
    ),
    "ppi empty rules": (
        '[[per-path-ignores]]\npath = "a"\nrules = [] # <-\nreason = "r"\n',
        "rules must name at least one rule",
    ),
    "ppi rules item": (
        '[[per-path-ignores]]\npath = "a"\nrules = [\n  "EMS1",\n  "bad rule", # <-\n]\nreason = "r"\n',
        "per-path-ignores[0].rules[1] must be a rule id",
    ),
    "ppi pointer": (PPI + 'reason = "r"\npointer = "ws" # <-\n', "pointer must be a JSON pointer"),
    "ppi unknown key": (PPI + 'reasn = "r" # <-\n', "unknown key 'reasn' (did you mean 'reason'?)"),
}


@pytest.mark.parametrize("case", sorted(TOP_LEVEL_CASES))
def test_malformed_emslint_toml(tmp_path, monkeypatch, case):
    raw, expected = TOP_LEVEL_CASES[case]
    text, line = _marked(raw)
    write(tmp_path / ".emslint.toml", text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as info:
        load_settings(find_settings_file(tmp_path))
    message = str(info.value)
    assert message.startswith(f".emslint.toml:{line}: "), message
    assert expected in message
    assert "\n" not in message


def _as_pyproject(raw: str) -> str:
    """The same case inside [tool.emslint] of a pyproject.toml, after an unrelated table."""
    body = re.sub(r"^\[(\[?)([^\]\[]+)\]", r"[\1tool.emslint.\2]", raw, flags=re.M)
    return (
        '[project]\nname = "demo"\nversion = "1"\n\n[tool.emslint]\n'
        + body
        + "\n[tool.ruff]\nline-length = 1\n"
    )


@pytest.mark.parametrize("case", sorted(c for c in TOP_LEVEL_CASES if c != "tool table"))
def test_malformed_pyproject(tmp_path, monkeypatch, case):
    raw, expected = TOP_LEVEL_CASES[case]
    text, line = _marked(_as_pyproject(raw))
    write(tmp_path / "pyproject.toml", text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as info:
        load_settings(find_settings_file(tmp_path))
    message = str(info.value)
    assert message.startswith(f"pyproject.toml:{line}: [tool.emslint] "), message
    assert expected in message


def test_line_scan_is_not_fooled_by_strings_and_comments(tmp_path):
    text, line = _marked(
        '''
        [project]
        description = """
        jobs = 0
        [tool.emslint]
        """
        # [tool.emslint] jobs = 0
        readme = 'jobs = 0'

        [tool."emslint"]
        "fail_on" = "high"
        tool-note = "x = [1, {2}]"   # <-
        '''
    )
    write(tmp_path / "pyproject.toml", text)
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "pyproject.toml")
    assert f"pyproject.toml:{line}: [tool.emslint] unknown setting 'tool-note'" in str(info.value)


def test_dotted_keys_in_pyproject(tmp_path):
    text, line = _marked(
        """
        [tool]
        emslint.fail_on = "high"
        emslint.jobs = -1 # <-
        """
    )
    write(tmp_path / "pyproject.toml", text)
    with pytest.raises(SettingsError, match=rf"pyproject\.toml:{line}: \[tool\.emslint\] jobs must be"):
        load_settings(tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    ("text", "line", "detail"),
    [
        ('fail_on = "high"\njobs = \nprofile = "x"\n', 2, "Invalid value"),
        ('fail_on = "high"\n[severity\n', 2, ""),
        ("a = 1\na = 2\n", 2, "Cannot overwrite a value"),
        ('fail_on = "hi\n', 1, "Illegal character"),
        ('select = [\n"EMS1",\n', 3, ""),  # at end of document
    ],
)
def test_toml_syntax_errors(tmp_path, text, line, detail):
    path = write(tmp_path / ".emslint.toml", text)
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    message = str(info.value)
    assert re.search(rf"\.emslint\.toml:{line}: invalid TOML: ", message), message
    assert detail in message and "\n" not in message


def test_config_pyproject_without_our_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 1\n")
    with pytest.raises(SettingsError, match=r"pyproject\.toml: no \[tool\.emslint\] table"):
        load_settings(path)


def test_tool_emslint_not_a_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool]\nemslint = 1\n")
    with pytest.raises(
        SettingsError, match=r"pyproject\.toml:2: \[tool\.emslint\] tool\.emslint must be a table"
    ):
        load_settings(path)


def test_unreadable_settings_files(tmp_path):
    with pytest.raises(SettingsError, match="settings file not found"):
        load_settings(tmp_path / "missing.toml")
    (tmp_path / "latin1.toml").write_bytes(b'fail_on = "h\xe9"\n')
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_settings(tmp_path / "latin1.toml")


def test_absolute_path_outside_cwd_is_named_in_full(tmp_path, monkeypatch):
    path = write(tmp_path / "a" / ".emslint.toml", "jobs = 0\n")
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "b")
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert str(info.value).startswith(f"{path}:1: jobs must be")


@hypothesis_settings(max_examples=100, deadline=None)
@given(files=st.sets(st.sampled_from(["a/.emslint.toml", "a/b/pyproject.toml", "a/b/c/.emslint.toml",
                                       "a/d/pyproject-other", "e/.emslint.toml"])),
       asked=st.lists(st.sampled_from(["a", "a/b", "a/b/c", "a/b/c/f", "a/d", "a/d/g", "e", "e/h", "i"]),
                      min_size=1, max_size=8))
def test_the_folders_a_run_already_walked_give_the_same_answers(tmp_path_factory, files, asked):
    """The resolver hands find_settings_file what earlier deployments found (a fleet shares the folders above
    it): whatever the files and the order of the questions, each answer is that of a walk that knows nothing."""
    base = tmp_path_factory.mktemp("walk")
    for folder in ("a/b/c/f", "a/d/g", "e/h", "i"):
        (base / folder).mkdir(parents=True, exist_ok=True)
    for name in files:
        if name.endswith("pyproject.toml"):
            write(base / name, '[tool.emslint]\nfail_on = "high"\n')
        elif name.endswith("pyproject-other"):
            write(base / name.replace("pyproject-other", "pyproject.toml"), "[tool.ruff]\nline-length = 100\n")
        else:
            write(base / name, 'fail_on = "medium"\n')
    known: dict = {}
    for folder in asked:
        alone = find_settings_file(base / folder)
        assert find_settings_file(base / folder, known) == alone, folder
