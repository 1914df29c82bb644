"""Project settings: ``.emslint.toml`` (top-level keys, like ruff.toml) or pyproject.toml's [tool.emslint].

Precedence: command line > ``--config FILE`` > discovered file > defaults. Discovery walks up from the
target to the first directory holding ``.emslint.toml`` or a ``pyproject.toml`` with a ``[tool.emslint]``
table; ``.emslint.toml`` wins in the same directory. A pyproject.toml without the table is skipped.

Every key may be written with ``_`` or ``-`` (``fail_on`` / ``fail-on``, ``per-path-ignores`` /
``per_path_ignores``). Unknown keys and bad values raise :class:`SettingsError` with a one-line
``file:line: [table] message``; tomllib gives no positions, so the line is found by scanning the text.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emslint.rules.model import Rule

if TYPE_CHECKING:
    import tomllib

# tomllib and difflib are imported where they are used: a run without a settings file needs neither
# (docs/decisions/0003-startup-and-fleet.md).

PROFILES = ("production", "development")
FAIL_ON = ("critical", "high", "medium", "low", "info", "never")
LEVELS = ("low", "medium", "high")
SEVERITIES = ("critical", "high", "medium", "low", "info")
SETTINGS_FILE = ".emslint.toml"
PYPROJECT = "pyproject.toml"


class SettingsError(Exception):
    """Bad settings; the message is one line naming the file, the line and the key."""


@dataclass(slots=True)
class PathIgnore:
    path: str  # fnmatch glob on forward-slash paths, relative to the settings file's directory
    rules: list[str]  # selectors: ids, names, id prefixes, groups
    reason: str
    pointer: str | None = None  # only this pointer and the values below it; None = anywhere in the file
    line: int = 0  # where it was declared (for "unused ignore" reports)


@dataclass(slots=True)
class Settings:
    profile: str = "production"
    fail_on: str = "low"
    require_level: str | None = None
    select: list[str] | None = None  # None = every rule
    ignore: list[str] = field(default_factory=list)
    per_path_ignores: list[PathIgnore] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule id or name -> severity
    platform_java: int | None = None
    ems_version: str | None = None
    openssl: str | None = None  # "1.0.2" | "1.1.1" | "3.1": the EMS's OpenSSL, overriding what ems_version implies
    extra_rules: Path | None = None  # absolute once loaded (relative to the settings file)
    include_templates: bool = False
    jobs: int | None = None
    source: Path | None = None  # the settings file these came from


_KEYS = (
    "profile",
    "fail_on",
    "require_level",
    "select",
    "ignore",
    "per_path_ignores",
    "severity",
    "platform_java",
    "ems_version",
    "openssl",
    "extra_rules",
    "include_templates",
    "jobs",
)
# How each key is spelled in messages (the documented spelling).
_SPELLING = {k: k for k in _KEYS} | {"per_path_ignores": "per-path-ignores"}
_IGNORE_KEYS = ("path", "rules", "pointer", "reason")

_SELECTOR = re.compile(r"^(?:[A-Za-z]+[0-9]*|[a-z][a-z0-9]*(?:-[a-z0-9]+)*)$")
_ID_PREFIX = re.compile(r"[A-Z]+[0-9]*")
_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+){1,3}$")


# ---- discovery and loading ----------------------------------------------------------------------------


def find_settings_file(start: Path) -> Path | None:
    """The nearest settings file at or above ``start`` (a file's directory, or a directory)."""
    here = Path(os.path.abspath(start))
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / SETTINGS_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_emslint(pyproject):
            return pyproject
    return None


def _has_tool_emslint(pyproject: Path) -> bool:
    import tomllib

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
    """Settings from ``path`` (``None`` = defaults). A file named pyproject.toml is read from [tool.emslint];
    any other file holds top-level keys."""
    if path is None:
        return Settings()
    path = Path(path)
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{shown}: settings file not found") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{shown}: settings file is not UTF-8") from None
    except OSError as e:
        raise SettingsError(f"{shown}: cannot read settings file: {e.strerror or e}") from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _syntax_error(shown, text, e) from None

    is_pyproject = path.name == PYPROJECT
    if is_pyproject:
        tool = data.get("tool")
        table = tool.get("emslint") if isinstance(tool, dict) else None
        if table is None:
            raise SettingsError(f"{shown}: no [tool.emslint] table")
        prefix: tuple[str, ...] = ("tool", "emslint")
        if not isinstance(table, dict):
            raise _Reporter(shown, text, prefix, "[tool.emslint] ").error((), "tool.emslint must be a table")
    else:
        table, prefix = data, ()
    reporter = _Reporter(shown, text, prefix, "[tool.emslint] " if is_pyproject else "")
    settings = _parse_table(
        table, reporter, base=Path(os.path.abspath(path)).parent, in_pyproject=is_pyproject
    )
    settings.source = path
    return settings


def merge_cli(settings: Settings, **cli_values: Any) -> Settings:
    """Command-line values (those not None) replace the file's. Lists replace, they do not extend."""
    changes: dict[str, Any] = {}
    for raw_key, value in cli_values.items():
        key = raw_key.replace("-", "_")
        if key not in _KEYS:
            raise TypeError(f"merge_cli: unknown setting {raw_key!r}")
        if value is None:
            continue
        where = "--" + key.replace("_", "-")
        if key == "extra_rules":
            if not isinstance(value, (str, os.PathLike)):
                raise SettingsError(f"command line: {where}: must be a path")
            changes[key] = Path(os.path.abspath(value))
            continue
        if key == "per_path_ignores" and all(isinstance(v, PathIgnore) for v in value):
            changes[key] = list(value)
            continue
        try:
            changes[key] = _VALIDATORS[key](value)
        except _Invalid as e:
            raise SettingsError(f"command line: {where}: {e.message}") from None
    return dataclasses.replace(settings, **changes)


# ---- selection ------------------------------------------------------------------------------------------


def selector_matches(selector: str, rule: Rule) -> bool:
    """An id ("EMS101"), an id prefix ("EMS1"), a name ("platform-encryption-none") or a group ("secrets")."""
    s = selector.strip()
    if not s:
        return False
    if s.casefold() in (rule.id.casefold(), rule.name.casefold(), rule.group.casefold()):
        return True
    # Prefixes are upper case ("EMS1"), so that a lower-case group or name is never read as one.
    return bool(_ID_PREFIX.fullmatch(s)) and rule.id.startswith(s)


def rule_selected(settings: Settings, rule: Rule) -> bool:
    """``ignore`` wins over ``select``, whatever their specificity."""
    if any(selector_matches(s, rule) for s in settings.ignore):
        return False
    return settings.select is None or any(selector_matches(s, rule) for s in settings.select)


def severity_override(settings: Settings, rule: Rule) -> str | None:
    """The ``severity`` table's value for ``rule`` (its id wins over its name), or None."""
    for key in (rule.id, rule.name):
        for k, v in settings.severity.items():
            if k.casefold() == key.casefold():
                return v
    return None


def path_ignored(settings: Settings, rule: Rule, file: str, pointer: str) -> PathIgnore | None:
    """The first per-path ignore covering (rule, file, pointer), or None.

    Globs use fnmatch (``*`` also crosses ``/``) on forward-slash paths, tried against the file relative to
    the settings file's directory (when it lies below it) and as displayed; a glob without ``/`` is also
    tried against the file's base name. A pointer matches itself and everything below it.
    """
    candidates = _path_candidates(file, settings.source)
    for item in settings.per_path_ignores:
        if not any(selector_matches(s, rule) for s in item.rules):
            continue
        if (
            item.pointer not in (None, "")
            and pointer != item.pointer
            and not pointer.startswith(item.pointer.rstrip("/") + "/")
        ):
            continue
        if _glob_matches(item.path, candidates):
            return item
    return None


def unknown_selectors(settings: Settings, rules: list[Rule]) -> list[str]:
    """Selectors in select/ignore/per-path-ignores/severity that match no rule (for a CLI warning)."""
    used = [
        *(settings.select or []),
        *settings.ignore,
        *(s for p in settings.per_path_ignores for s in p.rules),
    ]
    unknown = [s for s in used if not any(selector_matches(s, r) for r in rules)]
    names = {r.id.casefold() for r in rules} | {r.name.casefold() for r in rules}
    unknown += [k for k in settings.severity if k.casefold() not in names]
    return list(dict.fromkeys(unknown))


def _path_candidates(file: str, source: Path | None) -> list[str]:
    shown = file.replace("\\", "/")
    while shown.startswith("./"):
        shown = shown[2:]
    candidates = [shown]
    if source is not None:
        root = os.path.dirname(os.path.abspath(source))
        absolute = os.path.abspath(file)
        rel = (
            os.path.relpath(absolute, root)
            if os.path.splitdrive(absolute)[0] == os.path.splitdrive(root)[0]
            else ""
        )
        rel = rel.replace("\\", "/")
        if rel and rel != ".." and not rel.startswith("../"):
            candidates.insert(0, rel)
    return list(dict.fromkeys(candidates))


def _glob_matches(pattern: str, candidates: list[str]) -> bool:
    pattern = pattern.replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    patterns = [pattern]
    if pattern.startswith("**/"):
        patterns.append(pattern[3:])  # "**/config.lua" also matches a config.lua at the root
    for p in patterns:
        for c in candidates:
            if fnmatch.fnmatchcase(c, p):
                return True
            if "/" not in p and fnmatch.fnmatchcase(c.rsplit("/", 1)[-1], p):
                return True
    return False


# ---- validation ---------------------------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, message: str, at: tuple = ()) -> None:
        super().__init__(message)
        self.message = message
        self.at = at  # path below the key (list index, sub-key) for a better line


def _enum(name: str, choices: tuple[str, ...]):
    def check(v: Any) -> str:
        if not isinstance(v, str):
            raise _Invalid(f"{name} must be a string, one of {', '.join(choices)}; got {_show(v)}")
        if v not in choices:
            hint = _did_you_mean(v, choices)
            raise _Invalid(f"{name} must be one of {', '.join(choices)}; got {_show(v)}{hint}")
        return v

    return check


def _selectors(name: str):
    def check(v: Any) -> list[str]:
        if not isinstance(v, list):
            raise _Invalid(f"{name} must be a list of rule ids, names, id prefixes or groups; got {_show(v)}")
        for i, s in enumerate(v):
            if not isinstance(s, str) or not _SELECTOR.match(s):
                raise _Invalid(
                    f'{name}[{i}] must be a rule id, name, id prefix or group (e.g. "EMS101", '
                    f'"EMS1", "secrets"); got {_show(s)}',
                    (i,),
                )
        return list(v)

    return check


def _int(name: str, minimum: int, what: str):
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise _Invalid(f"{name} must be an integer {what}; got {_show(v)}")
        if v < minimum:
            raise _Invalid(f"{name} must be an integer {what}; got {v}")
        return v

    return check


def _bool(name: str):
    def check(v: Any) -> bool:
        if not isinstance(v, bool):
            raise _Invalid(f"{name} must be true or false; got {_show(v)}")
        return v

    return check


def _ems_version(v: Any) -> str:
    if not isinstance(v, str) or not _VERSION.match(v):
        raise _Invalid(f'ems_version must be a version string like "5.4.10"; got {_show(v)}')
    return v


def _openssl(v: Any) -> str:
    from emslint.inspect.openssl_models import MODELS, parse_model_name

    name = parse_model_name(v) if isinstance(v, str) else None
    if name is None:
        raise _Invalid(f"openssl must be one of {', '.join(repr(m) for m in MODELS)}; got {_show(v)}")
    return name


def _severity_table(v: Any) -> dict[str, str]:
    if not isinstance(v, dict):
        raise _Invalid(f"severity must be a table of rule id or name -> severity; got {_show(v)}")
    check = _enum("severity", SEVERITIES)
    out = {}
    for k, s in v.items():
        if not _SELECTOR.match(k):
            raise _Invalid(f"severity: {k!r} is not a rule id or name", (k,))
        try:
            out[k] = check(s)
        except _Invalid as e:
            raise _Invalid(f"severity.{k}: {e.message.removeprefix('severity ')}", (k,)) from None
    return out


def _path_ignores(v: Any) -> list[PathIgnore]:
    name = "per-path-ignores"
    if not isinstance(v, list):
        raise _Invalid(f"{name} must be a list of tables {{path, rules, reason, pointer}}; got {_show(v)}")
    out = []
    for i, item in enumerate(v):
        where = f"{name}[{i}]"
        if not isinstance(item, dict):
            raise _Invalid(
                f"{where} must be a table {{path, rules, reason, pointer}}; got {_show(item)}", (i,)
            )
        for k in item:
            if k not in _IGNORE_KEYS:
                hint = _did_you_mean(k, _IGNORE_KEYS)
                raise _Invalid(f"{where}: unknown key {k!r}{hint}", (i, k))
        for k in ("path", "rules", "reason"):
            if k not in item:
                raise _Invalid(f"{where}: {k!r} is required", (i,))
        if not isinstance(item["path"], str) or not item["path"].strip():
            raise _Invalid(
                f"{where}.path must be a non-empty glob string; got {_show(item['path'])}", (i, "path")
            )
        rules = item["rules"]
        try:
            rules = _selectors(f"{where}.rules")(rules)
        except _Invalid as e:
            raise _Invalid(e.message, (i, "rules", *e.at)) from None
        if not rules:
            raise _Invalid(f"{where}.rules must name at least one rule", (i, "rules"))
        reason = item["reason"]
        if not isinstance(reason, str) or not reason.strip():
            raise _Invalid(
                f"{where}.reason must be a non-empty string saying why; got {_show(reason)}", (i, "reason")
            )
        pointer = item.get("pointer")
        if pointer is not None and (
            not isinstance(pointer, str) or (pointer and not pointer.startswith("/"))
        ):
            raise _Invalid(
                f'{where}.pointer must be a JSON pointer string starting with "/"; got {_show(pointer)}',
                (i, "pointer"),
            )
        out.append(PathIgnore(path=item["path"], rules=rules, reason=reason.strip(), pointer=pointer))
    return out


def _path_string(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise _Invalid(f"extra_rules must be a folder path string; got {_show(v)}")
    return v


_VALIDATORS = {
    "profile": _enum("profile", PROFILES),
    "fail_on": _enum("fail_on", FAIL_ON),
    "require_level": _enum("require_level", LEVELS),
    "select": _selectors("select"),
    "ignore": _selectors("ignore"),
    "per_path_ignores": _path_ignores,
    "severity": _severity_table,
    "platform_java": _int("platform_java", 7, "(7, or 8 and above)"),
    "ems_version": _ems_version,
    "openssl": _openssl,
    "extra_rules": _path_string,
    "include_templates": _bool("include_templates"),
    "jobs": _int("jobs", 1, ">= 1"),
}


def _parse_table(table: dict, reporter: _Reporter, *, base: Path, in_pyproject: bool) -> Settings:
    seen: dict[str, str] = {}
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in _KEYS:
            if not in_pyproject and raw_key == "tool":
                msg = (
                    f"unknown setting 'tool' (in {SETTINGS_FILE} settings are top-level keys, "
                    "without [tool.emslint])"
                )
            else:
                msg = f"unknown setting {raw_key!r}{_did_you_mean(key, _KEYS, _SPELLING)}"
            raise reporter.error((raw_key,), msg)
        if key in seen:
            raise reporter.error(
                (raw_key,), f"setting {_SPELLING[key]!r} given twice (as {seen[key]!r} and {raw_key!r})"
            )
        seen[key] = raw_key
        try:
            values[key] = _VALIDATORS[key](value)
        except _Invalid as e:
            raise reporter.error((raw_key, *e.at), e.message) from None
    for i, item in enumerate(values.get("per_path_ignores", [])):
        item.line = reporter.line((seen["per_path_ignores"], i))
    if "extra_rules" in values:
        values["extra_rules"] = Path(os.path.normpath(base / values["extra_rules"]))
    return Settings(**values)


# ---- messages and positions ---------------------------------------------------------------------------


class _Reporter:
    def __init__(self, shown: str, text: str, prefix: tuple[str, ...], label: str) -> None:
        self.shown, self.prefix, self.label = shown, prefix, label
        self._exact = _key_lines(text)
        self._loose: dict[tuple, int] = {}  # "-" and "_" alike: for keys looked up by their canonical name
        for path, line in self._exact.items():
            self._loose.setdefault(tuple(_norm(p) for p in path), line)

    def line(self, at: tuple) -> int:
        path = (*self.prefix, *at)
        while path:
            if path in self._exact:
                return self._exact[path]
            loose = tuple(_norm(p) for p in path)
            if loose in self._loose:
                return self._loose[loose]
            path = path[:-1]
        return 1

    def error(self, at: tuple, message: str) -> SettingsError:
        return SettingsError(f"{self.shown}:{self.line(at)}: {self.label}{message}")


def _norm(part: Any) -> Any:
    return part.replace("-", "_") if isinstance(part, str) else part


def _key_lines(text: str) -> dict[tuple, int]:
    """First line of every key path in (valid) TOML text: ("tool", "emslint", "fail_on") -> 14.

    Array items get their index: ("tool", "emslint", "per-path-ignores", 0) is the line of the first
    ``[[...]]`` header or inline ``{``. Keys are kept as written (quotes removed).
    """
    scanner = _TomlScanner(text)
    try:
        scanner.scan()
    except (ValueError, IndexError):  # a construct the scanner does not know: keep what it found
        pass
    return scanner.found


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}\s#]+")
_TIME_AFTER_SPACE = re.compile(r" [0-9]{2}:[^,\]}\s#]*")


class _TomlScanner:
    def __init__(self, text: str) -> None:
        self.s, self.i, self.line = text, 0, 1
        self.found: dict[tuple, int] = {}
        self.arrays: dict[tuple, int] = {}  # [[array of tables]] -> next index

    def scan(self) -> None:
        table: tuple = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.s):
                return
            if self.s[self.i] == "[":
                table = self._header()
            else:
                key = self._key()
                self._record((*table, *key))
                self._expect("=")
                self._value((*table, *key))
            self._skip(newlines=False)

    def _record(self, path: tuple) -> None:
        for n in range(1, len(path) + 1):
            self.found.setdefault(path[:n], self.line)

    def _header(self) -> tuple:
        double = self.s.startswith("[[", self.i)
        self.i += 2 if double else 1
        self._skip(newlines=False)
        key = self._key()
        self._skip(newlines=False)
        self.i += 2 if double else 1
        if double:
            n = self.arrays.get(key, 0)
            self.arrays[key] = n + 1
            key = (*key, n)
            self.found[key] = self.line
        self._record(key)
        return key

    def _key(self) -> tuple:
        parts = []
        while True:
            self._skip(newlines=False)
            c = self.s[self.i]
            if c in "\"'":
                parts.append(self._string())
            else:
                m = _BARE_KEY.match(self.s, self.i)
                if not m:
                    raise ValueError(f"unexpected {c!r} at line {self.line}")
                parts.append(m.group())
                self.i = m.end()
            self._skip(newlines=False)
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return tuple(parts)

    def _expect(self, ch: str) -> None:
        self._skip(newlines=False)
        if self.s[self.i] != ch:
            raise ValueError(f"expected {ch!r} at line {self.line}")
        self.i += 1

    def _value(self, path: tuple) -> None:
        self._skip(newlines=False)
        c = self.s[self.i]
        if c == "[":
            self.i += 1
            n = 0
            while True:
                self._skip(newlines=True)
                if self.s[self.i] == "]":
                    self.i += 1
                    return
                self.found.setdefault((*path, n), self.line)
                self._value((*path, n))
                self._skip(newlines=True)
                if self.s[self.i] == ",":
                    self.i += 1
                n += 1
        elif c == "{":
            self.i += 1
            while True:
                self._skip(newlines=True)
                if self.s[self.i] == "}":
                    self.i += 1
                    return
                key = self._key()
                self._record((*path, *key))
                self._expect("=")
                self._value((*path, *key))
                self._skip(newlines=True)
                if self.s[self.i] == ",":
                    self.i += 1
        elif c in "\"'":
            self._string()
        else:
            m = _SCALAR.match(self.s, self.i)
            self.i = m.end() if m else self.i + 1
            # Date-times may contain one space ("1979-05-27 07:32:00").
            m = _TIME_AFTER_SPACE.match(self.s, self.i)
            if m:
                self.i = m.end()

    def _string(self) -> str:
        q = self.s[self.i]
        if self.s.startswith(q * 3, self.i):
            end = self.s.find(q * 3, self.i + 3)
            while q == '"' and end != -1 and _escaped(self.s, end):
                end = self.s.find(q * 3, end + 1)
            end += 3
            while end < len(self.s) and self.s[end] == q:  # up to two quotes may end the content
                end += 1
            value = self.s[self.i + 3 : end - 3]
        else:
            end = self.i + 1
            while self.s[end] != q:
                end += 2 if q == '"' and self.s[end] == "\\" else 1
            end += 1
            value = self.s[self.i + 1 : end - 1]
        self.line += self.s.count("\n", self.i, end)
        self.i = end
        return value

    def _skip(self, *, newlines: bool) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "#":
                nl = self.s.find("\n", self.i)
                self.i = len(self.s) if nl == -1 else nl
            elif c == "\n" and newlines:
                self.line += 1
                self.i += 1
            elif c in " \t\r" or (c == "\n" and newlines):
                self.i += 1
            else:
                return


def _escaped(s: str, pos: int) -> bool:
    n = 0
    while pos - n - 1 >= 0 and s[pos - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _syntax_error(shown: str, text: str, e: tomllib.TOMLDecodeError) -> SettingsError:
    msg = str(e)
    m = re.search(r"\(at line (\d+), column (\d+)\)$", msg)
    if m:
        line = int(m.group(1))
        detail = msg[: m.start()].strip() + f" (column {m.group(2)})"
    else:
        line = text.count("\n") + 1  # where tomllib would put it
        detail = msg.replace("(at end of document)", "(at end of file)").strip()
    return SettingsError(f"{shown}:{line}: invalid TOML: {detail}")


def _did_you_mean(word: str, choices: tuple[str, ...], spelling: dict[str, str] | None = None) -> str:
    import difflib

    close = difflib.get_close_matches(
        word.replace("-", "_"), [c.replace("-", "_") for c in choices], n=1, cutoff=0.6
    )
    if not close:
        return ""
    best = close[0]
    original = next(c for c in choices if c.replace("-", "_") == best)
    return f" (did you mean {(spelling or {}).get(original, original)!r}?)"


def _show(v: Any) -> str:
    text = repr(v)
    if isinstance(v, bool):
        text = "true" if v else "false"
    elif isinstance(v, dict):
        text = "a table"
    return text if len(text) <= 60 else text[:57] + "..."


def _display(path: Path) -> str:
    """The path relative to the working directory when it lies below it, else as given."""
    try:
        rel = os.path.relpath(os.path.abspath(path))
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)
