"""The facts document of one target (docs/architecture.md), in the pipeline's order:

* :func:`effective_configs` (read stage): config.json and config.lua as the EMS and the LSR read them, a
  connector file as the Connector reads it (:mod:`emslint.facts.connector`);
* :func:`inspect_target` (inspect stage): the files they reference, file modes, the cipher list;
* :func:`assemble` (facts stage): everything above as one plain JSON document, the rules' whole interface
  (``schemas/facts.schema.json``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from emslint.discover import BACKUP_ROLES, CONNECTOR_ROLES, ENTITY_EXPORT, ConfigFile, Target, reads_as
from emslint.facts.ciphers import cipher_item, openssl_facts
from emslint.facts.context import deployment_context
from emslint.facts.derive import derive
from emslint.facts.lua_writes import lua_write_items
from emslint.facts.mask import redact_issue
from emslint.facts.normalize import effective_ems, effective_lsr
from emslint.facts.release import version_ordinal
from emslint.facts.secrets import secret_items
from emslint.inspect.keymaterial_cache import inspect_key_material_cached
from emslint.inspect.paths import PathResolver, ResolvedPath, real_folder
from emslint.inspect.permissions import mode_facts
from emslint.inspect.writable import writable_items
from emslint.profiling import stage
from emslint.read.sources import SourceFile, Sources
from emslint.schema.defaults import annotations as schema_notes
from emslint.schema.defaults import defaults
from emslint.settings.model import Settings
from emslint.user_cache import CacheFolder


def _scripts(source: SourceFile | None) -> Any:
    if source is None or source.result is None or not isinstance(source.result.data, dict):
        return None
    return source.result.data.get("scripts")


def _data(source: SourceFile | None) -> Any:
    if source is None or source.result is None:
        return None
    return source.result.data


def _lsr_defaults(ems_version: str | None) -> dict[str, Any]:

    found = defaults("lsr", ems_version)
    scripts: dict[str, Any] = found.get("scripts", found) if isinstance(found, dict) else {}
    return scripts


def _issue_items(sources: Sources) -> list[dict[str, Any]]:

    items = []
    for source in sources.files:
        if source.role in BACKUP_ROLES:
            continue  # a copy configures nothing: how it reads does not matter, only what it holds
        for issue in source.issues:
            items.append(
                {
                    "at": {"file": source.role, "pointer": issue.pointer, "line": issue.line, "column": issue.column},
                    "code": issue.code,
                    "detail": redact_issue(reads_as(source.role), issue),
                }
            )
    return items


class _Display:
    def __init__(self, target: Target) -> None:
        self.root = Path(real_folder(os.fspath(target.root)))
        self.display = target.display
        self.seen: dict[Path, str] = {}
        root = str(self.root)
        self.prefix = root if root.endswith(os.sep) else root + os.sep

    def __call__(self, path: Path) -> str:
        if path not in self.seen:
            self.seen[path] = self._compute(path)
        return self.seen[path]

    def _compute(self, path: Path) -> str:
        try:
            if os.name == "posix":  # Path.resolve() and relative_to(), with strings: 5x faster
                real = self._realpath(os.fspath(path))
                if real == str(self.root):
                    rest = "."
                elif real.startswith(self.prefix):
                    rest = real[len(self.prefix) :]
                else:
                    return str(path)
            else:
                rest = path.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError, RuntimeError):
            return str(path)
        if self.display in ("", "."):
            return rest
        return f"{self.display.rstrip('/')}/{rest}"

    def _realpath(self, path: str) -> str:
        """``os.path.realpath(path)``, the folders on the way resolved once per run (:func:`real_folder`): realpath
        resolves a path component by component, so a last component that is not a link just joins its folder's
        real path."""
        folder, name = os.path.split(path)
        if not folder or name in ("", ".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        return os.path.join(real_folder(folder), name)


def _file_items(target: Target, sources: Sources, ems: dict[str, Any] | None, lsr: dict[str, Any] | None, now: datetime,
                allowed_roots: tuple[Path, ...], store: CacheFolder | None) -> list[Any]:
    """The facts `files` items: each config and backup copy, dp.dat, referenced key material and writable code or
    data folders, with their modes. With a ``store``, the key-material inspection may come from a record
    (:mod:`emslint.inspect.keymaterial_cache`)."""

    display = _Display(target)
    items: list[dict[str, Any]] = []
    folder_uid = _uid(target.root)
    foreign = {s.display for s in sources.files if s.foreign}
    for config in target.files:
        if config.template or config.display in foreign or config.role == ENTITY_EXPORT:
            continue
        if config.role in BACKUP_ROLES:
            items.append(_backup_item(config, folder_uid))
            continue
        items.append(
            {
                "at": {"file": config.role, "pointer": "", "line": 1, "column": 1},
                "role": f"{config.role}-config",
                "link": None,
                "path": config.display,
                "related": [],
                "status": "ok",
                "mode": mode_facts(config.path, folder_owner_uid=folder_uid),
            }
        )
    items.extend(_config_folder_items(target, foreign, display, folder_uid))
    for dp in _dp_files(target) if any(f.role in ("ems", "ems-booted", "lsr") for f in target.files) else ():
        items.append(
            {
                "at": {"file": "ems", "pointer": "", "line": 1, "column": 1},
                "role": "data-protection-key",
                "link": None,
                "path": display(dp),
                "related": [display(dp)],
                "status": "ok",
                "detail": display(dp),
                "mode": mode_facts(dp, folder_owner_uid=folder_uid),
            }
        )
    if ems is None and lsr is None:
        return items

    config_dir = next((f.path.parent for f in target.files), target.root)

    resolved: dict[str, ResolvedPath] = {}  # one CA file is often configured three times
    resolver = PathResolver(microserver_root=target.root, config_dir=config_dir, scan_root=target.scan_root,
                            allowed_roots=allowed_roots)

    def resolve(text: str) -> ResolvedPath:
        if text not in resolved:
            resolved[text] = resolver(text)
        return resolved[text]

    with stage("certificates"):
        items.extend(
            inspect_key_material_cached(ems, lsr, resolve=resolve, now=now, display=display,
                                        folder_owner_uid=folder_uid, lsr_unread=_unread(sources.live("lsr")),
                                        store=store)
        )

    items.extend(writable_items(ems, lsr, resolve=resolve, display=display, folder_owner_uid=folder_uid))
    return items


def _unread(source: SourceFile | None) -> bool:
    """A config that exists but was not read as the product reads it (unreadable, or refused by its parser)."""
    return source is not None and (source.result is None or source.result.fatal)


def _config_folder_items(target: Target, foreign: set[str], display: _Display,
                         folder_uid: int | None) -> list[dict[str, Any]]:
    """The folder of each live EMS and LSR config: whoever may write it can replace the config (unless the sticky
    bit protects files of others), so the permission rules judge its mode as the config's own (EMS701, EMS703)."""
    items: list[dict[str, Any]] = []
    for config in target.files:
        if config.role not in ("ems", "lsr") or config.template or config.display in foreign:
            continue
        folder = config.path.parent
        mode = mode_facts(folder, folder_owner_uid=folder_uid, folders=True)
        if mode is None:
            continue
        shown = display(folder)
        items.append({"at": {"file": config.role, "pointer": "", "line": 1, "column": 1}, "role": "config-folder",
                      "link": None, "path": shown, "related": [shown], "status": "ok", "detail": shown,
                      "mode": mode})
    return items


def _backup_item(config: ConfigFile, folder_uid: int | None) -> dict[str, Any]:
    """A copy of a config beside the live ones (emslint/backup_names.py): reported at the copy itself."""

    return {
        "at": {"file": config.display, "pointer": "", "line": 1, "column": 1},
        "role": "config-backup",
        "link": None,
        "path": config.display,
        "related": [],
        "status": "ok",
        "detail": config.display,
        "mode": mode_facts(config.path, folder_owner_uid=folder_uid),
    }


def _uid(path: Path) -> int | None:
    try:
        return path.stat().st_uid
    except OSError:
        return None


def _dp_files(target: Target) -> list[Path]:
    found = []
    for folder in {f.path.parent for f in target.files} | {target.root}:
        candidate = folder / "dp.dat"
        try:
            if candidate.is_file() and not candidate.is_symlink():
                found.append(candidate)
        except OSError:
            continue
    return sorted(set(found))


@dataclass(slots=True)
class Effective:
    """The configs as the products read them: ``*_raw`` as read, the others over the schema defaults."""

    ems: dict[str, Any] | None
    ems_raw: dict[str, Any] | None
    lsr: dict[str, Any] | None
    lsr_raw: dict[str, Any] | None
    connector: dict[str, Any] | None = None
    connector_raw: dict[str, Any] | None = None


def effective_configs(sources: Sources, settings: Settings) -> Effective:
    """config.json and the scripts table of config.lua as the EMS and the LSR read them (defaults applied)."""

    ems_source = sources.get("ems")
    lsr_source = sources.get("lsr")
    ems_raw = _data(ems_source) if isinstance(_data(ems_source), dict) else None
    lsr_raw = _scripts(lsr_source) if isinstance(_scripts(lsr_source), dict) else None
    ems = effective_ems(ems_raw, defaults("ems", settings.ems_version)) if ems_raw is not None else None
    unknown = lsr_source.result.unknown if lsr_source and lsr_source.result else {}
    lsr = effective_lsr(lsr_raw, _lsr_defaults(settings.ems_version), unknown) if lsr_raw is not None else None
    conf = sources.live("connector")
    conf_raw = _data(conf) if isinstance(_data(conf), dict) else None
    connector = (_connector().effective_connector(conf_raw, conf.result.unknown if conf and conf.result else {})
                 if conf_raw is not None else None)
    return Effective(ems, ems_raw, lsr, lsr_raw, connector, conf_raw)


def _connector() -> ModuleType:
    """:mod:`emslint.facts.connector` (and the entity-export reader it uses), imported for the deployments that
    have a connector file or an entity export (docs/decisions/0003: ~4 ms an EMS run need not pay)."""
    from emslint.facts import connector

    return connector


@dataclass(slots=True)
class Inspection:
    """What the inspect stage found: referenced files (certificates, keys, CA lists, modes) and the cipher list."""

    files: list[dict[str, Any]]
    ciphers: dict[str, Any] | None
    # TokenPropertyAuthenticators of entity exports
    authenticators: list[dict[str, Any]] = field(default_factory=list)
    # problems of entity exports found beside a connector file
    issues: list[dict[str, Any]] = field(default_factory=list)


def inspect_target(target: Target, sources: Sources, effective: Effective, settings: Settings,
                   now: datetime, store: CacheFolder | None = None) -> Inspection:
    """Read every file the configs reference (never writing, never executing) and evaluate the cipher list."""
    roots = (target.scan_root, *settings.allow_outside)
    inspection = Inspection(
        files=_file_items(target, sources, effective.ems, effective.lsr, now, roots, store),
        ciphers=cipher_item(effective.ems, effective.ems_raw, settings, store),
    )
    conf = sources.live("connector")
    conf_file = next((f for f in target.files if f.role in CONNECTOR_ROLES), None)
    if conf is not None and conf_file is not None and effective.connector is not None:
        inspection.files.extend(_connector().keystore_items(
            conf, effective.connector, root=target.root, scan_root=target.scan_root, allowed_roots=roots,
            folder_uid=_uid(target.root), conf_path=conf_file.path))
    if conf is not None or any(s.role == ENTITY_EXPORT for s in sources.files):
        inspection.authenticators, inspection.issues = _connector().authenticator_items(
            sources.files, conf, conf_file.path if conf_file is not None and conf is not None else None)
    return inspection


def assemble(target: Target, sources: Sources, effective: Effective, inspection: Inspection,
             settings: Settings) -> dict[str, Any]:
    """The facts document: every key always present (``null`` when unknown or absent)."""

    secrets: list[dict[str, Any]] = []
    for source in sources.files:
        data = _data(source)
        if data is None or source.role == ENTITY_EXPORT or source.foreign:
            continue
        kind = reads_as(source.role)
        source_unknown = source.result.unknown if source.result else {}
        shadowed = source.result.shadowed if source.result else []
        found = secret_items(source.role, data, schema_notes(kind), source_unknown, shadowed)
        for item in found:
            item["file_role"] = source.role
            if source.role in BACKUP_ROLES:  # located by path: a deployment may hold several copies
                item["at"]["file"] = source.display
                if "line" not in item["at"]:
                    item["at"]["line"], item["at"]["column"] = source.position(item["at"]["pointer"])
        secrets.extend(found)

    conf = sources.live("connector")
    derived = derive(effective.ems, effective.lsr, target.root, target.scan_root)
    derived["connector"] = (_connector().connector_derived(conf, effective.connector)
                            if conf is not None and effective.connector is not None else None)
    return {
        "target": {
            "has_ems": effective.ems is not None,
            "has_lsr": effective.lsr is not None,
            "profile": settings.profile,
            "ems_version": settings.ems_version,
            "platform_java": settings.platform_java,
            "openssl": openssl_facts(settings),
            "template": any(f.template for f in target.files),
            "connector": (_connector().PRODUCTS.get(conf.role)
                          if conf is not None and effective.connector is not None else None),
            "context": deployment_context(target.root, settings.context),
            "ems_version_ordinal": version_ordinal(settings.ems_version),
            "dp_dat": any(f["role"] == "data-protection-key" for f in inspection.files),
        },
        "ems": effective.ems,
        "ems_raw": effective.ems_raw,
        "lsr": effective.lsr,
        "lsr_raw": effective.lsr_raw,
        "connector": effective.connector,
        "connector_raw": effective.connector_raw,
        "derived": derived,
        "secrets": secrets,
        "files": inspection.files,
        "ciphers": inspection.ciphers,
        "authenticators": inspection.authenticators,
        "issues": [*_issue_items(sources), *inspection.issues],
        "lua_writes": lua_write_items(sources.get("lsr")),
    }


def build_facts(target: Target, sources: Sources, settings: Settings, now: datetime) -> dict[str, Any]:
    """The three steps above in order: the facts document of one target (tests and ``emslint facts``)."""
    effective = effective_configs(sources, settings)
    return assemble(target, sources, effective, inspect_target(target, sources, effective, settings, now), settings)
