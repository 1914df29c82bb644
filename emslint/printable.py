"""Make untrusted text (key names, paths, words from a config) safe to show in any output format.

:func:`escape_unsafe` is the one escaping every report applies where text from a scanned file (or a folder
name) enters it, in every format (text, json, jsonl, sarif, github):

* C0/C1 controls, zero-width and bidirectional marks, line/paragraph separators and the BOM become ``\\uXXXX``:
  they could end a line early, recolour a terminal (ESC, OSC) or reorder what a reviewer sees ("Trojan
  Source") in a report or a code-scanning UI;
* CI log commands are broken up. GitHub Actions runs ``::command::`` at the start of a line (after
  whitespace) and ``##[command]`` anywhere in a line; Azure Pipelines ``##vso[...]``, TeamCity
  ``##teamcity[...]``. So a leading ``::`` becomes ``\\u003a:``, and every ``#`` followed by another ``#``
  becomes ``\\u0023``: no ``##`` survives at all.

The result never contains a line break, so an escaped text can only start a line where the report puts it
first; it is idempotent (escaping twice changes nothing), so a renderer may escape what was escaped before.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_DOUBLE_HASH = re.compile("#(?=#)")
_LEADING_COLONS = re.compile(r"(\s*):(?=:)")  # used with .match: only at the start


def escape_unsafe(text: str) -> str:
    """``text`` with unsafe characters written as ``\\uXXXX`` and CI log commands broken up."""
    if not (text.isascii() and text.isprintable()):  # the usual case has nothing to substitute
        text = UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if "##" in text:
        text = _DOUBLE_HASH.sub(r"\\u0023", text)
    leading = _LEADING_COLONS.match(text)
    if leading is not None:
        text = f"{leading.group(1)}\\u003a{text[leading.end():]}"
    return text
