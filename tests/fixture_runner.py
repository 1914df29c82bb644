"""Run emslint on a fixture folder and compare findings as sets (missing and unexpected both fail).

A fixture folder holds a microserver (`etc/config.json`, `etc/config.lua`, ...), optionally a `.emslint.toml`
and a `pki.json`
describing certificates and keys to generate at run time (see tests/pki_fixtures.py), and `expected.json`:

    {"rule": "EMS101",                       # per-rule fixtures: only this rule's findings are compared
     "options": {"now": "2026-06-01", "platform_java": 7, "profile": "development", "ems_version": "5.4.10"},
     "expect": [{"rule": "EMS101", "file": "etc/config.json", "line": 3, "pointer": "/ws_connection/encryption",
                 "severity": "critical", "message": "ws_connection.encryption is \"none\": ..."}],
     "level": "low", "links": {"platform": "low", "ems-rest": "low", "lsr-rest": null, ...}}   # optional: every link

Without "rule", every finding is compared (scenario fixtures). Messages are compared whole, so a wording
change shows up as a fixture change.

A fix fixture (``"fix": "safe"`` or ``"unsafe"``) is also fixed as ``emslint check --fix`` (with
``--unsafe-fixes`` for ``"unsafe"``) does it, then compared: every file under its ``after/`` folder must be
byte for byte what the fix wrote, every other file must be untouched, ``"modes_after"`` gives the modes the fix
must leave, ``"expect_after"`` the findings then (same keys and filter as ``expect``; every one of them must
have been there before: a fix never adds a finding), and a second run must change nothing. With ``"unsafe"`` a
safe-only run must leave the rule's findings where they were.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from emslint.discover import discover
from emslint.model import TargetResult
from emslint.pipeline import Job, lint_job
from emslint.settings import SettingsResolver

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEYS = ("rule", "file", "line", "pointer", "severity", "message")


def fixture_dirs(kind: str) -> list[Path]:
    return sorted(p.parent for p in (FIXTURES / kind).glob("**/expected.json"))


def prepare(case: Path, workdir: Path) -> Path:
    """Copy the fixture to a scratch folder and generate its key material there."""
    target = workdir / case.name
    shutil.copytree(case, target, symlinks=True, ignore=shutil.ignore_patterns("after"))
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


def run_fixture(folder: Path, options: dict, *, records: bool = False) -> TargetResult:
    now = options.get("now")
    when = datetime.fromisoformat(now).replace(tzinfo=UTC) if now else datetime(2026, 6, 1, tzinfo=UTC)
    values = {k: v for k, v in options.items() if k not in ("now", "inject_internal_error")}
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        # A fixture may hold a .emslint.toml of its own; options are given as command-line values would be.
        resolver = SettingsResolver(values, origin="fixture", cwd=folder)
        targets, problems = discover(["."], include_templates=resolver.run.include_templates)
        assert not problems, problems
        assert len(targets) == 1, [t.display for t in targets]
        job = Job(targets[0], resolver.for_target(targets[0].root), records=records)
        if options.get("inject_internal_error"):
            return _lint_with_internal_error(job, when)
        return lint_job(job, when)
    finally:
        os.chdir(cwd)


def _lint_with_internal_error(job: Job, now: datetime) -> TargetResult:
    """Make the facts stage fail for this target, as an internal bug would (EMS900 analysis-incomplete)."""
    from unittest import mock

    with mock.patch("emslint.pipeline.assemble", side_effect=RuntimeError("injected for the test")):
        return lint_job(job, now)


def fix_fixture(folder: Path, options: dict, *, unsafe: bool) -> TargetResult:
    """Fix the prepared fixture in place as ``check --fix`` does; returns the result linted after fixing."""
    from emslint.fixes.runner import FixRun

    values = {**options, "fix": True, "unsafe_fixes": unsafe}
    now = options.get("now")
    when = datetime.fromisoformat(now).replace(tzinfo=UTC) if now else datetime(2026, 6, 1, tzinfo=UTC)
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        resolver = SettingsResolver({k: v for k, v in values.items() if k != "now"}, origin="fixture", cwd=folder)
        targets, _ = discover(["."], include_templates=resolver.run.include_templates)
        job = Job(targets[0], resolver.for_target(targets[0].root))
        run = FixRun(write=True, unsafe=unsafe)
        result = run.process(lint_job(job, when), lambda: lint_job(job, when),
                             {f.display: f.role for f in job.target.files})
        assert not run.errors, run.errors
        return result
    finally:
        os.chdir(cwd)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), os.stat(p).st_mode & 0o7777)
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def check_fix(case: Path, workdir: Path) -> None:
    """The fix part of a fix fixture (see the module docstring)."""
    expected = json.loads((case / "expected.json").read_text())
    unsafe = expected["fix"] == "unsafe"
    options = expected.get("options", {})
    rule = expected.get("rule")
    if unsafe:  # a safe-only run leaves this rule's findings (and so their fixes) alone
        folder = prepare(case, workdir / "safe-only")
        before = [f.to_dict() for f in run_fixture(folder, options).findings if f.rule == rule]
        after = [f.to_dict() for f in fix_fixture(folder, options, unsafe=False).findings if f.rule == rule]
        assert as_set(after) == as_set(before), "a safe-only --fix changed an unsafe fix's findings"
    folder = prepare(case, workdir / "fix")
    original = _snapshot(folder)
    result = fix_fixture(folder, options, unsafe=unsafe)
    now = _snapshot(folder)
    after_dir = case / "after"
    wanted = {p.relative_to(after_dir).as_posix(): p.read_bytes()
              for p in sorted(after_dir.rglob("*")) if p.is_file()} if after_dir.is_dir() else {}
    for name, data in wanted.items():
        assert now[name][0] == data, f"{name}: not what after/{name} holds:\n{now[name][0]!r}\n{data!r}"
    modes = {name: int(mode, 8) for name, mode in expected.get("modes_after", {}).items()}
    for name, (data, mode) in now.items():
        if name not in wanted:
            assert data == original[name][0], f"{name} changed but after/ does not have it"
        assert mode == modes.get(name, original[name][1]), f"{name}: mode {mode:04o}"
    found = [f.to_dict() for f in result.findings]
    if rule:
        found = [f for f in found if f["rule"] == rule]
    got, want = as_set(found), as_set(expected.get("expect_after", []))
    assert got == want, f"\nmissing after: {sorted(want - got)}\nunexpected after: {sorted(got - want)}"
    assert want <= as_set(expected["expect"]) or not rule, "expect_after has a finding that expect has not"
    again = fix_fixture(folder, options, unsafe=unsafe)
    assert _snapshot(folder) == now, "a second --fix changed the files"
    assert not [f for f in again.findings if f.fix is not None and (unsafe or f.fix.applicability == "safe")]


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
    data = result.to_dict()
    if "level" in expected:
        assert data["level"] == expected["level"]
    if "links" in expected:  # a link the fixture does not name is absent
        assert data["links"] == {**dict.fromkeys(data["links"]), **expected["links"]}
    if not expected.get("options", {}).get("inject_internal_error") and (
            (case / "pki.json").exists() or (folder / "etc" / "config.json").exists()):
        check_records(folder, expected.get("options", {}), data, workdir / "cache",
                      key_material=(case / "pki.json").exists())


def check_records(folder: Path, options: dict, truth: dict, cache: Path, *, key_material: bool) -> None:
    """A run that writes records (key material: emslint/inspect/keymaterial_cache.py; cipher lists:
    emslint/facts/ciphers.py) and a run that replays them give exactly ``truth``, the result of inspecting; the
    replay inspects and evaluates nothing."""
    from unittest import mock

    from emslint.facts import ciphers
    from emslint.inspect import keymaterial_cache

    previous = os.environ.get("EMSLINT_CACHE_DIR")
    os.environ["EMSLINT_CACHE_DIR"] = str(cache)
    try:
        assert run_fixture(folder, options, records=True).to_dict() == truth, "the run writing a record differs"
        recorded = sorted(cache.glob(f"{keymaterial_cache.PREFIX}*.json"))
        evaluations = sorted(cache.glob(f"{ciphers.PREFIX}*.json"))
        with (mock.patch.object(keymaterial_cache, "_inspect", wraps=keymaterial_cache._inspect) as inspected,
              mock.patch.object(ciphers, "_evaluate", wraps=ciphers._evaluate) as evaluated):
            assert run_fixture(folder, options, records=True).to_dict() == truth, "the replayed record differs"
        assert not recorded or inspected.call_count == 0, "a key-material record was written but not replayed"
        assert not evaluations or evaluated.call_count == 0, "a cipher record was written but not replayed"
        assert recorded or not key_material, "no key-material record was written"
    finally:
        if previous is None:
            os.environ.pop("EMSLINT_CACHE_DIR", None)
        else:
            os.environ["EMSLINT_CACHE_DIR"] = previous


def pin_messages(cases: list[Path]) -> int:
    """Rewrite the message of every expected finding that matches a finding on everything but its message (after
    an intended wording change); the diff then shows each new text for review. Returns the files changed."""
    import tempfile

    changed = 0
    for case in cases:
        path = case / "expected.json"
        expected = json.loads(path.read_text())
        with tempfile.TemporaryDirectory() as tmp:
            try:
                result = run_fixture(prepare(case, Path(tmp)), expected.get("options", {}))
            except BaseException as exc:  # a fixture this machine cannot run (pytest.skip): left as it is
                if type(exc).__name__ != "Skipped":
                    raise
                continue
        by_place: dict[tuple, list[str]] = {}
        for f in (f.to_dict() for f in result.findings):
            by_place.setdefault(tuple(f[k] for k in KEYS[:-1]), []).append(f["message"])
        entries = []
        for e in expected["expect"]:
            messages = by_place.get(tuple(e[k] for k in KEYS[:-1]))
            entries.append({**e, "message": messages.pop(0)} if messages else e)
        if entries != expected["expect"]:
            expected["expect"] = entries
            path.write_text(_dump(expected))
            changed += 1
    return changed


def _dump(expected: dict) -> str:
    """expected.json as the fixtures write it: one finding per line."""
    parts = []
    for key, value in expected.items():
        if key in ("expect", "expect_after") and value:
            rows = ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in value)
            parts.append(f' {json.dumps(key)}: [\n{rows}\n ]')
        else:
            parts.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":  # python -m tests.fixture_runner EMS016 EMS105 ...: re-pin those rules' messages
    import sys

    wanted = set(sys.argv[1:])
    print(pin_messages([c for c in fixture_dirs("rules") if not wanted or c.parent.name in wanted]), "file(s) changed")
