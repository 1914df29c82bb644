"""Settings: one typed object (:class:`Settings`), read from defaults, settings files, the command line and the
library API through one option table (:mod:`emslint.settings.options`), each value knowing where it came from.

* :mod:`~emslint.settings.model`: the :class:`Settings` and :class:`PathIgnore` types;
* :mod:`~emslint.settings.options`: every setting once, with its validation and help;
* :mod:`~emslint.settings.files`: finding and reading ``.emslint.toml`` / ``pyproject.toml``;
* :mod:`~emslint.settings.toml_lines`: the lines of keys, for messages;
* :mod:`~emslint.settings.resolve`: which settings govern the run and each deployment.
"""

from emslint.settings.files import SettingsError, find_settings_file, load_settings
from emslint.settings.model import PathIgnore, Settings
from emslint.settings.options import OPTIONS
from emslint.settings.resolve import SettingsResolver, merge

__all__ = [
    "OPTIONS",
    "PathIgnore",
    "Settings",
    "SettingsError",
    "SettingsResolver",
    "find_settings_file",
    "load_settings",
    "merge",
]
