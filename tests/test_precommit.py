"""Both pre-commit hooks, run through the real `pre-commit try-repo` in a scratch git repository.

pre-commit installs this checkout into its own virtualenv (from PyPI for the dependencies), so the first
test takes a while; the environment is shared by the tests of this module through PRE_COMMIT_HOME.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = '{"ws_servers": [{"host": "twx.example.com", "port": 80}], "ws_connection": {"encryption": "none"}}\n'
GOOD = '{"ws_servers": [{"host": "twx.example.com", "port": 443}], "ws_connection": {"encryption": "ssl"}}\n'
# The scratch repository selects one rule, so that "good" does not need a whole PKI.
SETTINGS = 'select = ["EMS101"]\n'

pytestmark = pytest.mark.slow

if shutil.which("pre-commit") is None or shutil.which("git") is None:  # pragma: no cover
    pytest.skip("pre-commit or git not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _scratch_repo(tmp_path: Path, config: str) -> Path:
    repo = tmp_path / "deployments"
    (repo / "gw-01" / "etc").mkdir(parents=True)
    (repo / "gw-01" / "etc" / "config.json").write_text(config)
    (repo / ".emslint.toml").write_text(SETTINGS)
    (repo / "README.md").write_text("not a config\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    return repo


def _try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), hook, "--all-files", "--verbose"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900,
    )


@pytest.mark.parametrize("hook", ["emslint", "emslint-project"])
def test_bad_config_blocks_the_commit(hook, tmp_path, precommit_home):
    result = _try_repo(_scratch_repo(tmp_path, BAD), hook, precommit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "EMS101" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("hook", ["emslint", "emslint-project"])
def test_good_config_passes(hook, tmp_path, precommit_home):
    result = _try_repo(_scratch_repo(tmp_path, GOOD), hook, precommit_home)
    assert result.returncode == 0, result.stdout + result.stderr
