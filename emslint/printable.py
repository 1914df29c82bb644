"""Make untrusted text (key names, paths, words from a config) safe to show in any output format."""

from __future__ import annotations

import re

# C0/C1 controls, zero-width and bidirectional marks, line/paragraph separators, BOM: they could end a line
# early, recolour a terminal or reorder what a reviewer sees ("Trojan Source") in a report or a code-scanning UI.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def escape_unsafe(text: str) -> str:
    """``text`` with every unsafe character written as ``\\uXXXX``."""
    if text.isascii() and text.isprintable():  # the usual case: no substitution to run
        return text
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
