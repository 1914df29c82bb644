"""The EMS release as a number that JSON Schema conditions can compare (``minimum``/``maximum``)."""

from __future__ import annotations

from emslint.schema.defaults import parse_version


def version_ordinal(ems_version: str | None) -> int | None:
    """``"5.4.8"`` -> 5004008 (major * 1,000,000 + minor * 1,000 + patch, each part capped at 999); None when
    the release is not given. Rules compare it: ``minimum = 5004008`` is "5.4.8 or later"."""
    version = parse_version(ems_version)
    if version is None:
        return None
    major, minor, patch = (min(part, 999) for part in (*version, 0, 0)[:3])
    return major * 1_000_000 + minor * 1_000 + patch
