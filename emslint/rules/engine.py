"""Evaluate declarative rules over a facts document and turn matches into located findings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from emslint.facts.sources import Sources
from emslint.model import Finding
from emslint.read.result import join_pointer
from emslint.rules.model import Match, Rule

Predicate = Callable[[Any], bool]
_compiled: dict[int, tuple[Predicate, Predicate | None, bool]] = {}


def _compile(match: Match) -> tuple[Predicate, Predicate | None, bool]:
    """(value condition, context condition, whether the value condition is explicitly about null)."""
    key = id(match)
    if key not in _compiled:
        from emslint.schema.compiler import compile_schema

        value_check = compile_schema(match.schema).is_valid
        when_check = compile_schema(match.when).is_valid if match.when else None
        _compiled[key] = (value_check, when_check, _mentions_null(match.schema))
    return _compiled[key]


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def walk(doc: Any, pattern: str) -> Iterator[tuple[list[str | int], Any]]:
    """Every (concrete path, value) that `pattern` ("/files/*/cert") selects; absent keys select nothing."""
    tokens = [_unescape(t) for t in pattern.split("/")[1:]]
    stack: list[tuple[list[str | int], Any, int]] = [([], doc, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth == len(tokens):
            yield path, value
            continue
        token = tokens[depth]
        if token == "*":
            if isinstance(value, list):
                children = list(enumerate(value))
            elif isinstance(value, dict):
                children = list(value.items())
            else:
                children = []
            for key, child in reversed(children):
                stack.append(([*path, key], child, depth + 1))
        elif isinstance(value, dict) and token in value:
            stack.append(([*path, token], value[token], depth + 1))
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            stack.append(([*path, int(token)], value[int(token)], depth + 1))


def _mentions_null(schema: Any) -> bool:
    """Whether a condition is explicitly about null (otherwise a null fact, i.e. absent, never matches)."""
    text = json.dumps(schema)
    return '"null"' in text or '"const": null' in text


def _item_context(doc: Any, path: list[str | int]) -> tuple[dict | None, str]:
    """The innermost object on `path` (the value included) with an "at" location, and the innermost "detail"."""
    best = None
    detail = ""
    node = doc
    for token in path:
        node = node[token]
        if isinstance(node, dict):
            if isinstance(node.get("at"), dict):
                best = node
            if isinstance(node.get("detail"), str):
                detail = node["detail"]
    return best, detail


_SOURCE_PREFIX = {
    "ems": ("ems", ""),
    "ems_raw": ("ems", ""),
    "lsr": ("lsr", "/scripts"),
    "lsr_raw": ("lsr", "/scripts"),
}


def _dotted(pointer: str) -> str:
    parts = [_unescape(t) for t in pointer.split("/")[1:]]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "(file)"


def _value_hash(value: Any) -> str:
    try:
        text = json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(type(value))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


class Locator:
    """Maps a concrete facts path to (file, pointer, line, column)."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources

    def locate(self, doc: dict, path: list[str | int], item: dict | None) -> tuple[str, str, int, int]:
        if item is not None:
            at = item["at"]
            role = at.get("file", "ems")
            pointer = at.get("pointer", "")
            source = self.sources.get(role) if role in ("ems", "ems-booted", "lsr") else None
            display = source.display if source else str(role)
            if "line" in at and at.get("line"):
                return display, pointer, int(at["line"]), int(at.get("column") or 1)
            line, column = source.position(pointer) if source else (1, 1)
            return display, pointer, line, column
        head = str(path[0]) if path else ""
        if head in _SOURCE_PREFIX:
            role, prefix = _SOURCE_PREFIX[head]
            pointer = prefix
            for token in path[1:]:
                pointer = join_pointer(pointer, token)
            source = self.sources.get(role)
            if source is not None:
                line, column = source.position(pointer)
                return source.display, pointer, line, column
        first = self.sources.first()
        return (first.display if first else ""), "", 1, 1


def evaluate(rules: list[Rule], doc: dict, sources: Sources, *, profile: str) -> list[Finding]:
    locator = Locator(sources)
    findings: list[Finding] = []
    for rule in rules:
        if profile not in rule.profiles:
            continue
        seen: set[tuple[str, str, int, int]] = set()
        for match in rule.matches:
            value_check, when_check, null_matters = _compile(match)
            if when_check is not None and not when_check(doc):
                continue
            for path, value in walk(doc, match.pointer):
                if (value is None and not null_matters) or not value_check(value):
                    continue
                item, detail = _item_context(doc, path)
                file, pointer, line, column = locator.locate(doc, path, item)
                place = (file, pointer, line, column)
                if place in seen:
                    continue  # one finding per rule and place, even when several matches agree
                seen.add(place)
                template = match.message or rule.message
                message = template.replace("{property}", _dotted(pointer)).replace("{detail}", str(detail))
                findings.append(
                    Finding(
                        rule=rule.id,
                        name=rule.name,
                        severity=rule.severity_for(profile),
                        message=message,
                        file=file,
                        line=line,
                        column=column,
                        pointer=pointer,
                        link=(item or {}).get("link") or match.link or rule.link,
                        caps=rule.caps,
                        related=list((item or {}).get("related") or []),
                        value_hash=(item or {}).get("value_hash") or _value_hash(value),
                    )
                )
    return findings
