"""Load the rule files (``rules/*.toml``, plus a user's extra folder) into `Rule` objects.

The TOML files are the rules. Parsing all of them costs ~100 ms, most of a one-folder run, so the shipped
rules' parsed data is also kept as one JSON file in the user's cache folder, named by a hash of the rule
files' names and contents: any edit gives a new name, and a cache that cannot be read or written is simply
not used (see docs/decisions/0003-startup-and-fleet.md). ``EMSLINT_NO_CACHE=1`` turns it off;
``EMSLINT_CACHE_DIR`` moves it.

A cache that someone else could have written would let them switch rules off, so the folder and the file
are checked and held open before use (:mod:`emslint.user_cache`); on Windows (no ``dir_fd``) there is no cache.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from emslint.model import Cap, Severity
from emslint.rules.engine import precompile
from emslint.rules.model import Example, FixSpec, Match, Rule, RuleFileError
from emslint.rules.paths import shipped_rules_dir
from emslint.rules.selectors import unknown_selector_message
from emslint.schema.compiler import SchemaCompileError
from emslint.settings.files import SettingsError
from emslint.settings.model import Settings
from emslint.user_cache import CacheFolder, open_cache


def _examples(items: list[dict[str, Any]] | None) -> list[Example]:
    return [Example(language=i["language"], code=i["code"].strip("\n")) for i in items or []]


def rule_from_data(data: dict[str, Any], path: str = "") -> Rule:
    """A Rule from one rule file's parsed TOML; a missing or wrong field is a RuleFileError naming ``path``."""
    try:
        doc = data["doc"]
        severity = Severity.parse(data["severity"])
        return Rule(
            id=data["id"],
            name=data["name"],
            title=data["title"],
            summary=data["summary"],
            severity=severity,
            link=data.get("link"),
            caps=Cap(data["caps"]) if data.get("caps") else None,
            message=data["message"],
            group=data["group"],
            what=doc["what"].strip(),
            why=doc["why"].strip(),
            fix=doc["fix"].strip(),
            bad=_examples(doc.get("bad")),
            good=_examples(doc.get("good")),
            sources=list(doc.get("sources", {}).get("urls", [])),
            matches=[
                Match(
                    pointer=m["pointer"],
                    schema=m["schema"],
                    when=m.get("when"),
                    link=m.get("link"),
                    message=m.get("message"),
                )
                for m in data.get("match", [])
            ],
            profiles=tuple(data.get("profiles", ("production", "development"))),
            severity_by_profile={k: Severity.parse(v) for k, v in data.get("severity_by_profile", {}).items()},
            cwe=list(data.get("cwe", [])),
            precision=data.get("precision", "high"),
            status=data.get("status", "stable"),
            since=data.get("since", "0.1.0"),
            options=list(data.get("options", [])),
            fixes=_fixes(data.get("fix")),
            path=path,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RuleFileError(f"{path}: invalid rule file ({type(exc).__name__}: {exc})") from None


def _fixes(raw: Any) -> list[FixSpec]:
    """The ``[fix]`` table or ``[[fix]]`` array of a rule file."""
    if raw is None:
        return []
    entries = raw if isinstance(raw, list) else [raw]
    return [
        FixSpec(
            kind=e["kind"],
            applicability=e["applicability"],
            description=e["description"],
            pointer=e.get("pointer"),
            when=e.get("when"),
            message=e.get("message"),
            value=e.get("value"),
            value_from=e.get("value_from"),
            escapes=e.get("escapes"),
            mode_remove=int(e.get("mode_remove", "0"), 8),
            only=e.get("only", ""),
        )
        for e in entries
    ]


def load_rule_file(path: Path) -> Rule:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot read rule file ({exc})") from None
    return rule_from_data(_parse_toml(path, raw), str(path))


def _parse_toml(path: Path, raw: bytes) -> dict[str, Any]:
    import tomllib  # ~15 ms of import, only when a rule file is parsed

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"{path}: cannot read rule file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{path}: {exc}") from None


def _read_cache(folder: CacheFolder, name: str, names: list[str]) -> list[dict[str, Any]] | None:
    cached = folder.read_json(name)
    if not isinstance(cached, dict) or cached.get("names") != names or not isinstance(cached.get("rules"), list):
        return None
    rules: list[dict[str, Any]] = cached["rules"]
    return rules


def _write_cache(folder: CacheFolder, name: str, names: list[str], rules: list[dict[str, Any]]) -> None:
    folder.write_json(name, {"names": names, "rules": rules}, prefix="rules-", keep=8)


def _shipped_rule_data(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """(path, parsed TOML) of every rule file in ``folder``, through the cache when it is there."""
    paths = sorted(folder.glob("*.toml"))
    digest = hashlib.sha256(f"emslint-rules-cache 1\0{folder}\0".encode())
    blobs: list[bytes] = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise RuleFileError(f"{path}: cannot read rule file ({exc})") from None
        blobs.append(raw)
        digest.update(f"{path.name}\0{len(raw)}\0".encode() + raw)
    names = [p.name for p in paths]
    name = f"rules-{digest.hexdigest()[:32]}.json"
    cache = open_cache()
    try:
        cached = _read_cache(cache, name, names) if cache else None
        if cached is not None and len(cached) == len(paths):
            return list(zip(paths, cached, strict=True))
        parsed = [_parse_toml(path, raw) for path, raw in zip(paths, blobs, strict=True)]
        if cache:
            _write_cache(cache, name, names, parsed)
        return list(zip(paths, parsed, strict=True))
    finally:
        if cache:
            cache.close()


def _check_conditions(rule: Rule, path: Path) -> None:
    """Compile a user rule's conditions now: the engine compiles on first use, which may never come."""

    try:
        precompile([rule])
    except SchemaCompileError as exc:
        raise RuleFileError(f"{path}: a condition cannot be used ({exc})") from None


@lru_cache(maxsize=8)
def load_rules(extra_dir: str | None = None) -> dict[str, Rule]:
    """All rules by id: the shipped ones, then the user's (validated against rules.schema.json)."""
    rules: dict[str, Rule] = {}
    for path, data in _shipped_rule_data(shipped_rules_dir()):
        rule = rule_from_data(data, str(path))
        rules[rule.id] = rule
    if extra_dir:
        from emslint.rules.validate_file import validate_rule_file

        folder = Path(extra_dir)
        if not folder.is_dir():
            raise RuleFileError(f"{extra_dir}: extra_rules folder not found")
        for path in sorted(folder.glob("*.toml")):
            validate_rule_file(path)
            rule = load_rule_file(path)
            _check_conditions(rule, path)
            if rule.id in rules:
                raise RuleFileError(f"{path}: rule id {rule.id} is already used by {rules[rule.id].path}")
            rules[rule.id] = rule
    return rules


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules a deployment is judged by: all of them (selection is a filter), the meta ones, and by id."""

    all: list[Rule]
    meta: list[Rule]
    by_id: dict[str, Rule]


@lru_cache(maxsize=8)
def _rule_set(extra_dir: str | None) -> RuleSet:
    rules = load_rules(extra_dir)
    ordered = list(rules.values())
    return RuleSet(ordered, [r for r in ordered if r.group == "meta"], dict(rules))


def rule_set(settings: Settings) -> RuleSet:
    """The rules for ``settings`` (the shipped ones and its ``extra_rules``), loaded once per folder.

    Raises :class:`SettingsError` naming the setting when a selector in ``settings`` names no rule, and
    :class:`RuleFileError` for an unusable rule file.
    """
    found = _rule_set(str(settings.extra_rules) if settings.extra_rules else None)
    if id(settings) not in _checked:
        check_selectors(settings, found.all)
        _checked[id(settings)] = settings  # held, so that the id is not reused
    return found


_checked: dict[int, Settings] = {}


def check_selectors(settings: Settings, rules: list[Rule]) -> None:
    """Every selector of ``settings`` must name at least one rule, as ruff requires (a typo must not silently
    select nothing, or ignore nothing)."""
    named: list[tuple[str, str]] = [
        *((s, "select") for s in settings.select or []),
        *((s, "extend_select") for s in settings.extend_select),
        *((s, "ignore") for s in settings.ignore),
        *((s, "per_path_ignores") for item in settings.per_path_ignores for s in item.rules),
    ]
    for selector, setting in named:
        message = unknown_selector_message(selector, rules)
        if message:
            raise SettingsError(f"{_where(settings, setting)}: {message}")
    names = {r.id.casefold() for r in rules} | {r.name.casefold() for r in rules}
    for key in settings.severity:
        if key.casefold() not in names:
            message = unknown_selector_message(key, rules) or f"{key!r} names a group or prefix, not one rule"
            raise SettingsError(f"{_where(settings, 'severity')}: severity: {message}")


def _where(settings: Settings, setting: str) -> str:
    origin = settings.origin(setting)
    if origin == "command line":
        return f"command line: --{setting.replace('_', '-')}"
    return origin
