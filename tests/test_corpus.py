"""PTC's shipped sample files (../shared/corpus, not part of the project) are read without a crash, and the
findings land on the lines that hold the problem. Skipped on a clone of the project alone."""

from __future__ import annotations

import shutil

import pytest

from tests.fixture_runner import run_fixture


def _lint(corpus, tmp_path, name: str, options: dict | None = None):
    target = tmp_path / "ms"
    (target / "etc").mkdir(parents=True)
    dest = "config.json" if name.endswith(".json") else "config.lua"
    shutil.copy(corpus / name, target / "etc" / dest)
    (target / "etc" / dest).chmod(0o600)
    result = run_fixture(target, options or {})
    text = (corpus / name).read_text(encoding="utf-8")
    return result, text.splitlines()


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    for number, line in enumerate(lines[start:], start + 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the sample")


def _has(result, rule: str, line: int) -> bool:
    return any(f.rule == rule and f.line == line for f in result.findings)


def test_every_sample_is_read_without_a_crash(shared_corpus, tmp_path):
    samples = sorted(p.name for p in shared_corpus.iterdir() if p.suffix in (".json", ".lua"))
    assert len(samples) == 14
    for index, name in enumerate(samples):
        result, _ = _lint(shared_corpus, tmp_path / str(index), name)
        assert result.analysed, name
        assert not any(f.rule == "EMS900" for f in result.findings), name
        assert result.verdict.state != "absent", name
        # the .documented files are not JSON (comments, alternatives): the EMS cannot load them, no level
        assert (result.verdict.state == "unknown") is ("documented" in name), name


@pytest.mark.parametrize("name", ["v02-ems540-config-complete.json", "v06-ems545-config-complete.json",
                                  "v09-ems549-config-complete.json", "v11-ems5410-config-complete.json"])
def test_complete_templates_windows_paths(shared_corpus, tmp_path, name):
    """`c:\\some\\folder` has invalid escapes; `d:\\another\\folder` hides a form feed (\\f)."""
    result, lines = _lint(shared_corpus, tmp_path, name)
    some = _line_of(lines, "some\\folder")
    another = _line_of(lines, "another\\folder")
    assert _has(result, "EMS006", some)
    assert _has(result, "EMS007", another)
    assert not any(f.rule == "EMS003" for f in result.findings), "recovered, not a fatal syntax error"


@pytest.mark.parametrize("name", ["v03-ems540-config-documented.json", "v07-ems545-config-documented.json",
                                  "v12-ems5410-config-documented.json"])
def test_documented_templates_are_recognised(shared_corpus, tmp_path, name):
    result, lines = _lint(shared_corpus, tmp_path, name)
    first_comment = next(n for n, line in enumerate(lines, 1) if line.lstrip().startswith("//"))
    assert any(f.rule == "EMS004" and f.line <= first_comment for f in result.findings)


@pytest.mark.parametrize("name", ["v04-ems540-config-example.lua", "v08-ems545-config-example.lua",
                                  "v10-ems549-config-example.lua", "v13-ems5410-config-example.lua"])
def test_lua_examples(shared_corpus, tmp_path, name):
    result, lines = _lint(shared_corpus, tmp_path, name)
    assert _has(result, "EMS010", _line_of(lines, "scripts.log_audit_target"))  # "file://" or "http://"
    # the example's script_resource_ssl = "true" is read as true: no TLS-off finding for the LSR server
    assert not any(f.rule == "EMS301" for f in result.findings)
    assert _has(result, "EMS403", _line_of(lines, "scripts.script_resource_passphrase"))  # "password"


@pytest.mark.parametrize("name", ["v01-ems540-config-minimal.json", "v05-ems545-config-minimal.json",
                                  "v14-ems549-5410-config-minimal.json"])
def test_minimal_templates(shared_corpus, tmp_path, name):
    result, lines = _lint(shared_corpus, tmp_path, name)
    assert result.links["ems-rest"] is not None
    assert _has(result, "EMS202", _line_of(lines, '"http_server"')) or any(
        f.rule == "EMS202" for f in result.findings
    )


def test_appkey_forms_across_releases(shared_corpus, tmp_path):
    legacy, lines = _lint(shared_corpus, tmp_path / "a", "v02-ems540-config-complete.json")
    # 5.4.0 ships an AES: value, and a published one: the sample ciphertext is a known secret (EMS412)
    assert _has(legacy, "EMS412", _line_of(lines, '"appKey"'))
    plain, lines = _lint(shared_corpus, tmp_path / "b", "v11-ems5410-config-complete.json")
    key_line = _line_of(lines, '"appKey"')
    assert any(f.line == key_line and f.rule in ("EMS401", "EMS402", "EMS404") for f in plain.findings)


def test_fingerprint_whitelist_is_obsolete_on_5_4_10(shared_corpus, tmp_path):
    result, lines = _lint(shared_corpus, tmp_path, "v09-ems549-config-complete.json", {"ems_version": "5.4.10"})
    assert _has(result, "EMS014", _line_of(lines, "fingerprint_whitelist"))
    same, _ = _lint(shared_corpus, tmp_path / "b", "v09-ems549-config-complete.json", {"ems_version": "5.4.9"})
    assert not any(f.rule == "EMS014" and "whitelist" in f.pointer for f in same.findings)
