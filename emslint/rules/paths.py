"""Where the shipped rule files are: inside the wheel (``emslint/_shipped/rules``) or the source tree's ``rules/``."""

from __future__ import annotations

from pathlib import Path


def shipped_rules_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    installed = package / "_shipped" / "rules"
    return installed if installed.is_dir() else package.parent / "rules"
