"""Config values as the EMS and the LSR see them: read values over the schema's defaults, LSR scalars coerced."""

from __future__ import annotations

from typing import Any

from emslint.json_values import copy_json
from emslint.pointers import split as pointer_tokens

UNKNOWN_KEY = "$unknown"


def deep_merge(defaults: Any, data: Any) -> Any:
    """`data` over `defaults`: objects merge member by member, anything else is taken from `data`."""
    if isinstance(defaults, dict) and isinstance(data, dict):
        merged = {k: copy_json(v) for k, v in defaults.items() if k not in data}
        for key, value in data.items():
            merged[key] = deep_merge(defaults[key], value) if key in defaults else value
        return merged
    return data


def coerce_bool(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def coerce_number(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return value
    return value


def _coerce_like(default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        return coerce_bool(value)
    if isinstance(default, (int, float)) and not isinstance(value, bool):
        return coerce_number(value)
    return value


# config.json booleans that PTC's own pages write as strings ("allow_self_signed": "true"). The EMS behaviour
# for a string is undocumented; linting takes the value at its word (the weaker reading).
EMS_BOOLEAN_KEYS = {
    ("certificates", "validate"),
    ("certificates", "allow_self_signed"),
    ("certificates", "disable_hostname_validation"),
    ("certificates", "disableCertValidation"),
    ("http_server", "ssl"),
    ("http_server", "authenticate"),
    ("http_server", "enable_csrf_tokens"),
    ("http_server", "use_default_certificate"),
    ("fips", "enabled"),
    ("ws_connection", "verbose"),
}


def effective_ems(data: Any, defaults: dict[str, Any]) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    merged: dict[str, Any] = deep_merge(defaults, data)
    for group, key in EMS_BOOLEAN_KEYS:
        section = merged.get(group)
        if isinstance(section, dict) and key in section:
            section[key] = coerce_bool(section[key])
    return merged


def effective_lsr(scripts: Any, defaults: dict[str, Any], unknown: dict[str, str]) -> dict[str, Any] | None:
    """The scripts table as the LSR reads it: "true"/"TRUE" -> true, "8000" -> 8000 (by the default's type)."""
    if not isinstance(scripts, dict):
        return None
    merged: dict[str, Any] = deep_merge(defaults, scripts)
    for key, value in list(merged.items()):
        if key in defaults and not isinstance(value, dict):
            merged[key] = _coerce_like(defaults[key], value)
    for pointer, reason in unknown.items():
        _set_unknown(merged, pointer, reason)
    return merged


def _set_unknown(scripts: dict[str, Any], pointer: str, reason: str) -> None:
    tokens = pointer_tokens(pointer)
    if not tokens or tokens[0] != "scripts":
        return
    node: Any = scripts
    for token in tokens[1:-1]:
        if isinstance(node, dict):
            node = node.setdefault(token, {})
        else:
            return
    if isinstance(node, dict) and len(tokens) > 1:
        node[tokens[-1]] = {UNKNOWN_KEY: reason}
    elif len(tokens) == 1:
        scripts[UNKNOWN_KEY] = reason
