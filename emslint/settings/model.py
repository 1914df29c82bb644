"""The one typed settings object every stage reads, and where each value came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

Profile = Literal["production", "development"]
Context = Literal["auto", "device", "repository"]


@dataclass(slots=True)
class PathIgnore:
    """A ``[[per-path-ignores]]`` entry: hide these rules' findings in files matching ``path``."""

    path: str  # fnmatch glob on forward-slash paths, relative to the settings file's directory
    rules: list[str]  # selectors: ids, names, id prefixes, groups
    reason: str
    pointer: str | None = None  # only this pointer and the values below it; None = anywhere in the file
    line: int = 0  # where it was declared (for messages)
    expires: date | None = None  # after this day the waiver no longer hides anything and is reported


@dataclass(slots=True)
class Settings:
    """Every setting of a run, already validated. Fields are documented in :data:`emslint.settings.options.OPTIONS`.

    Target settings (``scope="target"``) may differ per deployment: each one is governed by the settings file
    nearest to it. Run settings come from the settings file nearest the working directory (or ``--config``).
    """

    # what is checked and how (per target)
    profile: Profile = "production"
    select: list[str] | None = None  # None = every rule
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_path_ignores: list[PathIgnore] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule id or name -> severity
    ems_version: str | None = None
    openssl: str | None = None  # "1.0.2" | "1.1.1" | "3.1"; None = from ems_version
    platform_java: int | None = None
    build: str = "default"  # OpenSSL build of the EMS: default | weak
    context: Context = "auto"  # repository: file modes are git's, not the device's
    inline_suppressions: bool = True
    allow_outside: list[Path] = field(default_factory=list)  # referenced files may be read below these folders
    extra_rules: Path | None = None  # absolute once loaded (relative to the settings file)
    # the run
    fail_on: str = "low"
    require_level: str | None = None
    include_templates: bool = False
    exclude: list[str] = field(default_factory=list)  # replaces the default exclusions
    extend_exclude: list[str] = field(default_factory=list)
    jobs: int | None = None
    output_format: str = "text"
    fix: bool = False  # write the safe fixes
    unsafe_fixes: bool = False  # with fix (or --diff): the unsafe fixes too
    show_fixes: bool = False  # the text report says what each fix does
    # where the values came from
    source: Path | None = None  # the settings file the file values came from (None: no file)
    origins: dict[str, str] = field(default_factory=dict, compare=False)  # setting -> "file:line" | "command line"

    @property
    def fixes_wanted(self) -> bool:
        """Whether fixes are worked out for this run's findings: each is checked by linting the deployment again,
        which costs about one more lint per fixable deployment, so only when the run shows or applies them."""
        return self.fix or self.unsafe_fixes or self.show_fixes

    def origin(self, name: str) -> str:
        """Where ``name``'s value came from: ``default``, ``<file>:<line>``, ``command line`` or ``API``."""
        return self.origins.get(name, "default")
