"""RFC 6901 JSON pointers: escaping, splitting, joining, and selecting values by a pattern whose ``*`` stands for
every array item or object member. One implementation for the whole project."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def escape_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(parent: str, token: str | int) -> str:
    return f"{parent}/{escape_token(token)}"


def split(pointer: str) -> list[str]:
    """``"/a~1b/0"`` -> ``["a/b", "0"]``; ``""`` (the whole document) -> ``[]``."""
    return [unescape_token(t) for t in pointer.split("/")[1:]]


def dotted(pointer: str) -> str:
    """How messages name a property (``{property}``): ``/ws_servers/0/host`` -> ``ws_servers[0].host``."""
    out = ""
    for part in split(pointer):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "(file)"


def value_at(doc: Any, pointer: str) -> Any:
    """The value at ``pointer`` in ``doc`` (array items by decimal index), or None where nothing is there."""
    node = doc
    for token in split(pointer):
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


Path = tuple[str | int, ...]


def select(value: Any, tokens: Sequence[str]) -> list[tuple[Path, Any]]:
    """Every (concrete path, value) that the pattern ``tokens`` selects under ``value``, in document order; absent
    keys select nothing. Iterative: no recursion limit applies to deep documents."""
    if "*" not in tokens:  # one place at most: follow it (most rules look at one setting)
        return _one(value, tokens)
    out: list[tuple[Path, Any]] = []
    stack: list[tuple[Path, Any, int]] = [((), value, 0)]
    while stack:
        path, node, depth = stack.pop()
        if depth == len(tokens):
            out.append((path, node))
            continue
        token = tokens[depth]
        children: list[tuple[str | int, Any]]
        if token == "*":
            if isinstance(node, list):
                children = list(enumerate(node))
            elif isinstance(node, dict):
                children = list(node.items())
            else:
                children = []
        elif isinstance(node, dict):
            children = [(token, node[token])] if token in node else []
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            children = [(int(token), node[int(token)])]
        else:
            children = []
        stack.extend(((*path, key), child, depth + 1) for key, child in reversed(children))
    return out


def _one(node: Any, tokens: Sequence[str]) -> list[tuple[Path, Any]]:
    path: list[str | int] = []
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                return []
            node = node[token]
            path.append(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
            path.append(int(token))
        else:
            return []
    return [(tuple(path), node)]


def walk(doc: Any, pattern: str) -> Iterator[tuple[list[str | int], Any]]:
    """Every (concrete path, value) that the pattern pointer (``"/files/*/cert"``) selects."""
    for path, value in select(doc, split(pattern)):
        yield list(path), value
