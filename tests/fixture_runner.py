"""Run emslint on a fixture folder and compare findings as sets (missing and unexpected both fail).

A fixture folder holds a microserver (`etc/config.json`, `etc/config.lua`, ...), optionally a `pki.json`
describing certificates and keys to generate at run time (see tests/pki_fixtures.py), and `expected.json`:

    {"rule": "EMS101",                       # per-rule fixtures: only this rule's findings are compared
     "options": {"now": "2026-06-01", "platform_java": 7, "profile": "development", "ems_version": "5.4.10",
                 "openssl": "3.1", "build": "weak"},
     "expect": [{"rule": "EMS101", "file": "etc/config.json", "line": 3, "pointer": "/ws_connection/encryption",
                 "severity": "critical", "message": "ws_connection.encryption is \"none\": ..."}],
     "level": "low", "links": {"platform": "low", "ems-rest": "low", "lsr-rest": null}}   # optional

Without "rule", every finding is compared (scenario fixtures). Messages are compared whole, so a wording
change shows up as a fixture change.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from emslint.discover import discover
from emslint.lint import LintOptions, lint_target
from emslint.model import TargetResult
from emslint.rules.catalogue import load_rules

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEYS = ("rule", "file", "line", "pointer", "severity", "message")


def fixture_dirs(kind: str) -> list[Path]:
    return sorted(p.parent for p in (FIXTURES / kind).glob("**/expected.json"))


def prepare(case: Path, workdir: Path) -> Path:
    """Copy the fixture to a scratch folder and generate its key material there."""
    target = workdir / case.name
    shutil.copytree(case, target, symlinks=True)
    spec = target / "pki.json"
    if spec.exists():
        from tests.pki_fixtures import generate_from_spec

        generate_from_spec(json.loads(spec.read_text()), target)
        spec.unlink()
    # git does not keep file modes: every file starts private (0600, folders 0700), then the fixture's own.
    for path in sorted(target.rglob("*")):
        if not path.is_symlink():
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
    for path, mode in json.loads((target / "expected.json").read_text()).get("modes", {}).items():
        os.chmod(target / path, int(mode, 8))
    return target


def run_fixture(folder: Path, options: dict) -> TargetResult:
    now = options.get("now")
    lint_options = LintOptions(
        profile=options.get("profile", "production"),
        now=datetime.fromisoformat(now).replace(tzinfo=UTC) if now else datetime(2026, 6, 1, tzinfo=UTC),
        ems_version=options.get("ems_version"),
        platform_java=options.get("platform_java"),
        cipher_build=options.get("build", "default"),
        openssl=options.get("openssl"),
    )
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        targets, problems = discover(["."], include_templates=bool(options.get("include_templates")))
        assert not problems, problems
        assert len(targets) == 1, [t.display for t in targets]
        rules = list(load_rules(None).values())
        if options.get("inject_internal_error"):
            return _lint_with_internal_error(targets[0], rules, lint_options)
        return lint_target(targets[0], rules, lint_options)
    finally:
        os.chdir(cwd)


def _lint_with_internal_error(target, rules, lint_options) -> TargetResult:
    """Make the facts stage fail for this target, as an internal bug would (EMS900 analysis-incomplete)."""
    from unittest import mock

    with mock.patch("emslint.lint.build_facts", side_effect=RuntimeError("injected for the test")):
        return lint_target(target, rules, lint_options)


def as_set(findings: list[dict]) -> set[tuple]:
    return {tuple(f[k] for k in KEYS) for f in findings}


def check_fixture(case: Path, workdir: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    folder = prepare(case, workdir)
    result = run_fixture(folder, expected.get("options", {}))
    found = [f.to_dict() for f in result.findings]
    if "rule" in expected:
        found = [f for f in found if f["rule"] == expected["rule"]]
    got, want = as_set(found), as_set(expected["expect"])
    missing, unexpected = want - got, got - want
    assert not missing and not unexpected, (
        f"\nmissing: {sorted(missing)}\nunexpected: {sorted(unexpected)}\n"
        + "\n".join(f"  {f['rule']} {f['file']}:{f['line']}:{f['column']} {f['pointer']} {f['message']}" for f in found)
    )
    if "level" in expected:
        assert (result.level.label if result.level else None) == expected["level"]
    if "links" in expected:
        assert {k: (v.label if v else None) for k, v in result.links.items()} == expected["links"]
