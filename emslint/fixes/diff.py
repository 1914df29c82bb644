"""``--diff``: what ``--fix`` would change, as a unified diff, without a secret in it.

Only the changed lines are shown (no context lines: the lines around a fix are often the application key or a
password), and on them every value that is or may be a secret is shown as ``***``: values under a secret-like
or user-like name (:func:`emslint.facts.mask.is_secret_name`), GUIDs, ``appKey=`` and credentials in URLs;
comments too. A mode change is shown as git shows one (``old mode`` / ``new mode``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from emslint.facts.mask import is_secret_name
from emslint.fixes.apply import Change
from emslint.fixes.json_text import json_tokens
from emslint.printable import escape_unsafe
from emslint.read.lua_lexer import tokenize

MASK = "***"
_SECRET_TEXT = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|app_?key|://[^/@\s]*+@", re.I)
_LINE_PART = re.compile(r"[^\r\n]++")
_USER_WORDS = re.compile(r"(?:^|[^a-z])(?:user|username|userid|login|account|principal)(?:$|[^a-z])", re.I)


def render_diff(changes: Iterable[Change]) -> str:
    """The diff of every change, files in the order given."""
    out: list[str] = []
    for change in changes:
        name = escape_unsafe(change.display)
        if change.mode_to is not None and change.new is None:
            out += [f"diff --git a/{name} b/{name}", f"old mode 100{change.mode_from:03o}",
                    f"new mode 100{change.mode_to:03o}"]
            continue
        out.append(f"diff --git a/{name} b/{name}")
        if change.mode_to is not None:
            out += [f"old mode 100{change.mode_from:03o}", f"new mode 100{change.mode_to:03o}"]
        assert change.new is not None
        old = _masked(change.original, change.role)
        new = _masked(change.new, change.role)
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=f"a/{name}", tofile=f"b/{name}", n=0)
        for line in lines:
            text = line.rstrip("\r\n")
            out.append(escape_unsafe(text))
            if not line.endswith(("\n", "\r")):
                out.append("\\ No newline at end of file")
    return "".join(line + "\n" for line in out)


def _secret_name(name: str) -> bool:
    return is_secret_name(name) or bool(_USER_WORDS.search(name))


def _masked(data: bytes, role: str) -> str:
    """The text with every possibly secret value and every comment replaced by ``***``."""
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    spans = _lua_spans(text) if role == "lsr" else _json_spans(text)
    out = []
    position = 0
    for start, end in spans:
        if start < position or start >= end:
            continue
        while start < end and text[start] in " \t":  # "-- note" shows as "-- ***"
            start += 1
        out.append(text[position:start])
        out.append(_LINE_PART.sub(MASK, text[start:end]))  # line breaks kept: the diff's line numbers stay true
        position = end
    out.append(text[position:])
    return "".join(out)


def _json_spans(text: str) -> list[tuple[int, int]]:
    """Values under a secret-like name (the member's own or an enclosing one), secret-looking values, comments."""
    spans = []
    key = ""
    secret_above: list[bool] = []  # per open container: is it (or one around it) under a secret-like name?
    for start, end, kind in json_tokens(text):
        inside = bool(secret_above and secret_above[-1])
        if kind == "key":
            key = text[start:end].strip("\"'\u201c\u201d")
        elif kind == "comment":
            spans.append((start + 2, end) if text.startswith("//", start) else (start + 2, max(start + 2, end - 2)))
        elif kind in ("string", "word", "other"):
            if inside or _secret_name(key) or _SECRET_TEXT.search(text[start:end]):
                spans.append((start, end))
        elif kind == "punct" and text[start] in "{[":
            secret_above.append(inside or _secret_name(key))
            key = ""
        elif kind == "punct" and text[start] in "}]":
            if secret_above:
                secret_above.pop()
            key = ""
    return spans


def _lua_spans(text: str) -> list[tuple[int, int]]:
    tokens = tokenize(text).tokens
    spans = []
    position = 0
    secret_above: list[bool] = []  # per open table constructor: under a secret-like name?
    for i, token in enumerate(tokens):
        if token.kind == "{":
            target = tokens[i - 2] if i >= 2 and tokens[i - 1].kind == "=" else None
            named = target is not None and target.kind == "name" and _secret_name(str(target.value))
            secret_above.append(bool(secret_above and secret_above[-1]) or named)
        elif token.kind == "}" and secret_above:
            secret_above.pop()
        if "--" in text[position:token.offset]:  # a comment in the gap: masked from its marker to the gap's end
            gap = text[position:token.offset]
            first = gap.index("--")
            rest = gap[first:].rstrip(" \t\r\n")
            spans.append((position + first + 2, position + first + len(rest)))
        position = token.end
        if token.kind not in ("string", "number", "name"):
            continue
        value = text[token.offset:token.end]
        target = tokens[i - 2] if i >= 2 and tokens[i - 1].kind == "=" else None
        named = target is not None and target.kind == "name" and _secret_name(str(target.value))
        named = named or bool(secret_above and secret_above[-1])
        if (token.kind != "name" and named) or (token.kind == "string" and _SECRET_TEXT.search(value)):
            spans.append((token.offset, token.end))
    return spans
