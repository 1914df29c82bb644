"""Every setting once: its name, scope, validation and help. Settings files, the command line and the library
API all read values through this table, so a value is checked the same way wherever it comes from.

Validators take the raw value (TOML or command-line) and return the typed one, or raise :class:`Invalid` with a
message that names the setting and, for lists and tables, the place below it (``at``) for a precise line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from emslint.model import SEVERITY_NAMES
from emslint.settings.model import PathIgnore
from emslint.suggest import closest

PROFILES = ("production", "development")
FAIL_ON = (*SEVERITY_NAMES, "never")
LEVELS = ("low", "medium", "high")
BUILDS = ("default", "weak")
OPENSSL = ("1.0.2", "1.1.1", "3.1")
CONTEXTS = ("auto", "device", "repository")
OUTPUT_FORMATS = ("text", "concise", "json", "jsonl", "sarif", "github", "html", "junit", "gitlab")

SELECTOR = re.compile(r"^(?:[A-Za-z]+[0-9]*|[a-z][a-z0-9]*(?:-[a-z0-9]+)*)$")
_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+){1,3}$")
_IGNORE_KEYS = ("path", "rules", "pointer", "reason", "expires")


class Invalid(Exception):
    def __init__(self, message: str, at: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.at = at  # path below the key (list index, sub-key) for a better line


Validator = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Option:
    name: str  # the field of Settings; files may write it with "-" for "_"
    scope: Literal["target", "run"]  # target: the settings nearest each deployment; run: the whole run
    validate: Validator
    help: str
    spelling: str = ""  # the documented spelling in files, when it differs from name ("per-path-ignores")
    relative_paths: bool = False  # path values are relative to the settings file's folder

    @property
    def shown(self) -> str:
        return self.spelling or self.name


def show(value: Any) -> str:
    text = repr(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "a table"
    return text if len(text) <= 60 else text[:57] + "..."


def did_you_mean(word: str, choices: tuple[str, ...], spelling: dict[str, str] | None = None) -> str:
    close = closest(word.replace("-", "_"), [c.replace("-", "_") for c in choices])
    if close is None:
        return ""
    original = next(c for c in choices if c.replace("-", "_") == close)
    return f" (did you mean {(spelling or {}).get(original, original)!r}?)"


def _enum(name: str, choices: tuple[str, ...]) -> Validator:
    def check(v: Any) -> str:
        if not isinstance(v, str):
            raise Invalid(f"{name} must be a string, one of {', '.join(choices)}; got {show(v)}")
        if v not in choices:
            raise Invalid(f"{name} must be one of {', '.join(choices)}; got {show(v)}{did_you_mean(v, choices)}")
        return v

    return check


def _selectors(name: str) -> Validator:
    def check(v: Any) -> list[str]:
        if not isinstance(v, list):
            raise Invalid(f"{name} must be a list of rule ids, names, id prefixes or groups; got {show(v)}")
        for i, s in enumerate(v):
            if not isinstance(s, str) or not SELECTOR.match(s):
                raise Invalid(
                    f'{name}[{i}] must be a rule id, name, id prefix or group (e.g. "EMS101", '
                    f'"EMS1", "secrets"); got {show(s)}',
                    (i,),
                )
        return list(v)

    return check


def _strings(name: str, what: str) -> Validator:
    def check(v: Any) -> list[str]:
        if not isinstance(v, list):
            raise Invalid(f"{name} must be a list of {what}; got {show(v)}")
        for i, s in enumerate(v):
            if not isinstance(s, str) or not s.strip():
                raise Invalid(f"{name}[{i}] must be a non-empty string ({what}); got {show(s)}", (i,))
        return list(v)

    return check


def _int(name: str, minimum: int, what: str) -> Validator:
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise Invalid(f"{name} must be an integer {what}; got {show(v)}")
        return v

    return check


def _bool(name: str) -> Validator:
    def check(v: Any) -> bool:
        if not isinstance(v, bool):
            raise Invalid(f"{name} must be true or false; got {show(v)}")
        return v

    return check


def _ems_version(v: Any) -> str:
    if not isinstance(v, str) or not _VERSION.match(v):
        raise Invalid(f'ems_version must be a version string like "5.4.10"; got {show(v)}')
    return v


def _path_string(name: str) -> Validator:
    def check(v: Any) -> str:
        if not isinstance(v, str) or not v.strip():
            raise Invalid(f"{name} must be a folder path string; got {show(v)}")
        return v

    return check


def _openssl(v: Any) -> str:
    from emslint.inspect.openssl_models import MODELS, parse_model_name  # the models' own names and aliases

    name = parse_model_name(v) if isinstance(v, str) else None
    if name is None:
        raise Invalid(f"openssl must be one of {', '.join(repr(m) for m in MODELS)}; got {show(v)}")
    return name


def _severity_table(v: Any) -> dict[str, str]:
    if not isinstance(v, dict):
        raise Invalid(f"severity must be a table of rule id or name -> severity; got {show(v)}")
    check = _enum("severity", SEVERITY_NAMES)
    out = {}
    for k, s in v.items():
        if not SELECTOR.match(k):
            raise Invalid(f"severity: {k!r} is not a rule id or name", (k,))
        try:
            out[k] = check(s)
        except Invalid as e:
            raise Invalid(f"severity.{k}: {e.message.removeprefix('severity ')}", (k,)) from None
    return out


def _expiry(where: str, v: Any) -> date:
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v)
        except ValueError:
            pass
    raise Invalid(f"{where}.expires must be a date like 2027-03-31; got {show(v)}")


def _path_ignores(v: Any) -> list[PathIgnore]:
    """Validate per-path-ignores: a list of tables {path, rules, reason, pointer}; a bad entry names what is wrong."""
    name = "per-path-ignores"
    if not isinstance(v, list):
        raise Invalid(f"{name} must be a list of tables {{path, rules, reason, pointer}}; got {show(v)}")
    out = []
    for i, item in enumerate(v):
        if isinstance(item, PathIgnore):
            out.append(item)
            continue
        where = f"{name}[{i}]"
        if not isinstance(item, dict):
            raise Invalid(f"{where} must be a table {{path, rules, reason, pointer}}; got {show(item)}", (i,))
        for k in item:
            if k not in _IGNORE_KEYS:
                raise Invalid(f"{where}: unknown key {k!r}{did_you_mean(k, _IGNORE_KEYS)}", (i, k))
        for k in ("path", "rules", "reason"):
            if k not in item:
                raise Invalid(f"{where}: {k!r} is required", (i,))
        if not isinstance(item["path"], str) or not item["path"].strip():
            raise Invalid(f"{where}.path must be a non-empty glob string; got {show(item['path'])}", (i, "path"))
        try:
            rules = _selectors(f"{where}.rules")(item["rules"])
        except Invalid as e:
            raise Invalid(e.message, (i, "rules", *e.at)) from None
        if not rules:
            raise Invalid(f"{where}.rules must name at least one rule", (i, "rules"))
        reason = item["reason"]
        if not isinstance(reason, str) or not reason.strip():
            raise Invalid(f"{where}.reason must be a non-empty string saying why; got {show(reason)}", (i, "reason"))
        pointer = item.get("pointer")
        if pointer is not None and (not isinstance(pointer, str) or (pointer and not pointer.startswith("/"))):
            raise Invalid(
                f'{where}.pointer must be a JSON pointer string starting with "/"; got {show(pointer)}', (i, "pointer")
            )
        expires = None
        if "expires" in item:
            try:
                expires = _expiry(where, item["expires"])
            except Invalid as e:
                raise Invalid(e.message, (i, "expires")) from None
        out.append(PathIgnore(item["path"], rules, reason.strip(), pointer, expires=expires))
    return out


OPTIONS: dict[str, Option] = {
    o.name: o
    for o in (
        Option("profile", "target", _enum("profile", PROFILES),
               "production (default) or development: self-signed certificates and verbose logging become info"),
        Option("select", "target", _selectors("select"),
               "show only these rules: ids, names, id prefixes, groups (the levels always count every rule)"),
        Option("extend_select", "target", _selectors("extend_select"), "add these rules to the selection"),
        Option("ignore", "target", _selectors("ignore"), "hide these rules (ids, names, id prefixes, groups)"),
        Option("per_path_ignores", "target", _path_ignores,
               "hide rules in files matching a glob, with a reason (and an expiry date)", spelling="per-path-ignores"),
        Option("severity", "target", _severity_table, "rule id or name -> severity"),
        Option("ems_version", "target", _ems_version, "EMS release, e.g. 5.4.10 (obsolete keys, FIPS, OpenSSL model)"),
        Option("openssl", "target", _openssl,
               "OpenSSL of the EMS: 1.0.2, 1.1.1 or 3.1 (default: from ems_version)"),
        Option("platform_java", "target", _int("platform_java", 7, "(7, or 8 and above)"),
               "Java major version of the ThingWorx platform (7 enables the kEDH checks)"),
        Option("build", "target", _enum("build", BUILDS),
               "OpenSSL build of the EMS: default, or weak (enable-weak-ssl-ciphers)"),
        Option("context", "target", _enum("context", CONTEXTS),
               "auto (a git work tree is a repository), device (the tree is the live gateway: check file modes) "
               "or repository (file modes are git's: not checked)"),
        Option("inline_suppressions", "target", _bool("inline_suppressions"),
               "honour `-- emslint: ignore[...]` comments in config.lua"),
        Option("allow_outside", "target", _strings("allow_outside", "folder paths"),
               "folders outside the scanned path whose certificates and keys may be read", relative_paths=True),
        Option("extra_rules", "target", _path_string("extra_rules"), "a folder of your own rule files",
               relative_paths=True),
        Option("fail_on", "run", _enum("fail_on", FAIL_ON), "lowest severity that fails the run (default low)"),
        Option("require_level", "run", _enum("require_level", LEVELS),
               "also fail when a deployment is below this level (or unknown)"),
        Option("include_templates", "run", _bool("include_templates"),
               "also lint config.json.minimal|complete|documented and config.lua.example"),
        Option("exclude", "run", _strings("exclude", "globs"), "paths not to scan (replaces the default list)"),
        Option("extend_exclude", "run", _strings("extend_exclude", "globs"), "more paths not to scan"),
        Option("jobs", "run", _int("jobs", 1, ">= 1"), "processes for many targets (default: the cores)"),
        Option("output_format", "run", _enum("output_format", OUTPUT_FORMATS), "report format (default text)"),
        Option("fix", "run", _bool("fix"), "apply the safe fixes to the files in place, then report what is left"),
        Option("unsafe_fixes", "run", _bool("unsafe_fixes"),
               "with fix or --diff, also the unsafe fixes (they change what the EMS or LSR does)"),
        Option("show_fixes", "run", _bool("show_fixes"), "say under each fixable finding what its fix does"),
    )
}

SPELLING: dict[str, str] = {name: option.shown for name, option in OPTIONS.items()}
