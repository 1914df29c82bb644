"""Turn command-line paths into targets: one microserver deployment each.

A microserver folder has ``etc/config.json`` and/or ``etc/config.lua`` (the EMS and LSR run from it). A folder
may hold many of them at any depth. A single file given on the command line stands for the deployment it
belongs to (pre-commit passes changed files). Symlinks are never followed out of the scanned path.

eMessage Connector and Connection Server: every ``emessage.conf``, ``emessage-all.conf`` and ``cxserver.conf``
found, and every ``.conf`` file given by name, is a target of its own (role ``connector``, or ``cxserver`` for a
``cxserver*.conf``), even in a folder that also holds a microserver: the Connector reads exactly one file
(``-Dconfig.file``), and it is another program with its own links (``connector-*``), so its level never mixes
with an EMS's. A ThingWorx entity export (``.xml``) given by name stands for the connector files beside it; with
none beside it, it is a target of its own (role ``entity-export``); the inspect stage also reads the ``.xml``
files beside a connector file (the TokenPropertyAuthenticator's settings live on the platform).
"""

from __future__ import annotations

import fnmatch
import heapq
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, overload

from emslint.backup_names import backup_role

LIVE_EMS = "config.json"
BOOTED_EMS = "config.json.booted"
LIVE_LSR = "config.lua"
EMS_TEMPLATES = ("config.json.minimal", "config.json.complete", "config.json.documented")
LSR_TEMPLATES = ("config.lua.example",)
RUNTIME_STATE = ("config.lua.p_data",)  # LSR run-time state, not configuration: never linted
CONFIG_NAMES = (LIVE_EMS, BOOTED_EMS, LIVE_LSR)
CONNECTOR_NAMES = ("emessage.conf", "emessage-all.conf", "cxserver.conf")
CONNECTOR_ROLES = ("connector", "cxserver")
ENTITY_EXPORT = "entity-export"
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", ".tox")


class Exclusions:
    """Paths not to scan (ruff's ``exclude`` / ``extend-exclude``): a glob without ``/`` matches any file or folder
    of that name at any depth; one with ``/`` matches the path as displayed (relative to the working folder)."""

    def __init__(self, exclude: list[str] | None = None, extend_exclude: list[str] | None = None) -> None:
        patterns = [*(DEFAULT_EXCLUDE if exclude is None else exclude), *(extend_exclude or [])]
        self.names = frozenset(p for p in patterns if "/" not in p and not _has_magic(p))
        self.name_globs = tuple(p for p in patterns if "/" not in p and _has_magic(p))
        self.path_globs = tuple(p.replace("\\", "/").removeprefix("./").rstrip("/") for p in patterns if "/" in p)
        self.slow = bool(self.name_globs or self.path_globs)  # anything beyond a set lookup by name

    def excluded(self, name: str, display: str) -> bool:
        if name in self.names or any(fnmatch.fnmatchcase(name, g) for g in self.name_globs):
            return True
        if self.path_globs:
            shown = display.replace("\\", "/").removeprefix("./")
            return any(fnmatch.fnmatchcase(shown, g) for g in self.path_globs)
        return False


def _has_magic(pattern: str) -> bool:
    return any(c in pattern for c in "*?[")


NO_EXCLUSIONS = Exclusions([])


@dataclass(slots=True)
class ConfigFile:
    role: str  # "ems" | "ems-booted" | "lsr" | "connector" | "cxserver" | "entity-export" | "ems-backup" | "lsr-backup"
    path: Path  # the path to open
    display: str  # the path to print (relative stays relative)
    template: bool = False
    refused: str = ""  # why the file is not opened at all (a symlink out of the scanned folder); "" = read it


@dataclass(slots=True)
class Target:
    root: Path  # the microserver folder (paths in the configs resolve against it)
    display: str
    scan_root: Path  # symlinks are not followed out of this folder
    files: list[ConfigFile] = field(default_factory=list)

    def file(self, role: str) -> ConfigFile | None:
        return next((f for f in self.files if f.role == role), None)


def _display(arg_display: str, arg_path: Path, path: Path) -> str:
    """The path as the user would write it: the command-line argument joined with the rest."""
    try:
        rest = path.relative_to(arg_path)
    except ValueError:
        return str(path)
    if str(rest) == ".":
        return arg_display.rstrip("/") or "."
    if arg_display in ("", "."):
        return rest.as_posix()
    return (Path(arg_display) / rest).as_posix()


BACKUP_ROLES = ("ems-backup", "lsr-backup")


def reads_as(role: str) -> str:
    """The reader and schema of a file role: ``lsr`` for config.lua and its copies, ``connector`` for the
    eMessage Connector / Connection Server files, else ``ems``."""
    if role in ("lsr", "lsr-backup"):
        return "lsr"
    return "connector" if role in CONNECTOR_ROLES else "ems"


def _role_for(name: str, include_templates: bool, explicit: bool) -> tuple[str, bool] | None:
    copy = backup_role(name) if name[:1] in "cC" else None
    if copy is not None:
        return copy, False
    if name == LIVE_EMS:
        return "ems", False
    if name == BOOTED_EMS:
        return "ems-booted", False
    if name == LIVE_LSR:
        return "lsr", False
    if include_templates or explicit:
        if name in EMS_TEMPLATES:
            return "ems", True
        if name in LSR_TEMPLATES:
            return "lsr", True
    return None


def _connector_role(name: str, explicit: bool) -> str | None:
    """The role of a Connector or Connection Server file by name (any ``.conf`` when given by name)."""
    if name in CONNECTOR_NAMES or (explicit and name.lower().endswith(".conf")):
        return "cxserver" if name.lower().startswith("cxserver") else "connector"
    return None


def _connector_root(folder: Path) -> Path:
    """Where the Connector runs from: the installation folder above ``conf/`` (relative key store paths are
    tried there first, then beside the file)."""
    return folder.parent if folder.name == "conf" else folder


def _connector_variant(path: Path) -> str:
    """The target key of a connector file: one target per file."""
    return "conf:" + os.path.abspath(path)


def _root_for_config_dir(config_dir: Path) -> Path:
    return config_dir.parent if config_dir.name == "etc" else config_dir


def _is_inside(path: Path, scan_root: Path) -> bool:
    try:
        path.resolve().relative_to(scan_root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _leads_outside(path: Path, scan_root: Path) -> bool:
    """A symlink whose target exists outside ``scan_root``. A loop or a dangling link is not "outside": the
    reader reports it without reading anything."""
    try:
        path.resolve(strict=True).relative_to(scan_root.resolve())
        return False
    except ValueError:
        return True
    except (OSError, RuntimeError):
        return False


OUTSIDE_LINK = "is a symbolic link that leads outside the scanned folder; not followed"


class _Collector:
    def __init__(self, include_templates: bool) -> None:
        self.include_templates = include_templates
        self.targets: dict[tuple[Path, str], Target] = {}

    def add_dir(self, config_dir: Path, names: list[str], arg_display: str, arg_path: Path, scan_root: Path) -> None:
        root = _root_for_config_dir(config_dir)
        live: list[ConfigFile] = []
        for name in sorted(names):
            if name in CONNECTOR_NAMES:
                self.add_connector(config_dir / name, _display(arg_display, arg_path, config_dir / name), scan_root)
                continue
            role = _role_for(name, self.include_templates, explicit=False)
            if role is None:
                continue
            path = config_dir / name
            # Reported, not skipped: a config that is silently left out would look clean.
            refused = OUTSIDE_LINK if path.is_symlink() and _leads_outside(path, scan_root) else ""
            display = _display(arg_display, arg_path, path)
            cfg = ConfigFile(role[0], path, display, template=role[1], refused=refused)
            if cfg.template:
                self._add_template(root, cfg, arg_display, arg_path, scan_root)
            else:
                live.append(cfg)
        if live:
            target = self._target(root, "", arg_display, arg_path, scan_root)
            for cfg in live:
                _add_config(target, cfg)

    def add_connector(self, path: Path, display: str, scan_root: Path, role: str | None = None) -> None:
        """A connector file: a target of its own, shown by the file's path."""
        role = role or _connector_role(path.name, explicit=True) or "connector"
        refused = OUTSIDE_LINK if path.is_symlink() and _leads_outside(path, scan_root) else ""
        target = self._target(_connector_root(path.parent), _connector_variant(path), display, path, scan_root)
        target.display = display
        if not target.files:
            target.files.append(ConfigFile(role, path, display, refused=refused))

    def add_export(self, path: Path, arg_display: str) -> None:
        """An entity export given by name: the connector files beside it, else a target of its own."""
        beside = [n for n in CONNECTOR_NAMES if (path.parent / n).is_file()]
        folder_display = Path(arg_display).parent.as_posix()
        for name in beside:
            self.add_connector(path.parent / name, (Path(folder_display) / name).as_posix(), path.parent)
        if not beside:
            target = self._target(path.parent, _connector_variant(path), arg_display, path, path.parent)
            target.display = arg_display
            if not target.files:
                target.files.append(ConfigFile(ENTITY_EXPORT, path, arg_display))

    def add_file(self, path: Path, arg_display: str) -> bool:
        connector = _connector_role(path.name, explicit=True)
        if connector is not None:
            self.add_connector(path, arg_display, path.parent, connector)
            return True
        if path.name.lower().endswith(".xml"):
            self.add_export(path, arg_display)
            return True
        role = _role_for(path.name, self.include_templates, explicit=True)
        if role is None:
            return False
        scan_root = path.parent
        cfg = ConfigFile(role[0], path, arg_display, template=role[1])
        if cfg.template:
            self._add_template(_root_for_config_dir(path.parent), cfg, arg_display, path, scan_root)
            return True
        # A changed live config stands for its whole deployment.
        config_dir = path.parent
        root = _root_for_config_dir(config_dir)
        levels_up = 2 if root != config_dir else 1
        root_display = Path(arg_display)
        for _ in range(levels_up):
            root_display = root_display.parent
        names = [n for n in _config_names(config_dir) if (config_dir / n).is_file() or n == path.name]
        self.add_dir(config_dir, sorted({*names, path.name}), root_display.as_posix(), root, root)
        return True

    def merge(self, found: Target) -> None:
        """Add a target found by the folder walk (the same deployment reached from two paths is one target)."""
        first = found.files[0] if found.files else None
        variant = ""
        if first is not None and first.role in (*CONNECTOR_ROLES, ENTITY_EXPORT):
            variant = _connector_variant(first.path)
        elif first is not None and first.template:
            variant = first.path.name
        target = self._target(found.root, variant, found.display, found.root, found.scan_root)
        target.display = found.display if not target.files else target.display
        for cfg in found.files:
            _add_config(target, cfg)

    def _add_template(self, root: Path, cfg: ConfigFile, arg_display: str, arg_path: Path, scan_root: Path) -> None:
        target = self._target(root, cfg.path.name, arg_display, arg_path, scan_root)
        target.display = cfg.display
        if target.file(cfg.role) is None:
            target.files.append(cfg)

    def _target(self, root: Path, variant: str, arg_display: str, arg_path: Path, scan_root: Path) -> Target:
        key = (root.resolve() if root.exists() else root, variant)
        if key not in self.targets:
            self.targets[key] = Target(root, _display(arg_display, arg_path, root), scan_root)
        return self.targets[key]


def _add_config(target: Target, cfg: ConfigFile) -> None:
    """Add a live config once per role, and every copy of one (several backups may lie side by side)."""
    if cfg.role in BACKUP_ROLES:
        if all(f.path != cfg.path for f in target.files):
            target.files.append(cfg)
    elif target.file(cfg.role) is None:
        target.files.append(cfg)


def _config_names(folder: Path) -> list[str]:
    """The live config names and the copies of them in ``folder`` (a listing; [] when it cannot be read)."""
    try:
        listed = os.listdir(folder)
    except OSError:
        return [n for n in CONFIG_NAMES if (folder / n).is_file()]
    return sorted(n for n in listed if n in CONFIG_NAMES or (n[:1] in "cC" and backup_role(n)))


def _owning_config_dir(path: Path, stop: Path) -> Path | None:
    """For a certificate or key file: the nearest folder up that holds a deployment's configs."""
    current = path.parent
    for _ in range(12):
        for candidate in (current / "etc", current):
            if any((candidate / n).is_file() for n in CONFIG_NAMES):
                return candidate
        if current == stop or current.parent == current:
            return None
        current = current.parent
    return None


def _connector_files_near(path: Path) -> list[Path]:
    """The connector files in the folder of a key store or certificate, or in the folder above it."""
    for folder in (path.parent, path.parent.parent):
        found = [folder / n for n in CONNECTOR_NAMES if (folder / n).is_file()]
        if found:
            return found
    return []


@dataclass(slots=True)
class Discovery:
    """The targets of :func:`iter_discover`: a list, or an iterator when one folder is walked as it is linted.

    ``problems`` are one-line messages for paths that could not be used; a walk still running may add to it,
    so read it after the last target.
    """

    targets: list[Target] | Iterator[Target]
    problems: list[str]


@overload
def discover(
    paths: list[str], *, include_templates: bool = ..., lazy: Literal[False] = ..., exclude: list[str] | None = ...,
    extend_exclude: list[str] | None = ...,
) -> tuple[list[Target], list[str]]: ...


@overload
def discover(
    paths: list[str], *, include_templates: bool = ..., lazy: bool, exclude: list[str] | None = ...,
    extend_exclude: list[str] | None = ...,
) -> tuple[list[Target] | Iterator[Target], list[str]]: ...


def discover(
    paths: list[str], *, include_templates: bool = False, lazy: bool = False, exclude: list[str] | None = None,
    extend_exclude: list[str] | None = None,
) -> tuple[list[Target] | Iterator[Target], list[str]]:
    """Return the targets under `paths` and one-line problems for paths that could not be used.

    With ``lazy``, one folder gives an iterator (see :func:`iter_discover`) and the problems list may still grow
    while it runs.
    """
    found = iter_discover(paths, include_templates=include_templates,
                          exclusions=Exclusions(exclude, extend_exclude))
    if lazy or isinstance(found.targets, list):
        return found.targets, found.problems
    return list(found.targets), found.problems


def iter_discover(paths: list[str], *, include_templates: bool = False,
                  exclusions: Exclusions | None = None) -> Discovery:
    """Like :func:`discover`; a single folder (the fleet case) is walked lazily, targets yielded as they are
    found and in the same order as :func:`discover` sorts them, so linting starts before the walk ends."""
    exclusions = exclusions or Exclusions()
    if len(paths) == 1:
        arg_path = Path(paths[0])
        try:
            walkable = arg_path.is_dir() and not (arg_path.name in CONFIG_NAMES and not arg_path.is_symlink())
        except OSError:
            walkable = False
        if walkable:
            problems: list[str] = []
            return Discovery(_stream(arg_path, paths[0], include_templates, problems, exclusions), problems)
    return Discovery(*_discover_all(paths, include_templates, exclusions))


def _discover_all(paths: list[str], include_templates: bool,
                  exclusions: Exclusions) -> tuple[list[Target], list[str]]:
    """Every target of every path, deduplicated and sorted (the whole tree is walked first)."""
    collector = _Collector(include_templates)
    problems: list[str] = []
    for arg in paths:
        arg_path = Path(arg)
        try:
            if arg_path.is_dir() and arg_path.name in CONFIG_NAMES and not arg_path.is_symlink():
                collector.add_file(arg_path, arg)  # a folder named config.json: reported as unreadable
            elif arg_path.is_dir():
                for target in _stream(arg_path, arg, include_templates, problems, exclusions):
                    collector.merge(target)
            elif arg_path.is_file():
                if not collector.add_file(arg_path, arg) and arg_path.name not in RUNTIME_STATE:
                    owner = _owning_config_dir(arg_path.resolve(), Path.cwd().resolve())
                    if owner is not None:
                        names = [n for n in _config_names(owner) if (owner / n).is_file()]
                        root = _root_for_config_dir(owner)
                        collector.add_dir(owner, names, _relative_display(root), root, root)
                    for conf in _connector_files_near(arg_path.resolve()):  # a keystore stands for its Connector
                        collector.add_connector(conf, _relative_display(conf), conf.parent)
            elif arg_path.exists() or arg_path.is_symlink():
                problems.append(f"{arg}: not a regular file or folder")
            else:
                problems.append(f"{arg}: no such file or folder")
        except OSError as exc:
            problems.append(f"{arg}: {exc.strerror or exc}")
    targets = sorted((t for t in collector.targets.values() if not _only_copies(t)),
                     key=lambda t: (t.display, [f.display for f in t.files]))
    for target in targets:
        _sort_files(target)
    return targets, problems


def _sort_files(target: Target) -> None:
    target.files.sort(key=lambda f: (_ROLE_ORDER.index(f.role), f.display))


def _only_copies(target: Target) -> bool:
    """Copies configure nothing: a folder with copies but no live config is no deployment."""
    return bool(target.files) and all(f.role in BACKUP_ROLES for f in target.files)


_ROLE_ORDER = ("ems", "ems-booted", "lsr", "ems-backup", "lsr-backup", "connector", "cxserver", ENTITY_EXPORT)


def _relative_display(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------------------
# The lazy walk of one folder.
#
# It visits what os.walk(top, followlinks=False) visits (os.scandir, skipped folders left out, symlinked
# folders not entered, unreadable folders skipped) and builds each target as _Collector does, but yields the
# targets in the order `discover` sorts them: (display, file displays). A heap holds the finished targets and
# the folders not yet read. A folder's key is its display, which starts every display of a target found under
# it (a target's display is its folder's or a file's path), so a target can be yielded once it sorts before
# every folder still to read. A deployment's files come from its folder and its etc/ folder (and so on down a
# chain of etc/ folders), so those are read together: a target is complete when it enters the heap.
# Heap entries: (display, file displays, insertion order, a finished Target or a folder to read: (path, rel)).
_HeapEntry = tuple[str, tuple[str, ...], int, "Target | tuple[str, tuple[str, ...]]"]


class _Names:
    """Displays of paths under the walked folder, from their names relative to it (``_display``, with strings)."""

    def __init__(self, top: Path, arg_display: str, exclusions: Exclusions) -> None:
        self.top = top
        self.exclusions = exclusions
        self.arg_display = arg_display
        self.top_display = arg_display.rstrip("/") or "."
        bare = arg_display in ("", ".")
        self.prefix = "" if bare else (Path(arg_display) / "_").as_posix()[:-1]

    def display(self, rel: tuple[str, ...]) -> str:
        return self.prefix + "/".join(rel) if rel else self.top_display


def _stream(top: Path, arg_display: str, include_templates: bool, problems: list[str],
            exclusions: Exclusions = NO_EXCLUSIONS) -> Iterator[Target]:
    names = _Names(top, arg_display, exclusions)
    heap: list[_HeapEntry] = []
    order = itertools.count()
    try:
        _read_chain(os.fspath(top), (), names, include_templates, heap, order)
        while heap:
            _, _, _, item = heapq.heappop(heap)
            if isinstance(item, Target):
                _sort_files(item)
                yield item
            else:
                _read_chain(item[0], item[1], names, include_templates, heap, order)
    except OSError as exc:  # as discover() does: the targets found so far stay, the path gets a problem
        problems.append(f"{arg_display}: {exc.strerror or exc}")


def _read_chain(
    folder: str,
    rel: tuple[str, ...],
    names: _Names,
    include_templates: bool,
    heap: list[_HeapEntry],
    order: Iterator[int],
) -> None:
    """Read ``folder`` and its chain of etc/ folders; push their targets and their other sub-folders."""
    targets: dict[tuple[Path, str], Target] = {}
    current: str | None = folder
    while current is not None:
        listing = _scan(current, rel, names)
        if listing is None:  # unreadable: os.walk skips it and everything under it
            break
        subdirs, wanted = listing
        if wanted:
            _add_folder(Path(current), rel, wanted, names, include_templates, targets)
        following = None
        for name in subdirs:
            if name == "etc":
                following = name
                continue
            child = (*rel, name)
            heapq.heappush(heap, (names.display(child), (), next(order), (os.path.join(current, name), child)))
        if following is None:
            break
        current, rel = os.path.join(current, following), (*rel, following)
    for target in targets.values():
        if _only_copies(target):
            continue
        heapq.heappush(heap, (target.display, tuple(f.display for f in target.files), next(order), target))


_WANTED = frozenset(CONFIG_NAMES + EMS_TEMPLATES + LSR_TEMPLATES + CONNECTOR_NAMES)


def _scan(folder: str, rel: tuple[str, ...], names: _Names) -> tuple[list[str], list[tuple[str, bool]]] | None:
    """(sub-folders to enter, sorted; (config name, is a symlink) of the entries that matter), or None when
    the folder cannot be listed: what os.walk would yield for it."""
    subdirs: list[str] = []
    wanted: list[tuple[str, bool]] = []
    exclusions = names.exclusions
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name in exclusions.names or (
                    exclusions.slow and exclusions.excluded(name, names.display((*rel, name)))
                ):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    link = _is_link(entry)
                    if name in CONFIG_NAMES:  # a folder named config.json: reported
                        wanted.append((name, link))
                    if not link:
                        subdirs.append(name)
                elif name in _WANTED or (name[:1] in "cC" and backup_role(name)):
                    wanted.append((name, _is_link(entry)))
    except OSError:
        return None
    subdirs.sort()
    return subdirs, wanted


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _add_folder(
    config_dir: Path,
    rel: tuple[str, ...],
    wanted: list[tuple[str, bool]],
    names: _Names,
    include_templates: bool,
    targets: dict[tuple[Path, str], Target],
) -> None:
    """``_Collector.add_dir`` for one folder of the walk, into ``targets`` (keyed by folder and template)."""
    in_etc = config_dir.name == "etc"
    root = config_dir.parent if in_etc else config_dir
    root_display = str(root) if in_etc and not rel else names.display(rel[:-1] if in_etc else rel)
    live: list[ConfigFile] = []
    for name, link in sorted(wanted):
        if name in CONNECTOR_NAMES:
            path = config_dir / name
            display = names.display((*rel, name))
            refused = OUTSIDE_LINK if link and _leads_outside(path, names.top) else ""
            target = _new_target(targets, _connector_root(config_dir), _connector_variant(path), display, names.top)
            if not target.files:
                target.files.append(ConfigFile(_connector_role(name, False) or "connector", path, display,
                                               refused=refused))
            continue
        role = _role_for(name, include_templates, explicit=False)
        if role is None:
            continue
        path = config_dir / name
        # Reported, not skipped: a config that is silently left out would look clean.
        refused = OUTSIDE_LINK if link and _leads_outside(path, names.top) else ""
        cfg = ConfigFile(role[0], path, names.display((*rel, name)), template=role[1], refused=refused)
        if cfg.template:
            target = _new_target(targets, root, name, root_display, names.top)
            target.display = cfg.display
            if target.file(cfg.role) is None:
                target.files.append(cfg)
        else:
            live.append(cfg)
    if live:
        target = _new_target(targets, root, "", root_display, names.top)
        for cfg in live:
            _add_config(target, cfg)


def _new_target(targets: dict[tuple[Path, str], Target], root: Path, variant: str, display: str, top: Path) -> Target:
    key = (root, variant)
    if key not in targets:
        targets[key] = Target(root, display, top)
    return targets[key]
