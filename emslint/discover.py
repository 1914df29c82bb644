"""Turn command-line paths into targets: one microserver deployment each.

A microserver folder has ``etc/config.json`` and/or ``etc/config.lua`` (the EMS and LSR run from it). A folder
may hold many of them at any depth. A single file given on the command line stands for the deployment it
belongs to (pre-commit passes changed files). Symlinks are never followed out of the scanned path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

LIVE_EMS = "config.json"
BOOTED_EMS = "config.json.booted"
LIVE_LSR = "config.lua"
EMS_TEMPLATES = ("config.json.minimal", "config.json.complete", "config.json.documented")
LSR_TEMPLATES = ("config.lua.example",)
RUNTIME_STATE = ("config.lua.p_data",)  # LSR run-time state, not configuration: never linted
CONFIG_NAMES = (LIVE_EMS, BOOTED_EMS, LIVE_LSR)
SKIPPED_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", ".tox"}


@dataclass(slots=True)
class ConfigFile:
    role: str  # "ems" | "ems-booted" | "lsr"
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


def _role_for(name: str, include_templates: bool, explicit: bool) -> tuple[str, bool] | None:
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
                if target.file(cfg.role) is None:
                    target.files.append(cfg)

    def add_file(self, path: Path, arg_display: str) -> bool:
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
        names = [n for n in CONFIG_NAMES if (config_dir / n).is_file() or n == path.name]
        self.add_dir(config_dir, names, root_display.as_posix(), root, root)
        return True

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


def discover(paths: list[str], *, include_templates: bool = False) -> tuple[list[Target], list[str]]:
    """Return the targets under `paths` and one-line problems for paths that could not be used."""
    collector = _Collector(include_templates)
    problems: list[str] = []
    for arg in paths:
        arg_path = Path(arg)
        try:
            if arg_path.is_dir() and arg_path.name in CONFIG_NAMES and not arg_path.is_symlink():
                collector.add_file(arg_path, arg)  # a folder named config.json: reported as unreadable
            elif arg_path.is_dir():
                _walk(collector, arg_path, arg)
            elif arg_path.is_file():
                if not collector.add_file(arg_path, arg) and arg_path.name not in RUNTIME_STATE:
                    owner = _owning_config_dir(arg_path.resolve(), Path.cwd().resolve())
                    if owner is not None:
                        names = [n for n in CONFIG_NAMES if (owner / n).is_file()]
                        root = _root_for_config_dir(owner)
                        collector.add_dir(owner, names, _relative_display(root), root, root)
            elif arg_path.exists() or arg_path.is_symlink():
                problems.append(f"{arg}: not a regular file or folder")
            else:
                problems.append(f"{arg}: no such file or folder")
        except OSError as exc:
            problems.append(f"{arg}: {exc.strerror or exc}")
    targets = sorted(collector.targets.values(), key=lambda t: (t.display, [f.display for f in t.files]))
    for target in targets:
        target.files.sort(key=lambda f: ("ems", "ems-booted", "lsr").index(f.role))
    return targets, problems


def _relative_display(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


def _walk(collector: _Collector, top: Path, arg_display: str) -> None:
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        wanted = [n for n in filenames if n in CONFIG_NAMES or n in EMS_TEMPLATES or n in LSR_TEMPLATES]
        wanted += [n for n in dirnames if n in CONFIG_NAMES]  # a folder named config.json: reported
        if wanted:
            collector.add_dir(Path(dirpath), wanted, arg_display, top, top)
