"""The value tree of a HOCON file before and after substitutions are resolved, and how two values merge.

Nodes carry ``off`` (offset of the text that produced them) and ``src`` (0 for the file read, n for the
n-th included file). Merging follows Typesafe config's ``withFallback``: object over object merges key by
key, any other resolved value replaces what was there, and a value that is (or contains at its top) a
substitution cannot be merged before resolution, so it becomes a ``Merge`` stack (newest first), as
``ConfigDelayedMerge`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_HEIGHT = 150  # nesting of a value tree, parsed or built by substitutions; keeps recursion bounded


class Node:
    __slots__ = ("off", "src")

    def __init__(self, off: int, src: int) -> None:
        self.off = off
        self.src = src


class Scalar(Node):
    """A string, number, boolean or null. ``text`` is how it renders in a concatenation (numbers as written);
    ``ws`` marks the unquoted whitespace between two simple values of a concatenation."""

    __slots__ = ("text", "value", "ws")

    def __init__(self, off: int, src: int, value: Any, text: str, *, ws: bool = False) -> None:
        super().__init__(off, src)
        self.value = value
        self.text = text
        self.ws = ws


class Obj(Node):
    __slots__ = ("fields", "height", "keys")

    def __init__(self, off: int, src: int) -> None:
        super().__init__(off, src)
        self.fields: dict[str, Node] = {}
        self.keys: dict[str, tuple[int, int]] = {}  # key -> (offset of the key text, src)
        self.height = 1


class Arr(Node):
    __slots__ = ("height", "items")

    def __init__(self, off: int, src: int, items: list[Node] | None = None) -> None:
        super().__init__(off, src)
        self.items: list[Node] = items if items is not None else []
        self.height = 1 + max((height(i) for i in self.items), default=0)


class Subst(Node):
    """``${path}`` / ``${?path}``. ``path`` is absolute (prefixed when included below a key); the first
    ``base_len`` elements are that prefix, and the rest is also looked up from the root, as Typesafe config
    does. ``field`` is the key path of the field the substitution was written in (for messages)."""

    __slots__ = ("base_len", "env", "field", "optional", "path")

    def __init__(
        self, off: int, src: int, path: tuple[str, ...], optional: bool, field: tuple[str, ...], *, env: bool = True
    ) -> None:
        super().__init__(off, src)
        self.path = path
        self.base_len = 0
        self.optional = optional
        self.field = field
        self.env = env  # False for the ${?a} that 'a += x' stands for: no environment look-up is meant


class Concat(Node):
    """A value concatenation that still holds substitutions (pieces in order)."""

    __slots__ = ("parts",)

    def __init__(self, off: int, src: int, parts: list[Node]) -> None:
        super().__init__(off, src)
        self.parts = parts


class Merge(Node):
    """Values of one key that cannot be merged before resolution; ``stack[0]`` is the latest."""

    __slots__ = ("stack",)

    def __init__(self, stack: list[Node]) -> None:
        super().__init__(stack[0].off, stack[0].src)
        self.stack = stack


class Unknown(Node):
    """A value emslint cannot know statically (environment, syntax error, cycle ...); ``reason`` says why."""

    __slots__ = ("reason",)

    def __init__(self, off: int, src: int, reason: str) -> None:
        super().__init__(off, src)
        self.reason = reason


UNMERGEABLE = (Subst, Concat, Merge)


def height(node: Node) -> int:
    return node.height if isinstance(node, (Obj, Arr)) else 1


def stack_of(node: Node) -> list[Node]:
    return node.stack if isinstance(node, Merge) else [node]


# Called as (path of the key, newer value, older value) when a newer value replaces an older one outright.
OnReplace = Callable[[tuple[str, ...], Node, Node], None]


def with_fallback(new: Node, old: Node, path: tuple[str, ...], on_replace: OnReplace | None = None) -> Node:
    """``new.withFallback(old)`` on parsed values (substitutions unresolved). May update ``old`` in place
    when both are objects: parsed objects have a single owner, and copying would make ``a.k1 = ..``,
    ``a.k2 = ..``, ... quadratic."""
    if isinstance(new, Obj):
        if isinstance(old, Obj):
            return merge_into(new, old, path, on_replace)
        if isinstance(old, UNMERGEABLE):
            return Merge([new, *stack_of(old)])
        if on_replace is not None:
            on_replace(path, new, old)
        return new
    if isinstance(new, (Subst, Concat)):
        return Merge([new, *_trimmed(stack_of(old))])
    if isinstance(new, Merge):
        if isinstance(new.stack[-1], (Obj, *UNMERGEABLE)):
            return Merge([*new.stack, *_trimmed(stack_of(old))])
        return new
    if on_replace is not None:
        on_replace(path, new, old)
    return new


def _trimmed(stack: list[Node]) -> list[Node]:
    """Values below a scalar or array can never be seen: drop them (keeps stacks short)."""
    for i, node in enumerate(stack):
        if not isinstance(node, (Obj, *UNMERGEABLE)):
            return stack[: i + 1]
    return stack


def merge_into(new: Obj, old: Obj, path: tuple[str, ...], on_replace: OnReplace | None) -> Obj:
    """Merge parsed object ``new`` over ``old`` by updating ``old``; returns ``old`` (positions of ``new``)."""
    for key, value in new.fields.items():
        existing = old.fields.get(key)
        if existing is None:
            old.fields[key] = value
        else:
            old.fields[key] = with_fallback(value, existing, (*path, key), on_replace)
        old.keys[key] = new.keys[key]
        old.height = max(old.height, 1 + height(old.fields[key]))
    old.off, old.src = new.off, new.src
    return old


def merge_resolved(high: Node, low: Node) -> Node:
    """Merge two resolved values, ``high`` wins; objects merge key by key into a new object."""
    if not (isinstance(high, Obj) and isinstance(low, Obj)):
        return high
    out = Obj(high.off, high.src)
    out.fields = dict(low.fields)
    out.keys = dict(low.keys)
    for key, value in high.fields.items():
        below = low.fields.get(key)
        out.fields[key] = value if below is None else merge_resolved(value, below)
        out.keys[key] = high.keys[key]
    out.height = 1 + max((height(v) for v in out.fields.values()), default=0)
    return out


def object_as_list(obj: Obj) -> Arr | None:
    """Typesafe config's numerically-indexed object to array conversion (``{"0": a, "1": b}`` -> ``[a, b]``),
    used when such an object is concatenated with an array; None if it has no such keys."""
    indexed = sorted((int(k), v) for k, v in obj.fields.items() if k.isdigit() and k.isascii())
    if not indexed:
        return None
    return Arr(obj.off, obj.src, [v for _, v in indexed])


def render(node: Node) -> str | None:
    """A resolved simple value as text in a string concatenation; None for objects and arrays."""
    if isinstance(node, Scalar):
        return node.text
    return None
