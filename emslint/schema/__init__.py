"""JSON Schemas of config.json and config.lua, a fast validator for them, defaults and annotations.

* :mod:`emslint.schema.compiler` -- a JSON Schema 2020-12 subset compiled to closures (also used for rules).
* :mod:`emslint.schema.validate` -- ``validate_config(kind, data)`` -> reader-style issues.
* :mod:`emslint.schema.defaults` -- the schemas' ``default``s and ``x-emslint`` annotations.

This module stays import-cheap (pathlib and json only); the others are imported on use.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILES = {"ems": "ems-config.schema.json", "lsr": "lsr-scripts.schema.json", "connector": "connector.schema.json"}


def schema_dir() -> Path:
    """The folder holding the shipped JSON Schemas.

    ``emslint/_shipped/schemas`` in an installed wheel (pyproject force-includes it there), else the top-level
    ``schemas/`` of a source checkout.
    """
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_shipped" / "schemas", package.parent / "schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no schemas folder next to {package} (neither _shipped/schemas nor ../schemas)")


def kind_file(kind: str) -> str:
    try:
        return SCHEMA_FILES[kind]
    except KeyError:
        raise ValueError(f"unknown config kind {kind!r}: expected one of {', '.join(SCHEMA_FILES)}") from None


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The parsed schema of ``kind`` ("ems", "lsr" or "connector"); cached, treat as read-only."""
    path = schema_dir() / kind_file(kind)
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema
