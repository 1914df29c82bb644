"""Plain JSON values (dicts, lists, str, numbers, bools, None), as the facts and the configs hold them."""

from __future__ import annotations

from typing import Any


def copy_json(value: Any) -> Any:
    """A copy of a JSON value (objects and arrays copied, scalars shared): ``copy.deepcopy`` for the types JSON
    has, at a fraction of its cost (every deployment copies the schema's defaults and the facts of shared files)."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value
