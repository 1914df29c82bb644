"""The README tells the truth: its set-up commands, its sample output, and its CI snippets as they are tested."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema

from emslint.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _emslint(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "emslint.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_ci_runs_the_readme_test_command():
    command = next(line.strip() for line in README.splitlines() if "pytest" in line and "pip install" in line)
    assert command in (ROOT / ".ci" / "run").read_text()


def test_sample_output_is_real():
    sample = _blocks("text")[0].splitlines()
    command = shlex.split(sample[0].removeprefix("$ "))
    assert command[:2] == ["emslint", "check"]
    output = _emslint([*command[1:], "--no-color"], ROOT).stdout.splitlines()
    for line in sample[1:]:
        if line.strip() and line.strip() != "...":
            assert line in output, line


def test_ciphers_examples_are_real():
    """Every `emslint ciphers` example prints exactly what the README shows (one per OpenSSL version)."""
    examples = [b for b in _blocks("text") if b.startswith("$ emslint ciphers")]
    models = set()
    for block in examples:
        command, *shown = block.splitlines()
        args = shlex.split(command.removeprefix("$ "))[1:]
        assert _emslint(args, ROOT).stdout.splitlines() == shown, command
        models.add(shown[0].split(",")[0])
    assert models == {"# OpenSSL 1.0.2q", "# OpenSSL 1.1.1q", "# OpenSSL 3.1.2"}


def test_check_model_line_is_real():
    """The deployment's first lines as shown: its level, its links, the OpenSSL model right under them."""
    block = next(b for b in _blocks("text") if b.startswith("$ emslint check examples/medium --ems-version"))
    command, *shown = block.splitlines()
    output = _emslint([*shlex.split(command.removeprefix("$ "))[1:], "--no-color"], ROOT).stdout.splitlines()
    head = shown[:shown.index("...")]
    assert len(head) == 3 and output[:len(head)] == head


def test_connector_sample_output_is_real():
    block = next(b for b in _blocks("text") if b.startswith("$ emslint check examples/emessage/low"))
    command, *shown = block.splitlines()
    output = _emslint([*shlex.split(command.removeprefix("$ "))[1:], "--no-color"], ROOT).stdout.splitlines()
    for line in shown:
        if line.strip() and line.strip() != "...":
            assert line in output, line


def test_readme_names_every_link():
    from emslint.model import LINKS

    for link in LINKS:
        assert f"| `{link}` |" in README, link


def test_fix_workflow_is_real(tmp_path):
    """check --show-fixes, --diff, --fix, check again: each command run in turn on a copy of the examples (a git
    work tree, as the README's are), every line shown is in what it prints."""
    block = next(b for b in _blocks("text") if b.startswith("$ emslint check examples/medium --show-fixes"))
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    before = (tmp_path / "examples" / "medium" / "etc" / "config.json").read_bytes()
    commands: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            commands.append((shlex.split(line.removeprefix("$ "))[1:], []))
        else:
            commands[-1][1].append(line)
    assert [c[0][-1] for c in commands] == ["--show-fixes", "--unsafe-fixes", "--unsafe-fixes", "examples/medium"]
    for args, shown in commands:
        done = _emslint([*args, "--no-color"], tmp_path)
        output = (done.stdout + done.stderr).splitlines()
        for line in shown:
            if line.strip() and line.strip() != "...":
                assert line in output, (args, line)
    after = (tmp_path / "examples" / "medium" / "etc" / "config.json").read_bytes()
    assert after == before.replace(b'"allow_self_signed": true', b'"allow_self_signed": false')


def test_github_actions_snippet_writes_valid_sarif(tmp_path):
    workflow = next(b for b in _blocks("yaml") if "upload-sarif" in b)
    run_line = next(line for line in workflow.splitlines() if "run: emslint check" in line)
    args = shlex.split(run_line.split("run:", 1)[1])[2:]
    shutil.copytree(ROOT / "examples", tmp_path / "repo")
    result = _emslint(["check", *args], tmp_path / "repo")
    assert result.returncode == 1, result.stderr  # findings fail the job; the upload step runs `if: always()`
    log = json.loads((tmp_path / "repo" / args[args.index("--output") + 1]).read_text())
    schema = json.loads((ROOT / "emslint" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    assert log["runs"][0]["automationDetails"]["id"] == "emslint/ci/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris and all(not u.startswith(("/", "file:")) for u in uris)


def test_pre_commit_snippet_names_the_shipped_hooks():
    snippet = next(b for b in _blocks("yaml") if "repos:" in b)
    ids = set(re.findall(r"- id: (\S+)", snippet))
    shipped = set(re.findall(r"^- id: (\S+)", (ROOT / ".pre-commit-hooks.yaml").read_text(), flags=re.M))
    assert ids == shipped == {"emslint", "emslint-project"}


def test_settings_snippet_is_accepted(tmp_path):
    snippet = next(b for b in _blocks("toml") if "per-path-ignores" in b)
    (tmp_path / "emslint-rules").mkdir()
    (tmp_path / ".emslint.toml").write_text(snippet)
    settings = load_settings(tmp_path / ".emslint.toml")
    assert settings.fail_on == "medium" and settings.platform_java == 7
    assert settings.per_path_ignores[0].reason


def test_setup_command_succeeds_and_shows_the_levels():
    """The first command a newcomer runs exits 0 (also under `set -e`) and shows the three levels."""
    line = next(line.strip() for line in README.splitlines() if line.strip().startswith("pip install . &&"))
    command = shlex.split(line.split("&&", 1)[1])
    assert command[:2] == ["emslint", "check"]
    result = _emslint([*command[1:], "--no-color"], ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("6 deployment(s) (2 high, 2 medium, 2 low), ")
    for level in ("HIGH", "MEDIUM", "LOW"):
        assert f"level {level}" in result.stdout


def test_gate_step_is_as_described():
    fails = next(m for m in re.findall(r"`(emslint check [^`]*)` fails", README))
    passes = next(m for m in re.findall(r"`(emslint check [^`]*)` passes", README))
    assert _emslint(shlex.split(fails)[1:], ROOT).returncode == 1
    assert _emslint(shlex.split(passes)[1:], ROOT).returncode == 0


def test_html_section_shows_the_screenshot():
    assert "![The HTML report of the bundled examples](docs/report.png)" in README
    png = (ROOT / "docs" / "report.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    command = next(line.strip() for line in README.splitlines() if "--format html --output" in line)
    assert command.startswith("emslint check examples/ --format html")


def test_gitlab_snippet_writes_the_reports_it_names(tmp_path):
    import xmlschema
    import yaml

    snippet = yaml.safe_load(next(b for b in _blocks("yaml") if "codequality" in b))
    job = snippet["emslint"]
    command = next(line for line in job["script"] if line.startswith("emslint check"))
    shutil.copytree(ROOT / "examples", tmp_path / "repo")
    result = _emslint(shlex.split(command)[1:], tmp_path / "repo")
    assert result.returncode == 1, result.stderr  # findings fail the job; `when: always` keeps the artifacts
    reports = job["artifacts"]["reports"]
    issues = json.loads((tmp_path / "repo" / reports["codequality"]).read_text())
    assert issues and all(not i["location"]["path"].startswith(("/", "file:")) for i in issues)
    schema = xmlschema.XMLSchema(ROOT / "tests" / "data" / "jenkins-junit-10.xsd")
    schema.validate((tmp_path / "repo" / reports["junit"]).read_text())
    assert (tmp_path / "repo" / job["artifacts"]["paths"][0]).read_text().startswith("<!DOCTYPE html>")


def test_jenkins_snippet_writes_the_report_it_reads(tmp_path):
    import xmlschema

    snippet = next(b for b in _blocks("groovy") if "pipeline" in b)
    command = next(m for m in re.findall(r"sh '([^']*)'", snippet) if m.startswith("emslint check"))
    junit_file = re.search(r"junit '([^']*)'", snippet).group(1)
    archived = re.search(r"archiveArtifacts artifacts: '([^']*)'", snippet).group(1)
    shutil.copytree(ROOT / "examples", tmp_path / "repo")
    result = _emslint(shlex.split(command)[1:], tmp_path / "repo")
    assert result.returncode == 0, result.stderr  # --exit-zero: the junit step marks the build
    schema = xmlschema.XMLSchema(ROOT / "tests" / "data" / "jenkins-junit-10.xsd")
    schema.validate((tmp_path / "repo" / junit_file).read_text())
    assert (tmp_path / "repo" / archived).exists()
