"""File modes in a git work tree are git's, not the device's (emslint/facts/context.py): end to end with a real
.git folder (fixture folders cannot hold one), the --context override, and the run's one notice."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from emslint import run_memo
from emslint.api import lint
from emslint.facts.context import ContextTally, deployment_context, git_work_tree
from tests.test_cli import emslint

PLAIN = {
    "ws_servers": [{"host": "twx.example.com", "port": 443}],
    "appKey": "AES:zUjx42U0M7bbox0PnvH7wb82vNvx6Kny9CNw2J8Fsamg217h8Ya0LVczovzI3LQG",
}
NOTICE_START = "file modes not checked for "


def _checkout(root: Path, *names: str, git: str = "folder") -> Path:
    """A repository as git leaves it after a clone: files 0644 (git keeps no modes), a dp.dat committed."""
    repo = root / "repo"
    repo.mkdir()
    if git == "folder":
        (repo / ".git").mkdir()
        # A hostile repository: if emslint ever ran git here, this would create `pwned`.
        (repo / ".git" / "config").write_text("[core]\n\tfsmonitor = touch pwned\n")
    elif git == "file":
        (repo / ".git").write_text("gitdir: /elsewhere/.git/worktrees/repo\n")
    for name in names:
        etc = repo / "sites" / name / "etc"
        etc.mkdir(parents=True)
        (etc / "config.json").write_text(json.dumps(PLAIN, indent=2) + "\n")
        (etc / "dp.dat").write_bytes(b"\x00" * 32)
        for path in (etc / "config.json", etc / "dp.dat"):
            os.chmod(path, 0o644)
    return repo


def _rules(report: dict) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["file"]) for t in report["targets"] for f in t["findings"])


def test_in_a_git_work_tree_modes_are_not_checked_and_one_notice_says_why(tmp_path):
    repo = _checkout(tmp_path, "a", "b")
    result = emslint("check", ".", "--format", "json", "--ems-version", "5.4.10", cwd=repo)
    report = json.loads(result.stdout)
    rules = _rules(report)
    assert not [r for r in rules if r[0] in ("EMS701", "EMS702", "EMS703", "EMS704", "EMS705")]
    assert ("EMS707", "sites/a/etc/config.json") in rules and ("EMS707", "sites/b/etc/config.json") in rules
    notices = [n for n in report["notices"] if n.startswith(NOTICE_START)]
    assert notices == [
        "file modes not checked for 2 deployment(s) (a git work tree: ./.git): git keeps no "
        "modes, so after a clone every file is 0644; the permission rules (group permissions) are skipped there "
        "and committed unencrypted private keys and dp.dat are reported instead (EMS706, EMS707); give --context "
        "device when the folder is the live deployment on the device"
    ]
    assert not (repo / "pwned").exists() and not (repo / "sites" / "a" / "pwned").exists()


def test_the_notice_in_text_and_sarif(tmp_path):
    repo = _checkout(tmp_path, "a")
    text = emslint("check", ".", "--ems-version", "5.4.10", cwd=repo).stdout
    assert sum(line.startswith("note: " + NOTICE_START) for line in text.splitlines()) == 1
    sarif = json.loads(emslint("check", ".", "--format", "sarif", "--ems-version", "5.4.10", cwd=repo).stdout)
    notes = [n["message"]["text"] for inv in sarif["runs"][0]["invocations"]
             for n in inv.get("toolExecutionNotifications", [])]
    assert sum(n.startswith(NOTICE_START) for n in notes) == 1


def test_context_device_checks_modes_in_a_git_work_tree(tmp_path):
    repo = _checkout(tmp_path, "a")
    report = json.loads(emslint("check", ".", "--format", "json", "--ems-version", "5.4.10", "--context", "device",
                                cwd=repo).stdout)
    rules = _rules(report)
    assert ("EMS702", "sites/a/etc/config.json") in rules
    assert not [r for r in rules if r[0] in ("EMS706", "EMS707")]
    assert not [n for n in report["notices"] if n.startswith(NOTICE_START)]


def test_a_git_file_counts_as_a_work_tree(tmp_path):
    repo = _checkout(tmp_path, "a", git="file")
    report = json.loads(emslint("check", ".", "--format", "json", "--ems-version", "5.4.10", cwd=repo).stdout)
    assert not [r for r in _rules(report) if r[0] == "EMS702"]


def test_without_git_the_folder_is_the_device(tmp_path):
    repo = _checkout(tmp_path, "a", git="none")
    report = json.loads(emslint("check", ".", "--format", "json", "--ems-version", "5.4.10", cwd=repo).stdout)
    assert ("EMS702", "sites/a/etc/config.json") in _rules(report)
    assert not [n for n in report["notices"] if n.startswith(NOTICE_START)]


def test_context_repository_without_git(tmp_path):
    repo = _checkout(tmp_path, "a", git="none")
    report = json.loads(emslint("check", ".", "--format", "json", "--context", "repository", cwd=repo).stdout)
    assert not [r for r in _rules(report) if r[0] == "EMS702"]
    assert [n for n in report["notices"] if n.startswith(NOTICE_START)] == [
        "file modes not checked for 1 deployment(s) (context = repository): git keeps no modes, so after a clone "
        "every file is 0644; the permission rules (group permissions) are skipped there and committed unencrypted "
        "private keys and dp.dat are reported instead (EMS706, EMS707); give --context device when the folder is "
        "the live deployment on the device"
    ]


def test_decision(tmp_path):
    inner = tmp_path / "w" / "x" / "y"
    inner.mkdir(parents=True)
    assert git_work_tree(inner) is None or not str(git_work_tree(inner)).startswith(str(tmp_path))
    (tmp_path / "w" / ".git").mkdir()
    run_memo.forget()  # the answers are kept for the rest of a run; a new run looks again
    assert git_work_tree(inner) == (tmp_path / "w").resolve()
    assert deployment_context(inner, "auto") == "repository"
    assert deployment_context(inner, "device") == "device"
    assert deployment_context(tmp_path / "elsewhere", "repository") == "repository"
    tally = ContextTally()
    assert tally.notices() == ()
    tally.add(inner, "device")
    assert tally.notices() == ()


def test_a_git_folder_made_between_two_runs_counts_in_the_second(tmp_path):
    """The folders above the deployments are looked at once per run (a fleet shares them): a ``.git`` made after
    one run is seen by the next run in the same process."""
    etc = tmp_path / "site" / "etc"
    etc.mkdir(parents=True)
    (etc / "config.json").write_text(json.dumps(PLAIN, indent=2) + "\n")
    (etc / "dp.dat").write_bytes(b"\x00" * 32)
    for path in (etc / "config.json", etc / "dp.dat"):
        os.chmod(path, 0o644)

    def rules() -> set[str]:
        report = lint([tmp_path / "site"], isolated=True)
        return {f.rule for t in report.targets for f in t.findings}

    before = rules()
    (tmp_path / ".git").mkdir()
    after = rules()
    assert "EMS707" not in before and "EMS707" in after  # dp.dat committed: reported only in a repository
    assert before - after  # and the mode rules of the device are no longer applied


@settings(max_examples=150, deadline=None)
@given(gits=st.sets(st.sampled_from(["", "a", "a/b", "a/b/c", "a/d", "e"])),
       asked=st.lists(st.sampled_from(["a", "a/b", "a/b/c", "a/b/c/f", "a/d", "a/d/g", "e", "e/h", "i"]), min_size=1,
                      max_size=8))
def test_the_remembered_answers_are_those_of_a_fresh_walk(tmp_path_factory, gits, asked):
    """Whatever the folders holding ``.git`` and the order deployments are asked about in one run, each answer
    equals a walk up from the folder that remembers nothing."""
    base = tmp_path_factory.mktemp("trees")
    for folder in ("a/b/c/f", "a/d/g", "e/h", "i"):
        (base / folder).mkdir(parents=True, exist_ok=True)
    for folder in gits:
        (base / folder / ".git").mkdir()
    run_memo.forget()
    for folder in asked:
        fresh = _walk_up(base / folder)
        assert git_work_tree(base / folder) == fresh, folder


def _walk_up(folder: Path) -> Path | None:
    current = folder.resolve()
    while True:
        if os.path.lexists(current / ".git"):
            return current
        if current.parent == current:
            return None
        current = current.parent
