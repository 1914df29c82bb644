"""Facts about config.lua statements that may change ``scripts`` in a way the static reader cannot follow.

The reader (``emslint.read.lua_reader``) lists them as ``ReadResult.unresolved_writes``; this module turns each
into one item of the facts document's ``lua_writes`` list (docs/architecture.md):

```jsonc
{"at": {"file": "lsr", "pointer": "/scripts/rap_ssl", "line": 12, "column": 1},
 "pointers": ["/scripts/rap_ssl"],  // null: any key of scripts, also keys the file never sets
 "reason": "an assignment inside an if block",   // the construct, never a value of the file
 "security": true,                  // it may change a key with a security meaning (or any key)
 "link": "ems-rest",                // the one link those keys belong to, else null
 "links": ["ems-rest"],             // every link it may change (both LSR links for any key)
 "detail": "an assignment inside an if block may change scripts.rap_ssl: ..."}
```

A key has a security meaning when the LSR schema marks it with a ``link`` or as a ``secret``
(``schemas/lsr-scripts.schema.json``); a pointer to a table counts if a key below it does.
"""

from __future__ import annotations

from typing import Any

from emslint.pointers import split as pointer_tokens
from emslint.read.sources import SourceFile
from emslint.schema.defaults import annotations as schema_notes

_SHOWN_KEYS = 5  # keys named in a message; the rest are counted
_LSR_LINKS = ("ems-rest", "lsr-rest")


def lua_write_items(source: SourceFile | None) -> list[dict[str, Any]]:
    """One facts item per unresolved write of config.lua (``source``: the ``lsr`` source, or None)."""
    if source is None or source.result is None or not source.result.unresolved_writes:
        return []
    patterns = _security_patterns()
    items = []
    for write in source.result.unresolved_writes:
        pointers = list(write.pointers) if write.pointers is not None else None
        security, links = True, set(_LSR_LINKS)
        if pointers is not None:
            matched = [note for pointer in pointers for note in _security_notes(pointer, patterns)]
            security, links = bool(matched), {link for link in matched if link}
        items.append(
            {
                "at": {
                    "file": source.role,
                    "pointer": pointers[0] if pointers is not None and len(pointers) == 1 else "/scripts",
                    "line": write.line,
                    "column": write.column,
                },
                "pointers": pointers,
                "reason": write.reason,
                "security": security,
                "link": next(iter(links)) if len(links) == 1 else None,
                "links": sorted(links),
                "detail": f"{write.reason} may change {_keys(pointers)}: emslint does not run config.lua, so "
                "it cannot tell which values the LSR ends up with",
            }
        )
    return items


def _keys(pointers: list[str] | None) -> str:
    if pointers is None:
        return "any key of scripts, also keys the file never sets"
    names = [_dotted(p) for p in pointers[:_SHOWN_KEYS]]
    more = len(pointers) - len(names)
    if more:
        return ", ".join(names) + f" and {more} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _dotted(pointer: str) -> str:
    return ".".join(pointer_tokens(pointer))


def _security_patterns() -> list[tuple[list[str], str]]:
    """(pattern tokens, link or "") of every scripts key with a link or a secret (``*`` matches any key)."""

    found = []
    notes = schema_notes("lsr")
    for pattern, note in notes.items():
        if note.get("link") or note.get("secret"):
            found.append((pattern.split("/")[1:], str(note.get("link") or "")))
    return found


def _security_notes(pointer: str, patterns: list[tuple[list[str], str]]) -> list[str]:
    """The links ("" for a secret without one) of the security keys at or below ``pointer``."""
    tokens = pointer_tokens(pointer)
    return [
        link
        for pattern, link in patterns
        if len(tokens) <= len(pattern) and all(p in ("*", t) for p, t in zip(pattern, tokens, strict=False))
    ]
