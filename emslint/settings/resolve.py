"""Which settings govern what: defaults < settings file < command line or API keywords.

* Each deployment is governed by the settings file nearest to it (ruff's hierarchical model): a settings file in
  one folder never configures the check of another folder beside it.
* Run settings (fail_on, require_level, output, jobs, exclusions, templates) come from the settings file
  nearest the working directory.
* ``--config FILE`` pins one file for everything; ``--isolated`` ignores every settings file.
* Values given on the command line (or as keyword arguments to :func:`emslint.lint`) win over files; ``ignore``
  and the ``extend_*`` lists add to the file's lists instead of replacing them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emslint.settings.files import SettingsError, find_settings_file, load_settings
from emslint.settings.model import Settings
from emslint.settings.options import OPTIONS, Invalid

EXTENDING = ("ignore", "extend_select", "extend_exclude")
"""Lists that an explicit value extends rather than replaces."""


def merge(settings: Settings, values: Mapping[str, Any], *, origin: str = "command line") -> Settings:
    """``settings`` with ``values`` (those not None) applied, validated through the option table."""
    changes: dict[str, Any] = {}
    origins = dict(settings.origins)
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        option = OPTIONS.get(key)
        if option is None:
            raise TypeError(f"unknown setting {raw_key!r}")
        if value is None:
            continue
        where = "--" + key.replace("_", "-") if origin == "command line" else f"{key}="
        try:
            typed = option.validate(_plain(value))
        except Invalid as e:
            raise SettingsError(f"{origin}: {where}: {e.message}") from None
        if option.relative_paths:
            typed = _absolute(typed)
        if key in EXTENDING:
            previous = list(getattr(settings, key))
            typed = previous + [v for v in typed if v not in previous]
            origins[key] = f"{origins[key]} + {origin}" if key in origins else origin
        else:
            origins[key] = origin
        changes[key] = typed
    return dataclasses.replace(settings, **changes, origins=origins)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, list):
        return [os.fspath(v) if isinstance(v, os.PathLike) else v for v in value]
    return value


def _absolute(value: Any) -> Any:
    if isinstance(value, list):
        return [Path(os.path.abspath(v)) for v in value]
    return Path(os.path.abspath(value))


class SettingsResolver:
    """The run's settings, and each target's, loaded once per settings file and cached per folder."""

    def __init__(
        self,
        explicit: Mapping[str, Any] | None = None,
        *,
        origin: str = "command line",
        config: Path | None = None,
        isolated: bool = False,
        cwd: Path | None = None,
    ) -> None:
        self.explicit = dict(explicit or {})
        self.origin = origin
        self.config = config
        self.isolated = isolated
        self._files: dict[Path | None, Settings] = {}
        self._targets: dict[Path | None, Settings] = {}
        self._folders: dict[Path, Path | None] = {}
        self._above: dict[str, Path | None] = {}  # every folder walked up from: its nearest settings file
        if config is not None and not Path(config).is_file():
            raise SettingsError(f"--config: no such file: {config}")
        start = Path(cwd) if cwd is not None else Path.cwd()
        self.run = self._layered(self._file_for(start))

    def for_target(self, folder: Path) -> Settings:
        """The settings governing the deployment in ``folder``: its nearest file's, with the run's run settings
        (one object per settings file, so that callers may cache work per settings object)."""
        path = self._file_for(folder)
        if path not in self._targets:
            settings = self._layered(path)
            run_values = {name: getattr(self.run, name) for name, option in OPTIONS.items() if option.scope == "run"}
            origins = {k: v for k, v in settings.origins.items() if OPTIONS[k].scope == "target"}
            origins.update({name: self.run.origin(name) for name in run_values if name in self.run.origins})
            self._targets[path] = dataclasses.replace(settings, **run_values, origins=origins)
        return self._targets[path]

    def files(self) -> list[Path]:
        """The settings files read so far."""
        return [path for path in self._files if path is not None]

    def _file_for(self, folder: Path) -> Path | None:
        if self.isolated:
            return None
        if self.config is not None:
            return Path(self.config)
        key = Path(os.path.abspath(folder))
        if key not in self._folders:
            self._folders[key] = find_settings_file(key, self._above)
        return self._folders[key]

    def _layered(self, path: Path | None) -> Settings:
        if path not in self._files:
            self._files[path] = merge(load_settings(path), self.explicit, origin=self.origin)
        return self._files[path]
