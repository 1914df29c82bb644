"""Where a deployment's files live: on the device (modes are the device's) or in a git work tree (modes are git's).

git keeps no file mode but the executable bit: after ``git clone`` every file is 0644 (umask 022), so the
permission rules (EMS701-EMS705 and the other mode rules) would fire on every correct deployment kept in a
repository. The setting ``context`` decides: ``device`` checks modes, ``repository`` does not, ``auto`` (the
default) takes a ``.git`` folder or file (a worktree or submodule) in the deployment folder or any folder above
it as a repository. git itself is never run: a hostile repository's config (``core.fsmonitor``, hooks) could
make it execute commands, and a folder name is all that is needed.

The decision is a fact (``target.context``); the rules' ``when`` conditions use it.
"""

from __future__ import annotations

import os
from pathlib import Path

from emslint import run_memo
from emslint.inspect.paths import real_folder

DEVICE = "device"
REPOSITORY = "repository"


def _holds_git(folder: str) -> bool:
    """Whether ``folder`` has a ``.git`` entry (a folder, or the file of a worktree or submodule); never followed."""
    try:
        return os.path.lexists(os.path.join(folder, ".git"))
    except (OSError, ValueError):
        return False


def git_work_tree(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` (as an absolute path, symlinks resolved) that holds ``.git``."""
    found = run_memo.nearest_above(real_folder(os.fspath(folder)), _git_folder, _work_trees)
    return Path(found) if found is not None else None


_work_trees = run_memo.memo()  # folder -> the nearest work tree at or above it (the tally asks again, too)


def _git_folder(folder: str) -> str | None:
    return folder if _holds_git(folder) else None


def deployment_context(folder: Path, setting: str) -> str:
    """``device`` or ``repository`` for the deployment in ``folder`` under the setting ``auto|device|repository``."""
    if setting in (DEVICE, REPOSITORY):
        return setting
    return REPOSITORY if git_work_tree(folder) is not None else DEVICE


class ContextTally:
    """Counts the deployments of a run whose file modes were not checked, for the run's one notice."""

    def __init__(self) -> None:
        self.repository = 0
        self.forced = 0  # of those, how many by the setting rather than by a .git folder
        self.example: Path | None = None

    def add(self, folder: Path, setting: str) -> None:
        if deployment_context(folder, setting) != REPOSITORY:
            return
        self.repository += 1
        if setting == REPOSITORY:
            self.forced += 1
        elif self.example is None:
            self.example = git_work_tree(folder)

    def notices(self) -> tuple[str, ...]:
        """One line when any deployment was judged as a repository, else nothing."""
        if not self.repository:
            return ()
        why = (f"a git work tree: {_relative(self.example)}/.git" if self.example is not None and not self.forced
               else "context = repository" if self.forced == self.repository
               else "inside a git work tree or context = repository")
        return (
            f"file modes not checked for {self.repository} deployment(s) ({why}): git keeps no modes, so after a "
            "clone every file is 0644; the permission rules (group permissions) are skipped there and committed "
            "unencrypted private keys and dp.dat are reported instead (EMS706, EMS707); give --context device when "
            "the folder is the live deployment on the device",
        )


def _relative(folder: Path) -> str:
    """``folder`` relative to the working folder when that is shorter (reports must not depend on where a
    checkout lies)."""
    try:
        return os.path.relpath(folder, Path.cwd().resolve())
    except ValueError:  # another drive
        return str(folder)
