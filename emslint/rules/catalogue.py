"""Load the rule files (``rules/*.toml``, plus a user's extra folder) into `Rule` objects.

The TOML files are the rules. Parsing all of them costs ~100 ms, most of a one-folder run, so the shipped
rules' parsed data is also kept as one JSON file in the user's cache folder, named by a hash of the rule
files' names and contents: any edit gives a new name, and a cache that cannot be read or written is simply
not used (see docs/decisions/0003-startup-and-fleet.md). ``EMSLINT_NO_CACHE=1`` turns it off;
``EMSLINT_CACHE_DIR`` moves it.

A cache that someone else could have written would let them switch rules off, so the folder and the file
are checked and held open before use (:class:`_CacheFolder`); on Windows (no ``dir_fd``) there is no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
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


def _cache_location() -> tuple[Path, Path] | None:
    """(cache folder, trusted base): ``EMSLINT_CACHE_DIR`` is both; else ``<user cache home>/emslint`` and the
    user's cache home (``XDG_CACHE_HOME``, ``~/.cache``; ``LOCALAPPDATA`` on Windows)."""
    if os.environ.get("EMSLINT_NO_CACHE"):
        return None
    if os.environ.get("EMSLINT_CACHE_DIR"):
        folder = Path(os.environ["EMSLINT_CACHE_DIR"])
        return folder, folder
    base = os.environ.get("LOCALAPPDATA" if os.name == "nt" else "XDG_CACHE_HOME")
    try:
        home = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home folder
        return None
    return home / "emslint", home


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_PINNED = os.name != "nt" and {os.open, os.rename, os.unlink, os.stat} <= os.supports_dir_fd  # replace = rename


def _ours(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else: nobody else can plant or swap what it holds."""
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


class _CacheFolder:
    """The cache folder, checked and then held open: every file operation goes through the held descriptor
    (``dir_fd``), so a folder swapped after the check is never used.

    The check, before anything is read or written: every path component from the cache folder up to the
    trusted base is a real directory (``lstat``: no symbolic link), owned by this user and not writable by
    group or others. Anything else means no cache (parsing the rule files is always correct).
    """

    def __init__(self, folder: Path, fd: int) -> None:
        self.folder = folder
        self.fd = fd

    @classmethod
    def open(cls, folder: Path, base: Path, *, create: bool) -> _CacheFolder | None:
        if not _PINNED:
            return None
        try:
            if create:
                _make_folders(folder, base)
            current = folder
            while True:
                st = os.lstat(current)
                if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode) or not _ours(st):
                    return None
                if current == base or current.parent == current:
                    break
                current = current.parent
            fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISDIR(st.st_mode) or not _ours(st):
                os.close(fd)
                return None
        except OSError:
            os.close(fd)
            return None
        return cls(folder, fd)

    def close(self) -> None:
        os.close(self.fd)

    def read(self, name: str) -> bytes | None:
        """The file's bytes, if it is a regular file of ours that nobody else can write."""
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=self.fd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _ours(st):
                return None
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)

    def write(self, name: str, data: bytes) -> None:
        """Atomically: a fresh file with a random name (``O_CREAT|O_EXCL|O_NOFOLLOW``, mode 0600), then
        ``os.replace`` in the same folder. Parallel runs never see half a file; nothing planted is followed."""
        temporary = f".{name}.{secrets.token_hex(8)}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)
            raise

    def prune(self, keep: int) -> None:
        """Remove all but the ``keep`` newest ``rules-*.json`` (other versions of the rules): only regular
        files of ours, never through a link."""
        found = []
        for name in os.listdir(self.fd):
            if not (name.startswith("rules-") and name.endswith(".json")):
                continue
            st = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                found.append((st.st_mtime, name))
        for _, name in sorted(found, reverse=True)[keep:]:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=self.fd)


def _make_folders(folder: Path, base: Path) -> None:
    """Create the missing folders from ``base`` down to ``folder`` (mode 0700), never through a link."""
    missing = []
    current = folder
    while not os.path.lexists(current):
        missing.append(current)
        if current == base or current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)


def _read_cache(folder: _CacheFolder, name: str, names: list[str]) -> list[dict[str, Any]] | None:
    raw = folder.read(name)
    if raw is None:
        return None
    try:
        cached = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(cached, dict) or cached.get("names") != names or not isinstance(cached.get("rules"), list):
        return None
    rules: list[dict[str, Any]] = cached["rules"]
    return rules


def _write_cache(folder: _CacheFolder, name: str, names: list[str], rules: list[dict[str, Any]]) -> None:
    try:
        text = json.dumps({"names": names, "rules": rules}, ensure_ascii=False)
        if json.loads(text)["rules"] != rules:
            return  # not plain JSON data (a TOML date, say): keep parsing the TOML
        folder.write(name, text.encode("utf-8"))
        folder.prune(keep=8)
    except (OSError, TypeError, ValueError):
        return


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
    location = _cache_location()
    cache = _CacheFolder.open(*location, create=True) if location else None
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
