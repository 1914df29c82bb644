"""Settings files: ``.emslint.toml`` (top-level keys, like ruff.toml) or pyproject.toml's ``[tool.emslint]``.

:func:`find_settings_file` walks up from a folder to the first one holding ``.emslint.toml`` or a
``pyproject.toml`` with a ``[tool.emslint]`` table (``.emslint.toml`` wins in the same folder).
:func:`load_settings` reads one file into a :class:`Settings` whose ``origins`` name the file and line of each
value. Every key may be written with ``_`` or ``-``. Unknown keys and bad values raise :class:`SettingsError`
with a one-line ``file:line: [table] message``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from emslint import run_memo
from emslint.settings.model import Settings
from emslint.settings.options import OPTIONS, SPELLING, Invalid, did_you_mean
from emslint.settings.toml_lines import key_lines, norm, syntax_error

SETTINGS_FILE = ".emslint.toml"
PYPROJECT = "pyproject.toml"


class SettingsError(Exception):
    """Bad settings; the message is one line naming the file, the line and the key."""


def find_settings_file(start: Path, known: dict[str, Path | None] | None = None) -> Path | None:
    """The nearest settings file at or above ``start`` (a file's folder, or a folder). ``known`` (folder -> its
    nearest file) holds what earlier calls found and receives what this one finds: a fleet's deployments share the
    folders above them."""
    here = Path(os.path.abspath(start))
    if not here.is_dir():
        here = here.parent
    return run_memo.nearest_above(str(here), _settings_file_in, {} if known is None else known)


def _settings_file_in(folder: str) -> Path | None:
    """``.emslint.toml``, else a pyproject.toml with ``[tool.emslint]``, in ``folder``."""
    candidate = Path(folder) / SETTINGS_FILE
    if candidate.is_file():
        return candidate
    pyproject = Path(folder) / PYPROJECT
    if pyproject.is_file() and _has_tool_emslint(pyproject):
        return pyproject
    return None


def _has_tool_emslint(pyproject: Path) -> bool:
    import tomllib  # ~15 ms of import, only when a pyproject.toml is on the way up

    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        # Broken TOML that seems to configure us: return it, so that loading reports the syntax error.
        return bool(re.search(r"^\s*\[\s*tool\s*\.\s*emslint\b|^\s*tool\s*\.\s*emslint\s*\.", text, re.M))
    tool = data.get("tool")
    return isinstance(tool, dict) and "emslint" in tool


def load_settings(path: Path | None) -> Settings:
    """Settings from ``path`` over the defaults (``None``: the defaults). A file named pyproject.toml is read
    from [tool.emslint]; any other file holds top-level keys."""
    if path is None:
        return Settings()
    import tomllib

    path = Path(path)
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{shown}: settings file not found") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{shown}: settings file is not UTF-8") from None
    except OSError as e:
        raise SettingsError(f"{shown}: cannot read settings file: {e.strerror or e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(syntax_error(shown, text, e)) from None

    is_pyproject = path.name == PYPROJECT
    table: Any = data
    prefix: tuple[str, ...] = ()
    if is_pyproject:
        tool = data.get("tool")
        table = tool.get("emslint") if isinstance(tool, dict) else None
        if table is None:
            raise SettingsError(f"{shown}: no [tool.emslint] table")
        prefix = ("tool", "emslint")
        if not isinstance(table, dict):
            raise _Lines(shown, text, prefix, "[tool.emslint] ").error((), "tool.emslint must be a table")
    lines = _Lines(shown, text, prefix, "[tool.emslint] " if is_pyproject else "")
    values, origins = _parse_table(table, lines, base=Path(os.path.abspath(path)).parent, in_pyproject=is_pyproject)
    return Settings(**values, source=path, origins=origins)


def _parse_table(
    table: dict[str, Any], lines: _Lines, *, base: Path, in_pyproject: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    seen: dict[str, str] = {}
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        option = OPTIONS.get(key)
        if option is None:
            if not in_pyproject and raw_key == "tool":
                message = (f"unknown setting 'tool' (in {SETTINGS_FILE} settings are top-level keys, "
                           "without [tool.emslint])")
            else:
                message = f"unknown setting {raw_key!r}{did_you_mean(key, tuple(OPTIONS), SPELLING)}"
            raise lines.error((raw_key,), message)
        if key in seen:
            raise lines.error((raw_key,), f"setting {option.shown!r} given twice (as {seen[key]!r} and {raw_key!r})")
        seen[key] = raw_key
        try:
            values[key] = option.validate(value)
        except Invalid as e:
            raise lines.error((raw_key, *e.at), e.message) from None
        origins[key] = f"{lines.shown}:{lines.line((raw_key,))}"
        if option.relative_paths:
            values[key] = _absolute(values[key], base)
    for i, item in enumerate(values.get("per_path_ignores", [])):
        item.line = lines.line((seen["per_path_ignores"], i))
    return values, origins


def _absolute(value: Any, base: Path) -> Any:
    if isinstance(value, list):
        return [Path(os.path.normpath(base / v)) for v in value]
    return Path(os.path.normpath(base / value))


class _Lines:
    """The line of a key path in the file, for messages and origins."""

    def __init__(self, shown: str, text: str, prefix: tuple[str, ...], label: str) -> None:
        self.shown, self.prefix, self.label = shown, prefix, label
        self._exact = key_lines(text)
        self._loose: dict[tuple[Any, ...], int] = {}  # "-" and "_" alike
        for path, line in self._exact.items():
            self._loose.setdefault(tuple(norm(p) for p in path), line)

    def line(self, at: tuple[Any, ...]) -> int:
        path = (*self.prefix, *at)
        while path:
            if path in self._exact:
                return self._exact[path]
            loose = tuple(norm(p) for p in path)
            if loose in self._loose:
                return self._loose[loose]
            path = path[:-1]
        return 1

    def error(self, at: tuple[Any, ...], message: str) -> SettingsError:
        return SettingsError(f"{self.shown}:{self.line(at)}: {self.label}{message}")


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it, else as given."""
    try:
        rel = os.path.relpath(os.path.abspath(path))
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)
