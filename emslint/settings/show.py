"""``emslint check --show-settings``: the effective settings, one per line, with where each value came from."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from emslint.settings.model import PathIgnore, Settings
from emslint.settings.options import OPTIONS


def show_settings(settings: Settings) -> str:
    """TOML-like lines ``name = value  # origin``; deployments below other settings files may differ (target
    settings come from the file nearest each deployment)."""
    lines = [f"# settings file: {settings.source or 'none'}"]
    for name, option in OPTIONS.items():
        value = getattr(settings, name)
        lines.append(f"{option.shown} = {_toml(value)}  # {settings.origin(name)}, {option.scope}")
    return "\n".join(lines) + "\n"


NAMED = 10  # deployments named in a block's header; more are counted


def show_settings_per_file(blocks: Sequence[tuple[str | Sequence[str], Settings]]) -> str:
    """``--show-settings`` for paths: one :func:`show_settings` block per settings object, blank-line separated,
    each headed by the deployments it governs (``# deployments: a, b and 3 more``) or by a header line given as
    text."""
    shown = []
    for governed, settings in blocks:
        if isinstance(governed, str):
            header = governed
        else:
            header = "# deployments: " + ", ".join(governed[:NAMED])
            header += f" and {len(governed) - NAMED} more" if len(governed) > NAMED else ""
        shown.append(f"{header}\n{show_settings(settings)}")
    return "\n".join(shown)


def _toml(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Path):
        return json.dumps(str(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, PathIgnore):
        parts = {"path": value.path, "rules": value.rules, "reason": value.reason}
        if value.pointer is not None:
            parts["pointer"] = value.pointer
        if value.expires is not None:
            parts["expires"] = value.expires.isoformat()
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in parts.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)
